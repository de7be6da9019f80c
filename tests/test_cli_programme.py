"""``ecoplan programme`` end to end on the Isle of Wight (no network): new → list → show →
check with a recorded stormy forecast → accept → export → delete, and bad input."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from programme_fixtures import stormy_file, winter_first

from ecoplan.cli import main
from ecoplan.programmes.store import ProgrammeStore

NAME = "Winter walks"


def _args(pbf, db, *extra, first=None, start="10:00", name=NAME):
    return ["programme", "--db", db, "new", str(pbf), "--name", name, "--first",
            (first or winter_first()).isoformat(), "--day", "thu", "--sessions", "8",
            "--start", start, "--minutes", "60", "--group-size", "12", "--profile",
            "older-adults", "--step-free", "--leader", "Sam Jones", "--contact",
            "07700 900123", *extra]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'plans.sqlite'}"


@pytest.fixture(scope="module")
def built(iow_pbf, db):
    """One real `programme new` for the module (about 15 s)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(_args(iow_pbf, db))
    return rc, out.getvalue(), err.getvalue()


def _one(db):
    with ProgrammeStore(db) as store:
        return store.get(NAME)


def test_new_builds_and_saves_eight_sessions(built, db):
    rc, out, err = built
    assert rc == 0, err
    assert "Programme 'Winter walks' (id 1, version 1): 8 sessions" in out
    assert sum(1 for line in out.splitlines() if line[:2].strip().isdigit()) == 8
    assert "Saved." in out and "© OpenStreetMap contributors" in out
    p = _one(db)
    assert len(p.sessions) == 8 and p.version == 1
    assert p.source["sha256"] and p.source["name"].endswith(".osm.pbf")


def test_list_and_show(built, db, capsys):
    assert main(["programme", "--db", db, "list"]) == 0
    assert NAME in capsys.readouterr().out
    assert main(["programme", "--db", db, "show", NAME]) == 0
    out = capsys.readouterr().out
    p = _one(db)
    for s in p.sessions:
        assert p.site(s.site_id).meeting.grid_ref in out
    assert "Step-free: no steps" in out and "Toilets:" in out
    assert main(["programme", "--db", db, "show", "1", "--history"]) == 0
    assert "v1" in capsys.readouterr().out


def test_check_proposes_and_changes_nothing_then_accepts(built, db, tmp_path, capsys):
    p = _one(db)
    storm = stormy_file(tmp_path, p.sessions[0].start.date())
    assert main(["programme", "--db", db, "check", NAME, "--forecast", str(storm)]) == 0
    out = capsys.readouterr().out
    assert "RETHINK" in out and "proposal [1/" in out and "Nothing changed" in out
    assert "Weather data by Open-Meteo.com" in out
    assert _one(db).content() == p.content() and _one(db).version == 1
    pid = out.split("proposal [", 1)[1].split("]", 1)[0]
    rc = main(["programme", "--db", db, "check", NAME, "--forecast", str(storm), "--accept",
               pid])
    assert rc == 0
    assert "Saved version 2" in capsys.readouterr().out
    after = _one(db)
    assert after.version == 2 and "for the weather" in after.session(1).note
    assert main(["programme", "--db", db, "show", NAME, "--history"]) == 0
    assert "swap" in capsys.readouterr().out


def test_accepting_an_id_not_offered_is_refused(built, db, tmp_path, capsys):
    p = _one(db)
    storm = stormy_file(tmp_path, p.sessions[0].start.date())
    rc = main(["programme", "--db", db, "check", NAME, "--forecast", str(storm), "--accept",
               "5/w1"])
    assert rc == 2
    assert "not offered" in capsys.readouterr().err
    assert _one(db).version == p.version


def test_export_writes_leaflet_calendar_and_gpx(built, db, tmp_path, capsys):
    pdf, ics, gpx = tmp_path / "leaflet.pdf", tmp_path / "walks.ics", tmp_path / "gpx"
    rc = main(["programme", "--db", db, "export", NAME, "--pdf", str(pdf), "--ics", str(ics),
               "--gpx-dir", str(gpx)])
    assert rc == 0, capsys.readouterr().err
    cal = Calendar.from_ical(ics.read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 8
    assert len(list(gpx.glob("*.gpx"))) == 8
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "Pages:           9" in info


def test_bad_export_paths_write_nothing(built, db, tmp_path, capsys):
    rc = main(["programme", "--db", db, "export", NAME, "--pdf", str(tmp_path / "x.png"),
               "--ics", str(tmp_path / "a.ics")])
    assert rc == 2 and "ending in .pdf" in capsys.readouterr().err
    assert not (tmp_path / "a.ics").exists()
    rc = main(["programme", "--db", db, "export", NAME])
    assert rc == 2 and "say what to export" in capsys.readouterr().err


def test_bad_input_is_one_line_and_saves_nothing(built, iow_pbf, db, capsys):
    before = len(ProgrammeStore(db).list())
    past = date.today() - timedelta(days=14)
    cases = [
        (_args(iow_pbf, db, first=past, name="Past"), "in the past"),
        (_args(iow_pbf, db, name=NAME), "already exists"),
        (_args(iow_pbf, db, "--sessions", "0", name="None"), "sessions"),
        (_args(iow_pbf, db, start="15:00", name="Dusk"), "sunset"),
        (_args(iow_pbf, db, "--sites", "w1,w2", name="Unknown"), "unknown site id"),
    ]
    for argv, msg in cases:
        rc = main(argv)
        err = capsys.readouterr().err
        assert rc == 2, argv
        assert msg in err and "Traceback" not in err
        # one line of error (pyrosm may add its own "Reading … took" line on a slow machine)
        errors = [ln for ln in err.splitlines() if ln.startswith("ecoplan programme: error:")]
        assert len(errors) == 1 and msg in errors[0], err
    assert len(ProgrammeStore(db).list()) == before


def test_unknown_programme(db, capsys):
    assert main(["programme", "--db", db, "check", "Nope", "--offline"]) == 2
    assert "no programme 'Nope'" in capsys.readouterr().err


def test_dry_run_with_two_sites_relaxes_variety(built, iow_pbf, db, capsys):
    p = _one(db)
    two = ",".join(s.site_id for s in p.sessions[:2])
    rc = main(_args(iow_pbf, db, "--sites", two, "--dry-run", name="Two sites"))
    out = capsys.readouterr().out
    assert rc == 0
    assert "Only 2 sites" in out and "Dry run: nothing saved." in out
    with ProgrammeStore(db) as store:
        assert "Two sites" not in [r["name"] for r in store.list()]


def test_delete(built, db, capsys):
    assert main(["programme", "--db", db, "delete", NAME]) == 0
    assert "Deleted programme 'Winter walks'" in capsys.readouterr().out
    assert main(["programme", "--db", db, "list"]) == 0
    assert "No programmes yet" in capsys.readouterr().out
