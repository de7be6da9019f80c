"""Shared pieces for the programme tests: the issue's winter programme on the Isle of Wight
(built once per test run), a tiny programme made in code, and a stormy forecast made by
editing a copy of a real recorded Open-Meteo response.

Dates are relative to today, so the tests keep working: the winter programme starts on the
first Thursday of the next December that is still to come.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import sun
from shapely.geometry import LineString, Point

from ecoplan.programmes.model import (
    MeetingPoint,
    PoolSite,
    Programme,
    ProgrammeSession,
    ProgrammeSpec,
)
from ecoplan.routes.model import Route, Step, Waypoint, route_to_dict
from ecoplan.settings.paths import shared_data_dir

LONDON = ZoneInfo("Europe/London")
BERLIN = shared_data_dir() / "weather" / \
    "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json"
#: A point in the middle of the Isle of Wight (Newport), where the stormy forecast is placed.
IOW_LAT, IOW_LON = 50.70, -1.29
HOSTILE = "Walks <b>&</b> $\\frac{1}{2}$ =cmd|' /C calc'!A0"


def winter_first(today: date | None = None) -> date:
    """The first Thursday on or after 1 December that is after today (always winter)."""
    today = today or date.today()
    d = date(today.year, 12, 1)
    if d <= today:
        d = date(today.year + 1, 12, 1)
    return d + timedelta(days=(3 - d.weekday()) % 7)


def winter_spec(**kw) -> ProgrammeSpec:
    """The issue's programme: 8 Thursdays at 10:00, 60 min, 12 older walkers, step-free."""
    base = dict(name="Winter walks", first=winter_first(), weekday=3, sessions=8,
                start=time(10, 0), minutes=60, group_size=12, profile="older-adults",
                step_free=True, leader_name="Sam Jones", leader_contact="07700 900123")
    return ProgrammeSpec(**(base | kw))


_BUILT: dict[str, Programme] = {}


def winter_programme(layers, sites) -> Programme:
    """The winter programme on the real island data (built once per run, ~10 s)."""
    if "winter" not in _BUILT:
        from ecoplan.programmes.season import build_programme
        from ecoplan.programmes.source import source_identity
        from ecoplan.routes.planner import RoutePlanner

        planner = RoutePlanner(layers, sites)
        pbf = shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
        _BUILT["winter"] = build_programme(winter_spec(), layers, sites, planner=planner,
                                           source=source_identity(str(pbf), layers))
        _BUILT["planner"] = planner  # type: ignore[assignment]
    return _BUILT["winter"]


def shared_planner():
    return _BUILT.get("planner")


def sunset(lat: float, lon: float, day: date) -> datetime:
    """Sunset computed here, independently of the code under test."""
    return sun(Observer(latitude=lat, longitude=lon), date=day, tzinfo=LONDON)["sunset"]


# --- a tiny programme made in code -------------------------------------------------------------


def _route(lon: float, lat: float, minutes: float = 30.0, step_free: bool = True) -> dict:
    d = 0.004
    line = LineString([(lon, lat), (lon + d, lat), (lon + d, lat + d / 2), (lon, lat + d / 2),
                       (lon, lat)])
    return route_to_dict(Route(
        geometry=line, length_m=minutes * 80.0, minutes=minutes, speed_kmh=4.8,
        step_free=step_free, start=Point(lon, lat),
        waypoints=[Waypoint("start", "Gate", lon, lat)],
        directions=[Step("Head east along the path", 300.0)],
        scores={"toilets": 1.0, "benches": 2.0, "obstacles": 0.0 if step_free else 3.0},
        title="loop", is_loop=True))


def tiny_pool(n: int = 3, habitats: tuple[str, ...] = ("woodland", "water", "park")
              ) -> tuple[PoolSite, ...]:
    out = []
    for i in range(n):
        lon, lat = -1.30 + 0.01 * i, 50.70
        hab = habitats[i % len(habitats)]
        cats = {"woodland": "wood", "water": "coast", "park": "park",
                "open ground": "heath"}[hab]
        out.append(PoolSite(
            site_id=f"w{100 + i}", name=f"Site {i} {HOSTILE if i == 0 else ''}".strip(),
            categories=cats, habitat=hab, score=0.9 - 0.1 * i, toilets=i % 2, benches=1,
            shelters=0, lat=lat, lon=lon,
            meeting=MeetingPoint(f"Gate of site {i}", lon, lat, "SZ 4950 8950", "",
                                 "High Street", 120.0, "walk", "Toilets", 300.0, "walk"),
            route=_route(lon, lat)))
    return tuple(out)


