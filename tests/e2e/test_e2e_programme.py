"""The Programme page in a real browser (offline), on the demo area: build a two-session
programme, save it, download the leaflet and the calendar. Screenshot:
artifacts/app_programme.png.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from icalendar import Calendar
from iow_files import APP
from streamlit_ui import settle, shot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(APP, env={"ECOPLAN_DB_URL": ""})


def test_build_save_and_download_a_programme(app_url, page, artifacts_dir, tmp_path):
    page.goto(app_url + "/programme")
    page.get_by_role("button", name="Build the programme").wait_for(timeout=90_000)
    settle(page, wait_start=True, ms=500)
    page.get_by_label("Programme name").fill("Browser walks")
    page.get_by_role("spinbutton", name="Sessions").fill("2")
    page.get_by_role("spinbutton", name="Minutes").fill("30")
    page.get_by_text("Step-free routes", exact=False).click()  # off: any loop will do
    page.get_by_role("button", name="Build the programme").click()
    page.get_by_role("heading", name=re.compile("Browser walks · not saved yet")).wait_for(
        timeout=180_000)
    settle(page)
    page.get_by_role("button", name="Save the programme").click()
    page.get_by_role("heading", name=re.compile(r"Browser walks · saved as #\d+, version 1")
                     ).wait_for(timeout=60_000)
    settle(page)

    with page.expect_download(timeout=120_000) as dl:
        page.get_by_role("button", name="Leaflet (PDF)").click()
    pdf = tmp_path / dl.value.suggested_filename
    dl.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                              check=True).stdout
        assert re.search(r"^Pages:\s+3$", info, re.M), info  # cover + 2 sessions

    with page.expect_download(timeout=60_000) as dl:
        page.get_by_role("button", name="Calendar (.ics)").click()
    ics = tmp_path / dl.value.suggested_filename
    dl.value.save_as(ics)
    cal = Calendar.from_ical(ics.read_bytes())
    assert len(list(cal.walk("VEVENT"))) == 2

    settle(page, 1000)
    shot(page, artifacts_dir / "app_programme.png")
    assert page.blocked_requests == [], page.blocked_requests
