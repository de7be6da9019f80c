"""Sunrise, sunset and civil dusk, computed offline (astral) so plans work without a network.

When the forecast carries its own daily sunrise/sunset we prefer those (they are what the
user sees in weather apps) but keep astral's civil dusk, and note any disagreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import elevation, sun

#: Minutes of disagreement between forecast and astral worth mentioning (our choice: astral
#: and Open-Meteo both model refraction; >10 min means the wrong place or time zone).
DISAGREE_MIN = 10.0


@dataclass(frozen=True)
class Daylight:
    day: date
    sunrise: datetime | None
    sunset: datetime | None
    dusk: datetime | None  # civil dusk: sun 6° below the horizon
    source: str  # 'astral' | 'forecast'
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: With no sunrise/sunset: 'night' (polar night, the sun never rises: dark all day) or
    #: 'day' (midnight sun, or twilight all night); '' when there are sunrise and sunset.
    polar: str = ""


def astral_daylight(lat: float, lon: float, day: date, tz: str) -> Daylight:
    """Daylight from astral; polar day/night gives None times with a note."""
    zone = ZoneInfo(tz)
    try:
        s = sun(Observer(latitude=lat, longitude=lon), date=day, tzinfo=zone)
    except ValueError as err:  # sun never rises/sets (polar day or night)
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        up = max_sun_elevation(lat, lon, midnight, midnight + timedelta(days=1), step_min=15)
        return Daylight(day, None, None, None, "astral",
                        (f"No sunrise/sunset on {day} at {lat:.2f}, {lon:.2f} ({err}).",),
                        polar="day" if up > 0 else "night")
    return Daylight(day, s["sunrise"], s["sunset"], s["dusk"], "astral")


def session_daylight(lat: float | None, lon: float | None, day: date, tz: str,
                     forecast_sunrise: datetime | None = None,
                     forecast_sunset: datetime | None = None) -> Daylight:
    """Forecast sunrise/sunset when given, astral otherwise; civil dusk always from astral."""
    calc = astral_daylight(lat, lon, day, tz) if lat is not None and lon is not None else None
    if forecast_sunrise is None or forecast_sunset is None:
        if calc is None:
            return Daylight(day, None, None, None, "none",
                            ("No location and no forecast sunrise/sunset: daylight not checked.",))
        return calc
    notes: list[str] = []
    dusk = calc.dusk if calc else None
    if calc and calc.sunset and calc.sunrise:
        diff = max(abs((forecast_sunset - calc.sunset).total_seconds()),
                   abs((forecast_sunrise - calc.sunrise).total_seconds())) / 60
        if diff > DISAGREE_MIN:
            notes.append(f"Forecast sunrise/sunset differ from the astronomical calculation by "
                         f"{diff:.0f} min; check the place and time zone.")
    return Daylight(day, forecast_sunrise, forecast_sunset, dusk, "forecast", tuple(notes))


def max_sun_elevation(lat: float, lon: float, start: datetime, end: datetime,
                      step_min: int = 10) -> float:
    """Highest sun elevation (degrees) between ``start`` and ``end`` (tz-aware), sampled every
    ``step_min`` minutes plus the end — enough to tell whether UV can matter at all."""
    obs = Observer(latitude=lat, longitude=lon)
    t, best = start, -90.0
    while True:
        best = max(best, elevation(obs, t))
        if t >= end:
            return best
        t = min(t + timedelta(minutes=step_min), end)
