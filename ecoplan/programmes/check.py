"""Weekly weather check of a programme: verdicts for the coming sessions and, where the verdict
is rethink, proposed swaps — another site from the pool or another time that day.

Nothing here changes a programme by itself: :func:`check_programme` returns a
:class:`CheckResult`; only :func:`apply_check` (the leader accepting proposals, or asking to
record the verdicts) makes a new version, and it refuses a result computed for an older one.

Proposal ids name what they propose (``3/w25946876`` = session 3 at site w25946876,
``3/13:30`` = session 3 at 13:30), so accepting an id later can never accept something else
when the forecast has changed in between.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ecoplan.errors import EcoplanError
from ecoplan.programmes import weather
from ecoplan.programmes.daylight import daylight_problem
from ecoplan.programmes.model import (
    CARE,
    GO,
    RETHINK,
    PoolSite,
    Programme,
    ProgrammeSession,
    Verdict,
)
from ecoplan.settings import programmes as programmes_cfg

GOOD = frozenset({GO, CARE})


@dataclass(frozen=True)
class Proposal:
    """Move one session to another site, or to another time the same day."""

    id: str
    session: int
    kind: str  # 'site' | 'time'
    site_id: str
    start: datetime
    verdict: Verdict
    text: str


@dataclass(frozen=True)
class CheckResult:
    programme_id: int | None
    version: int  # the programme version that was checked
    checked_at: datetime
    verdicts: dict[int, Verdict]
    proposals: tuple[Proposal, ...]
    notes: tuple[str, ...] = ()

    def proposal(self, pid: str) -> Proposal:
        for p in self.proposals:
            if p.id == pid:
                return p
        offered = ", ".join(p.id for p in self.proposals) or "none"
        raise EcoplanError(f"proposal {pid!r} is not offered by this check (the forecast may "
                           f"have changed); offered now: {offered}")

    def for_session(self, number: int) -> list[Proposal]:
        return [p for p in self.proposals if p.session == number]


class _Forecasts:
    """``forecast_for`` with one call per place (2 dp ≈ 1 km) and errors remembered."""

    def __init__(self, forecast_for) -> None:
        self.fn = forecast_for
        self.cache: dict[tuple[float, float], Any] = {}

    def get(self, site: PoolSite) -> tuple[Any, str]:
        if self.fn is None or site.lat is None or site.lon is None:
            return None, "no forecast was given"
        key = (round(site.lat, 2), round(site.lon, 2))
        if key not in self.cache:
            try:
                self.cache[key] = (self.fn(site.lat, site.lon), "")
            except EcoplanError as err:
                self.cache[key] = (None, str(err))
        return self.cache[key]


def _verdict(fcs: _Forecasts, programme: Programme, site: PoolSite, start: datetime,
             today: date, label: str) -> Verdict:
    fc, why = fcs.get(site)
    if fc is None:
        v = weather.later(start.date(), today, why)
        return replace(v, checked_at=datetime.now(start.tzinfo).isoformat(timespec="seconds"))
    spec = programme.spec
    group = weather.group_for(spec.group_size, spec.leaders, spec.profile)
    return weather.session_verdict(fc, start, programme.spec.minutes, site, group,
                                   today=today, source=label or "Open-Meteo forecast")


def verdicts(programme: Programme, forecast_for, *, today: date, label: str = "",
             _fcs: _Forecasts | None = None) -> dict[int, Verdict]:
    """Verdict of every session from ``today`` on."""
    fcs = _fcs or _Forecasts(forecast_for)
    out = {}
    for s in programme.sessions:
        if s.start.date() < today:
            continue
        out[s.number] = _verdict(fcs, programme, programme.site(s.site_id), s.start, today,
                                 label)
    return out


def _neighbours(programme: Programme, number: int) -> set[str]:
    return {s.site_id for s in programme.sessions if abs(s.number - number) == 1}


def _site_swaps(fcs: _Forecasts, programme: Programme, session: ProgrammeSession,
                today: date, label: str) -> list[Proposal]:
    avoid = _neighbours(programme, session.number) | {session.site_id}
    found = []
    for site in programme.pool:
        if not site.usable or site.site_id in avoid:
            continue
        assert site.lat is not None and site.lon is not None  # pool sites have a point
        _, problem = daylight_problem(session.start, session.minutes, site.lat, site.lon,
                                      programme.spec.timezone, session.number)
        if problem:
            continue
        v = _verdict(fcs, programme, site, session.start, today, label)
        if v.level in GOOD:
            found.append((weather.RANK[v.level], -site.score, site.site_id, site, v))
    found.sort(key=lambda t: t[:3])
    here = programme.site(session.site_id).name
    return [Proposal(f"{session.number}/{site.site_id}", session.number, "site", site.site_id,
                     session.start, v,
                     f"Session {session.number} ({session.start:%a %-d %b}): move from {here} "
                     f"to {site.name} ({site.habitat}) — {v.summary}")
            for *_, site, v in found[:programmes_cfg.MAX_SITE_SWAPS]]


def _time_swaps(fcs: _Forecasts, programme: Programme, session: ProgrammeSession,
                today: date, label: str) -> list[Proposal]:
    site = programme.site(session.site_id)
    day = session.start.date()
    assert site.lat is not None and site.lon is not None  # pool sites have a point
    sunrise, sunset = weather.sun_times(site.lat, site.lon, day, programme.spec.timezone)
    if sunrise is None or sunset is None:
        return []
    tz = session.start.tzinfo
    earliest = max(datetime(day.year, day.month, day.day, programmes_cfg.EARLIEST_START_HOUR,
                            tzinfo=tz),
                   sunrise + timedelta(minutes=programmes_cfg.AFTER_SUNRISE_MIN))
    latest = sunset - timedelta(minutes=programmes_cfg.DAYLIGHT_MARGIN_MIN + session.minutes)
    step = timedelta(minutes=programmes_cfg.TIME_SWAP_STEP_MIN)
    # Candidate starts on the half-hour grid, nearest to the planned time first.
    t = datetime(day.year, day.month, day.day, tzinfo=tz)
    grid = []
    while t <= latest:
        if t >= earliest and t != session.start:
            grid.append(t)
        t += step
    grid.sort(key=lambda x: (abs((x - session.start).total_seconds()), x))
    out = []
    for start in grid:
        v = _verdict(fcs, programme, site, start, today, label)
        if v.level in GOOD:
            out.append(Proposal(
                f"{session.number}/{start:%H:%M}", session.number, "time", site.site_id, start,
                v, f"Session {session.number} ({start:%a %-d %b}): same place ({site.name}), "
                   f"start at {start:%H:%M} instead of {session.start:%H:%M} — {v.summary}"))
            if len(out) >= programmes_cfg.MAX_TIME_SWAPS:
                break
    return out


def check_programme(programme: Programme, forecast_for, *, today: date | None = None,
                    label: str = "") -> CheckResult:
    """Verdicts for the coming sessions and swap proposals for the rethink ones."""
    now = datetime.now(programme.spec.tz)
    today = today or now.date()
    fcs = _Forecasts(forecast_for)
    found = verdicts(programme, forecast_for, today=today, label=label, _fcs=fcs)
    proposals: list[Proposal] = []
    notes: list[str] = []
    for number, v in found.items():
        if v.level != RETHINK:
            continue
        session = programme.session(number)
        offers = _time_swaps(fcs, programme, session, today, label) + \
            _site_swaps(fcs, programme, session, today, label)
        offers.sort(key=lambda p: (weather.RANK[p.verdict.level], p.kind != "time"))
        if not offers:
            notes.append(f"Session {number} ({session.start:%a %-d %b}): rethink, and no other "
                         "site in the pool or time that day is better — consider postponing.")
        proposals += offers
    if not found:
        notes.append("No coming sessions: the programme is over.")
    return CheckResult(programme.id, programme.version, now, found, tuple(proposals),
                       tuple(notes))


def with_verdicts(programme: Programme, forecast_for, *, today: date,
                  label: str = "") -> Programme:
    """The programme with verdicts for the sessions from ``today`` on (past ones keep theirs)."""
    out = programme
    for number, v in verdicts(programme, forecast_for, today=today, label=label).items():
        out = out.with_session(replace(out.session(number), verdict=v))
    return out


def apply_check(programme: Programme, result: CheckResult, accept: list[str] | tuple[str, ...]
                = (), *, record: bool = True) -> tuple[Programme, str]:
    """The programme with the accepted proposals applied (and the check's verdicts recorded
    when ``record``), and a one-line summary for its history."""
    if result.version != programme.version or result.programme_id != programme.id:
        raise EcoplanError(f"this check was made on version {result.version} of the programme; "
                           f"it is now version {programme.version} — run the check again")
    chosen = [result.proposal(pid) for pid in dict.fromkeys(accept)]
    sessions = [p.session for p in chosen]
    if len(sessions) != len(set(sessions)):
        raise EcoplanError("accept at most one proposal per session")
    out = programme
    if record:
        for number, v in result.verdicts.items():
            out = out.with_session(replace(out.session(number), verdict=v))
    when = f"{result.checked_at:%-d %b %Y}"
    parts = []
    for p in chosen:
        s = out.session(p.session)
        if p.kind == "site":
            old, new = out.site(s.site_id), out.site(p.site_id)
            assert new.lat is not None and new.lon is not None  # pool sites have a point
            _, sunset = weather.sun_times(new.lat, new.lon, s.start.date(),
                                          programme.spec.timezone)
            note = (f"Moved from {old.name} to {new.name} for the weather "
                    f"(accepted {when}).")
            out = out.with_session(replace(s, site_id=p.site_id, sunset=sunset or s.sunset,
                                           verdict=p.verdict, note=note))
            parts.append(f"session {p.session}: {old.name} → {new.name}")
        else:
            note = (f"Moved from {s.start:%H:%M} to {p.start:%H:%M} for the weather "
                    f"(accepted {when}).")
            out = out.with_session(replace(s, start=p.start, verdict=p.verdict, note=note))
            parts.append(f"session {p.session}: {s.start:%H:%M} → {p.start:%H:%M}")
    ids = [s.site_id for s in out.sessions]
    if len(set(ids)) > 1 and any(a == b for a, b in zip(ids, ids[1:], strict=False)):
        raise EcoplanError("these swaps would put the same site on two sessions in a row; "
                           "accept one of them")
    if parts:
        summary = f"weather check {when}: " + "; ".join(parts)
    else:
        levels = sorted({v.level for v in result.verdicts.values()},
                        key=lambda lv: weather.RANK.get(lv, 9))
        summary = f"weather check {when}: verdicts recorded ({', '.join(levels) or 'none'})"
    return out, summary


__all__ = ["Proposal", "CheckResult", "check_programme", "apply_check", "verdicts",
           "with_verdicts", "GOOD"]
