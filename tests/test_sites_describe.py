"""Unnamed sites get a kind and the nearest named place; entrances the street they are on."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

from ecoplan.sites.describe import describe_unnamed, entrance_labels, kind_word

CRS = "EPSG:32630"  # UTM 30N, metres (the Isle of Wight)


class Layers:
    """The three frames describe_unnamed reads, built in code."""

    def __init__(self, pois, features, ways):
        self.pois, self.features, self.ways = pois, features, ways


def _sites():
    return gpd.GeoDataFrame({
        "site_id": ["w1", "w2-1", "w3"],
        "name": ["Ryde Park", None, ""],
        "kind": ["green", "blue", "green"],
        "categories": ["park", "coast", "wood"],
        "area_ha": [4.0, 1.5, 3.2],
    }, geometry=[box(0, 0, 100, 100), box(500, 0, 600, 50), box(20_000, 0, 20_100, 100)],
        crs=CRS).to_crs(4326)


def _layers(with_place=True):
    pois = gpd.GeoDataFrame({"name": ["Ryde"] if with_place else [],
                             "place": ["town"] if with_place else []},
                            geometry=[Point(900, 0)] if with_place else [], crs=CRS).to_crs(4326)
    feats = gpd.GeoDataFrame({"name": [], "place": []}, geometry=[], crs=4326)
    ways = gpd.GeoDataFrame({"name": ["Military Road", None], "highway": ["primary",
                                                                           "footway"]},
                            geometry=[LineString([(19_900, 150), (20_200, 150)]),
                                      LineString([(20_000, -20), (20_100, -20)])],
                            crs=CRS).to_crs(4326)
    return Layers(pois, feats, ways)


def test_unnamed_sites_by_kind_and_nearest_named_place():
    labels = describe_unnamed(_sites(), _layers(), CRS)
    assert labels.tolist() == ["Ryde Park", "Coast near Ryde", "Wood by Military Road"]


def test_with_nothing_named_nearby_the_kind_and_area():
    sites = _sites()
    layers = _layers(with_place=False)
    layers.ways = layers.ways.iloc[0:0]
    labels = describe_unnamed(sites, layers, CRS)
    # w2-1 is 400 m from a named park: within the 800 m for "near" another site
    assert labels.tolist() == ["Ryde Park", "Coast near Ryde Park", "Wood, 3.2 ha"]


def test_kind_words():
    assert kind_word("recreation_ground;park") == "Recreation ground"
    assert kind_word("", "blue") == "Blue"


def test_entrances_are_named_after_their_street_or_path():
    layers = _layers()
    ents = gpd.GeoDataFrame({"entrance_id": ["w3/e1", "w3/e2", "w3/e3"]},
                            geometry=[Point(20_050, 148), Point(20_050, -18),
                                      Point(20_050, 5_000)], crs=CRS).to_crs(4326)
    assert entrance_labels(ents, layers.ways, CRS).tolist() == [
        "Entrance on Military Road", "Entrance from a footpath", "Entrance"]


def test_no_blank_labels_on_the_island(iow_built):
    layers, built = iow_built
    labels = describe_unnamed(built.sites, layers, built.crs)
    assert (labels.str.strip() != "").all()
    unnamed = built.sites["name"].fillna("").str.strip() == ""
    assert unnamed.sum() > 500  # the 2015 extract: most woods and coast strips are unnamed
    assert labels[unnamed].str.contains(r" (?:near|by) ").mean() > 0.9
    assert not labels[unnamed].str.contains(r"^[wr]\d").any()  # never an id


@pytest.fixture(scope="module")
def iow_built():
    from ecoplan.osm.load import load_layers
    from ecoplan.settings.paths import shared_data_dir
    from ecoplan.sites.build import build_sites

    path = shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    layers = load_layers(path)
    return layers, build_sites(layers)


def test_series_index_is_kept():
    sites = _sites()
    sites.index = pd.Index([10, 20, 30])
    assert describe_unnamed(sites, _layers(), CRS).index.tolist() == [10, 20, 30]
