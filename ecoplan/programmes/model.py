"""What a programme is: the leader's request, the pool of sites with their routes, the sessions.

Plain dataclasses with ``to_dict``/``from_dict`` so a programme is stored as JSON in the plans
database and read back exactly (tested round trip). A session does not copy its route: it
names a pool site, whose meeting point and loop route every session there shares, so swapping a
session to another site is one field and nothing has to be re-planned.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ecoplan.errors import EcoplanError
from ecoplan.routes.model import Route, route_from_dict

#: Verdict levels a programme shows. The planner's three, plus ``CHECK`` (the planner gave
#: something we do not recognise, or could not judge: ask again, never go) and ``LATER`` (the
#: session is beyond the forecast: ``check_from`` says when to look).
GO, CARE, RETHINK, CHECK, LATER = "go", "go with care", "rethink", "check again", "not yet"
LEVELS: tuple[str, ...] = (GO, CARE, RETHINK, CHECK, LATER)


@dataclass(frozen=True)
class ProgrammeSpec:
    """The leader's request (what ``ecoplan programme new`` is given)."""

    name: str
    first: date
    sessions: int
    start: time
    minutes: int
    group_size: int
    every_days: int = 7
    weekday: int | None = None  # 0 = Monday; None = the weekday of ``first``
    leaders: int = 1
    profile: str = "default"
    step_free: bool = False
    site_ids: tuple[str, ...] = ()  # an explicit pool; empty = the ranking's top ``top``
    purpose: str = "group-walk"
    top: int = 12
    timezone: str = "Europe/London"
    leader_name: str = ""
    leader_contact: str = ""

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["first"] = self.first.isoformat()
        d["start"] = self.start.strftime("%H:%M")
        d["site_ids"] = list(self.site_ids)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ProgrammeSpec:
        d = dict(d)
        d["first"] = date.fromisoformat(d["first"])
        d["start"] = time.fromisoformat(d["start"])
        d["site_ids"] = tuple(d.get("site_ids") or ())
        return cls(**d)


@dataclass(frozen=True)
class MeetingPoint:
    """Where the group meets: an entrance with its OS grid reference and what is near it."""

    name: str
    lon: float
    lat: float
    grid_ref: str = ""  # '' outside Great Britain; grid_note says why
    grid_note: str = ""
    bus_stop: str = ""  # nearest bus stop's name ('' = none within settings.BUS_STOP_MAX_M)
    bus_stop_m: float | None = None
    bus_stop_basis: str = ""  # 'walk' | 'straight line'
    toilets: str = ""  # nearest toilets' name or 'Toilets'
    toilets_m: float | None = None
    toilets_basis: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MeetingPoint:
        return cls(**d)


@dataclass(frozen=True)
class PoolSite:
    """A candidate site: its facts for choosing and printing, and its loop route (or why not)."""

    site_id: str
    name: str  # what participants read (unnamed sites get 'coast near Ryde')
    categories: str
    habitat: str  # one of settings.programmes.HABITATS
    score: float  # ranking score for the purpose, 0..1 (1 for explicitly chosen sites)
    toilets: int = 0  # at or within 50 m of the site (sites table)
    benches: int = 0
    shelters: int = 0
    lat: float | None = None  # a point inside the site (for weather and daylight)
    lon: float | None = None
    meeting: MeetingPoint | None = None
    route: dict[str, Any] | None = None  # routes.model.route_to_dict
    note: str = ""  # why the site has no route

    @property
    def usable(self) -> bool:
        return self.route is not None and self.meeting is not None

    def to_route(self) -> Route:
        if self.route is None:
            raise EcoplanError(f"{self.name} has no planned route ({self.note or 'not planned'})")
        return route_from_dict(self.route)

    @property
    def route_toilets(self) -> int:
        return int((self.route or {}).get("scores", {}).get("toilets", 0))

    @property
    def route_benches(self) -> int:
        return int((self.route or {}).get("scores", {}).get("benches", 0))

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["meeting"] = self.meeting.to_dict() if self.meeting else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PoolSite:
        d = dict(d)
        d["meeting"] = MeetingPoint.from_dict(d["meeting"]) if d.get("meeting") else None
        return cls(**d)


