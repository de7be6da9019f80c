"""Issue #7's acceptance journey, as a new user would do it, in a real browser (offline):
load the Isle of Wight files, find the access gaps, pick a site for Thursday, plan a
45-minute step-free group walk, print it (the session sheet and the route's A4 PDF).

One browser page goes through every step, as a user would. Screenshots of each page:
artifacts/journey_*.png.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import gpxpy
import pytest
from iow_files import APP, BOUNDS, FILE1, FILE6, IOW_PBF
from streamlit_ui import check, settle, shot, upload

pytestmark = pytest.mark.e2e

IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
#: The next Thursday (plans refuse past dates, so the journey plans for the coming one).
_THU = date.today() + timedelta(days=(3 - date.today().weekday()) % 7 or 7)
THURSDAY = (f"{_THU:%Y}", f"{_THU:%m}", f"{_THU:%d}")
THURSDAY_TEXT = f"{_THU:%A %d %B %Y}"  # as the page writes it


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(APP, env={"ECOPLAN_DB_URL": ""})








def _map_shapes(page, timeout: int = 90_000):
    frame = page.frame_locator(IFRAME).first
    frame.locator(".leaflet-container").first.wait_for(timeout=timeout)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=timeout, state="attached")
    return frame


def test_new_user_plans_a_thursday_step_free_walk_near_a_gap_and_prints_it(
        app_url, page, artifacts_dir, tmp_path):
    for p in (IOW_PBF, BOUNDS, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared data not found at {p}")
    main = page.locator("main")

    # 1. Area & data: the OSM extract by path, then boundaries + IoD 2019 File 1 and File 6.
    page.goto(app_url + "/area")
    page.get_by_role("heading", name="Area in use").wait_for(timeout=60_000)
    settle(page, wait_start=True, ms=500)  # the first run has finished: a tab clicked now stays open
    page.get_by_role("tab", name="OSM file on this computer").click()
    page.get_by_label("Path of an OSM file on this computer").fill(str(IOW_PBF))
    page.get_by_role("button", name="Load from path").click()
    page.get_by_text(f"Now using {IOW_PBF.name}").wait_for(timeout=120_000)
    # The summary and the sidebar already show the new area (not the demo any more).
    assert "Helsinki" not in main.inner_text()
    page.get_by_text(f"Area: {IOW_PBF.name}").wait_for()
    upload(page, "Area boundaries", [BOUNDS])
    upload(page, "IoD files", [FILE1, FILE6])
    page.get_by_role("button", name="Load need data").click()
    page.get_by_text("Need data loaded: 89 areas", exact=False).wait_for(timeout=90_000)
    assert FILE1.name in main.inner_text()  # file names shown as typed (no markdown italics)
    settle(page, wait_start=True)
    shot(page, artifacts_dir / "journey_1_area.png")

    # 2. Access gaps: the choropleth of the 89 areas and a non-empty gap list.
    page.get_by_role("link", name="Next: see the access gaps").click()
    # The first visit measures the island (both access variants, every standard): allow for a
    # loaded CI machine.
    frame = _map_shapes(page, timeout=150_000)
    page.get_by_text("Gap priorities", exact=True).wait_for(timeout=120_000)
    assert frame.locator("path.leaflet-interactive").count() >= 89
    assert main.locator('[data-testid="stDataFrame"]').count() >= 3  # headline, equity, gaps
    picker = page.get_by_text("Nearest site for ", exact=False).first
    picker.wait_for(timeout=30_000)
    m = re.search(r"Nearest site for (.+?): (.+?) \(([wr]\d+(?:-\d+)?)\)", picker.inner_text())
    assert m, picker.inner_text()
    area, site_name, site_id = m.groups()
    assert area.startswith("Isle of Wight")
    # Plans, sheets and routes name an unnamed site by its id.
    unnamed = site_name == "Unnamed site"
    named_as = site_id if unnamed else site_name
    settle(page, wait_start=True, ms=1500)
    shot(page, artifacts_dir / "journey_2_gaps.png")

    # 3. Sites: that site is chosen, its details shown and the map zoomed to it.
    page.get_by_role("button", name="Choose this site").click()
    page.get_by_text(f"OpenStreetMap id {site_id}").wait_for(timeout=90_000)
    assert unnamed or site_name in main.inner_text()  # unnamed: described by kind and place
    page.get_by_text("Entrances:", exact=False).first.wait_for()
    _map_shapes(page)
    settle(page, wait_start=True, ms=1500)
    shot(page, artifacts_dir / "journey_3_sites.png")

    # 3b. A browser reload mid-way loses nothing: the project in the URL brings back the
    # island, its need data and the chosen site.
    assert "project=" in page.url
    page.reload()
    page.get_by_text(f"OpenStreetMap id {site_id}").wait_for(timeout=120_000)
    page.get_by_text(f"Area: {IOW_PBF.name}").wait_for()
    assert unnamed or site_name in main.inner_text()
    settle(page, wait_start=True, ms=500)

    # 4. Plan a session for Thursday: conditions by hand (no forecast offline), 45 min, 12
    # walkers with 1 leader (1 per 20 is enough, so no leader warning).
    page.get_by_role("button", name="Plan a session here").click()
    page.get_by_role("heading", name="1. Site").wait_for(timeout=60_000)
    settle(page, wait_start=True)
    page.get_by_text("No connection? Choose", exact=False).wait_for()  # the offline hint
    check(page, page.get_by_role("radio", name="Enter conditions by hand"))
    page.get_by_label("Temperature (°C)").wait_for(timeout=30_000)
    page.get_by_label("Temperature (°C)").fill("7")
    page.get_by_label("Wind gusts (km/h)").fill("35")
    # rain, UV and the weather type too: without them the verdict is "unknown", never GO
    page.get_by_label("Rain (mm per hour)").fill("0")
    page.get_by_label("UV index").fill("1")
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Weather type").click()
    page.keyboard.type("Cloudy")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Use these conditions").click()
    page.get_by_text("Using: conditions entered by hand", exact=False).wait_for(timeout=30_000)
    for part, value in zip(("year", "month", "day"), THURSDAY, strict=True):
        page.get_by_role("spinbutton", name=f"{part}, Date").click()
        page.keyboard.type(value)
    # The date is committed when the focus leaves the whole field (not just a segment).
    page.get_by_role("heading", name="3. When and who").click()
    page.get_by_text(THURSDAY_TEXT).wait_for(timeout=30_000)
    settle(page, wait_start=True, ms=300)
    page.get_by_label("Duration (minutes)").fill("45")
    page.keyboard.press("Tab")
    settle(page, wait_start=True, ms=300)
    page.get_by_label("Group size").fill("12")
    page.keyboard.press("Tab")
    settle(page, wait_start=True, ms=300)
    verdict = page.locator('[data-testid="stAlert"]').filter(
        has_text=f"{_THU.isoformat()} 10:00 for 45 min")
    verdict.first.wait_for(timeout=30_000)
    assert named_as in verdict.first.inner_text()  # the site chosen from the gap list
    assert any(v in verdict.first.inner_text() for v in ("GO", "RETHINK"))
    assert "leader(s)" not in main.inner_text()  # 12 walkers, 1 leader: within 1 per 20
    page.get_by_text("Leader checklist").wait_for()
    settle(page, wait_start=True)
    shot(page, artifacts_dir / "journey_4_plan.png")
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download printable sheet (.html)").click()
    sheet = tmp_path / dl.value.suggested_filename
    dl.value.save_as(sheet)
    html = sheet.read_text(encoding="utf-8")
    assert sheet.suffix == ".html"
    assert named_as in html and "conditions entered by hand" in html
    assert "Open-Meteo" not in html  # hand-entered conditions carry no forecast attribution
    assert f"{_THU:%A %d %B %Y}" in html and "45 min" in html and "12 walkers" in html

    # 5. Walking route from the site's entrance: 45 min, step-free, older adults' pace.
    page.get_by_role("link", name="Next: plan the walking route from this site").click()
    page.get_by_text(f"Start: Entrance to {f'site {site_id}' if unnamed else site_name}",
                     exact=False).wait_for(timeout=60_000)
    assert page.get_by_role("radio", name="A site entrance").is_checked()
    duration = page.locator('[data-testid="stSlider"]').filter(has_text="Duration (minutes)")
    assert duration.locator('[data-testid="stSliderThumbValue"]').inner_text() == "45"
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Pace").click()
    page.keyboard.type("older adults")
    page.keyboard.press("Enter")
    settle(page, wait_start=True, ms=300)
    page.get_by_text("Step-free", exact=True).click()
    settle(page, wait_start=True, ms=300)
    assert page.get_by_role("checkbox", name="Step-free").is_checked()
    page.get_by_role("button", name="Plan the route").click()
    page.get_by_role("heading", name="Routes").wait_for(timeout=120_000)
    settle(page, wait_start=True)
    frame = page.frame_locator(IFRAME).first
    frame.locator("path.ecoplan-route").first.wait_for(state="attached", timeout=30_000)
    label = page.get_by_text("Route 1 (blue)", exact=False).first.inner_text()
    assert "step-free" in label and "NOT step-free" not in label, label
    settle(page, wait_start=True, ms=1500)
    shot(page, artifacts_dir / "journey_5_route.png")

    with page.expect_download(timeout=90_000) as dl:
        page.get_by_role("button", name="Download A4 map (PDF)").click()
    pdf = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M), info
        assert "(A4)" in info, info
    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Download GPX (for GPS apps)").click()
    gpx_path = tmp_path / dl.value.suggested_filename
    dl.value.save_as(gpx_path)
    gpx = gpxpy.parse(gpx_path.read_text(encoding="utf-8"))
    pts = gpx.tracks[0].segments[0].points
    assert len(pts) > 20
    assert 50.5 < pts[0].latitude < 50.8 and -1.6 < pts[0].longitude < -1.0  # on the island
    assert (pts[0].latitude, pts[0].longitude) == (pts[-1].latitude, pts[-1].longitude)
    assert page.blocked_requests == [], page.blocked_requests
