"""The access core on small tables built in code: the one weighted mean (unsnapped people,
partial areas), variant views, the sites contract, priority tiers and the equity table."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from ecoplan.access.export import area_table
from ecoplan.access.gaps import equity_table, gap_stats
from ecoplan.access.priorities import check_deciles, prioritise, priority_list, tier_counts
from ecoplan.access.summary import headline, share_of_people, weighted_mean, weights
from ecoplan.access.variants import variant_sites, view, with_contract
from ecoplan.errors import EcoplanError
from ecoplan.sites.build import Sites


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "area_code": ["A", "B", "C", "D"], "area_name": ["a", "b", "c", "d"],
        "population": [100.0, 300.0, 200.0, 50.0], "imd_decile": [1.0, 2.0, 8.0, 1.0],
        "status": ["ok", "some unmeasured", "ok", "ok"],
        "share_unsnapped": [0.0, 0.5, 0.0, 0.0], "share_unreachable": [0.0, 0.0, 0.0, 0.0],
        "partial": [False, False, False, True], "share_inside_data": [1.0, 1.0, 1.0, 0.2],
        "share_walk15_any": [1.0, 0.0, 1.0, 0.0], "share_walk15_any_straight": [1, 1, 1, 1.0],
        "share_walk15_any_incl_unknown": [1.0, 1.0, 1.0, 1.0],
        "share_walk15_any_straight_incl_unknown": [1.0, 1.0, 1.0, 1.0],
        "share_walk10_any": [0.2, 0.9, 0.1, 0.0], "share_park10": [0.1, 0.9, 0.1, 0.0],
        "minutes_large": [12.0, 3.0, 15.0, 20.0], "minutes_park": [14.0, 3.0, 16.0, 20.0],
        "minutes_any": [5.0, 2.0, 9.0, 20.0],
        "share_walk10_any_incl_unknown": [0.9, 0.9, 0.9, 0.9],
        "share_park10_incl_unknown": [0.1, 0.9, 0.1, 0.0],
        "minutes_large_incl_unknown": [5.0, 3.0, 5.0, 5.0],
        "share_ags_local": [0.0, 0.5, 0.0, 0.0], "share_ags_local_incl_unknown": [0.5, 0.5, 0, 0],
    })


def test_one_denominator_measured_people_and_no_partial_areas():
    t = table()
    w = weights(t)
    assert list(w.fillna(-1)) == [100.0, 150.0, 200.0, -1]  # B half unsnapped, D partial
    # (100·1 + 150·0 + 200·1) / 450
    assert share_of_people(t, "share_walk15_any") == pytest.approx(300 / 450)
    assert share_of_people(t, "share_walk15_any", include_partial=True) == pytest.approx(
        300 / 500)
    assert np.isnan(weighted_mean(pd.Series([np.nan]), pd.Series([1.0])))


def test_views_rename_one_variant_and_straight_line():
    t = table()
    v = view(t, "all")
    assert list(v["share_walk15_any"]) == [1.0, 1.0, 1.0, 1.0]
    assert not any(c.endswith("_incl_unknown") for c in v.columns)
    assert list(view(t, "confirmed", "straight")["share_walk15_any"]) == [1, 1, 1, 1]
    with pytest.raises(EcoplanError):
        view(t, "maybe")
    head = headline(t, speed_kmh=4.8, standards=("walk15_any",), deciles=3)
    row = head.iloc[0]
    assert row.iloc[3] == pytest.approx(300 / 450) and row.iloc[5] == pytest.approx(1.0)


def test_priority_tiers_name_the_failed_tests():
    p = prioritise(table(), deciles=3, include_partial=True)
    # A: deprived, fails walk10, park10, large → tier 1; B: deprived, passes all → none;
    # C: not deprived, fails all three → tier 2; D: deprived, fails all → tier 1.
    assert list(p["priority_tier"].fillna(0)) == [1, 0, 2, 1]
    assert "no park within 10 min for 90 % (nearest park 14.0 min, +4.0)" in \
        p.loc[0, "failed_standards"]
    assert "≥2 ha green space 12.0 min (+2.0)" in p.loc[0, "failed_standards"]
    assert p.loc[1, "failed_standards"] == ""
    assert tier_counts(table(), deciles=3, include_partial=True)["tier 1 deprived"] == 2
    lst = priority_list(table(), deciles=3, include_partial=True)
    assert list(lst["area_code"]) == ["A", "D", "C"]
    with pytest.raises(EcoplanError):
        check_deciles(11)


def test_partial_areas_get_no_tier_unless_asked_for():
    """D lies 80 % outside the data: its walks stop at the edge, so it "fails" every test
    for want of data. Like the headline figures, the tiers leave it out by default."""
    p = prioritise(table(), deciles=3)
    assert list(p["priority_tier"].fillna(0)) == [1, 0, 2, 0]
    assert p["n_failed"].isna().tolist() == [False, False, False, True]
    assert p.loc[3, "failed_standards"].startswith("not assessed: mostly outside")
    counts = tier_counts(table(), deciles=3)
    assert counts["tier 1"] == 1 and counts["tier 1 deprived"] == 1
    assert counts["deprived areas"] == 2  # A and B: D could not be assessed
    assert list(priority_list(table(), deciles=3)["area_code"]) == ["A", "C"]
    eq = equity_table(table(), deciles=3)
    assert int(eq.loc[eq["decile"] == 1, "n_tier1"].iloc[0]) == 1
    eq = equity_table(table(), deciles=3, include_partial=True)
    assert int(eq.loc[eq["decile"] == 1, "n_tier1"].iloc[0]) == 2
    geo = gpd.GeoDataFrame(table(), geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs=4326)
    out = area_table(geo, deciles=3)
    assert list(out["priority"]) == ["1 – act first", "", "2 – high", "not assessed (partial)"]
    assert area_table(geo, deciles=3, include_partial=True)["priority"].iloc[3] == \
        "1 – act first"


def test_unknown_population_is_shown_as_unknown_not_zero():
    """Issue #4: without population, "People in tier 1 areas" read "0 → 0 (+0)"."""
    from ecoplan.access.whatif import WhatIfComparison, whatif_summary
    from ecoplan.settings import access as access_cfg

    unknown = table().assign(population=np.nan)
    stats = gap_stats(unknown, deciles=3)
    assert stats["n_tier1"] == 1
    assert np.isnan(stats["tier1_population"]) and np.isnan(stats["deprived_population"])
    assert gap_stats(table(), deciles=3)["tier1_population"] == 100.0  # A (D is partial)
    assert gap_stats(table().assign(imd_decile=9.0), deciles=3)["tier1_population"] == 0.0
    by_variant = {v: gap_stats(unknown, variant=v, deciles=3) for v in access_cfg.VARIANTS}
    cmp = WhatIfComparison(before=by_variant, after=by_variant, equity_before=pd.DataFrame(),
                           equity_after=pd.DataFrame(), leave_tier1=(), enter_tier1=(),
                           changed_areas=pd.DataFrame())
    rows = whatif_summary(cmp)
    people = rows[rows["measure"] == "People in tier 1 areas"]
    assert len(people) == 2
    assert (people[["before", "after", "change"]] == "—").all().all()
    areas = rows[rows["measure"] == "Priority tier 1 areas"]
    assert areas["before"].iloc[0] == "1" and list(areas["change"]) == ["+0", "+0"]


