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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from shapely.geometry import box
from shapely.geometry.base import BaseGeometry

from ecoplan.errors import InputFileError
from ecoplan.settings.need import RESIDENTIAL_LANDUSE
from ecoplan.settings.osm import FEATURE_FILTER

if TYPE_CHECKING:  # osmium itself is imported where used: only the cut needs it
    import osmium
    from osmium.index import IdSet

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

    if len(regions) != len(outputs):
        raise ValueError("one output per region")
    t0 = time.perf_counter()
    src = str(source)
    cells = cell_map(regions)
    areas = _read_area_relations(src)  # read 1
    sel = _Selection.empty(len(regions))
    feats = _Outlines()
    _read_nodes_ways_relations(src, regions, cells, areas, sel, feats)  # read 2
    feats.complete_clusters(areas.site_rels, sel.ways, sel.rels, sel.extra_nodes, sel.any_extra)
    _complete_area_relations(areas, sel)
    counts = _write_partitions(src, outputs, cells, sel)  # read 3
    return CutStats(tuple(c[0] for c in counts), tuple(c[1] for c in counts),
                    tuple(c[2] for c in counts), time.perf_counter() - t0)


def _osm_objects(processor: Iterable[object]) -> Iterator[Any]:
    """Iterate ``processor`` with its objects typed ``Any``.

    pyosmium types every object a FileProcessor yields as the union of all OSM kinds (node,
    way, relation, area, changeset), but the processor's entity selection decides which kinds
    arrive: relations only in read 1, and the reads that take several kinds branch on
    ``is_node()``/``is_way()`` themselves. A cast, not a wrapping generator: no cost per object.
    """
    return cast("Iterator[Any]", iter(processor))


@dataclass
class _AreaRelations:
    """Read 1's result: the area relations (multipolygons, boundaries) and their member ways."""

    member_ways: IdSet  # ways that are members of an area relation
    rels: dict[int, list[int]] = field(default_factory=dict)  # area relation → its member ways
    site_rels: dict[int, list[int]] = field(default_factory=dict)  # … those that can be sites


def _read_area_relations(src: str) -> _AreaRelations:
    """Read 1 (relations only; node and way blocks skipped): which ways are members of area
    relations, so that read 2 finds their nodes."""
    import osmium
    from osmium.index import IdSet

    areas = _AreaRelations(IdSet())
    try:
        for rel in _osm_objects(osmium.FileProcessor(src, osmium.osm.RELATION)):
            if rel.tags.get("type") in AREA_RELATION_TYPES:
                members = [m.ref for m in rel.members if m.type == "w"]
                for ref in members:
                    areas.member_ways.set(ref)
                areas.rels[rel.id] = members
                if is_site_feature(rel.tags):
                    areas.site_rels[rel.id] = members
    except RuntimeError as err:
        raise InputFileError(f"{Path(src).name} is not a readable OSM PBF file ({err})") from err
    return areas


#: An extent in degrees: west, south, east, north.
_Extent = tuple[float, float, float, float]


@dataclass
class _Selection:
    """Read 2's result: what each partition ``k`` gets."""

    ways: list[IdSet]
    extra_nodes: list[IdSet]  # nodes outside the region, to complete ways
    any_extra: IdSet  # … in any partition
    rels: list[IdSet]
    # area-relation member way → its node ids and the partitions of each node's cell
    member_refs: dict[int, tuple[list[int], list[tuple[int, ...]]]] = field(
        default_factory=dict)
    member_box: dict[int, _Extent] = field(default_factory=dict)  # … and its extent

    @classmethod
    def empty(cls, n: int) -> _Selection:
        from osmium.index import IdSet

        return cls([IdSet() for _ in range(n)], [IdSet() for _ in range(n)], IdSet(),
                   [IdSet() for _ in range(n)])

    def add_way(self, way_id: int, refs: list[int], ref_parts: list[tuple[int, ...]],
                k: int) -> None:
        """Put a way into partition ``k`` with all its nodes (see :func:`_add_way`)."""
        _add_way(way_id, refs, ref_parts, k, self.ways, self.extra_nodes, self.any_extra)


def _read_nodes_ways_relations(src: str, regions: Sequence[BaseGeometry],
                               cells: dict[tuple[int, int], tuple[int, ...]],
                               areas: _AreaRelations, sel: _Selection,
                               feats: _Outlines) -> None:
    """Read 2 (nodes with locations, ways, relations): node cells → ways per partition, their
    nodes; relations per partition; site outlines into ``feats``."""
    import osmium
    from shapely.prepared import prep

    fast = [prep(r) for r in regions]
    fp = osmium.FileProcessor(src, osmium.osm.NODE | osmium.osm.WAY | osmium.osm.RELATION)
    for obj in _osm_objects(fp.with_locations()):
        if obj.is_node():
            continue
        if obj.is_way():
            _select_way(obj, cells, fast, areas, sel, feats)
        else:
            _select_relation(obj, fast, sel)


class _WayNodes(NamedTuple):
    """A way's nodes as read 2 sees them."""

    refs: list[int]  # node ids
    ref_parts: list[tuple[int, ...]]  # partitions of each node's cell (() without location)
    lons: list[float]  # coordinates of the nodes with a location
    lats: list[float]
    parts: set[int]  # every partition one of its nodes lies in


