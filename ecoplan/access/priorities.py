"""Gap priority tiers: which deprived areas need action first, and which standard they fail.

Why tiers and not a flag: "deprived and fewer than half meet the 15-minute or AGS local
standard" flagged 27 of 28 deprived Isle of Wight LSOAs, because AGS local (2 ha within 300 m)
fails almost everywhere. Like Trust for Public Land ParkServe's priority areas, the tiers
combine need with the access deficits that matter for daily use — three tests, each at the
10-minute walk (``PRIORITY_WALK_MINUTES``) along the walking network:

* ``fails_walk10``: most people (``PRIORITY_FAILS_BELOW_SHARE``) have no green or blue space
  within a 10-minute walk;
* ``fails_park10``: most people have no park within a 10-minute walk;
* ``fails_large``: the mean walk to the nearest green space of at least 2 ha is longer than
  10 minutes.

Tier 1 (act first) = deprived and failing at least two tests; 2 = deprived and failing one, or
not deprived and failing all three; 3 = any other area failing a test; no tier = passes all.
``failed_standards`` names each failed test and by how much. Unknowns stay unknown: areas
outside the data or without a decile get no tier (<NA>), and so do ``partial`` areas (mostly
outside the data: their walks stop at its edge, so every test would "fail" for want of data,
and an edge-of-data artefact would rank first) unless ``include_partial`` asks for them, as
the headline figures do. Thresholds and sources live in
:mod:`ecoplan.settings.access`. Works on one variant's view (:func:`ecoplan.access.variants.view`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.settings import access as access_cfg

PRIORITY_COLUMNS = ["deprived", "fails_walk10", "fails_park10", "fails_large", "n_failed",
                    "priority_tier", "failed_standards", "people_without_walk10",
                    "people_without_park10"]


def check_deciles(deciles: int) -> int:
    if isinstance(deciles, bool) or not 1 <= int(deciles) <= 10:
        raise EcoplanError(f"Deprivation cut-off {deciles!r} is not a decile: give 1..10 "
                           "(3 = the 30 % most deprived areas).")
    return int(deciles)


def prioritise(table: pd.DataFrame, *,
               deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
               include_partial: bool = False) -> pd.DataFrame:
    """Copy of one variant's per-area table with :data:`PRIORITY_COLUMNS` added."""
    deciles = check_deciles(deciles)
    out = table.copy()
    dec = pd.to_numeric(out["imd_decile"], errors="coerce")
    known = out["status"].ne("outside data").to_numpy(bool)
    edge = partial_areas(out) & ~include_partial
    known = known & ~edge
    below = access_cfg.PRIORITY_FAILS_BELOW_SHARE
    walk = pd.to_numeric(out["share_walk10_any"], errors="coerce").to_numpy(float)
    park = pd.to_numeric(out["share_park10"], errors="coerce").to_numpy(float)
    large = pd.to_numeric(out["minutes_large"], errors="coerce").to_numpy(float)
    limit = access_cfg.PRIORITY_WALK_MINUTES
    # No reachable large site (NaN minutes) inside the data fails the test.
    f_walk = np.where(known & np.isfinite(walk), walk < below, False)
    f_park = np.where(known & np.isfinite(park), park < below, False)
    f_large = known & (~np.isfinite(large) | (large > limit))
    out["deprived"] = _where(dec.notna().to_numpy(bool), (dec <= deciles).to_numpy(bool),
                             "boolean")
    out["fails_walk10"] = _where(known, f_walk, "boolean")
    out["fails_park10"] = _where(known, f_park, "boolean")
    out["fails_large"] = _where(known, f_large, "boolean")
    n_failed = f_walk.astype(int) + f_park.astype(int) + f_large.astype(int)
    out["n_failed"] = _where(known, n_failed, "Int64")
    dep = (dec <= deciles).to_numpy(bool)
    tier = np.full(len(out), 0, dtype=int)
    tier[n_failed > 0] = 3
    tier[(dep & (n_failed == 1)) | (~dep & (n_failed >= 3))] = 2
    tier[dep & (n_failed >= access_cfg.PRIORITY_TIER1_MIN_FAILED)] = 1
    valid = known & dec.notna().to_numpy(bool)
    out["priority_tier"] = _where(valid & (tier > 0), tier, "Int64")
    out["failed_standards"] = [
        _failed_text(fw, fp, fl, w, p, lg, mp) if ok else (NOT_ASSESSED if e else "")
        for ok, e, fw, fp, fl, w, p, lg, mp in zip(
            known, edge, f_walk, f_park, f_large, walk, park, large,
            pd.to_numeric(out["minutes_park"], errors="coerce").to_numpy(float), strict=True)]
    pop = pd.to_numeric(out["population"], errors="coerce")
    out["people_without_walk10"] = pop * (1 - pd.Series(walk, index=out.index))
    out["people_without_park10"] = pop * (1 - pd.Series(park, index=out.index))
    return out


