"""Entrances: tagged gates, path crossings, near-network fallback; real-island geometry checks."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from layers_factory import feature, make_layers, rect

from ecoplan.network.walkable import walkable_mask
from ecoplan.sites.build import build_sites

PARK = feature(rect(0, 0, 100, 100), 1, leisure="park", name="Square")


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
    assert tagged_or_crossing.mean() > 0.4
    # tagged gates within 5 m of the boundary; crossings exactly on it; all on the network
    assert np.nanmax(d_boundary[tagged_or_crossing]) <= 5.0 + 1e-6
    assert np.nanmax(d_network[tagged_or_crossing]) < 0.5
    # fallback points are on the boundary and within 30 m of the network, as flagged
    fb = ~tagged_or_crossing
    assert np.nanmax(d_boundary[fb]) < 0.5
    assert np.nanmax(d_network[fb]) <= 30.0 + 1e-6
    assert np.allclose(d_network[fb], e.snap_m.to_numpy()[fb], atol=0.5)


def test_island_entrance_counts_match_sites(iow_sites):
    counts = iow_sites.entrances.site_id.value_counts()
    n = iow_sites.sites.set_index("site_id").n_entrances
    assert (n.reindex(counts.index) == counts).all()
    assert iow_sites.entrances.entrance_id.is_unique
