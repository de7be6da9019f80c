"""Weekly weather check: a stormy forecast (a real recorded Open-Meteo response moved to the
island and the programme's dates) proposes swaps, and nothing changes until one is accepted."""

from __future__ import annotations

import enum
from dataclasses import replace
from datetime import UTC, date, timedelta

import pytest
from programme_fixtures import stormy_forecast, tiny_pool, tiny_programme, winter_programme

from ecoplan.errors import EcoplanError
from ecoplan.plans.forecast import parse_forecast
from ecoplan.programmes import weather
from ecoplan.programmes.check import apply_check, check_programme
from ecoplan.programmes.model import CARE, CHECK, GO, LATER, RETHINK
from ecoplan.programmes.store import ProgrammeStore


@pytest.fixture(scope="module")
def winter(iow_layers, iow_sites):
    return winter_programme(iow_layers, iow_sites)


@pytest.fixture(scope="module")
def storm(winter):
    day = winter.sessions[0].start.date()
    fc = parse_forecast(stormy_forecast(day), source="file")
    return fc


def _today(winter) -> date:
    """Two days before the first session: it is in the forecast, the rest are not."""
    return winter.sessions[0].start.date() - timedelta(days=2)


def test_storm_gives_rethink_and_proposes_swaps(winter, storm):
    res = check_programme(winter, lambda lat, lon: storm, today=_today(winter),
                          label="recorded stormy forecast")
    first = res.verdicts[1]
    assert first.level == RETHINK, first
    assert any("Gusts up to 100 km/h" in r or "Thunderstorm" in r for r in first.reasons)
    assert first.source == "recorded stormy forecast"
    # later sessions are beyond the 7-day forecast: they say when to check
    for n in range(2, 9):
        v = res.verdicts[n]
        assert v.level == LATER and v.check_from
        assert date.fromisoformat(v.check_from) == winter.session(n).start.date() - timedelta(
            days=6)
    props = res.for_session(1)
    assert props, res.notes
    kinds = {p.kind for p in props}
    assert kinds & {"site", "time"}
    for p in props:
        assert p.verdict.level in (GO, CARE)
        assert p.id.startswith("1/")
        if p.kind == "site":
            assert p.site_id != winter.session(1).site_id
            assert p.site_id != winter.session(2).site_id  # still no site twice in a row
            assert p.start == winter.session(1).start
        else:
            assert p.site_id == winter.session(1).site_id
            assert p.start.date() == winter.session(1).start.date()
            assert p.start.hour >= 13  # after the storm (07–12)


