"""The small fixes from walking issue #7's journey as a new user: the planner offers the
hand-entry form when no forecast can be had, the route map and the Sites map zoom to what
the user is working on, and thousands of entrances do not hide the sites."""

from __future__ import annotations

import re
from datetime import date

import folium
import geopandas as gpd
import pytest
from hostile import plain
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from ecoplan.app import data, route_map, state
from ecoplan.app.pages import plan_page
from ecoplan.errors import ServiceError

TIMEOUT = 180


def _plan() -> AppTest:
    return AppTest.from_string("from ecoplan.app.pages import plan_page\nplan_page.render()\n",
                               default_timeout=TIMEOUT)


def _texts(at: AppTest, kind: str) -> list[str]:
    return [plain(e.value) for e in getattr(at, kind)]  # as read: Markdown escapes removed


def test_no_cached_forecast_offers_the_hand_form_in_plain_words():
    at = _plan().run()
    at.radio(key="plan_fc_mode").set_value(plan_page.MODES[1]).run()
    at.button(key="plan_fc_cached").click().run()
    assert not at.exception
    errors = _texts(at, "error")
    assert errors and "No forecast for this site is cached yet" in errors[0], errors
    assert "--conditions" not in errors[0]  # the CLI's wording is not shown in the app
    at.button(key="plan_fc_to_manual").click().run()
    assert at.radio(key="plan_fc_mode").value == plan_page.MODES[2]
    assert at.number_input(key="man_temp") is not None  # the hand form is open


def test_network_down_says_so_and_switches_to_the_hand_form(monkeypatch):
    def down(*_a, **_k):
        raise ServiceError("Open-Meteo could not be reached after 4 attempts: connection "
                           "failed (ConnectionError)")

    monkeypatch.setattr(plan_page, "load_forecast", down)
    at = _plan().run()
    assert any("No connection?" in t for t in _texts(at, "caption"))
    at.button(key="plan_fc_online").click().run()
    assert not at.exception
    assert any("could not be reached" in t for t in _texts(at, "error"))
    at.button(key="plan_fc_to_manual").click().run()
    assert at.radio(key="plan_fc_mode").value == plan_page.MODES[2]


def test_the_plan_page_follows_the_site_chosen_elsewhere_and_shows_the_weekday():
    at = _plan().run()
    box_ = at.selectbox(key="plan_site")
    from ecoplan.osm.load import load_layers
    from ecoplan.sites.build import build_sites

    sites = build_sites(load_layers("demo")).sites  # the list shows names, not ids
    sid = str(sites.sort_values(["area_ha", "site_id"]).iloc[0]["site_id"])  # the smallest
    assert box_.value != sid
    assert not re.search(r"\([wr]\d", box_.options[-1])  # "Name · 0.1 ha", no id
    at.session_state[state.SELECTED_SITE] = sid  # chosen on Sites / Access gaps
    at.run()
    assert at.selectbox(key="plan_site").value == sid
    assert state.selected_site(at.session_state) == sid  # the route page starts there too
    day = plan_page.default_day(plan_page.site_timezone(plan_page.SiteContext(lat=60.17,
                                                                            lon=24.94)))
    assert day >= date.today()  # never a past default
    assert f"{day:%A %d %B %Y}" in _texts(at, "caption")


def test_refit_replaces_the_data_extent_with_the_route():
    m = folium.Map(tiles=None)
    m.fit_bounds([[50.5, -1.6], [50.8, -1.0]])
    route_map._refit(m, [[50.72, -1.16], [50.73, -1.15]])
    fits = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    assert len(fits) == 1 and fits[0].bounds == [[50.72, -1.16], [50.73, -1.15]]


def test_around_a_site_keeps_it_in_view_with_a_margin():
    sites = gpd.GeoDataFrame({"site_id": ["w1", "w2"]},
                             geometry=[box(-1.20, 50.70, -1.19, 50.705), box(0, 0, 1, 1)],
                             crs=4326)
    w, s, e, n = data._around(sites, "w1", (-2, 50, 0, 51))
    assert w < -1.20 and e > -1.19 and s < 50.70 and n > 50.705
    assert (e - w) < 0.1 and (n - s) < 0.1  # zoomed in, not the whole area
    assert data._around(sites, "missing", (-2, 50, 0, 51)) == (-2, 50, 0, 51)


def test_many_entrances_are_drawn_only_for_the_chosen_site(demo_layers, monkeypatch):
    from ecoplan.app import style as app_style
    from ecoplan.sites.build import build_sites

    built = build_sites(demo_layers, require_any=False)
    if len(built.entrances) < 2:
        pytest.skip("the demo area has too few entrances for this check")
    monkeypatch.setattr(app_style, "MAX_OVERVIEW_ENTRANCES", 1)
    overview = data._sites_map_template("journey-overview", demo_layers, built, None)
    html = overview.get_root().render()
    assert '"Entrances-0"' not in html  # no entrance markers at all
    sid = str(built.entrances["site_id"].iloc[0])
    chosen = data._sites_map_template("journey-overview", demo_layers, built, sid)
    assert '"Entrances of the selected site-0"' in chosen.get_root().render()
