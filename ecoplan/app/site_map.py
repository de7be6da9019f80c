"""Large maps that answer clicks quickly: rendered once, then only what changes is sent.

Why: ``st_folium`` renders the whole folium map to HTML and JavaScript on every Streamlit run.
On the Isle of Wight the Sites map is ≈ 3.5 MB of script; rendering it costs ≈ 1–2 s per run
and re-building it for a new selection ≈ 3 s more (``benchmarks/bench_maps.py``). Here the
map (basemap, labels, every site) is built and rendered **once per area and colouring**
(:class:`PreparedMap`, cached); a run only sends the small *overlay* — the chosen site's
outline and entrances, or a gap area — through streamlit-folium's ``feature_group`` argument,
and moves the view with ``center``/``zoom``. The component's script is unchanged, so the
frontend keeps the same Leaflet map (no redraw), and Streamlit's message cache does not resend
the unchanged megabytes.

:func:`show_prepared` calls streamlit-folium's component with exactly the arguments
``st_folium`` would (``tests/test_app_maps.py`` checks this against the pinned version).

The gaps page calls :func:`focus_area` ("Choose this site" from a gap): the Sites map then
outlines that area and zooms to it.
"""

from __future__ import annotations

import copy
import html
import math
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import streamlit as st
import streamlit_folium as stf
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from ecoplan.app import maps, ui
from ecoplan.app import style as app_style
from ecoplan.osm.layers import OsmLayers

#: Session-state key of the area the Sites map should show (set by :func:`focus_area`).
FOCUS_KEY = "site_map.focus"


@dataclass(frozen=True)
class PreparedMap:
    """A folium map rendered once: the strings and defaults streamlit-folium's frontend needs."""

    script: str
    header: str
    html: str
    map_id: str
    bounds: tuple[float, float, float, float]
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    zoom: Any

    @property
    def size_bytes(self) -> int:
        return len(self.script.encode()) + len(self.header.encode()) + len(self.html.encode())


def prepare(m: folium.Map) -> PreparedMap:
    """Render ``m`` (a copy: rendering mutates folium objects) the way ``st_folium`` does."""
    m = copy.deepcopy(m)
    m.get_root().render()
    m.render()
    page_html = stf._get_html(m)
    header = stf._get_header(m)
    script = stf._get_map_string(m)
    try:
        (s, w), (n, e) = m.get_bounds()
        bounds = (w, s, e, n)
    except (AttributeError, TypeError, ValueError):
        bounds = (None, None, None, None)
    css: list[str] = []
    js: list[str] = []
    for elem in _walk(m):
        css.extend(href for _, href in getattr(elem, "default_css", []))
        js.extend(src for _, src in getattr(elem, "default_js", []))
    return PreparedMap(script=script, header=header, html=page_html, map_id=stf.get_full_id(m),
                       bounds=bounds,  # type: ignore[arg-type]
                       css_links=tuple(dict.fromkeys(css)), js_links=tuple(dict.fromkeys(js)),
                       zoom=m.options.get("zoom"))


def _walk(fig: Any) -> Iterable[Any]:
    if isinstance(fig, folium.elements.JSCSSMixin):
        yield fig
    for child in getattr(fig, "_children", {}).values():
        yield from _walk(child)


def overlay_script(group: folium.FeatureGroup | None) -> str | None:
    """The JavaScript streamlit-folium's frontend runs to (re)draw a dynamic feature group."""
    if group is None:
        return None
    stub = folium.Map(tiles=None)
    return stf._get_feature_group_string(copy.deepcopy(group), map=stub, idx=0)


