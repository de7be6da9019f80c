"""Points along lines: the same points, to the bit, as GEOS's ``line_interpolate_point``."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.sites.along import points_along


def _same(lines: np.ndarray, line_of: np.ndarray, dist: np.ndarray) -> bool:
    want = shapely.to_wkb(shapely.line_interpolate_point(lines[line_of], dist))
    return bool((shapely.to_wkb(points_along(lines, line_of, dist)) == want).all())


def _probe(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every 7 m, plus the awkward places: the start, each vertex exactly (a running sum of
    segment lengths), the end, beyond it."""
    lengths = shapely.length(lines)
    n = np.floor(lengths / 7.0).astype(int) + 1
    line_of = np.repeat(np.arange(len(lines)), n)
    dist = (np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)) * 7.0 + 0.5
    xy, owner = shapely.get_coordinates(lines, return_index=True)
    at_vertex = shapely.line_locate_point(lines[owner], shapely.points(xy))
    k = np.arange(len(lines))
    return (np.r_[line_of, owner, k, k, k],
            np.r_[dist, at_vertex, np.zeros(len(k)), lengths, lengths * 2])


def test_island_site_outlines_bit_for_bit(iow_sites):
    outlines = shapely.get_parts(shapely.boundary(
        iow_sites.sites.to_crs(iow_sites.crs).geometry.to_numpy()))
    line_of, dist = _probe(outlines)
    assert len(dist) > 50_000
    assert _same(outlines, line_of, dist)


def test_repeated_vertices_and_one_segment_lines():
    lines = np.array([shapely.LineString([(0, 0), (0, 0), (3, 4), (3, 4), (6, 8)]),
                      shapely.LineString([(1, 1), (2, 1)]),
                      shapely.LineString([(0, 0), (10, 0), (10, 0)])], dtype=object)
    line_of, dist = _probe(lines)
    assert _same(lines, line_of, dist)
    assert points_along(lines, np.array([0]), np.array([5.0]))[0].equals(shapely.Point(3, 4))


def test_no_points():
    lines = np.array([shapely.LineString([(0, 0), (1, 0)])], dtype=object)
    assert len(points_along(lines, np.array([], dtype=int), np.array([]))) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(st.floats(-1e4, 1e4), st.floats(-1e4, 1e4)),
                         min_size=2, max_size=40), min_size=1, max_size=8),
       st.lists(st.floats(0, 3e4), min_size=1, max_size=30))
def test_random_lines(coords, dists):
    lines = np.array([shapely.LineString(c) for c in coords], dtype=object)
    line_of = np.arange(len(dists)) % len(lines)
    assert _same(lines, line_of, np.array(dists))
