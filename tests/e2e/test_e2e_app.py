"""The real app in a real browser (offline): demo area map, site details by clicking the map,
the planner with a recorded forecast, and the place search failing clearly with no network.
Screenshots of each page go to artifacts/ (app_*.png)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit_ui import settle, shot

from ecoplan.settings.paths import shared_data_dir

pytestmark = pytest.mark.e2e

APP = Path(__file__).resolve().parents[2] / "app.py"
BERLIN = shared_data_dir() / "weather" / "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json"


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    import socket

    with socket.socket() as s:  # a loopback port where nothing listens: "the network is down"
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}"
    return streamlit_server(APP, env={"ECOPLAN_OVERPASS_URL": down + "/api/interpreter",
                                      "ECOPLAN_NOMINATIM_URL": down + "/search",
                                      "ECOPLAN_DB_URL": ""})






def test_app_starts_on_the_demo_area_with_sites_on_the_map(app_url, page, wait_for_map,
                                                           artifacts_dir):
    page.goto(app_url)
    frame = wait_for_map(page)
    page.get_by_text("demo area", exact=False).first.wait_for()
    assert frame.locator("path.leaflet-interactive").count() >= 10  # sites + entrances
    assert frame.locator("path:not(.leaflet-interactive)").count() >= 3  # offline basemap
    assert "OpenStreetMap contributors" in \
        frame.locator(".leaflet-control-attribution").inner_text()
    settle(page)
    shot(page, artifacts_dir / "app_sites.png")
    assert page.blocked_requests == [], page.blocked_requests


def test_clicking_a_site_on_the_map_shows_its_details(app_url, page, wait_for_map,
                                                      artifacts_dir):
    page.goto(app_url)
    frame = wait_for_map(page)
    page.get_by_text("No site chosen yet.").wait_for()
    shapes = frame.locator("path.leaflet-interactive")
    details = page.get_by_text("OpenStreetMap id ", exact=False)
    for i in range(min(shapes.count(), 8)):  # a concave shape's box centre may miss it
        box = shapes.nth(i).bounding_box()
        if not box or box["width"] < 8 or box["height"] < 8:
            continue
        shapes.nth(i).click(force=True)  # the centre of the shape's box
        try:
            details.first.wait_for(timeout=10_000)
            break
        except Exception:  # noqa: BLE001 — try the next shape
            continue
    details.first.wait_for(timeout=20_000)
    page.get_by_text("Categories:", exact=False).first.wait_for()
    page.get_by_text("Entrances:", exact=False).first.wait_for()
    wait_for_map(page)  # the map is redrawn with the site outlined and its entrances
    settle(page, 1500)
    shot(page, artifacts_dir / "app_site_details.png")
    assert page.blocked_requests == []


def test_planner_refuses_a_far_forecast_and_gives_notes_from_one_for_the_site(
        app_url, page, artifacts_dir, tmp_path):
    """The recorded Berlin file is refused on the Helsinki demo; the same response moved into
    the future and placed at the demo (an edited copy) gives a verdict on the user's day."""
    import json

    from recorded_weather import BERLIN as NAME
    from recorded_weather import Future

    if not BERLIN.exists():
        pytest.skip(f"recorded forecast not found at {BERLIN}")
    page.goto(app_url + "/plan")
    page.get_by_text("Recorded forecast file (JSON)").click()
    page.locator('input[type="file"]').set_input_files(str(BERLIN))
    page.get_by_text("km from the site", exact=False).first.wait_for(timeout=30_000)
    refusal = page.locator('[data-testid="stAlert"]').filter(has_text="km from the site")
    assert "somewhere else" in refusal.first.inner_text()
    fut = Future(NAME, tmp_path)
    here = tmp_path / "helsinki-forecast.json"
    here.write_text(json.dumps(dict(fut.raw, latitude=60.1733, longitude=24.9458,
                                    timezone="Europe/Helsinki")), encoding="utf-8")
    page.locator('input[type="file"]').set_input_files(str(here))
    page.get_by_text("helsinki-forecast.json", exact=False).first.wait_for(timeout=30_000)
    day = fut.day("2021-11-25")
    for part, value in zip(("year", "month", "day"), day.split("-"), strict=True):
        page.get_by_role("spinbutton", name=f"{part}, Date").click()
        page.keyboard.type(value)
    page.get_by_role("heading", name="3. When and who").click()  # commit the date
    page.get_by_text(f"{day} 10:00", exact=False).first.wait_for(timeout=30_000)
    page.get_by_text("Tell participants").wait_for()
    page.get_by_text("Leader checklist").wait_for()
    page.get_by_text("Weather data by Open-Meteo.com").first.wait_for()
    verdict = page.locator('[data-testid="stAlert"]').filter(
        has_text=f"{day} 10:00").first.inner_text()
    assert any(v in verdict for v in ("GO WITH CARE", "RETHINK", "GO", "UNKNOWN"))
    main = page.locator("main").inner_text()
    assert "°C" in main  # the cold reasons are spelled out
    assert "112" in main and "999" not in main  # Helsinki: no UK emergency number
    settle(page)
    shot(page, artifacts_dir / "app_plan.png")
    assert page.blocked_requests == []


def test_place_search_with_the_network_down_shows_a_clear_error(app_url, page, wait_for_map,
                                                                artifacts_dir):
    page.goto(app_url + "/area")
    page.get_by_role("tab", name="Find a place (online)").click()
    page.get_by_label("Place name").fill("Newport, Isle of Wight")
    page.get_by_role("button", name="Find this place").click()
    err = page.locator('[data-testid="stAlert"]').filter(has_text="could not be reached")
    err.first.wait_for(timeout=60_000)
    assert "check the internet connection" in err.first.inner_text()
    # The rest of the app keeps working: the demo area is still in use, Sites still maps.
    assert "Helsinki" in page.locator("main").inner_text()
    settle(page)
    shot(page, artifacts_dir / "app_area.png")
    page.get_by_role("link", name="Sites").first.click()
    wait_for_map(page)
    assert page.blocked_requests == []
