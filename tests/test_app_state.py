"""App state accessors: defaults, and switching area forgets the old area's choices."""

from __future__ import annotations

from ecoplan.app import state


def test_defaults_on_empty_state():
    s: dict = {}
    assert state.source(s) == "demo"
    assert state.selected_site(s) is None
    assert state.offline(s) is False
    assert state.need(s) is None
    assert state.plan_forecast(s) is None


def test_switching_source_clears_selection_and_forecast():
    s: dict = {}
    state.select_site("w1", s)
    state.set_plan_forecast(state.ForecastChoice(object(), "by hand"), s)
    state.set_source("demo", state=s)  # same source: nothing forgotten
    assert state.selected_site(s) == "w1" and state.plan_forecast(s) is not None
    state.set_source("/data/iow.osm.pbf", offline=True, state=s)
    assert state.source(s) == "/data/iow.osm.pbf" and state.source_offline(s)
    assert state.selected_site(s) is None and state.plan_forecast(s) is None


def test_need_round_trip_and_wrong_types_ignored():
    s: dict = {state.NEED: "not need data"}
    assert state.need(s) is None
    nd = state.NeedData(areas=None, files=("a.geojson",), edition="IoD2019")
    state.set_need(nd, s)
    assert state.need(s) is nd
    state.set_need(None, s)
    assert state.need(s) is None
