"""The Walking route page's map: offline basemap, start/end markers, route alternatives and the
toilets and benches along the picked route.

Why cached templates: streamlit-folium re-creates a map whose HTML changed since the last run,
and folium gives every new element a fresh random id, so a map rebuilt on each rerun would be
re-created (and lose its click handling) every time. The map is therefore built once per
(source, start, end, result, picked route) and deep-copied for each run, as
:func:`ecoplan.app.data.sites_map` does.
"""

from __future__ import annotations

import copy
import html

import folium
import geopandas as gpd
import streamlit as st

from ecoplan.app import maps
from ecoplan.app import style as app_style
from ecoplan.app.route_logic import LonLat, RouteResult
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes.model import Route
from ecoplan.routes.streets import route_streets

ROUTE_CLASS = "ecoplan-route"  # CSS class of route lines (the e2e test looks for it)
_KIND_LABEL = {"toilets": "Toilets", "bench": "Bench"}


def route_map(source: str, layers: OsmLayers, start: LonLat | None, end: LonLat | None,
              result: RouteResult | None, picked: int = 0) -> folium.Map:
    """The map for this run (a copy of the cached one)."""
    rid = result.id if result is not None else ""
    return copy.deepcopy(_route_map_template(source, start, end, rid, picked, layers, result))


@st.cache_resource(show_spinner="Drawing the map…", max_entries=4)
def _base_template(source: str, _layers: OsmLayers) -> folium.Map:
    m = maps.base_map(_layers.bounds)
    maps.add_basemap_layers(m, _layers)
    return m


@st.cache_resource(show_spinner=False, max_entries=16)
def _route_map_template(source: str, start: LonLat | None, end: LonLat | None, result_id: str,
                        picked: int, _layers: OsmLayers, _result: RouteResult | None
                        ) -> folium.Map:
    m = copy.deepcopy(_base_template(source, _layers))
    routes = list(_result.routes) if _result is not None else []
    add_routes(m, routes, picked, not_step_free=_result is not None and _result.fallback)
    if 0 <= picked < len(routes):  # the names of the streets the picked route uses
        line = gpd.GeoSeries([routes[picked].geometry], crs="EPSG:4326")
        streets = route_streets(routes[picked], _layers, maps.utm_crs(line))
        streets = streets[streets["length"] >= app_style.ROUTE_STREET_MIN_M].iloc[
            :app_style.ROUTE_STREET_LABELS]
        maps.add_labels(m, _layers, name="ecoplan_route_labels", places=False, road_limit=0,
                        streets=streets, street_min_zoom=0)
    if start is not None:
        _marker(m, start, "Start", fill=app_style.START_COLOR, ring="#ffffff")
    if end is not None:
        _marker(m, end, "Finish", fill="#ffffff", ring=app_style.END_COLOR)
    legend = [(app_style.START_COLOR, "start")] + ([("#ffffff", "finish")] if end else [])
    legend += [(app_style.ROUTE_COLORS[i % len(app_style.ROUTE_COLORS)], f"route {i + 1}")
               for i in range(len(routes))]
    if routes:
        legend += [(c, _KIND_LABEL[k].lower()) for k, c in app_style.WAYPOINT_COLORS.items()]
        lons, lats = zip(*(c for r in routes for c in r.geometry.coords), strict=True)
        _refit(m, [[min(lats), min(lons)], [max(lats), max(lons)]])
    elif start is not None:  # a walk's worth of streets around the start, not the county
        pts = [start] + ([end] if end is not None else [])
        half = app_style.START_VIEW_HALF_DEG
        _refit(m, [[min(p[1] for p in pts) - half, min(p[0] for p in pts) - 1.5 * half],
                   [max(p[1] for p in pts) + half, max(p[0] for p in pts) + 1.5 * half]])
    maps.add_legend(m, "Walking route", legend)
    return maps.finish(m)


def _refit(m: folium.Map, bounds: list[list[float]]) -> None:
    """Fit the map to ``bounds`` *instead of* the data's extent set by the base template: a
    second ``fitBounds`` in the same script is lost (Leaflet animates it from the first)."""
    (s, w), (n, e) = bounds
    maps.fit(m, (w, s, e, n), padding_px=20)


def add_routes(m: folium.Map, routes: list[Route], picked: int, *,
               not_step_free: bool = False) -> None:
    """Route lines (the picked one on top and thicker) and its toilets and benches."""
    group = folium.FeatureGroup(name="Routes")
    order = [i for i in range(len(routes)) if i != picked] + (
        [picked] if 0 <= picked < len(routes) else [])
    for i in order:
        r = routes[i]
        sel = i == picked
        colour = app_style.ROUTE_COLORS[i % len(app_style.ROUTE_COLORS)]
        step = "step-free" if r.step_free else "NOT step-free"
        tip = (f"Route {i + 1}: {r.length_m / 1000:.1f} km, {r.minutes:.0f} min, {step}"
               + (" (step-free was not possible)" if not_step_free else ""))
        latlon = [(lat, lon) for lon, lat in r.geometry.coords]
        # A white casing under every line keeps routes 2 and 3 visible on any ground and
        # where they run beside route 1.
        folium.PolyLine(latlon, color="#ffffff", opacity=1.0, interactive=False,
                        weight=(app_style.ROUTE_SELECTED_WEIGHT_PX if sel
                                else app_style.ROUTE_WEIGHT_PX)
                        + app_style.ROUTE_CASING_PX).add_to(group)
        folium.PolyLine(
            latlon, color=colour,
            weight=app_style.ROUTE_SELECTED_WEIGHT_PX if sel else app_style.ROUTE_WEIGHT_PX,
            opacity=1.0 if sel else app_style.ROUTE_OTHER_OPACITY,
            dash_array=None if r.step_free else "10 6",
            class_name=ROUTE_CLASS, tooltip=html.escape(tip),
        ).add_to(group)
    group.add_to(m)
    if 0 <= picked < len(routes):
        pts = folium.FeatureGroup(name="Toilets and benches on the route")
        for w in routes[picked].waypoints:
            dot = app_style.WAYPOINT_COLORS.get(w.kind)
            if dot is None:
                continue
            name = w.name or _KIND_LABEL[w.kind]
            folium.CircleMarker(
                (w.lat, w.lon), radius=6, color="#000000", weight=1, fill=True,
                fill_color=dot, fill_opacity=1.0,
                tooltip=html.escape(f"{_KIND_LABEL[w.kind]}: {name}"),
            ).add_to(pts)
        pts.add_to(m)


def _marker(m: folium.Map, pt: LonLat, label: str, *, fill: str, ring: str) -> None:
    lon, lat = pt
    folium.CircleMarker((lat, lon), radius=9, color=ring, weight=3, fill=True,
                        fill_color=fill, fill_opacity=1.0,
                        tooltip=html.escape(f"{label} ({lat:.5f}, {lon:.5f})")).add_to(m)
