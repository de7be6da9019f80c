"""Entrances: tagged gates, path crossings, open edges of open land, near-network fallback;
real-island geometry checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from layers_factory import feature, geom_m, make_layers, rect
from shapely.geometry import LineString

from ecoplan.network.walkable import walkable_mask
from ecoplan.sites.build import build_sites

# A formal garden is entered only at gates and crossings (not open land): the crossing and
# fallback rules are tested on it; open edges on greens and woods below.
PARK = feature(rect(0, 0, 100, 100), 1, leisure="garden", name="Square")
GREEN = feature(rect(0, 0, 100, 100), 1, landuse="village_green", name="The Green")


def _by_source(entrances):
    return entrances.source.value_counts().to_dict()


def test_path_crossing_is_an_entrance_on_the_segment():
    path = ([1, 2], [(50, -60), (50, 40)], {"highway": "footway"})  # enters at (50, 0)
    s = build_sites(make_layers(features=[PARK], paths=[path]))
    e = s.entrances
    assert _by_source(e) == {"crossing": 1}
    row = e.iloc[0]
    assert (row.edge_u, row.edge_v) == (1, 2)
    assert row.dist_u_m == pytest.approx(60, abs=0.5)
    assert row.dist_v_m == pytest.approx(40, abs=0.5)
    assert row.node_id == 2  # the nearer end


def test_tagged_gate_on_the_boundary_wins_over_a_crossing_beside_it():
    path = ([1, 2, 3], [(50, -60), (50, 0), (50, 40)], {"highway": "footway"})
    gate = {"osm_id": 2, "xy": (50, 0), "barrier": "gate"}
    s = build_sites(make_layers(features=[PARK], paths=[path], pois=[gate]))
    assert _by_source(s.entrances) == {"tagged": 1}
    assert s.entrances.iloc[0].node_id == 2


def test_path_along_the_boundary_touches_it():
    path = ([1, 2], [(-50, 100), (150, 100)], {"highway": "footway"})  # runs along north edge
    s = build_sites(make_layers(features=[PARK], paths=[path]))
    assert _by_source(s.entrances) == {"crossing": 1}


def test_site_no_way_reaches_gets_flagged_boundary_points():
    road = ([1, 2], [(-100, 120), (200, 120)], {"highway": "residential"})  # 20 m north
    s = build_sites(make_layers(features=[PARK], paths=[road]))
    e = s.entrances
    assert set(e.source) == {"near_network"}
    assert (e.snap_m <= 30 + 1e-6).all() and (e.snap_m >= 20 - 0.5).all()
    # merged to one point per 25 m along the 100 m edge that faces the road
    assert 3 <= len(e) <= 6


def test_site_far_from_any_way_has_no_entrance():
    road = ([1, 2], [(-100, 200), (200, 200)], {"highway": "residential"})  # 100 m away
    s = build_sites(make_layers(features=[PARK], paths=[road]))
    assert len(s.entrances) == 0
    assert s.sites.iloc[0].n_entrances == 0


def test_motorway_crossing_is_not_an_entrance():
    mway = ([1, 2], [(50, -60), (50, 160)], {"highway": "motorway"})
    s = build_sites(make_layers(features=[PARK], paths=[mway]))
    assert len(s.entrances) == 0


def test_nearby_crossings_merge():
    paths = [([1, 2], [(40, -50), (40, 50)], {"highway": "footway"}),
             ([3, 4], [(50, -50), (50, 50)], {"highway": "footway"}),
             ([5, 6], [(90, -50), (90, 50)], {"highway": "footway"})]
    s = build_sites(make_layers(features=[PARK], paths=paths))
    assert len(s.entrances) == 2  # 40 and 50 m are one gate; 90 m is 40 m further on


# --- open land: entered along any unfenced edge a path runs beside ---------------------------

ROAD_NORTH = ([1, 2], [(-100, 110), (200, 110)], {"highway": "residential"})  # 10 m north


def _edge(s):
    return s.entrances[s.entrances.source == "open_edge"]


def test_green_beside_a_road_is_entered_along_that_edge():
    s = build_sites(make_layers(features=[GREEN], paths=[ROAD_NORTH]))
    e = _edge(s)
    site = s.sites.iloc[0]
    assert site.entry == "open" and set(s.entrances.source) == {"open_edge"}
    # the 100 m north edge (and the ends of the side edges within 25 m of the road)
    assert 100 <= site.open_edge_m <= 140
    assert np.allclose(e.snap_m, 10.0, atol=0.5)
    # one segment: kept only the points cheapest from each of its ends (the corners)
    assert len(e) == 2 and site.n_entrances == 2
    ys = gpd.GeoSeries(e.geometry, crs=4326).to_crs(32630).y - 5_620_000
    assert np.allclose(ys, 100.0, atol=0.5)


def test_old_model_has_no_open_edges():
    s = build_sites(make_layers(features=[GREEN], paths=[ROAD_NORTH]), open_edges=False)
    assert set(s.entrances.source) == {"near_network"}
    assert s.sites.iloc[0].entry == "gated" and s.sites.iloc[0].open_edge_m == 0


def test_fence_along_the_road_side_blocks_it():
    fence = feature(LineString([(-10, 102), (110, 102)]), 7, barrier="fence")
    s = build_sites(make_layers(features=[GREEN, fence], paths=[ROAD_NORTH]))
    # only the ends of the side edges, beyond 5 m of the fence, still face the road
    assert s.sites.iloc[0].open_edge_m <= 40
    ys = gpd.GeoSeries(_edge(s).geometry, crs=4326).to_crs(32630).y - 5_620_000
    assert (ys < 97).all()


def test_mostly_fenced_green_is_gated():
    ring = feature(LineString([(0, -2), (102, -2), (102, 102), (-2, 102)]), 7,
                   barrier="hedge")  # hedge round three sides and a half: 75 % fenced
    s = build_sites(make_layers(features=[GREEN, ring], paths=[ROAD_NORTH]))
    site = s.sites.iloc[0]
    assert site.entry == "gated" and site.open_edge_m == 0
    assert "open_edge" not in set(s.entrances.source)


def test_park_with_a_mapped_gate_is_entered_at_the_gate_only():
    park = feature(rect(0, 0, 100, 100), 1, leisure="park", name="Victoria Park")
    path = ([3, 4, 5], [(50, 130), (50, 100), (50, 60)], {"highway": "footway"})
    gate = {"osm_id": 4, "xy": (50, 100), "barrier": "gate"}
    s = build_sites(make_layers(features=[park], paths=[ROAD_NORTH, path], pois=[gate]))
    assert s.sites.iloc[0].entry == "gated"
    assert set(s.entrances.source) == {"tagged"}
    # the same park without the mapped gate is open along the road
    s = build_sites(make_layers(features=[park], paths=[ROAD_NORTH, path]))
    assert s.sites.iloc[0].entry == "open" and len(_edge(s)) > 0


@pytest.mark.parametrize("blocker", [
    {"buildings": [{"osm_id": 9, "building": "house",
                    "geometry": geom_m(rect(-20, 103, 120, 108))}]},
    {"features": [feature(LineString([(-50, 105), (150, 105)]), 8, railway="rail")]},
    {"features": [feature(LineString([(-50, 105), (150, 105)]), 8, waterway="river")]},
    {"paths": [([5, 6], [(-50, 105), (150, 105)], {"highway": "motorway"})]},
])
def test_step_across_a_house_railway_river_or_motorway_is_no_way_in(blocker):
    wood = feature(rect(0, 0, 100, 100), 1, natural="wood")
    layers = make_layers(features=[wood, *blocker.get("features", [])],
                         paths=[ROAD_NORTH, *blocker.get("paths", [])],
                         buildings=blocker.get("buildings", ()))
    s = build_sites(layers)
    wood_row = s.sites[s.sites.site_id == "w1"].iloc[0]
    mine = _edge(s)[_edge(s).site_id == "w1"]
    ys = gpd.GeoSeries(mine.geometry, crs=4326).to_crs(32630).y - 5_620_000
    assert (ys < 99).all()  # nothing along the north edge behind the blocker
    assert wood_row.open_edge_m < 60


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.floats(-80, 180), st.floats(-80, 180), st.floats(-80, 180),
                          st.floats(-80, 180)), min_size=1, max_size=4),
       st.one_of(st.none(), st.tuples(st.floats(-20, 120), st.floats(-20, 120),
                                      st.floats(-20, 120), st.floats(-20, 120))),
       st.sampled_from(["village_green", "wood", "common", "garden"]))
def test_open_edge_points_obey_the_rules(roads, fence, category):
    """Whatever the roads and fence: open-edge points lie on the outline, within 25 m of a
    way, at least 5 m from the fence, never on a garden; their snap is the step's length."""
    tags = {"landuse": category} if category in ("village_green", "common") else (
        {"natural": "wood"} if category == "wood" else {"leisure": "garden"})
    feats = [feature(rect(0, 0, 100, 100), 1, **tags)]
    if fence is not None and (fence[0], fence[1]) != (fence[2], fence[3]):
        feats.append(feature(LineString([fence[:2], fence[2:]]), 7, barrier="fence"))
    paths = [([10 + 2 * i, 11 + 2 * i], [r[:2], r[2:]], {"highway": "footway"})
             for i, r in enumerate(roads) if (r[0], r[1]) != (r[2], r[3])]
    if not paths:
        return
    layers = make_layers(features=feats, paths=paths)
    s = build_sites(layers, require_any=False)
    if len(s.sites) == 0:
        return
    crs = s.crs
    e = s.entrances.to_crs(crs)
    edge = e[e.source == "open_edge"]
    site = s.sites.iloc[0]
    if category == "garden":
        assert len(edge) == 0 and site.entry == "gated"
        return
    outline = s.sites.to_crs(crs).geometry.iloc[0].boundary
    ways = layers.ways.to_crs(crs).geometry.to_numpy()
    pts = edge.geometry.to_numpy()
    assert (shapely.distance(pts, outline) < 0.05).all()
    nearest = np.array([shapely.distance(p, ways).min() for p in pts])
    assert (nearest <= 25.0 + 1e-6).all()
    np.testing.assert_allclose(edge.snap_m.to_numpy(float), nearest, atol=0.05)
    if fence is not None and len(feats) == 2:
        line = layers.features.to_crs(crs).geometry.iloc[1]
        assert (shapely.distance(pts, line) >= 5.0 - 1e-6).all()
    # the metres of open edge never exceed the outline
    assert site.open_edge_m <= outline.length + 1
    if site.entry == "gated":
        assert len(edge) == 0 and site.open_edge_m == 0


