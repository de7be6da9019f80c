"""Page logic of the Programme page, free of Streamlit so it can be tested directly: the form's
values → a programme request, forecasts for a check, the review table, file names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.programmes.facts import table
from ecoplan.programmes.model import Programme, ProgrammeSpec
from ecoplan.settings import programmes as programmes_cfg

#: Forecast choices for a weather check (the first needs the internet).
FORECAST_MODES = ("Online forecast (Open-Meteo)", "Cached forecasts (offline)",
                  "Recorded forecast file (JSON)")
#: Columns of the review table, in order.
REVIEW_COLUMNS = ["session", "day", "date", "start", "site", "verdict", "km", "walk min",
                  "step-free", "min before sunset", "habitat", "meeting point", "grid ref",
                  "weather", "note"]


@dataclass(frozen=True)
class FormValues:
    """What the build form asks (widgets' values)."""

    name: str
    first: date
    weekday: str  # key of settings.programmes.WEEKDAYS
    every: str  # key of settings.programmes.EVERY_DAYS
    sessions: int
    start: time
    minutes: int
    group_size: int
    leaders: int
    profile: str
    step_free: bool
    site_ids: tuple[str, ...]
    top: int
    leader_name: str
    leader_contact: str
    timezone: str


def default_first(today: date, weekday: int = 3) -> date:
    """The given weekday of next week (a programme is planned ahead, never for today)."""
    d = today + timedelta(days=7)
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def spec_from_form(v: FormValues) -> ProgrammeSpec:
    if v.weekday not in programmes_cfg.WEEKDAYS or v.every not in programmes_cfg.EVERY_DAYS:
        raise EcoplanError("choose a weekday and how often the sessions repeat")
    return ProgrammeSpec(
        name=v.name, first=v.first, sessions=int(v.sessions), start=v.start,
        minutes=int(v.minutes), group_size=int(v.group_size), leaders=int(v.leaders),
        every_days=programmes_cfg.EVERY_DAYS[v.every], weekday=programmes_cfg.WEEKDAYS[v.weekday],
        profile=v.profile, step_free=bool(v.step_free), site_ids=tuple(v.site_ids),
        top=int(v.top), timezone=v.timezone, leader_name=v.leader_name,
        leader_contact=v.leader_contact)


def review(programme: Programme) -> pd.DataFrame:
    """The review table: one row per session, dates, sites, routes, daylight, verdicts."""
    t = table(programme)
    return t[[c for c in REVIEW_COLUMNS if c in t.columns]]


def pool_table(programme: Programme) -> pd.DataFrame:
    """The candidate sites with their routes (or why not) and how often each is used."""
    used = pd.Series([s.site_id for s in programme.sessions]).value_counts()
    rows = []
    for p in programme.pool:
        r = p.route or {}
        rows.append({"site": p.name, "habitat": p.habitat,
                     "score (0–1)": round(p.score, 2), "sessions": int(used.get(p.site_id, 0)),
                     "loop (km)": round(r.get("length_m", 0) / 1000, 1) if r else None,
                     "toilets on route": p.route_toilets, "benches on route": p.route_benches,
                     "why not": p.note, "OSM id": p.site_id})
    return pd.DataFrame(rows)


def file_stem(programme: Programme) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", programme.name).strip("-").lower() or "programme"


def move_options(programme: Programme, number: int) -> list[str]:
    """Pool sites a session may move to (with a route; not the site of a neighbour)."""
    session = programme.session(number)
    avoid = {s.site_id for s in programme.sessions if abs(s.number - number) == 1}
    return [p.site_id for p in programme.pool
            if p.usable and p.site_id != session.site_id and p.site_id not in avoid]


def forecast_getter(mode: str, *, tz: str, offline: bool, upload: Any | None = None):
    """``forecast_for(lat, lon)`` and a label for the chosen forecast mode."""
    from ecoplan.plans.forecast import load_forecast

    if mode == FORECAST_MODES[2]:
        if upload is None:
            raise EcoplanError("upload a recorded Open-Meteo forecast (.json) first")
        from ecoplan.app.pages.plan_page import forecast_from_json_bytes
        from ecoplan.app.uploads import safe_name

        fc = forecast_from_json_bytes(upload.name, upload.getvalue())
        return (lambda _lat, _lon: fc), f"recorded forecast {safe_name(upload.name)}"
    cached = offline or mode == FORECAST_MODES[1]

    def get(lat: float, lon: float):
        return load_forecast(lat, lon, tz=tz, offline=cached)

    return get, "cached Open-Meteo forecast" if cached else "Open-Meteo forecast"
