"""Areas layer: every Isle of Wight LSOA joins IoD 2019 and 2025; gaps are explicit."""

from __future__ import annotations

import csv
import gzip

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point

from ecoplan.need.areas import AREA_COLUMNS, build_areas
from ecoplan.need.boundaries import read_boundaries
from ecoplan.need.iod import load_iod
from ecoplan.need.lookup import load_lookup
from ecoplan.need.population import read_population
from ecoplan.settings.paths import shared_data_dir

DATA = shared_data_dir()
IMD = DATA / "imd"
BOUNDS = DATA / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
F1 = IMD / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
F2 = IMD / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
F6 = IMD / "File_6_-_IoD2019_Population_Denominators.csv.gz"
F25 = IMD / "IoD2025_lsoa21_scores_ranks_deciles_humaniverse.csv.gz"
LOOKUP = DATA / "boundaries" / "lookup_lsoa11_lsoa21_ltla22_ew.csv.gz"
DECILES_2019 = {1: 3, 2: 9, 3: 16, 4: 19, 5: 17, 6: 6, 7: 12, 8: 4, 9: 3}
DECILES_2025 = {1: 3, 2: 15, 3: 17, 4: 15, 5: 14, 6: 12, 7: 7, 8: 5, 9: 1}


@pytest.fixture(scope="module")
def data():
    if not (BOUNDS.exists() and F1.exists()):
        pytest.skip("shared data not present")
    return {
        "bounds": read_boundaries(BOUNDS),
        "f1f6": load_iod(F1, F6),
        "f2f6": load_iod(F2, F6),
        "f25": load_iod(F25),
        "pop": read_population(F6),
        "lookup": load_lookup(LOOKUP),
    }


def _iow_population_raw() -> int:
    codes = set(gpd.read_file(BOUNDS)["LSOA11CD"])
    with gzip.open(F6, "rt", encoding="utf-8-sig", newline="") as fh:
        col = "Total population: mid 2015 (excluding prisoners)"
        return sum(int(r[col].replace(",", "")) for r in csv.DictReader(fh)
                   if r["LSOA code (2011)"] in codes)


@pytest.mark.parametrize("key", ["f1f6", "f2f6"])
def test_iow_iod2019(data, key) -> None:
    res = build_areas(data["bounds"], data[key])
    areas = res.areas
    assert list(areas.columns[:7]) == AREA_COLUMNS[:7] and areas.columns[-1] == "geometry"
    assert len(areas) == 89 and res.unmatched_areas == ()
    assert res.n_need_outside == 32_844 - 89
    assert areas["imd_decile"].value_counts().to_dict() == DECILES_2019
    assert areas["population"].sum() == _iow_population_raw()
    assert set(areas["need_source"]) == {"IoD2019"}
    assert areas["imd_score"].isna().all()
    assert areas.crs.to_epsg() == 4326
    assert res.warnings == ()


@pytest.mark.parametrize("with_lookup", [True, False])
def test_iow_iod2025_with_file6_population(data, with_lookup) -> None:
    res = build_areas(data["bounds"], data["f25"], population=data["pop"],
                      lookup=data["lookup"] if with_lookup else None)
    areas = res.areas
    assert len(areas) == 89 and res.unmatched_areas == ()
    assert areas["imd_decile"].value_counts().to_dict() == DECILES_2025
    assert areas["imd_score"].between(7.3, 53.2).all()
    assert areas["population"].sum() == _iow_population_raw()
    assert set(areas["need_source"]) == {"IoD2025"}
    assert "environment_score" in areas.columns
    assert res.n_need_outside == 33_755 - 89


def test_missing_population_is_nan_with_warning(data) -> None:
    res = build_areas(data["bounds"], data["f25"])
    assert res.areas["population"].isna().all()
    assert any("No population" in w for w in res.warnings)
    partial = data["pop"][data["pop"]["area_code"] != "E01017282"]
    res = build_areas(data["bounds"], data["f25"], population=partial)
    pop = res.areas.set_index("area_code")["population"]
    assert np.isnan(pop["E01017282"]) and pop.notna().sum() == 88
    assert any("E01017282" in w and "not 0" in w for w in res.warnings)