def _way_nodes(way: osmium.osm.Way, cells: dict[tuple[int, int], tuple[int, ...]]) -> _WayNodes:
    """A way's node ids, locations and the partitions of their grid cells."""
    key = _cell_key
    nodes = _WayNodes([], [], [], [], set())
    for nd in way.nodes:
        nodes.refs.append(nd.ref)
        loc = nd.location
        if loc.valid():
            nodes.lons.append(loc.lon)
            nodes.lats.append(loc.lat)
            here = cells.get(key(loc.lon, loc.lat), ())
            nodes.parts.update(here)
            nodes.ref_parts.append(here)
        else:
            nodes.ref_parts.append(())
    return nodes


def _select_way(way: osmium.osm.Way, cells: dict[tuple[int, int], tuple[int, ...]],
                fast: list, areas: _AreaRelations, sel: _Selection, feats: _Outlines) -> None:
    """Give a way to every partition one of its nodes lies in (and, closed, those it may
    cover); remember it if an area relation needs it, and its outline if it can be a site."""
    refs, ref_parts, lons, lats, parts = _way_nodes(way, cells)
    ext = (min(lons), min(lats), max(lons), max(lats)) if lons else None
    if way.id in areas.member_ways:
        sel.member_refs[way.id] = (refs, ref_parts)
        if ext is not None:
            sel.member_box[way.id] = ext
    closed = len(refs) > 3 and refs[0] == refs[-1]
    if closed:  # an area: it may cover the region
        parts.update(_covering(ext, fast, parts))
    if len(lons) > 1 and (way.id in areas.member_ways
                          or (closed and is_site_feature(way.tags))):
        feats.add(way.id, refs, ref_parts, lons, lats)
    for k in parts:
        sel.add_way(way.id, refs, ref_parts, k)


def _select_relation(rel: osmium.osm.Relation, fast: list, sel: _Selection) -> None:
    """Give a relation to the partitions of its members (see :func:`_relation_parts`); an area
    relation goes whole, with all its member ways."""
    whole = rel.tags.get("type") in AREA_RELATION_TYPES
    for k in _relation_parts(rel, whole, fast, sel):
        sel.rels[k].set(rel.id)
        if whole:
            for m in rel.members:
                if m.type == "w" and m.ref in sel.member_refs:
                    sel.add_way(m.ref, *sel.member_refs[m.ref], k)


def _relation_parts(rel: osmium.osm.Relation, whole: bool, fast: list,
                    sel: _Selection) -> set[int]:
    """Partitions holding one of a relation's member ways or (extra) nodes, plus, for an area
    relation (``whole``), those its member ways' joint extent may cover."""
    n = len(sel.ways)
    rparts: set[int] = set()
    boxes: list[_Extent] = []
    for m in rel.members:
        if m.type == "w":
            rparts.update(k for k in range(n) if m.ref in sel.ways[k])
            member_box = sel.member_box.get(m.ref) if whole else None
            if member_box:
                boxes.append(member_box)
        elif m.type == "n":
            rparts.update(k for k in range(n) if m.ref in sel.extra_nodes[k])
    if boxes:
        ext = (min(b[0] for b in boxes), min(b[1] for b in boxes),
               max(b[2] for b in boxes), max(b[3] for b in boxes))
        rparts.update(_covering(ext, fast, rparts))
    return rparts


def _complete_area_relations(areas: _AreaRelations, sel: _Selection) -> None:
    """Every area relation a partition holds, whole: all its member ways (and their nodes)."""
    for k in range(len(sel.ways)):
        for rid, members in areas.rels.items():
            if rid in sel.rels[k]:
                for ref in members:
                    if ref in sel.member_refs and ref not in sel.ways[k]:
                        sel.add_way(ref, *sel.member_refs[ref], k)


def _write_partitions(src: str, outputs: Sequence[str | os.PathLike],
                      cells: dict[tuple[int, int], tuple[int, ...]],
                      sel: _Selection) -> list[list[int]]:
    """Read 3: write each partition's objects to a temporary file, renamed to its output when
    complete; nodes, ways and relations written per partition."""
    import osmium

    from ecoplan.io import atomic_paths

    with atomic_paths([Path(o) for o in outputs]) as tmp:
        writers = [osmium.SimpleWriter(str(t), overwrite=True) for t in tmp]
        try:
            counts = _write_objects(src, writers, cells, sel)
        finally:
            for w in writers:
                w.close()
    return counts


def _write_objects(src: str, writers: list[osmium.SimpleWriter],
                   cells: dict[tuple[int, int], tuple[int, ...]],
                   sel: _Selection) -> list[list[int]]:
    """Read everything once and hand every object to the writer of every partition that needs
    it: a node by its cell (and as an extra node), a way or relation if selected."""
    import osmium

    n = len(writers)
    key = _cell_key
    ways, rels, extra_nodes, any_extra = sel.ways, sel.rels, sel.extra_nodes, sel.any_extra
    counts = [[0, 0, 0] for _ in range(n)]
    for obj in _osm_objects(osmium.FileProcessor(src)):
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
    return counts


def is_site_feature(tags) -> bool:
    """Tags that can make a site polygon (the keys :mod:`ecoplan.sites` builds areas from)."""
    for key in SITE_KEYS:
        value = tags.get(key)
        if key == "landuse" and value in RESIDENTIAL_LANDUSE:
            continue  # read for origins, never a site: towns would chain clusters together
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
