"""The Walking route page in a real browser (offline): click the map to set the start, plan a
loop, see it on the map, download the GPX and the A4 PDF. Screenshot: artifacts/app_route.png.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import gpxpy
import pytest
from streamlit_ui import settle, shot

pytestmark = pytest.mark.e2e

APP = Path(__file__).resolve().parents[2] / "app.py"
IFRAME = 'iframe[title="streamlit_folium.st_folium"]'


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(APP, env={"ECOPLAN_DB_URL": ""})






def test_click_plan_and_download_a_route(app_url, page, artifacts_dir, tmp_path):
    page.goto(app_url + "/route")
    page.get_by_text("Click the map to set the start.").wait_for(timeout=60_000)
    frame = page.frame_locator(IFRAME).first
    container = frame.locator(".leaflet-container").first
    container.wait_for(timeout=60_000)
    frame.locator("path").first.wait_for(state="attached")  # the offline basemap is drawn
    settle(page)
    # The map opens fitted to the demo data, whose centre is in Kaisaniemi park: click it.
    box = container.bounding_box()
    container.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    page.get_by_text("Start: the chosen point", exact=False).wait_for(timeout=30_000)
    settle(page)
    page.get_by_role("button", name="Plan the route").click()
    page.get_by_role("heading", name="Routes").wait_for(timeout=60_000)
    settle(page)
    frame = page.frame_locator(IFRAME).first
    lines = frame.locator("path.ecoplan-route")
    lines.first.wait_for(state="attached", timeout=30_000)
    assert lines.count() >= 1
    assert frame.locator("path.leaflet-interactive").count() > lines.count()  # + start, stops
    page.get_by_text("Route 1 (blue)", exact=False).first.wait_for()

    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download GPX (for GPS apps)").click()
    gpx_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(gpx_path)
    assert gpx_path.suffix == ".gpx"
    gpx = gpxpy.parse(gpx_path.read_text(encoding="utf-8"))
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) > 20
    assert (pts[0].latitude, pts[0].longitude) == (pts[-1].latitude, pts[-1].longitude)
    assert abs(pts[0].latitude - 60.1716) < 0.01 and abs(pts[0].longitude - 24.9443) < 0.01

    with page.expect_download(timeout=90_000) as dl:
        page.get_by_role("button", name="Download A4 map (PDF)").click()
    pdf_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf_path)], capture_output=True, text=True,
                              check=True).stdout
        # the map page, and the directions overleaf when they do not all fit beside it
        assert re.search(r"^Pages:\s+[12]$", info, re.M), info
        assert "(A4)" in info, info

    settle(page, 1500)
    shot(page, artifacts_dir / "app_route.png")
    assert page.blocked_requests == [], page.blocked_requests
