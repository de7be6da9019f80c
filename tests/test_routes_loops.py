"""Loop routes on the real Isle of Wight network (issue #6 acceptance checks).

Green/blue share, steps and stiles are re-measured here from the route geometry and the raw OSM
layers — not read back from the router's own scores — so the checks can fail independently.
"""

from __future__ import annotations

import shutil
import subprocess

import gpxpy
import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from ecoplan.routes.gpx import route_to_gpx
from ecoplan.routes.loops import plan_loops
from ecoplan.routes.model import geodesic_length_m
from ecoplan.routes.planner import RoutePlanner
from ecoplan.settings import routes as cfg

RYDE = (-1.158, 50.733)  # sea front, lon/lat
NEWPORT = (-1.293, 50.700)
SPEED = 3.0
STARTS = {"ryde": RYDE, "newport": NEWPORT}
CASES = [(name, m) for name in STARTS for m in (30, 45, 60)]


@pytest.fixture(scope="module")
def planner(iow_layers, iow_sites):
    return RoutePlanner(iow_layers, iow_sites)


@pytest.fixture(scope="module")
def loops(planner):
    """Preferred and baseline (pure length, no preferences) loops, and step-free loops."""
    out = {}
    for name, m in CASES:
        start = STARTS[name]
        kw = dict(speed_kmh=SPEED, planner=planner)
        out[name, m] = {
            "pref": plan_loops(planner.layers, planner.sites, start, m, **kw),
            "base": plan_loops(planner.layers, planner.sites, start, m, preferences=False, **kw),
            "free": plan_loops(planner.layers, planner.sites, start, m, step_free=True, **kw),
        }
    return out


@pytest.fixture(scope="module")
def green_area(iow_sites):
    """Sites buffered by GREEN_BUFFER_M in UTM, as one prepared polygon."""
    sites = iow_sites.sites.to_crs(iow_sites.crs)
    geom = shapely.union_all(shapely.buffer(sites.geometry.to_numpy(), cfg.GREEN_BUFFER_M))
    shapely.prepare(geom)
    return geom


def _utm(route, crs):
    import geopandas as gpd

    return gpd.GeoSeries([route.geometry], crs="EPSG:4326").to_crs(crs).iloc[0]


def _green_share(route, area, crs) -> float:
    line = _utm(route, crs)
    return shapely.intersection(line, area).length / line.length


@pytest.mark.parametrize(("name", "minutes"), CASES)
def test_loop_meets_target_and_closes(loops, name, minutes):
    target = minutes * SPEED * 1000 / 60
    for kind in ("pref", "base", "free"):
        routes = loops[name, minutes][kind]
        assert routes, kind
        for r in routes:
            coords = np.asarray(r.geometry.coords)
            assert abs(r.length_m - target) <= 0.15 * target, (kind, r.length_m, target)
            # the measured geometry agrees with the reported length (GPS tools measure this)
            assert geodesic_length_m(r.geometry) == pytest.approx(r.length_m, rel=0.01)
            assert tuple(coords[0]) == tuple(coords[-1])  # closes on the start
            assert r.is_loop
            # the start snapped to a walkable node near the requested point
            start = STARTS[name]
            dx = (coords[0][0] - start[0]) * 111_320 * np.cos(np.radians(start[1]))
            dy = (coords[0][1] - start[1]) * 110_540
            assert np.hypot(dx, dy) < 120
            assert r.minutes == pytest.approx(r.length_m / 1000 / SPEED * 60)


@pytest.mark.parametrize(("name", "minutes"), CASES)
def test_loops_little_retracing(loops, name, minutes):
    for r in loops[name, minutes]["pref"]:
        coords = [tuple(c) for c in np.round(np.asarray(r.geometry.coords), 7)]
        segs = [frozenset(p) for p in zip(coords[:-1], coords[1:], strict=True)]
        seg_len = np.array([geodesic_length_m(LineString(sorted(s))) for s in segs])
        counts = {s: segs.count(s) for s in set(segs)}
        retraced = sum(ln for s, ln in zip(segs, seg_len, strict=True) if counts[s] > 1)
        assert retraced / seg_len.sum() < 0.20
        assert r.scores["share_retraced"] == pytest.approx(retraced / seg_len.sum(), abs=0.01)


