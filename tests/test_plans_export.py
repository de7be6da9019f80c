"""Calendar (.ics) and printable sheet exports of a plan."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from ecoplan.plans.forecast import Forecast
from ecoplan.plans.ics import plan_to_ics, write_ics
from ecoplan.plans.rules import Group, Session, SiteContext, assess
from ecoplan.plans.sheet import plan_to_html, write_sheet
from ecoplan.plans.store import Plan

TZ = ZoneInfo("Europe/London")


def _plan() -> Plan:
    site = SiteContext.from_categories("heath", site_id="w7", name="<script>alert(1)</script> Down",
                                       lat=50.69, lon=-1.29)
    start = datetime(2026, 7, 4, 10, 30, tzinfo=TZ)
    fc = Forecast.from_conditions(tz="Europe/London", temp_c=32, uv=8, gust_kmh=20)
    a = assess(fc, Session(start, 75), site, Group(size=8))
    return Plan(site_id="w7", site_name=site.name, start=start, minutes=75, lat=50.69,
                lon=-1.29, group=Group(size=8).to_dict(), notes="Meet at the <gate> & café",
                forecast=fc.to_snapshot(), assessment=a.to_dict(), id=12)


def test_ics_parses_back_with_times(tmp_path):
    plan = _plan()
    out = write_ics(plan, tmp_path / "p.ics")
    cal = Calendar.from_ical(out.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    ev = events[0]
    start, end = ev.decoded("dtstart"), ev.decoded("dtend")
    assert start == plan.start and start.utcoffset().total_seconds() == 3600
    assert (end - start).total_seconds() == 75 * 60
    assert "Down" in str(ev["summary"]) and "50.69000" in str(ev["location"])
    geo = ev["geo"]
    assert abs(geo.latitude - 50.69) < 1e-6 and abs(geo.longitude + 1.29) < 1e-6
    desc = str(ev["description"])
    assert "Verdict: rethink" in desc and "First aid kit" in desc
    # hand-entered conditions are not Open-Meteo's: no attribution, say where they came from
    assert "Open-Meteo" not in desc and "conditions entered by hand" in desc
    assert "ecoplan-plan-12@ecoplan" in str(ev["uid"])
    assert b"BEGIN:VTIMEZONE" in plan_to_ics(plan)


def test_sheet_escapes_and_attributes(tmp_path):
    plan = _plan()
    html = plan_to_html(plan)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;gate&gt; &amp; café" in html
    assert "© OpenStreetMap contributors" in html and "Open-Meteo" not in html
    assert "conditions entered by hand" in html
    assert "@page { size: A4" in html and "First aid kit" in html
    assert "Verdict: rethink" in html and "32 °C" in html
    path = write_sheet(plan, tmp_path / "sheet.html")
    assert path.read_text(encoding="utf-8") .startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


def test_sheet_states_the_expected_weather():
    from ecoplan.plans.sheet import weather_line

    w = {"basis": "manual", "t_min": 4.0, "t_max": 4.2, "app_min": None, "precip_total": 2.0,
         "prob_max": None, "gust_max": 75.0, "uv_max": None}
    assert weather_line(w) == "4 °C, 2.0 mm rain, gusts to 75 km/h (entered by hand)"
    assert weather_line({}) == ""
    # Just below freezing reads 0, never "-0" (the sheet said "feels like -0 °C").
    cold = {"t_min": -0.4, "t_max": 0.2, "app_min": -0.2}
    assert weather_line(cold) == "0 °C, feels like 0 °C at the coldest"
    assert weather_line({"t_min": -0.6, "t_max": 0.2}) == "-1–0 °C"


def test_ics_attributes_open_meteo_only_for_its_forecasts():
    from recorded_weather import NL, recorded

    from ecoplan.plans.forecast import parse_forecast

    plan = _plan()
    fc = parse_forecast(recorded(NL))
    plan.forecast = fc.to_snapshot()
    desc = str(next(iter(Calendar.from_ical(plan_to_ics(plan)).walk("VEVENT")))["description"])
    assert "Weather data by Open-Meteo.com" in desc
    assert "Weather data by Open-Meteo.com" in plan_to_html(plan)


def test_ics_strips_control_characters_from_osm_names():
    """RFC 5545 §3.3.11: TEXT holds no control characters; OSM names are untrusted."""
    plan = _plan()
    plan.site_name = "Evil\x07 Park\x00\x1b[31m\rBEGIN:VEVENT\x7f\u2028X"
    plan.notes = "line one\r\nline two\x0c"
    raw = plan_to_ics(plan)
    text = raw.decode("utf-8")
    for ch in ("\x00", "\x07", "\x1b", "\x7f", "\x0c", "\u2028"):
        assert ch not in text, repr(ch)
    # the only raw line breaks are the CRLF line ends (and folds) of the format itself
    assert "\r" not in text.replace("\r\n", "")
    ev = next(iter(Calendar.from_ical(raw).walk("VEVENT")))
    assert str(ev["summary"]).startswith("Outdoor session: Evil  Park")
    assert len(list(Calendar.from_ical(raw).walk("VEVENT"))) == 1  # no injected event
    assert "line one\nline two" in str(ev["description"])
