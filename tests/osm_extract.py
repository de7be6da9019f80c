"""Cut real OSM XML fixtures out of the Isle of Wight PBF with pyosmium.

Complete ways (all their nodes) and the multipolygon and boundary relations that use them
(with all their member ways) are kept, as
Geofabrik and ``osmium extract -s complete_ways`` do, so the XML path sees the same data as
the PBF path.
"""

from __future__ import annotations

from pathlib import Path

import osmium


def extract_xml(pbf: Path, out: Path, bbox: tuple[float, float, float, float] | None) -> Path:
    """Write the objects of ``pbf`` touching ``bbox`` (W,S,E,N; None = all) to ``out``."""
    w, s, e, n = bbox if bbox else (-180.0, -90.0, 180.0, 90.0)

    def inside(loc) -> bool:
        return loc.valid() and w <= loc.lon <= e and s <= loc.lat <= n

    class Pass1(osmium.SimpleHandler):
        def __init__(self) -> None:
            super().__init__()
            self.ways: set[int] = set()
            self.nodes: set[int] = set()

        def way(self, way) -> None:
            if any(inside(nd.location) for nd in way.nodes):
                self.ways.add(way.id)
                self.nodes.update(nd.ref for nd in way.nodes)

    p1 = Pass1()
    p1.apply_file(str(pbf), locations=True)

    class Pass2(osmium.SimpleHandler):
        def __init__(self) -> None:
            super().__init__()
            self.rel_ways: set[int] = set()
            self.rels: set[int] = set()

        def relation(self, rel) -> None:
            if rel.tags.get("type") not in ("multipolygon", "boundary"):
                return
            members = [m.ref for m in rel.members if m.type == "w"]
            if any(m in p1.ways for m in members):
                self.rels.add(rel.id)
                self.rel_ways.update(members)

    p2 = Pass2()
    p2.apply_file(str(pbf))
    extra_ways = p2.rel_ways - p1.ways

    class Pass3(osmium.SimpleHandler):
        def way(self, way) -> None:
            if way.id in extra_ways:
                p1.nodes.update(nd.ref for nd in way.nodes)

    if extra_ways:
        Pass3().apply_file(str(pbf))
    ways = p1.ways | extra_ways
    out.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(out))

    class Write(osmium.SimpleHandler):
        def node(self, node) -> None:
            if node.id in p1.nodes or (node.tags and inside(node.location)):
                writer.add_node(node)

        def way(self, way) -> None:
            if way.id in ways:
                writer.add_way(way)

        def relation(self, rel) -> None:
            if rel.id in p2.rels:
                writer.add_relation(rel)

    try:
        Write().apply_file(str(pbf))
    finally:
        writer.close()
    return out