def test_check_changes_nothing_until_accepted(winter, storm, tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.sqlite'}"
    with ProgrammeStore(url) as store:
        saved = store.create(winter)
        before = store.get(saved.id).content()
        res = check_programme(store.get(saved.id), lambda lat, lon: storm,
                              today=_today(winter))
        assert res.proposals
        # the check itself wrote nothing
        after = store.get(saved.id)
        assert after.content() == before and after.version == 1
        assert len(store.history(saved.id)) == 1
        # the leader accepts the first proposal
        prop = res.proposals[0]
        updated, summary = apply_check(after, res, [prop.id])
        assert store.get(saved.id).version == 1  # still nothing saved
        store.update(updated, action="swap", summary=summary)
        now = store.get(saved.id)
        assert now.version == 2
        s1 = now.session(1)
        assert (s1.site_id, s1.start) == (prop.site_id, prop.start)
        assert s1.verdict.level in (GO, CARE) and "for the weather" in s1.note
        assert [h.action for h in store.history(saved.id)] == ["created", "swap"]
        assert store.at_version(saved.id, 1).content() == before
        # the same result cannot be applied to the new version
        with pytest.raises(EcoplanError, match="run the check again"):
            apply_check(now, res, [prop.id])


def test_proposal_ids_must_be_offered(winter, storm):
    res = check_programme(winter, lambda lat, lon: storm, today=_today(winter))
    with pytest.raises(EcoplanError, match="not offered"):
        apply_check(winter, res, ["1/w0"])
    ids = [p.id for p in res.for_session(1)]
    if len(ids) >= 2:
        with pytest.raises(EcoplanError, match="one proposal per session"):
            apply_check(winter, res, ids[:2])


def test_calm_forecast_proposes_nothing(winter):
    day = winter.sessions[0].start.date()
    calm = parse_forecast(stormy_forecast(day, storm_hours=range(0)), source="file")
    res = check_programme(winter, lambda lat, lon: calm, today=_today(winter))
    assert res.verdicts[1].level in (GO, CARE)
    assert not res.proposals


def test_forecast_for_another_place_is_not_used(winter):
    day = winter.sessions[0].start.date()
    far = parse_forecast(stormy_forecast(day, lat=52.52, lon=13.42), source="file")
    res = check_programme(winter, lambda lat, lon: far, today=_today(winter))
    v = res.verdicts[1]
    assert v.level == CHECK and "km from" in v.summary
    # ... and that is what every session is told, even one after the forecast's last day
    # (a newer forecast for the same wrong place would not help)
    assert all(res.verdicts[k].level == CHECK and "km from" in res.verdicts[k].summary
               for k in res.verdicts if k > 1 and res.verdicts[k].level == CHECK)
    assert any("km from" in res.verdicts[k].summary for k in res.verdicts if k > 1)


def test_no_forecast_says_when_to_check(winter):
    def down(lat, lon):
        raise EcoplanError("Open-Meteo could not be reached")

    res = check_programme(winter, down, today=_today(winter))
    assert res.verdicts[1].level == CHECK and "could not be reached" in res.verdicts[1].summary
    assert res.verdicts[2].level == LATER
    assert not res.proposals


def test_past_sessions_are_not_checked():
    p = tiny_programme(n=3)
    today = p.session(2).start.date()
    res = check_programme(p, None, today=today)
    assert sorted(res.verdicts) == [2, 3]


# --- the planner adapter ------------------------------------------------------------------------


class FutureLevel(enum.Enum):  # what the planner's levels may become
    GO = "go"
    CARE = "go with care"
    RETHINK = "rethink"
    UNKNOWN = "unknown"


@pytest.mark.parametrize("level, expected", [
    ("go", GO), ("go with care", CARE), ("rethink", RETHINK), ("RETHINK", RETHINK),
    (FutureLevel.GO, GO), (FutureLevel.CARE, CARE), (FutureLevel.RETHINK, RETHINK),
    (FutureLevel.UNKNOWN, CHECK), ("unknown", CHECK), ("", CHECK), (None, CHECK), (2, CHECK),
    ("no-go", CHECK),
])
def test_unrecognised_levels_are_check_again_never_go(level, expected):
    assert weather.normalise_level(level) == expected


def test_an_unknown_planner_verdict_becomes_check_again(monkeypatch, storm, winter):
    class Odd:
        level = FutureLevel.UNKNOWN
        reasons = ()
        participant_note = ""

    monkeypatch.setattr(weather, "assess", lambda *a, **k: Odd())
    res = check_programme(winter, lambda lat, lon: storm, today=_today(winter))
    assert res.verdicts[1].level == CHECK and not res.proposals


def test_habitats_from_the_largest_part_first():
    assert weather.habitat("wood;heath;lake") == "woodland"
    assert weather.habitat("beach;wood;coast") == "water"
    assert weather.habitat("heath;scrub") == "open ground"
    assert weather.habitat("park;garden") == "park"
    assert weather.habitat("") == "park"


def test_site_context_counts_toilets_on_the_route():
    site = replace(tiny_pool(1)[0], toilets=0)
    ctx = weather.site_context(site)
    assert ctx.has_toilets  # the route passes one (scores['toilets'] == 1)
    assert ctx.woodland and ctx.lat == pytest.approx(site.lat)


def test_accepted_site_swap_stores_the_new_sites_sunset_not_its_sunrise(winter, storm):
    """Regression: the swap stored sunrise as "sunset", so the leaflet said
    "Ends -3.1 h before sunset (07:56)"."""
    from datetime import datetime

    from programme_fixtures import sunset

    from ecoplan.programmes.check import CheckResult, Proposal
    from ecoplan.programmes.facts import facts
    from ecoplan.programmes.model import Verdict

    s = winter.session(1)
    other = next(p for p in winter.pool if p.usable and p.site_id not in
                 {x.site_id for x in winter.sessions[:2]})
    prop = Proposal(f"1/{other.site_id}", 1, "site", other.site_id, s.start,
                    Verdict(CARE, "go with care: cold"), "move")
    res = CheckResult(winter.id, winter.version, datetime.now(UTC), {}, (prop,), ())
    updated, _ = apply_check(winter, res, [prop.id])
    s1 = updated.session(1)
    new = updated.site(prop.site_id)
    own = sunset(new.lat, new.lon, s1.start.date())  # astral, computed here
    assert s1.sunset is not None and abs((s1.sunset - own).total_seconds()) < 60
    assert s1.sunset.hour >= 15  # a December sunset, not the 08:00 sunrise
    left = s1.minutes_before_sunset
    assert left is not None and left > 0
    text = facts(updated, s1).daylight
    assert text == f"Ends {left / 60:.1f} h before sunset ({own:%H:%M})"
    assert "-" not in text.split("h before")[0]


def test_the_verdict_summary_shows_every_reason_at_its_level_with_one_full_stop():
    """The tester's swap to open ground in 80 km/h gusts read as a cold problem only, and the
    leaflet said '…shorten stops.. The leader will tell you…'."""
    from datetime import datetime

    from programme_fixtures import LONDON

    from ecoplan.plans.forecast import Forecast
    from ecoplan.programmes.facts import weather_text
    from ecoplan.programmes.model import ProgrammeSession

    site = tiny_pool(1, ("open ground",))[0]
    start = datetime(2026, 12, 10, 10, 0, tzinfo=LONDON)
    fc = Forecast.from_conditions(tz="Europe/London", lat=site.lat, lon=site.lon, temp_c=2,
                                  apparent_c=-0.2, rain_mm=0, gust_kmh=80, weather_code=3)
    v = weather.session_verdict(fc, start, 60, site, weather.group_for(12, 1, "older-adults"),
                                today=start.date())
    assert v.level == CARE, v
    same_level = [r for r in v.reasons if "Gusts up to 80 km/h" in r or "Feels like" in r]
    assert len(same_level) == 2, v.reasons
    assert "Gusts up to 80 km/h" in v.summary and "Feels like" in v.summary
    assert ".." not in v.summary and v.summary.endswith(".")
    text = weather_text(ProgrammeSession(1, start, 60, site.site_id, verdict=v))
    assert ".." not in text and "Gusts up to 80 km/h" in text
    assert text.endswith(". The leader will tell you of any change.")
