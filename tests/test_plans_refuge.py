"""The nearest building to shelter in from lightning, from the OSM data."""

from __future__ import annotations

import geopandas as gpd
from shapely.geometry import Point, box

from ecoplan.osm.layers import OsmLayers, empty_layer, feature_columns, poi_columns
from ecoplan.plans.refuge import nearest_building

LON, LAT = -1.16, 50.73
M = 1 / 111_320  # a metre of latitude in degrees


def _layers(buildings, pois=()):
    b = gpd.GeoDataFrame({"osm_id": list(range(len(buildings))),
                          "building": [k for k, _ in buildings]},
                         geometry=[g for _, g in buildings], crs="EPSG:4326")
    prow = {c: [] for c in poi_columns() if c != "geometry"}
    geoms = []
    for name, amenity, pt in pois:
        for c in prow:
            prow[c].append({"name": name, "amenity": amenity}.get(c))
        geoms.append(pt)
    p = gpd.GeoDataFrame(prow, geometry=geoms, crs="EPSG:4326")
    e = empty_layer
    return OsmLayers(e(feature_columns()), e(["u", "v", "osm_id", "length_m", "geometry"]),
                     e(["geometry"]), p, b)


def _sq(dx_m: float, dy_m: float, size_m: float = 10):
    x, y = LON + dx_m * M * 1.58, LAT + dy_m * M
    return box(x, y, x + size_m * M * 1.58, y + size_m * M)


SITE = box(LON - 50 * M * 1.58, LAT - 50 * M, LON, LAT)  # 50 m square ending at (LON, LAT)


def test_nearest_safe_building_named_from_a_poi():
    layers = _layers([("roof", _sq(5, 5)), ("shed", _sq(10, 10)), ("yes", _sq(100, 0)),
                      ("yes", _sq(400, 0))],
                     pois=[("Harbour Café", "cafe", Point(LON + 105 * M * 1.58, LAT + 5 * M))])
    text = nearest_building(layers, SITE)
    assert text.startswith("Harbour Café (cafe), ")  # the roof and the shed are no refuge
    assert " m from the site (50.73" in text
    d = int(text.split(", ")[1].split(" m")[0])
    assert 95 <= d <= 105


def test_unnamed_and_none_nearby():
    assert nearest_building(_layers([("church", _sq(20, 0))]), SITE).startswith(
        "a building (church), 20 m")
    assert nearest_building(_layers([("yes", _sq(5000, 0))]), SITE) == ""  # beyond 2 km
    assert nearest_building(None, SITE) is None  # not looked up: no map data


def test_a_building_is_named_by_its_own_tags():
    """Ryde: way 133094342 is building=yes, name=Wimpy, amenity=fast_food;shop; the thunder
    advice called it "an unnamed building"."""
    from ecoplan.osm.layers import building_columns, conform

    raw = gpd.GeoDataFrame({"osm_id": [133094342], "building": ["yes"],
                            "tags": ['{"name": "Wimpy", "amenity": "fast_food;shop"}']},
                           geometry=[_sq(-20, -20)], crs="EPSG:4326")
    # the readers keep the name tags on buildings (pyrosm leaves them in a JSON 'tags' column)
    b = conform(raw, building_columns())
    assert (b["name"].iloc[0], b["amenity"].iloc[0]) == ("Wimpy", "fast_food;shop")
    layers = _layers([("yes", _sq(-20, -20))])
    layers = OsmLayers(layers.features, layers.ways, layers.nodes, layers.pois, b)
    assert nearest_building(layers, SITE).startswith("Wimpy (fast food), inside the site")


def test_a_named_building_without_a_kind_tag_is_named_plainly():
    b = gpd.GeoDataFrame({"osm_id": [1], "building": ["yes"], "name": ["Old Chapel"]},
                         geometry=[_sq(20, 0)], crs="EPSG:4326")
    layers = _layers([("yes", _sq(20, 0))])
    layers = OsmLayers(layers.features, layers.ways, layers.nodes, layers.pois, b)
    assert nearest_building(layers, SITE).startswith("Old Chapel, 20 m from the site")
