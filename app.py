"""ecoplan Streamlit app: ``streamlit run app.py`` (or ``make run``).

Pages are thin layers over the library (one module per page in ``ecoplan/app/pages``, each
with ``render()``); heavy steps are cached in ``ecoplan.app.data`` and shared state lives in
``ecoplan.app.state``. A user error on a page is shown there; the rest of the app keeps working.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecoplan.app import assets, data, project, project_panel, state, ui
from ecoplan.app.pages import (
    area_page,
    gaps_page,
    plan_page,
    programme_page,
    route_page,
    sites_page,
)

st.set_page_config(page_title="ecoplan — green and blue space", page_icon="🌳", layout="wide")
# Leaflet & co. are copied from installed packages into ./static (served at /app/static) so
# maps work with no network.
assets.ensure_static_assets(Path(__file__).parent / "static")

#: (page module in ecoplan.app.pages, title, url path, icon), in the order of the workflow;
#: the Sites page opens first on the demo.
PAGES = [
    (area_page, "Area & data", "area", ":material/map:"),
    (sites_page, "Sites", "sites", ":material/park:"),
    (gaps_page, "Access gaps", "gaps", ":material/bar_chart:"),
    (plan_page, "Plan a session", "plan", ":material/event:"),
    (route_page, "Walking route", "route", ":material/hiking:"),
    (programme_page, "Programme", "programme", ":material/calendar_month:"),
]

pages = []
for module, title, url, icon in PAGES:
    page = st.Page(ui.guarded(module.render), title=title, url_path=url, icon=icon,
                   default=url == "sites")
    ui.PAGES[url] = page
    pages.append(page)

# A project named in the URL (?project=…) is opened once per session: a reload, a second tab
# or tomorrow's visit finds the area, need data, chosen site and settings as they were.
project.begin_run()
ui.accessible_styles()
with st.sidebar:
    project_panel.render()
    st.toggle("Offline (cache only)", key=state.OFFLINE,
              help="Use only cached OpenStreetMap places and forecasts; no internet requests.")
    # Not st.caption: its grey on the sidebar background fails contrast (axe-core).
    st.markdown(f":small[Area: {ui.md_escape(data.describe_source(state.source()))}]")

try:
    st.navigation(pages).run()
finally:
    project.end_run()  # save what changed, also when the page asked for a rerun
