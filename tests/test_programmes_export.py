"""The programme as files: the printed leaflet (pdfinfo, pdftoppm, pdftotext), one calendar
with every session, one GPX per session — on the real winter programme and hostile names."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import gpxpy
import numpy as np
import pytest
from icalendar import Calendar
from matplotlib.image import imread
from programme_fixtures import HOSTILE, winter_programme

from ecoplan.errors import EcoplanError
from ecoplan.programmes.export import (
    gpx_zip,
    programme_to_ics,
    session_gpx,
    write_gpx_dir,
    write_ics,
)
from ecoplan.programmes.leaflet import LeafletOptions, build_pages, leaflet_pdf, smallest_text_pt
from ecoplan.programmes.model import Verdict


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.skip(f"{name} (poppler-utils) is not installed")
    return exe


def _pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run([_tool("pdfinfo"), str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in out.splitlines()
                                              if ":" in ln)}


def _size(info: dict[str, str]) -> tuple[int, int]:
    w, _, h, *_ = info["Page size"].split()
    return round(float(w)), round(float(h))


def _text(path: Path, page: int | None = None) -> str:
    cmd = [_tool("pdftotext"), "-layout"]
    if page is not None:
        cmd += ["-f", str(page), "-l", str(page)]
    return subprocess.run(cmd + [str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def winter(iow_layers, iow_sites):
    return winter_programme(iow_layers, iow_sites)


@pytest.fixture(scope="module")
def a4(winter, iow_layers, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("leaflet") / "winter.pdf"
    path.write_bytes(leaflet_pdf(winter, iow_layers))
    return path


def test_leaflet_has_a_cover_and_a_page_per_session(a4):
    info = _pdfinfo(a4)
    assert int(info["Pages"]) == 1 + 8
    assert _size(info) == (595, 842)  # A4 portrait, points


def test_leaflet_renders_every_page(a4, tmp_path):
    subprocess.run([_tool("pdftoppm"), "-r", "30", "-png", str(a4), str(tmp_path / "p")],
                   check=True, capture_output=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 9
    for png in pngs:
        img = imread(png)[..., :3]
        dark = (img.mean(axis=2) < 0.5).mean()
        assert 0.005 < dark < 0.5, (png.name, dark)  # text and lines, not blank, not black
    maps = [imread(p)[..., :3] for p in pngs[1:]]
    for img in maps:  # session pages carry the map's green and blue ground
        colours = np.unique((img.reshape(-1, 3) * 20).round(), axis=0)
        assert len(colours) > 30


def test_cover_lists_every_date_and_the_leader(a4, winter):
    cover = _text(a4, 1)
    assert "Winter walks" in cover and "Sam Jones" in cover and "07700 900123" in cover
    for s in winter.sessions:
        assert f"{s.start:%a %-d %b}" in cover
    assert "© OpenStreetMap contributors" in cover


def test_session_pages_have_the_facts(a4, winter):
    for s in winter.sessions:
        page = _text(a4, s.number + 1)
        flat = " ".join(page.split())
        site = winter.site(s.site_id)
        assert f"{s.start:%A %-d %B}" in flat
        assert site.meeting.grid_ref in flat
        assert f"{site.to_route().length_m / 1000:.1f} km loop" in flat
        assert "Step-free: no steps, stiles or kissing gates" in flat
        assert "Toilets:" in flat and "What to bring (winter)" in flat
        assert "Warm layers" in flat
        assert "© OpenStreetMap contributors" in flat


def test_large_print_is_at_least_14_pt_everywhere(winter, iow_layers):
    for paper in ("A4", "A5"):
        figs = build_pages(winter, iow_layers, LeafletOptions(paper, large_print=True))
        assert smallest_text_pt(figs) >= 14
        assert len(figs) >= 9
    standard = build_pages(winter, iow_layers, LeafletOptions("A4"))
    assert smallest_text_pt(standard) < 14  # the check can tell the difference


def test_a5_large_print_pdf(winter, iow_layers, tmp_path):
    path = tmp_path / "a5.pdf"
    path.write_bytes(leaflet_pdf(winter, iow_layers, paper="A5", large_print=True))
    info = _pdfinfo(path)
    assert _size(info) == (420, 595)
    text = " ".join(_text(path).split())
    # nothing is cut: every session's bring list and weather line are printed somewhere
    assert text.count("What to bring (winter)") == 8
    assert text.count("The leader checks the forecast") == 8


def test_hostile_names_print_literally(winter, iow_layers, tmp_path):
    spec = replace(winter.spec, name=HOSTILE, leader_contact="$x$ <i>")
    first = winter.site(winter.sessions[0].site_id)
    pool = tuple(replace(p, name=HOSTILE) if p.site_id == first.site_id else p
                 for p in winter.pool)
    hostile = replace(winter, spec=spec, pool=pool, sessions=winter.sessions[:1])
    path = tmp_path / "hostile.pdf"
    path.write_bytes(leaflet_pdf(hostile, iow_layers))
    flat = " ".join(_text(path).split())
    assert "$\\frac{1}{2}$" in flat and "<b>&</b>" in flat and "$x$ <i>" in flat


def test_paper_must_be_a4_or_a5(winter, iow_layers):
    with pytest.raises(EcoplanError, match="A4 or A5"):
        leaflet_pdf(winter, iow_layers, paper="Letter")


def test_calendar_has_eight_events(winter, tmp_path):
    path = write_ics(winter, tmp_path / "walks.ics")
    cal = Calendar.from_ical(path.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 8
    assert len({str(e["UID"]) for e in events}) == 8
    for e, s in zip(events, winter.sessions, strict=True):
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert start == s.start and end == s.end and start.tzinfo is not None
        site = winter.site(s.site_id)
        assert site.meeting.grid_ref in str(e["LOCATION"])
        desc = str(e["DESCRIPTION"])
        assert "What to bring" in desc and "Warm layers" in desc
        assert f"{site.to_route().length_m / 1000:.1f} km loop" in desc
        geo = e.decoded("GEO")
        assert tuple(geo) == pytest.approx((site.meeting.lat, site.meeting.lon), abs=1e-5)
    assert "© OpenStreetMap contributors" in str(events[0]["DESCRIPTION"])
    assert "Open-Meteo" not in str(events[1]["DESCRIPTION"])  # no forecast used for it


def test_calendar_sequence_follows_the_version(winter):
    v3 = replace(winter, id=7, version=3)
    cal = Calendar.from_ical(programme_to_ics(v3))
    ev = list(cal.walk("VEVENT"))[2]
    assert int(ev["SEQUENCE"]) == 3 and str(ev["UID"]).startswith("ecoplan-programme-7-")


def test_weather_attribution_when_a_forecast_was_used(winter):
    s1 = replace(winter.sessions[0], verdict=Verdict("go", "go: calm", checked_at="2026-12-01",
                                                      source="recorded forecast"))
    cal = Calendar.from_ical(programme_to_ics(winter.with_session(s1)))
    assert "Weather data by Open-Meteo.com" in str(list(cal.walk("VEVENT"))[0]["DESCRIPTION"])


def test_hostile_text_in_the_calendar_round_trips(winter):
    hostile = replace(winter, spec=replace(winter.spec, name=HOSTILE + "\nBEGIN:VEVENT"))
    cal = Calendar.from_ical(programme_to_ics(hostile))
    assert len(list(cal.walk("VEVENT"))) == 8  # no injected event
    assert HOSTILE in str(list(cal.walk("VEVENT"))[0]["SUMMARY"])


def test_one_gpx_per_session(winter, tmp_path):
    paths = write_gpx_dir(winter, tmp_path / "gpx")
    assert len(paths) == 8 and len({p.name for p in paths}) == 8
    for p, s in zip(paths, winter.sessions, strict=True):
        gpx = gpxpy.parse(p.read_text(encoding="utf-8"))
        pts = gpx.tracks[0].segments[0].points
        route = winter.site(s.site_id).to_route()
        assert len(pts) == len(route.geometry.coords)
        assert (pts[0].longitude, pts[0].latitude) == pytest.approx(route.geometry.coords[0])
        assert f"{s.number}: {s.start:%a %-d %b %Y}" in gpx.name
        assert "OpenStreetMap" in (gpx.copyright_author or "")
    with zipfile.ZipFile(io.BytesIO(gpx_zip(winter))) as z:
        assert sorted(z.namelist()) == sorted(p.name for p in paths)
        assert z.read(paths[0].name).decode() == session_gpx(winter, winter.sessions[0])
