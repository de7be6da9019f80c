"""The Walking route page: click handling, planning on the demo area (Helsinki), the scores
table, GPX/PDF bytes, a start in the sea, the not-step-free fallback and an A-to-B route."""

from __future__ import annotations

import io
from dataclasses import replace

import geopandas as gpd
import gpxpy
import pandas as pd
import pytest
import shapely
from hostile import plain
from shapely.geometry import LineString, Point
from streamlit.testing.v1 import AppTest

from ecoplan.app import route_logic
from ecoplan.app.pages import route_page as rp
from ecoplan.app.route_logic import RouteRequest, RouteResult
from ecoplan.routes.model import Route, Step, Waypoint

TIMEOUT = 180
# A start in Kaisaniemi/Töölönlahti parks of the demo extract, and one in the harbour (sea).
DEMO_START = (24.9443, 60.1716)
SEA = (24.9500, 60.1580)  # ~690 m from the nearest path, inside the data's padding


def page() -> AppTest:
    return AppTest.from_string("from ecoplan.app.pages import route_page\n"
                               "route_page.render()\n", default_timeout=TIMEOUT)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def click(lon: float, lat: float) -> dict:
    """What st_folium returns for a map click."""
    return {"last_clicked": {"lat": lat, "lng": lon}}


# --- pure logic ------------------------------------------------------------------------------


def test_clicked_point_is_read_as_lon_lat_and_repeats_are_ignored():
    assert route_logic.clicked_lonlat(click(24.9, 60.1)) == (24.9, 60.1)
    assert route_logic.clicked_lonlat(None) is None
    assert route_logic.clicked_lonlat({"last_clicked": None}) is None
    assert route_logic.clicked_lonlat({"last_clicked": {"lat": "x", "lng": 1}}) is None
    assert route_logic.clicked_lonlat(click(24.9, 95.0)) is None
    assert route_logic.new_click(click(24.9, 60.1), (24.9, 60.1)) is None
    assert route_logic.new_click(click(24.9, 60.1), (24.8, 60.1)) == (24.9, 60.1)


def test_handle_click_sets_start_switches_mode_and_sets_finish_for_a_to_b():
    s: dict = {rp.K_MODE: rp.BUS_MODE}
    assert rp.handle_click(click(24.94, 60.17), s)
    assert s[rp.K_MAP_START] == (24.94, 60.17) and s[rp.K_SWITCH] is True
    assert not rp.handle_click(click(24.94, 60.17), s)  # the same click on the next rerun
    s.update({rp.K_ATOB: True, rp.K_CLICK_TARGET: rp.CLICK_END})
    assert rp.handle_click(click(24.95, 60.175), s)
    assert s[rp.K_MAP_END] == (24.95, 60.175) and s[rp.K_MAP_START] == (24.94, 60.17)


def test_speed_choices_follow_the_presets():
    opts = route_logic.speed_options()
    assert list(opts)[:4] == ["default", "natural-england", "older-adults", "frail"]
    assert route_logic.speed_from_choice("older-adults") == 3.0
    assert route_logic.speed_from_choice("custom", 3.5) == 3.5


def test_poi_options_list_bus_stops_with_osm_ids(demo_layers):
    opts = route_logic.poi_options(demo_layers, "highway", "bus_stop")
    assert len(opts) > 10
    first = next(iter(opts))
    assert first[0] == "n" and first[1:].isdigit()
    assert route_logic.poi_options(demo_layers, "no_such_key", "x") == {}


def _toy_route(step_free: bool = True) -> Route:
    line = LineString([(24.94, 60.17), (24.95, 60.17), (24.94, 60.17)])
    return Route(geometry=line, length_m=1200, minutes=15, speed_kmh=4.8, step_free=step_free,
                 start=Point(24.94, 60.17), waypoints=[Waypoint("start", "S", 24.94, 60.17)],
                 directions=[Step("Walk east", 600.0), Step("Return", 600.0)],
                 scores={"share_green_blue": 0.5, "share_on_roads": 0.1,
                         "share_retraced": 0.0, "toilets": 1.0, "benches": 2.0},
                 title="Toy <b>walk</b>", is_loop=True)


def test_scores_table_reports_the_router_numbers():
    res = RouteResult(RouteRequest(start=(24.94, 60.17)), (_toy_route(), _toy_route(False)))
    t = route_logic.scores_table(res)
    assert list(t["route"]) == ["Route 1", "Route 2"]
    assert list(t["step-free"]) == ["yes", "NO"]
    assert t.loc[0, "green/blue (%)"] == 50.0 and t.loc[0, "toilets passed"] == 1
    assert "NOT step-free" in route_logic.route_label(res, 1)
    assert route_logic.file_stem(_toy_route()) == "toy-b-walk-b"


