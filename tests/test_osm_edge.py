"""Ways running past an extract's edge: one rule for the PBF and XML readers (osm/edge.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import osmium
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon

from ecoplan.osm.edge import (
    CutWays,
    _longest_true,
    cut_areas_and_lines,
    cut_network,
    cut_ways_in_parsed,
    longest_run,
)
from ecoplan.osm.pbf import read_pbf
from ecoplan.osm.xml import read_xml

LON, LAT = -1.29, 50.70
# way 10 leaves the file (node 99) and comes back; way 20 is a park whose outline does; the
# relation's outer member is way 50, also cut; 30 and 40 are whole.
WAYS = [(10, [1, 2, 3, 99, 4], {"highway": "footway"}),
        (20, [5, 6, 7, 98, 5], {"leisure": "park", "name": "Cut Park"}),
        (30, [4, 5], {"highway": "footway"}),
        (40, [6, 7], {"highway": "footway"}),
        (50, [11, 12, 13, 97, 11], {}),
        (60, [11, 12, 13, 11], {"leisure": "park", "name": "Whole Park"}),
        (70, [14, 15, 96, 16, 17, 18], {"waterway": "river", "name": "Cut River"})]


def _write(path, ways=WAYS) -> None:
    """The fixture as OSM data (XML or PBF by ``path``'s suffix), written with pyosmium."""
    w = osmium.SimpleWriter(str(path))
    try:
        for i in (*range(1, 8), *range(11, 19)):
            w.add_node(osmium.osm.mutable.Node(
                id=i, location=(LON + i * 1e-4, LAT + (i % 7) * 1e-4), version=1, tags={}))
        for wid, refs, tags in ways:
            w.add_way(osmium.osm.mutable.Way(id=wid, nodes=refs, tags=tags, version=1))
        w.add_relation(osmium.osm.mutable.Relation(
            id=80, version=1, members=[("w", 50, "outer")],
            tags={"type": "multipolygon", "leisure": "park", "name": "Cut Relation"}))
    finally:
        w.close()


@pytest.mark.parametrize("suffix", [".osm.pbf", ".osm"])
def test_both_readers_cut_ways_at_the_edge_the_same_way(tmp_path, suffix):
    """Before, the PBF reader drew the cut park from its four nodes in the file and the river
    straight across its gap; the XML reader refused the file, later cut it. Now one rule."""
    path = tmp_path / f"cut{suffix}"
    _write(path)
    layers = read_pbf(path) if suffix == ".osm.pbf" else read_xml(path)
    segs = {tuple(sorted(p)) for p in layers.ways[["u", "v"]].itertuples(index=False)}
    assert segs == {(1, 2), (2, 3), (4, 5), (6, 7)}  # way 10 keeps 1-2-3, never 3-4
    names = set(layers.features["name"])
    assert "Cut Park" not in names and "Cut Relation" not in names  # never drawn in part
    assert "Whole Park" in names
    river = layers.features[layers.features["name"] == "Cut River"].geometry
    assert len(river) == 1  # its longest run, 16-17-18, not 14-15 … 16 across the gap
    coords = np.asarray(river.iloc[0].coords)
    assert np.allclose(coords[:, 0], LON + np.array([16, 17, 18]) * 1e-4)
    notes = " ".join(layers.source.warnings)
    assert f"4 way(s) run past the edge of cut{suffix}" in notes
    assert "r80 'Cut Relation'" in notes


def test_a_file_with_whole_ways_is_read_as_before(tmp_path):
    path = tmp_path / "whole.osm.pbf"
    _write(path, [w for w in WAYS if w[0] in (30, 40, 60)])
    layers = read_pbf(path)
    assert not any("run past the edge" in w for w in layers.source.warnings)
    assert set(layers.features["name"]) == {"Whole Park"}


def test_every_area_in_the_demo_is_drawn_from_all_its_nodes(demo_layers):
    """The Helsinki demo is cut without whole ways (421 of them). Counted independently with
    pyosmium: each area drawn from a way has as many corners as the way has nodes."""
    from ecoplan.osm.demo import demo_pbf_path

    n_nodes: dict[int, int] = {}

    class Ways(osmium.SimpleHandler):
        def way(self, w):
            n_nodes[w.id] = len(w.nodes)

    Ways().apply_file(str(demo_pbf_path()), locations=False)
    feats = demo_layers.features
    areas = feats[(feats["osm_type"] == "way") & (feats.geom_type == "Polygon")]
    assert len(areas) > 100
    corners = areas.geometry.map(lambda g: len(g.exterior.coords))
    assert (corners.to_numpy() == areas["osm_id"].map(n_nodes).to_numpy()).all()
    notes = read_pbf(demo_pbf_path()).source.warnings  # the reader's own notes
    assert any("421 way(s) run past the edge" in w for w in notes)


def test_cut_ways_from_arrays():
    # ways: 1 → [10, 11, 12] whole; 2 → [10, 99, 11, 12, 13] (13 absent too); 3 → closed ring
    ids = np.array([1, 2, 3])
    refs = np.array([10, 11, 12, 10, 99, 11, 12, 13, 12, 11, 98, 12])
    off = np.array([0, 3, 8, 12])
    nodes = np.array([12, 10, 11])  # unsorted, as a file may hold them
    cut = cut_ways_in_parsed(ids, refs, off, nodes, np.array([2.0, 0.0, 1.0]),
                             np.array([0.0, 0.0, 0.0]))
    assert set(cut.runs) == {2, 3} and cut.closed == frozenset({3})
    assert cut.runs[2].tolist() == [11, 12]
    assert list(cut.lines[2].coords) == [(1.0, 0.0), (2.0, 0.0)]
    assert cut.runs[3].tolist() == [12, 11]
    whole = cut_ways_in_parsed(ids[:1], refs[:3], off[:2], nodes, np.zeros(3), np.zeros(3))
    assert len(whole) == 0


@given(st.lists(st.integers(1, 6), max_size=30), st.sets(st.integers(1, 6)))
def test_longest_run_on_a_mask_agrees_with_the_list_form(refs, present):
    s, e = _longest_true(np.array([r in present for r in refs], dtype=bool))
    assert refs[s:e] == longest_run(refs, present)


def test_rows_from_cut_ways_are_left_out_or_redrawn():
    cut = CutWays(runs={1: np.array([5, 6]), 2: np.array([7, 8]), 3: np.empty(0, np.int64)},
                  lines={1: LineString([(0, 0), (1, 0)]), 2: LineString([(5, 5), (6, 5)])},
                  closed=frozenset({2}))
    frame = gpd.GeoDataFrame({
        "osm_type": ["way", "way", "way", "relation", "way"],
        "osm_id": [1, 2, 3, 2, 4],
        "geometry": [LineString([(0, 0), (3, 0)]), Polygon([(5, 5), (6, 5), (6, 6)]),
                     LineString([(9, 9), (9, 8)]), Polygon([(0, 0), (1, 0), (1, 1)]),
                     Point(0, 0)]}, crs=4326)
    out = cut_areas_and_lines(frame, cut)
    assert list(zip(out["osm_type"], out["osm_id"], strict=True)) == [
        ("way", 1), ("relation", 2), ("way", 4)]  # a relation of the same number is not a way
    assert out.geometry.iloc[0].equals(LineString([(0, 0), (1, 0)]))
    assert frame.geometry.iloc[0].equals(LineString([(0, 0), (3, 0)]))  # input untouched
    assert cut_areas_and_lines(frame, CutWays()) is frame


def test_network_segments_off_the_longest_run_are_dropped():
    cut = CutWays(runs={1: np.array([1, 2, 3]), 2: np.empty(0, np.int64)})
    ways = gpd.GeoDataFrame({"osm_id": [1, 1, 1, 2, 9], "u": [1, 3, 5, 7, 1],
                             "v": [2, 2, 6, 8, 2]},
                            geometry=[shapely.Point(0, 0)] * 5, crs=4326)
    out = cut_network(ways, cut)
    assert list(zip(out["u"], out["v"], strict=True)) == [(1, 2), (3, 2), (1, 2)]