def tiny_programme(name: str = "Test walks", n: int = 3, first: date | None = None
                   ) -> Programme:
    first = first or winter_first()
    spec = ProgrammeSpec(name=name, first=first, sessions=n, start=time(10, 0), minutes=30,
                         group_size=8, weekday=first.weekday())
    pool = tiny_pool(3)
    sessions = tuple(ProgrammeSession(
        i + 1, datetime.combine(first + timedelta(days=7 * i), time(10, 0), tzinfo=LONDON), 30,
        pool[i % 3].site_id, sunset=datetime.combine(first + timedelta(days=7 * i),
                                                     time(16, 0), tzinfo=LONDON))
        for i in range(n))
    return Programme(spec=spec, source={"key": "test", "kind": "test", "name": "fixture"},
                     pool=pool, sessions=sessions, notes=("made in code",))


# --- a stormy forecast from a real recorded response ----------------------------------------------


def stormy_forecast(day: date, *, storm_hours: range = range(7, 13), gust_kmh: float = 100.0,
                    lat: float = IOW_LAT, lon: float = IOW_LON, code: int = 95,
                    tz: str = "Europe/London") -> dict:
    """The recorded Berlin response moved to the island (or ``lat``/``lon``/``tz``) and to
    ``day`` (day 3 of 7), calm and mild on that day except weather ``code`` (thunderstorm)
    with gale gusts during ``storm_hours``."""
    zone = ZoneInfo(tz)
    src = json.loads(BERLIN.read_text(encoding="utf-8"))
    raw = copy.deepcopy(src)
    first_src = date.fromisoformat(src["daily"]["time"][0])
    shift = (day - timedelta(days=2)) - first_src

    def move(t: str) -> str:
        return (datetime.fromisoformat(t) + shift).strftime("%Y-%m-%dT%H:%M")

    offset = datetime.combine(day, time(12, 0), tzinfo=zone).utcoffset()
    raw.update(latitude=lat, longitude=lon, timezone=tz, utc_offset_seconds=int(
        offset.total_seconds()), timezone_abbreviation=datetime.combine(
        day, time(12, 0), tzinfo=zone).tzname())
    raw["current"]["time"] = move(raw["current"]["time"])
    h = raw["hourly"]
    h["time"] = [move(t) for t in h["time"]]
    for i, t in enumerate(h["time"]):
        when = datetime.fromisoformat(t)
        if when.date() != day:
            continue
        h["temperature_2m"][i], h["apparent_temperature"][i] = 9.0, 6.5
        h["precipitation"][i], h["weather_code"][i] = 0.0, 3
        h["wind_speed_10m"][i], h["wind_gusts_10m"][i] = 15.0, 30.0
        if when.hour in storm_hours:
            h["weather_code"][i], h["precipitation"][i] = code, 6.0
            h["wind_speed_10m"][i], h["wind_gusts_10m"][i] = 60.0, gust_kmh
    d = raw["daily"]
    d["time"] = [(date.fromisoformat(t) + shift).isoformat() for t in d["time"]]
    obs = Observer(latitude=lat, longitude=lon)
    d["sunrise"], d["sunset"] = [], []
    for t in d["time"]:
        s = sun(obs, date=date.fromisoformat(t), tzinfo=zone)
        d["sunrise"].append(f"{s['sunrise']:%Y-%m-%dT%H:%M}")
        d["sunset"].append(f"{s['sunset']:%Y-%m-%dT%H:%M}")
    k = d["time"].index(day.isoformat())
    d["weather_code"][k], d["wind_gusts_10m_max"][k] = code, gust_kmh
    d["temperature_2m_min"][k], d["apparent_temperature_min"][k] = 9.0, 6.5
    return raw


def stormy_file(tmp_path, day: date, **kw):
    path = tmp_path / "stormy-forecast.json"
    path.write_text(json.dumps(stormy_forecast(day, **kw)), encoding="utf-8")
    return path
