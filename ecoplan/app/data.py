"""Cached loading for the app: heavy steps run once per input, so switching pages is instant.

Streamlit caches by argument value; OSM layers and graphs are passed as ``_underscored``
arguments (not hashed) and keyed by the source name instead.
"""

from __future__ import annotations

import streamlit as st

from ecoplan.osm.layers import OsmLayers
from ecoplan.sites.build import Sites


@st.cache_resource(show_spinner="Reading OpenStreetMap data…")
def load_source(source: str) -> OsmLayers:
    from ecoplan.osm.load import load_layers

    return load_layers(source)


@st.cache_resource(show_spinner="Finding green and blue space…")
def sites_for(source: str, _layers: OsmLayers, include_restricted: bool = False) -> Sites:
    from ecoplan.sites.build import build_sites

    return build_sites(_layers, include_restricted=include_restricted, require_any=False)
