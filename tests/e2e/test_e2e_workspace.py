"""Issue 14 in a real browser: the app as a workspace.

With the real Isle of Wight files (by path, as an analyst with them on disk would): load the
area and need data, choose a site *with the keyboard*, colour the map by access, then reload
the browser and find everything as it was; add the population file later without giving the
others again; open every page from the project's URL, check it with axe-core (no serious or
critical violations) and save a 1400 × 1000 screenshot of it (artifacts/workspace_*.png).
"""

from __future__ import annotations

import json
import re

import pytest
from axe import AXE_JS, axe_violations
from iow_files import APP, BOUNDS, FILE1, FILE6, IOW_PBF
from streamlit_ui import check, page_shot, settle

pytestmark = pytest.mark.e2e

#: page → (url path, a text the page shows once it has run on the island with need data).
#: The Sites page is the app's default page, served at "/" (not "/sites").
PAGES = {
    "area": ("area", "Need data loaded: 89 areas"),
    "sites": ("", "All sites"),
    "gaps": ("gaps", "Access gaps"),
    "plan": ("plan", "1. Site"),
    "route": ("route", "Walking route"),
    "programme": ("programme", "Programme"),
}


@pytest.fixture(scope="module")
def app_url(streamlit_server):
    return streamlit_server(APP, env={"ECOPLAN_DB_URL": ""})


def _project_id(page) -> str:
    m = re.search(r"[?&]project=([0-9a-f]+)", page.url)
    assert m, page.url
    return m.group(1)


def test_reload_loses_nothing_and_every_page_is_accessible(app_url, page, artifacts_dir):
    for p in (IOW_PBF, BOUNDS, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared data not found at {p}")
    main = page.locator("main")
    page.goto(app_url + "/area")
    page.get_by_role("heading", name="Area in use").wait_for(timeout=60_000)
    settle(page, wait_start=True, ms=500)
    page.get_by_role("tab", name="OSM file on this computer").click()
    page.get_by_label("Path of an OSM file on this computer").fill(str(IOW_PBF))
    page.get_by_role("button", name="Load from path").click()
    page.get_by_text(f"Now using {IOW_PBF.name}").wait_for(timeout=120_000)
    page.get_by_text("Data date: 01 January 2015", exact=False).wait_for()  # PBF header
    settle(page, wait_start=True)
    page.get_by_text("…or give the files' paths on this computer").click()
    page.get_by_label("Path of the area boundaries file").fill(str(BOUNDS))
    page.get_by_label("Paths of the IoD files (one per line)").fill(str(FILE1))
    page.keyboard.press("Control+Enter")  # commit the text area
    settle(page, wait_start=True, ms=300)
    page.get_by_role("button", name="Load need data").click()
    page.get_by_text("Need data loaded: 89 areas", exact=False).wait_for(timeout=90_000)
    settle(page, wait_start=True)
    pid = _project_id(page)

    # Sites: choose the largest site with the keyboard only (the select box).
    page.get_by_role("link", name="See the sites on the map").click()
    page.get_by_role("heading", name="All sites").wait_for(timeout=90_000)
    settle(page, wait_start=True)
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Site").first
    box.locator("input").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("OpenStreetMap id ", exact=False).wait_for(timeout=60_000)
    settle(page, wait_start=True)
    chosen = page.get_by_text("OpenStreetMap id ", exact=False).first.inner_text()
    check(page, page.get_by_role("radio", name="access"))
    settle(page, wait_start=True)

    # Reload: the area, the chosen site, the colouring and the need data are all still there.
    page.reload()
    page.get_by_role("heading", name="All sites").wait_for(timeout=120_000)
    settle(page, wait_start=True)
    assert _project_id(page) == pid
    page.get_by_text(f"Area: {IOW_PBF.name}").wait_for()
    assert chosen in main.inner_text()
    assert page.get_by_role("radio", name="access").is_checked()
    page.goto(f"{app_url}/area?project={pid}")  # also a new session from the URL alone
    page.get_by_text("Need data loaded: 89 areas", exact=False).wait_for(timeout=120_000)
    assert "Population: not given" in main.inner_text()  # File 1 has no population
    page.get_by_text(f"Kept in this project: {BOUNDS.name}", exact=False).wait_for()

    # The population file alone: the boundaries and File 1 are kept by the project.
    settle(page, wait_start=True)
    page.get_by_text("…or give the files' paths on this computer").click()
    page.get_by_label("Paths of the IoD files (one per line)").fill(str(FILE6))
    page.keyboard.press("Control+Enter")
    settle(page, wait_start=True, ms=300)
    page.get_by_role("button", name="Load need data").click()
    page.get_by_text("Population:", exact=False).wait_for(timeout=90_000)
    settle(page, wait_start=True)
    assert "not given" not in page.get_by_text("Population:", exact=False).first.inner_text()

    # Every page, opened from the project's URL: as it was, accessible, photographed.
    violations: dict[str, list[dict]] = {}
    for i, (name, (path, marker)) in enumerate(PAGES.items(), start=1):
        page.goto(f"{app_url}/{path}?project={pid}")
        page.get_by_text(marker, exact=False).first.wait_for(timeout=180_000)
        settle(page, wait_start=True, ms=1500)
        page.get_by_text(f"Area: {IOW_PBF.name}").wait_for()
        assert page.get_by_text("Page not found").count() == 0, name
        if AXE_JS.is_file():
            violations[name] = axe_violations(page)
        page_shot(page, artifacts_dir / f"workspace_{i}_{name}.png")
    assert page.blocked_requests == [], page.blocked_requests
    if not AXE_JS.is_file():  # everything else was checked; say what was not
        pytest.skip(f"axe-core not installed at {AXE_JS} (run `make axe`)")
    bad = {k: v for k, v in violations.items() if v}
    assert not bad, "axe-core serious/critical violations:\n" + json.dumps(bad, indent=1)
