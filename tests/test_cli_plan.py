"""``ecoplan plan`` and ``ecoplan plans`` end to end (no network)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import geopandas as gpd
import pytest
from icalendar import Calendar
from recorded_weather import BERLIN, Future
from shapely.geometry import Point

from ecoplan.cli import main
from ecoplan.settings import paths

#: A date a month ahead: plans refuse the past.
SOON = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ECOPLAN_DB_URL", raising=False)


@pytest.fixture
def berlin(tmp_path) -> Future:
    """The recorded Berlin response moved into the future (plans refuse the past)."""
    return Future(BERLIN, tmp_path)


@pytest.fixture
def berlin_file(berlin) -> str:
    return str(berlin.path)


def test_plan_from_file_save_list_show_export_delete(berlin, tmp_path, capsys):
    ics, sheet = tmp_path / "s.ics", tmp_path / "s.html"
    day = berlin.day("2021-11-25")
    rc = main(["plan", "--lat", "52.52", "--lon", "13.42", "--categories", "wood", "--name",
               "Grunewald", "--date", day, "--start", "14:00", "--minutes", "90",
               "--forecast", str(berlin.path), "--save", "--ics", str(ics), "--sheet",
               str(sheet)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "GO WITH CARE" in out and "before sunset" in out and "Feels like" in out
    assert "Saved as plan 1." in out and "Weather data by Open-Meteo.com" in out
    assert "999" not in out and "112" in out  # Berlin: no UK emergency number
    ev = next(iter(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")))
    assert ev.decoded("dtstart").isoformat() == f"{day}T14:00:00+01:00"
    assert "Grunewald" in sheet.read_text(encoding="utf-8")
    assert main(["plans", "list"]) == 0
    assert "Grunewald" in capsys.readouterr().out
    assert main(["plans", "show", "1", "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["assessment"]["level"] == "go with care" and rec["forecast"]["source"] == "file"
    assert rec["forecast"]["raw"]["timezone"] == "Europe/Berlin"
    assert main(["plans", "export", "1", "--ics", str(tmp_path / "again.ics")]) == 0
    assert (tmp_path / "again.ics").is_file()
    assert main(["plans", "delete", "1"]) == 0
    capsys.readouterr()
    assert main(["plans", "show", "1"]) == 2
    assert "no saved plan with id 1" in capsys.readouterr().err


def test_manual_conditions_and_offline(capsys):
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--categories", "beach", "--date",
               SOON, "--start", "10:00", "--minutes", "60", "--conditions",
               "temp_c=24,weather_code=95"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "RETHINK" in out and "Thunderstorms" in out and "entered by hand" in out
    assert "Open-Meteo" not in out  # hand-entered conditions are not Open-Meteo's data
    assert "999 or 112" in out  # a UK site gets the UK number
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--date", SOON, "--start",
               "10:00", "--minutes", "60", "--offline"])
    assert rc == 2
    err = capsys.readouterr().err
    assert "no cached forecast" in err and "--forecast FILE.json" in err and "--conditions" in err


@pytest.mark.parametrize("argv, msg", [
    (["--date", "D+30", "--start", "14:00", "--minutes", "60"], "covers none of it"),
    (["--date", "D1", "--start", "25:00", "--minutes", "60"], "HH:MM"),
    (["--date", "25/11/2021", "--start", "14:00", "--minutes", "60"], "YYYY-MM-DD"),
    (["--date", "D1", "--start", "14:00", "--minutes", "0"], "impossible"),
    (["--date", "D1", "--start", "14:00", "--minutes", "900"], "impossible"),
    (["--date", "D1", "--start", "14:00", "--minutes", "60", "--tz", "Not/AZone"],
     "unknown time zone 'Not/AZone'"),
    (["--date", "D1", "--start", "14:00", "--minutes", "60", "--tz", "../../etc/passwd"],
     "unknown time zone"),
])
def test_bad_input_is_one_line_error(berlin, argv, msg, capsys):
    day = berlin.day("2021-11-25")
    argv = [day if a == "D1" else (date.fromisoformat(day) + timedelta(days=30)).isoformat()
            if a == "D+30" else a for a in argv]
    rc = main(["plan", "--lat", "52.52", "--lon", "13.42", "--forecast", str(berlin.path),
               *argv])
    err = capsys.readouterr().err
    assert rc == 2 and msg in err and len(err.strip().splitlines()) == 1


def test_error_forecast_file(tmp_path, capsys):
    bad = tmp_path / "err.json"
    bad.write_text(json.dumps({"error": True, "reason": "Cannot initialize WeatherVariable"}))
    rc = main(["plan", "--lat", "52.52", "--lon", "13.42", "--forecast", str(bad), "--date",
               SOON, "--start", "14:00", "--minutes", "60"])
    assert rc == 2 and "Cannot initialize WeatherVariable" in capsys.readouterr().err


def test_site_from_sites_file_with_alternatives(berlin, tmp_path, capsys):
    sites = gpd.GeoDataFrame({
        "site_id": ["w1", "w2"], "name": ["Dark Wood", "Open Common"], "kind": ["green"] * 2,
        "categories": ["wood", "common"], "access": ["public", "public"], "toilets": [0, 1],
        "shelters": [0, 1], "benches": [0, 0], "drinking_water": [0, 0], "area_ha": [5.0, 9.0],
        "geometry": [Point(13.42, 52.52).buffer(0.002), Point(13.44, 52.52).buffer(0.002)],
    }, crs="EPSG:4326")
    src = tmp_path / "sites.geojson"
    sites.to_file(src, driver="GeoJSON")
    # edit a copy of the real response: strong gusts during the session
    data = json.loads(berlin.path.read_text(encoding="utf-8"))
    h = data["hourly"]
    day = berlin.day("2021-11-26")
    for i, t in enumerate(h["time"]):
        if t.startswith(f"{day}T1") and int(t[11:13]) <= 12:
            h["wind_gusts_10m"][i] = 80
    fc = tmp_path / "gusty.json"
    fc.write_text(json.dumps(data))
    rc = main(["plan", "--site", "w1", "--source", str(src), "--forecast", str(fc), "--date",
               day, "--start", "10:00", "--minutes", "60"])
    out = capsys.readouterr().out
    assert rc == 0 and "RETHINK" in out and "close at 72 km/h" in out
    assert "Forestry England" not in out  # a Berlin site: no UK bodies
    assert "Better-suited sites" in out and "Open Common (w2)" in out and "straight line" in out
    assert "avoids: gusts in woodland" in out and "gust_woodland" not in out
    rc = main(["plan", "--site", "nope", "--source", str(src), "--forecast", str(fc), "--date",
               day, "--start", "10:00", "--minutes", "60"])
    assert rc == 2 and "unknown site id 'nope'" in capsys.readouterr().err


def test_site_from_pbf_woodland_gusts(capsys, monkeypatch):
    """Real Isle of Wight sites: a wood in an 80 km/h gust gets real open alternatives."""
    pbf = paths.shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.is_file():
        pytest.skip("Isle of Wight extract not available")
    import ecoplan.cli.plan as cli_plan

    sites, layers = cli_plan.load_sites(str(pbf))  # the PBF path: read_pbf + build_sites
    assert len(sites) > 50 and {"site_id", "categories", "toilets"} <= set(sites.columns)
    woods = sites[sites["categories"].str.split(";").map(lambda c: "wood" in c)
                  & (sites["access"] != "restricted")]
    assert len(woods)
    sid = str(woods["site_id"].iloc[0])
    monkeypatch.setattr(cli_plan, "load_sites", lambda _src: (sites, layers))  # parse once
    when = ["--date", SOON, "--start", "10:00", "--minutes", "60"]
    rc = main(["plan", "--site", sid, "--source", str(pbf), "--conditions",
               "temp_c=12,gust_kmh=80", *when])
    out = capsys.readouterr().out
    assert rc == 0 and "RETHINK" in out and "Forestry England" in out  # a UK site
    assert "Better-suited sites" in out and "km straight line" in out
    # thunder: rethink, the nearest real building from the extract named, no "better" site
    rc = main(["plan", "--site", sid, "--source", str(pbf), "--conditions",
               "temp_c=12,gust_kmh=20,weather_code=95", *when])
    out = capsys.readouterr().out
    thunder = next(line for line in out.splitlines() if "Thunderstorms" in line)
    assert rc == 0 and "[rethink]" in thunder
    assert "Nearest mapped building:" in thunder and " m from the site" in thunder
    assert "Better-suited sites" not in out


def test_an_unnamed_site_is_described_on_the_sheet_and_event_not_an_id(tmp_path, capsys,
                                                                        monkeypatch):
    """Participants got "Outdoor session: w305954047"; now the site as the app describes it
    ("Wood near Ryde"), and so are the alternatives ("unnamed site (w…)" before)."""
    pbf = paths.shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.is_file():
        pytest.skip("Isle of Wight extract not available")
    import ecoplan.cli.plan as cli_plan
    from ecoplan.sites.describe import describe_unnamed

    sites, layers = cli_plan.load_sites(str(pbf))
    unnamed = sites[(sites["name"].fillna("") == "") & (sites["access"] != "restricted")
                    & sites["categories"].str.contains("wood")]
    top = unnamed.sort_values("area_ha", ascending=False).index[0]
    sid, label = str(sites.loc[top, "site_id"]), describe_unnamed(sites, layers).loc[top]
    monkeypatch.setattr(cli_plan, "load_sites", lambda _src: (sites, layers))
    sheet, ics = tmp_path / "s.html", tmp_path / "s.ics"
    rc = main(["plan", "--site", sid, "--source", str(pbf), "--date", SOON, "--start", "10:00",
               "--minutes", "60", "--conditions", "temp_c=12,gust_kmh=80", "--sheet",
               str(sheet), "--ics", str(ics)])
    out = capsys.readouterr().out
    assert rc == 0 and out.startswith(f"{label}: ") and " near " in label
    assert f"Outdoor session: {label}" in sheet.read_text(encoding="utf-8")
    assert sid not in str(Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]["SUMMARY"])
    assert "unnamed site" not in out and "Better-suited sites" in out


# --- hostile input: forecasts, time zones, outputs, databases (issues 12 and 13) -------------


def _plan_argv(fc_path, day: str) -> list[str]:
    return ["plan", "--lat", "52.52", "--lon", "13.42", "--categories", "park", "--forecast",
            str(fc_path), "--date", day, "--start", "14:00", "--minutes", "60"]


def _one_line_error(capsys, rc: int, match: str) -> str:
    cap = capsys.readouterr()
    assert rc == 2, cap.out
    assert "Traceback" not in cap.err and len(cap.err.strip().splitlines()) == 1, cap.err
    assert match in cap.err, cap.err
    return cap.err


def test_forecast_for_another_place_is_refused(berlin, capsys):
    """The recorded Berlin file for a site on the Isle of Wight: refused, not used."""
    rc = main(["plan", "--lat", "50.70", "--lon", "-1.16", "--forecast", str(berlin.path),
               "--date", berlin.day("2021-11-25"), "--start", "10:00", "--minutes", "60"])
    err = _one_line_error(capsys, rc, "km from the site")
    assert "52.52, 13.42" in err and "somewhere else" in err


def test_past_date_is_refused_for_planning(capsys):
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--date", "2020-06-01", "--start",
               "10:00", "--minutes", "60", "--conditions", "temp_c=15,gust_kmh=10"])
    assert _one_line_error(capsys, rc, "in the past").startswith("ecoplan plan: error: ")


@pytest.mark.parametrize("conditions, match", [
    ("rain_prob=250,wind_kmh=10", "outside the possible range 0–100 %"),
    ("wind_kmh=-40", "outside the possible range 0–410 km/h"),
    ("gust_kmh=Infinity", "not a finite number"),
    ("gust_kmh=inf", "not a finite number"),
    ("rain_mm=1e308", "outside the possible range"),
    ("temp_c=65", "outside the possible range -90–60 °C"),
    ("temp_c=nan", "not a finite number"),
    ("weather_code=95.5", "not a whole WMO weather code"),
    ("uv=-1", "outside the possible range"),
])
def test_impossible_conditions_are_refused(conditions, match, capsys):
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--date", SOON, "--start", "10:00",
               "--minutes", "60", "--conditions", conditions])
    assert _one_line_error(capsys, rc, match).startswith("ecoplan plan: error: ")


def _edit(berlin, tmp_path, name: str, edit) -> str:
    data = json.loads(berlin.path.read_text(encoding="utf-8"))
    edit(data)
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return str(p)


def test_all_null_forecast_is_unknown_never_go(berlin, tmp_path, capsys):
    def nulls(d):
        for k in list(d["hourly"]):
            if k != "time":
                d["hourly"][k] = [None] * len(d["hourly"]["time"])
        d.pop("daily", None)
        d.pop("current", None)
    f = _edit(berlin, tmp_path, "nulls.json", nulls)
    rc = main(_plan_argv(f, berlin.day("2021-11-25")))
    out = capsys.readouterr().out
    assert rc == 0
    assert "UNKNOWN — CHECK THE FORECAST" in out and " GO\n" not in out
    assert "no temperature" in out and "gusts" in out and "weather type" in out


def test_forecast_lacking_gusts_is_unknown_listing_what_is_missing(berlin, tmp_path, capsys):
    def no_gusts(d):
        d["hourly"].pop("wind_gusts_10m")
        d["daily"].pop("wind_gusts_10m_max", None)
    f = _edit(berlin, tmp_path, "nogusts.json", no_gusts)
    rc = main(_plan_argv(f, berlin.day("2021-11-27")))
    out = capsys.readouterr().out
    assert rc == 0 and "UNKNOWN — CHECK THE FORECAST" in out
    assert "the forecast has no gusts for the session" in out and "wind" in out


@pytest.mark.parametrize("edit, match", [
    (lambda d: d.update(timezone=123), "'timezone' is 123"),
    (lambda d: d.update(latitude="north"), "'latitude' is \"north\""),
    (lambda d: d.update(latitude=True), "'latitude' is true"),
    (lambda d: d.update(hourly=[1, 2]), "'hourly' is not an object"),
    (lambda d: d.update(hourly_units=["x"]), "'hourly_units' is not an object"),
    (lambda d: d["hourly"].update(wind_gusts_10m=["fast"] * len(d["hourly"]["time"])),
     "holds \"fast\", not a number"),
    (lambda d: d["hourly"]["wind_gusts_10m"].__setitem__(30, 1e308), "outside the possible"),
    (lambda d: d["hourly"]["temperature_2m"].__setitem__(30, 65.0), "outside the possible"),
    (lambda d: d["daily"]["precipitation_sum"].__setitem__(1, -3), "outside the possible"),
    (lambda d: d["hourly"].update(time=[123] * len(d["hourly"]["time"])), "not dates"),
    (lambda d: d["current"].update(time=["x"]), ""),  # odd 'current' is ignored, not a crash
])
def test_damaged_forecast_files_are_one_line_errors(berlin, tmp_path, capsys, edit, match):
    f = _edit(berlin, tmp_path, "bad.json", edit)
    rc = main(_plan_argv(f, berlin.day("2021-11-25")))
    if not match:
        assert rc == 0, capsys.readouterr().err
        return
    _one_line_error(capsys, rc, match)


def test_non_finite_literals_deep_nesting_and_huge_files_are_refused(berlin, tmp_path, capsys):
    day = berlin.day("2021-11-25")
    text = berlin.path.read_text(encoding="utf-8")
    inf = tmp_path / "inf.json"
    inf.write_text(text.replace('"wind_gusts_10m": [', '"wind_gusts_10m": [Infinity, ', 1)
                   .replace('"time": [', '"time": [', 1), encoding="utf-8")
    err = _one_line_error(capsys, main(_plan_argv(inf, day)), "not valid JSON")
    assert err.startswith("ecoplan plan: error: ")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    err = _one_line_error(capsys, main(_plan_argv(deep, day)), "nested too deeply")
    assert err.startswith("ecoplan plan: error: ")
    huge = tmp_path / "huge.json"
    with huge.open("wb") as fh:
        fh.truncate(6 * 1024 * 1024)  # sparse: 6 MB of zero bytes
    err = _one_line_error(capsys, main(_plan_argv(huge, day)), "over the 5 MB limit")
    assert err.startswith("ecoplan plan: error: ")


def test_cli_subprocess_shows_no_traceback_for_a_bad_time_zone(berlin):
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-m", "ecoplan.cli", *_plan_argv(
        berlin.path, berlin.day("2021-11-25")), "--tz", "Not/AZone"],
        capture_output=True, text=True, timeout=120)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip() == ("ecoplan plan: error: unknown time zone 'Not/AZone'; use an "
                                  "IANA name such as Europe/London")


def _count_plans(db_url: str) -> int:
    from ecoplan.plans.store import PlanStore

    with PlanStore(db_url) as store:
        return store.count()


@pytest.mark.parametrize("target", ["missing-folder/p.ics", "a-folder", "a-file/p.ics"])
def test_bad_ics_target_is_refused_before_anything_is_saved(berlin, tmp_path, capsys, target):
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("x")
    db = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    rc = main([*_plan_argv(berlin.path, berlin.day("2021-11-25")), "--save", "--db", db,
               "--ics", str(tmp_path / target)])
    cap = capsys.readouterr()
    assert rc == 2 and "Traceback" not in cap.err and len(cap.err.strip().splitlines()) == 1
    assert "cannot write the calendar event" in cap.err or "is a folder" in cap.err
    assert cap.out == ""  # refused before the work: no verdict printed, nothing saved
    assert _count_plans(db) == 0


def test_failed_export_saves_no_plan_so_a_retry_makes_no_duplicate(berlin, tmp_path, capsys,
                                                                   monkeypatch):
    """Disk full while writing the .ics: the plan is not saved; the retry saves exactly one."""
    import errno
    import os as os_mod

    import ecoplan.plans._io as pio

    db = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    argv = [*_plan_argv(berlin.path, berlin.day("2021-11-25")), "--save", "--db", db,
            "--sheet", str(tmp_path / "s.html"), "--ics", str(tmp_path / "s.ics")]
    real_replace = os_mod.replace

    def full_disk(src, dst):
        if str(dst).endswith(".ics"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(pio.os, "replace", full_disk)
    rc = main(argv)
    _one_line_error(capsys, rc, "the disk is full")
    assert _count_plans(db) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".ics", ".html",
                                                                       ".tmp")) == []
    monkeypatch.setattr(pio.os, "replace", real_replace)
    assert main(argv) == 0
    assert "Saved as plan 1." in capsys.readouterr().out
    assert _count_plans(db) == 1 and (tmp_path / "s.ics").is_file()


def test_plans_commands_refuse_a_file_that_is_not_a_database(tmp_path, capsys):
    f = tmp_path / "shopping.txt"
    f.write_text("eggs\nmilk\n")
    rc = main(["plans", "--db", f"sqlite:///{f}", "list"])
    _one_line_error(capsys, rc, "not an ecoplan plans database")
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--date", SOON, "--start", "10:00",
               "--minutes", "60", "--conditions", "temp_c=15", "--save", "--db",
               f"sqlite:///{f}"])
    _one_line_error(capsys, rc, "not an ecoplan plans database")
    assert f.read_text() == "eggs\nmilk\n"


def test_plans_list_skips_and_reports_a_damaged_row(tmp_path, capsys):
    import sqlite3

    db = tmp_path / "plans.sqlite"
    for i in range(2):
        assert main(["plan", "--lat", "50.66", "--lon", "-1.15", "--date", SOON, "--start",
                     f"1{i}:00", "--minutes", "60", "--name", f"Walk {i}", "--conditions",
                     "temp_c=15", "--save", "--db", f"sqlite:///{db}"]) == 0
    con = sqlite3.connect(db)
    con.execute("UPDATE plans SET forecast_json = '{oops' WHERE id = 1")
    con.commit()
    con.close()
    capsys.readouterr()
    assert main(["plans", "--db", f"sqlite:///{db}", "list"]) == 0
    cap = capsys.readouterr()
    assert "Walk 1" in cap.out and "Walk 0" not in cap.out
    assert "plan 1 is damaged (its forecast is not valid JSON)" in cap.err
    assert "Traceback" not in cap.err


@pytest.mark.parametrize("kind", ["demo", "osm"])
def test_site_source_takes_demo_and_osm_xml(kind, tmp_path, capsys):
    """--source reads what every other command reads ('demo', .osm XML), not only a PBF."""
    from ecoplan.osm.load import load_layers
    from ecoplan.sites.build import build_sites

    source = "demo"
    if kind == "osm":
        from osm_extract import extract_xml

        pbf = paths.shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
        if not pbf.is_file():
            pytest.skip("Isle of Wight extract not available")
        source = str(extract_xml(pbf, tmp_path / "ryde.osm", (-1.17, 50.725, -1.15, 50.735)))
    layers = load_layers(source)
    sites = build_sites(layers).sites
    top = sites.sort_values("area_ha", ascending=False).iloc[0]
    from ecoplan.sites.describe import describe_unnamed

    label = describe_unnamed(sites, layers).loc[top.name]  # the name, or as the app lists it
    rc = main(["plan", "--site", str(top["site_id"]), "--source", source, "--date", SOON,
               "--start", "12:00", "--minutes", "60", "--conditions",
               "temp_c=12,gust_kmh=20,rain_mm=0,weather_code=3"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert out.startswith(f"{label}: {SOON} 12:00 for 60 min"), out


def test_site_source_of_an_unknown_type_is_one_line(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("not OSM")
    rc = main(["plan", "--site", "w1", "--source", str(notes), "--date", SOON, "--start",
               "12:00", "--minutes", "60", "--conditions", "temp_c=12"])
    assert _one_line_error(capsys, rc, "unknown OSM file type").startswith("ecoplan plan: error: ")


# --- plan --lat/--lon: the site's kind is checked, never guessed as open ground ---------------

_FOREST_GALE = ["plan", "--lat", "50.7165", "--lon", "-1.3303", "--date", SOON, "--start",
                "10:00", "--minutes", "60", "--group-size", "8", "--conditions",
                "temp_c=10,rain_mm=0,gust_kmh=75,weather_code=3"]


def test_a_point_of_unknown_kind_is_checked_as_the_strictest_kind(capsys):
    """Parkhurst Forest with 75 km/h gusts and no --categories was 'GO WITH CARE … open
    ground'; woodland closes at 72 km/h, so the strictest case is rethink."""
    rc = main(_FOREST_GALE)
    out = capsys.readouterr().out
    assert rc == 0
    assert out.splitlines()[0].endswith("RETHINK"), out
    assert "woodland sites close at 72 km/h" in out
    assert "Site kind unknown" in out and "strictest case" in out
    assert "on open ground" not in out


