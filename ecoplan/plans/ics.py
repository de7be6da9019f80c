"""Export a saved plan as an iCalendar event, so it lands in the leader's calendar."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from ecoplan.io import write_atomic
from ecoplan.plans.store import Plan
from ecoplan.settings import weather as weather_cfg

#: RFC 5545 §3.3.11: TEXT values may not hold control characters (CONTROL = %x00-08 / %x0A-1F
#: / %x7F; HTAB allowed, line breaks written escaped). C1 controls and the Unicode line/paragraph
#: separators go too: calendar apps treat them as breaks. OSM names are untrusted.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean_text(value: str, *, keep_newlines: bool = False) -> str:
    """Text safe for an iCalendar TEXT value: controls become spaces; newlines are kept (the
    library escapes them as \\n) only where a multi-line value is meant."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not keep_newlines:
        value = value.replace("\n", " ")
    return _CONTROL.sub(" ", value)


def _is_open_meteo(plan: Plan) -> bool:
    fc = plan.forecast or {}
    return bool(fc) and fc.get("source") != "manual" and fc.get("conditions") is None


def _description(plan: Plan) -> str:
    lines: list[str] = []
    a = plan.assessment or {}
    if a:
        lines.append(f"Verdict: {a.get('level', '?')}")
        lines += [f"- {r['text']}" for r in a.get("reasons", [])]
        if a.get("participant_note"):
            lines += ["", f"Tell participants: {a['participant_note']}"]
        if a.get("checklist"):
            lines += ["", "Leader checklist:"] + [f"[ ] {c}" for c in a["checklist"]]
    if plan.notes:
        lines += ["", f"Notes: {plan.notes}"]
    if _is_open_meteo(plan):  # hand-entered conditions are not Open-Meteo's data
        lines += ["", weather_cfg.ATTRIBUTION]
    elif plan.forecast:
        lines += ["", "Weather: conditions entered by hand."]
    return clean_text("\n".join(lines), keep_newlines=True)


def plan_to_ics(plan: Plan) -> bytes:
    """One VEVENT with tz-aware DTSTART/DTEND, location and GEO."""
    cal = Calendar()
    cal.add("prodid", "-//ecoplan//session planner//EN")
    cal.add("version", "2.0")
    ev = Event()
    uid = f"ecoplan-plan-{plan.id}" if plan.id is not None else \
        f"ecoplan-{plan.site_id}-{plan.start:%Y%m%dT%H%M}"
    ev.add("uid", f"{uid}@ecoplan")
    ev.add("dtstamp", datetime.now(UTC))
    ev.add("dtstart", plan.start)
    ev.add("dtend", plan.start + timedelta(minutes=plan.minutes))
    name = clean_text(plan.site_name or "") or clean_text(plan.site_id or "")
    ev.add("summary", f"Outdoor session: {name or 'site'}")
    where = name
    if plan.lat is not None and plan.lon is not None:
        where = f"{where} ({plan.lat:.5f}, {plan.lon:.5f})" if where else \
            f"{plan.lat:.5f}, {plan.lon:.5f}"
        ev.add("geo", (plan.lat, plan.lon))
    if where:
        ev.add("location", where)
    ev.add("description", _description(plan))
    cal.add_component(ev)
    with contextlib.suppress(AttributeError, ValueError):  # old icalendar / fixed offset
        cal.add_missing_timezones()
    return cal.to_ical()


def write_ics(plan: Plan, path: str | Path) -> Path:
    return write_atomic(path, plan_to_ics(plan))
