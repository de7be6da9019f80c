"""Boundary reading: real ONS LSOAs, BNG shapefiles/zips, broken polygons, bad files."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point, Polygon

from ecoplan.errors import InputFileError
from ecoplan.need.boundaries import read_boundaries
from ecoplan.settings.paths import shared_data_dir

IOW = shared_data_dir() / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"


@pytest.fixture(scope="module")
def iow() -> gpd.GeoDataFrame:
    if not IOW.exists():
        pytest.skip("shared boundaries not present")
    return gpd.read_file(IOW)


def test_real_iow_boundaries(iow: gpd.GeoDataFrame) -> None:
    b = read_boundaries(IOW)
    assert len(b.areas) == 89
    assert b.code_column == "LSOA11CD" and b.vintage == "2011"
    assert b.areas.crs.to_epsg() == 4326
    assert list(b.areas.columns) == ["area_code", "area_name", "geometry"]
    assert b.areas["area_name"].str.startswith("Isle of Wight").all()
    assert b.n_fixed == 0


def test_bng_shapefile_zip_and_gpkg_come_back_in_lonlat(iow: gpd.GeoDataFrame, tmp_path) -> None:
    bng = iow[["LSOA11CD", "LSOA11NM", "geometry"]].to_crs(27700)
    shp = tmp_path / "lsoa.shp"
    bng.to_file(shp)
    zpath = tmp_path / "lsoa.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for part in tmp_path.glob("lsoa.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    gpkg = tmp_path / "lsoa.gpkg"
    bng.to_file(gpkg, driver="GPKG")
    ref = read_boundaries(IOW).areas.set_index("area_code")
    for path in (shp, zpath, gpkg):
        b = read_boundaries(path)
        assert b.source_crs == "EPSG:27700"
        assert len(b.areas) == 89
        got = b.areas.set_index("area_code").loc[ref.index]
        # Round trip through BNG moves vertices by far less than a metre (1e-5 deg ≈ 1 m).
        assert shapely.hausdorff_distance(got.geometry.array, ref.geometry.array).max() < 1e-5


def test_self_intersecting_polygon_is_repaired() -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    ok = Polygon([(2, 0), (3, 0), (3, 1), (2, 1)])
    assert not bowtie.is_valid
    gdf = gpd.GeoDataFrame({"LSOA21CD": ["E01000001", "E01000002"]},
                           geometry=[bowtie, ok], crs=4326)
    b = read_boundaries(gdf)
    assert b.n_fixed == 1
    assert any("repaired" in w for w in b.warnings)
    assert b.areas.geometry.is_valid.all()
    assert b.areas.geometry.iloc[0].area == pytest.approx(0.5)
    assert b.vintage == "2021"


def test_user_named_id_column_and_missing_one() -> None:
    gdf = gpd.GeoDataFrame({"zone": ["Z1", "Z2"], "label": ["a", "b"]},
                           geometry=[Point(0, 0).buffer(1), Point(5, 0).buffer(1)], crs=4326)
    with pytest.raises(InputFileError, match="id column"):
        read_boundaries(gdf)
    b = read_boundaries(gdf, id_column="ZONE", name_column="label")
    assert b.areas["area_code"].tolist() == ["Z1", "Z2"]
    assert b.areas["area_name"].tolist() == ["a", "b"]
    with pytest.raises(InputFileError, match="no column 'nope'"):
        read_boundaries(gdf, id_column="nope")


def test_codes_detected_by_value_and_duplicates_dissolved() -> None:
    gdf = gpd.GeoDataFrame({"whatever": ["E01000001", "E01000001", "E01000002"]},
                           geometry=[Point(0, 0).buffer(1), Point(3, 0).buffer(1),
                                     Point(9, 0).buffer(1)], crs=4326)
    b = read_boundaries(gdf)
    assert b.code_column == "whatever"
    assert len(b.areas) == 2
    assert b.areas.set_index("area_code").geometry["E01000001"].geom_type == "MultiPolygon"
    assert any("merged" in w for w in b.warnings)


def test_no_crs(tmp_path) -> None:
    lonlat = gpd.GeoDataFrame({"code": ["A"]}, geometry=[Point(-1.3, 50.7).buffer(0.01)])
    b = read_boundaries(lonlat)
    assert b.areas.crs.to_epsg() == 4326 and any("assumed" in w for w in b.warnings)
    metres = gpd.GeoDataFrame({"code": ["A"]}, geometry=[Point(450000, 90000).buffer(100)])
    with pytest.raises(InputFileError, match="no CRS"):
        read_boundaries(metres)
    b = read_boundaries(metres, assume_crs="EPSG:27700")
    assert -1.4 < b.areas.geometry.iloc[0].centroid.x < -1.2


def test_empty_corrupt_and_wrong_geometry(tmp_path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        read_boundaries(empty)
    corrupt = tmp_path / "bad.geojson"
    corrupt.write_text('{"type": "FeatureCollection", "features": [ {"type": ')
    with pytest.raises(InputFileError, match="could not be read"):
        read_boundaries(corrupt)
    nofeat = tmp_path / "none.geojson"
    nofeat.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputFileError, match="no features"):
        read_boundaries(nofeat)
    pts = gpd.GeoDataFrame({"code": ["A"]}, geometry=[Point(0, 0)], crs=4326)
    with pytest.raises(InputFileError, match="no polygons"):
        read_boundaries(pts)
    with pytest.raises(InputFileError, match="not found"):
        read_boundaries(tmp_path / "missing.gpkg")
