"""Programme dates and the checks on a request, over widely varying inputs (hypothesis)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from programme_fixtures import tiny_programme

from ecoplan.errors import EcoplanError
from ecoplan.programmes.dates import (
    clean_text,
    parse_date,
    parse_every,
    parse_time,
    parse_weekday,
    session_starts,
    validate,
)
from ecoplan.programmes.model import Programme, ProgrammeSpec

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=ZoneInfo("Europe/London"))
ZONES = ("Europe/London", "Europe/Helsinki", "America/New_York", "Australia/Sydney")


@settings(max_examples=150, deadline=None)
@given(first=st.dates(date(2026, 11, 29), date(2030, 12, 31)),
       weekday=st.integers(0, 6), n=st.integers(1, 52), every=st.sampled_from([7, 14]),
       hour=st.integers(6, 20), minute=st.sampled_from([0, 15, 30, 45]),
       zone=st.sampled_from(ZONES))
def test_sessions_fall_on_the_weekday_at_the_same_wall_clock_time(first, weekday, n, every,
                                                                  hour, minute, zone):
    spec = ProgrammeSpec(name="Walks", first=first, sessions=n, start=time(hour, minute),
                         minutes=60, group_size=10, every_days=every, weekday=weekday,
                         timezone=zone)
    spec, notes = validate(spec, now=NOW)
    starts = session_starts(spec)
    assert len(starts) == n
    assert starts[0].date() >= first and (starts[0].date() - first).days < 7
    assert bool(notes) == (first.weekday() != weekday)
    for a, b in zip(starts, starts[1:], strict=False):
        assert (b.date() - a.date()).days == every  # calendar days, across clock changes
    for s in starts:
        assert s.weekday() == weekday and (s.hour, s.minute) == (hour, minute)
        assert s.tzinfo is not None and str(s.tzinfo) == zone


@settings(max_examples=60, deadline=None)
@given(days_ago=st.integers(1, 3000))
def test_any_past_first_date_is_refused(days_ago):
    first = NOW.date() - timedelta(days=days_ago)
    spec = ProgrammeSpec(name="Walks", first=first, sessions=4, start=time(10), minutes=60,
                         group_size=10)
    with pytest.raises(EcoplanError, match="in the past"):
        validate(spec, now=NOW)


def test_today_but_already_started_is_the_past():
    spec = ProgrammeSpec(name="Walks", first=NOW.date(), sessions=2, start=time(8, 0),
                         minutes=60, group_size=10)
    with pytest.raises(EcoplanError, match="in the past"):
        validate(spec, now=NOW)
    later = ProgrammeSpec(name="Walks", first=NOW.date(), sessions=2, start=time(11, 0),
                          minutes=60, group_size=10)
    assert validate(later, now=NOW)[0].first == NOW.date()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_names_become_one_clean_line_or_a_clear_error(text):
    try:
        out = clean_text(text, "the name", 80)
    except EcoplanError as err:
        assert "characters" in str(err)
        return
    assert "\n" not in out and all(ch.isprintable() for ch in out) and len(out) <= 80


@pytest.mark.parametrize("fn, bad, msg", [
    (parse_weekday, "someday", "not a weekday"), (parse_every, "month", "--every"),
    (parse_date, "3/12/2026", "YYYY-MM-DD"), (parse_time, "ten", "HH:MM"),
])
def test_parsers_say_what_to_type(fn, bad, msg):
    with pytest.raises(EcoplanError, match=msg):
        fn(bad)


def test_parsers_accept_what_people_type():
    assert parse_weekday("Thursday") == parse_weekday("thu") == 3
    assert parse_every("fortnight") == 14
    assert parse_time("10:00") == time(10, 0)


def test_content_round_trip_keeps_time_zones_and_verdicts():
    p = tiny_programme(n=4)
    again = Programme.from_content(p.content())
    assert again.content() == p.content()
    assert [s.start for s in again.sessions] == [s.start for s in p.sessions]
    assert again.sessions[0].start.utcoffset() == p.sessions[0].start.utcoffset()


def test_a_wheelchair_group_is_planned_step_free_and_told_so_in_words():
    spec = ProgrammeSpec(name="Walks", first=date(2026, 12, 2), sessions=2, start=time(10, 0),
                         minutes=60, group_size=8, every_days=7, weekday=2,
                         timezone="Europe/London", profile="wheelchair")
    spec, notes = validate(spec, now=NOW)
    assert spec.step_free
    assert "A group of wheelchair users is always planned on step-free routes." in notes
