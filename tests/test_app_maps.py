"""Offline folium maps: no CDN links, escaped names, site_id on features, small basemap."""

from __future__ import annotations

import html
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import streamlit_folium
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from ecoplan.app import assets, maps
from ecoplan.app import style as app_style
from ecoplan.errors import AreaError
from ecoplan.settings import app as app_cfg

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def sites():
    return gpd.GeoDataFrame(
        {"site_id": ["w1", "r2", "w3"], "name": [HOSTILE, "\"&'", None],
         "kind": ["green", "blue", "green+blue"], "categories": ["park;wood", "lake", "beach"],
         "area_ha": [3.25, 12.0, np.nan], "access": ["public", "unknown", "permissive"],
         "toilets": [1, 0, 2]},
        geometry=[box(-1.30, 50.70, -1.29, 50.71), box(-1.28, 50.70, -1.27, 50.71),
                  box(-1.26, 50.70, -1.25, 50.71)], crs=4326)


def full_map(sites, *, online_tiles=False) -> folium.Map:
    m = maps.base_map(sites.total_bounds, online_tiles=online_tiles)
    maps.add_sites(m, sites)
    pts = gpd.GeoDataFrame({"source": ["tagged", "crossing"], "entrance_id": ["e1", HOSTILE]},
                           geometry=[Point(-1.30, 50.705), Point(-1.28, 50.705)], crs=4326)
    maps.add_points(m, pts, label_column="entrance_id", color_by="source", legend=True)
    areas = sites.assign(minutes=[5.0, np.nan, 20.0])
    maps.choropleth(m, areas, "minutes", label="Walk minutes", id_column="site_id")
    maps.add_draw(m)
    return maps.finish(m)


def external_refs(page: str) -> list[str]:
    """src/href of <script>/<link> elements that point off the local server."""
    refs = re.findall(r"<(?:script|link)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)", page)
    return [r for r in refs if re.match(r"(?i)(https?:)?//", r)]


def features_of(m: folium.Map, layer_type=folium.GeoJson) -> list[dict]:
    out = []
    for child in m._children.values():
        if isinstance(child, layer_type):
            out.extend(child.data["features"])
    return out


def test_rendered_html_has_no_cdn_links(sites):
    page = full_map(sites).get_root().render()
    assert external_refs(page) == []
    assert "/app/static/vendor/leaflet/leaflet.js" in page
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "tile.openstreetmap"):
        assert cdn not in page


def test_online_tiles_are_an_optional_layer_only(sites):
    page = full_map(sites, online_tiles=True).get_root().render()
    assert external_refs(page) == []  # tiles are fetched by Leaflet, not a <script>/<link>
    assert app_style.ONLINE_TILES_URL in page
    tiles = [c for c in full_map(sites, online_tiles=True)._children.values()
             if isinstance(c, folium.TileLayer)]
    assert len(tiles) == 1 and tiles[0].show is False and tiles[0].overlay is True


def test_folium_class_defaults_untouched(sites):
    full_map(sites)
    assert any("cdn" in url for _, url in folium.Map.default_js)  # we override per instance
    fresh = folium.Map(tiles=None)
    assert fresh.default_js is folium.Map.default_js


def test_streamlit_folium_loads_only_local_files(sites, monkeypatch):
    """What st_folium actually hands its iframe: js_links / css_links / header."""
    captured = {}
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kw: captured.update(kw) or kw.get("default"))
    streamlit_folium.st_folium(full_map(sites), key="t",
                               returned_objects=["last_active_drawing"])
    links = captured["js_links"] + captured["css_links"]
    assert links and all(u.startswith(app_cfg.STATIC_URL_PREFIX + "/") for u in links), links
    assert assets.url("leaflet", "leaflet.js") in captured["js_links"]
    assert "ecoplan-hatch" in captured["html"]  # hatch pattern reaches the iframe
    assert "leaflet-container" in captured["header"]  # our background css too
    assert "OpenStreetMap contributors" in captured["script"]