#: What a partial area left out of the tiers says instead of its failed standards.
NOT_ASSESSED = "not assessed: mostly outside the OSM data (see share_inside_data)"


def partial_areas(table: pd.DataFrame) -> np.ndarray:
    """Which areas are ``partial`` (mostly outside the data), as a plain boolean array."""
    if "partial" not in table.columns:
        return np.zeros(len(table), dtype=bool)
    return table["partial"].fillna(False).astype(bool).to_numpy()


def _failed_text(f_walk: bool, f_park: bool, f_large: bool, walk: float, park: float,
                 large: float, park_min: float) -> str:
    """'no park within 10 min for 62 % (nearest 14.0 min, +4.0)' …, joined by '; '."""
    lim = access_cfg.PRIORITY_WALK_MINUTES
    parts = []
    if f_walk:
        parts.append(f"no green/blue space within {lim:g} min for {100 * (1 - walk):.0f} %")
    if f_park:
        near = (f" (nearest park {park_min:.1f} min, +{park_min - lim:.1f})"
                if np.isfinite(park_min) and park_min > lim else "")
        parts.append(f"no park within {lim:g} min for {100 * (1 - park):.0f} %{near}")
    if f_large:
        parts.append(f"nearest ≥{access_cfg.PRIORITY_LARGE_HA:g} ha green space "
                     + (f"{large:.1f} min (+{large - lim:.1f})" if np.isfinite(large)
                        else "not reachable"))
    return "; ".join(parts)


def _where(mask: np.ndarray, values: np.ndarray, dtype: str) -> pd.api.extensions.ExtensionArray:
    """``values`` where ``mask`` holds, missing (NA) elsewhere, as a nullable array."""
    arr = pd.array(np.asarray(values), dtype=dtype)
    arr[~np.asarray(mask, dtype=bool)] = pd.NA
    return arr


def tier_label(tier: object) -> str:
    if tier is None or pd.isna(tier):
        return ""
    return access_cfg.PRIORITY_TIER_LABELS.get(int(str(tier)), str(tier))


def priority_list(table: pd.DataFrame, *,
                  deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
                  max_tier: int = 2, include_partial: bool = False) -> pd.DataFrame:
    """Areas in tiers 1..``max_tier``: tier first, then most people without a 10-minute walk
    to a park, then to any green or blue space; ``rank`` from 1."""
    p = prioritise(table, deciles=deciles, include_partial=include_partial)
    tier = p["priority_tier"]
    sel = p[tier.notna() & (tier.fillna(99) <= max_tier)].copy()
    sel["_t"] = sel["priority_tier"].astype(int)
    sel["_p"] = sel["people_without_park10"].fillna(-1.0)
    sel["_w"] = sel["people_without_walk10"].fillna(-1.0)
    sel = sel.sort_values(["_t", "_p", "_w", "area_code"],
                          ascending=[True, False, False, True], kind="stable")
    sel.insert(0, "rank", np.arange(1, len(sel) + 1))
    cols = ["rank", "priority_tier", "area_code", "area_name", "imd_decile", "population",
            "failed_standards", "people_without_park10", "people_without_walk10",
            "share_walk10_any", "share_park10", "minutes_any", "minutes_park",
            "metres_park", "minutes_large", "share_walk15_any", "share_ags_local",
            "nearest_site_id", "nearest_site_name", "partial", "status"]
    return pd.DataFrame(sel[[c for c in cols if c in sel.columns]]).reset_index(drop=True)


def tier_counts(table: pd.DataFrame, *, deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
                include_partial: bool = False) -> dict[str, int]:
    """Areas per tier, all and deprived only: {'tier 1': n, …, 'deprived areas': n, …}; the
    deprived counted among the areas assessed (not outside the data, nor partial unless
    ``include_partial``), so "of the N deprived" is of those that could be tiered."""
    p = prioritise(table, deciles=deciles, include_partial=include_partial)
    dep = p["deprived"].fillna(False).astype(bool) & p["n_failed"].notna()
    out = {"deprived areas": int(dep.sum())}
    for t in sorted(access_cfg.PRIORITY_TIER_LABELS):
        hit = p["priority_tier"].fillna(0).astype(int) == t
        out[f"tier {t}"] = int(hit.sum())
        out[f"tier {t} deprived"] = int((hit & dep).sum())
    return out