# --- the page on the demo area ------------------------------------------------------------------


@pytest.fixture(scope="module")
def planned() -> AppTest:
    at = page().run()
    no_exception(at)
    assert rp.handle_click(click(*DEMO_START), at.session_state)  # as a map click would
    at.run()
    at.slider(key=rp.K_MINUTES).set_value(45)
    at.selectbox(key=rp.K_PACE).set_value("default")
    at.button(key=rp.K_PLAN).click().run()
    no_exception(at)
    return at


def test_a_click_then_plan_gives_loops_of_the_asked_length(planned):
    at = planned
    assert not at.error, [e.value for e in at.error]
    res = rp.result(at.session_state)
    assert res is not None and res.ok and 1 <= len(res.routes) <= 3
    target = 45 / 60 * 4800
    for r in res.routes:
        assert r.is_loop
        assert abs(r.length_m - target) <= 0.15 * target
        (x0, y0), (x1, y1) = r.geometry.coords[0], r.geometry.coords[-1]
        assert (x0, y0) == (x1, y1)
        assert abs(x0 - DEMO_START[0]) < 0.005 and abs(y0 - DEMO_START[1]) < 0.003
    table = at.dataframe[0].value
    assert len(table) == len(res.routes)
    assert {"green/blue (%)", "on busy roads (%)", "step-free", "toilets passed"} <= set(
        table.columns)
    directions = at.dataframe[1].value
    assert len(directions) == len(res.routes[0].directions) > 0


def test_picking_another_route_and_rerunning_does_not_recompute(planned):
    at = planned
    before = rp.result(at.session_state)
    if len(before.routes) < 2:
        pytest.skip("only one alternative on this start")
    at.radio(key=rp.K_PICK).set_value(1).run()
    no_exception(at)
    after = rp.result(at.session_state)
    assert after is before  # same object: nothing recomputed
    assert at.text_input(key=rp.K_TITLE).value == before.routes[1].title


def test_gpx_and_pdf_downloads_hold_the_route(planned, demo_layers):
    res = rp.result(planned.session_state)
    route = res.routes[0]
    gpx = gpxpy.parse(io.BytesIO(route_logic.gpx_bytes(route)).read().decode())
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) == len(route.geometry.coords)
    assert (pts[0].longitude, pts[0].latitude) == pytest.approx(route.geometry.coords[0])
    assert any(w.name for w in gpx.waypoints)
    # an invalid (self-crossing) building, as OSM holds some: the printer must cope with it
    start = shapely.Point(route.geometry.coords[0])
    bowtie = shapely.Polygon([(start.x, start.y), (start.x + 1e-4, start.y + 1e-4),
                              (start.x + 1e-4, start.y), (start.x, start.y + 1e-4)])
    assert not bowtie.is_valid
    buildings = pd.concat([demo_layers.buildings, gpd.GeoDataFrame(
        {"building": ["house"]}, geometry=[bowtie], crs=demo_layers.buildings.crs)],
        ignore_index=True)
    pdf = route_logic.pdf_bytes(route, replace(demo_layers, buildings=buildings),
                                "Tuesday <walk>")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    labels = [b.proto.label for b in planned.get("download_button")]
    assert any("GPX" in s for s in labels) and any("PDF" in s for s in labels)


def test_a_start_in_the_sea_shows_a_clear_error_and_the_page_keeps_working():
    at = page().run()
    rp.handle_click(click(*SEA), at.session_state)
    at.run()
    at.button(key=rp.K_PLAN).click().run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any("from the nearest walkable path" in e and "choose a point nearer" in e
               for e in errors), errors
    assert at.title[0].value == "Walking route"
    # the user picks a good point and it works
    rp.handle_click(click(*DEMO_START), at.session_state)
    at.run()
    at.button(key=rp.K_PLAN).click().run()
    assert rp.result(at.session_state).ok and not at.error


def test_not_step_free_alternatives_are_labelled_clearly():
    at = page()
    req = RouteRequest(start=DEMO_START, step_free=True)
    at.session_state[rp.K_RESULT] = RouteResult(
        req, (_toy_route(False),), "No step-free loop of 45 min from here.", step_free_ok=False)
    at.run()
    no_exception(at)
    assert any("No step-free loop" in plain(w.value) for w in at.warning)
    assert any("NOT step-free" in e.value for e in at.error)
    assert "NOT step-free" in at.radio(key=rp.K_PICK).options[0]