def test_names_are_escaped(sites):
    m = full_map(sites)
    page = m.get_root().render()
    assert HOSTILE not in page
    assert "alert(1)" in page  # the text is still shown, escaped
    props = {f["properties"]["site_id"]: f["properties"] for f in features_of(m)
             if "site_id" in f["properties"]}
    assert props["w1"]["tooltip"].startswith("&lt;script&gt;alert(1)&lt;/script&gt;")
    assert "&quot;&amp;&#x27;" in props["r2"]["tooltip"]
    assert "&quot;&amp;&#x27;" in props["r2"]["popup"]
    assert props["w3"]["tooltip"].startswith("Unnamed site")


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=0, max_size=40))
def test_any_name_round_trips_through_escaping(name):
    row = {"site_id": "w1", "name": name, "kind": "green", "area_ha": 1.0}
    label = html.escape(maps.site_label(row))
    popup = maps.site_popup_html(row)
    assert "<" not in label and ">" not in label
    assert html.unescape(label).startswith(name or "Unnamed site")
    # the only tags in the popup are ours
    assert set(re.findall(r"</?([a-z]+)", popup)) <= {"b", "br", "small"}


def test_site_features_carry_site_id_and_palette(sites):
    m = maps.base_map(sites.total_bounds)
    layer = maps.add_sites(m, sites, selected="r2")
    feats = layer.data["features"]
    assert [f["properties"]["site_id"] for f in feats] == ["w1", "r2", "w3"]
    assert [f["properties"]["_fill"] for f in feats] == [
        app_style.SITE_COLORS["kind"][k] for k in ("green", "blue", "green+blue")]
    styles = [layer.style_function(f) for f in feats]
    assert styles[1]["color"] == app_style.SELECTED_COLOR and styles[0]["color"] != app_style.SELECTED_COLOR
    by_access = maps.add_sites(maps.base_map(sites.total_bounds), sites, color_by="access")
    assert by_access.data["features"][1]["properties"]["_fill"] == app_style.OKABE_ITO["orange"]


def test_clicked_site_id():
    feat = {"type": "Feature", "properties": {"site_id": "w42", "tooltip": "x"}}
    assert maps.clicked_site_id({"last_active_drawing": feat}) == "w42"
    drawn = {"type": "Feature", "properties": {}, "geometry": None}
    assert maps.clicked_site_id({"last_active_drawing": drawn}) is None
    assert maps.clicked_site_id({"last_active_drawing": None}) is None
    assert maps.clicked_site_id(None) is None


def test_attribution_on_every_map(sites):
    page = maps.base_map(sites.total_bounds).get_root().render()
    assert "attributionControl.addAttribution" in page
    assert json.dumps(app_cfg.ATTRIBUTION_OSM).replace("<", "\\u003c") in page or (
        "OpenStreetMap contributors" in page)


def test_choropleth_no_data_and_classes(sites):
    areas = sites.assign(minutes=[5.0, np.nan, 20.0])
    m = maps.base_map(sites.total_bounds)
    layer = maps.choropleth(m, areas, "minutes", label="Walk minutes", id_column="site_id")
    feats = layer.data["features"]
    nodata = feats[1]["properties"]
    assert nodata["_nodata"] and nodata["value"] is None
    assert "no data" in nodata["tooltip"]
    assert layer.style_function(feats[1])["className"] == "ecoplan-nodata"
    fills = [f["properties"]["_fill"] for f in feats]
    assert fills[1] == app_style.NO_DATA_COLOR
    assert fills[0] != fills[2] and {fills[0], fills[2]} <= set(app_style.SEQUENTIAL_YLGNBU)
    assert "no data" in m.get_root().render()  # legend entry


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.floats(-1e6, 1e6), st.just(float("nan"))), min_size=1,
                max_size=50), st.integers(1, 9))
def test_classify_in_range(values, n):
    s = pd.Series(values)
    edges = maps.class_breaks(s, n)
    cls = maps.classify(s, edges)
    finite = np.isfinite(s.to_numpy())
    assert (cls[~finite] == -1).all()
    if finite.any():
        assert (cls[finite] >= 0).all() and (cls[finite] <= max(len(edges) - 2, 0)).all()
        assert len(edges) - 1 <= n
        order = np.argsort(s[finite].to_numpy(), kind="stable")
        assert (np.diff(cls[finite][order]) >= 0).all()  # larger value, never lower class