def test_thinning_keeps_every_walking_distance(iow_layers, iow_sites, monkeypatch):
    """Thinning open-edge points changes no node's distance to the nearest site (the whole
    island, against the unthinned points)."""
    from ecoplan.access.engine import nearest_site
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.sites import entrances as E

    graph = build_walk_graph(iow_layers)
    sites = iow_sites.sites.to_crs(iow_sites.crs)
    monkeypatch.setattr(E, "_thin", lambda found: found)
    full = E.find_entrances(sites, iow_layers, iow_sites.crs)
    monkeypatch.undo()
    thin = E.find_entrances(sites, iow_layers, iow_sites.crs)
    assert len(thin) < 0.6 * len(full)
    a = nearest_site(graph, full.to_crs(4326)).dist_m
    b = nearest_site(graph, thin.to_crs(4326)).dist_m
    assert np.isfinite(a).sum() == np.isfinite(b).sum() > 40_000
    fin = np.isfinite(a)
    np.testing.assert_allclose(a[fin], b[fin], atol=1e-6)


# --- real data ----------------------------------------------------------------------------

def test_island_entrances_lie_on_boundaries_and_network(iow_layers, iow_sites):
    crs = iow_sites.crs
    sites = iow_sites.sites.set_index("site_id").to_crs(crs)
    e = iow_sites.entrances.to_crs(crs)
    bnd = sites.geometry.boundary.reindex(e.site_id).to_numpy()
    d_boundary = shapely.distance(e.geometry.to_numpy(), bnd)
    ways = iow_layers.ways[walkable_mask(iow_layers.ways)].to_crs(crs)
    on_net = gpd.sjoin_nearest(e[["geometry"]], ways[["geometry"]], distance_col="d",
                               how="left")
    d_network = on_net.groupby(level=0)["d"].min().reindex(e.index).to_numpy()
    tagged_or_crossing = e.source.isin(["tagged", "crossing"]).to_numpy()
    assert tagged_or_crossing.sum() > 1500
    # tagged gates within 5 m of the boundary; crossings exactly on it; all on the network
    assert np.nanmax(d_boundary[tagged_or_crossing]) <= 5.0 + 1e-6
    assert np.nanmax(d_network[tagged_or_crossing]) < 0.5
    # open-edge and fallback points are on the boundary, within 25 / 30 m of the network,
    # and their snap is the step from the path
    fb = ~tagged_or_crossing
    assert np.nanmax(d_boundary[fb]) < 0.5
    assert np.nanmax(d_network[fb]) <= 30.0 + 1e-6
    edge = (e.source == "open_edge").to_numpy()
    assert edge.sum() > 5000 and np.nanmax(d_network[edge]) <= 25.0 + 1e-6
    assert np.allclose(d_network[fb], e.snap_m.to_numpy()[fb], atol=0.5)


