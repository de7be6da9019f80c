"""The one-sweep PBF cut: complete ways, complete area relations, nothing inside left out."""

from __future__ import annotations

import osmium
import pytest
from shapely.geometry import Point, box

from ecoplan.partition.cut import cut_pbf

NEWPORT = box(-1.31, 50.69, -1.28, 50.71)
RYDE = box(-1.18, 50.72, -1.15, 50.74)


def _read(path):
    nodes, ways, rels = {}, {}, {}
    for o in osmium.FileProcessor(str(path)):
        if o.is_node():
            nodes[o.id] = (o.location.lon, o.location.lat)
        elif o.is_way():
            ways[o.id] = [n.ref for n in o.nodes]
        elif o.is_relation():
            rels[o.id] = (o.tags.get("type"), [(m.type, m.ref) for m in o.members])
    return nodes, ways, rels


@pytest.fixture(scope="module")
def cut(iow_pbf, tmp_path_factory):
    out = tmp_path_factory.mktemp("cut")
    paths = [out / "newport.osm.pbf", out / "ryde.osm.pbf"]
    stats = cut_pbf(iow_pbf, [NEWPORT, RYDE], paths)
    return _read(iow_pbf), [_read(p) for p in paths], (stats, out)


def test_every_way_with_a_node_inside_is_kept_whole(cut) -> None:
    (nodes, ways, _), parts, (stats, _) = cut
    for region, (p_nodes, p_ways, _) in zip((NEWPORT, RYDE), parts, strict=True):
        inside = {i for i, xy in nodes.items() if region.contains(Point(xy))}
        expected = {w for w, refs in ways.items() if inside & set(refs)}
        assert expected and expected <= set(p_ways)
        for refs in p_ways.values():
            assert all(r in p_nodes for r in refs)  # complete: no dangling node reference
        assert inside <= set(p_nodes)
    assert stats.ways[0] == len(parts[0][1]) and stats.ways[0] < len(ways) / 5


def test_area_relations_are_complete_and_others_touch_the_region(cut) -> None:
    (_, ways, rels), parts, _ = cut
    for p_nodes, p_ways, p_rels in parts:
        assert p_rels
        for rid, (kind, members) in p_rels.items():
            kept = [ref for t, ref in members if t == "w" and ref in p_ways]
            assert kept or any(t == "n" and ref in p_nodes for t, ref in members)
            if kind in ("multipolygon", "boundary"):
                in_file = [ref for t, ref in rels[rid][1] if t == "w" and ref in ways]
                assert set(in_file) <= set(p_ways), rid  # whole, as far as the file has it


def test_no_temporary_file_is_left(cut) -> None:
    *_, (stats, out) = cut
    assert sorted(p.name for p in out.iterdir()) == ["newport.osm.pbf", "ryde.osm.pbf"]
