"""``ecoplan route`` end to end on a Ryde clip of the Isle of Wight extract."""

from __future__ import annotations

import math
import re

import gpxpy
import pytest

from ecoplan.cli import main
from ecoplan.cli.route import parse_latlon
from ecoplan.routes.planner import site_start

RYDE_BBOX = "-1.185,50.715,-1.135,50.740"


def test_route_writes_gpx_and_pdf(iow_pbf, tmp_path, capsys):
    gpx, pdf = tmp_path / "walk.gpx", tmp_path / "walk.pdf"
    code = main(["route", str(iow_pbf), f"--bbox={RYDE_BBOX}", "--start", "50.733,-1.158",
                 "--minutes", "30", "--profile", "older-adults", "--alternatives", "2",
                 "--gpx", str(gpx), "--pdf", str(pdf), "--title", "Ryde <sea front>"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Route 1:" in out and "green/blue" in out and "step-free:" in out
    assert "Directions" in out and "© OpenStreetMap contributors" in out
    parsed = gpxpy.parse(gpx.read_text(encoding="utf-8"))
    assert parsed.name == "Ryde <sea front>"
    assert 1275 <= parsed.tracks[0].length_2d() <= 1725  # 30 min at 3 km/h ± 15 %
    assert pdf.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_route_errors_are_one_line(iow_pbf, tmp_path, capsys):
    code = main(["route", str(iow_pbf), f"--bbox={RYDE_BBOX}", "--start", "50.76,-1.15",
                 "--minutes", "30"])
    err = capsys.readouterr().err
    assert code == 2 and "outside the map data" in err and err.count("\n") == 1


@pytest.mark.parametrize(("argv", "message"), [
    (["--start", "fifty,-1"], "LAT,LON"),
    (["--start", "50.7,-1.1", "--minutes", "30", "--gpx", "x.txt"], "use a .gpx file name"),
    (["--start", "50.7,-1.1"], "--minutes"),
    (["--start", "95,-1.1", "--minutes", "30"], "not a valid LAT,LON"),
])
def test_bad_arguments_fail_before_loading(argv, message, capsys, tmp_path):
    code = main(["route", str(tmp_path / "missing.osm.pbf"), *argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_parse_latlon_returns_lon_lat():
    assert parse_latlon("50.733, -1.158") == (-1.158, 50.733)


def test_site_start_uses_an_entrance(iow_sites):
    ent = iow_sites.entrances
    sid = ent["site_id"].iloc[0]
    (lon, lat), name = site_start(iow_sites, sid)
    assert name.startswith("Entrance to")
    assert ((ent.geometry.x - lon).abs() < 1e-9).any()
    with pytest.raises(Exception, match="No site with id"):
        site_start(iow_sites, "w0")


def test_entrance_needs_a_site(capsys, tmp_path):
    code = main(["route", str(tmp_path / "missing.osm.pbf"), "--start", "50.7,-1.1",
                 "--minutes", "30", "--entrance", "2"])
    assert code == 2
    assert "--entrance needs --site" in capsys.readouterr().err


def _site_with_entrances(sites, n: int = 3, bbox: str = RYDE_BBOX) -> str:
    w, s, e, north = (float(v) for v in bbox.split(","))
    ent = sites.entrances.to_crs(4326)
    inside = ent[ent.geometry.x.between(w + 0.01, e - 0.01)
                 & ent.geometry.y.between(s + 0.005, north - 0.005)]
    counts = inside["site_id"].value_counts()
    return str(counts[counts >= n].index[0])


def test_the_start_entrance_can_be_chosen(iow_sites, iow_layers):
    from ecoplan.routes.planner import site_entrances

    sid = _site_with_entrances(iow_sites)
    choices = site_entrances(iow_sites, sid, iow_layers)
    assert len(choices) >= 3
    assert [c.label.split(".")[0] for c in choices] == [str(i) for i in
                                                        range(1, len(choices) + 1)]
    assert site_start(iow_sites, sid)[0] == choices[0].lonlat  # default: the best one
    assert site_start(iow_sites, sid, 2)[0] == choices[1].lonlat
    assert site_start(iow_sites, sid, choices[2].entrance_id)[0] == choices[2].lonlat
    assert len({c.lonlat for c in choices}) == len(choices)
    with pytest.raises(Exception, match=f"choose 1 to {len(choices)}"):
        site_start(iow_sites, sid, len(choices) + 1)


def test_route_from_a_chosen_entrance(iow_pbf, iow_sites, tmp_path, capsys):
    sid = _site_with_entrances(iow_sites, 2)
    gpx = tmp_path / "e2.gpx"
    code = main(["route", str(iow_pbf), f"--bbox={RYDE_BBOX}", "--site", sid,
                 "--entrance", "2", "--minutes", "20", "--alternatives", "1",
                 "--gpx", str(gpx)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "choose with --entrance N" in out
    def latlon(line: str) -> tuple[float, float]:
        lat, lon = (float(v) for v in line.rsplit("(", 1)[1].rstrip(")").split(", "))
        return lat, lon

    chosen = next(line for line in out.splitlines() if line.startswith(" * "))
    best = next(line for line in out.splitlines() if line.startswith("   1. "))
    assert chosen.startswith(" * 2. ")
    start = gpxpy.parse(gpx.read_text(encoding="utf-8")).tracks[0].segments[0].points[0]
    d2, d1 = (math.dist((start.latitude, start.longitude), latlon(x)) for x in (chosen, best))
    assert d2 < 0.002 and d2 < d1  # the walk starts at entrance 2, not at the best one


def test_a_site_with_dozens_of_entrances_lists_the_first_ten_and_the_chosen_one(
        iow_pbf, iow_sites, capsys):
    sid = _site_with_entrances(iow_sites, 14)
    code = main(["route", str(iow_pbf), f"--bbox={RYDE_BBOX}", "--site", sid,
                 "--entrance", "13", "--minutes", "20", "--alternatives", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    listed = [ln for ln in out.splitlines() if re.match(r"^ [ *] \d+\. ", ln)]
    assert [ln.split(".")[0].strip(" *") for ln in listed] == [*map(str, range(1, 11)), "13"]
    assert listed[-1].startswith(" * 13. ")
    more, last = map(int, re.search(r"… and (\d+) more, up to --entrance (\d+) ", out).groups())
    # The "more" are those not listed: entrance 13, shown as chosen, is not one of them.
    assert last - more == 11 and last >= 14


def test_describe_calls_an_out_and_back_walk_so():
    """Issue #3: the terminal says out-and-back when more than half the loop is retraced."""
    from shapely.geometry import LineString, Point

    from ecoplan.cli.route import describe
    from ecoplan.routes.model import Route

    line = LineString([(-1.16, 50.73), (-1.15, 50.73), (-1.16, 50.73)])
    r = Route(line, 1400.0, 17.5, 4.8, True, Point(-1.16, 50.73),
              scores={"share_retraced": 0.8, "toilets": 1}, is_loop=True)
    assert "1.40 km out-and-back walk" in describe(r)[0]
    r = Route(line, 1400.0, 17.5, 4.8, True, Point(-1.16, 50.73),
              scores={"share_retraced": 0.3}, is_loop=True)
    assert "1.40 km loop" in describe(r)[0]
    assert not any("busy roads —" in ln for ln in describe(r))


def test_describe_flags_a_walk_mostly_on_busy_roads():
    """A wood with no paths inside gave a best loop 68 % on busy roads, listed like any other
    walk: the terminal now says so, and what to try instead."""
    from shapely.geometry import LineString, Point

    from ecoplan.cli.route import describe
    from ecoplan.routes.model import Route

    line = LineString([(-1.16, 50.73), (-1.15, 50.73), (-1.16, 50.73)])
    r = Route(line, 4700.0, 58.8, 4.8, True, Point(-1.16, 50.73),
              scores={"share_on_roads": 0.68, "share_any_road": 1.0}, is_loop=True)
    note = describe(r)[-1]
    assert note.startswith("  note: 68% of this walk is on busy roads") and "--avoid-roads" in note


def test_site_route_tries_the_next_entrance(iow_pbf, capsys):
    """Issue #1: no 20-minute walk fits from entrance 1 of w5235001; the CLI tries the next
    entrances, as the programme builder does, and says which one it used."""
    code = main(["route", str(iow_pbf), "--site", "w5235001", "--minutes", "20",
                 "--alternatives", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "No loop from entrance 1 (no loop within ±15% of 1.6 km" in out
    assert re.search(r"starting at entrance 2 \([^)]+\) instead\.", out), out
    chosen = next(line for line in out.splitlines() if line.startswith(" * "))
    assert chosen.startswith(" * 2. ")


def test_unnamed_site_start_is_described(iow_sites, iow_layers):
    """Issue #7: an unnamed wood's start is named as other commands describe it."""
    from ecoplan.routes.planner import site_starts
    from ecoplan.sites.describe import describe_unnamed

    frame = iow_sites.sites
    row = frame[frame["site_id"].astype(str) == "w3407490"]
    label = describe_unnamed(row, iow_layers, iow_sites.crs).iloc[0]
    assert label.startswith("Wood")
    (_, name), = site_starts(iow_sites, "w3407490", limit=1, layers=iow_layers)
    assert name == f"Entrance to {label}"
    (_, bare), = site_starts(iow_sites, "w3407490", limit=1)  # no layers: the kind at least
    assert "w3407490" not in bare and bare.startswith("Entrance to Wood")


@pytest.mark.parametrize("minutes", ["2", "inf", "nan"])
def test_a_walk_time_we_do_not_plan_is_refused_before_the_data_is_read(tmp_path, capsys,
                                                                         minutes):
    """'--minutes 2' was refused only after a 10 s read of the island, and 'inf' read
    "A inf-minute loop": the time is checked first (the file here does not even exist)."""
    missing = tmp_path / "nowhere.osm.pbf"
    assert main(["route", str(missing), "--start", "50.733,-1.158",
                 "--minutes", minutes]) == 2
    err = capsys.readouterr().err
    assert f"A loop of {float(minutes):g} minutes is outside what we plan" in err
    assert "does not exist" not in err