def test_bad_bounds_and_clicks():
    with pytest.raises(AreaError):
        maps.base_map((1.0, 2.0, 0.0, 3.0))
    with pytest.raises(AreaError):
        maps.base_map((float("nan"), 0, 1, 1))
    with pytest.raises(AreaError, match="at least three"):
        maps.polygon_from_clicks([{"lat": 50.7, "lng": -1.3}, {"lat": 50.71, "lng": -1.3}])
    with pytest.raises(AreaError):
        maps.polygon_from_clicks([{"lat": 50.7, "lng": -1.3}, {"lat": 50.71, "lng": -1.3},
                                  {"lat": 50.72, "lng": -1.3}])  # collinear
    poly = maps.polygon_from_clicks([{"lat": 50.70, "lng": -1.30}, {"lat": 50.70, "lng": -1.29},
                                     {"lat": 50.71, "lng": -1.29}, {"lat": 50.71, "lng": -1.30}])
    assert poly.is_valid and poly.area > 0


def test_draw_plugin_is_local_or_absent(sites):
    m = maps.base_map(sites.total_bounds)
    added = maps.add_draw(m)
    assert added == assets.draw_available()
    page = m.get_root().render()
    assert external_refs(page) == []
    if added:
        assert assets.url("leaflet-draw", "leaflet.draw.js") in page


def test_iow_basemap_is_small(iow_layers):
    m = maps.base_map(iow_layers.bounds)
    group = maps.add_basemap_layers(m, iow_layers)
    names = {c.layer_name for c in group._children.values()}
    assert {"green", "water", "buildings", "roads", "paths"} <= names
    page = m.get_root().render()
    assert len(page.encode()) < 5_000_000
    assert external_refs(page) == []
    # basemap shapes never take clicks (they would replace the clicked site)
    assert page.count('"interactive": false') >= len(names)


# --- one map style, labels, legends, fitting ----------------------------------------------------


def _layers(features=None, ways=None, pois=None):
    from ecoplan.osm.layers import OsmLayers

    empty = gpd.GeoDataFrame(geometry=[], crs=4326)
    return OsmLayers(features if features is not None else empty,
                     ways if ways is not None else empty, empty,
                     pois if pois is not None else empty, empty)


def test_web_and_print_maps_classify_with_the_same_style():
    from ecoplan import mapstyle
    from ecoplan.routes import printmap

    feats = gpd.GeoDataFrame(
        {"natural": ["beach", None, "wood"], "landuse": [None, "cemetery", None],
         "leisure": [None, None, None]},
        geometry=[box(-1.300, 50.70, -1.298, 50.702), box(-1.296, 50.70, -1.294, 50.702),
                  box(-1.292, 50.70, -1.290, 50.702)], crs=4326)
    assert mapstyle.is_blue(feats).tolist() == [True, False, False]
    assert mapstyle.is_green(feats).tolist() == [False, True, True]
    hw = pd.Series(["residential", "service", "primary", "footway", "pedestrian"])
    assert mapstyle.is_road(hw).tolist() == [True, True, True, False, False]
    assert mapstyle.is_path(hw).tolist() == [False, False, False, True, True]
    # no second copy of the tag lists in either renderer's settings
    from ecoplan.routes import print_style
    from ecoplan.settings import routes as rcfg

    for name in ("BASEMAP_ROADS", "BASEMAP_GREEN", "BASEMAP_WATER", "BASEMAP_PATHS"):
        assert not hasattr(app_cfg, name) and not hasattr(app_style, name), name
    for name in ("ROAD_WIDTH_PT", "GREEN_LEISURE", "BLUE_NATURAL", "PATH_HIGHWAYS"):
        assert not hasattr(rcfg, name) and not hasattr(print_style, name), name
    assert printmap.mapstyle is mapstyle


