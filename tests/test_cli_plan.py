"""``ecoplan plan`` and ``ecoplan plans`` end to end (no network)."""

from __future__ import annotations

import importlib.util
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
    assert "by hand" in capsys.readouterr().err


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
    if importlib.util.find_spec("ecoplan.sites.build") is None:
        pytest.skip("ecoplan.sites.build (lead's API) not built yet")
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
