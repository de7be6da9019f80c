"""GPX 1.1 export: parses, matches the route, carries waypoints and the ODbL attribution."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

import gpxpy
import numpy as np
import pytest
from shapely.geometry import LineString, Point

from ecoplan.routes.gpx import route_to_gpx
from ecoplan.routes.model import Route, Step, Waypoint, geodesic_length_m

GPX11_NS = "http://www.topografix.com/GPX/1/1"


def _ryde_loop() -> LineString:
    """A ~3 km loop of 121 points around Ryde (real coordinates on the sea front)."""
    t = np.linspace(0, 2 * np.pi, 121)
    lon = -1.1605 + 0.008 * np.cos(t) - 0.008
    lat = 50.7290 + 0.003 * np.sin(t)
    return LineString(np.column_stack([lon, lat]))


@pytest.fixture
def route() -> Route:
    line = _ryde_loop()
    start = Point(line.coords[0])
    return Route(
        geometry=line, length_m=geodesic_length_m(line), minutes=60.0, speed_kmh=3.0,
        step_free=True, start=start,
        waypoints=[
            Waypoint("start", "Ryde Esplanade", start.x, start.y),
            Waypoint("toilets", "<b>Tom & Jerry's</b> WC", -1.160, 50.731),
            Waypoint("bench", "$\\frac{1}{2}$ bench", -1.170, 50.727),
            Waypoint("entrance", "Appley Park gate\x00\x07", -1.150, 50.729),
        ],
        directions=[Step("Head east along the Esplanade", 400.0)],
        scores={"share_green_blue": 0.4}, title="Ryde <loop> & sea", is_loop=True)


def test_gpx_parses_and_matches_route(route: Route) -> None:
    xml = route_to_gpx(route, time=datetime(2026, 6, 1, 9, 30, tzinfo=UTC))
    gpx = gpxpy.parse(xml)
    assert gpx.version == "1.1"
    assert len(gpx.tracks) == 1 and len(gpx.tracks[0].segments) == 1
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) == len(route.geometry.coords)
    assert (pts[0].longitude, pts[0].latitude) == pytest.approx(route.geometry.coords[0])
    assert (pts[-1].longitude, pts[-1].latitude) == pytest.approx(route.geometry.coords[-1])
    assert gpx.length_2d() == pytest.approx(route.length_m, rel=0.01)
    assert route.length_m > 2000  # a real, non-trivial line
    assert gpx.name == "Ryde <loop> & sea"
    assert gpx.time == datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


def test_gpx_waypoints_escaped_and_typed(route: Route) -> None:
    xml = route_to_gpx(route)
    assert "<b>" not in xml  # escaped, not markup
    gpx = gpxpy.parse(xml)
    by_type = {w.type: w for w in gpx.waypoints}
    assert set(by_type) == {"start", "toilets", "bench", "entrance"}
    assert by_type["toilets"].name == "<b>Tom & Jerry's</b> WC"
    assert by_type["bench"].name == "$\\frac{1}{2}$ bench"
    assert by_type["entrance"].name == "Appley Park gate"  # control characters dropped
    assert by_type["toilets"].symbol == "Restroom"


def test_gpx_is_gpx_11_document_with_odbl_metadata(route: Route) -> None:
    xml = route_to_gpx(route)
    root = ET.fromstring(xml.encode())
    assert root.tag == f"{{{GPX11_NS}}}gpx"
    assert root.get("version") == "1.1"
    assert root.get("creator") == "ecoplan"
    ns = {"g": GPX11_NS}
    meta = root.find("g:metadata", ns)
    assert meta is not None
    # GPX 1.1 schema order inside <metadata>: name, desc, author, copyright, link, time, …
    order = [child.tag.split("}")[1] for child in meta]
    expected = [t for t in ("name", "desc", "author", "copyright", "link", "time", "keywords",
                            "bounds", "extensions") if t in order]
    assert order == expected
    copyright_el = meta.find("g:copyright", ns)
    assert copyright_el is not None
    assert copyright_el.get("author") == "OpenStreetMap contributors"
    assert "odbl" in copyright_el.find("g:license", ns).text.lower()
    link = meta.find("g:link", ns)
    assert link.get("href") == "https://www.openstreetmap.org/copyright"
    assert link.find("g:text", ns).text == "© OpenStreetMap contributors"
    # Document order of top-level elements: metadata, wpt*, rte*, trk*.
    tags = [child.tag.split("}")[1] for child in root]
    assert tags[0] == "metadata"
    assert tags.index("trk") > max(i for i, t in enumerate(tags) if t == "wpt")


def test_start_waypoint_added_when_router_gave_none(route: Route) -> None:
    bare = Route(route.geometry, route.length_m, 60.0, 3.0, False, route.start, is_loop=True)
    gpx = gpxpy.parse(route_to_gpx(bare))
    assert [w.type for w in gpx.waypoints] == ["start"]
    assert gpx.waypoints[0].name == "Start"
    assert gpx.name == "Walking route"
    assert "not step-free" in gpx.tracks[0].description


def test_a_to_b_walk_has_a_finish_waypoint(route: Route) -> None:
    """Issue #4: an A-to-B walk's GPX names where it ends (a loop's end is its start)."""
    line = LineString(route.geometry.coords[:60])
    atob = replace(route, geometry=line, length_m=geodesic_length_m(line), is_loop=False)
    gpx = gpxpy.parse(route_to_gpx(atob))
    assert [w.type for w in gpx.waypoints][0] == "start"
    finish = gpx.waypoints[-1]
    assert (finish.type, finish.name, finish.symbol) == ("finish", "Finish", "Flag, Red")
    assert (finish.longitude, finish.latitude) == pytest.approx(line.coords[-1])
    assert gpx.keywords == "walk, OpenStreetMap"
    loop = gpxpy.parse(route_to_gpx(route))
    assert "finish" not in [w.type for w in loop.waypoints]


def test_out_and_back_walk_is_not_called_a_loop(route: Route) -> None:
    """Issue #3: a "loop" that retraces most of its length is an out-and-back walk."""
    gpx = gpxpy.parse(route_to_gpx(route))
    assert gpx.keywords == "walk, loop, OpenStreetMap"
    back = replace(route, scores={**route.scores, "share_retraced": 0.8})
    gpx = gpxpy.parse(route_to_gpx(back))
    assert gpx.keywords == "walk, out-and-back, OpenStreetMap"
    assert "out-and-back walk" in gpx.tracks[0].description
    assert " loop" not in gpx.tracks[0].description
    half = replace(route, scores={**route.scores, "share_retraced": 0.5})
    assert "loop" in gpxpy.parse(route_to_gpx(half)).keywords


def test_waypoint_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown waypoint kind"):
        Waypoint("pub", "The Castle", -1.16, 50.73)  # type: ignore[arg-type]