def test_labels_name_places_and_major_roads_and_are_escaped():
    from shapely.geometry import LineString

    pois = gpd.GeoDataFrame({"place": ["town", "hamlet", None], "name": [HOSTILE, "Ashey", "x"]},
                            geometry=[Point(-1.29, 50.70), Point(-1.28, 50.71),
                                      Point(-1.27, 50.70)], crs=4326)
    ways = gpd.GeoDataFrame(
        {"highway": ["primary", "primary", "residential"],
         "name": ["Ryde Road", "Ryde Road", "Quiet Close"]},
        geometry=[LineString([(-1.30, 50.70), (-1.29, 50.70)]),
                  LineString([(-1.29, 50.70), (-1.28, 50.70)]),
                  LineString([(-1.28, 50.70), (-1.28, 50.71)])], crs=4326)
    rows = maps.label_data(_layers(ways=ways, pois=pois))
    by_text = {r[2]: r for r in rows}
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in by_text and HOSTILE not in by_text
    assert by_text["Ashey"][3] > by_text["&lt;script&gt;alert(1)&lt;/script&gt;"][3]  # zoom
    assert [r[2] for r in rows].count("Ryde Road") == 1  # one label per merged street
    assert "Quiet Close" not in by_text  # minor streets: only when a route uses them
    m = maps.base_map((-1.31, 50.69, -1.26, 50.72))
    maps.add_labels(m, _layers(ways=ways, pois=pois))
    page = m.get_root().render()
    assert HOSTILE not in page and "alert(1)" in page
    assert "ecoplanLabels" in page


def test_iow_map_labels_towns(iow_layers):
    rows = maps.label_data(iow_layers)
    places = {r[2] for r in rows if r[6] == "place"}
    assert {"Newport", "Ryde", "Cowes", "Sandown"} <= places
    roads = [r for r in rows if r[6] == "road"]
    assert 0 < len(roads) <= maps.style.MAX_ROAD_LABELS


def test_legends_fold_away():
    m = maps.base_map((-1.31, 50.69, -1.26, 50.72))
    maps.add_legend(m, "Kind <b>", [("#000000", "green")])
    maps.add_legend(m, "Other", [("#000000", "x")], collapsed=True)
    page = m.get_root().render()
    assert "<details open><summary" in page.replace("\\u003c", "<").replace("\\u003e", ">")
    assert "<details><summary" in page.replace("\\u003c", "<").replace("\\u003e", ">")
    assert "Kind &lt;b&gt;" in page.replace("\\u0026", "&")


def test_map_refits_once_and_keeps_one_fit():
    m = maps.base_map((-1.31, 50.69, -1.26, 50.72))
    maps.fit(m, (-1.30, 50.70, -1.29, 50.71))
    fits = [c for c in m._children.values() if isinstance(c, folium.FitBounds)]
    assert len(fits) == 1 and fits[0].bounds == [[50.70, -1.30], [50.71, -1.29]]
    page = m.get_root().render()
    assert page.count(".observe(map.getContainer())") == 1


# --- the Sites map: rendered once, the selection as an overlay -------------------------------


def test_prepared_map_is_what_st_folium_sends(sites, monkeypatch):
    from ecoplan.app import site_map

    sent = []
    monkeypatch.setattr(streamlit_folium, "_component_func",
                        lambda **kw: sent.append(kw) or kw.get("default"))
    m = full_map(sites)
    streamlit_folium.st_folium(m, key="k", returned_objects=["last_active_drawing"],
                               use_container_width=True)
    pm = site_map.prepare(full_map(sites))
    site_map.show_prepared(pm, key="k", returned_objects=["last_active_drawing"],
                           height=700)
    ref, ours = sent

    def norm(text):  # folium element ids are random per build
        return re.sub(r"_[0-9a-f]{32}", "_ID", text)

    for k in ("script", "header", "html"):
        assert norm(ours[k]) == norm(ref[k]), k
    for k in ("css_links", "js_links", "returned_objects", "default", "height", "width",
              "zoom", "center", "feature_group", "return_on_hover", "layer_control",
              "pixelated", "wrap_longitude"):
        assert ours[k] == ref[k], k
    assert set(ours) == set(ref)


