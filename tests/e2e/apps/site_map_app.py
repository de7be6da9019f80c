"""The Sites map of the whole Isle of Wight through ecoplan.app.site_map (e2e: labels, and a
chosen site drawn without re-creating the map)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ecoplan.app import assets, maps, site_map
from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import build_sites

st.set_page_config(page_title="ecoplan IoW sites map", layout="wide")
assets.ensure_static_assets(Path(__file__).parent / "static")


@st.cache_resource
def load():
    layers = read_pbf(shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf")
    return layers, build_sites(layers)


layers, built = load()
largest = built.sites.sort_values("area_ha", ascending=False)["site_id"].astype(str).tolist()
if st.button("Choose the largest site"):
    st.session_state["sel"] = largest[0]
if st.button("Choose the second largest site"):
    st.session_state["sel"] = largest[1]
sel = st.session_state.get("sel")
out = site_map.sites_map("iow", layers, built, sel, key="sites_map")
st.write(f"chosen: {sel}; clicked: {maps.clicked_site_id(out)}")