@dataclass(frozen=True)
class Verdict:
    """The weather verdict of one session, in the programme's words."""

    level: str  # one of LEVELS
    summary: str  # one line for tables
    reasons: tuple[str, ...] = ()
    participant_note: str = ""
    checked_at: str = ""  # ISO time of the check
    check_from: str = ""  # ISO date from which a forecast covers the session (level LATER)
    source: str = ""  # where the forecast came from

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["reasons"] = list(self.reasons)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Verdict:
        d = dict(d)
        d["reasons"] = tuple(d.get("reasons") or ())
        return cls(**d)


@dataclass(frozen=True)
class ProgrammeSession:
    """One dated session at one pool site."""

    number: int  # 1-based
    start: datetime  # tz-aware, local to the programme
    minutes: int
    site_id: str
    sunset: datetime | None = None
    verdict: Verdict | None = None
    note: str = ""  # e.g. 'moved from Parkhurst Forest for the weather (accepted 3 Dec)'

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.minutes)

    @property
    def minutes_before_sunset(self) -> float | None:
        if self.sunset is None:
            return None
        return (self.sunset - self.end).total_seconds() / 60

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "start": self.start.isoformat(),
                "minutes": self.minutes, "site_id": self.site_id,
                "sunset": self.sunset.isoformat() if self.sunset else None,
                "verdict": self.verdict.to_dict() if self.verdict else None, "note": self.note}

    @classmethod
    def from_dict(cls, d: dict[str, Any], tz: ZoneInfo) -> ProgrammeSession:
        sunset = datetime.fromisoformat(d["sunset"]).astimezone(tz) if d.get("sunset") else None
        return cls(number=int(d["number"]),
                   start=datetime.fromisoformat(d["start"]).astimezone(tz),
                   minutes=int(d["minutes"]), site_id=str(d["site_id"]), sunset=sunset,
                   verdict=Verdict.from_dict(d["verdict"]) if d.get("verdict") else None,
                   note=d.get("note", ""))


@dataclass(frozen=True)
class Programme:
    """A season of sessions. ``source`` identifies the area's data (see programmes.source) so the
    area's project owns the programme; ``id``/``version`` are set by the store."""

    spec: ProgrammeSpec
    source: dict[str, Any]
    pool: tuple[PoolSite, ...]
    sessions: tuple[ProgrammeSession, ...]
    notes: tuple[str, ...] = ()
    id: int | None = None
    version: int = 0
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def site(self, site_id: str) -> PoolSite:
        for s in self.pool:
            if s.site_id == site_id:
                return s
        raise EcoplanError(f"site {site_id} is not in this programme's pool of "
                           f"{len(self.pool)} sites")

    def session(self, number: int) -> ProgrammeSession:
        for s in self.sessions:
            if s.number == number:
                return s
        raise EcoplanError(f"programme '{self.name}' has sessions 1–{len(self.sessions)}, "
                           f"not {number}")

    def with_session(self, new: ProgrammeSession) -> Programme:
        """A copy with session ``new.number`` replaced."""
        return replace(self, sessions=tuple(new if s.number == new.number else s
                                            for s in self.sessions))

    def content(self) -> dict[str, Any]:
        """Everything but identity and bookkeeping (what the store keeps per version)."""
        return {"spec": self.spec.to_dict(), "source": self.source,
                "pool": [p.to_dict() for p in self.pool],
                "sessions": [s.to_dict() for s in self.sessions], "notes": list(self.notes)}

    @classmethod
    def from_content(cls, d: dict[str, Any], **meta: Any) -> Programme:
        spec = ProgrammeSpec.from_dict(d["spec"])
        return cls(spec=spec, source=dict(d.get("source") or {}),
                   pool=tuple(PoolSite.from_dict(p) for p in d.get("pool", [])),
                   sessions=tuple(ProgrammeSession.from_dict(s, spec.tz)
                                  for s in d.get("sessions", [])),
                   notes=tuple(d.get("notes") or ()), **meta)


__all__ = [
    "GO", "CARE", "RETHINK", "CHECK", "LATER", "LEVELS", "ProgrammeSpec", "MeetingPoint",
    "PoolSite", "Verdict", "ProgrammeSession", "Programme",
]
