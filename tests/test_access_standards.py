"""Standards table, qualifying sites and straight-line distances."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.access.standards import SiteIndex, qualifying_mask
from ecoplan.settings import access as cfg

CRS = "EPSG:32630"


def test_standards_table_has_sources_and_published_numbers() -> None:
    by = {s.key: s for s in cfg.STANDARDS}
    expect = {"ags_doorstep": (0.5, 200), "ags_local": (2, 300), "ags_neighbourhood": (10, 1000),
              "ags_wider": (20, 2000), "angst_district": (100, 5000),
              "angst_subregional": (500, 10000), "who_300m": (0.5, 300)}
    for key, (ha, m) in expect.items():
        assert (by[key].min_ha, by[key].max_m) == (ha, m)
    for s in cfg.STANDARDS:
        assert s.source and s.label
    assert by["who_300m"].optional
    assert cfg.HEADLINE_STANDARD in by and cfg.LOCAL_STANDARD in by
    assert by["walk15_blue"].kinds == cfg.BLUE_KINDS


def test_fifteen_minutes_is_measured_at_the_chosen_speed() -> None:
    walk15 = next(s for s in cfg.STANDARDS if s.key == "walk15_any")
    assert walk15.distance_m(4.8) == pytest.approx(1200)
    assert walk15.distance_m(4.0) == pytest.approx(1000)  # NE's "1 km ≈ 15 min"
    assert "1,200 m at 4.8 km/h" in walk15.describe(4.8)
    assert "≤300 m" in next(s for s in cfg.STANDARDS if s.key == "ags_local").describe(2.3)


def _sites() -> gpd.GeoDataFrame:
    polys = [shapely.box(0, 0, 100, 100), shapely.box(500, 0, 700, 200),
             shapely.box(0, 500, 300, 800), shapely.box(1000, 1000, 1400, 1400)]
    return gpd.GeoDataFrame({
        "site_id": ["small", "lake", "park", "golf"],
        "name": ["", "", "", ""],
        "kind": ["green", "blue", "green", "green"],
        "area_ha": [1.0, 4.0, 9.0, 16.0],
        "access": ["public", "unknown", "permissive", "restricted"],
    }, geometry=polys, crs=CRS).to_crs("EPSG:4326")


def test_qualifying_mask_filters_access_size_and_kind() -> None:
    s = _sites()
    assert list(qualifying_mask(s)) == [True, True, True, False]  # restricted never counts
    assert list(qualifying_mask(s, min_ha=2, kinds=cfg.GREEN_KINDS)) == [False, False, True,
                                                                        False]
    assert list(qualifying_mask(s, kinds=cfg.BLUE_KINDS)) == [False, True, False, False]


def test_straight_line_to_boundary_zero_inside() -> None:
    idx = SiteIndex.build(_sites(), gpd.GeoDataFrame(), CRS)
    mask = qualifying_mask(idx.sites)
    xy = np.array([[50, 50], [150, 50], [400, 100], [2000, 2000], [np.nan, np.nan]])
    d, sid = idx.straight_line(mask, xy)
    assert d[0] == 0 and sid[0] == "small"
    assert d[1] == pytest.approx(50, abs=cfg.BOUNDARY_SAMPLE_M / 2) and sid[1] == "small"
    assert d[2] == pytest.approx(100, abs=cfg.BOUNDARY_SAMPLE_M / 2) and sid[2] == "lake"
    assert np.isnan(d[4]) and sid[4] is None
    d, sid = idx.straight_line(mask, xy, max_m=300)
    assert np.isnan(d[3]) and sid[3] is None  # the golf course is restricted and far anyway


@settings(max_examples=60, deadline=None)
@given(x=st.floats(-300, 1800), y=st.floats(-300, 1800), limit=st.floats(1, 800))
def test_pass_fail_against_a_limit_is_exact(x, y, limit) -> None:
    idx = _INDEX
    mask = qualifying_mask(idx.sites)
    d, _ = idx.straight_line(mask, np.array([[x, y]]), max_m=limit)
    exact = min(shapely.distance(shapely.Point(x, y), idx.polygons[mask]))
    assert np.isfinite(d[0]) == (exact <= limit)
    if np.isfinite(d[0]):
        assert abs(d[0] - exact) <= cfg.BOUNDARY_SAMPLE_M / 2 + 1e-6


_INDEX = SiteIndex.build(_sites(), gpd.GeoDataFrame(), CRS)


def test_shared_searches_equal_one_search_per_standard(iow_layers, iow_sites) -> None:
    """The Measurer cuts a standard from the search of a class (walk15_any from 'any') or of
    a standard with a longer reach (AGS doorstep from WHO 300 m), and reuses straight-line
    searches the same way: every figure must equal one limited Dijkstra per standard, run
    here through the engine's public path, and one straight-line measure per standard."""
    from ecoplan.access.engine import nearest_site, snapped_distances
    from ecoplan.access.standards import Measurer
    from ecoplan.access.variants import variant_sites
    from ecoplan.network.graph import build_walk_graph

    graph = build_walk_graph(iow_layers)
    vs = variant_sites(iow_sites, "all")
    index = SiteIndex.build(vs.sites, vs.entrances, graph.crs)
    rng = np.random.default_rng(7)
    xy = graph.xy[rng.choice(graph.n_nodes, 3000, replace=False)] + rng.normal(0, 40, (3000, 2))
    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                               crs=graph.crs).to_crs("EPSG:4326")
    m = Measurer(graph, index, origins)
    m.plan(cfg.STANDARDS, 4.8)
    for c in cfg.CLASSES.values():  # as measure_access does: classes first
        m.class_arrays(c.kinds, min_ha=c.min_ha, parks_only=c.parks_only)
    m.straight.measure(m.mask((cfg.ANY_KINDS, 0.0, False)), want_site=False)
    seen: set[str] = set()
    for s in cfg.STANDARDS:
        mask = qualifying_mask(index.sites, min_ha=s.min_ha, kinds=s.kinds,
                               parks_only=s.parks_only)
        assert (m.mask((s.kinds, s.min_ha, s.parks_only)) == mask).all()
        limit = s.distance_m(4.8)
        one = nearest_site(graph, index.entrances_of(mask), limit_m=limit)
        net, _, _, status = snapped_distances(graph, one, m.rows, m.snap_m)
        got = m.standard_arrays(s, 4.8)
        np.testing.assert_array_equal(got[f"{s.key}_m"], np.where(np.isfinite(net), net, np.nan))
        np.testing.assert_array_equal(got[f"{s.key}_ok"], (status == "ok") & (net <= limit))
        straight, _ = index.straight_line(mask, m.xy, max_m=limit)
        np.testing.assert_array_equal(got[f"{s.key}_straight_ok"],
                                      np.isfinite(straight) & (straight <= limit))
        cut = m.class_arrays(s.kinds, limit_m=limit, min_ha=s.min_ha, parks_only=s.parks_only)
        np.testing.assert_array_equal(cut["status"], status)
        seen.update(status)
    assert {"ok", "beyond_limit"} <= seen  # the limits matter on these points


