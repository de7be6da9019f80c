"""GPX 1.1 export of a route: one track (one segment) plus named waypoints.

GPS apps (OS Maps, Komoot, Garmin) import GPX 1.1; gpxpy writes it and escapes names, so an
OSM name like ``<b>Tom & Jerry's</b>`` stays text. The metadata carries the ODbL attribution
that OpenStreetMap-derived data must travel with.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import gpxpy.gpx as gpxmod

from ecoplan.routes.model import Route, Waypoint, finish_lonlat, is_out_and_back
from ecoplan.settings import routes as routes_cfg

#: Characters XML 1.0 forbids even when escaped (C0 controls except tab/newline/CR, and
#: U+FFFE/U+FFFF); an OSM name carrying one would make the whole file unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: object) -> str:
    return _XML_INVALID.sub("", str(text or "")).strip()


def route_summary(route: Route) -> str:
    """One line a GPS app shows under the track name: distance, time, step-free."""
    km = route.length_m / 1000
    kind = ("out-and-back walk" if is_out_and_back(route) else "loop") if route.is_loop \
        else "route"
    step = "step-free" if route.step_free else "not step-free (may have steps, stiles or gates)"
    return (f"{km:.1f} km {kind}, about {route.minutes:.0f} min at {route.speed_kmh:g} km/h; "
            f"{step}")


def route_to_gpx(route: Route, *, time: datetime | None = None) -> str:
    """The route as a GPX 1.1 document (str). ``time`` stamps the metadata (default: now, UTC)."""
    coords = list(route.geometry.coords)
    if len(coords) < 2:
        raise ValueError("a route needs at least two points to be written as GPX")
    gpx = gpxmod.GPX()
    gpx.version = "1.1"
    gpx.creator = routes_cfg.GPX_CREATOR
    title = _clean(route.title) or "Walking route"
    gpx.name = title
    gpx.description = f"{route_summary(route)}. Map data {routes_cfg.ATTRIBUTION}, ODbL."
    gpx.time = time or datetime.now(UTC).replace(microsecond=0)
    gpx.copyright_author = routes_cfg.OSM_COPYRIGHT_AUTHOR
    gpx.copyright_year = str(gpx.time.year)
    gpx.copyright_license = routes_cfg.OSM_LICENSE_URL
    gpx.link = routes_cfg.OSM_COPYRIGHT_URL
    gpx.link_text = routes_cfg.ATTRIBUTION
    gpx.keywords = _keywords(route)

    track = gpxmod.GPXTrack(name=title, description=route_summary(route))
    track.type = "walking"  # type: ignore[assignment]  # gpxpy types it as None
    segment = gpxmod.GPXTrackSegment()
    segment.points.extend(
        gpxmod.GPXTrackPoint(latitude=float(c[1]), longitude=float(c[0])) for c in coords
    )
    track.segments.append(segment)
    gpx.tracks.append(track)

    for wp in _waypoints(route):
        point = gpxmod.GPXWaypoint(latitude=float(wp.lat), longitude=float(wp.lon),
                                   name=_clean(wp.name) or _default_name(wp.kind),
                                   symbol=routes_cfg.GPX_SYMBOLS.get(wp.kind), type=wp.kind)
        gpx.waypoints.append(point)
    return gpx.to_xml(version="1.1")


def _keywords(route: Route) -> str:
    """'walk, loop, …' for a circular walk, 'walk, out-and-back, …' when most of it is
    retraced (issue #3), 'walk, …' for A to B."""
    if not route.is_loop:
        return "walk, OpenStreetMap"
    return f"walk, {'out-and-back' if is_out_and_back(route) else 'loop'}, OpenStreetMap"


def _default_name(kind: str) -> str:
    return {"start": "Start", "finish": "Finish", "toilets": "Toilets", "bench": "Bench",
            "entrance": "Entrance", "parking": "Parking", "bus_stop": "Bus stop",
            "viewpoint": "Viewpoint"}.get(
                kind, kind.replace("_", " ").capitalize())


def _waypoints(route: Route) -> list[Waypoint]:
    """The route's waypoints of the kinds GPX carries, with a start added if missing and,
    for an A-to-B walk, a finish at its end."""
    kept = [w for w in route.waypoints if w.kind in routes_cfg.GPX_WAYPOINT_KINDS]
    if not any(w.kind == "start" for w in kept):
        kept.insert(0, Waypoint("start", "Start", float(route.start.x), float(route.start.y)))
    if not route.is_loop and not any(w.kind == "finish" for w in kept):
        kept.append(Waypoint("finish", "Finish", *finish_lonlat(route)))  # issue #4
    return kept
