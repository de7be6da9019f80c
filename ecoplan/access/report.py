"""Tables as the strings people read: the CLI prints them and the app shows them, so the two
agree to the last digit (tested on the Isle of Wight)."""

from __future__ import annotations

import pandas as pd

from ecoplan.access.priorities import tier_label
from ecoplan.access.summary import fmt
from ecoplan.access.variants import label, suffix
from ecoplan.settings import access as access_cfg

#: Equity columns shown, with their titles.
EQUITY_SHOWN: tuple[tuple[str, str, str], ...] = (
    ("share_walk15", "within 15 min", "share"),
    ("share_walk10", "within 10 min", "share"),
    ("share_park10", "park within 10 min", "share"),
    ("share_local", "AGS local", "share"),
    ("mean_minutes", "mean min", "minutes"),
    ("n_tier1", "tier 1", "count"),
)


def _both(df: pd.DataFrame, col: str, kind: str) -> list[str]:
    other = col + suffix("all")
    return [f"{fmt(a, kind)} / {fmt(b, kind)}"
            for a, b in zip(df[col], df[other], strict=True)]


def equity_strings(equity: pd.DataFrame) -> pd.DataFrame:
    """Equity table: each figure 'confirmed / including unknown'."""
    eq = equity[(equity["n_areas"] > 0) | (equity["decile"] == "all")]
    out = pd.DataFrame({"decile": eq["decile"].astype(str).to_numpy(),
                        "areas": [str(int(n)) for n in eq["n_areas"]],
                        "population": [fmt(v, "count") for v in eq["population"]]})
    for col, title, kind in EQUITY_SHOWN:
        out[title] = _both(eq, col, kind)
    return out


def priority_title(gaps: pd.DataFrame, variant: str, deciles: int) -> str:
    """The list's heading; with no area in it, a full sentence (no list follows)."""
    n = len(gaps)
    return (f"Gap priorities ({label(variant)}): {f'{n} area(s)' if n else 'no area'} in "
            f"tiers 1–2 (deprived = decile ≤ {deciles}; tests: a "
            f"{access_cfg.PRIORITY_WALK_MINUTES:g}-minute walk to green/blue space and to a "
            f"park, and to ≥{access_cfg.PRIORITY_LARGE_HA:g} ha green space){':' if n else '.'}")


def priority_strings(gaps: pd.DataFrame) -> pd.DataFrame:
    """The priority list as shown: tier, area, decile, people, failed standards, minutes."""
    def num(v: object, f: str) -> str:
        return "" if v is None or pd.isna(v) else format(v, f)

    name = gaps["area_name"].fillna("").astype(str)
    return pd.DataFrame({
        "#": [str(r) for r in gaps["rank"]],
        "tier": [tier_label(t) for t in gaps["priority_tier"]],
        "area": [f"{n} ({c})" if n else str(c) for n, c in zip(name, gaps["area_code"],
                                                                strict=True)],
        "decile": [num(v, ".0f") for v in gaps["imd_decile"]],
        "people without a park ≤10 min": [num(v, ",.0f") for v in
                                           gaps["people_without_park10"]],
        "fails": gaps["failed_standards"].astype(str).to_numpy(),
        "min to nearest": [num(v, ".1f") for v in gaps["minutes_any"]],
        "partial": ["partial" if bool(p) else "" for p in gaps.get(
            "partial", pd.Series(False, index=gaps.index)).fillna(False)],
    })
