"""Building a season: the issue's 8-week winter programme on the real Isle of Wight data, site
choice on small pools made in code, and every bad input the issue lists."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from programme_fixtures import (
    LONDON,
    sunset,
    tiny_pool,
    winter_first,
    winter_programme,
    winter_spec,
)
from shapely.geometry import LineString

from ecoplan.errors import EcoplanError
from ecoplan.programmes.daylight import DaylightError
from ecoplan.programmes.pool import NoRouteInPoolError, build_pool
from ecoplan.programmes.season import build_programme, choose_sites
from ecoplan.routes.model import geodesic_length_m
from ecoplan.settings import programmes as cfg


@pytest.fixture(scope="module")
def winter(iow_layers, iow_sites):
    return winter_programme(iow_layers, iow_sites)


def test_eight_thursdays_at_ten(winter):
    first = winter_first()
    assert len(winter.sessions) == 8
    for i, s in enumerate(winter.sessions):
        assert s.number == i + 1
        assert s.start == datetime.combine(first + timedelta(weeks=i), time(10, 0),
                                           tzinfo=LONDON)
        assert s.start.weekday() == 3 and s.minutes == 60
        assert s.start.month in (12, 1, 2)  # winter


def test_no_site_twice_in_a_row_and_variety(winter):
    ids = [s.site_id for s in winter.sessions]
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False)), ids
    usable = [p for p in winter.pool if p.usable]
    if len(usable) >= 8:  # the island has plenty: no site is repeated at all
        assert len(set(ids)) == 8
    habitats = {winter.site(i).habitat for i in ids}
    assert len(habitats) >= 3, habitats  # woodland, water, open ground or park


def test_every_route_fits_the_time_and_is_step_free(winter):
    for s in winter.sessions:
        site = winter.site(s.site_id)
        route = site.to_route()
        # within ±15 % of the session's 60 minutes, at the older adults' 3 km/h
        assert route.speed_kmh == pytest.approx(3.0)
        assert abs(route.minutes - 60) <= 0.15 * 60, (site.name, route.minutes)
        # the stored length is the walked length (checked independently, on the ellipsoid)
        assert geodesic_length_m(route.geometry) == pytest.approx(route.length_m, rel=0.02)
        assert route.minutes == pytest.approx(route.length_m / 3000 * 60, rel=1e-6)
        assert route.step_free and route.scores["obstacles"] == 0
        assert route.is_loop and route.geometry.coords[0] == route.geometry.coords[-1]
        assert isinstance(route.geometry, LineString)


def test_every_session_ends_an_hour_before_sunset(winter):
    for s in winter.sessions:
        site = winter.site(s.site_id)
        own = sunset(site.lat, site.lon, s.start.date())  # astral, computed here
        assert (own - s.end).total_seconds() >= 60 * 60, (s.number, own, s.end)
        assert s.sunset is not None and abs((s.sunset - own).total_seconds()) < 60


def test_meeting_points_have_grid_references_on_the_island(winter):
    for s in winter.sessions:
        m = winter.site(s.site_id).meeting
        assert m is not None and m.name
        assert m.grid_ref.startswith("SZ") or m.grid_ref.startswith("SU"), m.grid_ref
        assert -1.7 < m.lon < -1.0 and 50.5 < m.lat < 50.8
        if m.bus_stop_m is not None:
            assert 0 <= m.bus_stop_m <= cfg.BUS_STOP_MAX_M and m.bus_stop
        # the route starts at (or beside) the meeting point
        start = winter.site(s.site_id).to_route().start
        assert abs(start.x - m.lon) < 0.005 and abs(start.y - m.lat) < 0.005


def test_a_programme_round_trips_through_its_content(winter):
    from ecoplan.programmes.model import Programme

    again = Programme.from_content(winter.content())
    assert again.content() == winter.content()
    assert again.sessions[0].start.tzinfo is not None


def test_same_inputs_same_programme(iow_layers, iow_sites, winter):
    from programme_fixtures import shared_planner

    again = build_programme(winter_spec(), iow_layers, iow_sites, planner=shared_planner(),
                            source=winter.source)
    assert [s.site_id for s in again.sessions] == [s.site_id for s in winter.sessions]


# --- site choice on pools made in code -----------------------------------------------------------


def test_choice_alternates_habitats_and_never_repeats_when_the_pool_is_big_enough():
    pool = tiny_pool(3, ("woodland", "woodland", "water"))
    ids, notes = choose_sites(pool, 3)
    assert len(set(ids)) == 3 and not notes
    habitats = [next(p.habitat for p in pool if p.site_id == i) for i in ids]
    assert habitats[0] != habitats[1]  # the water site comes between the two woods


def test_small_pool_relaxes_variety_with_a_note():
    pool = tiny_pool(2)
    ids, notes = choose_sites(pool, 8)
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False))
    assert sorted({ids.count(i) for i in set(ids)}) == [4]  # used evenly
    assert any("Only 2 sites" in n and "more than once" in n for n in notes), notes


def test_one_site_pool_says_so():
    ids, notes = choose_sites(tiny_pool(1), 3)
    assert ids == ["w100"] * 3
    assert any("cannot hold" in n for n in notes)


def test_sites_without_a_route_are_never_chosen():
    pool = list(tiny_pool(3))
    pool[0] = replace(pool[0], route=None, note="no loop")
    ids, _ = choose_sites(pool, 4)
    assert "w100" not in ids


# --- bad input: a clear message, nothing built ------------------------------------------------


def test_dates_in_the_past_are_refused(iow_layers, iow_sites):
    past = date.today() - timedelta(days=7)
    with pytest.raises(EcoplanError, match="in the past"):
        build_programme(winter_spec(first=past, weekday=None), iow_layers, iow_sites)


@pytest.mark.parametrize("kw, msg", [
    ({"minutes": 120}, "at most 90 minutes"),
    ({"minutes": 5}, "at least 10 minutes"),
    ({"sessions": 0}, "give 1 to 52 sessions"),
    ({"name": "  "}, "needs a name"),
    ({"name": "123"}, "not only digits"),
    ({"profile": "athletes"}, "--profile"),
    ({"timezone": "Mars/Olympus"}, "time zone"),
    ({"group_size": 0}, "impossible"),
])
def test_bad_requests_say_what_to_do(iow_layers, iow_sites, kw, msg):
    with pytest.raises(EcoplanError, match=msg):
        build_programme(winter_spec(**kw), iow_layers, iow_sites)


def test_a_session_that_cannot_fit_in_daylight(iow_layers, iow_sites):
    # 15:00 for an hour in December ends after sunset (about 16:00) minus the 60-min margin
    with pytest.raises(DaylightError) as err:
        build_programme(winter_spec(start=time(15, 0)), iow_layers, iow_sites)
    msg = str(err.value)
    assert "session 1" in msg and "sunset" in msg and "start by" in msg
    latest = msg.split("start by ")[1][:5]
    assert latest < "15:00"


def test_before_sunrise_is_refused(iow_layers, iow_sites):
    with pytest.raises(DaylightError, match="sunrise"):
        build_programme(winter_spec(start=time(7, 30)), iow_layers, iow_sites)


def test_unknown_site_ids_say_how_many_exist(iow_layers, iow_sites):
    with pytest.raises(EcoplanError, match=r"unknown site id.*this area has \d+ sites"):
        build_programme(winter_spec(site_ids=("w1", "w2")), iow_layers, iow_sites)


def test_first_date_moves_to_the_weekday_with_a_note(iow_layers, iow_sites, winter):
    from ecoplan.programmes.dates import validate

    monday = winter_first() - timedelta(days=3)
    spec, notes = validate(winter_spec(first=monday))
    assert spec.first == winter_first() and spec.first.weekday() == 3
    assert any("moves to" in n for n in notes)


# --- a pool with no step-free route (in-code area: the only loop has steps on it) ------------


def _steps_park():
    from layers_factory import feature, make_layers, rect

    square = [(0, 0), (200, 0), (200, 200), (0, 200), (0, 0)]
    ids = [1, 2, 3, 4, 1]
    paths = [
        (ids[:4], square[:4], {"highway": "footway"}),
        ([4, 1], [square[3], square[4]], {"highway": "steps"}),
        ([10, 1], [(-150, -150), (0, 0)], {"highway": "footway"}),  # the way in
    ]
    park = feature(rect(-20, -20, 220, 220), 500, leisure="park", name="Stair Park")
    return make_layers(features=[park], paths=paths)


def test_a_pool_with_no_step_free_route_is_a_clear_error():
    from ecoplan.sites.build import build_sites

    layers = _steps_park()
    sites = build_sites(layers)
    sid = str(sites.sites["site_id"].iloc[0])
    spec = winter_spec(site_ids=(sid,), minutes=10, profile="default", sessions=2)
    with pytest.raises(NoRouteInPoolError, match="step-free") as err:
        build_pool(spec, layers, sites)
    assert "none of the 1 candidate sites" in str(err.value)
    # without step-free the same site has its loop
    pool, _ = build_pool(replace(spec, step_free=False), layers, sites)
    assert pool[0].usable and not pool[0].to_route().step_free
