"""Rivers, canals and coast as sites: lines cut into ≤1 km pieces, pieces into bank strips.

Why here and array-wise: the island's 131 blue lines make about 300 pieces; cutting each with
``shapely.ops.substring`` walked its whole line twice per piece and buffered it alone (a
sixth of the sites step, issue 16). Here each line is walked once and all strips are
buffered in one call. The pieces are the very ones ``substring`` gives (same arithmetic,
``tests/test_sites_linear.py`` compares them), so no output changes.
"""

from __future__ import annotations

import math
from itertools import accumulate, pairwise

import numpy as np
import shapely
from shapely.geometry import LineString
from shapely.ops import substring

from ecoplan.settings import osm as osm_cfg
from ecoplan.sites.along import points_along


def cut_pieces(geoms: np.ndarray, max_len: float) -> tuple[np.ndarray, np.ndarray]:
    """Each (multi)line cut into equal pieces of at most ``max_len``: the pieces and, per
    piece, the index of its geometry (parts in order, then pieces along each part)."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    if len(parts) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    lengths = shapely.length(parts)
    plain = (shapely.get_type_id(parts) == 1) & (lengths > 0) & np.isfinite(lengths)
    counts = np.array([max(1, math.ceil(length / max_len)) if ok else 1
                       for length, ok in zip(lengths.tolist(), plain.tolist(), strict=True)],
                      dtype=np.int64)
    part_of = np.repeat(np.arange(len(parts)), counts)
    k = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    step = (lengths / counts)[part_of]
    start, end = k * step, (k + 1) * step
    pieces = np.empty(len(part_of), dtype=object)
    fast = plain[part_of]
    if fast.any():
        pieces[fast] = _substrings(parts, part_of[fast], start[fast], end[fast])
    for i in np.flatnonzero(~fast):  # empty or zero-length lines: what substring gives
        pieces[i] = substring(parts[part_of[i]], start[i], end[i])
    return pieces, owner[part_of]


def _substrings(lines: np.ndarray, line_of: np.ndarray, start: np.ndarray, end: np.ndarray
                ) -> np.ndarray:
    """``substring(lines[i], start, end)`` for 0 ≤ start < end: the point at ``start``, the
    vertices whose running distance (summed as substring sums it) lies strictly between,
    the point at ``end``."""
    first = points_along(lines, line_of, start)
    last = points_along(lines, line_of, end)
    xy, vertex_line = shapely.get_coordinates(lines, return_index=True)
    bounds = np.searchsorted(vertex_line, np.arange(len(lines) + 1))
    run: dict[int, np.ndarray] = {}
    coords, index = [], []
    for i, (line, s, e) in enumerate(zip(line_of.tolist(), start.tolist(), end.tolist(),
                                         strict=True)):
        lo, hi = bounds[line], bounds[line + 1]
        if line not in run:
            pts = xy[lo:hi].tolist()
            run[line] = np.array(list(accumulate(
                (((p2[0] - p1[0]) ** 2 + (p2[1] - p1[1]) ** 2) ** 0.5
                 for p1, p2 in pairwise(pts[:-1])), initial=0)))
        dist = run[line]
        a, b = np.searchsorted(dist, s, side="right"), np.searchsorted(dist, e, side="left")
        inner = xy[lo + a:lo + max(a, b)]
        coords.append(np.vstack([shapely.get_coordinates(first[i]), inner,
                                 shapely.get_coordinates(last[i])]))
        index.append(np.full(len(inner) + 2, i))
    return shapely.linestrings(np.concatenate(coords), indices=np.concatenate(index))


def bank_strips(pieces: np.ndarray, categories: np.ndarray) -> np.ndarray:
    """Coast: a land-side strip (land lies left of natural=coastline); rivers: both banks.

    Near-duplicate vertices and self-overlapping bends make GEOS buffers fail with a
    TopologyException, so each piece is snapped to the grid first and, if GEOS still fails,
    cut at its self-crossings and buffered part by part.
    """
    lines = shapely.set_precision(pieces, osm_cfg.GRID_M)
    out = np.empty(len(lines), dtype=object)
    empty = shapely.is_empty(lines)
    out[empty] = shapely.Polygon()
    coast = np.asarray(categories) == "coast"
    for group in (coast & ~empty, ~coast & ~empty):
        idx = np.flatnonzero(group)
        if len(idx) == 0:
            continue
        try:
            out[idx] = _buffer(lines[idx], np.asarray(categories)[idx])
        except shapely.errors.GEOSException:
            for i in idx:
                out[i] = _strip_one(lines[i], categories[i])
    return out


def _strip_one(line: LineString, category: str):
    try:
        return _buffer(line, category)
    except shapely.errors.GEOSException:
        parts = shapely.get_parts(shapely.node(line))
        return shapely.union_all([_buffer(p, category) for p in parts])


def _buffer(lines, category):
    """Strips of one kind: ``category`` is one name or an array of names all coast or none.
    16 segments per quarter circle: ``BaseGeometry.buffer``'s default, which made the strips
    until now (``shapely.buffer``'s own default is 8)."""
    first = category if isinstance(category, str) else category[0]
    if first == "coast":
        return shapely.buffer(lines, osm_cfg.COAST_STRIP_M, quad_segs=16, single_sided=True,
                              cap_style="flat")
    width = (osm_cfg.BANK_WIDTH_M.get(category, 10.0) if isinstance(category, str) else
             np.array([osm_cfg.BANK_WIDTH_M.get(c, 10.0) for c in category]))
    return shapely.buffer(lines, width, quad_segs=16, cap_style="flat")
