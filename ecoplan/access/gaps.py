"""Access gaps and equity: who is deprived *and* cannot walk to green space.

An area is a *gap* when it is deprived (deprivation decile ≤ the cut-off, default 3 = the 30 %
most deprived; decile 1 = most deprived, as in the IoD and in generic need layers) and fails the
15-minute or the AGS local standard (fewer than ``AREA_MEETS_SHARE`` of its people meet it).
Gaps rank by the people in them lacking access, then by walking minutes. The equity table sets
access side by side for deciles 1..10, population-weighted.

Unknowns stay unknown: an area outside the data or with no decile gets ``gap`` = <NA>, not
False, and areas without population are left out of population totals (and counted).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.settings import access as cfg

H = f"share_{cfg.HEADLINE_STANDARD}"
L = f"share_{cfg.LOCAL_STANDARD}"

GAP_COLUMNS = ["deprived", "fails_walk15", "fails_local", "gap", "people_lacking"]
EQUITY_COLUMNS = ["decile", "n_areas", "population", "share_walk15", "share_local",
                  "mean_minutes", "people_lacking", "n_gaps"]


def check_deciles(deciles: int) -> int:
    if isinstance(deciles, bool) or not 1 <= int(deciles) <= 10:
        raise EcoplanError(f"Deprivation cut-off {deciles!r} is not a decile: give 1..10 "
                           "(3 = the 30 % most deprived areas).")
    return int(deciles)


def flag_gaps(areas: pd.DataFrame, *, deciles: int = cfg.DEFAULT_DEPRIVED_DECILES,
              meets_share: float = cfg.AREA_MEETS_SHARE) -> pd.DataFrame:
    """Copy of the per-area table with :data:`GAP_COLUMNS` added.

    ``deprived``/``fails_*``/``gap`` are nullable booleans (<NA> = unknown); ``people_lacking``
    = population × share failing the 15-minute or the local standard.
    """
    deciles = check_deciles(deciles)
    out = areas.copy()
    dec = pd.to_numeric(out["imd_decile"], errors="coerce")
    known = out["status"].ne("outside data")
    out["deprived"] = pd.array(np.where(dec.notna(), dec <= deciles, None), dtype="boolean")
    for col, share in (("fails_walk15", H), ("fails_local", L)):
        s = pd.to_numeric(out[share], errors="coerce")
        out[col] = pd.array(np.where(s.notna() & known, s < meets_share, None),
                            dtype="boolean")
    fails = out["fails_walk15"] | out["fails_local"]
    out["gap"] = out["deprived"] & fails
    pop = pd.to_numeric(out["population"], errors="coerce")
    out["people_lacking"] = pop * pd.to_numeric(out["share_lacking"], errors="coerce")
    return out


def gap_list(areas: pd.DataFrame, *, deciles: int = cfg.DEFAULT_DEPRIVED_DECILES,
             meets_share: float = cfg.AREA_MEETS_SHARE) -> pd.DataFrame:
    """Gap areas, most people lacking access first (then longest walk); ``rank`` from 1."""
    flagged = flag_gaps(areas, deciles=deciles, meets_share=meets_share)
    gaps = flagged[flagged["gap"].fillna(False).astype(bool)].copy()
    gaps["_people"] = gaps["people_lacking"].fillna(-1.0)
    gaps["_share"] = gaps["share_lacking"].fillna(-1.0)
    gaps["_min"] = pd.to_numeric(gaps["minutes_any"], errors="coerce").fillna(np.inf)
    gaps = gaps.sort_values(["_people", "_share", "_min", "area_code"],
                            ascending=[False, False, False, True], kind="stable")
    gaps.insert(0, "rank", np.arange(1, len(gaps) + 1))
    cols = ["rank", "area_code", "area_name", "imd_decile", "population", "people_lacking",
            "share_lacking", H, L, "minutes_any", "nearest_site_id", "nearest_site_name",
            "status"]
    return pd.DataFrame(gaps[[c for c in cols if c in gaps.columns]]).reset_index(drop=True)


def equity_table(areas: pd.DataFrame, *, deciles: int = cfg.DEFAULT_DEPRIVED_DECILES,
                 meets_share: float = cfg.AREA_MEETS_SHARE) -> pd.DataFrame:
    """Access by deprivation decile 1..10, plus an 'all' row.

    ``population`` sums areas with known population; shares are weighted by the *measured*
    people (population × (1 − share_unsnapped)) of areas inside the data; ``mean_minutes`` by
    the people who reach a site. ``attrs['warnings']`` lists what was left out.
    """
    flagged = flag_gaps(areas, deciles=deciles, meets_share=meets_share)
    pop = pd.to_numeric(flagged["population"], errors="coerce")
    dec = pd.to_numeric(flagged["imd_decile"], errors="coerce")
    inside = flagged["status"].ne("outside data")
    meas = (pop * (1 - flagged["share_unsnapped"].fillna(1.0))).where(inside)
    reach = meas * (1 - flagged["share_unreachable"].fillna(1.0))
    lack = flagged["people_lacking"]
    rows: list[dict[str, Any]] = []
    groups: list[tuple[object, pd.Series]] = [(d, dec == d) for d in range(1, 11)]
    groups.append(("all", pd.Series(True, index=flagged.index)))
    for label, sel in groups:
        rows.append({
            "decile": label,
            "n_areas": int(sel.sum()),
            "population": float(pop[sel].sum(min_count=1)) if sel.any() else 0.0,
            "share_walk15": _wmean(flagged[H], meas, sel),
            "share_local": _wmean(flagged[L], meas, sel),
            "mean_minutes": _wmean(flagged["minutes_any"], reach, sel),
            "people_lacking": float(lack[sel].sum(min_count=1)) if sel.any() else 0.0,
            "n_gaps": int(flagged.loc[sel, "gap"].fillna(False).astype(bool).sum()),
        })
    out = pd.DataFrame(rows, columns=EQUITY_COLUMNS)
    notes = []
    if pop.isna().any():
        notes.append(f"{int(pop.isna().sum())} area(s) have no population and are left out of "
                     "population-weighted figures.")
    if dec.isna().any():
        notes.append(f"{int(dec.isna().sum())} area(s) have no deprivation decile; they count "
                     "only in the 'all' row.")
    out.attrs["warnings"] = notes
    return out


def gap_stats(areas: pd.DataFrame, *, deciles: int = cfg.DEFAULT_DEPRIVED_DECILES,
              meets_share: float = cfg.AREA_MEETS_SHARE) -> dict[str, float]:
    """Headline numbers for the deprived areas (decile ≤ ``deciles``), for before/after."""
    flagged = flag_gaps(areas, deciles=deciles, meets_share=meets_share)
    dep = flagged["deprived"].fillna(False).astype(bool)
    pop = pd.to_numeric(flagged["population"], errors="coerce")
    inside = flagged["status"].ne("outside data")
    meas = (pop * (1 - flagged["share_unsnapped"].fillna(1.0))).where(inside)
    reach = meas * (1 - flagged["share_unreachable"].fillna(1.0))
    gap = flagged["gap"].fillna(False).astype(bool)
    return {
        "deprived_areas": int(dep.sum()),
        "deprived_population": float(pop[dep].sum()),
        "deprived_share_walk15": _wmean(flagged[H], meas, dep),
        "deprived_share_local": _wmean(flagged[L], meas, dep),
        "deprived_mean_minutes": _wmean(flagged["minutes_any"], reach, dep),
        "deprived_people_lacking": float(flagged.loc[dep, "people_lacking"].sum()),
        "n_gaps": int(gap.sum()),
        "gap_population": float(pop[gap].sum()),
    }


def _wmean(values: pd.Series, weights: pd.Series, sel: pd.Series) -> float:
    v = pd.to_numeric(values, errors="coerce")
    ok = sel & v.notna() & weights.notna() & (weights > 0)
    den = float(weights[ok].sum())
    return float((v[ok] * weights[ok]).sum() / den) if den > 0 else float("nan")
