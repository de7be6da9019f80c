"""Projects in the app (AppTest): work survives a reload (a new session with ?project=…),
need files are kept so the population can be added later without the others, a saved
project reopens from Recent projects, and messages name the user's files."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ecoplan.app import project, state
from ecoplan.settings.paths import shared_data_dir

SHARED = shared_data_dir()
IOW = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
BOUNDS = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = SHARED / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
TIMEOUT = 240

#: app.py's run order (project → sidebar → page → save) with the Area page, which AppTest
#: cannot reach through st.navigation's callable pages.
SCRIPT = """
import streamlit as st
from ecoplan.app import project, project_panel
from ecoplan.app.pages import {page}
project.begin_run()
with st.sidebar:
    project_panel.render()
try:
    {page}.render()
finally:
    project.end_run()
"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    for p in (IOW, BOUNDS, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared data not found at {p}")
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ECOPLAN_DB_URL", raising=False)
    return tmp_path


def session(page: str = "area_page", pid: str | None = None) -> AppTest:
    at = AppTest.from_string(SCRIPT.format(page=page), default_timeout=TIMEOUT)
    if pid:
        at.query_params[project.QUERY] = pid
    return at.run()


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def same_file(source: str, path: Path) -> bool:
    """The app keeps a path resolved (symlinks followed, e.g. a linked ../shared)."""
    return Path(source).resolve() == path.resolve()


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_reload_finds_area_need_site_and_settings_and_population_added_later(env):
    at = session()
    ok(at)
    assert project.QUERY not in at.query_params  # the demo as it opens is not a project
    at.text_input(key="area_osm_path").set_value(str(IOW))
    at.button(key="area_load_path").click().run()
    ok(at)
    pid = at.query_params[project.QUERY][0] if isinstance(
        at.query_params[project.QUERY], list) else at.query_params[project.QUERY]
    assert pid and same_file(state.source(at.session_state), IOW)
    assert "Data date:** 01 January 2015" in texts(at, "markdown")  # from the PBF header
    at.text_input(key="need_boundaries_path").set_value(str(BOUNDS))
    at.text_area(key="need_iod_paths").set_value(str(FILE1))
    at.button(key="need_load").click().run()
    ok(at)
    assert "Need data loaded: 89 areas" in texts(at, "success")
    assert "Population:** not given" in texts(at, "markdown")
    assert "do not overlap" not in texts(at, "warning")  # the island's LSOAs are all inside
    at.session_state[state.SELECTED_SITE] = "w3382857"
    at.session_state["sites_color_by"] = "access"
    at.run()

    # "Reload": a new session that only has the URL.
    again = session(pid=pid)
    ok(again)
    assert same_file(state.source(again.session_state), IOW)
    assert state.selected_site(again.session_state) == "w3382857"
    assert again.session_state["sites_color_by"] == "access"
    nd = state.need(again.session_state)
    assert nd is not None and len(nd.areas.areas) == 89
    assert f"Kept in this project: {BOUNDS.name}" in texts(again, "caption").replace("\\", "")
    # The population file alone: boundaries and File 1 come from the project.
    again.text_area(key="need_iod_paths").set_value(str(FILE6))
    again.button(key="need_load").click().run()
    ok(again)
    nd = state.need(again.session_state)
    assert nd.areas.areas["population"].sum() > 100_000
    assert {FILE1.name, FILE6.name, BOUNDS.name} <= set(nd.files)
    # Kept copies live in the app's data folder, not where the user's files are.
    kept = [Path(t["path"]) for t in nd.spec["tables"]]
    assert all(str(env / "data") in str(k) and k.is_file() for k in kept)

    # A third session opens it from Recent projects (no URL).
    third = session()
    assert third.selectbox(key="project_recent").options  # the project is listed
    third.selectbox(key="project_recent").set_value(pid).run()
    ok(third)
    assert same_file(state.source(third.session_state), IOW)
    assert third.query_params[project.QUERY] in (pid, [pid])


