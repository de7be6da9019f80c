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
    assert any(s.value == md_escape(biggest["name"] or "Unnamed site") for s in at.subheader)
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
    assert any("Weather data by Open-Meteo.com" in t for t in texts(at, "caption"))
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


def test_planner_with_a_recorded_forecast_file():
    if not BERLIN.exists():
        pytest.skip(f"recorded forecast not found at {BERLIN}")
    at = page("plan_page").run()
    at.radio(key="plan_fc_mode").set_value("Recorded forecast file (JSON)").run()
    at.file_uploader(key="plan_fc_file").set_value(
        (BERLIN.name, BERLIN.read_bytes(), "application/json")).run()
    no_exception(at)
    days = at.selectbox(key="plan_day_fc").options
    assert "Thu 25 Nov 2021" in days
    at.selectbox(key="plan_day_fc").set_value(__import__("datetime").date(2021, 11, 25)).run()
    no_exception(at)
    verdict = texts(at, "success") + texts(at, "warning") + texts(at, "error")
    assert any("2021-11-25 10:00" in t for t in verdict), verdict
    # Berlin is far from the demo area: the page says so.
    assert any("km from the site" in t for t in texts(at, "warning"))
    assert any("Tell participants" in t for t in texts(at, "markdown"))
    assert any("Europe/Berlin" in t for t in texts(at, "caption"))


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
    assert not at.error, texts(at, "error")
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
    assert plan_page.area_timezone("demo") == "Europe/Helsinki"
    assert plan_page.area_timezone("pbf") == "Europe/London"


def test_ranking_panel_ranks_for_a_purpose_and_explains_a_site():
    from ecoplan.app import ranking_panel

    if ranking_panel.ranking_module() is None:
        pytest.skip("ranking stage not installed")
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
            s.set_value(1.0 if s.label == "facilities" else 0.0)
    at.run()
    no_exception(at)
    assert at.dataframe[0].value["facilities"].is_monotonic_decreasing