def test_a_calm_point_of_unknown_kind_is_never_plain_go(capsys):
    argv = [a if not a.startswith("temp_c") else "temp_c=12,rain_mm=0,gust_kmh=10,weather_code=1"
            for a in _FOREST_GALE]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("GO WITH CARE") and "Site kind unknown" in out


def test_categories_may_be_separated_by_commas(capsys):
    assert main([*_FOREST_GALE, "--categories", "wood, beach"]) == 0
    out = capsys.readouterr().out
    assert "RETHINK" in out and "in the wooded part" in out and "on the coastal part" in out
    assert "Site kind unknown" not in out


@pytest.mark.parametrize("cats", ["bogus", "wood;bogus", "woods,beach"])
def test_a_site_kind_not_understood_is_refused_listing_the_words(cats, capsys):
    rc = main([*_FOREST_GALE, "--categories", cats])
    err = _one_line_error(capsys, rc, "unknown site kind")
    assert "wood" in err and "beach" in err and "park" in err


def test_source_with_lat_lon_is_refused_not_ignored(capsys):
    rc = main([*_FOREST_GALE, "--categories", "wood", "--source", "demo"])
    err = _one_line_error(capsys, rc, "--source is used with --site only")
    assert err.startswith("ecoplan plan: error:")  # refused before any verdict is given


