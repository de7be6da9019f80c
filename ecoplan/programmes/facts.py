"""The facts of one session in the words participants read — shared by the leaflet, the
calendar, the CLI and the app so they never disagree.

Text from OpenStreetMap (site and stop names) is untrusted: these functions return plain
strings; each output escapes them for its own format (PDF text without mathtext, iCalendar
escaping, Markdown escaping in the app).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ecoplan.programmes import weather
from ecoplan.programmes.model import (
    CARE,
    GO,
    RETHINK,
    PoolSite,
    Programme,
    ProgrammeSession,
)
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.support.help import fmt_distance


@dataclass(frozen=True)
class SessionFacts:
    title: str  # '3 · Thursday 17 December'
    when: str  # '10:00–11:00 (60 min)'
    place: str
    habitat: str
    meeting: str  # 'Entrance to X'
    grid_ref: str  # 'OS grid reference SZ 6376 8993' or why there is none
    latlon: str
    bus: str
    walk: str  # '2.8 km loop, about 56 min at 3 km/h'
    step_free: str
    toilets: str
    rest: str  # benches and shelter
    daylight: str
    weather: str
    bring: tuple[str, ...]
    note: str  # e.g. moved for the weather


def loop_km(route: dict) -> float:
    """The loop's length in km, rounded once from the raw metres to the 0.1 km every output
    shows: rounding an already-rounded figure again made the table and the detail differ."""
    return round(route.get("length_m", 0) / 1000, 1)


def walk_minutes(route: dict) -> int:
    """The loop's walking time in whole minutes, rounded once from the raw figure."""
    return round(route.get("minutes", 0))


def hours_before_sunset(minutes: float) -> float:
    """Hours to spare before sunset, to 0.1 h, from the raw minutes (not whole minutes)."""
    return round(minutes / 60, 1)


def _dist(metres: float | None, basis: str) -> str:
    if metres is None:
        return ""
    return f"{fmt_distance(metres)} {'walk' if basis == 'walk' else 'in a straight line'}"


def season(session: ProgrammeSession) -> str:
    return programmes_cfg.SEASONS[session.start.month]


def what_to_bring(programme: Programme, session: ProgrammeSession) -> tuple[str, ...]:
    """Seasonal list, the site's extras (mud, no toilets) and the weather note if checked."""
    site = programme.site(session.site_id)
    items = list(programmes_cfg.BRING[season(session)])
    if weather.unsurfaced(site.categories):
        items.append(programmes_cfg.BRING_UNSURFACED)
    if not _has_toilets(site):
        items.append(programmes_cfg.BRING_NO_TOILETS)
    v = session.verdict
    if v is not None and v.participant_note and v.level in (GO, CARE, RETHINK):
        items.append(f"For the forecast: {v.participant_note}")
    return tuple(dict.fromkeys(items))


def _has_toilets(site: PoolSite) -> bool:
    m = site.meeting
    return site.route_toilets > 0 or site.toilets > 0 or (m is not None and m.toilets_m is
                                                          not None)


def toilets_text(site: PoolSite) -> str:
    """Where the toilets are, e.g. '2 on the route; nearest to the meeting point 350 m walk'."""
    m = site.meeting
    parts = []
    if site.route_toilets:
        parts.append(f"{site.route_toilets} on the route")
    if m is not None and m.toilets_m is not None:
        name = f" ({m.toilets})" if m.toilets and m.toilets != "Toilets" else ""
        parts.append(f"nearest to the meeting point {_dist(m.toilets_m, m.toilets_basis)}"
                     f"{name}")
    elif site.toilets:
        parts.append("at the site (see the map)")
    if not parts:
        return (f"none mapped within {fmt_distance(programmes_cfg.TOILETS_MAX_M)} — use one "
                f"before you "
                "come")
    return "; ".join(parts)


def used_forecast(session: ProgrammeSession) -> bool:
    """Whether the session's verdict came from a forecast (its attribution is then due)."""
    return session.verdict is not None and bool(session.verdict.source)


