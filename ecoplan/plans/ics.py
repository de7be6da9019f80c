"""Export a saved plan as an iCalendar event, so it lands in the leader's calendar."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar, Event

from ecoplan.plans._io import write_atomic
from ecoplan.plans.store import Plan
from ecoplan.settings import weather as cfg


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
    if plan.forecast:
        lines += ["", cfg.ATTRIBUTION]
    return "\n".join(lines)


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
    ev.add("summary", f"Outdoor session: {plan.site_name or plan.site_id or 'site'}")
    where = plan.site_name or plan.site_id
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