def test_choosing_a_site_sends_only_its_outline_and_entrances(sites):
    from ecoplan.app import site_map

    ents = gpd.GeoDataFrame({"site_id": ["r2", "r2", "w1"], "entrance_id": ["a", "b", "c"],
                             "source": ["tagged", "crossing", "tagged"]},
                            geometry=[Point(-1.28, 50.705), Point(-1.27, 50.705),
                                      Point(-1.30, 50.705)], crs=4326)
    group = site_map.selection_overlay(sites, ents, "r2")
    script = site_map.overlay_script(group)
    assert "-1.28" in script and "-1.27" in script  # r2's outline and entrances
    assert "-1.29" not in script and "-1.3," not in script  # nothing of w1 (or its entrance)
    assert "feature_group_feature_group_0" in script
    assert len(script) < 20_000
    assert site_map.selection_overlay(sites, ents, None) is None
    (lat, lon), zoom = site_map.selection_view(sites, "r2")
    assert 50.70 < lat < 50.71 and -1.28 < lon < -1.27 and zoom >= 14
    assert site_map.selection_view(sites, None) == (None, None)


def test_view_of_fits_bounds():
    from ecoplan.app import site_map

    center, z = site_map.view_of((-1.6, 50.57, -1.07, 50.77), width_px=700, height_px=520)
    assert z == 10  # the Isle of Wight (≈ 37 km wide) in a 700 px map
    assert site_map.view_of((-1.16, 50.73, -1.15, 50.735))[1] > z


def test_a_gap_area_can_be_shown_on_the_sites_map(sites):
    from ecoplan.app import site_map

    state: dict = {}
    area = gpd.GeoDataFrame(geometry=[box(-1.25, 50.70, -1.24, 50.71)], crs=4326)
    site_map.focus_area(area, label="Gap <E01017284>", state=state)
    focus = site_map.current_focus(state)
    assert focus["bounds"] == pytest.approx((-1.25, 50.70, -1.24, 50.71))
    group = site_map.selection_overlay(sites, sites.iloc[:0], None, focus)
    script = site_map.overlay_script(group)
    assert "-1.245" in script or "-1.25" in script
    assert "Gap <E01017284>" not in script and "E01017284" in script
    (lat, lon), zoom = site_map.selection_view(sites, None, focus)
    assert -1.25 < lon < -1.24 and zoom >= 14
    site_map.clear_focus(state)
    assert site_map.current_focus(state) is None


def test_categories_fill_tiers_in_order_and_hatch_unknown(sites):
    areas = sites.assign(tier=["Priority 1", None, "<b>odd</b>"])
    m = maps.base_map(sites.total_bounds)
    colors = {"Priority 1": "#b10026", "Priority 2": "#fd8d3c"}
    layer = maps.categories(m, areas, "tier", label="Priority", colors=colors,
                            id_column="site_id")
    feats = layer.data["features"]
    assert [f["properties"]["_fill"] for f in feats] == ["#b10026", app_style.NO_DATA_COLOR,
                                                          app_style.NO_DATA_COLOR]
    assert [f["properties"]["value"] for f in feats] == ["Priority 1", None, None]
    page = m.get_root().render()
    assert "<b>odd</b>" not in page
    legend = next(c.code for c in m._children.values() if "ecoplan-legend" in
                  getattr(c, "code", ""))
    assert legend.index("Priority 1") < legend.index("Priority 2") < legend.index("no data")


def test_sites_map_tooltips_describe_unnamed_sites(demo_layers):
    """Issue 14 (words): an unnamed site is "Wood near …", not "Unnamed site", on the map as
    in the tables."""
    from ecoplan.app import site_map
    from ecoplan.sites.build import build_sites
    from ecoplan.sites.describe import describe_unnamed

    built = build_sites(demo_layers)
    unnamed = built.sites["name"].isna() | (built.sites["name"].astype(str).str.strip() == "")
    assert unnamed.any(), "the demo has unnamed sites"
    pm = site_map.sites_base("demo-test", demo_layers, built)
    assert "Unnamed site" not in pm.script
    described = describe_unnamed(built.sites, demo_layers)[unnamed]
    assert sum(html.escape(d) in pm.script for d in described.head(20)) >= 1
