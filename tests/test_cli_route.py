"""``ecoplan route`` end to end on a Ryde clip of the Isle of Wight extract."""

from __future__ import annotations

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