@pytest.mark.parametrize(("name", "minutes"), CASES)
def test_preferred_loop_greener_than_length_only_baseline(loops, green_area, iow_sites,
                                                          name, minutes):
    """Baseline: the same search with pure length costs and a score that only looks at length
    error and retracing — what a "shortest loop of this length" finder returns."""
    best = loops[name, minutes]["pref"][0]
    base = loops[name, minutes]["base"][0]
    g_best = _green_share(best, green_area, iow_sites.crs)
    g_base = _green_share(base, green_area, iow_sites.crs)
    assert g_best > g_base, (g_best, g_base)
    # the router's own score agrees with the independent measure (10 m sampling)
    assert best.scores["share_green_blue"] == pytest.approx(g_best, abs=0.05)


@pytest.fixture(scope="module")
def blocking(iow_layers):
    """Stile / kissing gate / turnstile coordinates and steps segments, from the raw layers."""
    pois = iow_layers.pois
    gates = pois[pois["barrier"].isin(["stile", "kissing_gate", "turnstile"])]
    gate_pts = {tuple(np.round(c, 7)) for c in shapely.get_coordinates(gates.geometry.values)}
    ways = iow_layers.ways
    steps = ways[ways["highway"] == "steps"]
    step_segs = set()
    for g in steps.geometry.values:
        c = [tuple(x) for x in np.round(np.asarray(g.coords), 7)]
        step_segs |= {frozenset(p) for p in zip(c[:-1], c[1:], strict=True)}
    return gate_pts, step_segs


@pytest.mark.parametrize(("name", "minutes"), CASES)
def test_step_free_loops_have_no_steps_or_stiles(loops, blocking, name, minutes):
    gate_pts, step_segs = blocking
    assert len(gate_pts) > 100 and len(step_segs) > 100  # the check has teeth
    for r in loops[name, minutes]["free"]:
        coords = [tuple(c) for c in np.round(np.asarray(r.geometry.coords), 7)]
        assert not gate_pts & set(coords)
        assert not step_segs & {frozenset(p) for p in zip(coords[:-1], coords[1:], strict=True)}
        assert r.step_free and r.scores["obstacles"] == 0


def test_alternatives_are_distinct_and_scored(loops):
    routes = loops["newport", 45]["pref"]
    assert len(routes) == 3
    geoms = [r.geometry for r in routes]
    assert geoms[0] != geoms[1] and geoms[1] != geoms[2]
    for r in routes:
        for key in ("share_green_blue", "share_on_roads", "share_retraced", "toilets",
                    "step_free", "length_error", "obstacles"):
            assert key in r.scores
        assert 0 <= r.scores["share_green_blue"] <= 1
        assert r.directions and r.directions[-1].text == "Arrive back at the start"
        assert sum(s.distance_m for s in r.directions) == pytest.approx(r.length_m, rel=1e-6)
        assert r.waypoints[0].kind == "start"


def test_avoid_roads_cuts_busy_road_share(planner, loops):
    normal = loops["newport", 45]["pref"][0]
    avoid = plan_loops(planner.layers, planner.sites, NEWPORT, 45, speed_kmh=SPEED,
                       planner=planner, avoid_roads=True)[0]
    assert avoid.scores["share_on_roads"] < normal.scores["share_on_roads"]
    assert avoid.scores["share_on_roads"] < 0.1


def test_lit_only_uses_lit_paths(planner):
    routes = plan_loops(planner.layers, planner.sites, NEWPORT, 30, speed_kmh=SPEED,
                        planner=planner, lit_only=True)
    for r in routes:
        assert r.scores["share_lit"] == pytest.approx(1.0)


def test_gpx_matches_route(loops):
    route = loops["ryde", 30]["pref"][0]
    gpx = gpxpy.parse(route_to_gpx(route))
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) == len(route.geometry.coords)
    assert gpx.tracks[0].length_2d() == pytest.approx(route.length_m, rel=0.01)
    assert (pts[0].latitude, pts[0].longitude) == (pts[-1].latitude, pts[-1].longitude)
    assert any(w.type == "start" for w in gpx.waypoints)


def test_pdf_is_an_a4_map_page_with_every_direction(loops, iow_layers, tmp_path):
    from ecoplan.routes.printmap import render_route_pdf

    route = loops["ryde", 30]["pref"][0]
    out = render_route_pdf(route, iow_layers, tmp_path / "ryde.pdf", title="Ryde loop")
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo not installed")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(info.split("Pages:")[1].split()[0])
    assert 1 <= pages <= 2  # the map page; directions that do not fit beside it go overleaf
    assert "(A4)" in info
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    n = len(route.directions)
    assert f"{n}. " in text  # the last step is printed


