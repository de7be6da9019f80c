"""The one-pass access engine against hand-worked cases and plain networkx."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import layers_from_segments, points

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.access.speeds import metres, minutes, resolve_speed
from ecoplan.errors import AreaError, EcoplanError
from ecoplan.network.graph import build_walk_graph
from ecoplan.network.walkable import walkable_mask
from ecoplan.osm import layers as L
from ecoplan.settings.paths import shared_data_dir

IOW = "osm/isle-of-wight_2015-01-01.osm.pbf"


def entrances(rows: list[dict], xy: list[tuple[float, float]] | None = None) -> gpd.GeoDataFrame:
    cols = ["site_id", "entrance_id", "node_id", "edge_u", "edge_v", "dist_u_m", "dist_v_m",
            "snap_m"]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    geom = points(xy) if xy is not None else gpd.GeoSeries([None] * len(df), crs=4326)
    return gpd.GeoDataFrame(df, geometry=geom.to_numpy(), crs=4326)


def nx_graph(ways: gpd.GeoDataFrame, crs: str) -> nx.Graph:
    """Independent reference: walkable ways, projected geometry length, min over parallels."""
    ways = ways[walkable_mask(ways)]
    length = ways.to_crs(crs).length.to_numpy()
    g = nx.Graph()
    for u, v, w in zip(ways.u.to_numpy(), ways.v.to_numpy(), length, strict=True):
        if u == v:
            continue
        if not g.has_edge(u, v) or w < g[u][v]["weight"]:
            g.add_edge(int(u), int(v), weight=float(w))
    return g


# --- small hand-worked graphs ---------------------------------------------------------------

LINE = {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (300, 0), 5: (1000, 0), 6: (1100, 0)}


@pytest.fixture(scope="module")
def line_graph():
    return build_walk_graph(layers_from_segments(LINE, [(1, 2), (2, 3), (3, 4), (5, 6)]))


def test_entrance_mid_segment(line_graph) -> None:
    g = line_graph
    # An entrance 30 m along 2→3 and 5 m off the path.
    ent = entrances([{"site_id": "w1", "entrance_id": "w1/e1", "edge_u": 2, "edge_v": 3,
                      "dist_u_m": 30.0, "dist_v_m": 70.0, "snap_m": 5.0}], [(130, 5)])
    res = nearest_site(g, ent)
    d = dict(zip(g.node_ids.tolist(), res.dist_m.tolist(), strict=True))
    assert d[2] == pytest.approx(35) and d[3] == pytest.approx(75)
    assert d[1] == pytest.approx(135) and d[4] == pytest.approx(175)
    assert np.isinf(d[5]) and np.isinf(d[6])  # the other component
    r1, r5 = g.rows([1, 5])
    assert res.site_id[r1] == "w1" and res.entrance_id[r1] == "w1/e1"
    assert res.site_id[r5] is None and res.entrance_pos[r5] == -1
    assert g.node_ids[res.path(r1)].tolist() == [1, 2]
    assert res.placement.how.tolist() == ["edge"]


def test_nearest_of_several_sites_and_node_fallback(line_graph) -> None:
    g = line_graph
    ent = entrances([
        {"site_id": "a", "entrance_id": "a/1", "node_id": 1, "snap_m": 0.0},
        {"site_id": "b", "entrance_id": "b/1", "node_id": 4, "snap_m": 20.0},
        {"site_id": "b", "entrance_id": "b/2", "edge_u": 99, "edge_v": 98,  # not in graph
         "dist_u_m": 1.0, "dist_v_m": 1.0, "node_id": 6, "snap_m": 0.0},
    ])
    res = nearest_site(g, ent)
    by = dict(zip(g.node_ids.tolist(), zip(res.dist_m, res.entrance_id, strict=True),
                  strict=True))
    assert by[1] == (0.0, "a/1") and by[2] == (100.0, "a/1")
    assert by[3] == (pytest.approx(120.0), "b/1")  # 100 m + 20 m snap beats 200 m
    assert by[5] == (pytest.approx(100.0), "b/2")
    assert res.placement.how.tolist() == ["node", "node", "node"]


def test_unreachable_and_unsnapped_origins_are_reported(line_graph) -> None:
    g = line_graph
    ent = entrances([{"site_id": "a", "entrance_id": "a/1", "node_id": 1}])
    res = nearest_site(g, ent)
    orig = points([(0, 10), (1050, 3), (5000, 5000)], index=["near", "island", "sea"])
    out = origin_distances(g, res, orig, max_snap_m=200)
    assert out.loc["near", "status"] == "ok"
    assert out.loc["near", "network_m"] == pytest.approx(10.0, abs=1e-3)
    assert out.loc["island", "status"] == "unreachable"
    assert np.isinf(out.loc["island", "network_m"]) and pd.isna(out.loc["island", "site_id"])
    assert out.loc["sea", "status"] == "unsnapped" and np.isnan(out.loc["sea", "network_m"])
    # The straight line is still given for comparison, even where the walk is impossible.
    assert out.loc["island", "straight_line_m"] == pytest.approx(np.hypot(1050, 3), abs=1e-3)


def test_limit_marks_beyond_limit(line_graph) -> None:
    g = line_graph
    ent = entrances([{"site_id": "a", "entrance_id": "a/1", "node_id": 1}])
    res = nearest_site(g, ent, limit_m=150)
    d = dict(zip(g.node_ids.tolist(), res.dist_m.tolist(), strict=True))
    assert d[2] == 100 and np.isinf(d[3])
    out = origin_distances(g, res, points([(300, 0), (1000, 0)]))
    assert out.status.tolist() == ["beyond_limit", "unreachable"]


def test_no_entrances_means_all_unreachable(line_graph) -> None:
    res = nearest_site(line_graph, entrances([]))
    assert np.isinf(res.dist_m).all() and res.unplaced == []


def test_unplaceable_entrance_reported(line_graph) -> None:
    ent = entrances([{"site_id": "a", "entrance_id": "a/far", "node_id": 12345}],
                    [(0, 3000)])
    res = nearest_site(line_graph, ent)
    assert res.unplaced == ["a/far"] and np.isinf(res.dist_m).all()


def test_step_free_resnaps_entrance_on_dropped_steps() -> None:
    coords = {1: (0, 0), 2: (100, 0), 3: (200, 0), 4: (100, 20), 5: (300, 0)}
    lay = layers_from_segments(coords, [(1, 2), (2, 3, {"highway": "steps"}), (3, 5),
                                        (2, 4)])
    free = build_walk_graph(lay, step_free=True)
    # Gates on the steps: in the step-free graph 'a' re-snaps to the nearest node left; 'b'
    # names its node, which is reached along the (dropped) segment, never for free.
    ent = entrances([
        {"site_id": "a", "entrance_id": "a/1", "edge_u": 2, "edge_v": 3, "dist_u_m": 10.0,
         "dist_v_m": 90.0, "snap_m": 0.0},
        {"site_id": "b", "entrance_id": "b/1", "edge_u": 2, "edge_v": 3, "dist_u_m": 60.0,
         "dist_v_m": 40.0, "snap_m": 2.0, "node_id": 3},
    ], [(110, 0), (160, 2)])
    res = nearest_site(free, ent)
    assert res.placement.how.tolist() == ["resnap", "node"]
    r1, r3, r5 = free.rows([1, 3, 5])
    assert res.dist_m[r1] == pytest.approx(110.0, abs=1e-3) and res.site_id[r1] == "a"
    assert res.dist_m[r3] == pytest.approx(42.0) and res.dist_m[r5] == pytest.approx(142.0)
    out = origin_distances(free, res, points([(200, 5)]))
    assert out.network_m.iloc[0] >= out.straight_line_m.iloc[0]


# --- random small graphs vs networkx ------------------------------------------------------


@st.composite
def random_networks(draw):
    n = draw(st.integers(2, 12))
    coords = {i + 1: (draw(st.integers(0, 400)), draw(st.integers(0, 400))) for i in range(n)}
    pair = st.tuples(st.integers(1, n), st.integers(1, n))
    segs = []
    for u, v in draw(st.lists(pair, min_size=1, max_size=25)):
        tags = {}
        if draw(st.booleans()):  # a bent duplicate way between the same two nodes
            tags["via"] = [(draw(st.integers(-100, 500)), draw(st.integers(-100, 500)))]
        if draw(st.integers(0, 5)) == 0:
            tags["highway"] = "motorway"
        segs.append((u, v, tags))
    n_ent = draw(st.integers(1, 4))
    ents = [(draw(st.integers(0, len(segs) - 1)), draw(st.floats(0, 1)),
             draw(st.floats(0, 30)), draw(st.booleans())) for _ in range(n_ent)]
    return coords, segs, ents


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_networks())
def test_random_graphs_match_networkx(net) -> None:
    coords, segs, ents = net
    lay = layers_from_segments(coords, segs)
    usable = walkable_mask(lay.ways) & (lay.ways.u != lay.ways.v)
    if not usable.any():
        with pytest.raises(AreaError):
            build_walk_graph(lay)
        return
    g = build_walk_graph(lay)
    ref = nx_graph(lay.ways, g.crs)
    rows, sources = [], []
    for k, (seg_i, t, snap, on_edge) in enumerate(ents):
        u, v = int(lay.ways.u.iloc[seg_i]), int(lay.ways.v.iloc[seg_i])
        name = ("entrance", k)
        if on_edge and ref.has_edge(u, v):
            w = ref[u][v]["weight"]
            rows.append({"site_id": f"s{k}", "entrance_id": f"e{k}", "edge_u": u, "edge_v": v,
                         "dist_u_m": t * w, "dist_v_m": (1 - t) * w, "snap_m": snap})
            ref.add_edge(name, u, weight=snap + t * w)
            ref.add_edge(name, v, weight=snap + (1 - t) * w)
        elif u in ref:
            rows.append({"site_id": f"s{k}", "entrance_id": f"e{k}", "node_id": u,
                         "snap_m": snap})
            ref.add_edge(name, u, weight=snap)
        else:
            continue
        sources.append(name)
    res = nearest_site(g, entrances(rows))
    want = nx.multi_source_dijkstra_path_length(ref, sources) if sources else {}
    for node, row in g.node_index.items():
        expect = want.get(node, np.inf)
        got = res.dist_m[row]
        if np.isinf(expect):
            assert np.isinf(got)
            continue
        # Zero-length segments weigh 1 mm in the graph (ZERO_LENGTH_M), 0 in networkx.
        assert got == pytest.approx(expect, abs=0.05)
        # The entrance credited is one whose own distance is the minimum (ties allowed).
        k = int(res.entrance_pos[row])
        own = nx.shortest_path_length(ref, ("entrance", int(rows[k]["entrance_id"][1:])),
                                      node, weight="weight")
        assert own == pytest.approx(expect, abs=0.05)


# --- the real Isle of Wight ----------------------------------------------------------------


@pytest.fixture(scope="module")
def iow():
    path = shared_data_dir() / IOW
    if not path.exists():
        pytest.skip(f"real OSM extract not found at {path}")
    from ecoplan.osm.pbf import read_pbf
    layers: L.OsmLayers = read_pbf(path)
    return layers, build_walk_graph(layers)


def test_iow_matches_networkx_and_beats_straight_line(iow) -> None:
    layers, g = iow
    rng = np.random.default_rng(3)
    main = np.flatnonzero(g.component == 0)
    ent_rows = rng.choice(main, 20, replace=False)
    ent = entrances([{"site_id": f"s{i % 7}", "entrance_id": f"e{i}",
                      "node_id": int(g.node_ids[r]), "snap_m": 0.0}
                     for i, r in enumerate(ent_rows)])
    ent = ent.set_geometry(shapely.points(g.lonlat[ent_rows])).set_crs(4326, allow_override=True)
    # Add two entrances part-way along random segments (the virtual-node path).
    e = g.edges.sample(2, random_state=1)
    mid = entrances([{"site_id": "mid", "entrance_id": f"m{j}", "edge_u": int(r.u),
                      "edge_v": int(r.v), "dist_u_m": r.length_m / 3,
                      "dist_v_m": 2 * r.length_m / 3, "snap_m": 4.0}
                     for j, r in enumerate(e.itertuples())])
    ent = pd.concat([ent, mid], ignore_index=True)
    res = nearest_site(g, ent)

    ref = nx_graph(layers.ways, g.crs)
    sources = [int(g.node_ids[r]) for r in ent_rows]
    for j, r in enumerate(e.itertuples()):
        ref.add_edge(("m", j), int(r.u), weight=4.0 + r.length_m / 3)
        ref.add_edge(("m", j), int(r.v), weight=4.0 + 2 * r.length_m / 3)
        sources.append(("m", j))
    want = nx.multi_source_dijkstra_path_length(ref, sources)
    got = {n: res.dist_m[r] for n, r in g.node_index.items()}
    reached = {n for n, d in got.items() if np.isfinite(d)}
    assert reached == set(want) - {("m", 0), ("m", 1)}
    keys = sorted(reached)
    np.testing.assert_allclose([got[k] for k in keys], [want[k] for k in keys], atol=1e-6)

    # Predecessors trace the walk: edge lengths along the path + the entrance's own cost.
    for row in rng.choice(main, 25, replace=False):
        path = res.path(row)
        along = g.edges.length_m.to_numpy()[g.edge_rows(path)].sum()
        k = res.entrance_pos[row]
        start = res.placement.iloc[k]
        cost = start.cost_u_m if start.row_u == path[-1] else start.cost_v_m
        assert along + cost == pytest.approx(res.dist_m[row], abs=1e-6)

    # 50 origins: random nodes, displaced a few metres as homes are.
    o_rows = rng.choice(main, 50, replace=False)
    offset = rng.uniform(-30, 30, size=(50, 2))
    xy = g.xy[o_rows] + offset
    orig = gpd.GeoSeries(shapely.points(xy), crs=g.crs).to_crs(4326)
    out = origin_distances(g, res, orig, main_component=True)
    assert (out.status == "ok").all()
    assert (out.network_m >= out.straight_line_m - 1e-6).all()
    # Network distance = snap + networkx distance from the snapped node.
    node_ids = g.node_ids[out.row.to_numpy()]
    np.testing.assert_allclose(out.network_m - out.snap_m, [want[n] for n in node_ids],
                               atol=1e-6)
    # Straight line checked independently with geopandas (mid-segment entrances have no
    # point of their own, so they sit a third of the way along their segment).
    ent_pts = ent.to_crs(g.crs)
    ent_pts = list(ent_pts.geometry[ent_pts.geometry.notna()])
    for r in e.itertuples():
        a, b = g.xy[g.node_index[int(r.u)]], g.xy[g.node_index[int(r.v)]]
        ent_pts.append(shapely.Point(a + (b - a) / 3))
    targets = gpd.GeoSeries(ent_pts, crs=g.crs)
    direct = [targets.distance(p).min() for p in orig.to_crs(g.crs)]
    np.testing.assert_allclose(out.straight_line_m, direct, atol=1e-6)


# --- speeds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("given_", "kmh"), [
    (None, 4.8), ("default", 4.8), ("natural-england", 4.0), ("Older adults", 3.0),
    ("frail", 2.3), (3.5, 3.5), ("3.5", 3.5), (5, 5.0),
])
def test_resolve_speed(given_, kmh) -> None:
    assert resolve_speed(given_) == kmh


@pytest.mark.parametrize("bad", ["fast", "", 0, -2, 40, float("nan"), True])
def test_resolve_speed_rejects(bad) -> None:
    with pytest.raises(EcoplanError) as err:
        resolve_speed(bad)
    if bad == "fast":
        assert "natural-england" in str(err.value) and "frail" in str(err.value)


def test_minutes() -> None:
    assert minutes(1000, 4.0) == pytest.approx(15.0)  # NE: 1 km ≈ 15 min
    arr = minutes(np.array([0.0, 2400.0, np.inf, np.nan]), 4.8)
    assert arr[:2].tolist() == [0.0, 30.0] and np.isinf(arr[2]) and np.isnan(arr[3])
    assert metres(15.0, 4.0) == pytest.approx(1000.0)
