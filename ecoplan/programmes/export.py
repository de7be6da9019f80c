"""A programme as files: one calendar (.ics) with every session, one GPX per session.

Calendar events keep a stable UID per programme and session number, and a SEQUENCE equal to
the programme's version, so importing the calendar again after a swap updates the events
instead of duplicating them (RFC 5545 §3.8.7.4).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from icalendar import Calendar, Event

from ecoplan.io import write_bytes, write_text
from ecoplan.programmes.facts import facts, used_forecast
from ecoplan.programmes.model import Programme, ProgrammeSession
from ecoplan.programmes.weather import ATTRIBUTION as WEATHER_ATTRIBUTION
from ecoplan.routes.gpx import route_to_gpx
from ecoplan.routes.printmap import one_line
from ecoplan.settings import routes as route_cfg


def _uid(programme: Programme, session: ProgrammeSession) -> str:
    ref = programme.id if programme.id is not None else re.sub(r"\W+", "-", programme.name)
    return f"ecoplan-programme-{ref}-session-{session.number}@ecoplan"


def event_description(programme: Programme, session: ProgrammeSession) -> str:
    f = facts(programme, session)
    lines = [f"{programme.name}: walk {session.number} of {len(programme.sessions)}, "
             f"{session.start:%A %-d %B %Y}", f"{f.when} at {f.place}", "",
             f"Meet at: {f.meeting}"]
    lines += [x for x in (f.grid_ref, f.latlon, f.bus) if x]
    lines += ["", f"The walk: {f.walk}", f.step_free, f.toilets, f"Rest: {f.rest}"]
    if f.daylight:
        lines.append(f.daylight)
    lines += ["", "What to bring:"] + [f"- {b}" for b in f.bring]
    lines += ["", f.weather]
    if f.note:
        lines.append(f.note)
    spec = programme.spec
    if spec.leader_name or spec.leader_contact:
        who = " · ".join(x for x in (spec.leader_name, spec.leader_contact) if x)
        lines += ["", f"Leader: {who}"]
    lines += ["", f"Map data {route_cfg.ATTRIBUTION} (ODbL)."]
    if used_forecast(session):
        lines.append(f"{WEATHER_ATTRIBUTION}.")
    return "\n".join(lines)


def programme_to_ics(programme: Programme) -> bytes:
    """One VCALENDAR with a VEVENT per session (tz-aware start and end, location, GEO)."""
    cal = Calendar()
    cal.add("prodid", "-//ecoplan//programme//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", one_line(programme.name))
    stamp = datetime.now(UTC)
    for s in programme.sessions:
        site = programme.site(s.site_id)
        m = site.meeting
        ev = Event()
        ev.add("uid", _uid(programme, s))
        ev.add("dtstamp", stamp)
        ev.add("sequence", max(int(programme.version), 0))
        ev.add("dtstart", s.start)
        ev.add("dtend", s.end)
        ev.add("summary", one_line(f"{programme.name} {s.number}/{len(programme.sessions)}: "
                                   f"{site.name}"))
        where = site.name
        if m is not None:
            where = f"{m.name}, {site.name}" + (f" (OS grid ref {m.grid_ref})" if m.grid_ref
                                                else "")
            ev.add("geo", (m.lat, m.lon))
        ev.add("location", one_line(where))
        ev.add("description", event_description(programme, s))
        cal.add_component(ev)
    with contextlib.suppress(AttributeError, ValueError):  # old icalendar / fixed offsets
        cal.add_missing_timezones()
    return cal.to_ical()


def session_gpx(programme: Programme, session: ProgrammeSession) -> str:
    """The session's loop as GPX 1.1, titled with the programme, number and date."""
    route = programme.site(session.site_id).to_route()
    title = f"{programme.name} {session.number}: {session.start:%a %-d %b %Y} — " \
            f"{programme.site(session.site_id).name}"
    return route_to_gpx(replace(route, title=title))


def gpx_name(programme: Programme, session: ProgrammeSession) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", programme.name).strip("-").lower() or "programme"
    return f"{stem}-{session.number:02d}-{session.start:%Y-%m-%d}.gpx"


def gpx_zip(programme: Programme) -> bytes:
    """Every session's GPX in one zip (for a single download)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for s in programme.sessions:
            z.writestr(gpx_name(programme, s), session_gpx(programme, s))
    return buf.getvalue()


def write_ics(programme: Programme, path: str | Path) -> Path:
    write_bytes(path, programme_to_ics(programme))
    return Path(path)


def write_gpx_dir(programme: Programme, folder: str | Path) -> list[Path]:
    """One GPX per session in ``folder`` (created if missing), each written atomically."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for s in programme.sessions:
        p = out / gpx_name(programme, s)
        write_text(p, session_gpx(programme, s))
        paths.append(p)
    return paths