def test_gpx_tracks_read_back_valid_in_every_crs(loops, tmp_path):
    """Issue 11.1 for routes: the written GPX, read by GDAL as any GIS would, holds valid
    track lines in lon/lat and after reprojection to British National Grid."""
    import geopandas as gpd

    for i, (name, m) in enumerate(CASES):
        route = loops[(name, m)]["pref"][0]
        path = tmp_path / f"{i}.gpx"
        path.write_text(route_to_gpx(route), encoding="utf-8")
        tracks = gpd.read_file(path, layer="tracks")
        assert len(tracks) == 1 and tracks.geom_type.iloc[0] == "MultiLineString"
        assert tracks.is_valid.all() and tracks.to_crs(27700).is_valid.all()
        assert tracks.to_crs(27700).length.iloc[0] == pytest.approx(route.length_m, rel=0.01)


def test_no_loop_message_names_a_length_that_works(planner, iow_sites):
    """Issue #1: from the first entrance of w3383081 no 20-minute loop fits; the message
    used to advise "try a shorter walk" (and elsewhere "0.0–0.0 km"). It now names only a
    walk time that really gives a loop."""
    import re

    from ecoplan.routes.network import RouteError
    from ecoplan.routes.planner import site_starts

    (start, _), = site_starts(iow_sites, "w3383081", limit=1)
    kw = dict(speed_kmh=4.8, planner=planner, n_alternatives=1)
    with pytest.raises(RouteError) as info:
        plan_loops(planner.layers, planner.sites, start, 20, **kw)
    msg = str(info.value)
    assert "0.0–0.0" not in msg and "shorter walk" not in msg
    m = re.search(r"a (\d+)-minute loop \((\d+\.\d) km\) works from here", msg)
    assert m, msg
    works = plan_loops(planner.layers, planner.sites, start, float(m[1]), **kw)
    assert works[0].length_m / 1000 == pytest.approx(float(m[2]), abs=0.05)


def test_no_loop_message_never_names_lengths_below_the_minimum():
    from ecoplan.routes.loops import Candidate, _no_loop_message

    def cand(length_m):
        return Candidate(np.array([0, 1, 0]), np.array([0, 0]), {"length_m": length_m}, 0.0)

    msg = _no_loop_message([cand(21.0), cand(40.0)], 1600.0, "paths", min_m=400.0)
    assert "0.0" not in msg and "loops found" not in msg and msg.endswith("another start.")
    msg = _no_loop_message([cand(21.0), cand(900.0), cand(2500.0)], 1600.0, "paths", 400.0)
    assert "(loops found: 0.9–2.5 km)" in msg


#: Site ids whose best entrance gave no 20-minute loop before issue #1 was fixed (the tester's
#: harness, /work/notes/explore-route.md): every candidate collapsed to a 21 m "loop" when its
#: back-and-forth spurs were cut.
FAILED_AT_20_MIN = ("w221221849", "w150640221", "r4080498", "w122129684", "w136655891",
                    "r4094862", "w115574793", "w4580522", "w3407490", "w136605932")


def test_short_walks_from_entrances_on_dead_ends(planner, iow_sites):
    """Issue #1: 20-minute walks from these entrances are found now (0 of 10 before); a walk
    that retraces most of its length is called an out-and-back walk, not a circular one."""
    from ecoplan.routes.model import walk_kind
    from ecoplan.routes.network import RouteError
    from ecoplan.routes.planner import site_starts

    found = []
    for sid in FAILED_AT_20_MIN:
        (start, _), = site_starts(iow_sites, sid, limit=1)
        try:
            routes = plan_loops(planner.layers, planner.sites, start, 20, speed_kmh=4.8,
                                planner=planner, n_alternatives=1, suggest_minutes=False)
        except RouteError:
            continue
        r = routes[0]
        assert abs(r.minutes - 20) <= 20 * cfg.LENGTH_TOLERANCE + 0.5
        assert r.geometry.coords[0] == r.geometry.coords[-1]
        assert r.length_m > 1000  # a walk, not a 21 m spur
        retraced = r.scores["share_retraced"]
        assert walk_kind(r) == ("Out-and-back walk" if retraced > cfg.OUT_AND_BACK_SHARE
                                else "Circular walk")
        found.append(sid)
    assert len(found) >= 8, found
