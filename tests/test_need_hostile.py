"""Areas and need from careless or hostile files: a projected GeoJSON without its CRS, an IoD or
population file for another place, and counts that are infinite or negative."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from fixtures_mirror import require_shared
from shapely.geometry import box

from ecoplan.errors import InputFileError
from ecoplan.need.areas import build_areas
from ecoplan.need.boundaries import read_boundaries
from ecoplan.need.generic import read_generic_need
from ecoplan.need.iod import load_iod
from ecoplan.need.population import read_population
from ecoplan.settings.paths import shared_data_dir

BOUNDS = shared_data_dir() / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = shared_data_dir() / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = shared_data_dir() / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"


@pytest.fixture(scope="module")
def iow():
    return read_boundaries(require_shared(BOUNDS))


def _without_crs(gdf: gpd.GeoDataFrame) -> str:
    data = json.loads(gdf.to_json())
    data.pop("crs", None)
    return json.dumps(data)


def test_bng_geojson_without_crs_is_refused_with_what_to_do(iow, tmp_path):
    path = tmp_path / "iow_bng.geojson"
    path.write_text(_without_crs(iow.areas.to_crs(27700)))
    with pytest.raises(InputFileError) as err:
        read_boundaries(path)
    msg = str(err.value)
    assert "cannot be degrees" in msg and "British National Grid" in msg
    assert "ogr2ogr -a_srs EPSG:27700" in msg and "\n" not in msg


def test_bng_geojson_with_its_crs_is_reprojected(iow, tmp_path):
    path = tmp_path / "iow_bng_crs.gpkg"
    iow.areas.to_crs(27700).to_file(path)
    back = read_boundaries(path)
    assert back.source_crs == "EPSG:27700" and len(back.areas) == 89
    w, s, e, n = back.areas.total_bounds
    assert -1.7 < w < e < -1.0 and 50.5 < s < n < 50.8


def test_other_projected_metres_are_refused_too(tmp_path):
    # UTM metres, far outside the British grid: still not degrees.
    gdf = gpd.GeoDataFrame({"area_code": ["A"]}, geometry=[box(500_000, 6_600_000,
                                                              501_000, 6_601_000)], crs=32635)
    path = tmp_path / "utm.geojson"
    path.write_text(_without_crs(gdf))
    with pytest.raises(InputFileError, match="cannot be degrees") as err:
        read_boundaries(path)
    assert "British National Grid" not in str(err.value)


def test_iod_for_another_place_names_codes_on_both_sides(iow, tmp_path):
    table = pd.read_csv(require_shared(FILE1), encoding="utf-8-sig", thousands=",")
    elsewhere = table[table["Local Authority District name (2019)"] == "Manchester"]
    assert len(elsewhere) > 200
    path = tmp_path / "iod_manchester.csv"
    elsewhere.to_csv(path, index=False)
    with pytest.raises(InputFileError) as err:
        build_areas(iow, load_iod(path))
    msg = str(err.value)
    assert "None of the 89 area codes matches the deprivation file" in msg
    assert "E01017" in msg  # Isle of Wight codes
    assert elsewhere["LSOA code (2011)"].min() in msg  # Manchester codes
    assert "same place" in msg


def test_population_for_another_place_is_refused(iow, tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("area_code,population\nE01000001,1500\nE01000002,1600\n")
    need = load_iod(require_shared(FILE1))
    with pytest.raises(InputFileError, match="matches the population file.*E01000001"):
        build_areas(iow, need, population=read_population(path))


def test_a_partial_match_still_works_with_a_warning(iow):
    need = load_iod(require_shared(FILE1))
    some = need[need["area_code"].isin(iow.areas["area_code"].head(10))]
    res = build_areas(iow, some)
    assert res.areas["imd_decile"].notna().sum() == 10
    assert len(res.unmatched_areas) == 79


@pytest.mark.parametrize("value", ["inf", "-inf", "Infinity", "1e400", "-1e999"])
def test_infinite_population_is_refused(tmp_path, value):
    path = tmp_path / "pop.csv"
    path.write_text(f"area_code,population\nE01000001,{value}\nE01000002,1600\n")
    with pytest.raises(InputFileError, match=r"infinite value\(s\).*row 2"):
        read_population(path)


def test_negative_population_is_refused(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("area_code,population\nE01000001,-3\nE01000002,1600\n")
    with pytest.raises(InputFileError, match="negative value.*-3"):
        read_population(path)


def test_empty_population_cells_stay_unknown(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_text("area_code,population\nE01000001,\nE01000002,1600\n")
    out = read_population(path).set_index("area_code")["population"]
    assert np.isnan(out["E01000001"]) and out["E01000002"] == 1600


def test_iod_file_6_with_infinite_population_is_refused(tmp_path):
    df = pd.read_csv(require_shared(FILE6), encoding="utf-8-sig", thousands=",").head(50)
    col = next(c for c in df.columns if c.startswith("Total population"))
    df[col] = df[col].astype(object)
    df.loc[0, col] = "inf"
    path = tmp_path / "file6.csv"
    df.to_csv(path, index=False)
    with pytest.raises(InputFileError, match="infinite"):
        load_iod(require_shared(FILE1), path)


@pytest.mark.parametrize("column,value,message", [
    ("need", float("inf"), "infinite"),
    ("pop", float("-inf"), "infinite"),
    ("pop", -10.0, "negative"),
])
def test_generic_layer_refuses_non_finite_and_negative(column, value, message):
    gdf = gpd.GeoDataFrame({"id": ["a", "b"], "need": [1.0, 2.0], "pop": [100.0, 200.0]},
                           geometry=[box(0, 50, 0.01, 50.01), box(0.01, 50, 0.02, 50.01)],
                           crs=4326)
    gdf.loc[0, column] = value
    with pytest.raises(InputFileError, match=message):
        read_generic_need(gdf, id_column="id", need_column="need", higher_is_worse=True,
                          population_column="pop")