@pytest.mark.parametrize("day, match", [
    ("9999-12-31", "out of range"),  # was an OverflowError traceback
    ("2226-01-01", "days ahead; plan sessions up to 731 days ahead"),  # was GO
    ((date.today() + timedelta(days=800)).isoformat(), "plan sessions up to 731 days ahead"),
])
def test_far_future_dates_are_one_line_errors(day, match, capsys):
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--categories", "park", "--date", day,
               "--start", "23:00", "--minutes", "120", "--conditions",
               "temp_c=10,rain_mm=0,gust_kmh=10,weather_code=1"])
    err = _one_line_error(capsys, rc, match)
    assert err.startswith("ecoplan plan: error:") and day[:4] in err


def test_forecast_errors_name_options_the_command_has(capsys):
    """'programme check' has no --conditions; the library's message names no option at all,
    and each front end words the hint (the CLI: --offline / --forecast)."""
    from ecoplan.messages import word
    from ecoplan.plans.forecast import ForecastUnreachable, fetch_forecast

    with pytest.raises(ForecastUnreachable) as err:
        fetch_forecast(50.7, -1.3, base_url="http://127.0.0.1:9/", max_attempts=1,
                       backoff_s=0, sleep=lambda s: None)
    text = str(err.value)
    assert "could not be reached" in text and "--" not in text and "by hand" not in text
    cli = word(err.value, "cli")
    assert "--offline" in cli and "--forecast FILE.json" in cli
    assert "offline mode" in word(err.value, "app")


def test_a_bad_db_url_names_the_db_option(capsys):
    assert main(["plans", "--db", "notaurl://x", "list"]) == 2
    err = capsys.readouterr().err
    assert "--db sqlite:///PATH" in err and "valid SQLAlchemy URL" not in err



@pytest.mark.parametrize("conditions, match", [
    ("", "no conditions given"),  # was taken as none: a 13 s online fetch
    ("temp_c=10,temp_c=30", "condition temp_c is given twice"),  # kept the last silently
])
def test_empty_or_repeated_conditions_are_refused(conditions, match, capsys, monkeypatch):
    import ecoplan.plans.forecast as forecast

    def no_network(*a, **k):
        raise AssertionError("fetched a forecast")

    monkeypatch.setattr(forecast, "fetch_forecast", no_network)
    rc = main(["plan", "--lat", "50.66", "--lon", "-1.15", "--categories", "park", "--date",
               SOON, "--start", "10:00", "--minutes", "60", "--conditions", conditions])
    _one_line_error(capsys, rc, match)
