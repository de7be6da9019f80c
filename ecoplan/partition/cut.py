"""Cut one ``.osm.pbf`` into one smaller PBF per partition, all partitions in one sweep.

Why not ``pyrosm`` with a bounding box per partition: that re-reads (and re-decodes) the whole
file once per partition. Here the file is read three times in all, whatever the number of
partitions — relations only (cheap: node and way blocks are skipped), then nodes and ways to
decide what each partition needs, then everything to write it — and every object goes to every
partition that needs it.

What a partition gets (osmium's "smart" strategy, plus large areas): every node inside its
region, every way with at least one node inside, complete (all its nodes, also those outside),
every relation with a member inside, and multipolygon/boundary relations complete (all member
ways and their nodes) so an area feature crossing the edge keeps its real size; closed ways and
area relations larger than a grid cell whose extent touches the region are kept too, since
they can reach into it with every node outside (their edge counts for straight-line
distances). The region is rounded out to a
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
from ecoplan.settings.osm import FEATURE_FILTER

#: Grid cell (degrees) used to test whether a node lies in a region: a dictionary lookup per
#: node instead of a point-in-polygon test. 0.01° ≈ 1.1 km north–south, 0.7 km east–west at
#: 50° N, a small rounding next to a 10 km buffer.
CELL_DEG = 0.01

#: Relation types whose member ways are all kept, so the area they outline is whole.
AREA_RELATION_TYPES = frozenset({"multipolygon", "boundary"})

#: Keys whose areas can become sites (values as in ``settings.osm.FEATURE_FILTER``).
SITE_KEYS = ("leisure", "landuse", "natural", "waterway")


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
    from shapely.prepared import prep

    if len(regions) != len(outputs):
        raise ValueError("one output per region")
    t0 = time.perf_counter()
    src = str(source)
    n = len(regions)
    cells = cell_map(regions)
    # read 1: which ways are members of area relations (their nodes must be found in read 2)
    area_members: IdSet = IdSet()
    area_rels: dict[int, list[int]] = {}  # area relation → its member ways
    site_rels: dict[int, list[int]] = {}  # … those that can be sites
    try:
        for rel in osmium.FileProcessor(src, osmium.osm.RELATION):
            if rel.tags.get("type") in AREA_RELATION_TYPES:
                members = [m.ref for m in rel.members if m.type == "w"]
                for ref in members:
                    area_members.set(ref)
                area_rels[rel.id] = members
                if is_site_feature(rel.tags):
                    site_rels[rel.id] = members
    except RuntimeError as err:
        raise InputFileError(f"{Path(src).name} is not a readable OSM PBF file ({err})") from err

    # read 2: node cells → ways per partition, their nodes; relations per partition
    ways = [IdSet() for _ in range(n)]
    extra_nodes = [IdSet() for _ in range(n)]  # nodes outside the region, to complete ways
    any_extra = IdSet()
    rels = [IdSet() for _ in range(n)]
    # area-relation member way → its node ids and the partitions of each node's cell
    member_refs: dict[int, tuple[list[int], list[tuple[int, ...]]]] = {}
    member_box: dict[int, tuple[float, float, float, float]] = {}  # … and its extent
    fast = [prep(r) for r in regions]
    feats = _Outlines()
    key = _cell_key
    fp = osmium.FileProcessor(src, osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
    for obj in fp.with_locations():
        if obj.is_node():
            continue
        if obj.is_way():
            refs: list[int] = []
            ref_parts: list[tuple[int, ...]] = []
            lons: list[float] = []
            lats: list[float] = []
            parts: set[int] = set()
            for nd in obj.nodes:
                refs.append(nd.ref)
                loc = nd.location
                if loc.valid():
                    lons.append(loc.lon)
                    lats.append(loc.lat)
                    here = cells.get(key(loc.lon, loc.lat), ())
                    parts.update(here)
                    ref_parts.append(here)
                else:
                    ref_parts.append(())
            ext = (min(lons), min(lats), max(lons), max(lats)) if lons else None
            if obj.id in area_members:
                member_refs[obj.id] = (refs, ref_parts)
                member_box[obj.id] = ext
            closed = len(refs) > 3 and refs[0] == refs[-1]
            if closed:  # an area: it may cover the region
                parts.update(_covering(ext, fast, parts))
            if len(lons) > 1 and (obj.id in area_members
                                  or (closed and is_site_feature(obj.tags))):
                feats.add(obj.id, refs, ref_parts, lons, lats)
            for k in parts:
                _add_way(obj.id, refs, ref_parts, k, ways, extra_nodes, any_extra)
            continue
        whole = obj.tags.get("type") in AREA_RELATION_TYPES
        rparts = set()
        boxes = []
        for m in obj.members:
            if m.type == "w":
                rparts.update(k for k in range(n) if m.ref in ways[k])
                if whole and member_box.get(m.ref):
                    boxes.append(member_box[m.ref])
            elif m.type == "n":
                rparts.update(k for k in range(n) if m.ref in extra_nodes[k])
        if boxes:
            ext = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                   max(b[2] for b in boxes), max(b[3] for b in boxes))
            rparts.update(_covering(ext, fast, rparts))
        for k in rparts:
            rels[k].set(obj.id)
            if whole:
                for m in obj.members:
                    if m.type == "w" and m.ref in member_refs:
                        _add_way(m.ref, *member_refs[m.ref], k, ways, extra_nodes,
                                 any_extra)

    feats.complete_clusters(site_rels, ways, rels, extra_nodes, any_extra)
    for k in range(n):  # every area relation a partition holds, whole
        for rid, members in area_rels.items():
            if rid in rels[k]:
                for ref in members:
                    if ref in member_refs and ref not in ways[k]:
                        _add_way(ref, *member_refs[ref], k, ways, extra_nodes, any_extra)

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


def is_site_feature(tags) -> bool:
    """Tags that can make a site polygon (the keys :mod:`ecoplan.sites` builds areas from)."""
    for key in SITE_KEYS:
        value = tags.get(key)
        if value is not None and value != "coastline":
            allowed = FEATURE_FILTER.get(key)
            if allowed is True or (isinstance(allowed, list) and value in allowed):
                return True
    return False


class _Outlines:
    """Outlines of site-feature areas, to keep touching clusters whole.

    Why: touching or overlapping green polygons are dissolved into one site, whose size the
    standards test (ANGSt: 500 ha). A cluster reaching beyond the buffer would otherwise be
    cut short (measured on the Isle of Wight: a 518 ha site seen as 361 ha). Outlines, not
    filled areas, are compared: a polygon wholly inside another changes nothing.
    """

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.refs: list[list[int]] = []
        self.ref_parts: list[list[tuple[int, ...]]] = []
        self.lines: list = []

    def add(self, way_id: int, refs: list[int], ref_parts: list[tuple[int, ...]],
            lons: list[float], lats: list[float]) -> None:
        from shapely import linestrings

        self.ids.append(way_id)
        self.refs.append(refs)
        self.ref_parts.append(ref_parts)
        self.lines.append(linestrings(lons, lats))

    def complete_clusters(self, site_rels: dict[int, list[int]], ways, rels, extra_nodes,
                          any_extra) -> None:
        """Give each partition every way and relation of each cluster it touches."""
        import numpy as np
        import shapely
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        n_ways = len(self.ids)
        if n_ways == 0:
            return
        geoms = np.array(self.lines, dtype=object)
        left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
        pos = {w: i for i, w in enumerate(self.ids)}
        rel_ids = list(site_rels)
        rl, rr = [], []  # a relation is a node of the graph joined to its member ways
        for j, rid in enumerate(rel_ids):
            for ref in site_rels[rid]:
                if ref in pos:
                    rl.append(n_ways + j)
                    rr.append(pos[ref])
        size = n_ways + len(rel_ids)
        graph = coo_matrix((np.ones(len(left) + len(rl)),
                            (np.concatenate([left, rl]).astype(int),
                             np.concatenate([right, rr]).astype(int))), shape=(size, size))
        _, label = connected_components(graph, directed=False)
        members: dict[int, list[int]] = {}
        for i, lab in enumerate(label):
            members.setdefault(int(lab), []).append(i)
        for k in range(len(ways)):
            touched = {int(label[i]) for i, w in enumerate(self.ids) if w in ways[k]}
            touched |= {int(label[n_ways + j]) for j, rid in enumerate(rel_ids)
                        if rid in rels[k]}
            for lab in touched:
                for i in members[lab]:
                    if i < n_ways:
                        _add_way(self.ids[i], self.refs[i], self.ref_parts[i], k, ways,
                                 extra_nodes, any_extra)
                    else:
                        rels[k].set(rel_ids[i - n_ways])


def _covering(ext: tuple[float, float, float, float] | None, regions: list,
              already: set[int]) -> list[int]:
    """Regions an area larger than a grid cell may overlap with none of its nodes inside (a
    big wood around a town): tested on its extent, so never missed, sometimes kept needlessly."""
    if ext is None or (ext[2] - ext[0] < CELL_DEG and ext[3] - ext[1] < CELL_DEG):
        return []
    shape = box(*ext)
    return [k for k, r in enumerate(regions) if k not in already and r.intersects(shape)]


def _cell_key(lon: float, lat: float) -> tuple[int, int]:
    return (math.floor(lon / CELL_DEG), math.floor(lat / CELL_DEG))


def _add_way(way_id: int, refs: list[int], ref_parts: list[tuple[int, ...]], k: int, ways,
             extra_nodes, any_extra) -> None:
    """Put a way into partition ``k`` with all its nodes: those in ``k``'s cells are written
    anyway, the others (beyond the region) are remembered — few, so writing stays one lookup
    per node whatever the number of partitions."""
    ways[k].set(way_id)
    for r, here in zip(refs, ref_parts, strict=True):
        if k not in here:
            extra_nodes[k].set(r)
            any_extra.set(r)


__all__ = ["AREA_RELATION_TYPES", "CELL_DEG", "CutStats", "cell_map", "cut_pbf"]
