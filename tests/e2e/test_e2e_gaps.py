"""A new user finds the access gaps on the Isle of Wight in a real browser (offline): load the
OSM extract by path, upload the LSOA boundaries and IoD 2019 files on *Area & data*, open
*Access gaps*. Screenshot: artifacts/app_gaps.png."""

from __future__ import annotations

import pytest
from iow_files import APP, BOUNDS, FILE1, FILE6, IOW_PBF
from streamlit_ui import settle, shot, upload

pytestmark = pytest.mark.e2e

TOP_GAP = "E01017332"  # Isle of Wight 008D (Newport): rank 1 of priority tier 1 (confirmed)








def test_iow_files_through_the_area_page_show_the_gap_map(streamlit_server, page, wait_for_map,
                                                          artifacts_dir):
    for p in (IOW_PBF, BOUNDS, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared data not found at {p}")
    url = streamlit_server(APP)
    page.goto(url + "/area")
    page.get_by_role("tab", name="OSM file on this computer").click()
    page.get_by_label("Path of an OSM file on this computer").fill(str(IOW_PBF))
    page.get_by_role("button", name="Load from path").click()
    page.get_by_text(f"Now using {IOW_PBF.name}").wait_for(timeout=60_000)
    upload(page, "Area boundaries", [BOUNDS])
    upload(page, "IoD files", [FILE1, FILE6])
    page.get_by_role("button", name="Load need data").click()
    page.get_by_text("Need data loaded: 89 areas", exact=False).wait_for(timeout=60_000)

    page.get_by_role("link", name="Access gaps").first.click()
    frame = wait_for_map(page)
    page.get_by_text("Equity by deprivation decile").wait_for(timeout=60_000)
    # 89 area polygons (interactive: they carry tooltips) drawn over the offline basemap.
    assert frame.locator("path.leaflet-interactive").count() >= 89
    assert "OpenStreetMap contributors" in \
        frame.locator(".leaflet-control-attribution").inner_text()
    main = page.locator("main")
    assert "15-minute walk: everyone" in main.inner_text()  # headline metric
    page.get_by_text("Gap priorities", exact=True).wait_for()
    # The equity chart (Vega-Lite, bundled with Streamlit) and the tables (headline, equity,
    # gap list) are drawn; table cells live on a canvas, so count the grids.
    main.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=30_000)
    assert main.locator('[data-testid="stVegaLiteChart"] canvas, '
                        '[data-testid="stVegaLiteChart"] svg').count() >= 1
    assert main.locator('[data-testid="stDataFrame"]').count() >= 3
    settle(page, 1500)
    shot(page, artifacts_dir / "app_gaps.png")

    # What-if: draw a rectangle with Leaflet.draw (served offline) over the top gap area.
    import geopandas as gpd

    areas = gpd.read_file(BOUNDS)
    code_col = next(c for c in areas.columns if str(areas[c].iloc[0]).startswith("E01"))
    spot = areas.loc[areas[code_col] == TOP_GAP].geometry.iloc[0].representative_point()
    page.set_viewport_size({"width": 1280, "height": 900})
    frame.locator(".leaflet-draw-draw-rectangle").click()
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]').first
    iframe.scroll_into_view_if_needed()
    box = iframe.bounding_box()
    xy = iframe.content_frame.locator("body").evaluate(
        "(b, ll) => { const k = Object.keys(window).find(n => n.startsWith('map_') && "
        "window[n] && window[n].latLngToContainerPoint); const p = window[k]"
        ".latLngToContainerPoint(ll); const r = window[k].getContainer()"
        ".getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }",
        [spot.y, spot.x])
    x, y = box["x"] + xy[0], box["y"] + xy[1]
    page.mouse.move(x - 6, y - 5)
    page.mouse.down()
    page.mouse.move(x + 6, y + 5, steps=5)
    page.mouse.up()
    page.get_by_text("Drawn site:", exact=False).wait_for(timeout=30_000)
    page.get_by_label("Name of the new site").fill("Newport green")
    page.get_by_role("button", name="Test this site").click()
    page.get_by_text("What if: new site", exact=False).wait_for(timeout=60_000)
    # A park over the top priority area (Newport) takes it out of tier 1.
    done = page.locator('[data-testid="stAlert"]').filter(has_text="Leave priority tier 1")
    assert TOP_GAP in done.first.inner_text()
    settle(page, 1500)
    shot(page, artifacts_dir / "app_gaps_whatif.png")
    assert page.blocked_requests == [], page.blocked_requests
