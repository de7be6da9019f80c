"""Atomic writes and spreadsheet-safe CSV."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.errors import OutputFileError
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
    with pytest.raises(OutputFileError, match="does not exist"):
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


# --- one atomic write: failures are clear and leave nothing behind --------------------------

from pathlib import Path  # noqa: E402

from ecoplan.io import atomic_paths, check_output, write_atomic, write_layers  # noqa: E402


def test_write_atomic_replaces_whole_files_and_leaves_no_temp(tmp_path):
    target = tmp_path / "sheet.html"
    write_atomic(target, "<p>one</p>")
    write_atomic(target, b"<p>two</p>")
    assert target.read_text() == "<p>two</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


@pytest.mark.parametrize("where,message", [
    ("{tmp}/no/such/x.csv", "does not exist"),
    ("{tmp}/a_file/x.csv", "not a folder"),
    ("{tmp}/folder.csv", "is a folder"),
])
def test_unwritable_targets_are_one_clear_error(tmp_path, where, message):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "folder.csv").mkdir()
    target = where.format(tmp=tmp_path)
    for attempt in (lambda: check_output(target, (".csv",), label="--out"),
                    lambda: write_atomic(target, "x")):
        with pytest.raises(OutputFileError) as err:
            attempt()
        assert message in str(err.value) and "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "folder.csv"]


def test_check_output_names_the_suffixes(tmp_path):
    with pytest.raises(OutputFileError, match=r"--gpx .*: use a \.gpx file name"):
        check_output(tmp_path / "walk.txt", (".gpx",), label="--gpx")
    assert check_output(tmp_path / "WALK.GPX", (".gpx",)) == tmp_path / "WALK.GPX"


def test_a_disk_error_while_writing_is_an_output_error(tmp_path):
    target = tmp_path / "x.csv"
    with pytest.raises(OutputFileError, match="the disk is full"), atomic_path(target):
        raise OSError(28, "No space left on device")  # ENOSPC from the writer
    assert list(tmp_path.iterdir()) == []


def test_several_files_are_written_all_or_none(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(RuntimeError), atomic_paths([a, b]) as (ta, tb):
        ta.write_text("a")
        raise RuntimeError("the second file could not be made")
    assert list(tmp_path.iterdir()) == []
    with atomic_paths([a, b]) as (ta, tb):
        ta.write_text("a")
        tb.write_text("b")
    assert a.read_text() == "a" and b.read_text() == "b"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_geojson_layers_are_committed_together(tmp_path, monkeypatch):
    import geopandas as gpd
    from shapely.geometry import Point

    import ecoplan.io as io_mod

    good = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(0, 0)], crs=4326)
    real = io_mod._for_file

    def fail_second(gdf):
        if gdf["n"].iloc[0] == 2:
            raise RuntimeError("driver failed on the second layer")
        return real(gdf)

    monkeypatch.setattr(io_mod, "_for_file", fail_second)
    with pytest.raises(RuntimeError):
        write_layers(tmp_path / "s.geojson", {"sites": good, "entrances": good.assign(n=[2])})
    assert list(tmp_path.iterdir()) == []  # the first layer was not left on its own
    written = write_layers(tmp_path / "s.geojson", {"sites": good, "entrances": good})
    assert [p.name for p in written] == ["s.geojson", "s.entrances.geojson"]


def test_geojson_layers_are_named_after_the_final_file_not_the_temporary_one(tmp_path):
    """Issue #10: QGIS shows the GeoJSON ``name`` as the layer name; ".rank.lhybxpdk" was the
    temporary file's."""
    import json

    import geopandas as gpd
    from shapely.geometry import Point

    good = gpd.GeoDataFrame({"n": [1]}, geometry=[Point(0, 0)], crs=4326)
    written = write_layers(tmp_path / "rank.geojson", {"ranking": good, "entrances": good})
    assert [json.loads(p.read_text())["name"] for p in written] == ["rank", "rank.entrances"]


def _run_unprivileged(code: str) -> str:
    """Run ``code`` where file permissions apply (root's override dropped); its stdout."""
    import os
    import shutil
    import subprocess
    import sys

    prefix: list[str] = []
    if os.geteuid() == 0:
        exe = shutil.which("setpriv")
        if exe is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = [exe, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    proc = subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_read_only_folder_is_said_so(tmp_path):
    import os

    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(ro, 0o555)
    out = _run_unprivileged(
        "from ecoplan.io import write_atomic, check_output\n"
        "from ecoplan.errors import OutputFileError\n"
        f"for f in (lambda: check_output({str(ro / 'x.csv')!r}, ('.csv',)),\n"
        f"          lambda: write_atomic({str(ro / 'x.csv')!r}, 'x')):\n"
        "    try:\n        f()\n    except OutputFileError as e:\n        print(e)\n")
    lines = out.splitlines()
    assert len(lines) == 2 and all("permission denied" in line for line in lines), out
    assert list(ro.iterdir()) == []


def test_io_helpers_are_the_only_atomic_writers():
    """One atomic write (issue 18): no module of ours but ``ecoplan/io.py`` moves a temporary
    file (or folder) into place itself, so every write behaves and fails the same way."""
    import re

    root = Path(__file__).resolve().parents[1]
    own_move = re.compile(r"\bos\.(replace|rename)\(|\.rename\(tmp|\.replace\(tmp|mkdtemp\(")
    files = [*(root / "ecoplan").rglob("*.py"), root / "app.py"]
    own = [str(p.relative_to(root)) for p in files
           if own_move.search(p.read_text()) and p != root / "ecoplan" / "io.py"]
    assert own == []


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


def test_a_geopackage_layer_describes_itself_with_its_licence_notice(tmp_path):
    """Issue #5: gpkg_contents.description was empty; GIS shows it as the layer's abstract."""
    import sqlite3

    import geopandas as gpd
    from shapely.geometry import Point

    layer = gpd.GeoDataFrame({"n": [1, 2], "attribution": ["© OSM (ODbL).", "© OSM (ODbL)."]},
                             geometry=[Point(0, 0), Point(1, 1)], crs=4326)
    out = tmp_path / "x.gpkg"
    write_layers(out, {"sites": layer, "plain": layer.drop(columns="attribution")})
    with sqlite3.connect(out) as db:
        rows = dict(db.execute("SELECT table_name, description FROM gpkg_contents"))
    assert rows == {"sites": "© OSM (ODbL).", "plain": ""}
