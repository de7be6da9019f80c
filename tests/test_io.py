"""Atomic writes and spreadsheet-safe CSV."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.errors import InputFileError
from ecoplan.io import FORMULA_PREFIXES, atomic_path, csv_safe, write_csv, write_text


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "plan.txt"
    write_text(target, "first")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="does not exist"):
        write_text(tmp_path / "nope" / "x.txt", "x")


def test_formula_cells_are_neutralised(tmp_path):
    df = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Park"],
                       "n": [1, 2, 3, 4, 5]})
    out = tmp_path / "x.csv"
    write_csv(out, df)
    back = pd.read_csv(out)
    assert back.name.tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "Park"]
    assert back.n.tolist() == [1, 2, 3, 4, 5]  # numbers untouched


@given(st.text(max_size=30))
def test_no_text_cell_starts_with_a_formula_prefix(value):
    cell = csv_safe(pd.DataFrame({"c": [value]})).c.iloc[0]
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell.lstrip("'") == value.lstrip("'") or cell == "'" + value


# --- every written geometry is valid (issue 11.1) --------------------------------------------

def _bad_layer():
    import geopandas as gpd
    from shapely.geometry import GeometryCollection, Point, Polygon

    e, n = 445_000.0, 90_000.0  # British National Grid, Isle of Wight
    bowtie = Polygon([(e, n), (e + 100, n + 100), (e + 100, n), (e, n + 100)])
    near = Polygon([(e, n), (e + 100, n), (e + 100, n + 50), (e + 50, n + 1e-9),
                    (e, n + 50)])  # valid here, invalid after a round trip through lon/lat
    coll = GeometryCollection([Polygon([(e, n), (e + 9, n), (e + 9, n + 9)]), Point(e, n)])
    return gpd.GeoDataFrame({"name": ["bow-tie", "near-touching", "collection"]},
                            geometry=[bowtie, near, coll], crs=27700)


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_written_polygons_are_valid_in_both_crs(tmp_path, suffix):
    import geopandas as gpd

    from ecoplan.io import write_layers

    layer = _bad_layer()
    assert not layer.is_valid.all() or not layer.to_crs(4326).to_crs(27700).is_valid.all()
    path = tmp_path / f"areas{suffix}"
    write_layers(path, {"areas": layer})
    back = gpd.read_file(path)
    assert back.name.tolist() == ["bow-tie", "near-touching", "collection"]  # nothing lost
    assert set(back.geom_type) <= {"Polygon", "MultiPolygon"}
    assert back.is_valid.all()
    for crs in (4326, 27700, 32630):
        assert back.to_crs(crs).is_valid.all()
    back.to_crs(27700).union_all()
    assert back.to_crs(27700).area.sum() == pytest.approx(
        5000.0 + layer.area.iloc[1] + 40.5, rel=1e-4)


def test_real_lsoa_boundaries_written_valid(tmp_path):
    import geopandas as gpd

    from ecoplan.io import write_layers
    from ecoplan.settings.paths import shared_data_dir

    src = shared_data_dir() / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
    if not src.exists():
        pytest.skip(f"shared test data not found at {src} (see ../shared/data/README.md)")
    areas = gpd.read_file(src)
    write_layers(tmp_path / "areas.gpkg", {"areas": areas.to_crs(27700)})
    back = gpd.read_file(tmp_path / "areas.gpkg")
    assert len(back) == len(areas) == 89
    assert back.is_valid.all() and back.to_crs(4326).is_valid.all()
    back.union_all()
