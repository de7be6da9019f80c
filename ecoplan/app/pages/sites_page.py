"""Sites page: the green and blue sites of the loaded area on an offline map and in a table."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from ecoplan.app import data, maps

TABLE_COLUMNS = ["site_id", "name", "kind", "categories", "area_ha", "access", "n_entrances",
                 "toilets", "benches", "shelters", "drinking_water", "parking",
                 "bus_stops_400m"]


def render() -> None:
    source = st.session_state.get("source", "demo")
    layers = data.load_source(source)
    st.title("Green and blue sites")
    info = layers.source
    if info.kind == "demo":
        st.info(f"Showing the built-in **demo area**: {info.name}. {info.note}")
    built = data.sites_for(source, layers)
    sites = built.sites
    if len(sites) == 0:
        st.warning("No green or blue space found in this area — try a larger area.")
        return
    st.caption(f"{len(sites)} sites, {sites.area_ha.sum():,.1f} ha · data: {info.name}"
               + (f" ({info.data_date:%d %b %Y})" if info.data_date else "")
               + f" · {info.attribution}")
    m = maps.base_map(layers.bounds)
    maps.add_basemap_layers(m, layers)
    maps.add_sites(m, sites)
    maps.add_points(m, built.entrances, label_column="entrance_id", color_by="source",
                    name="Entrances", legend=True)
    maps.finish(m)
    out = st_folium(m, key="sites_map", height=560, use_container_width=True,
                    returned_objects=["last_object_clicked_tooltip", "last_active_drawing"])
    clicked = maps.clicked_site_id(out)
    if clicked:
        row = sites.set_index("site_id").loc[clicked]
        st.subheader(row["name"] or clicked)
        st.write(row.drop("geometry").to_dict())
    st.dataframe(sites[TABLE_COLUMNS], hide_index=True, use_container_width=True)