def test_areas_without_iod_row_are_listed() -> None:
    gdf = gpd.GeoDataFrame({"area_code": ["E01000001", "E01999999"], "area_name": [None, "x"]},
                           geometry=[Point(0, 0).buffer(1), Point(3, 0).buffer(1)], crs=4326)
    iod = pd.DataFrame({"area_code": ["E01000001", "E01000002"], "area_name": ["n1", "n2"],
                        "imd_rank": [5.0, 6.0], "imd_decile": [1.0, 1.0],
                        "imd_score": [np.nan, np.nan], "population": [10.0, 20.0],
                        "edition": "IoD2019"})
    res = build_areas(gdf, iod)
    assert res.unmatched_areas == ("E01999999",)
    assert res.n_need_outside == 1
    areas = res.areas.set_index("area_code")
    assert areas.loc["E01000001", "area_name"] == "n1"  # name filled from the IoD table
    assert np.isnan(areas.loc["E01999999", "imd_decile"])
    assert pd.isna(areas.loc["E01999999", "need_source"])
    assert any("lookup" in w for w in res.warnings)


def test_boundaries_on_2021_codes_get_2019_values_through_lookup() -> None:
    lookup = load_lookup(pd.DataFrame({
        "lsoa11_code": ["E01000010", "E01000020", "E01000030"],
        "lsoa21_code": ["E01100001", "E01100001", "E01000030"],
        "change_code": ["M", "M", "U"]}))
    gdf = gpd.GeoDataFrame({"area_code": ["E01100001", "E01000030"]},
                           geometry=[Point(0, 0).buffer(1), Point(3, 0).buffer(1)], crs=4326)
    iod = pd.DataFrame({"area_code": ["E01000010", "E01000020", "E01000030"],
                        "area_name": None, "imd_rank": [100.0, 300.0, 50.0],
                        "imd_decile": [1.0, 1.0, 1.0], "imd_score": np.nan,
                        "population": [1000.0, 1500.0, 2000.0], "edition": "IoD2019"})
    res = build_areas(gdf, iod, lookup=lookup)
    areas = res.areas.set_index("area_code")
    assert res.unmatched_areas == ()
    assert areas.loc["E01100001", "imd_rank"] == 200
    assert areas.loc["E01100001", "population"] == 2500
    assert areas.loc["E01000030", "population"] == 2000


def test_separate_2011_population_carried_to_2021_areas() -> None:
    lookup = load_lookup(pd.DataFrame({
        "lsoa11_code": ["E01000010", "E01000010", "E01000030"],
        "lsoa21_code": ["E01100001", "E01100002", "E01000030"],
        "change_code": ["S", "S", "U"]}))
    gdf = gpd.GeoDataFrame({"area_code": ["E01100001", "E01100002", "E01000030"]},
                           geometry=[Point(i * 3, 0).buffer(1) for i in range(3)], crs=4326)
    pop = pd.DataFrame({"area_code": ["E01000010", "E01000030"], "population": [3000.0, 10.0]})
    pop.attrs["vintage"] = "2011"
    res = build_areas(gdf, None, population=pop, lookup=lookup)
    areas = res.areas.set_index("area_code")
    assert areas["population"].to_dict() == {"E01100001": 1500.0, "E01100002": 1500.0,
                                             "E01000030": 10.0}
    assert any("equal share" in w for w in res.warnings)
    assert areas["imd_decile"].isna().all()


def test_need_attributions_only_for_iod_need() -> None:
    """OGL notices for IoD-based need; none for a layer the user brought (its licence is
    not ours to claim), nor for areas with no need column at all."""
    from ecoplan.need.areas import join_notices, need_attributions
    from ecoplan.settings import need as need_cfg

    iod = pd.DataFrame({"need_source": ["IoD2019", None]})
    assert need_attributions(iod) == (need_cfg.IOD_ATTRIBUTION,
                                      need_cfg.ONS_BOUNDARY_ATTRIBUTION)
    assert need_attributions(pd.DataFrame({"need_source": ["generic:score"] * 2})) == ()
    assert need_attributions(pd.DataFrame({"need_source": [None, None]})) == ()
    assert need_attributions(pd.DataFrame({"area_code": ["x"]})) == ()
    assert join_notices(["A.", "B", "", "C. "]) == "A; B; C."
