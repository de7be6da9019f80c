"""Offline daylight (astral) against the forecast's own sunrise/sunset."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecoplan.plans.daylight import astral_daylight, session_daylight
from ecoplan.plans.forecast import Forecast, parse_forecast
from ecoplan.plans.rules import CARE, GO, RETHINK, Group, Session, SiteContext, assess
from ecoplan.settings import paths


@pytest.mark.parametrize("name", [
    "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json",
    "open-meteo_forecast_netherlands_2026-10-03_dry-calm_cropped.json",
])
def test_astral_agrees_with_recorded_forecast(name):
    p = paths.shared_data_dir() / "weather" / name
    if not p.is_file():
        pytest.skip(f"recorded forecast {name} not available")
    fc = parse_forecast(json.loads(p.read_text(encoding="utf-8")))
    assert len(fc.daily) >= 3
    for _, row in fc.daily.iterrows():
        calc = astral_daylight(fc.latitude, fc.longitude, row["date"], fc.timezone)
        assert abs((calc.sunrise - row["sunrise"]).total_seconds()) < 4 * 60
        assert abs((calc.sunset - row["sunset"]).total_seconds()) < 4 * 60
        assert calc.sunset < calc.dusk  # civil dusk after sunset
        assert 20 < (calc.dusk - calc.sunset).total_seconds() / 60 < 60


def test_london_midwinter_and_polar_night():
    d = astral_daylight(51.5074, -0.1278, date(2025, 12, 21), "Europe/London")
    assert d.sunset.strftime("%H:%M") in {"15:53", "15:54", "15:55"}
    assert d.sunrise.tzinfo is not None and d.sunrise.utcoffset().total_seconds() == 0
    polar = astral_daylight(78.22, 15.65, date(2025, 12, 21), "Arctic/Longyearbyen")
    assert polar.sunset is None and polar.notes


def test_session_daylight_prefers_forecast_and_flags_disagreement():
    tz = ZoneInfo("Europe/London")
    rise = datetime(2025, 6, 21, 4, 43, tzinfo=tz)
    set_ = datetime(2025, 6, 21, 21, 21, tzinfo=tz)
    d = session_daylight(51.5, -0.13, date(2025, 6, 21), "Europe/London", rise, set_)
    assert d.source == "forecast" and d.sunset == set_ and d.dusk > set_ and not d.notes
    wrong = session_daylight(51.5, -0.13, date(2025, 6, 21), "Europe/London", rise,
                             set_.replace(hour=19))
    assert wrong.notes and "differ" in wrong.notes[0]


# --- darkness in the verdict: a large part in the dark is rethink, at both ends of the day ----

_LONDON = ZoneInfo("Europe/London")
_PARK = SiteContext.from_categories("park", name="Park", lat=50.7165, lon=-1.3303)
_CALM = {"temp_c": 10, "rain_mm": 0, "gust_kmh": 10, "weather_code": 1, "uv": 1}


def _daylight_reasons(site: SiteContext, start: datetime, minutes: int):
    fc = Forecast.from_conditions(tz=str(start.tzinfo), lat=site.lat, lon=site.lon, **_CALM)
    a = assess(fc, Session(start, minutes), site, Group(size=8))
    return a, [r for r in a.reasons if r.rule == "daylight"]


@pytest.mark.parametrize("start, minutes, level", [
    ((0, 30), 480, RETHINK),   # the tester's 00:30–08:30 was "go with care"
    ((7, 0), 90, RETHINK),     # 54 of 90 min before the 07:54 sunrise
    ((7, 0), 60, RETHINK),     # 07:00–08:00 was care while 06:30–07:30 was rethink
    ((7, 30), 60, RETHINK),    # 24 min dark, but 40 % of the session (over a quarter)
    ((7, 45), 90, CARE),       # 9 of 90 min: a dim start, not a night walk
])
def test_a_session_largely_before_sunrise_is_rethink(start, minutes, level):
    when = datetime(2026, 12, 8, *start, tzinfo=_LONDON)  # sunrise 07:54 on the island
    a, dark = _daylight_reasons(_PARK, when, minutes)
    assert [r.level for r in dark] == [level], a.reasons
    assert "walking in the dark" in dark[0].text and f"of its {minutes} min" in dark[0].text


def test_polar_night_is_dark_all_day_never_go():
    site = SiteContext.from_categories("park", name="Longyearbyen", lat=78.22, lon=15.65)
    when = datetime(2026, 12, 20, 12, 0, tzinfo=ZoneInfo("Arctic/Longyearbyen"))
    a, dark = _daylight_reasons(site, when, 60)
    assert a.level == RETHINK and [r.level for r in dark] == [RETHINK]
    assert "polar night" in dark[0].text
    assert astral_daylight(78.22, 15.65, date(2026, 12, 20), "Arctic/Longyearbyen").polar == \
        "night"


def test_midnight_sun_is_no_daylight_problem():
    site = SiteContext.from_categories("park", name="Longyearbyen", lat=78.22, lon=15.65)
    when = datetime(2027, 6, 20, 2, 0, tzinfo=ZoneInfo("Arctic/Longyearbyen"))
    a, dark = _daylight_reasons(site, when, 60)
    assert not dark and a.level == GO, a.reasons
    assert astral_daylight(78.22, 15.65, date(2027, 6, 20), "Arctic/Longyearbyen").polar == "day"
