"""Offline daylight (astral) against the forecast's own sunrise/sunset."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ecoplan.plans.daylight import astral_daylight, session_daylight
from ecoplan.plans.forecast import parse_forecast
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