def show_prepared(pm: PreparedMap, *, key: str, height: int = app_style.MAP_HEIGHT_PX,
                  returned_objects: Sequence[str] = (), overlay: str | None = None,
                  center: tuple[float, float] | None = None, zoom: int | None = None
                  ) -> dict[str, Any]:
    """Show a prepared map at the container's width; returns what the user did (as
    ``st_folium``). ``overlay`` is :func:`overlay_script`'s output; ``center`` (lat, lon) and
    ``zoom`` move the view without re-creating the map."""
    w, s, e, n = pm.bounds
    defaults = {
        "last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
        "last_object_clicked_tooltip": None, "last_object_clicked_popup": None,
        "all_drawings": None, "last_active_drawing": None,
        "bounds": {"_southWest": {"lat": s, "lng": w}, "_northEast": {"lat": n, "lng": e}},
        "zoom": pm.zoom, "last_circle_radius": None, "last_circle_polygon": None,
        "selected_layers": None, "selected_tags": None, "last_geocoder_result": None,
    }
    returned = list(returned_objects)
    hash_key = stf.generate_js_hash(pm.script, key, False)

    def _on_change() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})

    return stf._component_func(
        script=pm.script, header=pm.header, html=pm.html, id=pm.map_id, key=hash_key,
        height=height, width=None, returned_objects=returned,
        default={k: v for k, v in defaults.items() if k in returned}, zoom=zoom,
        center=center, feature_group=overlay, return_on_hover=False, layer_control=None,
        pixelated=False, css_links=list(pm.css_links), js_links=list(pm.js_links),
        on_change=_on_change, wrap_longitude=False)


# --- The Sites map --------------------------------------------------------------------------------


def build_sites_base(layers: OsmLayers, sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame,
                     color_by: str = "kind") -> folium.Map:
    """Basemap, labels, every site (clickable), and every entrance if there are few."""
    m = maps.base_map(layers.bounds)
    maps.add_basemap_layers(m, layers)
    maps.add_sites(m, sites, color_by=color_by)
    if 0 < len(entrances) <= app_style.MAX_OVERVIEW_ENTRANCES:
        maps.add_points(m, entrances, label_column="entrance_id", color_by="source",
                        name="Entrances", legend=True)
    return maps.finish(m)


@st.cache_resource(show_spinner="Drawing the map (once per area)…", max_entries=6)
def sites_base(source: str, _layers: OsmLayers, _sites: Any, color_by: str = "kind"
               ) -> PreparedMap:
    """The Sites map of an area, rendered once per colouring. Unnamed sites are labelled by
    kind and nearest named place (:mod:`ecoplan.sites.describe`), as in the tables."""
    from ecoplan.sites.describe import describe_unnamed

    frame = _sites.sites
    named = frame.assign(name=describe_unnamed(frame, _layers, getattr(_sites, "crs", None)))
    return prepare(build_sites_base(_layers, named, _sites.entrances, color_by))


def selection_overlay(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame,
                      selected: str | None, focus: Mapping[str, Any] | None = None
                      ) -> folium.FeatureGroup | None:
    """The chosen site's outline and entrances, and a focused gap area, as one group."""
    if selected is None and not focus:
        return None
    group = folium.FeatureGroup(name="Chosen")
    if focus:
        folium.GeoJson(
            {"type": "Feature", "geometry": focus["geometry"], "properties": {}},
            style_function=lambda _f: {"color": "#000000", "weight": 3, "dashArray": "8 6",
                                       "fill": False, "interactive": False},
            tooltip=html.escape(str(focus.get("label") or "Area")),
        ).add_to(group)
    if selected is not None:
        hit = sites[sites["site_id"].astype(str) == str(selected)]
        if len(hit):
            geom = maps.simplified(hit).iloc[0]
            folium.GeoJson(
                {"type": "Feature", "geometry": mapping(geom), "properties": {}},
                style_function=lambda _f: {"color": app_style.SELECTED_COLOR, "fill": False,
                                           "weight": app_style.SITE_LINE_WEIGHT * 2,
                                           "interactive": False},
            ).add_to(group)
        ent = entrances[entrances["site_id"].astype(str) == str(selected)] \
            if len(entrances) else entrances
        if len(ent):  # one GeoJSON layer: hundreds of markers would each render a template
            maps.add_points(group, ent.assign(kind="entrance"), label_column="kind",  # type: ignore[arg-type]
                            color_by="source", name="Entrances of the chosen site")
    return group


