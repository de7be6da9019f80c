"""ecoplan Streamlit app: ``streamlit run app.py`` (or ``make run``).

Pages are thin layers over the library; heavy steps are cached in ``ecoplan.app.data``.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecoplan.app import assets
from ecoplan.app.pages import sites_page

st.set_page_config(page_title="ecoplan — green and blue space", page_icon="🌳", layout="wide")
# Leaflet & co. are copied from installed packages into ./static (served at /app/static) so
# maps work with no network.
assets.ensure_static_assets(Path(__file__).parent / "static")

pages = [
    st.Page(sites_page.render, title="Sites", url_path="sites", default=True),
]
st.navigation(pages).run()
