"""Cut one ``.osm.pbf`` into one smaller PBF per partition, all partitions in one sweep.

Why not ``pyrosm`` with a bounding box per partition: that re-reads (and re-decodes) the whole
file once per partition. Here the file is read three times in all, whatever the number of
partitions — relations only (cheap: node and way blocks are skipped), then nodes and ways to
decide what each partition needs, then everything to write it — and every object goes to every
partition that needs it.

What a partition gets (osmium's "smart" strategy): every node inside its region, every way
with at least one node inside, complete (all its nodes, also those outside), every relation
with a member inside, and multipolygon/boundary relations complete (all member ways and their
nodes) so an area feature crossing the edge keeps its real size. The region is rounded out to a
grid of :data:`CELL_DEG` cells, so a partition may get a little more than asked, never less.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ecoplan.errors import InputFileError

#: Grid cell (degrees) used to test whether a node lies in a region: a dictionary lookup per
#: node instead of a point-in-polygon test. 0.01° ≈ 1.1 km north–south, 0.7 km east–west at
#: 50° N, a small rounding next to a 10 km buffer.
CELL_DEG = 0.01

#: Relation types whose member ways are all kept, so the area they outline is whole.
AREA_RELATION_TYPES = frozenset({"multipolygon", "boundary"})


@dataclass(frozen=True)
class CutStats:
    """What the cut wrote: objects per partition and the seconds it took."""

    nodes: tuple[int, ...]
    ways: tuple[int, ...]
    relations: tuple[int, ...]
    seconds: float


def cell_map(regions: Sequence[BaseGeometry]) -> dict[tuple[int, int], tuple[int, ...]]:
    """Grid cell → indices of the regions that touch it (EPSG:4326 regions)."""
    from shapely.prepared import prep

    cells: dict[tuple[int, int], list[int]] = {}
    for k, region in enumerate(regions):
        if region is None or region.is_empty:
            continue
        w, s, e, n = region.bounds
        fast = prep(region)
        for ix in range(math.floor(w / CELL_DEG), math.floor(e / CELL_DEG) + 1):
            for iy in range(math.floor(s / CELL_DEG), math.floor(n / CELL_DEG) + 1):
                cell = box(ix * CELL_DEG, iy * CELL_DEG, (ix + 1) * CELL_DEG,
                           (iy + 1) * CELL_DEG)
                if fast.intersects(cell):
                    cells.setdefault((ix, iy), []).append(k)
    return {c: tuple(ks) for c, ks in cells.items()}


def cut_pbf(source: str | os.PathLike, regions: Sequence[BaseGeometry],
            outputs: Sequence[str | os.PathLike]) -> CutStats:
    """Write ``outputs[k]``: the data of ``source`` for ``regions[k]`` (see module docstring).

    Each output is written under a temporary name and renamed when complete, so a killed cut
    never leaves a file that looks finished.
    """
    import time

    import osmium
    from osmium.index import IdSet

    if len(regions) != len(outputs):
        raise ValueError("one output per region")
    t0 = time.perf_counter()
    src = str(source)
    n = len(regions)
    cells = cell_map(regions)
    # read 1: which ways are members of area relations (their nodes must be found in read 2)
    area_members: IdSet = IdSet()
    try:
        for rel in osmium.FileProcessor(src, osmium.osm.RELATION):
            if rel.tags.get("type") in AREA_RELATION_TYPES:
                for m in rel.members:
                    if m.type == "w":
                        area_members.set(m.ref)
    except RuntimeError as err:
        raise InputFileError(f"{Path(src).name} is not a readable OSM PBF file ({err})") from err

    # read 2: node cells → ways per partition, their nodes; relations per partition
    ways = [IdSet() for _ in range(n)]
    extra_nodes = [IdSet() for _ in range(n)]  # nodes outside the region, to complete ways
    any_extra = IdSet()
    rels = [IdSet() for _ in range(n)]
    member_refs: dict[int, list[int]] = {}  # area-relation member way → its node ids
    key = _cell_key
    fp = osmium.FileProcessor(src, osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
    for obj in fp.with_locations():
        if obj.is_node():
            continue
        if obj.is_way():
            refs: list[int] = []
            parts: set[int] = set()
            for nd in obj.nodes:
                refs.append(nd.ref)
                loc = nd.location
                if loc.valid():
                    parts.update(cells.get(key(loc.lon, loc.lat), ()))
            if obj.id in area_members:
                member_refs[obj.id] = refs
            for k in parts:
                _add_way(obj.id, refs, k, ways, extra_nodes, any_extra)
            continue
        rparts = set()
        for m in obj.members:
            if m.type == "w":
                rparts.update(k for k in range(n) if m.ref in ways[k])
            elif m.type == "n":
                rparts.update(k for k in range(n) if m.ref in extra_nodes[k])
        whole = obj.tags.get("type") in AREA_RELATION_TYPES
        for k in rparts:
            rels[k].set(obj.id)
            if whole:
                for m in obj.members:
                    if m.type == "w" and m.ref in member_refs:
                        _add_way(m.ref, member_refs[m.ref], k, ways, extra_nodes, any_extra)

    # read 3: write every object to every partition that needs it
    tmp = [Path(o).with_name(f"tmp-{Path(o).name}") for o in outputs]
    writers = [osmium.SimpleWriter(str(t), overwrite=True) for t in tmp]
    counts = [[0, 0, 0] for _ in range(n)]
    try:
        for obj in osmium.FileProcessor(src):
            if obj.is_node():
                loc = obj.location
                targets = set(cells.get(key(loc.lon, loc.lat), ())) if loc.valid() else set()
                if obj.id in any_extra:
                    targets.update(k for k in range(n) if obj.id in extra_nodes[k])
                for k in targets:
                    writers[k].add_node(obj)
                    counts[k][0] += 1
            elif obj.is_way():
                for k in range(n):
                    if obj.id in ways[k]:
                        writers[k].add_way(obj)
                        counts[k][1] += 1
            elif obj.is_relation():
                for k in range(n):
                    if obj.id in rels[k]:
                        writers[k].add_relation(obj)
                        counts[k][2] += 1
    finally:
        for w in writers:
            w.close()
    for t, o in zip(tmp, outputs, strict=True):
        os.replace(t, o)
    return CutStats(tuple(c[0] for c in counts), tuple(c[1] for c in counts),
                    tuple(c[2] for c in counts), time.perf_counter() - t0)


def _cell_key(lon: float, lat: float) -> tuple[int, int]:
    return (math.floor(lon / CELL_DEG), math.floor(lat / CELL_DEG))


def _add_way(way_id: int, refs: list[int], k: int, ways, extra_nodes, any_extra) -> None:
    """Put a way and all its nodes (also those beyond the region's cells) into partition k."""
    ways[k].set(way_id)
    for r in refs:
        extra_nodes[k].set(r)
        any_extra.set(r)


__all__ = ["AREA_RELATION_TYPES", "CELL_DEG", "CutStats", "cell_map", "cut_pbf"]
