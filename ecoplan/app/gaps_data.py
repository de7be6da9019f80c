"""Cached heavy steps of the *Access gaps* page: the access measurement and the map.

``access_for`` runs :func:`ecoplan.access.measure.measure_access` once per (source, need
data, speed, step-free) for the whole server (``st.cache_resource``) and, for file and demo
sources, also keeps the result on disk (:mod:`ecoplan.access.cache`), so a restart does not
measure again. Layers, sites, graph and areas are ``_underscored`` (not hashed): the source
key and the areas' content digest identify them.

The map is built once per choice and deep-copied each run (see ``ecoplan.app.data.sites_map``:
rendering the same folium object twice breaks streamlit-folium's click handling).
"""

from __future__ import annotations

import copy
import dataclasses
import html
from typing import Any

import folium
import geopandas as gpd
import streamlit as st
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from ecoplan.access.measure import AccessResult
from ecoplan.app import style as app_style
from ecoplan.osm.layers import OsmLayers
from ecoplan.sites.build import Sites


@st.cache_resource(show_spinner="Measuring walking access for every area…", max_entries=8)
def access_for(source: str, need_key: str, speed: float | str, step_free: bool,
               _layers: OsmLayers, _sites: Sites, _graph: Any, _areas: Any) -> AccessResult:
    """Access per area for this source, need data (by content digest), speed and mode.

    Cached on disk under the very key the CLI uses
    (:func:`ecoplan.access.pipeline.cache_parts`), so the app and ``ecoplan access`` share
    results for the same OSM file and need data.
    """
    from ecoplan.access.cache import cached_access
    from ecoplan.access.measure import measure_access
    from ecoplan.access.pipeline import cache_parts
    from ecoplan.access.speeds import resolve_speed

    def compute() -> AccessResult:
        return measure_access(_layers, _sites, _areas, speed_kmh=speed, step_free=step_free,
                              graph=_graph)

    parts = cache_parts(source, need_key, resolve_speed(speed), step_free)
    result, _hit = cached_access(parts or {}, compute, use_cache=parts is not None)
    return result


def _light_layers(layers: OsmLayers) -> OsmLayers:
    """Layers for the basemap under the choropleth: no buildings, main roads only."""
    ways = layers.ways
    if len(ways) and "highway" in ways.columns:
        ways = ways[ways["highway"].isin(list(app_style.GAPS_BASEMAP_KEEP_HIGHWAYS))]
    drop = app_style.GAPS_BASEMAP_DROP_BUILDINGS
    buildings = layers.buildings.iloc[:0] if drop else layers.buildings
    return dataclasses.replace(layers, ways=ways, buildings=buildings)


def gaps_map(map_key: str, *, _layers: OsmLayers, _areas: gpd.GeoDataFrame,
             _sites: gpd.GeoDataFrame | None, _whatif: tuple[BaseGeometry, str] | None,
             label: str, style: dict[str, Any], draw: bool) -> tuple[folium.Map, bool]:
    """A fresh copy of the gaps map for ``map_key`` and whether drawing is available.

    ``_areas`` must hold ``value`` (mapped), ``tip`` (tooltip id) and ``deprived`` columns.
    """
    m, has_draw = _gaps_map_template(map_key, _layers, _areas, _sites, _whatif, label,
                                     tuple(sorted((k, repr(v)) for k, v in style.items())),
                                     style, draw)
    return copy.deepcopy(m), has_draw


@st.cache_resource(show_spinner="Drawing the map…", max_entries=12)
def _gaps_map_template(map_key: str, _layers: OsmLayers, _areas: gpd.GeoDataFrame,
                       _sites: gpd.GeoDataFrame | None,
                       _whatif: tuple[BaseGeometry, str] | None, label: str,
                       style_key: tuple, _style: dict[str, Any],
                       draw: bool) -> tuple[folium.Map, bool]:
    from ecoplan.app import maps

    m = maps.base_map(_layers.bounds)
    maps.add_basemap_layers(m, _light_layers(_layers))
    style = dict(_style)
    items = style.pop("legend_items", None)
    maps.choropleth(m, _areas, "value", label=label, id_column="tip",
                    outline=_areas["deprived"].tolist(), name="Areas",
                    legend=items is None, **style)
    if items is not None:
        if _areas["value"].isna().any():
            items = [*items, ("nodata", app_style.NO_DATA_LABEL)]
        maps.add_legend(m, label, items)
    if _sites is not None and len(_sites):
        maps.add_sites(m, _sites, legend=False, name="Green and blue sites")
    if _whatif is not None:
        geom, name = _whatif
        folium.GeoJson(
            {"type": "Feature", "properties": {"whatif": True}, "geometry": mapping(geom)},
            name="What-if site",
            style_function=lambda _f: {"color": app_style.OKABE_ITO["vermillion"], "weight": 3,
                                       "dashArray": "6 4",
                                       "fillColor": app_style.OKABE_ITO["bluish_green"],
                                       "fillOpacity": 0.5},
            tooltip=folium.Tooltip(html.escape(f"What-if site: {name}")),
        ).add_to(m)
    has_draw = maps.add_draw(m) if draw else False
    return maps.finish(m), has_draw
