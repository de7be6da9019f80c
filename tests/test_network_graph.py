"""Walk filter, graph building (parallel ways, zero lengths, step-free) and snapping."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from scipy.sparse.csgraph import dijkstra
from synthetic import layers_from_segments, points

from ecoplan.errors import AreaError
from ecoplan.network.graph import build_walk_graph
from ecoplan.network.snap import snap_points
from ecoplan.network.walkable import step_free_mask, walkable_mask
from ecoplan.osm import layers as L
from ecoplan.settings import network as cfg
from ecoplan.settings.paths import shared_data_dir

IOW = "osm/isle-of-wight_2015-01-01.osm.pbf"


def _ways(*tag_rows: dict) -> pd.DataFrame:
    cols = [c for c in L.way_columns() if c != "geometry"]
    return pd.DataFrame([{c: row.get(c) for c in cols} for row in tag_rows], columns=cols)


# --- walk filter (issue #3 cases) ---------------------------------------------------------


@pytest.mark.parametrize(("tags", "walkable"), [
    ({"highway": "cycleway", "foot": "designated"}, True),
    ({"highway": "cycleway", "foot": "yes"}, True),
    ({"highway": "cycleway"}, False),
    ({"highway": "footway", "access": "private", "foot": "yes"}, True),
    ({"highway": "track", "access": "private", "foot": "designated"}, True),
    ({"highway": "track", "access": "private"}, False),
    ({"highway": "motorway"}, False),
    ({"highway": "motorway_link"}, False),
    ({"highway": "residential", "foot": "no"}, False),
    ({"highway": "path", "foot": "no"}, False),
    ({"highway": "service", "service": "driveway", "access": "private"}, False),
    ({"highway": "service", "access": "private"}, False),
    ({"highway": "service"}, True),
    ({"highway": "bridleway"}, True),
    ({"highway": "pedestrian"}, True),
    ({"highway": "steps"}, True),
    ({"highway": "proposed"}, False),
    ({"highway": None}, False),
])
def test_walkable_mask_cases(tags: dict, walkable: bool) -> None:
    assert bool(walkable_mask(_ways(tags)).iloc[0]) is walkable


@pytest.mark.parametrize(("tags", "free"), [
    ({"highway": "steps"}, False),
    ({"highway": "path", "sac_scale": "mountain_hiking"}, False),
    ({"highway": "path", "sac_scale": "hiking"}, True),
    ({"highway": "footway"}, True),
    ({"highway": "motorway"}, False),
])
def test_step_free_mask_cases(tags: dict, free: bool) -> None:
    assert bool(step_free_mask(_ways(tags)).iloc[0]) is free


def test_filter_applies_in_graph() -> None:
    coords = {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (300, 0), 5: (400, 0)}
    lay = layers_from_segments(coords, [
        (1, 2, {"highway": "cycleway", "foot": "designated"}),
        (2, 3, {"highway": "footway", "access": "private", "foot": "yes"}),
        (3, 4, {"highway": "motorway"}),
        (4, 5, {"highway": "service", "service": "driveway", "access": "private"}),
    ])
    g = build_walk_graph(lay)
    assert set(g.node_ids.tolist()) == {1, 2, 3}
    assert set(g.edges["highway"]) == {"cycleway", "footway"}


# --- graph structure ------------------------------------------------------------------------


def test_parallel_ways_keep_shortest() -> None:
    coords = {1: (0, 0), 2: (100, 0), 3: (200, 0)}
    lay = layers_from_segments(coords, [
        (1, 2, {"via": [(50, 80)], "osm_id": 7, "name": "Detour"}),  # ≈ 188.7 m
        (2, 1, {"osm_id": 8, "name": "Straight"}),  # 100 m, reversed direction
        (2, 3, {"via": [(150, 30)], "osm_id": 9}),  # ≈ 116.6 m (only way 2-3)
    ])
    g = build_walk_graph(lay)
    r1, r2, r3 = g.rows([1, 2, 3])
    assert g.csr[r1, r2] == pytest.approx(100.0, abs=1e-6)
    assert g.csr[r2, r1] == pytest.approx(100.0, abs=1e-6)
    assert g.csr[r2, r3] == pytest.approx(2 * np.hypot(50, 30), abs=1e-6)
    assert g.n_edges == 2
    # networkx.to_scipy_sparse_array would have summed the two 1-2 ways (≈ 288.7 m).
    assert g.edges.loc[g.edge_rows([r1, r2])[0], "name"] == "Straight"
    d = dijkstra(g.csr, indices=r1)
    assert d[r3] == pytest.approx(100 + 2 * np.hypot(50, 30), abs=1e-6)


def test_symmetric_and_oneway_ignored() -> None:
    lay = layers_from_segments({1: (0, 0), 2: (50, 0)},
                               [(1, 2, {"highway": "residential", "oneway": "yes"})])
    g = build_walk_graph(lay)
    assert (g.csr != g.csr.T).nnz == 0


def test_zero_length_segment_kept() -> None:
    coords = {1: (0, 0), 2: (0, 0), 3: (80, 0)}
    g = build_walk_graph(layers_from_segments(coords, [(1, 2), (2, 3)]))
    r1, r2, r3 = g.rows([1, 2, 3])
    assert g.csr[r1, r2] == pytest.approx(cfg.ZERO_LENGTH_M)
    assert dijkstra(g.csr, indices=r1)[r3] == pytest.approx(80.0, abs=0.01)


def test_self_loops_dropped_and_components_ranked() -> None:
    coords = {1: (0, 0), 2: (10, 0), 3: (20, 0), 8: (900, 0), 9: (910, 0)}
    g = build_walk_graph(layers_from_segments(coords, [(1, 1), (1, 2), (2, 3), (8, 9)]))
    assert g.n_edges == 3
    comp = dict(zip(g.node_ids.tolist(), g.component.tolist(), strict=True))
    assert comp[1] == comp[2] == comp[3] == 0
    assert comp[8] == comp[9] == 1


def test_rows_and_node_index() -> None:
    g = build_walk_graph(layers_from_segments({5: (0, 0), 11: (10, 0)}, [(11, 5)]))
    assert g.node_ids.tolist() == [5, 11]
    assert dict(g.node_index) == {5: 0, 11: 1}
    assert g.rows([11, 5, 99, None]).tolist() == [1, 0, -1, -1]
    assert g.crs.startswith("EPSG:326")
    assert len(g.edges_gdf()) == 1 and g.nodes_gdf().crs.to_epsg() == 4326


def test_no_walkable_ways_is_an_area_error() -> None:
    lay = layers_from_segments({1: (0, 0), 2: (10, 0)}, [(1, 2, {"highway": "motorway"})])
    with pytest.raises(AreaError, match="walkable"):
        build_walk_graph(lay)


def test_step_free_drops_steps_stiles_and_rough_paths() -> None:
    #   1 —steps— 2 —— 3          main line, with steps between 1 and 2
    #   1 —— 4 —stile(5)— 6 —— 3  detour through a stile
    #   1 —— 7 ——(rough)—— 3      mountain path
    #   1 —— 8 —— 3               a long step-free way round
    coords = {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (0, 100), 5: (100, 100),
              6: (200, 100), 7: (100, -50), 8: (100, -400)}
    segs = [(1, 2, {"highway": "steps"}), (2, 3), (1, 4), (4, 5), (5, 6), (6, 3),
            (1, 7), (7, 3, {"highway": "path", "sac_scale": "demanding_mountain_hiking"}),
            (1, 8), (8, 3)]
    lay = layers_from_segments(coords, segs, barriers={5: "stile", 6: "gate"})
    full = build_walk_graph(lay)
    free = build_walk_graph(lay, step_free=True)
    f1, f3 = full.rows([1, 3])
    assert dijkstra(full.csr, indices=f1)[f3] == pytest.approx(200.0, abs=1e-6)
    s1, s3 = free.rows([1, 3])
    assert dijkstra(free.csr, indices=s1)[s3] == pytest.approx(2 * np.hypot(100, 400), abs=1e-6)
    assert free.step_free and not full.step_free
    assert 5 not in free.node_index  # the stile node has no usable segment left
    assert 6 in free.node_index  # a plain gate does not block
    assert "steps" not in set(free.edges["highway"])
    # The full graph flags which of its edges are step-free, for later route advice.
    flags = full.edges.set_index(["u", "v"])["step_free"]
    assert not flags[(1, 2)] and not flags[(4, 5)] and not flags[(7, 3)] and flags[(2, 3)]


# --- snapping -------------------------------------------------------------------------------


def test_snap_points_nearest_node_and_cap() -> None:
    g = build_walk_graph(layers_from_segments({1: (0, 0), 2: (100, 0)}, [(1, 2)]))
    pts = points([(10, 30), (95, -4), (100, 2000)], index=["a", "b", "far"])
    pts = pd.concat([pts, gpd.GeoSeries([None], index=["none"], crs=4326)])
    out = snap_points(g, pts, max_snap_m=500)
    assert out.index.tolist() == ["a", "b", "far", "none"]
    assert out.loc["a", "node_id"] == 1 and out.loc["b", "node_id"] == 2
    assert out.loc["a", "snap_m"] == pytest.approx(np.hypot(10, 30), abs=1e-3)
    assert out.loc["b", "snap_m"] == pytest.approx(np.hypot(5, 4), abs=1e-3)
    assert out.loc["far", "row"] == -1 and np.isnan(out.loc["far", "snap_m"])
    assert pd.isna(out.loc["far", "node_id"]) and out.loc["none", "row"] == -1
    # Without a cap the far point snaps, and says how far it is.
    assert snap_points(g, pts, max_snap_m=None).loc["far", "snap_m"] == pytest.approx(
        2000, abs=0.01)


def test_snap_accepts_projected_points_and_main_component() -> None:
    coords = {1: (0, 0), 2: (100, 0), 3: (150, 0), 8: (300, 0), 9: (310, 0)}
    g = build_walk_graph(layers_from_segments(coords, [(1, 2), (2, 3), (8, 9)]))
    pts = points([(290, 0)]).to_crs(g.crs)  # nearest node is 8, on a 2-node fragment
    assert snap_points(g, pts).loc[0, "node_id"] == 8
    main = snap_points(g, pts, main_component=True)
    assert main.loc[0, "node_id"] == 3 and main.loc[0, "snap_m"] == pytest.approx(140, abs=1e-3)


# --- the real Isle of Wight ----------------------------------------------------------------


@pytest.fixture(scope="module")
def iow_layers() -> L.OsmLayers:
    path = shared_data_dir() / IOW
    if not path.exists():
        pytest.skip(f"real OSM extract not found at {path}")
    from ecoplan.osm.pbf import read_pbf
    return read_pbf(path)


def test_iow_graph(iow_layers: L.OsmLayers) -> None:
    g = build_walk_graph(iow_layers)
    ways = iow_layers.ways[walkable_mask(iow_layers.ways)]
    # Every walkable segment is represented (only self-loops/parallels collapse).
    pairs = set(map(frozenset, zip(ways.u, ways.v, strict=True)))
    assert g.n_edges == sum(len(p) == 2 for p in pairs)
    assert g.crs == "EPSG:32630"  # UTM 30N covers the island
    assert 40_000 < g.n_nodes < 60_000
    assert (g.component == 0).mean() > 0.9  # one main network, a few fragments
    # Lengths agree with geodesic (WGS84 ellipsoid) lengths of the same segments to 0.1 %.
    e = g.edges
    _, _, geo = Geod(ellps="WGS84").inv(g.lonlat[e.u_idx, 0], g.lonlat[e.u_idx, 1],
                                        g.lonlat[e.v_idx, 0], g.lonlat[e.v_idx, 1])
    long_ = geo > 1.0
    np.testing.assert_allclose(e.length_m[long_], geo[long_], rtol=1e-3)
    assert 1900 < e.length_m.sum() / 1000 < 2300  # ~2,046 km walking network (data README)
    assert {"surface", "lit", "sac_scale", "highway", "name"} <= set(e.columns)


def test_iow_step_free_is_a_subgraph(iow_layers: L.OsmLayers) -> None:
    g = build_walk_graph(iow_layers)
    s = build_walk_graph(iow_layers, step_free=True)
    assert s.n_edges < g.n_edges
    assert "steps" not in set(s.edges.highway)
    assert set(s.node_ids) <= set(g.node_ids)
    assert s.n_edges == int(g.edges.step_free.sum())
    pois = iow_layers.pois
    stiles = pois[(pois.osm_type == "node") & pois.barrier.isin(cfg.STEP_FREE_BLOCKING_BARRIERS)]
    on_net = set(stiles.osm_id) & set(g.node_ids.tolist())
    assert on_net, "the island has stiles/kissing gates on paths"
    assert not on_net & set(s.node_ids.tolist())


def test_iow_step_free_avoids_step_nodes(iow_layers: L.OsmLayers) -> None:
    """Issue #2: footway w3075916 near Bembridge Harbour has two nodes tagged highway=steps
    (n1288028559, n1288028560); a step-free graph may not pass them."""
    steps = {1288028559, 1288028560}
    pois = iow_layers.pois
    step_nodes = pois[(pois.osm_type == "node") & (pois.highway == "steps")]
    assert steps <= set(step_nodes.osm_id)
    # steps *ways* are paths, not points: none is read as a POI
    assert not ((pois.osm_type != "node") & (pois.highway == "steps")).any()
    g = build_walk_graph(iow_layers)
    s = build_walk_graph(iow_layers, step_free=True)
    assert steps <= set(g.node_ids.tolist())
    assert not steps & set(s.node_ids.tolist())
    on_net = set(step_nodes.osm_id) & set(g.node_ids.tolist())
    assert len(on_net) > 2 and not on_net & set(s.node_ids.tolist())


def test_step_free_avoids_a_step_node_on_a_footway() -> None:
    #   1 —— 2(steps node) —— 3   short way with a step mapped as a node
    #   1 —— 4 —————————————— 3   longer level way round
    coords = {1: (0, 0), 2: (50, 0), 3: (100, 0), 4: (50, 300)}
    lay = layers_from_segments(coords, [(1, 2), (2, 3), (1, 4), (4, 3)])
    row = {c: None for c in L.poi_columns()}
    row.update(osm_type="node", osm_id=2, highway="steps", geometry=lay.nodes.geometry[2])
    pois = gpd.GeoDataFrame(pd.DataFrame([row], columns=L.poi_columns()), geometry="geometry",
                            crs=L.CRS)
    lay = L.OsmLayers(features=lay.features, ways=lay.ways, nodes=lay.nodes, pois=pois,
                      buildings=lay.buildings, source=lay.source)
    full, free = build_walk_graph(lay), build_walk_graph(lay, step_free=True)
    assert 2 in full.node_index and 2 not in free.node_index
    s1, s3 = free.rows([1, 3])
    assert dijkstra(free.csr, indices=s1)[s3] == pytest.approx(2 * np.hypot(50, 300), abs=1e-6)
    flags = full.edges.set_index(["u", "v"])["step_free"]
    assert not flags[(1, 2)] and not flags[(2, 3)] and flags[(1, 4)]


def test_utm_zone_is_the_one_geopandas_estimates() -> None:
    """The computed zone equals geopandas' PROJ lookup on random points worldwide."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from ecoplan.network.graph import utm_crs_at

    rng = np.random.default_rng(0)
    for lon, lat in zip(rng.uniform(-179.9, 179.9, 60), rng.uniform(-79, 83, 60), strict=True):
        expected = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).estimate_utm_crs()
        assert utm_crs_at(float(lon), float(lat)) == expected.to_string()
    assert utm_crs_at(-1.3, 50.7) == "EPSG:32630"  # Isle of Wight
