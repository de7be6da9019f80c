"""The one place programmes meet the session planner: verdicts, site features, habitats.

Why one adapter: the planner's verdict API is evolving (levels may become an Enum, an
"unknown" verdict may appear, forecasts for the wrong place or time may be refused). Everything
a programme needs from :mod:`ecoplan.plans.rules` goes through the functions here, and any
level we do not recognise becomes "check again" — never go.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from shapely.geometry import Point

from ecoplan.errors import EcoplanError
from ecoplan.plans.alternatives import haversine_m
from ecoplan.plans.daylight import astral_daylight
from ecoplan.plans.rules import Group, Session, SiteContext, assess
from ecoplan.programmes.model import CARE, CHECK, GO, LATER, RETHINK, PoolSite, Verdict
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.settings import weather as wcfg

#: Planner level (its value or its name, lower case) → programme level.
_KNOWN: dict[str, str] = {
    "go": GO, "go with care": CARE, "go_with_care": CARE, "care": CARE, "rethink": RETHINK,
}
#: Order of levels from best to worst, for sorting proposals.
RANK: dict[str, int] = {GO: 0, CARE: 1, LATER: 2, CHECK: 3, RETHINK: 4}


def normalise_level(level: Any) -> str:
    """A planner verdict level as one of ours; anything unrecognised is "check again"."""
    for candidate in (getattr(level, "value", None), getattr(level, "name", None), level):
        if isinstance(candidate, str) and candidate.strip().lower() in _KNOWN:
            return _KNOWN[candidate.strip().lower()]
    return CHECK


def site_context(site: PoolSite) -> SiteContext:
    """The planner's view of a pool site (woodland, coast, shelter, toilets, location)."""
    row = {"site_id": site.site_id, "name": site.name, "categories": site.categories,
           "shelters": site.shelters, "toilets": site.toilets + site.route_toilets,
           "geometry": Point(site.lon, site.lat) if site.lat is not None else None}
    return SiteContext.from_site_row(row)


def habitat(categories: str) -> str:
    """Woodland, water, open ground or park — from the site's largest part first."""
    for cat in str(categories or "").split(";"):
        ctx = SiteContext.from_categories(cat)
        if ctx.woodland:
            return "woodland"
        if ctx.coast or ctx.water:
            return "water"
        if ctx.open_ground:
            return "open ground"
    return "park"


def unsurfaced(categories: str) -> bool:
    """Paths likely earth or grass (mud when wet), by the planner's vocabulary."""
    return SiteContext.from_categories(str(categories or "")).unsurfaced


def sun_times(lat: float, lon: float, day: date, tz: str) -> tuple[datetime | None,
                                                                   datetime | None]:
    """(sunrise, sunset) at a place and day, computed offline; (None, None) in polar day/night."""
    d = astral_daylight(lat, lon, day, tz)
    return d.sunrise, d.sunset


def group_for(size: int, leaders: int, profile: str) -> Group:
    return Group(size=size, leaders=leaders, profile=profile)


def check_from(day: date) -> date:
    """The first day a forecast of ``FORECAST_DAYS`` days covers ``day``."""
    return day - timedelta(days=wcfg.FORECAST_DAYS - 1)


def later(day: date, today: date, why: str = "") -> Verdict:
    """The verdict of a session no forecast covers yet (or a plain "check again")."""
    start = check_from(day)
    if start > today:
        return Verdict(LATER, f"check the forecast from {start:%a %-d %b}", check_from=(
            start.isoformat()))
    text = why or "no forecast for this session"
    return Verdict(CHECK, f"check again: {text}", reasons=(text,))


def _sentences(texts: Any) -> str:
    """Reasons joined as sentences, each with one full stop: a proposal or leaflet that shows
    only the first reason hid the 80 km/h gusts behind a cold warning."""
    out = [t.strip().rstrip(".").strip() for t in texts if t and t.strip()]
    return " ".join(f"{t}." for t in out if t)


def session_verdict(fc: Any, start: datetime, minutes: int, site: PoolSite, group: Group, *,
                    today: date, source: str = "") -> Verdict:
    """Verdict of one session at one site from a forecast (``plans.forecast.Forecast``)."""
    now = datetime.now(start.tzinfo).isoformat(timespec="seconds")
    day = start.date()
    if not fc.is_manual:
        # Another place first: a forecast for the wrong place is no use on any date.
        if (fc.latitude is not None and fc.longitude is not None and site.lat is not None
                and site.lon is not None):
            km = haversine_m(site.lat, site.lon, fc.latitude, fc.longitude) / 1000
            if km > programmes_cfg.FORECAST_MAX_KM:
                why = (f"the forecast is for {fc.latitude:.2f}, {fc.longitude:.2f}, {km:,.0f} km "
                       f"from {site.name}")
                return Verdict(CHECK, f"check again: {why}", (why,), checked_at=now)
        dates = fc.dates()
        if dates and day > dates[-1]:
            v = later(day, today, f"the forecast ends on {dates[-1]:%-d %b}")
            return Verdict(v.level, v.summary, v.reasons, checked_at=now,
                           check_from=v.check_from)
    try:
        a = assess(fc, Session(start, int(minutes)), site_context(site), group)
    except EcoplanError as err:
        why = str(err)
        return Verdict(CHECK, f"check again: {why}", (why,), checked_at=now)
    level = normalise_level(a.level)
    found = tuple(getattr(a, "reasons", ()))
    reasons = tuple(str(getattr(r, "text", r)) for r in found)
    top = _sentences(str(getattr(r, "text", r)) for r in found
                     if normalise_level(getattr(r, "level", None)) == level) or \
        _sentences(reasons)
    if level == CHECK:
        summary = f"check again: {top or f'the planner said {a.level!r}'}"
    else:
        summary = f"{level}: {top}" if top else \
            f"{level}: no weather, daylight or group warnings"
    note = str(getattr(a, "participant_note", "") or "")
    return Verdict(level, summary, reasons, participant_note=note, checked_at=now,
                   source=source)


ATTRIBUTION = wcfg.ATTRIBUTION
