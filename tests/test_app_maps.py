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
from ecoplan.errors import AreaError
from ecoplan.settings import app as cfg

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
    assert cfg.ONLINE_TILES_URL in page
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
    assert links and all(u.startswith(cfg.STATIC_URL_PREFIX + "/") for u in links), links
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
        cfg.SITE_COLORS["kind"][k] for k in ("green", "blue", "green+blue")]
    styles = [layer.style_function(f) for f in feats]
    assert styles[1]["color"] == cfg.SELECTED_COLOR and styles[0]["color"] != cfg.SELECTED_COLOR
    by_access = maps.add_sites(maps.base_map(sites.total_bounds), sites, color_by="access")
    assert by_access.data["features"][1]["properties"]["_fill"] == cfg.OKABE_ITO["orange"]


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
    assert json.dumps(cfg.ATTRIBUTION_OSM).replace("<", "\\u003c") in page or (
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
    assert fills[1] == cfg.NO_DATA_COLOR
    assert fills[0] != fills[2] and {fills[0], fills[2]} <= set(cfg.SEQUENTIAL_YLGNBU)
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