def test_variant_cut_from_all_sites_equals_its_own_build(iow_layers, iow_sites) -> None:
    """measure_access projects, samples and places every site and entrance once and cuts the
    confirmed variant from them: the cut must equal what the variant builds on its own."""
    import pandas as pd

    from ecoplan.access.standards import Measurer
    from ecoplan.access.variants import variant_masks, variant_sites
    from ecoplan.network.graph import build_walk_graph

    graph = build_walk_graph(iow_layers)
    every = variant_sites(iow_sites, "all")
    origins = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*graph.xy[::50].T),
                               crs=graph.crs).to_crs("EPSG:4326")
    base = Measurer(graph, SiteIndex.build(every.sites, every.entrances, graph.crs), origins)
    cut = base.subset(*variant_masks(base.index.sites, base.index.entrances, "confirmed"))
    conf = variant_sites(iow_sites, "confirmed")
    own = Measurer(graph, SiteIndex.build(conf.sites, conf.entrances, graph.crs), origins)
    assert 0 < len(own.index.sites) < len(base.index.sites)
    pd.testing.assert_frame_equal(cut.index.sites, own.index.sites, check_exact=True)
    pd.testing.assert_frame_equal(cut.index.entrances, own.index.entrances, check_exact=True)
    pd.testing.assert_frame_equal(cut.placement, own.placement, check_exact=True)
    assert shapely.equals_exact(cut.index.polygons, own.index.polygons, 0).all()
    np.testing.assert_array_equal(cut.index.sample_xy, own.index.sample_xy)
    np.testing.assert_array_equal(cut.index.sample_site, own.index.sample_site)
    np.testing.assert_array_equal(cut.rows, own.rows)
