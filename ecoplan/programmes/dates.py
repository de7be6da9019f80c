"""The dates of a programme and the checks on the leader's request, before any work is done.

Every check raises an :class:`~ecoplan.errors.EcoplanError` whose message says what was wrong
and what to do; softer points (a first date moved to the chosen weekday, a walk shorter than a
Walking for Health walk) come back as notes to show the leader.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ecoplan.errors import EcoplanError
from ecoplan.programmes.model import ProgrammeSpec
from ecoplan.settings import plans as plans_cfg
from ecoplan.settings import programmes as programmes_cfg

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def parse_weekday(text: str) -> int:
    """'thu', 'Thursday' → 3 (Monday = 0)."""
    key = str(text).strip().lower()[:3]
    if key not in programmes_cfg.WEEKDAYS:
        raise EcoplanError(f"--day {text!r} is not a weekday; use one of "
                           f"{', '.join(programmes_cfg.WEEKDAYS)}")
    return programmes_cfg.WEEKDAYS[key]


def parse_every(text: str) -> int:
    """'week' → 7, 'fortnight' → 14 days."""
    key = str(text).strip().lower()
    if key not in programmes_cfg.EVERY_DAYS:
        raise EcoplanError(f"--every {text!r}: use one of {', '.join(programmes_cfg.EVERY_DAYS)}")
    return programmes_cfg.EVERY_DAYS[key]


def parse_date(text: str, what: str = "--first") -> date:
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise EcoplanError(f"{what} {text!r} is not a date; give YYYY-MM-DD, e.g. "
                           "2026-12-03") from None


def parse_time(text: str, what: str = "--start") -> time:
    try:
        t = time.fromisoformat(str(text).strip())
    except ValueError:
        raise EcoplanError(f"{what} {text!r} is not a time; give HH:MM, e.g. 10:00") from None
    return t.replace(second=0, microsecond=0)


def clean_text(value: object, what: str, limit: int) -> str:
    """One line of user text: trimmed, no control characters, at most ``limit`` characters."""
    s = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value or "")).split())
    if len(s) > limit:
        raise EcoplanError(f"{what} is {len(s)} characters; keep it under {limit}")
    return s


def validate(spec: ProgrammeSpec, *, now: datetime | None = None) -> tuple[ProgrammeSpec,
                                                                          list[str]]:
    """A checked copy of ``spec`` (first date moved to the weekday, text cleaned) and notes."""
    notes: list[str] = []
    name = clean_text(spec.name, "the programme name", programmes_cfg.MAX_NAME_LEN)
    if not name:
        raise EcoplanError("a programme needs a name; give --name, e.g. --name 'Winter walks'")
    if name.isdigit():
        raise EcoplanError(f"--name {name!r}: use words, not only digits (numbers are "
                           "programme ids)")
    try:
        tz = ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise EcoplanError(f"time zone {spec.timezone!r} is unknown; give an IANA zone such as "
                           "Europe/London") from None
    notes += _check_limits(spec)
    step_free = spec.step_free or spec.profile in programmes_cfg.ALWAYS_STEP_FREE_PROFILES
    if step_free and not spec.step_free:
        who = plans_cfg.PROFILE_WORDS.get(spec.profile, spec.profile)
        notes.append(f"A group of {who} is always planned on step-free routes.")
    first = spec.first
    weekday = first.weekday() if spec.weekday is None else spec.weekday
    if not 0 <= weekday <= 6:
        raise EcoplanError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
    moved = (weekday - first.weekday()) % 7
    if moved:
        first = first + timedelta(days=moved)
        notes.append(f"The first session moves to {first:%a %-d %b %Y}, the first "
                     f"{DAY_NAMES[weekday]} on or after {spec.first:%-d %b %Y}.")
    now = now or datetime.now(tz)
    start = datetime.combine(first, spec.start, tzinfo=tz)
    if start < now:
        raise EcoplanError(f"the first session ({start:%a %-d %b %Y %H:%M}) is in the past "
                           f"(now {now.astimezone(tz):%-d %b %Y %H:%M}); give a --first date "
                           "from today on")
    out = replace(spec, name=name, first=first, weekday=weekday, step_free=step_free,
                  leader_name=clean_text(spec.leader_name, "--leader",
                                         programmes_cfg.MAX_CONTACT_LEN),
                  leader_contact=clean_text(spec.leader_contact, "--contact",
                                            programmes_cfg.MAX_CONTACT_LEN),
                  site_ids=tuple(dict.fromkeys(s.strip() for s in spec.site_ids if s.strip())))
    return out, notes


def _check_limits(spec: ProgrammeSpec) -> list[str]:
    """Refuse counts and lengths outside their limits; notes on the unusual but allowed."""
    notes: list[str] = []
    if not programmes_cfg.MIN_SESSIONS <= spec.sessions <= programmes_cfg.MAX_SESSIONS:
        low, high = programmes_cfg.TYPICAL_SESSIONS
        raise EcoplanError(f"--sessions {spec.sessions}: give {programmes_cfg.MIN_SESSIONS} to "
                           f"{programmes_cfg.MAX_SESSIONS} sessions (ecotherapy groups typically "
                           f"meet {low}–{high} times)")
    if spec.minutes > programmes_cfg.MAX_SESSION_MIN:
        raise EcoplanError(f"--minutes {spec.minutes}: Walking for Health walks last at most "
                           f"{programmes_cfg.MAX_SESSION_MIN} minutes; choose "
                           f"{programmes_cfg.MAX_SESSION_MIN} or less")
    if spec.minutes < programmes_cfg.MIN_SESSION_MIN:
        raise EcoplanError(f"--minutes {spec.minutes}: a session needs at least "
                           f"{programmes_cfg.MIN_SESSION_MIN} minutes for a loop walk")
    if spec.minutes < programmes_cfg.WFH_SHORTEST_MIN:
        notes.append(f"{spec.minutes}-minute walks are shorter than the "
                     f"{programmes_cfg.WFH_SHORTEST_MIN}-"
                     "minute walk Walking for Health schemes offer each week.")
    if spec.every_days not in programmes_cfg.EVERY_DAYS.values():
        raise EcoplanError(f"sessions every {spec.every_days} days: use every week or "
                           "fortnight")
    if spec.group_size < 1 or spec.leaders < 0:
        raise EcoplanError(f"a group of {spec.group_size} with {spec.leaders} leader(s) is "
                           "impossible; give --group-size 1 or more and --leaders 0 or more")
    if spec.profile not in programmes_cfg.PROFILE_SPEED:
        raise EcoplanError(f"--profile {spec.profile!r}: use one of "
                           f"{', '.join(programmes_cfg.PROFILE_SPEED)}")
    if spec.top < 1:
        raise EcoplanError(f"--top {spec.top}: give the number of ranked sites to try, 1 or "
                           "more")
    return notes


def session_starts(spec: ProgrammeSpec) -> list[datetime]:
    """Local, tz-aware start of every session (wall-clock time kept across clock changes)."""
    tz = spec.tz
    return [datetime.combine(spec.first + timedelta(days=i * spec.every_days), spec.start,
                             tzinfo=tz) for i in range(spec.sessions)]
