"""Daylight for outdoor sessions: start after sunrise, finish well before sunset.

Every session must start ``AFTER_SUNRISE_MIN`` after sunrise and end ``DAYLIGHT_MARGIN_MIN``
before sunset at its site (``settings.programmes``; times computed offline with astral through
the planner adapter). A session that cannot fit gets a message with the latest start that
would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from ecoplan.errors import EcoplanError
from ecoplan.programmes import weather
from ecoplan.settings import programmes as programmes_cfg


class DaylightError(EcoplanError):
    """A session cannot fit in daylight."""


def daylight_problem(start: datetime, minutes: int, lat: float, lon: float, tz: str,
                     number: int) -> tuple[datetime | None, str]:
    """(sunset, '' or the message saying why the session does not fit in daylight)."""
    sunrise, sunset = weather.sun_times(lat, lon, start.date(), tz)
    if sunset is None or sunrise is None:
        return None, ""
    end = start + timedelta(minutes=minutes)
    margin = timedelta(minutes=programmes_cfg.DAYLIGHT_MARGIN_MIN)
    latest_end = sunset - margin
    if end > latest_end:
        latest_start = latest_end - timedelta(minutes=minutes)
        return sunset, (
            f"session {number} on {start:%a %-d %b %Y} ends at {end:%H:%M}, but sunset there "
            f"is {sunset:%H:%M} and walks finish {programmes_cfg.DAYLIGHT_MARGIN_MIN:.0f} min "
            f"before "
            f"sunset (by {latest_end:%H:%M}): start by {latest_start:%H:%M}, or shorten the "
            "walks")
    earliest = sunrise + timedelta(minutes=programmes_cfg.AFTER_SUNRISE_MIN)
    if start < earliest:
        return sunset, (
            f"session {number} on {start:%a %-d %b %Y} starts at {start:%H:%M}, but sunrise "
            f"there is {sunrise:%H:%M}: start at {earliest:%H:%M} or later "
            f"({programmes_cfg.AFTER_SUNRISE_MIN:.0f} min after sunrise)")
    return sunset, ""


def check_daylight(starts: Sequence[datetime], minutes: int, lat: float, lon: float,
                   tz: str) -> None:
    """Raise :class:`DaylightError` for the first session that cannot fit in daylight."""
    for i, start in enumerate(starts, 1):
        _, problem = daylight_problem(start, minutes, lat, lon, tz, i)
        if problem:
            raise DaylightError(problem)


