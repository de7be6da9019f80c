"""Tiny Streamlit app for the offline-map e2e tests (not part of the product).

Map 1: two sites (one with a hostile name), entrances, drawing; prints the clicked site_id.
Map 2: a choropleth with a missing value (hatched "no data").
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import streamlit as st
from shapely.geometry import Point, box
from streamlit_folium import st_folium

from ecoplan.app import assets, maps

st.set_page_config(page_title="ecoplan map smoke test", layout="wide")
report = assets.ensure_static_assets(Path(__file__).parent / "static")

sites = gpd.GeoDataFrame(
    {"site_id": ["w101", "r202"],
     "name": ["<script>alert(1)</script> Park", "\"&' Lake"],
     "kind": ["green", "blue"], "categories": ["park;wood", "lake"],
     "area_ha": [96.1, 41.0], "access": ["public", "unknown"], "toilets": [1, 0]},
    geometry=[box(-1.300, 50.700, -1.290, 50.706), box(-1.285, 50.700, -1.275, 50.706)],
    crs=4326)
entrances = gpd.GeoDataFrame(
    {"site_id": ["w101", "r202"], "entrance_id": ["e1", "e2"],
     "source": ["tagged", "crossing"]},
    geometry=[Point(-1.300, 50.703), Point(-1.275, 50.703)], crs=4326)

st.title("Map smoke test")
st.caption(f"draw available: {assets.draw_available()}; static groups: "
           f"{', '.join(sorted(report.available))}")
m = maps.base_map((-1.305, 50.695, -1.270, 50.711))
maps.add_sites(m, sites)
maps.add_points(m, entrances, label_column="entrance_id", color_by="source",
                name="Entrances", legend=True)
maps.add_draw(m)
maps.finish(m)
out = st_folium(m, key="sites_map", height=420, use_container_width=True,
                returned_objects=["last_object_clicked_tooltip", "last_active_drawing"])
st.markdown(f"Clicked site: `{maps.clicked_site_id(out)}`")
st.text(f"Clicked tooltip: {(out or {}).get('last_object_clicked_tooltip')}")

areas = gpd.GeoDataFrame(
    {"code": ["A", "B", "C"], "minutes": [4.0, 12.0, np.nan]},
    geometry=[box(-1.30, 50.70, -1.29, 50.71), box(-1.29, 50.70, -1.28, 50.71),
              box(-1.28, 50.70, -1.27, 50.71)], crs=4326)
m2 = maps.base_map(areas.total_bounds)
maps.choropleth(m2, areas, "minutes", label="Walk minutes", id_column="code")
st_folium(m2, key="gap_map", height=320, use_container_width=True, returned_objects=[])