def test_equity_table_carries_both_variants():
    eq = equity_table(table(), deciles=3)
    assert {"share_walk15", "share_walk15_incl_unknown", "n_tier1"} <= set(eq.columns)
    all_row = eq[eq["decile"] == "all"].iloc[0]
    assert all_row["share_walk15"] <= all_row["share_walk15_incl_unknown"]
    assert any("partial" in w for w in eq.attrs["warnings"])


def _sites() -> Sites:
    s = gpd.GeoDataFrame({"site_id": ["p", "w", "x"], "name": ["Park", "Wood", "Lake"],
                          "kind": ["green", "green", "blue"],
                          "categories": ["park", "wood", "water"], "area_ha": [1.0, 5, 2],
                          "access": ["public", "unknown", "unknown"]},
                         geometry=[box(0, 0, 1, 1), box(2, 0, 3, 1), box(4, 0, 5, 1)],
                         crs=4326)
    e = gpd.GeoDataFrame({"site_id": ["p", "w", "w", "x"], "entrance_id": ["1", "2", "3", "4"]},
                         geometry=[Point(0, 0), Point(2, 0), Point(3, 0), Point(4, 0)], crs=4326)
    return Sites(sites=s, entrances=e, crs="EPSG:32630")


def test_contract_fallbacks_and_confirmed_variant():
    s = with_contract(_sites())
    assert list(s.sites["park"]) == [True, False, False]
    assert list(s.entrances["confirmed"]) == [True, False, False, False]
    conf = variant_sites(_sites(), "confirmed")
    assert list(conf.sites["site_id"]) == ["p"]
    # With the sites step's columns: a public footpath into the private wood is confirmed.
    given = _sites()
    given.entrances["confirmed"] = [True, True, False, False]
    given.sites["park"] = [True, False, False]
    conf = variant_sites(given, "confirmed")
    assert list(conf.sites["site_id"]) == ["p", "w"]
    assert list(conf.entrances["entrance_id"]) == ["1", "2"]
    assert len(variant_sites(given, "all").entrances) == 4
