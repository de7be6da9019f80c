"""Page logic through streamlit.testing: the app on the demo area, site details, the planner
with hand-entered and recorded forecasts, saved plans, bad uploads and the network being down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures_http import refused_url
from hostile import plain
from streamlit.testing.v1 import AppTest

from ecoplan.app import state
from ecoplan.app.ui import md_escape
from ecoplan.settings.paths import shared_data_dir

APP = Path(__file__).resolve().parents[1] / "app.py"
TIMEOUT = 180
BERLIN = shared_data_dir() / "weather" / "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json"


def page(module: str) -> AppTest:
    """One page rendered alone (as app.py does, minus navigation)."""
    at = AppTest.from_string(f"from ecoplan.app.pages import {module}\n{module}.render()\n",
                             default_timeout=TIMEOUT)
    return at


def texts(at: AppTest, kind: str) -> list[str]:
    return [str(e.value) for e in getattr(at, kind)]


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


@pytest.fixture(scope="module")
def app_run() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    return at.run()


def test_app_starts_on_the_demo_area_with_a_table_sorted_by_area(app_run):
    at = app_run
    no_exception(at)
    assert not at.error
    assert any("demo area" in t for t in texts(at, "info"))
    assert at.title[0].value == "Green and blue sites"
    table = at.dataframe[0].value
    assert len(table) >= 10
    assert table["area_ha"].is_monotonic_decreasing  # no ranking yet: plain area order
    assert "score" not in table.columns  # no fake scores


def test_choosing_a_site_shows_its_details(app_run):
    at = app_run
    biggest = at.dataframe[0].value.iloc[0]
    at.selectbox(key="sites_select").set_value(biggest["site_id"]).run()
    no_exception(at)
    assert state.selected_site(at.session_state) == biggest["site_id"]
    assert any(s.value == md_escape(biggest["label"]) for s in at.subheader)
    details = "\n".join(texts(at, "markdown"))
    assert f"**Area:** {biggest['area_ha']:,.2f} ha" in details
    assert "**Entrances:**" in details and "**Access:** public" in details


def test_planner_with_conditions_by_hand_gives_a_verdict_and_saves_it():
    at = page("plan_page").run()
    no_exception(at)
    assert any("Choose the weather" in t for t in texts(at, "info"))
    at.radio(key="plan_fc_mode").set_value("Enter conditions by hand").run()
    at.number_input(key="man_temp").set_value(31.0)
    at.number_input(key="man_uv").set_value(8.0)
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    no_exception(at)
    verdict = texts(at, "warning") + texts(at, "error")
    assert any("GO WITH CARE" in t or "RETHINK" in t for t in verdict), verdict
    md = "\n".join(texts(at, "markdown"))
    assert "First aid kit" in md and "31" in md  # checklist + the heat reason
    # hand-entered conditions are not Open-Meteo's data: no attribution for them
    assert not any("Open-Meteo.com" in t for t in texts(at, "caption"))
    assert "112" in md and "999" not in md  # Helsinki: the European number, no UK advice
    at.text_area(key="plan_notes").set_value("Meet at the gate")
    at.button(key="plan_save").click().run()
    no_exception(at)
    saved = [t for t in texts(at, "success") if t.startswith("Saved as plan #")]
    assert saved
    pid = int(saved[0].split("#")[1].rstrip("."))
    at.run()
    plans = at.dataframe[-1].value
    assert pid in plans["id"].tolist()
    assert plans.set_index("id").loc[pid, "notes"] == "Meet at the gate"
    at.selectbox(key="plans_open").set_value(pid).run()
    at.checkbox(key=f"plans_confirm_{pid}").check().run()
    at.button(key=f"plans_delete_{pid}").click().run()
    no_exception(at)
    left = at.dataframe[-1].value["id"].tolist() if len(at.dataframe) > 1 else []
    assert pid not in left


def test_a_plan_for_an_unnamed_site_is_saved_under_its_description_not_its_id():
    """The demo's unnamed coast: its plan (and so the sheet and calendar event made from it)
    is "Coast near …", as the site list shows it, not "w24629633"."""
    at = page("plan_page")
    at.session_state[state.OFFLINE] = True
    at.session_state[state.SELECTED_SITE] = "w24629633"
    at.run()
    for key, value in (("man_temp", 12.0), ("man_gust", 20.0), ("man_rain", 0.0)):
        at.number_input(key=key).set_value(value)
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    at.button(key="plan_save").click().run()
    no_exception(at)
    at.run()
    plans = at.dataframe[-1].value
    names = " ".join(str(v) for v in plans.to_numpy().ravel())
    assert "Coast near " in names and "w24629633" not in names, plans


def test_planner_refuses_a_recorded_forecast_for_another_place_and_keeps_the_date():
    """The recorded Berlin file on the Helsinki demo: refused in words; the user's date stays
    (the 2021 forecast never replaces it)."""
    if not BERLIN.exists():
        pytest.skip(f"recorded forecast not found at {BERLIN}")
    at = page("plan_page").run()
    chosen = at.date_input(key="plan_date").value
    at.radio(key="plan_fc_mode").set_value("Recorded forecast file (JSON)").run()
    at.file_uploader(key="plan_fc_file").set_value(
        (BERLIN.name, BERLIN.read_bytes(), "application/json")).run()
    no_exception(at)
    assert at.date_input(key="plan_date").value == chosen
    errors = texts(at, "error")
    assert any("km from the site" in t and "somewhere else" in t for t in errors), errors
    assert not texts(at, "success") and not any("GO" in t for t in texts(at, "warning"))


def test_planner_with_a_recorded_forecast_for_the_site(tmp_path):
    """A recorded response (Berlin's values, moved into the future and placed at the demo
    site, as the shared data README suggests for cases it lacks): a verdict on the user's day;
    a day it does not cover is refused in words."""
    from recorded_weather import BERLIN as NAME
    from recorded_weather import Future

    at = page("plan_page").run()
    site = at.selectbox(key="plan_site").value
    fut = Future(NAME, tmp_path)
    from ecoplan.app import data

    layers = data.load_source("demo", False)
    row = data.sites_for("demo", layers).sites.set_index("site_id").loc[site]
    pt = row.geometry.representative_point()
    raw = dict(fut.raw, latitude=round(pt.y, 4), longitude=round(pt.x, 4),
               timezone="Europe/Helsinki")
    payload = json.dumps(raw).encode()
    at.radio(key="plan_fc_mode").set_value("Recorded forecast file (JSON)").run()
    at.file_uploader(key="plan_fc_file").set_value(("helsinki.json", payload,
                                                    "application/json")).run()
    no_exception(at)
    day = __import__("datetime").date.fromisoformat(fut.day("2021-11-25"))
    at.date_input(key="plan_date").set_value(day).run()
    no_exception(at)
    verdict = texts(at, "success") + texts(at, "warning") + texts(at, "error")
    assert any(f"{day} 10:00" in t for t in verdict), verdict
    assert any("Tell participants" in t for t in texts(at, "markdown"))
    assert any("Europe/Helsinki" in t for t in texts(at, "caption"))
    assert any("Weather data by Open-Meteo.com" in t for t in texts(at, "caption"))
    later = day + __import__("datetime").timedelta(days=60)
    at.date_input(key="plan_date").set_value(later).run()
    assert at.date_input(key="plan_date").value == later  # never moved to the forecast's days
    assert any("No verdict" in t and "covers none of it" in t for t in texts(at, "error"))


def test_planner_hand_form_refuses_impossible_values_with_a_message():
    at = page("plan_page").run()
    at.radio(key="plan_fc_mode").set_value("Enter conditions by hand").run()
    for key, value, msg in (
            ("man_temp", 65.0, "Temperature is 65 °C, outside the possible range -90–60 °C"),
            ("man_prob", 250.0, "Chance of rain is 250 %, outside the possible range 0–100 %"),
            ("man_gust", -40.0, "Wind gusts is -40 km/h, outside the possible range 0–410")):
        at.number_input(key=key).set_value(value)
        next(b for b in at.button if b.label == "Use these conditions").click().run()
        no_exception(at)
        errors = [t.replace("\\", "") for t in texts(at, "error")]  # markdown escapes
        assert any(msg in t and "nothing was changed" in t for t in errors), errors
        assert state.plan_forecast(at.session_state) is None
        at.number_input(key=key).set_value(None)


def test_planner_keeps_the_date_when_the_forecast_source_changes_and_refuses_the_past():
    import datetime as dt

    at = page("plan_page").run()
    day = dt.date.today() + dt.timedelta(days=5)
    at.date_input(key="plan_date").set_value(day).run()
    for mode in ("Enter conditions by hand", "Recorded forecast file (JSON)",
                 "Cached forecast (offline)", "Online forecast (Open-Meteo)"):
        at.radio(key="plan_fc_mode").set_value(mode).run()
        no_exception(at)
        assert at.date_input(key="plan_date").value == day, mode
    at.radio(key="plan_fc_mode").set_value("Enter conditions by hand").run()
    at.number_input(key="man_temp").set_value(12.0)
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    at.date_input(key="plan_date").set_value(dt.date.today() - dt.timedelta(days=3)).run()
    assert any("in the past" in t for t in texts(at, "error"))


def test_planner_starts_on_the_hand_form_when_offline_and_shows_no_rule_codes():
    at = page("plan_page")
    at.session_state[state.OFFLINE] = True
    at.run()
    no_exception(at)
    assert at.radio(key="plan_fc_mode").value == "Enter conditions by hand"  # nothing cached
    # gusts that close woodland: alternatives say what they avoid in words
    for key, value in (("man_temp", 12.0), ("man_gust", 80.0), ("man_rain", 0.0)):
        at.number_input(key=key).set_value(value)
    at.selectbox(key="man_type").set_value("Cloudy")
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    import re

    from ecoplan.osm.load import load_layers
    from ecoplan.sites.build import build_sites

    sites = build_sites(load_layers("demo")).sites.sort_values(  # the list shows names,
        ["area_ha", "site_id"], ascending=[False, True])           # not ids
    page_text = ""
    for sid in sites["site_id"].astype(str).tolist()[:12]:
        at.session_state[state.SELECTED_SITE] = sid  # what choosing it in the list does
        at.run()
        no_exception(at)
        page_text = "\n".join(texts(at, "markdown") + [
            df.value.to_csv() for df in at.dataframe])
        if "avoids:" in page_text:
            break
    assert "avoids:" in page_text
    assert not re.search(r"\b(gust_woodland|gust_coast|wet_paths|ice_snow)\b", page_text)


@pytest.mark.parametrize("payload,msg", [
    (b"{not json", "is not valid JSON"),
    (b'{"hourly": "nope"}', ""),
    (b" " * (6 * 1024 * 1024), "over the 5 MB limit"),
])
def test_planner_bad_forecast_upload_shows_an_error(payload, msg):
    at = page("plan_page").run()
    at.radio(key="plan_fc_mode").set_value("Recorded forecast file (JSON)").run()
    at.file_uploader(key="plan_fc_file").set_value(("f.json", payload, "application/json")).run()
    no_exception(at)
    errors = texts(at, "error")
    assert errors and msg in errors[0]
    assert state.plan_forecast(at.session_state) is None
    assert any(s.value == "Saved plans" for s in at.subheader)  # rest of the page still there


def test_area_page_bad_osm_upload_keeps_the_current_area():
    at = page("area_page").run()
    no_exception(at)
    assert len(at.metric) == 4  # the demo area summary
    at.file_uploader(key="area_osm_upload").set_value(
        ("area.osm.pbf", b"this is not a pbf" * 10, "application/octet-stream")).run()
    at.button(key="area_load_upload").click().run()
    no_exception(at)
    assert any("does not look like an OpenStreetMap .osm.pbf" in plain(t)
               for t in texts(at, "error"))
    assert state.source(at.session_state) == "demo"
    assert len(at.metric) == 4


def test_area_page_place_search_with_the_network_down(monkeypatch):
    down = refused_url()
    monkeypatch.setenv("ECOPLAN_OVERPASS_URL", down + "/api/interpreter")
    monkeypatch.setenv("ECOPLAN_NOMINATIM_URL", down + "/search")
    at = page("area_page").run()
    at.text_input(key="area_place").set_value("Newport, Isle of Wight")
    at.button(key="area_find_place").click().run()
    no_exception(at)
    errors = texts(at, "error")
    assert errors and "could not be reached" in errors[0], errors
    assert state.source(at.session_state) == "demo"
    # Offline mode: a clear "not in the cache" message instead of a request.
    at.session_state[state.OFFLINE] = True
    at.button(key="area_find_place").click().run()
    errors = texts(at, "error")
    assert errors and "offline" in errors[0].lower(), errors


def test_area_page_loads_iow_boundaries_with_iod_2019():
    bounds = shared_data_dir() / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
    file1 = shared_data_dir() / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    if not (bounds.exists() and file1.exists()):
        pytest.skip("Isle of Wight boundaries / IoD 2019 File 1 not in shared data")
    at = page("area_page").run()
    at.file_uploader(key="need_boundaries").set_value(
        (bounds.name, bounds.read_bytes(), "application/geo+json"))
    at.file_uploader(key="need_iod").set_value(
        [(file1.name, file1.read_bytes(), "application/gzip")]).run()
    at.button(key="need_load").click().run()
    no_exception(at)
    # The page runs on the demo (Helsinki): the island's areas are loaded, and the page says
    # clearly that none of them overlap the OSM data (issue 14), rather than accepting it.
    assert not at.error, texts(at, "error")
    assert any("None of the 89 need areas overlap" in w for w in texts(at, "warning"))
    ok = [t for t in texts(at, "success") if t.startswith("Need data loaded")]
    assert ok and "89 areas, 89 with a deprivation decile" in ok[0], ok
    nd = state.need(at.session_state)
    assert nd is not None and len(nd.areas.areas) == 89
    assert any("Open Government Licence" in t for t in texts(at, "caption"))


def test_forecast_helpers():
    from ecoplan.app.pages import plan_page
    from ecoplan.errors import EcoplanError, InputFileError

    with pytest.raises(EcoplanError, match="at least one condition"):
        plan_page.manual_conditions({"temp_c": None, "uv": float("nan")})
    assert plan_page.manual_conditions({"temp_c": 3, "uv": None}) == {"temp_c": 3.0}
    with pytest.raises(InputFileError):
        plan_page.forecast_from_json_bytes("x.json", json.dumps([1, 2]).encode())
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ecoplan.plans.context import SiteContext

    helsinki = SiteContext(lat=60.17, lon=24.94)
    assert plan_page.site_timezone(helsinki) == "Europe/Helsinki"
    assert plan_page.site_timezone(SiteContext(lat=50.7, lon=-1.3)) == "Europe/London"
    assert plan_page.site_timezone(SiteContext()) == "Europe/London"
    tz = ZoneInfo("Europe/London")
    assert str(plan_page.default_day("Europe/London", datetime(2026, 5, 1, 9, 0, tzinfo=tz))) \
        == "2026-05-01"
    assert str(plan_page.default_day("Europe/London", datetime(2026, 5, 1, 11, 0, tzinfo=tz))) \
        == "2026-05-02"  # the default 10:00 start has passed: tomorrow
    assert plan_page.default_mode(helsinki, "Europe/Helsinki", offline=False) == \
        plan_page.MODES[0]
    assert plan_page.default_mode(helsinki, "Europe/Helsinki", offline=True) == \
        plan_page.MODES[2]


def test_ranking_panel_ranks_for_a_purpose_and_explains_a_site():
    from ecoplan.app import ranking_panel

    at = page("sites_page").run()
    assert "score" not in at.dataframe[0].value.columns  # off by default: area order
    at.toggle(key=ranking_panel.TOGGLE_KEY).set_value(True).run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table["score"].is_monotonic_decreasing and table["rank"].iloc[0] == 1
    top = table.iloc[0]["site_id"]
    at.selectbox(key="sites_select").set_value(top).run()
    md = "\n".join(texts(at, "markdown"))
    assert f"**Rank 1 of {len(table)}**" in md
    # Moving a weight re-ranks without error: all weight on one component → that order.
    for s in at.slider:
        if not s.disabled:
            s.set_value(1.0 if s.label == "Facilities" else 0.0)
    at.run()
    no_exception(at)
    assert at.dataframe[0].value["facilities"].is_monotonic_decreasing


def test_planner_with_only_a_temperature_says_unknown_not_go():
    at = page("plan_page").run()
    at.radio(key="plan_fc_mode").set_value("Enter conditions by hand").run()
    at.number_input(key="man_temp").set_value(15.0)
    next(b for b in at.button if b.label == "Use these conditions").click().run()
    no_exception(at)
    assert not texts(at, "success")  # never GO
    verdict = [t for t in texts(at, "warning") if "UNKNOWN — CHECK THE FORECAST" in t]
    assert verdict, texts(at, "warning")
    md = "\n".join(texts(at, "markdown")).replace("\\", "")
    assert "gusts" in md and "not entered" in md
