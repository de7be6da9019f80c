"""Points at given distances along many lines at once, exactly as GEOS places them.

Why not ``shapely.line_interpolate_point``: GEOS walks each line from its first vertex for
every point, so sampling an outline every 20 m costs (points × vertices); a coastline site
has thousands of both (issue 16: a third of the entrance step on the Isle of Wight). Here
each line is walked once. The arithmetic is GEOS's own (``LengthLocationMap``: running sum
of ``sqrt(dx*dx + dy*dy)`` segment lengths, the first segment whose end lies beyond the
distance, ``(p1 - p0) * fraction + p0``), so the points are bit-for-bit the same
(``tests/test_sites_along.py`` compares them).
"""

from __future__ import annotations

import numpy as np
import shapely


def points_along(lines: np.ndarray, line_of: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """``shapely.line_interpolate_point(lines[line_of], dist)`` for LineStrings (not Multi-)
    and distances ≥ 0 (GEOS counts a negative one back from the end; none is needed here)."""
    if len(dist) == 0:
        return np.empty(0, dtype=object)
    xy, vertex_line = shapely.get_coordinates(lines, return_index=True)
    n_vert = np.bincount(vertex_line, minlength=len(lines))
    first_vert = np.cumsum(n_vert) - n_vert
    seg_from = np.flatnonzero(vertex_line[1:] == vertex_line[:-1])
    d = xy[seg_from + 1] - xy[seg_from]
    seg = np.sqrt(d[:, 0] * d[:, 0] + d[:, 1] * d[:, 1])
    n_seg = np.maximum(n_vert - 1, 0)
    first_seg = np.cumsum(n_seg) - n_seg
    cum = _running_lengths(seg, first_seg, n_seg)
    # Segments of the point's own line ending at or before the distance (searchsorted
    # side='right' per line, done for all lines at once by one sort).
    seg_line = np.repeat(np.arange(len(lines)), n_seg)
    kind = np.r_[np.zeros(len(cum), np.int8), np.ones(len(dist), np.int8)]
    order = np.lexsort((kind, np.r_[cum, dist], np.r_[seg_line, line_of]))
    is_seg = kind[order] == 0
    before = np.empty(len(order), dtype=np.int64)
    before[order] = np.cumsum(is_seg) - is_seg
    local = before[len(cum):] - first_seg[line_of]
    past = local >= n_seg[line_of]
    local = np.minimum(local, np.maximum(n_seg[line_of] - 1, 0))
    at = first_seg[line_of] + local
    prev = np.where(local > 0, cum[np.maximum(at - 1, 0)], 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (dist - prev) / seg[at]
    v0 = first_vert[line_of] + local
    x0, y0, x1, y1 = xy[v0, 0], xy[v0, 1], xy[v0 + 1, 0], xy[v0 + 1, 1]
    x = np.where(frac <= 0, x0, np.where(frac >= 1, x1, (x1 - x0) * frac + x0))
    y = np.where(frac <= 0, y0, np.where(frac >= 1, y1, (y1 - y0) * frac + y0))
    end = first_vert[line_of] + n_vert[line_of] - 1
    x = np.where(past, xy[end, 0], x)
    y = np.where(past, xy[end, 1], y)
    start = dist <= 0
    x = np.where(start, xy[first_vert[line_of], 0], x)
    y = np.where(start, xy[first_vert[line_of], 1], y)
    return shapely.points(np.column_stack([x, y]))


def _running_lengths(seg: np.ndarray, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Each line's running sum of its segment lengths, summed in vertex order like GEOS
    (one cumulative sum over the whole array would not give the same floats). Lines of
    similar size are padded into one block, so a few numpy calls do them all."""
    cum = np.empty_like(seg)
    size = np.ceil(np.log2(np.maximum(count, 1))).astype(int)
    for bucket in np.unique(size[count > 0]):
        rows = np.flatnonzero((size == bucket) & (count > 0))
        cols = np.arange(int(count[rows].max()))
        take = first[rows, None] + cols
        valid = cols < count[rows, None]
        block = np.cumsum(np.where(valid, seg[np.where(valid, take, 0)], 0.0), axis=1)
        cum[take[valid]] = block[valid]
    return cum
