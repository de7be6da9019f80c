"""The Route record: what the router produces and the GPX/PDF writers consume.

A plain frozen dataclass (no behaviour beyond light validation) so the loop router can fill it
and every output (GPX, A4 PDF, app, CLI) reads the same fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from pyproj import Geod
from shapely.geometry import LineString, Point

from ecoplan.settings.routes import OUT_AND_BACK_SHARE

WaypointKind = Literal["start", "finish", "toilets", "bench", "entrance", "parking", "bus_stop",
                       "viewpoint"]
WAYPOINT_KINDS: tuple[str, ...] = get_args(WaypointKind)

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True)
class Waypoint:
    """A named point along the route (start, toilets, bench, entrance, …), lon/lat WGS84."""

    kind: WaypointKind
    name: str
    lon: float
    lat: float

    def __post_init__(self) -> None:
        if self.kind not in WAYPOINT_KINDS:
            raise ValueError(f"unknown waypoint kind {self.kind!r}; use one of {WAYPOINT_KINDS}")


@dataclass(frozen=True)
class Step:
    """One line of turn-by-turn directions and the distance it covers, metres."""

    text: str
    distance_m: float


@dataclass(frozen=True)
class Route:
    """A walking route. ``geometry`` is a LineString in EPSG:4326 (lon, lat) order.

    ``scores`` holds the explainable numbers the router computed (e.g. ``share_green_blue``,
    ``share_on_roads``, ``toilets``); writers show them but never recompute them.
    """

    geometry: LineString
    length_m: float
    minutes: float
    speed_kmh: float
    step_free: bool
    start: Point
    waypoints: list[Waypoint] = field(default_factory=list)
    directions: list[Step] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    title: str = ""
    is_loop: bool = False


def is_out_and_back(route: Route) -> bool:
    """A loop that retraces most of its length (settings OUT_AND_BACK_SHARE): called an
    out-and-back walk, so no one expects a circuit (issue #3)."""
    return route.is_loop and route.scores.get("share_retraced", 0.0) > OUT_AND_BACK_SHARE


def walk_kind(route: Route) -> str:
    """"Circular walk", "Out-and-back walk" or "Walk" (A to B): the heading every output uses."""
    if not route.is_loop:
        return "Walk"
    return "Out-and-back walk" if is_out_and_back(route) else "Circular walk"


def finish_lonlat(route: Route) -> tuple[float, float]:
    """(lon, lat) where the walk ends: the last point of its line."""
    x, y, *_ = route.geometry.coords[-1]
    return float(x), float(y)


def geodesic_length_m(line: LineString) -> float:
    """Length of a lon/lat LineString on the WGS84 ellipsoid, metres (what GPS tools report)."""
    return float(_GEOD.geometry_length(line))


def route_to_dict(route: Route, *, ndigits: int = 6) -> dict:
    """A JSON-able copy of ``route`` (coordinates rounded to ``ndigits`` decimal degrees: 6 ≈
    0.1 m), so a planned route can be stored and printed again without re-planning."""
    def xy(x: float, y: float) -> list[float]:
        return [round(float(x), ndigits), round(float(y), ndigits)]

    return {
        "coords": [xy(x, y) for x, y, *_ in route.geometry.coords],
        "length_m": float(route.length_m), "minutes": float(route.minutes),
        "speed_kmh": float(route.speed_kmh), "step_free": bool(route.step_free),
        "start": xy(route.start.x, route.start.y),
        "waypoints": [{"kind": w.kind, "name": w.name, "lon": round(w.lon, ndigits),
                       "lat": round(w.lat, ndigits)} for w in route.waypoints],
        "directions": [{"text": s.text, "distance_m": float(s.distance_m)}
                       for s in route.directions],
        "scores": {k: float(v) for k, v in route.scores.items()},
        "title": route.title, "is_loop": bool(route.is_loop),
    }


def route_from_dict(d: dict) -> Route:
    """The :class:`Route` stored by :func:`route_to_dict`."""
    return Route(
        geometry=LineString(d["coords"]), length_m=float(d["length_m"]),
        minutes=float(d["minutes"]), speed_kmh=float(d["speed_kmh"]),
        step_free=bool(d["step_free"]), start=Point(d["start"]),
        waypoints=[Waypoint(w["kind"], w["name"], float(w["lon"]), float(w["lat"]))
                   for w in d.get("waypoints", [])],
        directions=[Step(s["text"], float(s["distance_m"])) for s in d.get("directions", [])],
        scores={k: float(v) for k, v in d.get("scores", {}).items()},
        title=d.get("title", ""), is_loop=bool(d.get("is_loop", False)),
    )
