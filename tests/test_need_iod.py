"""IoD loaders on the real MHCLG files and on small hand-made CSVs (BOM, separators, errors)."""

from __future__ import annotations

import csv
import gzip
import io

import numpy as np
import pandas as pd
import pytest

from ecoplan.errors import InputFileError
from ecoplan.need._io import codes_as_text, decile_from_rank, in_table, non_lsoa_codes
from ecoplan.need.iod import load_iod, read_iod_file
from ecoplan.need.population import read_population
from ecoplan.settings import need as cfg
from ecoplan.settings.paths import shared_data_dir

IMD = shared_data_dir() / "imd"
F1 = IMD / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
F2 = IMD / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
F6 = IMD / "File_6_-_IoD2019_Population_Denominators.csv.gz"
F25 = IMD / "IoD2025_lsoa21_scores_ranks_deciles_humaniverse.csv.gz"
IOW = "E06000046"

needs_data = pytest.mark.skipif(not F1.exists(), reason="shared IoD data not present")


@pytest.fixture(scope="module")
def iod2019() -> pd.DataFrame:
    if not F1.exists():
        pytest.skip("shared IoD data not present")
    return load_iod(F1, F2, F6)


@pytest.fixture(scope="module")
def iod2025() -> pd.DataFrame:
    if not F25.exists():
        pytest.skip("shared IoD data not present")
    return load_iod(F25)


def _iow_codes_raw() -> set[str]:
    with gzip.open(F1, "rt", encoding="utf-8-sig", newline="") as fh:
        return {r["LSOA code (2011)"] for r in csv.DictReader(fh)
                if r["Local Authority District code (2019)"] == IOW}


@needs_data
def test_layouts_detected_from_header() -> None:
    assert read_iod_file(F1).layout == "IoD2019 File 1"
    assert read_iod_file(F2).layout == "IoD2019 File 2"
    f6 = read_iod_file(F6)
    assert (f6.kind, f6.layout, f6.vintage) == ("population", "IoD2019 File 6", "2011")
    f25 = read_iod_file(F25)
    assert (f25.kind, f25.edition, f25.vintage) == ("ranks", "IoD2025", "2021")


def test_england_population_total_file6(iod2019: pd.DataFrame) -> None:
    assert len(iod2019) == 32_844
    assert iod2019["population"].sum() == 54_728_204
    assert iod2019["imd_score"].isna().all()  # IoD2019 files carry no score
    assert set(iod2019["edition"]) == {"IoD2019"}


def test_iow_population_matches_raw_csv(iod2019: pd.DataFrame) -> None:
    # Expected total computed independently of the loader, with the csv module.
    with gzip.open(F6, "rt", encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Local Authority District code (2019)"] == IOW]
    col = "Total population: mid 2015 (excluding prisoners)"
    expected = sum(int(r[col].replace(",", "")) for r in rows)
    assert len(rows) == 89
    iow = iod2019[iod2019["lad_code"] == IOW]
    assert len(iow) == 89
    assert iow["population"].sum() == expected


def test_iow_deciles_2019(iod2019: pd.DataFrame) -> None:
    iow = iod2019[iod2019["lad_code"] == IOW]
    assert iow["imd_decile"].value_counts().to_dict() == {
        1: 3, 2: 9, 3: 16, 4: 19, 5: 17, 6: 6, 7: 12, 8: 4, 9: 3}
    assert "environment_decile" in iow.columns  # File 2's domains were merged in


def test_iow_deciles_and_scores_2025(iod2025: pd.DataFrame) -> None:
    iow = iod2025[iod2025["area_code"].isin(_iow_codes_raw())]
    assert len(iow) == 89
    assert iow["imd_decile"].value_counts().to_dict() == {
        1: 3, 2: 15, 3: 17, 4: 15, 5: 14, 6: 12, 7: 7, 8: 5, 9: 1}
    assert iow["imd_score"].min() == pytest.approx(7.3, abs=0.1)
    assert iow["imd_score"].max() == pytest.approx(53.1, abs=0.1)


def test_published_deciles_are_rank_bands(iod2019: pd.DataFrame, iod2025: pd.DataFrame) -> None:
    for table, edition in ((iod2019, "IoD2019"), (iod2025, "IoD2025")):
        recomputed = decile_from_rank(table["imd_rank"], cfg.N_RANKED[edition])
        assert (recomputed == table["imd_decile"]).all()


# --- small files built in code ---------------------------------------------------------------

FILE1_HEADER = ("LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
                "Local Authority District name (2019),Index of Multiple Deprivation (IMD) Rank,"
                "Index of Multiple Deprivation (IMD) Decile\n")


def _write(tmp_path, name: str, text: str, *, bom: bool = True) -> str:
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def test_bom_and_thousands_separators(tmp_path) -> None:
    path = _write(tmp_path, "f1.csv", FILE1_HEADER
                  + 'E01000001,A 001A,E09000001,A,"29,199",9\n'
                  + "E01000002,A 001B,E09000001,A,5,1\n")
    table = load_iod(path)
    assert table["area_code"].tolist() == ["E01000001", "E01000002"]
    assert table["imd_rank"].tolist() == [29199.0, 5.0]
    assert table["imd_decile"].tolist() == [9.0, 1.0]
    assert np.isnan(table["population"]).all()


def test_wrong_columns_name_the_expected_files(tmp_path) -> None:
    path = _write(tmp_path, "x.csv", "code,value\nE01000001,3\n")
    with pytest.raises(InputFileError, match="File 1 or File 2") as err:
        load_iod(path)
    assert "lsoa21_code" in str(err.value)


def test_subdomain_table_is_refused_with_reason() -> None:
    path = IMD / "IoD2019_lsoa11_subdomains_humaniverse.csv.gz"
    if not path.exists():
        pytest.skip("shared IoD data not present")
    with pytest.raises(InputFileError, match="IMD_rank"):
        read_iod_file(path)


def test_codes_that_are_not_lsoa_are_reported(tmp_path) -> None:
    path = _write(tmp_path, "f1.csv", FILE1_HEADER
                  + "E01000001,A,E09000001,A,10,1\nS01000002,B,E09000001,A,20,1\n")
    table = load_iod(path)
    assert any("S01000002" in w for w in table.attrs["warnings"])
    bad = _write(tmp_path, "bad.csv", FILE1_HEADER + "X1,A,E09000001,A,10,1\n")
    with pytest.raises(InputFileError, match="LSOA code"):
        load_iod(bad)


def test_duplicate_codes_and_bad_deciles(tmp_path) -> None:
    dup = _write(tmp_path, "dup.csv", FILE1_HEADER
                 + "E01000001,A,E,A,10,1\nE01000001,A,E,A,11,1\n")
    with pytest.raises(InputFileError, match="more than once"):
        load_iod(dup)
    dec = _write(tmp_path, "dec.csv", FILE1_HEADER + "E01000001,A,E,A,10,11\n")
    with pytest.raises(InputFileError, match="deciles 1-10"):
        load_iod(dec)
    txt = _write(tmp_path, "txt.csv", FILE1_HEADER + "E01000001,A,E,A,ten,1\n")
    with pytest.raises(InputFileError, match="numeric"):
        load_iod(txt)


def test_excel_and_empty_and_missing(tmp_path) -> None:
    xlsx = tmp_path / "File_1.xlsx"
    xlsx.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputFileError, match="CSV"):
        load_iod(xlsx)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputFileError, match="empty"):
        load_iod(empty)
    with pytest.raises(InputFileError, match="not found"):
        load_iod(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match="no file"):
        load_iod()


