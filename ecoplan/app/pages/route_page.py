"""Walking route page: a loop (or A-to-B) walk for a group from a clicked point, a site
entrance, a bus stop or a car park; alternatives on the map with their scores; directions,
GPX and a printable A4 map.

The planned routes are kept in session state (:class:`~ecoplan.app.route_logic.RouteResult`),
so changing the picked route or downloading a file never recomputes them.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ecoplan.app import controls, data, route_logic, route_map, state, ui
from ecoplan.app import style as app_style
from ecoplan.app.route_logic import RouteRequest, RouteResult
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes.planner import RoutePlanner, poi_start, site_entrances, site_start
from ecoplan.settings import app as app_cfg
from ecoplan.settings import network as net_cfg
from ecoplan.sites.build import Sites

MAP_MODE = "A point I click on the map"
SITE_MODE = "A site entrance"
BUS_MODE = "A bus stop"
PARK_MODE = "A car park"
START_MODES = (MAP_MODE, SITE_MODE, BUS_MODE, PARK_MODE)

K_MODE = "route_start_mode"
K_SITE = "route_start_site"
K_ENTRANCE = "route_start_entrance"
K_BUS = "route_start_bus"
K_PARK = "route_start_park"
K_ATOB = "route_atob"
K_CLICK_TARGET = "route_click_target"
K_MINUTES = "route_minutes"
K_PACE = "route_pace"
K_CUSTOM = "route_custom_kmh"
K_STEP_FREE = "route_step_free"
K_LIT = "route_lit"
K_AVOID = "route_avoid_roads"
K_ALTS = "route_alternatives"
K_PLAN = "route_plan"
K_PICK = "route_pick"
K_TITLE = "route_title"
MAP_KEY = "route_map"
#: Non-widget state: the clicked start / finish (lon, lat), the last click handled, the
#: result, and files already made for it.
K_MAP_START = "route.map_start"
K_MAP_END = "route.map_end"
K_LAST_CLICK = "route._last_click"
K_SWITCH = "route._switch_to_map"
K_RESULT = "route.result"
K_FILES = "route._files"
K_AREA = "route._source"  # the area the start and routes above belong to
#: A route was planned with the current choices: saved with the project, so a reopened
#: project plans the same request again (same request and data → the same routes).
K_PLANNED = "route.planned"

CLICK_START, CLICK_END = "start", "finish"


@st.cache_resource(show_spinner="Preparing the walking network for routes…", max_entries=4)
def route_planner(source: str, _layers: OsmLayers, _sites: Sites) -> RoutePlanner:
    """One planner per area: its prepared networks (≈ 1 s each on the island) are reused."""
    return RoutePlanner(_layers, _sites)


def result(s=None) -> RouteResult | None:
    value = (st.session_state if s is None else s).get(K_RESULT)
    return value if isinstance(value, RouteResult) else None


# --- form -----------------------------------------------------------------------------------


def _start(layers: OsmLayers, built: Sites) -> tuple[tuple[float, float] | None, str]:
    ss = st.session_state
    if K_MODE not in ss and state.selected_site() in set(built.sites["site_id"].astype(str)):
        ss[K_MODE] = SITE_MODE  # a site was chosen on Sites / Plan a session: start there
    mode = st.radio("Start from", START_MODES, key=K_MODE)
    try:
        if mode == MAP_MODE:
            pt = ss.get(K_MAP_START)
            if pt is None:
                st.info("Click the map to set the start.")
                return None, ""
            return tuple(pt), "the chosen point"
        if mode == SITE_MODE:
            sites = built.sites
            if not len(sites):
                st.warning("No green or blue sites in this area: click the map instead.")
                return None, ""
            ids = sites.sort_values(["area_ha", "site_id"], ascending=[False, True])[
                "site_id"].astype(str).tolist()
            names = data.site_labels(state.source(), False, layers, built)
            if ss.get(K_SITE) not in ids:
                sel = state.selected_site()
                ss[K_SITE] = sel if sel in ids else ids[0]
            sid = st.selectbox("Site", ids, key=K_SITE,
                               format_func=lambda s: names.get(s) or s)
            return _entrance(layers, built, sid)
        key, value, wkey, what = (("highway", "bus_stop", K_BUS, "bus stops")
                                  if mode == BUS_MODE else
                                  ("amenity", "parking", K_PARK, "car parks"))
        opts = _poi_options(state.source(), layers, key, value)
        if not opts:
            st.warning(f"No {what} are mapped in this area: click the map instead.")
            return None, ""
        pid = st.selectbox(what.capitalize()[:-1], list(opts), key=wkey,
                           format_func=lambda i: opts.get(i, i))
        return poi_start(layers, pid)
    except EcoplanError as err:
        ui.show_error(err)
        return None, ""


def _entrance(layers: OsmLayers, built: Sites, sid: str) -> tuple[tuple[float, float], str]:
    """The start entrance of site ``sid``: the best one, or the one chosen in the list."""
    choices = _entrance_choices(state.source(), sid, layers, built)
    if len(choices) < 2:
        return site_start(built, sid)
    ids = [c.entrance_id for c in choices]
    ss = st.session_state
    if ss.get(K_ENTRANCE) not in ids:
        ss[K_ENTRANCE] = ids[0]
    by_id = {c.entrance_id: c for c in choices}
    eid = st.selectbox("Start at entrance", ids, key=K_ENTRANCE,
                       format_func=lambda e: by_id[e].label,
                       help="1 is the best: a mapped entrance, else the one nearest a path.")
    return by_id[eid].lonlat, by_id[eid].name


@st.cache_data(show_spinner=False, max_entries=32)
def _entrance_choices(source: str, sid: str, _layers: OsmLayers, _built: Sites) -> list:
    return site_entrances(_built, sid, _layers)


@st.cache_data(show_spinner=False, max_entries=16)
def _poi_options_cached(source: str, key: str, value: str, _layers: OsmLayers
                        ) -> dict[str, str]:
    return route_logic.poi_options(_layers, key, value)


def _poi_options(source: str, layers: OsmLayers, key: str, value: str) -> dict[str, str]:
    return _poi_options_cached(source, key, value, layers)


def _speed() -> float | None:
    opts = route_logic.speed_options()
    choice = st.selectbox("Pace", list(opts), key=K_PACE, format_func=lambda k: opts[k],
                          help="Walking speed used for the duration: older adults ≈ 3 km/h.")
    custom = None
    if choice == route_logic.CUSTOM_SPEED:
        custom = st.number_input("Speed (km/h)", min_value=net_cfg.MIN_SPEED_KMH,
                                 max_value=net_cfg.MAX_SPEED_KMH,
                                 value=net_cfg.DEFAULT_SPEED_KMH, step=0.1, key=K_CUSTOM)
    try:
        return route_logic.speed_from_choice(choice, custom)
    except EcoplanError as err:
        ui.show_error(err)
        return None


K_FINISH = "route_finish"


def _finish_choice(layers: OsmLayers) -> tuple[tuple[float, float], str] | None:
    """The finish of an A-to-B walk chosen from a list (what the map click does, by keyboard):
    None means 'a point I click on the map'."""
    opts: dict[str, str] = {MAP_MODE: MAP_MODE}
    for key, value in (("highway", "bus_stop"), ("amenity", "parking")):
        opts.update(_poi_options(state.source(), layers, key, value))
    pick = st.selectbox("Finish at", list(opts), key=K_FINISH, format_func=lambda k: opts.get(k, k))
    if pick == MAP_MODE:
        return None
    try:
        return poi_start(layers, pick)
    except EcoplanError as err:
        ui.show_error(err)
        return None


def _form(layers: OsmLayers, built) -> RouteRequest | None:
    """The route form; returns the request (None while the start or finish is missing)."""
    ss = st.session_state
    start, start_name = _start(layers, built)
    if start is not None:
        st.caption(ui.md_escape(
            f"Start: {start_name} ({start[1]:.5f}, {start[0]:.5f})"))
    atob = st.checkbox("End somewhere else (A-to-B route)", key=K_ATOB)
    end = None
    if atob:
        finish = _finish_choice(layers)  # keyboard: a bus stop or car park from a list
        if finish is not None:
            end = finish[0]
            st.caption(ui.md_escape(f"Finish: {finish[1]}"))
        else:
            st.radio("Map clicks set the", (CLICK_START, CLICK_END), key=K_CLICK_TARGET,
                     horizontal=True)
            end = ss.get(K_MAP_END)
            if end is None:
                st.info("Choose 'finish' above and click the map where the walk should end, "
                        "or pick a bus stop or car park under 'Finish at'.")
            else:
                st.caption(f"Finish: ({end[1]:.5f}, {end[0]:.5f})")
        minutes = float(controls.DURATION_DEFAULT)
    else:
        minutes = float(st.slider("Duration (minutes)", controls.DURATION_MIN,
                                  controls.DURATION_MAX,
                                  controls.DURATION_DEFAULT, controls.DURATION_STEP,
                                  key=K_MINUTES))
    speed = _speed()
    c1, c2 = st.columns(2)
    step_free = c1.checkbox("Step-free", key=K_STEP_FREE,
                            help="No steps, stiles, kissing gates or rough paths.")
    lit = c2.checkbox("Lit paths only", key=K_LIT)
    avoid = c1.checkbox("Avoid busy roads", key=K_AVOID)
    n_alt = controls.ALTERNATIVES_DEFAULT
    if not atob:
        n_alt = int(st.slider("Alternatives", 1, controls.ALTERNATIVES_MAX,
                              controls.ALTERNATIVES_DEFAULT, key=K_ALTS))
    if start is None or speed is None or (atob and end is None):
        return None
    return RouteRequest(start=(float(start[0]), float(start[1])), start_name=start_name,
                        minutes=minutes, speed_kmh=speed, step_free=step_free, lit_only=lit,
                        avoid_roads=avoid, n_alternatives=n_alt,
                        end=(float(end[0]), float(end[1])) if end is not None else None)


# --- results --------------------------------------------------------------------------------


def _results(res: RouteResult, req: RouteRequest | None, layers: OsmLayers) -> None:
    ss = st.session_state
    st.subheader("Routes")
    if req is not None and req != res.request:
        st.caption("The form has changed since these routes were planned — press "
                   "**Plan the route** to update them.")
    if not res.routes:
        ui.show_error(res.message)
        return
    if res.fallback:
        st.warning(ui.md_escape(res.message))
        st.error("The routes below are NOT step-free: they include steps, stiles or gates.")
    st.dataframe(route_logic.scores_table(res), hide_index=True, width="stretch")
    n = len(res.routes)
    if ss.get(K_PICK) not in range(n):
        ss[K_PICK] = 0
    pick = st.radio("Route to use", list(range(n)), key=K_PICK,
                    format_func=lambda i: route_logic.route_label(res, i))
    route = res.routes[pick]
    st.markdown("**Directions**")
    st.dataframe(route_logic.directions_table(route), hide_index=True, width="stretch")

    files = ss.get(K_FILES)
    if not isinstance(files, dict) or files.get("_id") != res.id:
        files = {"_id": res.id}
        ss[K_FILES] = files
    if ss.get(K_TITLE) is None or files.get("_title_for") != (res.id, pick):
        ss[K_TITLE] = route.title
        files["_title_for"] = (res.id, pick)
    title = st.text_input("Title on the printed map", key=K_TITLE, max_chars=120)
    stem = route_logic.file_stem(route)
    gkey = ("gpx", pick)
    if gkey not in files:
        files[gkey] = route_logic.gpx_bytes(route)

    def make_pdf(route=route, title=title, key=("pdf", pick, title)) -> bytes:
        if key not in files:
            files[key] = route_logic.pdf_bytes(route, layers, title)
        return files[key]

    c1, c2 = st.columns(2)
    c1.download_button("Download GPX (for GPS apps)", files[gkey], file_name=f"{stem}.gpx",
                       mime="application/gpx+xml", key="route_dl_gpx", on_click="ignore",
                       icon=":material/route:")
    c2.download_button("Download A4 map (PDF)", make_pdf, file_name=f"{stem}.pdf",
                       mime="application/pdf", key="route_dl_pdf", on_click="ignore",
                       icon=":material/print:")
    st.caption("The printed map leaves space for the leader's phone number. "
               + app_cfg.ATTRIBUTION_OSM)


# --- page -----------------------------------------------------------------------------------


def render() -> None:
    ss = st.session_state
    st.title("Walking route")
    source = state.source()
    layers = data.load_source(source, state.source_offline())
    ui.demo_notice(layers)
    built = data.sites_for(source, layers)
    forget_other_area(source, ss)
    if ss.pop(K_SWITCH, False):
        ss[K_MODE] = MAP_MODE  # a map click since the last run: the start is that point
    col_form, col_map = st.columns([2, 3], gap="medium")
    with col_form:
        req = _form(layers, built)
        if st.button("Plan the route", key=K_PLAN, type="primary", disabled=req is None) \
                and req is not None:
            _plan(req, source, layers, built, "Planning routes…")
        elif ss.get(K_PLANNED) and result() is None and req is not None:
            _plan(req, source, layers, built, "Planning this project's route again…")
    res = result()
    with col_map:
        start = req.start if req is not None else _current_start()
        end = ss.get(K_MAP_END) if ss.get(K_ATOB) else None
        picked = ss.get(K_PICK, 0) if res is not None else 0
        m = route_map.route_map(source, layers, start, end, res, int(picked or 0))
        out = st_folium(m, key=MAP_KEY, height=app_style.MAP_HEIGHT_PX, use_container_width=True,
                        returned_objects=["last_clicked"])
        st.caption("Click the map to set the start (or the finish of an A-to-B route). "
                   + app_cfg.ATTRIBUTION_OSM)
    if handle_click(out, ss):
        st.rerun()
    if res is not None:
        _results(res, req, layers)
    else:
        st.caption("Set the start, choose the duration and pace, then press "
                   "**Plan the route**.")
    ui.page_link("sites", "Back to the sites", icon=":material/park:")


def _plan(req: RouteRequest, source: str, layers: OsmLayers, built: Sites, label: str) -> None:
    """Plan ``req`` with its steps shown (network, then routes and directions)."""
    ss = st.session_state
    with st.status(label, expanded=True) as status:
        st.write("Preparing the walking network (once per area)…")
        planner = route_planner(source, layers, built)
        planner.network(step_free=req.step_free)
        st.write("Searching for routes and writing their directions…")
        ss[K_RESULT] = route_logic.plan(req, layers, built, planner)
        status.update(label="Routes planned", state="complete", expanded=False)
    ss[K_PICK] = 0
    ss[K_PLANNED] = True


def forget_other_area(source: str, s) -> None:
    """Drop the start, finish and routes of another area (the user switched areas)."""
    if s.get(K_AREA) not in (None, source):
        for k in (K_RESULT, K_MAP_START, K_MAP_END, K_FILES, K_PLANNED):
            s.pop(k, None)
    s[K_AREA] = source


def _current_start() -> tuple[float, float] | None:
    ss = st.session_state
    if ss.get(K_MODE, MAP_MODE) == MAP_MODE and ss.get(K_MAP_START) is not None:
        return tuple(ss[K_MAP_START])
    return None


def handle_click(out, s) -> bool:
    """Store a new map click as the start (or the finish of an A-to-B route).

    Returns True when something changed (the page then reruns so the map shows it). ``s`` is
    the session state (a dict in tests).
    """
    pt = route_logic.new_click(out, s.get(K_LAST_CLICK))
    if pt is None:
        return False
    s[K_LAST_CLICK] = pt
    if s.get(K_ATOB) and s.get(K_CLICK_TARGET) == CLICK_END:
        s[K_MAP_END] = pt
    else:
        s[K_MAP_START] = pt
        if s.get(K_MODE, MAP_MODE) != MAP_MODE:
            s[K_SWITCH] = True
    return True