def test_a_to_b_route_from_the_page():
    # both ends on the main network (plan_route snaps to the nearest node, and next to
    # DEMO_START that is a 40 m fragment of path: "not connected")
    at = page().run()
    rp.handle_click(click(24.9474, 60.1734), at.session_state)
    at.run()
    at.checkbox(key=rp.K_ATOB).check().run()
    at.radio(key=rp.K_CLICK_TARGET).set_value(rp.CLICK_END).run()
    rp.handle_click(click(24.9380, 60.1700), at.session_state)
    at.run()
    at.button(key=rp.K_PLAN).click().run()
    no_exception(at)
    res = rp.result(at.session_state)
    assert res.ok and len(res.routes) == 1 and not res.routes[0].is_loop, res.message
    assert res.routes[0].geometry.coords[0] != res.routes[0].geometry.coords[-1]


def test_routes_of_another_area_are_forgotten():
    s = {rp.K_AREA: "other.osm.pbf", rp.K_MAP_START: (1.0, 2.0),
         rp.K_RESULT: RouteResult(RouteRequest(start=(1.0, 2.0)))}
    rp.forget_other_area("demo", s)
    assert rp.K_RESULT not in s and rp.K_MAP_START not in s and s[rp.K_AREA] == "demo"
    s[rp.K_MAP_START] = (24.9, 60.1)
    rp.forget_other_area("demo", s)  # same area: kept
    assert s[rp.K_MAP_START] == (24.9, 60.1)


def test_a_to_b_finish_can_be_chosen_with_the_keyboard():
    """Everything a map click chooses can also be chosen from a list: the finish too."""
    at = page().run()
    rp.handle_click(click(24.9474, 60.1734), at.session_state)
    at.run()
    at.checkbox(key=rp.K_ATOB).check().run()
    from ecoplan.app import route_logic
    from ecoplan.osm.load import load_layers

    assert at.selectbox(key=rp.K_FINISH).value == rp.MAP_MODE  # by default: a map click
    stops = route_logic.poi_options(load_layers("demo"), "highway", "bus_stop")
    assert len(at.selectbox(key=rp.K_FINISH).options) > len(stops) > 0
    at.session_state[rp.K_FINISH] = next(iter(stops))  # what choosing it from the list does
    at.run()
    no_exception(at)
    assert any(plain(c.value).startswith("Finish: ") for c in at.caption)
    at.button(key=rp.K_PLAN).click().run()
    no_exception(at)
    res = rp.result(at.session_state)
    assert res is not None and res.request.end is not None


def test_route_map_names_the_streets_of_the_picked_route_and_shows_every_route(planned,
                                                                             demo_layers):
    from ecoplan.app import route_map
    from ecoplan.app import style as app_style
    from ecoplan.routes.streets import route_streets

    res = rp.result(planned.session_state)
    m = route_map.route_map("demo", demo_layers, DEMO_START, None, res, 0)
    page_html = m.get_root().render()
    used = set(route_streets(res.routes[0], demo_layers, "EPSG:3067")["name"])
    assert used, "the demo loop walks named streets or paths"
    script = m._children["ecoplan_route_labels"].code
    assert sum(name in script for name in used) >= min(2, len(used))
    assert "ecoplanLabels" in page_html
    group = next(c for c in m._children.values() if getattr(c, "layer_name", "") == "Routes")
    lines = [c for c in group._children.values()
             if getattr(c, "options", {}).get("className") == route_map.ROUTE_CLASS]
    assert len(lines) == len(res.routes)
    # routes 2 and 3 stay clearly visible: nearly opaque, each over a white casing
    assert all(c.options["opacity"] >= app_style.ROUTE_OTHER_OPACITY >= 0.9 for c in lines)
    casings = [c for c in group._children.values()
               if getattr(c, "options", {}).get("color") == "#ffffff"]
    assert len(casings) == len(res.routes)


def test_the_start_entrance_can_be_chosen_on_the_page(demo_layers):
    from ecoplan.routes.planner import site_entrances
    from ecoplan.sites.build import build_sites

    built = build_sites(demo_layers)
    counts = built.entrances["site_id"].astype(str).value_counts()
    sid = str(counts.index[0])
    choices = site_entrances(built, sid, demo_layers)
    assert len(choices) >= 2
    at = page().run()
    at.radio(key=rp.K_MODE).set_value(rp.SITE_MODE).run()
    at.selectbox(key=rp.K_SITE).set_value(sid).run()
    no_exception(at)
    box = at.selectbox(key=rp.K_ENTRANCE)
    assert box.value == choices[0].entrance_id  # the best one by default
    box.set_value(choices[1].entrance_id).run()
    no_exception(at)
    lon, lat = choices[1].lonlat
    shown = [c.value.replace("\\", "") for c in at.caption]  # captions are md-escaped
    assert any(f"({lat:.5f}, {lon:.5f})" in c for c in shown), shown
