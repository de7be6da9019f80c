"""Equity by deprivation decile and the before/after statistics of a what-if, both ways.

The equity table sets access side by side for deciles 1..10 and 'all', weighted with the one
mean of :mod:`ecoplan.access.summary`, once per access variant (default variant under the
plain column names, the other suffixed ``_incl_unknown``). Gap areas are ranked by
:mod:`ecoplan.access.priorities` (tiers), not by a pass/fail flag.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecoplan.access.priorities import check_deciles, prioritise
from ecoplan.access.summary import deprived, mean_of_reaching, share_of_people, weights
from ecoplan.access.variants import NETWORK, suffix, view
from ecoplan.settings import access as access_cfg

__all__ = ["check_deciles", "equity_table", "gap_stats", "EQUITY_SHARES", "H", "L"]

H = f"share_{access_cfg.HEADLINE_STANDARD}"
L = f"share_{access_cfg.LOCAL_STANDARD}"
#: Equity columns → per-area share column they average.
EQUITY_SHARES: dict[str, str] = {"share_walk15": H, "share_local": L,
                                 "share_walk10": "share_walk10_any",
                                 "share_park10": "share_park10"}
EQUITY_BASE = ["decile", "n_areas", "population"]


def _equity_one(t: pd.DataFrame, deciles: int, include_partial: bool) -> pd.DataFrame:
    p = prioritise(t, deciles=deciles, include_partial=include_partial)
    pop = pd.to_numeric(p["population"], errors="coerce")
    dec = pd.to_numeric(p["imd_decile"], errors="coerce")
    tier = p["priority_tier"].fillna(0).astype(int)
    groups: list[tuple[object, pd.Series]] = [(d, dec == d) for d in range(1, 11)]
    groups.append(("all", pd.Series(True, index=p.index)))
    rows: list[dict[str, Any]] = []
    for lab, sel in groups:
        row: dict[str, Any] = {"decile": lab, "n_areas": int(sel.sum()),
                               "population": float(pop[sel].sum(min_count=1))
                               if sel.any() else 0.0}
        for out, col in EQUITY_SHARES.items():
            row[out] = share_of_people(p, col, sel, include_partial=include_partial)
        row["mean_minutes"] = mean_of_reaching(p, "minutes_any", sel,
                                               include_partial=include_partial)
        row["n_tier1"] = int((sel & (tier == 1)).sum())
        row["n_tier2"] = int((sel & (tier == 2)).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def equity_table(areas: pd.DataFrame, *, deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
                 how: str = NETWORK, include_partial: bool = False) -> pd.DataFrame:
    """Access by deprivation decile 1..10 plus 'all', both variants side by side.

    ``attrs['warnings']`` lists what was left out.
    """
    deciles = check_deciles(deciles)
    out: pd.DataFrame | None = None
    for variant in access_cfg.VARIANTS:
        one = _equity_one(view(areas, variant, how), deciles, include_partial)
        if out is None:
            out = one
        else:
            sfx = suffix(variant)
            for c in one.columns:
                if c not in EQUITY_BASE:
                    out[c + sfx] = one[c].to_numpy()
    assert out is not None
    pop = pd.to_numeric(areas["population"], errors="coerce")
    dec = pd.to_numeric(areas["imd_decile"], errors="coerce")
    notes = []
    if pop.isna().any():
        notes.append(f"{int(pop.isna().sum())} area(s) have no population and are left out of "
                     "population-weighted figures.")
    if dec.isna().any():
        notes.append(f"{int(dec.isna().sum())} area(s) have no deprivation decile; they count "
                     "only in the 'all' row.")
    if "partial" in areas.columns and areas["partial"].fillna(False).astype(bool).any():
        n = int(areas["partial"].fillna(False).astype(bool).sum())
        notes.append(f"{n} partial area(s) (mostly outside the OSM data) are "
                     + ("included." if include_partial else "left out of the shares."))
    out.attrs["warnings"] = notes
    return out


#: gap_stats keys with labels and kinds: the what-if summary the CLI and the app both show.
STAT_LABELS: tuple[tuple[str, str, str], ...] = (
    ("deprived_share_walk15", "Deprived people within a 15-min walk", "share"),
    ("deprived_share_local", "Deprived people meeting AGS local", "share"),
    ("deprived_share_park10", "Deprived people with a park within 10 min", "share"),
    ("deprived_mean_minutes", "Deprived people's mean walk to the nearest space", "minutes"),
    ("n_tier1", "Priority tier 1 areas", "count"),
    ("tier1_population", "People in tier 1 areas", "count"),
)


def gap_stats(areas: pd.DataFrame, *, deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
              variant: str = access_cfg.DEFAULT_VARIANT,
              include_partial: bool = False) -> dict[str, float]:
    """Headline numbers for the deprived areas (decile ≤ ``deciles``), for before/after."""
    t = prioritise(view(areas, variant), deciles=check_deciles(deciles),
                   include_partial=include_partial)
    dep = deprived(t, deciles)
    pop = pd.to_numeric(t["population"], errors="coerce")
    tier1 = t["priority_tier"].fillna(0).astype(int) == 1
    w = weights(t, include_partial=include_partial)
    return {
        "deprived_areas": int(dep.sum()),
        "deprived_population": people(pop, dep),
        "deprived_share_walk15": share_of_people(t, H, dep, include_partial=include_partial),
        "deprived_share_local": share_of_people(t, L, dep, include_partial=include_partial),
        "deprived_share_park10": share_of_people(t, "share_park10", dep,
                                                 include_partial=include_partial),
        "deprived_mean_minutes": mean_of_reaching(t, "minutes_any", dep,
                                                  include_partial=include_partial),
        "deprived_measured": float(w[dep].sum()),
        "n_tier1": int(tier1.sum()),
        "tier1_population": people(pop, tier1),
    }


def people(pop: pd.Series, mask: pd.Series) -> float:
    """How many people live in the ``mask`` areas; NaN (shown "—") when no population is
    known at all — the sum of unknowns is not 0 people ("0 → 0 (+0)" read as a result), while
    no area in ``mask`` with population known is."""
    if not pop.notna().any():
        return float("nan")
    return float(pop[mask].sum())
