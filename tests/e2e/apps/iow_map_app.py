"""Isle of Wight sites on the offline basemap (e2e screenshot of real data)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from ecoplan.app import assets, maps
from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import build_sites

st.set_page_config(page_title="ecoplan IoW map", layout="wide")
assets.ensure_static_assets(Path(__file__).parent / "static")


@st.cache_resource
def load():
    layers = read_pbf(shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf")
    built = build_sites(layers)
    return layers, built.sites, built.entrances


layers, sites, entrances = load()
# Newport and around: a town-scale view keeps the screenshot readable.
bounds = (-1.320, 50.685, -1.270, 50.715)
m = maps.base_map(bounds)
maps.add_basemap_layers(m, layers)
maps.add_sites(m, sites.cx[bounds[0]:bounds[2], bounds[1]:bounds[3]])
maps.add_points(m, entrances.cx[bounds[0]:bounds[2], bounds[1]:bounds[3]],
                label_column="entrance_id", color_by="source", name="Entrances", legend=True)
maps.finish(m)
out = st_folium(m, key="iow_map", height=600, use_container_width=True,
                returned_objects=["last_object_clicked_tooltip", "last_active_drawing"])
st.write(f"{len(sites)} sites; clicked: {maps.clicked_site_id(out)}")
