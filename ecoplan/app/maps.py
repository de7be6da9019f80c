"""folium maps for the app that work with no network: local Leaflet, a basemap drawn from OSM.

Every map starts from :func:`base_map` (no web tiles, Leaflet served by
:mod:`ecoplan.app.assets`, OSM attribution) and layers are added with the ``add_*`` functions.
Names from OSM and other untrusted text are HTML-escaped here, once, before they reach
Leaflet (folium's ``GeoJsonTooltip``/``GeoJsonPopup`` insert property values as raw HTML).

Which site was clicked
----------------------
Each site is a GeoJSON feature whose ``properties`` carry ``site_id``. streamlit-folium's
frontend binds a click handler to every layer; a click on a feature sets
``last_active_drawing`` to that feature's ``toGeoJSON()``. So render with::

    out = st_folium(m, key="sites_map",
                    returned_objects=["last_object_clicked_tooltip", "last_active_drawing"])
    site_id = clicked_site_id(out)

Basemap layers are non-interactive (``interactive: false``) so clicks on them never replace
the clicked site. Drawn shapes (Draw plugin) carry no ``site_id`` and are told apart by
:func:`clicked_site_id` returning None.

Colour legends are plain Leaflet controls, not branca colormaps: streamlit-folium loads d3
from a CDN for any branca colormap on the map.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import Draw
from shapely.geometry import Polygon, mapping

from ecoplan import mapstyle
from ecoplan.app import assets
from ecoplan.app import style as app_style
from ecoplan.errors import AreaError
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import app as app_cfg
from ecoplan.settings import map_style as style

_CSS = """
.leaflet-container { background: %(bg)s; }
.ecoplan-legend { background: #fff; padding: 6px 8px; font: 14px/1.4 sans-serif;
  border-radius: 4px; box-shadow: 0 0 4px rgba(0,0,0,.35); color: #222; }
.ecoplan-legend .title { font-weight: bold; margin-bottom: 2px; cursor: pointer; }
.ecoplan-legend details:not([open]) .title { margin-bottom: 0; }
.ecoplan-legend i { display: inline-block; width: 14px; height: 14px; margin-right: 6px;
  vertical-align: -2px; border: 1px solid #555; }
.ecoplan-legend i.nodata, .leaflet-pane path.ecoplan-nodata { fill: url(#ecoplan-hatch); }
.ecoplan-legend i.nodata { background: repeating-linear-gradient(45deg, %(nd)s 0 3px,
  #737373 3px 5px); }
"""
# SVG hatch pattern for "no data" areas (Leaflet's SVG renderer paths reference it via CSS).
_HATCH = (
    '<svg aria-hidden="true" style="position:absolute;width:0;height:0">'
    '<defs><pattern id="ecoplan-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="%s"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#737373" stroke-width="2"/></pattern></defs>'
    "</svg>"
)


class _Script(folium.MacroElement):
    """A bit of JavaScript run against the parent map (``{map}`` is its variable)."""

    _template = folium.template.Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code.replace('{map}', this._parent.get_name()) }}"
        "{% endmacro %}"
    )

    def __init__(self, code: str):
        super().__init__()
        self._name = "EcoplanScript"
        self.code = code


def _js_json(value: Any) -> str:
    """JSON of lists, strings and numbers (no dicts: braces are escaped) for an inline
    <script>: no '</script>' breakout, no '{map}' placeholder hit."""
    return (json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("{", "\\u007b").replace("}", "\\u007d"))


def _js_str(text: str) -> str:
    """A JS string literal safe inside an inline <script> (no '</script>' breakout)."""
    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e")


# --- Base map -------------------------------------------------------------------------------------


def base_map(bounds: Sequence[float], *, online_tiles: bool = False,
             static_prefix: str | None = None, **map_kwargs: Any) -> folium.Map:
    """An offline map fitted to ``bounds`` = (west, south, east, north), EPSG:4326.

    No web tiles: a plain light background, meant to be covered by
    :func:`add_basemap_layers`. ``online_tiles=True`` adds OSM tiles as an optional layer
    (hidden until switched on in the layer control; call :func:`finish` last).
    ``static_prefix`` is where the app's ``static/`` folder is served (default
    ``/app/static``).
    """
    w, s, e, n = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (w, s, e, n)) or w > e or s > n:
        raise AreaError(f"Cannot draw a map for bounds {tuple(bounds)}: choose a valid area.")
    map_kwargs.setdefault("zoom_snap", style.ZOOM_SNAP)
    m = folium.Map(location=[(s + n) / 2, (w + e) / 2], tiles=None, zoom_start=13,
                   control_scale=True, max_zoom=app_style.MAP_MAX_ZOOM, **map_kwargs)
    # Instance attributes (new lists): folium's add_js_link would mutate the class lists.
    m.default_js = assets.map_js(static_prefix)
    m.default_css = assets.map_css(static_prefix)
    root: Any = m.get_root()  # a branca Figure: has header and html
    root.header.add_child(
        folium.Element("<style>" + _CSS % {"bg": app_style.MAP_BACKGROUND,
                                           "nd": app_style.NO_DATA_COLOR}
                       + "</style>"), name="ecoplan_css")
    root.html.add_child(folium.Element(_HATCH % app_style.NO_DATA_COLOR), name="ecoplan_hatch")
    m.add_child(_Script(f"{{map}}.attributionControl.addAttribution("
                        f"{_js_str(app_cfg.ATTRIBUTION_OSM)});"), name="ecoplan_attribution")
    if online_tiles:
        folium.TileLayer(tiles=app_style.ONLINE_TILES_URL, attr=app_style.ONLINE_TILES_ATTRIBUTION,
                         name=app_style.ONLINE_TILES_NAME, overlay=True, show=False,
                         max_zoom=app_style.MAP_MAX_ZOOM).add_to(m)
    fit(m, (w, s, e, n))
    return m


def fit(m: folium.Map, bounds: Sequence[float], padding_px: int = 10) -> None:
    """Open the map on ``bounds`` (w, s, e, n), replacing any earlier fit.

    Leaflet fits once, at creation, when streamlit-folium's frame may not have its final
    width yet (the map then opens cropped or zoomed out); so the fit is repeated whenever the
    map's box changes size, until the user (or the page, e.g. zooming to a chosen site)
    moves the view.
    """
    w, s, e, n = (float(v) for v in bounds)
    for name in [k for k, v in m._children.items()
                 if isinstance(v, folium.FitBounds) or k == "ecoplan_fit"]:
        del m._children[name]
    m.fit_bounds([[s, w], [n, e]], padding=(padding_px, padding_px))
    b = _js_json([[s, w], [n, e]])
    m.add_child(_Script(
        "(function(){var map={map};var b=" + b + ";var moved=false,ours=false;"
        "['mousedown','touchstart','wheel','keydown'].forEach(function(ev){"
        "map.getContainer().addEventListener(ev,function(){moved=true;},{once:true});});"
        # any other view change (the page zooming to a chosen site) also ends refitting
        "map.on('movestart',function(){if(!ours)moved=true;});"
        "if(window.ResizeObserver){new ResizeObserver(function(){if(moved)return;"
        "ours=true;map.invalidateSize();map.fitBounds(b,{padding:[" + str(padding_px) + ","
        + str(padding_px) + "],animate:false});ours=false;}).observe(map.getContainer());}"
        "})();"),
        name="ecoplan_fit")


def finish(m: folium.Map) -> folium.Map:
    """Add the layer control (after all layers, as Leaflet needs)."""
    folium.LayerControl(collapsed=True).add_to(m)
    return m


# --- Geometry → compact GeoJSON -------------------------------------------------------------------


def _simplify(gdf: gpd.GeoDataFrame, tolerance_m: float = app_style.SIMPLIFY_M) -> gpd.GeoSeries:
    """Simplify in metres (local UTM) and round coordinates; returns EPSG:4326 geometries."""
    geom = gdf.geometry
    if geom.crs is None:
        geom = geom.set_crs(4326)
    geom = geom.to_crs(4326)
    if len(geom) and tolerance_m > 0:
        geom = geom.to_crs(utm_crs(geom)).simplify(tolerance_m, preserve_topology=True).to_crs(4326)
    dec = app_style.COORD_DECIMALS
    rounded = shapely.transform(geom.values, lambda c: np.round(c, dec))
    return gpd.GeoSeries(rounded, index=gdf.index, crs=4326)


def utm_crs(geom: gpd.GeoSeries) -> str:
    """The WGS 84 UTM zone of the geometries' centre, computed (``estimate_utm_crs`` queries
    the PROJ database: ≈ 0.3 s a call, too slow for a click). Metres for simplifying only."""
    w, s, e, n = geom.to_crs(4326).total_bounds
    lon, lat = (w + e) / 2, (s + n) / 2
    zone = min(max(int((lon + 180) // 6) + 1, 1), 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def simplified(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Geometries as drawn on the web maps (simplified to ``SIMPLIFY_M``, EPSG:4326)."""
    return _simplify(gdf)


def _clean(v: Any) -> Any:
    """JSON-safe scalar (numpy → Python, NaN/NA → None)."""
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _collection(geoms: Iterable, props: Iterable[dict], ids: Iterable[str]) -> dict:
    feats = []
    for g, p, i in zip(geoms, props, ids, strict=True):
        if g is None or g.is_empty:
            continue
        feats.append({"type": "Feature", "id": str(i), "geometry": mapping(g),
                      "properties": {k: _clean(v) for k, v in p.items()}})
    return {"type": "FeatureCollection", "features": feats}


def _esc(v: Any) -> str:
    v = _clean(v)
    return "" if v is None else html.escape(str(v), quote=True)


# --- Basemap from OSM layers ----------------------------------------------------------------------


def _merged(geoms: gpd.GeoSeries, *, polygons: bool, limit: int | None = None) -> list:
    """One multi-geometry per class keeps the GeoJSON small (no per-feature overhead)."""
    if not len(geoms):
        return []
    gdf = gpd.GeoDataFrame(geometry=geoms)
    if polygons:
        gdf = gdf[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
        if not len(gdf):
            return []
        area = gdf.to_crs(utm_crs(gdf.geometry)).area
        gdf = gdf[area >= app_style.MIN_BASEMAP_AREA_M2]
        if limit is not None and len(gdf) > limit:
            gdf = gdf.loc[area[gdf.index].sort_values(ascending=False).index[:limit]]
    else:
        gdf = gdf[gdf.geom_type.isin(["LineString", "MultiLineString"])]
        if len(gdf):
            # Join the 2-point way segments into long lines first so simplifying can drop
            # vertices and shared nodes are not written twice.
            lines = shapely.get_parts(gdf.geometry.values)
            merged = shapely.get_parts(shapely.line_merge(shapely.multilinestrings(lines)))
            gdf = gpd.GeoDataFrame(geometry=gpd.GeoSeries(merged, crs=gdf.crs))
    if not len(gdf):
        return []
    simple = _simplify(gdf)
    parts = shapely.get_parts(simple.values)
    parts = parts[~shapely.is_empty(parts)]
    if polygons:
        parts = parts[shapely.get_type_id(parts) == 3]
        return [shapely.multipolygons(parts)] if len(parts) else []
    parts = parts[shapely.get_type_id(parts) == 1]
    return [shapely.multilinestrings(parts)] if len(parts) else []


def _static_layer(geoms: list, style: Mapping[str, object], name: str) -> folium.GeoJson:
    data = _collection(geoms, [{} for _ in geoms], [f"{name}-{i}" for i in range(len(geoms))])
    st = {**style, "interactive": False}
    return folium.GeoJson(data, name=name, style_function=lambda _f, st=st: st,
                          control=False, smooth_factor=1.0)


def _basemap_styles() -> dict[str, dict[str, object]]:
    """Leaflet path options per basemap class, from the one map style (shared with the PDF)."""
    c = style.STYLE.colours
    return {
        "green": {"color": c["green_edge"], "fillColor": c["green"], "weight": 0.5,
                  "fillOpacity": 1.0},
        "water": {"color": c["blue_edge"], "fillColor": c["blue"], "weight": 0.5,
                  "fillOpacity": 1.0},
        "waterways": {"color": c["water_line"], "weight": style.WEB_WATERWAY_PX, "opacity": 1.0},
        "buildings": {"color": c["building_edge"], "fillColor": c["building"], "weight": 0.5,
                      "fillOpacity": 1.0},
        "roads": {"color": c["road"], "weight": style.WEB_ROAD_PX, "opacity": 1.0},
        "major_roads": {"color": c["road"], "weight": style.WEB_MAJOR_ROAD_PX, "opacity": 1.0},
        "paths": {"color": c["path"], "weight": style.WEB_PATH_PX, "opacity": 0.9,
                  "dashArray": style.WEB_PATH_DASH},
    }


def add_basemap_layers(m: folium.Map, layers: OsmLayers, *, labels: bool = True
                       ) -> folium.FeatureGroup:
    """Draw a light, non-clickable basemap from OSM layers: water, green, buildings, roads,
    paths, and (``labels``) place and major-road names — classes from the one map style.

    Each class becomes one simplified multi-geometry; at most ``MAX_BUILDINGS`` buildings
    (largest first) are drawn so the page stays small.
    """
    group = folium.FeatureGroup(name="Basemap (OpenStreetMap)", control=True)
    f = layers.features
    polys = f[f.geom_type.isin(["Polygon", "MultiPolygon"])] if len(f) else f
    lines = f[f.geom_type.isin(["LineString", "MultiLineString"])] if len(f) else f
    order: list[tuple[str, list]] = []
    if len(polys):
        order.append(("green", _merged(polys[mapstyle.is_green(polys)].geometry, polygons=True)))
        order.append(("water", _merged(polys[mapstyle.is_blue(polys)].geometry, polygons=True)))
    if len(lines):
        order.append(("waterways", _merged(lines[mapstyle.is_waterway_line(lines)].geometry,
                                           polygons=False)))
    if len(layers.buildings):
        order.append(("buildings", _merged(layers.buildings.geometry, polygons=True,
                                           limit=app_style.MAX_BUILDINGS)))
    w = layers.ways
    if len(w) and "highway" in w.columns:
        road = mapstyle.is_road(w["highway"])
        major = mapstyle.is_major_road(w["highway"])
        order.append(("roads", _merged(w[road & ~major].geometry, polygons=False)))
        order.append(("major_roads", _merged(w[major].geometry, polygons=False)))
        order.append(("paths", _merged(w[mapstyle.is_path(w["highway"])].geometry,
                                       polygons=False)))
    styles = _basemap_styles()
    for name, geoms in order:
        if geoms:
            _static_layer(geoms, styles[name], name).add_to(group)
    group.add_to(m)
    if labels:
        add_labels(m, layers)
    return group


# --- Labels (offline, from OSM names) -------------------------------------------------------------

_LABEL_CSS = """
.ecoplan-label { background: none; border: none; }
.ecoplan-label span { position: absolute; transform: translate(-50%%, -50%%) rotate(var(--a));
  white-space: nowrap; font: %(px)spx/1.1 sans-serif; color: %(fg)s; pointer-events: none;
  text-shadow: -1px -1px 0 %(halo)s, 1px -1px 0 %(halo)s, -1px 1px 0 %(halo)s,
  1px 1px 0 %(halo)s, 0 0 3px %(halo)s; }
.ecoplan-label.place span { font-weight: bold; }
.ecoplan-label.route span { font-weight: bold; color: #000; }
"""


def label_data(layers: OsmLayers, *, places: bool = True,
               road_limit: int | None = style.MAX_ROAD_LABELS,
               streets: gpd.GeoDataFrame | None = None, street_min_zoom: int | None = None
               ) -> list[list]:
    """Compact label rows ``[lat, lon, text, min_zoom, px, angle, kind]`` (text escaped).

    Place names at their zoom (``PLACE_LABELS``), names of the major roads (longest first,
    at most ``road_limit``) from ``ROAD_LABEL_MIN_ZOOM``, and ``streets`` (named ways, e.g.
    the streets a route uses) from ``street_min_zoom`` (default: always).
    """
    rows: list[list] = []
    if places:
        for r in mapstyle.place_labels(layers).itertuples(index=False):
            zoom, px = style.PLACE_LABELS[r.place]
            rows.append([round(float(r.lat), 5), round(float(r.lon), 5), html.escape(r.name),
                         zoom, px, 0, "place"])
    w = layers.ways
    if road_limit and len(w) and {"highway", "name"} <= set(w.columns):
        major = w[mapstyle.is_major_road(w["highway"])]
        rows += _street_rows(major.to_crs(utm_crs(major.geometry)) if len(major) else major,
                             road_limit, style.ROAD_LABEL_MIN_ZOOM)
    if streets is not None and len(streets):
        rows += _street_rows(streets.to_crs(utm_crs(streets.geometry)), None,
                             street_min_zoom or 0, kind="road route")
    return rows


def _street_rows(ways: gpd.GeoDataFrame, limit: int | None, min_zoom: int,
                 kind: str = "road") -> list[list]:
    if not len(ways):
        return []
    lines = mapstyle.named_lines(ways, limit=limit)
    lines = lines[lines["length"] > 0]
    if not len(lines):
        return []
    to_ll = lines.to_crs(4326)
    out = []
    for name, geom in zip(to_ll["name"], to_ll.geometry, strict=True):
        x, y, ang = mapstyle.label_anchor(geom)
        # Angle on screen: Web Mercator stretches N–S by 1/cos(lat); CSS rotates clockwise.
        k = 1 / math.cos(math.radians(y))
        a = math.degrees(math.atan2(math.tan(math.radians(ang)) * k, 1))
        out.append([round(y, 5), round(x, 5), html.escape(name), min_zoom, style.ROAD_LABEL_PX,
                    round(-a, 1), kind])
    return out


def add_labels(m: folium.Map, layers: OsmLayers, *, name: str = "ecoplan_labels",
               **kwargs: Any) -> None:
    """Name labels drawn by Leaflet (DivIcon markers in their own pane, shown by zoom);
    ``kwargs`` go to :func:`label_data`. ``name`` tells apart several label sets on a map."""
    rows = label_data(layers, **kwargs)
    if not rows:
        return
    c = style.STYLE.colours
    root: Any = m.get_root()  # a Figure: it has a header
    root.header.add_child(folium.Element(
        "<style>" + _LABEL_CSS % {"px": style.ROAD_LABEL_PX, "fg": c["label"],
                                  "halo": c["label_halo"]} + "</style>"),
        name="ecoplan_label_css")
    m.add_child(_Script(
        "(function(){var map={map};var rows=" + _js_json(rows) + ";"
        "if(!map.getPane('ecoplanLabels')){var p=map.createPane('ecoplanLabels');"
        "p.style.zIndex=450;p.style.pointerEvents='none';}"
        "var ms=rows.map(function(r){var s=document.createElement('span');"
        "s.innerHTML=r[2];s.style.setProperty('--a',r[5]+'deg');s.style.fontSize=r[4]+'px';"
        "return [r[3],L.marker([r[0],r[1]],{pane:'ecoplanLabels',interactive:false,"
        "keyboard:false,icon:L.divIcon({className:'ecoplan-label '+r[6],html:s.outerHTML,"
        "iconSize:[0,0]})})];});"
        "function upd(){var z=map.getZoom();ms.forEach(function(x){var on=z>=x[0];"
        "if(on&&!map.hasLayer(x[1]))x[1].addTo(map);else if(!on&&map.hasLayer(x[1]))"
        "map.removeLayer(x[1]);});}map.on('zoomend',upd);map.whenReady(upd);})();"),
        name=name)


# --- Sites, points, areas -------------------------------------------------------------------------


def category_colors(values: pd.Series, by: str) -> dict[str, str]:
    """Colour per distinct value: the configured palette for ``by``, else Okabe–Ito in turn."""
    fixed = app_style.SITE_COLORS.get(by, {})
    out: dict[str, str] = {}
    cycle = iter(app_style.CATEGORY_CYCLE)
    for v in pd.unique(values.astype(str)):
        out[v] = fixed.get(v) or next(cycle, app_style.FALLBACK_COLOR)
    return out


def site_label(row: Mapping[str, Any]) -> str:
    """Plain-text one-line label: name (or 'Unnamed site'), kind, area."""
    name = _clean(row.get("name")) or "Unnamed site"
    parts = [str(name)]
    if _clean(row.get("kind")):
        parts.append(str(row["kind"]))
    area = _clean(row.get("area_ha"))
    if isinstance(area, int | float):
        parts.append(f"{area:,.1f} ha")
    return " · ".join(parts)


_FACILITIES = ("n_entrances", "toilets", "benches", "shelters", "drinking_water", "parking",
               "bus_stops_400m")


def site_popup_html(row: Mapping[str, Any]) -> str:
    """Popup HTML for a site; every value escaped."""
    lines = [f"<b>{html.escape(site_label(row))}</b>"]
    for key in ("categories", "access"):
        if _clean(row.get(key)):
            lines.append(f"{key.capitalize()}: {_esc(row[key]).replace(';', ', ')}")
    facts = [f"{k.replace('_', ' ')}: {_esc(row[k])}" for k in _FACILITIES
             if _clean(row.get(k)) is not None]
    if facts:
        lines.append("; ".join(facts))
    lines.append(f"<small>id {_esc(row.get('site_id'))}</small>")
    return "<br>".join(lines)


def add_sites(m: folium.Map, sites: gpd.GeoDataFrame, *, color_by: str = "kind",
              name: str = "Green and blue sites", selected: str | None = None,
              legend: bool = True) -> folium.GeoJson:
    """Site polygons coloured by ``color_by``; tooltip = escaped label, popup = details.

    Feature ``properties`` hold ``site_id`` (see module docstring for reading clicks back).
    ``selected`` (a site_id) gets a thick black outline.
    """
    if "site_id" not in sites.columns:
        raise ValueError("sites need a site_id column")
    colors = category_colors(sites[color_by], color_by) if color_by in sites.columns else {}
    geoms = _simplify(sites)
    props = []
    for _, row in sites.iterrows():
        sid = str(row["site_id"])
        fill = colors.get(str(row.get(color_by)), app_style.FALLBACK_COLOR)
        props.append({"site_id": sid, "tooltip": html.escape(site_label(row)),
                      "popup": site_popup_html(row), "_fill": fill,
                      "_selected": selected is not None and sid == str(selected)})
    data = _collection(geoms.values, props, [str(p["site_id"]) for p in props])

    def style(feature: dict) -> dict:
        p = feature["properties"]
        sel = p["_selected"]
        return {"color": app_style.SELECTED_COLOR if sel else p["_fill"], "fillColor": p["_fill"],
                "weight": app_style.SITE_LINE_WEIGHT * (2 if sel else 1),
                "fillOpacity": app_style.SITE_FILL_OPACITY}

    layer = folium.GeoJson(
        data, name=name, style_function=style,
        highlight_function=lambda _f: {"weight": app_style.SITE_LINE_WEIGHT * 2},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
        popup=folium.GeoJsonPopup(fields=["popup"], labels=False, max_width=320),
    )
    layer.add_to(m)
    if legend and colors:
        add_legend(m, color_by.replace("_", " ").capitalize(),
                   [(c, v) for v, c in colors.items()])
    return layer


def add_points(m: folium.Map, points: gpd.GeoDataFrame, *, label_column: str | None = None,
               color_by: str | None = None, name: str = "Points",
               palette: Mapping[str, str] | None = None, radius: float = app_style.POINT_RADIUS_PX,
               id_column: str | None = None, legend: bool = False) -> folium.GeoJson:
    """Small circles for entrances or amenities, with escaped tooltips.

    ``color_by`` picks the colour per value (``palette`` or app.style.POINT_COLORS).
    """
    pts = points[points.geom_type == "Point"] if len(points) else points
    palette = dict(palette or app_style.POINT_COLORS)
    colors: dict[str, str] = {}
    if color_by and color_by in pts.columns:
        cyc = iter(app_style.CATEGORY_CYCLE)
        for v in pd.unique(pts[color_by].astype(str)):
            colors[v] = palette.get(v) or next(cyc, app_style.FALLBACK_COLOR)
    geoms = _simplify(pts, 0)
    props = []
    ids = []
    for i, (idx, row) in enumerate(pts.iterrows()):
        label = _clean(row.get(label_column)) if label_column else None
        cat = str(row.get(color_by)) if color_by else None
        text = " · ".join(str(x) for x in (label, cat) if x not in (None, "None")) or name
        pid = str(row[id_column]) if id_column else f"{idx}"
        ids.append(f"{name}-{i}")
        props.append({"id": pid, "tooltip": html.escape(text),
                      "_fill": colors.get(cat or "", app_style.OKABE_ITO["black"])})
    data = _collection(geoms.values, props, ids)
    layer = folium.GeoJson(
        data, name=name,
        marker=folium.CircleMarker(radius=radius, fill=True),
        style_function=lambda f: {"color": "#ffffff", "weight": 1, "fill": True,
                                  "fillColor": f["properties"]["_fill"], "fillOpacity": 1.0},
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False),
    )
    layer.add_to(m)
    if legend and colors:
        add_legend(m, name, [(c, v.replace("_", " ")) for v, c in colors.items()])
    return layer


def class_breaks(values: pd.Series, n_classes: int) -> list[float]:
    """Quantile class edges (ascending, unique) over the finite values; [] if none.

    Never more classes than distinct values, so two values give two classes, not seven.
    """
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return []
    n_classes = max(1, min(n_classes, len(np.unique(v))))
    edges = np.unique(np.quantile(v, np.linspace(0, 1, n_classes + 1)))
    if len(edges) == 1:
        return [float(edges[0]), float(edges[0])]
    return [float(x) for x in edges]


def classify(values: pd.Series, edges: Sequence[float]) -> np.ndarray:
    """Class index per value (0…len(edges)-2), -1 for missing / non-finite."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(v), -1, dtype=int)
    if len(edges) < 2:
        return out
    ok = np.isfinite(v)
    idx = np.searchsorted(np.asarray(edges[1:-1]), v[ok], side="right")
    out[ok] = np.clip(idx, 0, len(edges) - 2)
    return out


def _area_style(feature: dict) -> dict:
    """Fill of one area feature: its class colour, a thick black border where ``_outline``
    is set (deprived areas), the grey hatch where ``_nodata`` is."""
    p = feature["properties"]
    outline = bool(p.get("_outline"))
    st: dict[str, object] = {"fillColor": p["_fill"],
                             "fillOpacity": app_style.CHOROPLETH_FILL_OPACITY,
                             "color": "#000000" if outline else "#666666",
                             "weight": 3 if outline else 0.6}
    if p["_nodata"]:
        st["className"] = "ecoplan-nodata"
        st["fillOpacity"] = 0.9
    return st


def _area_layer(m: folium.Map, data: dict, name: str) -> folium.GeoJson:
    """The one way area maps are drawn (measures and categories alike): filled areas with
    an escaped tooltip, added to ``m``."""
    layer = folium.GeoJson(
        data, name=name, style_function=_area_style,
        tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False, sticky=True),
    )
    layer.add_to(m)
    return layer


def choropleth(m: folium.Map, areas: gpd.GeoDataFrame, column: str, *, label: str,
               id_column: str | None = None, palette: Sequence[str] = app_style.SEQUENTIAL_YLGNBU,
               breaks: Sequence[float] | None = None, fmt: str = "{:,.0f}",
               name: str | None = None, outline: Sequence[bool] | None = None,
               legend: bool = True) -> folium.GeoJson:
    """Areas filled by ``column`` (quantile classes unless ``breaks`` given).

    Missing values are hatched grey and labelled "no data" in tooltip and legend.
    ``outline`` (one bool per row) draws a thick black border, e.g. for deprived areas.
    """
    if column not in areas.columns:
        raise ValueError(f"no column {column!r}")
    edges = list(breaks) if breaks is not None else class_breaks(areas[column], len(palette))
    n = max(len(edges) - 1, 1)
    colours = [palette[round(i * (len(palette) - 1) / max(n - 1, 1))] for i in range(n)]
    cls = classify(areas[column], edges)
    geoms = _simplify(areas)
    props, ids = [], []
    outline = list(outline) if outline is not None else [False] * len(areas)
    for i, ((idx, row), c, out) in enumerate(zip(areas.iterrows(), cls, outline, strict=True)):
        area_id = _clean(row.get(id_column)) if id_column else idx
        val = _clean(row[column])
        shown = app_style.NO_DATA_LABEL if c < 0 else fmt.format(val)
        text = f"{area_id}: {label} {shown}" if id_column else f"{label}: {shown}"
        props.append({"area_id": _clean(area_id), "value": val if c >= 0 else None,
                      "tooltip": html.escape(text),
                      "_fill": app_style.NO_DATA_COLOR if c < 0 else colours[int(c)],
                      "_nodata": bool(c < 0), "_outline": bool(out)})
        ids.append(f"area-{i}")
    layer = _area_layer(m, _collection(geoms.values, props, ids), name or label)
    if legend:
        items = [(colours[i], f"{fmt.format(edges[i])} – {fmt.format(edges[i + 1])}")
                 for i in range(n) if len(edges) >= 2]
        if (cls < 0).any():
            items.append(("nodata", app_style.NO_DATA_LABEL))
        add_legend(m, label, items)
    return layer


def categories(m: folium.Map, areas: gpd.GeoDataFrame, column: str, *, label: str,
               colors: Mapping[str, str], id_column: str | None = None,
               name: str | None = None, legend: bool = True,
               collapsed_legend: bool = False) -> folium.GeoJson:
    """Areas filled by a category of ``column`` (e.g. priority tiers), in ``colors``' order.

    ``colors`` maps each category, as text, to its fill, in the order the legend lists them.
    Values not in ``colors`` (and missing ones) are hatched grey as "no data", so a tier the
    caller forgot is visible rather than silently coloured like another. Every value and id
    is escaped; feature properties carry ``area_id`` and ``value`` for reading clicks back.
    """
    if column not in areas.columns:
        raise ValueError(f"no column {column!r}")
    geoms = _simplify(areas)
    props, ids = [], []
    for i, (idx, row) in enumerate(areas.iterrows()):
        area_id = _clean(row.get(id_column)) if id_column else idx
        val = _clean(row[column])
        key = None if val is None else str(val)
        known = key in colors
        shown = key if known else app_style.NO_DATA_LABEL
        text = f"{area_id}: {label} {shown}" if id_column else f"{label}: {shown}"
        props.append({"area_id": _clean(area_id), "value": key if known else None,
                      "tooltip": html.escape(text),
                      "_fill": colors[key] if known else app_style.NO_DATA_COLOR,  # type: ignore[index]
                      "_nodata": not known})
        ids.append(f"cat-{i}")
    layer = _area_layer(m, _collection(geoms.values, props, ids), name or label)
    if legend:
        items = [(c, k) for k, c in colors.items()]
        if any(p["_nodata"] for p in props):
            items.append(("nodata", app_style.NO_DATA_LABEL))
        add_legend(m, label, items, collapsed=collapsed_legend)
    return layer


def add_legend(m: folium.Map, title: str, items: Sequence[tuple[str, str]],
               position: str = "bottomright", *, collapsed: bool = False) -> None:
    """A collapsible Leaflet control listing (colour, label) under its title (a
    ``<details>``: click or press Enter on the title to fold it away so it never hides the
    map); colour 'nodata' draws the hatch swatch."""
    rows = [f'<summary class="title">{html.escape(title)}</summary>']
    for color, text in items:
        if color == "nodata":
            swatch = '<i class="nodata"></i>'
        else:
            swatch = f'<i style="background:{html.escape(color)}"></i>'
        rows.append(f"<div>{swatch}{html.escape(str(text))}</div>")
    body = _js_str(f"<details{'' if collapsed else ' open'}>" + "".join(rows) + "</details>")
    m.add_child(_Script(
        "(function(){var c=L.control({position:" + _js_str(position) + "});"
        "c.onAdd=function(){var d=L.DomUtil.create('div','ecoplan-legend');"
        f"d.innerHTML={body};L.DomEvent.disableClickPropagation(d);"
        "L.DomEvent.disableScrollPropagation(d);return d;};"
        "c.addTo({map});})();"))


# --- Drawing a what-if site -----------------------------------------------------------------------


def add_draw(m: folium.Map, *, static_prefix: str | None = None) -> bool:
    """Add polygon/rectangle drawing if Leaflet.draw can be served offline.

    Returns False (and adds nothing) otherwise; the page should then collect corners with
    map clicks (``returned_objects=["last_clicked"]``) and call :func:`polygon_from_clicks`.
    """
    if not assets.draw_available():
        return False
    draw = Draw(export=False, position="topleft",
                draw_options={"polyline": False, "circle": False, "circlemarker": False,
                              "marker": False, "rectangle": True, "polygon": True},
                edit_options={"edit": False, "remove": True})
    draw.default_js = assets.draw_js(static_prefix)
    draw.default_css = assets.draw_css(static_prefix)
    draw.add_to(m)
    return True


def polygon_from_clicks(points: Sequence[Mapping[str, float]]) -> Polygon:
    """Polygon (EPSG:4326) from clicked points ``[{"lat":…, "lng":…}, …]`` in order."""
    coords = [(float(p["lng"]), float(p["lat"])) for p in points]
    if len(set(coords)) < 3:
        raise AreaError("A site needs at least three corners: click the map at least 3 times.")
    poly = Polygon(coords)
    if not poly.is_valid or poly.area == 0:
        poly = shapely.make_valid(poly)
        polys = [g for g in shapely.get_parts(poly) if g.geom_type == "Polygon"]
        if not polys:
            raise AreaError("Those corners do not enclose an area: click them in order "
                            "around the site.")
        poly = max(polys, key=lambda g: g.area)
    return poly


def clicked_site_id(result: Mapping[str, Any] | None) -> str | None:
    """The ``site_id`` of the feature last clicked, from an ``st_folium`` result, else None."""
    if not result:
        return None
    feat = result.get("last_active_drawing")
    if not isinstance(feat, Mapping):
        return None
    props = feat.get("properties") or {}
    sid = props.get("site_id") if isinstance(props, Mapping) else None
    return str(sid) if sid is not None else None