def weather_text(session: ProgrammeSession, today: date | None = None) -> str:
    """What participants are told about the weather for a session."""
    v = session.verdict
    if v is not None and v.level in (GO, CARE, RETHINK) and v.checked_at:
        when = pd.Timestamp(v.checked_at)
        return (f"Forecast checked {when:%a %-d %b}: {v.summary.rstrip('. ')}. The leader "
                "will tell you of any change.")
    start = weather.check_from(session.start.date())
    when = (f"from {start:%a %-d %b}" if start > (today or date.today())
            else "before the walk")
    return (f"The leader checks the forecast {when} and will tell you if the walk moves or is "
            "called off.")


def facts(programme: Programme, session: ProgrammeSession) -> SessionFacts:
    site = programme.site(session.site_id)
    route = site.route or {}
    m = site.meeting
    when = f"{session.start:%H:%M}–{session.end:%H:%M} ({session.minutes} min)"
    title = f"{session.number} · {session.start:%A %-d %B}"
    if m is not None:
        grid = (f"OS grid reference {m.grid_ref}" if m.grid_ref
                else f"No OS grid reference ({m.grid_note})")
        latlon = f"lat {m.lat:.5f}, lon {m.lon:.5f}"
        bus = (f"Nearest bus stop: {m.bus_stop}, {_dist(m.bus_stop_m, m.bus_stop_basis)}"
               if m.bus_stop_m is not None
               else f"No bus stop mapped within {fmt_distance(programmes_cfg.BUS_STOP_MAX_M)}")
        meeting = m.name
    else:
        grid = latlon = bus = ""
        meeting = site.name
    walk = (f"{loop_km(route):.1f} km loop, about {walk_minutes(route)} min at "
            f"{route.get('speed_kmh', 0):g} km/h") if route else "no route"
    obstacles = int(route.get("scores", {}).get("obstacles", 0))
    step_free = ("Step-free: no steps, stiles or kissing gates on the route"
                 if route.get("step_free") else
                 f"Not step-free: {obstacles} stretch{'es' if obstacles != 1 else ''} with "
                 "steps, stiles or kissing gates")
    benches = site.route_benches
    rest_parts = [f"{benches} bench{'es' if benches != 1 else ''} on the way" if benches
                  else "no benches mapped on the way"]
    rest_parts.append("shelter at the site" if site.shelters else "no shelter mapped")
    left = session.minutes_before_sunset
    daylight = (f"Ends {hours_before_sunset(left):.1f} h before sunset ({session.sunset:%H:%M})"
                if left is not None and session.sunset is not None else "")
    wx = weather_text(session)
    return SessionFacts(
        title=title, when=when, place=site.name, habitat=site.habitat, meeting=meeting,
        grid_ref=grid, latlon=latlon, bus=bus, walk=walk, step_free=step_free,
        toilets=f"Toilets: {toilets_text(site)}", rest=", ".join(rest_parts), daylight=daylight,
        weather=wx, bring=what_to_bring(programme, session), note=session.note)


def table(programme: Programme) -> pd.DataFrame:
    """One row per session: what the review table and the cover list show."""
    rows = []
    for s in programme.sessions:
        site = programme.site(s.site_id)
        route = site.route or {}
        m = site.meeting
        rows.append({
            "session": s.number, "date": s.start.date().isoformat(),
            "day": f"{s.start:%a}", "start": f"{s.start:%H:%M}", "minutes": s.minutes,
            "site": site.name, "site_id": site.site_id, "habitat": site.habitat,
            "meeting point": m.name if m else "", "grid ref": m.grid_ref if m else "",
            "km": loop_km(route), "walk min": walk_minutes(route),
            "step-free": bool(route.get("step_free")),
            "min before sunset": round(s.minutes_before_sunset)
            if s.minutes_before_sunset is not None else None,
            "h before sunset": hours_before_sunset(s.minutes_before_sunset)
            if s.minutes_before_sunset is not None else None,
            "verdict": s.verdict.level if s.verdict else "",
            "weather": s.verdict.summary if s.verdict else "", "note": s.note,
        })
    return pd.DataFrame(rows)
