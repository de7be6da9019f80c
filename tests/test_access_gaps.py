"""Gap flags, the ranked gap list and the equity table, on small hand-made area tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.access.gaps import check_deciles, equity_table, flag_gaps, gap_list, gap_stats
from ecoplan.errors import EcoplanError


def table(rows: list[dict]) -> pd.DataFrame:
    base = {"area_name": None, "population": 1000.0, "imd_decile": 5.0,
            "share_walk15_any": 1.0, "share_ags_local": 1.0, "share_lacking": 0.0,
            "share_unreachable": 0.0, "share_unsnapped": 0.0, "minutes_any": 5.0,
            "nearest_site_id": "s", "nearest_site_name": "", "status": "ok"}
    return pd.DataFrame([{**base, "area_code": f"A{i}", **r} for i, r in enumerate(rows)])


def test_gap_needs_deprivation_and_a_failed_standard() -> None:
    t = table([
        {"imd_decile": 1, "share_walk15_any": 0.2, "share_lacking": 0.8},  # gap
        {"imd_decile": 2, "share_ags_local": 0.4, "share_lacking": 0.6},  # gap (local)
        {"imd_decile": 3, "share_lacking": 0.0},  # deprived but fine
        {"imd_decile": 4, "share_walk15_any": 0.0, "share_lacking": 1.0},  # not deprived
        {"imd_decile": np.nan, "share_walk15_any": 0.0},  # decile unknown
        {"imd_decile": 1, "status": "outside data", "share_walk15_any": np.nan,
         "share_ags_local": np.nan, "share_lacking": np.nan, "minutes_any": np.nan},
    ])
    f = flag_gaps(t)
    assert f["gap"].tolist()[:4] == [True, True, False, False]
    assert pd.isna(f["gap"].iloc[4]) and pd.isna(f["gap"].iloc[5])  # unknown, not False
    assert f["people_lacking"].iloc[0] == pytest.approx(800)
    # A stricter cut-off drops decile 2 and 3.
    assert flag_gaps(t, deciles=1)["gap"].tolist()[:2] == [True, False]


def test_gap_list_ranks_by_people_lacking_then_minutes() -> None:
    t = table([
        {"imd_decile": 1, "share_walk15_any": 0.1, "share_lacking": 0.5, "population": 1000},
        {"imd_decile": 2, "share_walk15_any": 0.1, "share_lacking": 0.9, "population": 2000},
        {"imd_decile": 3, "share_walk15_any": 0.1, "share_lacking": 0.5, "population": 1000,
         "minutes_any": 20.0},
    ])
    g = gap_list(t)
    assert g["area_code"].tolist() == ["A1", "A2", "A0"]
    assert g["rank"].tolist() == [1, 2, 3]


def test_equity_table_by_decile() -> None:
    t = table([
        {"imd_decile": 1, "population": 1000, "share_walk15_any": 0.5, "minutes_any": 10.0},
        {"imd_decile": 1, "population": 3000, "share_walk15_any": 1.0, "minutes_any": 2.0},
        {"imd_decile": 10, "population": 500, "share_walk15_any": 1.0},
        {"imd_decile": 5, "population": np.nan},
    ])
    eq = equity_table(t).set_index("decile")
    assert eq.loc[1, "population"] == 4000 and eq.loc[1, "n_areas"] == 2
    assert eq.loc[1, "share_walk15"] == pytest.approx((500 + 3000) / 4000)
    assert eq.loc[1, "mean_minutes"] == pytest.approx((10 * 1000 + 2 * 3000) / 4000)
    assert eq.loc[2, "n_areas"] == 0 and np.isnan(eq.loc[2, "share_walk15"])
    assert eq.loc["all", "population"] == 4500
    assert any("no population" in w for w in equity_table(t).attrs["warnings"])


def test_stats_and_decile_validation() -> None:
    t = table([{"imd_decile": 1, "share_walk15_any": 0.25, "share_lacking": 0.75},
               {"imd_decile": 2, "share_walk15_any": 0.75, "share_lacking": 0.25}])
    s = gap_stats(t)
    assert s["deprived_share_walk15"] == pytest.approx(0.5)
    assert s["n_gaps"] == 1 and s["deprived_people_lacking"] == pytest.approx(1000)
    for bad in (0, 11, True):
        with pytest.raises(EcoplanError):
            check_deciles(bad)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 10), st.floats(0, 5000), st.floats(0, 1),
                          st.floats(0, 1)), min_size=1, max_size=30),
       st.integers(1, 10))
def test_equity_totals_and_gap_list_invariants(rows, cut) -> None:
    t = table([{"imd_decile": d, "population": p, "share_walk15_any": s15,
                "share_ags_local": sl, "share_lacking": max(1 - s15, 1 - sl)}
               for d, p, s15, sl in rows])
    eq = equity_table(t, deciles=cut)
    assert eq["population"].iloc[:10].sum() == pytest.approx(eq["population"].iloc[-1])
    assert eq["n_areas"].iloc[:10].sum() == len(t)
    shares = eq["share_walk15"].dropna()
    assert ((shares >= -1e-12) & (shares <= 1 + 1e-12)).all()
    g = gap_list(t, deciles=cut)
    assert (g["imd_decile"] <= cut).all()
    assert g["people_lacking"].is_monotonic_decreasing
    assert eq["n_gaps"].iloc[-1] == len(g)
