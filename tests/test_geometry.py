"""Valid geometry in every CRS: repair, one dimension per row, grid snapping."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import GeometryCollection, LineString, Point, Polygon

from ecoplan.geometry import clean_frame, clean_geometries, estimate_utm, grid_size
from ecoplan.settings import osm as cfg


def test_grid_follows_the_crs_units():
    assert grid_size("EPSG:4326") == cfg.GRID_DEG
    assert grid_size("EPSG:27700") == cfg.GRID_M
    assert grid_size(None) == cfg.GRID_DEG


def test_bow_tie_becomes_a_valid_polygon_of_the_same_area():
    bowtie = Polygon([(0, 0), (100, 100), (100, 0), (0, 100)])
    assert not bowtie.is_valid
    out = clean_geometries([bowtie], cfg.GRID_M)[0]
    assert out.is_valid and out.geom_type == "MultiPolygon"
    assert out.area == pytest.approx(5000.0)


def test_collection_left_by_a_difference_keeps_only_its_polygon():
    coll = GeometryCollection([Polygon([(0, 0), (10, 0), (10, 10), (0, 10)]), Point(20, 20),
                               LineString([(30, 30), (40, 40)])])
    out = clean_geometries([coll], cfg.GRID_M)[0]
    assert out.geom_type == "Polygon" and out.area == pytest.approx(100.0)


def test_each_row_keeps_its_dimension_and_missing_stays_missing():
    rows = [Point(1.000000049, 2.0), LineString([(0, 0), (1, 1)]), None,
            Polygon([(0, 0), (1, 0), (1, 1)])]
    out = clean_geometries(rows, 1e-7)
    assert [g.geom_type if g is not None else None for g in out] == [
        "Point", "LineString", None, "Polygon"]
    assert out[0].x == pytest.approx(1.0, abs=1e-12)  # snapped to the grid


def test_sliver_thinner_than_the_grid_vanishes_not_crashes():
    sliver = Polygon([(0, 0), (100, 0), (100, 0.001), (0, 0.001)])
    out = clean_geometries([sliver], cfg.GRID_M)[0]
    assert out.is_empty and out.geom_type == "Polygon"


def test_near_touching_vertex_that_breaks_on_reprojection_is_fixed():
    # A ring whose vertex lies 1 nm from its opposite edge: valid in metres, invalid after a
    # round trip through lon/lat. Snapped, the vertex lands on the edge: two valid parts.
    e, n = 442_000.0, 91_000.0
    ring = Polygon([(e, n), (e + 100, n), (e + 100, n + 50), (e + 50, n + 1e-9),
                    (e, n + 50)])
    assert ring.is_valid
    assert not gpd.GeoSeries([ring], crs=27700).to_crs(4326).to_crs(27700).is_valid.all()
    out = clean_geometries([ring], cfg.GRID_M)[0]
    assert out.is_valid and out.area == pytest.approx(ring.area, abs=1.0)
    assert shapely.minimum_clearance(out) >= cfg.GRID_M / 2
    back = gpd.GeoSeries([out], crs=27700).to_crs(4326).to_crs(27700)
    assert back.is_valid.all()


def test_clean_frame_keeps_columns_and_crs():
    gdf = gpd.GeoDataFrame({"a": [1, 2]}, geometry=[Point(0.123456789, 50.0), None],
                           crs=4326)
    out = clean_frame(gdf)
    assert list(out.columns) == ["a", "geometry"] and out.crs == gdf.crs
    assert out.geometry.iloc[0].x == pytest.approx(0.1234568, abs=1e-12)
    assert out.geometry.iloc[1] is None


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=4, max_size=12),
       st.lists(st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=3, max_size=8))
def test_any_scribbled_polygon_is_valid_in_both_crs_after_cleaning(pts, other):
    # Self-crossing rings in metres near the Isle of Wight, alone and cut by another ring
    # (what bank strips go through), then written in lon/lat and reprojected back.
    e, n = 445_000.0, 90_000.0
    a = shapely.make_valid(Polygon([(e + x, n + y) for x, y in pts]))
    b = shapely.make_valid(Polygon([(e + x, n + y) for x, y in other]))
    raw = [Polygon([(e + x, n + y) for x, y in pts]), a.difference(b), a.union(b)]
    raw = [g for g in raw if shapely.get_dimensions(g) == 2]  # polygons in, polygons out
    out = clean_geometries(raw, cfg.GRID_M)
    assert shapely.is_valid(out).all()
    assert (shapely.get_dimensions(out)[~shapely.is_empty(out)] == 2).all()
    wgs = gpd.GeoSeries(out, crs=27700).to_crs(4326)
    assert wgs.is_valid.all()
    again = gpd.GeoSeries(clean_geometries(wgs.to_numpy(), cfg.GRID_DEG), crs=4326)
    assert again.is_valid.all() and again.to_crs(27700).is_valid.all()
    gpd.GeoSeries(again.to_crs(27700)).union_all()  # no TopologyException
    # Snapping moves each vertex by under a grid cell (≤ 1 cm): area changes by < perimeter × 1 cm.
    moved = np.abs(again.to_crs(27700).area.to_numpy() - shapely.area(out))
    assert (moved <= shapely.length(out) * 0.01 + 1e-6).all()


def test_estimate_utm_is_geopandas_answer_computed() -> None:
    rng = np.random.default_rng(16)
    for _ in range(60):  # geopandas takes ~0.1 s per answer
        lon, lat = rng.uniform(-180, 180, 2), rng.uniform(-79, 83, 2)
        g = gpd.GeoSeries(shapely.points(np.column_stack([lon, lat])), crs=4326)
        assert estimate_utm(g) == str(g.estimate_utm_crs())
    # a centre on a zone edge or the equator, and a projected layer: geopandas decides
    for pts in ([(5.9, 50.0), (6.1, 50.0)], [(1.0, -0.5), (1.0, 0.5)]):
        g = gpd.GeoSeries([Point(p) for p in pts], crs=4326)
        assert estimate_utm(g) == str(g.estimate_utm_crs())
    g = gpd.GeoSeries([Point(-1.3, 50.7)], crs=4326).to_crs(27700)
    assert estimate_utm(g) == "EPSG:32630"


def test_cleaned_shapes_behave_the_same_after_pickling():
    # set_precision attaches its grid to a geometry and later operations snap to it, but a
    # pickle (a forked step, a cache) drops it: the cleaned copies carry none, so an
    # intersection gives the same point before and after (issue 16: entrances moved by
    # millimetres between forked and sequential runs).
    import pickle

    square = clean_geometries([Polygon([(0, 0), (10, 0), (10, 10), (0, 10)])], 0.01)[0]
    path = LineString([(-1, 3.3333333), (11, 3.3377777)])
    here = shapely.intersection(square.boundary, path)
    there = shapely.intersection(pickle.loads(pickle.dumps(square)).boundary, path)
    assert shapely.get_coordinates(here).tolist() == shapely.get_coordinates(there).tolist()
    # the point is where the path meets the outline, not a grid node
    assert abs(shapely.get_coordinates(here)[0, 1] - 3.3333333 - 0.0044444 / 12) < 1e-9
