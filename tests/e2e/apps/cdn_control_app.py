"""Negative control: folium's default map (CDN links) must NOT render when offline."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium

m = folium.Map(location=[50.7, -1.3], zoom_start=13, tiles=None)
folium.CircleMarker([50.7, -1.3], radius=20).add_to(m)
st_folium(m, key="cdn_map", height=300, returned_objects=[])