def test_unknown_project_in_the_url_is_a_clear_message_not_a_crash(env):
    at = session(pid="nope123")
    ok(at)
    assert "no project with id" in texts(at, "warning")
    assert state.source(at.session_state) == "demo"


def test_areas_outside_the_osm_data_are_counted_on_the_area_page(env):
    at = session()  # the demo (Helsinki) with the Isle of Wight's LSOAs: none overlap
    at.text_input(key="need_boundaries_path").set_value(str(BOUNDS))
    at.text_area(key="need_iod_paths").set_value(str(FILE1))
    at.button(key="need_load").click().run()
    ok(at)
    assert "None of the 89 need areas overlap the loaded OpenStreetMap area" in texts(
        at, "warning")


def test_settings_survive_leaving_their_page_in_one_session():
    """Streamlit drops a widget's value when its page is not drawn; the project keeps it and
    puts it back before the next page runs."""
    s = {"sites_color_by": "access", "rank_w_therapy_calm": 0.4, "unrelated": 1,
         "route.map_start": (24.9, 60.1)}
    snap = project.snapshot(s)
    assert snap["settings"] == {"sites_color_by": "access", "rank_w_therapy_calm": 0.4}
    assert snap["route"] == {"route.map_start": [24.9, 60.1]}  # JSON-able
    del s["sites_color_by"]  # the Area page ran: the Sites widget's value is gone
    project.reseed(s)
    assert s["sites_color_by"] == "access"
    s["sites_color_by"] = "kind"  # changed again on the Sites page
    assert project.snapshot(s)["settings"]["sites_color_by"] == "kind"


def test_a_planned_route_is_planned_again_when_the_project_reopens(env):
    """A reload keeps the route too: the project keeps the start and the fact that a route
    was planned, and the Walking route page plans the same request again on reopening."""
    from ecoplan.app.pages import route_page as rp
    from ecoplan.projects.model import Project

    pid = project.store().create(Project(name="Demo walk", source="demo")).id
    at = session("route_page", pid)
    ok(at)
    assert rp.result(at.session_state) is None
    assert rp.handle_click({"last_clicked": {"lat": 60.1716, "lng": 24.9443}}, at.session_state)
    at.run()
    at.slider(key=rp.K_MINUTES).set_value(45)
    at.button(key=rp.K_PLAN).click().run()
    ok(at)
    first = rp.result(at.session_state)
    assert first is not None and first.routes

    again = session("route_page", pid)  # the reload: a new session with only the URL
    ok(again)
    assert again.session_state[rp.K_MAP_START] == (24.9443, 60.1716)
    assert again.slider(key=rp.K_MINUTES).value == 45
    second = rp.result(again.session_state)
    assert second is not None, "the route was not planned again"
    assert [round(r.length_m) for r in second.routes] == [round(r.length_m) for r in first.routes]


def test_recent_projects_is_a_picker_that_never_switches_the_open_project(env):
    """Regression: with an earlier project in the list, loading an area then need data in a
    new session opened the earlier project instead (the list's kept value followed a position
    in a list that had grown). The picker holds no value and never lists the open project."""
    first = session()
    first.text_input(key="area_osm_path").set_value(str(IOW))
    first.button(key="area_load_path").click().run()
    ok(first)
    earlier = first.session_state[project.PROJECT]

    at = session()
    at.text_input(key="area_osm_path").set_value(str(IOW))
    at.button(key="area_load_path").click().run()
    ok(at)
    mine = at.session_state[project.PROJECT]
    assert mine != earlier
    for _ in range(2):  # the runs that follow (uploads, need data) keep it open
        at.run()
        ok(at)
        picker = at.selectbox(key="project_recent")
        assert picker.value is None
        assert len(picker.options) == 1  # the earlier project only (options show labels)
        assert at.session_state[project.PROJECT] == mine
    # Picking the earlier one opens it, and the picker is empty again.
    at.selectbox(key="project_recent").set_value(earlier).run()
    ok(at)
    assert at.session_state[project.PROJECT] == earlier
    assert at.selectbox(key="project_recent").value is None
