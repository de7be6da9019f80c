"""``ecoplan support`` and ``ecoplan directory`` end to end on a clip of the Isle of Wight."""

from __future__ import annotations

import csv
import re

import pytest

from ecoplan.cli import main

NEWPORT_BBOX = "--bbox=-1.31,50.69,-1.28,50.71"


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DB_URL", f"sqlite:///{tmp_path / 'plans.sqlite'}")


def test_directory_commands(db, capsys):
    assert main(["directory", "add", "--name", "Walk & Talk", "--category", "Peer support group",
                 "--phone", "01983 000000", "--site", "w4570983"]) == 0
    assert main(["directory", "list"]) == 0
    out = capsys.readouterr().out
    assert "Walk & Talk" in out and "site w4570983" in out
    assert main(["directory", "show", "1"]) == 0
    assert main(["directory", "delete", "1"]) == 0
    assert main(["directory", "delete", "1"]) == 2
    assert "no directory entry with id 1" in capsys.readouterr().err
    assert main(["directory", "add", "--name", "x", "--url", "javascript:x"]) == 2


def test_support_site_html(iow_pbf, db, tmp_path, capsys):
    main(["directory", "add", "--name", "Newport peer group", "--site", "w4570983"])
    out = tmp_path / "sheet.html"
    assert main(["support", str(iow_pbf), NEWPORT_BBOX, "--site", "w4570983",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Support around Litten Park" in text
    assert "Lord Louis Library" in text
    # clipped to a small box: no claim of absence beyond what the data covers
    assert "No defibrillator mapped within 1 km" not in text
    assert re.search(r"Defibrillator: not mapped within the area covered by the data "
                     r"\(\d+ m\) — check the national defibrillator network", text)
    assert "Entrance on " in text and "w4570983/e" not in text
    html = out.read_text(encoding="utf-8")
    assert "Newport peer group" in html and "© OpenStreetMap contributors" in html


def test_support_point_csv(iow_pbf, db, tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["support", str(iow_pbf), NEWPORT_BBOX, "--lat", "50.7005", "--lon", "-1.2925",
                 "--radius", "400", "--out", str(out), "--no-directory"]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    comm = [r for r in rows if r["section"] == "Community resources"]
    assert comm and all(float(r["distance_m"]) <= 400 for r in comm)
    assert {r["basis"] for r in comm} <= {"walk", "straight line"}
    assert {r["attribution"] for r in rows} == {"© OpenStreetMap contributors (ODbL)."}  # #5


@pytest.mark.parametrize("args, msg", [
    (["--lat", "50.7005", "--lon", "-1.2925", "--radius", "20"], "radius"),
    (["--lat", "50.7005", "--lon", "-1.2925", "--radius", "9000"], "radius"),
    (["--lat", "50.7005"], "--lat needs --lon"),
    (["--lat", "50.7005", "--lon", "-1.2925", "--out", "x.pdf"], ".csv or .html"),
    (["--lat", "51.5", "--lon", "-0.12"], "outside the data"),
    (["--site", "w999"], "no site with id 'w999'"),
])
def test_bad_input(iow_pbf, db, capsys, args, msg):
    assert main(["support", str(iow_pbf), "--bbox=-1.30,50.695,-1.29,50.705", *args]) == 2
    err = capsys.readouterr().err
    assert msg in err and "Traceback" not in err


def test_empty_results_say_so(iow_pbf, db, capsys):
    assert main(["support", str(iow_pbf), "--bbox=-1.32,50.61,-1.29,50.64", "--lat", "50.6235",
                 "--lon", "-1.3060", "--radius", "100"]) == 0
    assert "No community resources mapped within 100 m in OpenStreetMap" in \
        capsys.readouterr().out


def test_an_empty_site_id_asks_for_one_not_for_a_library_function(capsys):
    """`support FILE --site ""` said "build it with build_sites" (a library function)."""
    rc = main(["support", "demo", "--site", "", "--no-directory"])
    err = capsys.readouterr().err
    assert rc == 2 and "give a site id, e.g. --site w3382857" in err
    assert "build_sites" not in err and len(err.strip().splitlines()) == 1