def test_island_entrance_counts_match_sites(iow_sites):
    counts = iow_sites.entrances.site_id.value_counts()
    n = iow_sites.sites.set_index("site_id").n_entrances
    assert (n.reindex(counts.index) == counts).all()
    assert iow_sites.entrances.entrance_id.is_unique


def test_merge_close_keeps_the_best_and_anything_at_least_the_radius_away():
    from ecoplan.sites.entrances import _merge_close

    cand = gpd.GeoDataFrame({
        "site_id": ["a", "a", "a", "a", "b"],
        "source": ["crossing", "tagged", "crossing", "near_network", "crossing"],
        "snap_m": [0.0, 0.0, 0.0, 3.0, 0.0],
    }, geometry=[shapely.Point(0, 0), shapely.Point(5, 0), shapely.Point(25, 0),
                 shapely.Point(45, 0), shapely.Point(1, 0)], crs="EPSG:32630")
    kept = _merge_close(cand, 20.0)
    # The gate (tagged) wins over the crossing 5 m away; 20 m from the gate is not "within";
    # the fallback 20 m from that one is kept too; another site's entrance is not merged.
    assert sorted(zip(kept.site_id, shapely.get_x(kept.geometry.to_numpy()), strict=True)) == [
        ("a", 5.0), ("a", 25.0), ("a", 45.0), ("b", 1.0)]
