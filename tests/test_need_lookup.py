"""LSOA 2011 ↔ 2021 carrying: split/merge/irregular rules on small tables and on the real lookup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecoplan.errors import InputFileError
from ecoplan.need.iod import load_iod
from ecoplan.need.lookup import carry_counts, carry_iod, infer_vintage, load_lookup
from ecoplan.settings.paths import shared_data_dir

DATA = shared_data_dir()
LOOKUP = DATA / "boundaries" / "lookup_lsoa11_lsoa21_ltla22_ew.csv.gz"

# 2011 → 2021: A unchanged; B split into B1, B2; C and D merged into CD; E, F ↔ EF1, EF2 (X).
SMALL = pd.DataFrame({
    "lsoa11_code": ["A", "B", "B", "C", "D", "E", "E", "F"],
    "lsoa21_code": ["A", "B1", "B2", "CD", "CD", "EF1", "EF2", "EF2"],
    "change_code": ["U", "S", "S", "M", "M", "X", "X", "X"],
})


def _iod(codes, ranks, scores=None, pops=None, edition="IoD2019") -> pd.DataFrame:
    n = len(codes)
    return pd.DataFrame({
        "area_code": codes, "area_name": None, "lad_code": None, "lad_name": None,
        "imd_rank": ranks, "imd_decile": [float(np.ceil(r * 10 / 32844)) for r in ranks],
        "imd_score": scores if scores is not None else [np.nan] * n,
        "population": pops if pops is not None else [np.nan] * n, "edition": edition,
    })


def test_values_2011_to_2021() -> None:
    iod = _iod(["A", "B", "C", "D", "E", "F"], [100, 200, 1000, 30000, 5000, 7000],
               pops=[1500, 3000, 1000, 1200, 900, 1100])
    out = carry_iod(iod, load_lookup(SMALL), to_vintage="2021").table.set_index("area_code")
    assert out.loc["A", "imd_rank"] == 100  # unchanged: copied
    assert out.loc["B1", "imd_rank"] == out.loc["B2", "imd_rank"] == 200  # split: parent value
    assert out.loc["CD", "imd_rank"] == 15500  # merge: mean of the parts' ranks
    assert out.loc["CD", "imd_decile"] == 5  # recomputed: ceil(15500*10/32844)
    assert out.loc["CD", "n_source_areas"] == 2 and out.loc["CD", "lookup_change"] == "M"
    assert out.loc["EF2", "imd_rank"] == 6000 and out.loc["EF1", "imd_rank"] == 5000
    # Counts: merge sums, split shares equally, the national total is kept.
    assert out.loc["CD", "population"] == 2200
    assert out.loc["B1", "population"] == out.loc["B2", "population"] == 1500
    assert out.loc["EF1", "population"] == 450 and out.loc["EF2", "population"] == 1550
    assert out["population"].sum() == iod["population"].sum()


def test_values_2021_to_2011_with_scores() -> None:
    iod = _iod(["A", "B1", "B2", "CD"], [10, 20, 40, 33000], scores=[50.0, 40.0, 30.0, 5.0],
               edition="IoD2025")
    res = carry_iod(iod, load_lookup(SMALL), to_vintage="2011")
    out = res.table.set_index("area_code")
    assert out.loc["B", "imd_score"] == 35.0 and out.loc["B", "imd_rank"] == 30
    assert out.loc["C", "imd_score"] == out.loc["D", "imd_score"] == 5.0
    assert "E" not in out.index  # no source rows for E/F: not invented
    assert any("mean of the parts" in w for w in res.warnings)


def test_unmatched_and_nan_counts() -> None:
    counts = pd.DataFrame({"area_code": ["C", "D", "Z"], "population": [10.0, np.nan, 5.0]})
    res = carry_counts(counts, load_lookup(SMALL), from_vintage="2011", to_vintage="2021")
    assert res.unmatched == ("Z",)
    assert np.isnan(res.table.set_index("area_code").loc["CD", "population"])  # part unknown


def test_lookup_validation(tmp_path) -> None:
    path = tmp_path / "lk.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(InputFileError, match="LSOA11CD"):
        load_lookup(path)
    ons = pd.DataFrame({"LSOA11CD": ["A"], "LSOA21CD": ["A"], "CHGIND": ["U"]})
    assert load_lookup(ons)["change_code"].tolist() == ["U"]


def test_real_lookup_national_totals() -> None:
    if not LOOKUP.exists():
        pytest.skip("shared lookup not present")
    lookup = load_lookup(LOOKUP)
    assert set(lookup["change_code"]) == {"U", "S", "M", "X"}
    # ONS reuses a code only for unchanged areas, which build_areas relies on.
    same = lookup["lsoa11_code"] == lookup["lsoa21_code"]
    assert (lookup.loc[same, "change_code"] == "U").all()
    iod = load_iod(DATA / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
                   DATA / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    res = carry_iod(iod, lookup, to_vintage="2021")
    eng = res.table[res.table["area_code"].str.startswith("E")]
    assert eng["population"].sum() == pytest.approx(54_728_204)
    assert eng["imd_decile"].between(1, 10).all()
    assert infer_vintage(res.table["area_code"], lookup) == "2021"
    assert infer_vintage(iod["area_code"], lookup) == "2011"