def view_of(bounds: Sequence[float], *, width_px: int = 700,
            height_px: int = app_style.MAP_HEIGHT_PX) -> tuple[tuple[float, float], int]:
    """(center (lat, lon), zoom) that shows ``bounds`` (w, s, e, n) in a map of that size.

    Web Mercator: a zoom-z world is 256·2^z px wide; the N–S span is measured in Mercator y.
    """
    w, s, e, n = (float(v) for v in bounds)

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(e - w, 1e-6) / 360.0
    dy = max(merc(n) - merc(s), 1e-6) / (2 * math.pi)
    z = min(math.log2(width_px / 256 / dx), math.log2(height_px / 256 / dy))
    zoom = int(max(min(math.floor(z), app_style.MAP_MAX_ZOOM), 1))
    return ((s + n) / 2, (w + e) / 2), zoom


def around(geom_bounds: Sequence[float]) -> tuple[float, float, float, float]:
    """Bounds with the margin the Sites map keeps around a chosen site."""
    w, s, e, n = (float(v) for v in geom_bounds)
    dx = max((e - w) * app_style.SELECTED_VIEW_MARGIN, app_style.SELECTED_VIEW_MIN_HALF_DEG * 1.5)
    dy = max((n - s) * app_style.SELECTED_VIEW_MARGIN, app_style.SELECTED_VIEW_MIN_HALF_DEG)
    return (w - dx, s - dy, e + dx, n + dy)


def selection_view(sites: gpd.GeoDataFrame, selected: str | None,
                   focus: Mapping[str, Any] | None = None
                   ) -> tuple[tuple[float, float] | None, int | None]:
    """Where the map should look: the chosen site, else the focused area, else unchanged."""
    if selected is not None:
        hit = sites[sites["site_id"].astype(str) == str(selected)]
        if len(hit):
            return view_of(around(hit.to_crs(4326).total_bounds))
    if focus and focus.get("bounds"):
        return view_of(around(focus["bounds"]))
    return None, None


# --- The hook for the Access gaps page --------------------------------------------------------


def focus_area(geometry: BaseGeometry | gpd.GeoSeries | gpd.GeoDataFrame, label: str = "",
               state: MutableMapping[str, Any] | None = None) -> None:
    """Ask the Sites map to outline ``geometry`` (EPSG:4326, or any CRS if a GeoSeries /
    GeoDataFrame) and zoom to it, e.g. the gap area whose "Choose this site" was pressed.
    Then switch to the Sites page. ``label`` is shown as its tooltip (escaped)."""
    if isinstance(geometry, gpd.GeoDataFrame | gpd.GeoSeries):
        geometry = geometry.to_crs(4326).union_all()
    s = st.session_state if state is None else state
    s[FOCUS_KEY] = {"geometry": mapping(geometry), "bounds": tuple(map(float, geometry.bounds)),
                    "label": str(label)}


def current_focus(state: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    s = st.session_state if state is None else state
    f = s.get(FOCUS_KEY)
    return f if isinstance(f, dict) else None


def clear_focus(state: MutableMapping[str, Any] | None = None) -> None:
    (st.session_state if state is None else state).pop(FOCUS_KEY, None)


_OVERLAY_CACHE = "site_map._overlay"


def sites_map(source: str, layers: OsmLayers, built: Any, selected: str | None, *,
              key: str, color_by: str = "kind",
              returned_objects: Sequence[str] = ("last_active_drawing",)) -> dict[str, Any]:
    """Show the Sites map with ``selected`` outlined (and a focused gap area, if any) and
    return the ``st_folium``-style result. The big map is rendered once per area and
    colouring; a new selection sends only its outline and entrances."""
    pm = sites_base(source, layers, built, color_by)
    focus = current_focus()
    if focus and st.button(f"Hide the outline of {ui.md_escape(focus.get('label') or 'the area')}",
                           key=f"{key}_hide_focus", icon=":material/visibility_off:"):
        clear_focus()
        focus = None
    ident = (source, selected, repr(focus))
    cached = st.session_state.get(_OVERLAY_CACHE)
    if not (isinstance(cached, tuple) and cached[0] == ident):
        group = selection_overlay(built.sites, built.entrances, selected, focus)
        cached = (ident, overlay_script(group))
        st.session_state[_OVERLAY_CACHE] = cached
    center, zoom = selection_view(built.sites, selected, focus)
    return show_prepared(pm, key=key, returned_objects=returned_objects, overlay=cached[1],
                         center=center, zoom=zoom)