def test_population_only_and_mixed_vintages_refused(tmp_path) -> None:
    header = ("LSOA code (2011),LSOA name (2011),Total population: mid 2015 (excluding "
              "prisoners)\n")
    pop = _write(tmp_path, "f6.csv", header + 'E01000001,A,"1,296"\n')
    with pytest.raises(InputFileError, match="ranks file"):
        load_iod(pop)
    f25 = _write(tmp_path, "f25.csv", "lsoa21_code,IMD_rank,IMD_decile,IMD_score\n"
                 "E01000001,100,1,50.5\n", bom=False)
    with pytest.raises(InputFileError, match="lookup"):
        load_iod(f25, pop)
    both = load_iod(_write(tmp_path, "f1.csv", FILE1_HEADER + "E01000001,A,E,A,10,1\n"), pop)
    assert both["population"].tolist() == [1296.0]


def test_gzip_dataframe_and_generic_population(tmp_path) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        gz.write(("\ufeff" + FILE1_HEADER + "E01000001,A,E,A,3,1\n").encode())
    path = tmp_path / "f1.csv.gz"
    path.write_bytes(buf.getvalue())
    assert load_iod(path)["imd_rank"].tolist() == [3.0]
    pop = _write(tmp_path, "pop.csv", "area_code,population\nE01000001,\"1,500\"\nE01000002,\n")
    table = read_population(pop)
    assert table["population"].iloc[0] == 1500.0
    assert np.isnan(table["population"].iloc[1])
    with pytest.raises(InputFileError, match="population column"):
        read_population(_write(tmp_path, "p2.csv", "area_code,foo\nE01000001,1\n"))


def test_code_helpers_keep_their_python_meaning() -> None:
    """The fast paths (one comprehension, pyarrow's RE2, the object hash table) must answer as
    ``str.strip``, ``settings.need.LSOA_CODE`` (Python's ``re``) and ``Series.isin`` do."""
    text = codes_as_text(pd.Series([" E01000001 ", "", None, "x", "\u2003"]))
    assert text.dtype == object and text[0] == "E01000001" and text[3] == "x"
    assert text[[1, 2, 4]].isna().all()
    assert list(codes_as_text(pd.Series([1.0, 2.5]))) == ["1", "2.5"]
    assert codes_as_text(pd.Series([None, None])).tolist() == [None, None]
    # Python's \d takes Arabic-Indic digits and its $ a final newline; RE2's [0-9] does not.
    codes = pd.Series(["E01000001", "W01000002", "E01\u0660\u0661\u0662\u0663\u0664\u0665",
                       "E01000003\n", "E0100000", "S01000001", None], dtype=object)
    assert non_lsoa_codes(codes) == ["E0100000", "S01000001", "None"]
    assert non_lsoa_codes(pd.Series([7, "E01000001"], dtype=object)) == ["7"]
    areas = pd.Series(["E01000001", "E01000002", "E01000003"])  # str dtype, as areas hold
    table = pd.Series(["E01000003", "E01000001", "E09999999"], dtype=object)
    assert list(in_table(areas, table)) == list(areas.isin(table)) == [True, False, True]
