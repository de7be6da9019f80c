"""Tag → category / kind / access rules on features built in code."""

from __future__ import annotations

import geopandas as gpd
import pytest
from layers_factory import feature, rect

from ecoplan.osm import layers as L
from ecoplan.sites.classify import best_access, classify, site_kind


def _classify(**tags):
    gdf = L.conform(gpd.GeoDataFrame([feature(rect(0, 0, 100, 100), 1, **tags)],
                                     geometry="geometry", crs=L.CRS), L.feature_columns())
    return classify(gdf)


@pytest.mark.parametrize(("tags", "category", "kind", "access"), [
    ({"leisure": "park"}, "park", "green", "public"),
    ({"natural": "wood"}, "wood", "green", "unknown"),
    ({"landuse": "forest", "access": "permissive"}, "wood", "green", "permissive"),
    ({"natural": "wood", "access": "private"}, "wood", "green", "restricted"),
    ({"natural": "wood", "access": "private", "foot": "yes"}, "wood", "green", "public"),
    ({"leisure": "golf_course"}, "golf_course", "green", "restricted"),
    ({"landuse": "allotments"}, "allotments", "green", "restricted"),
    ({"leisure": "garden", "garden:type": "residential"}, "garden", "green", "restricted"),
    ({"landuse": "village_green"}, "village_green", "green", "public"),
    ({"natural": "water", "water": "lake"}, "lake", "blue", "unknown"),
    ({"natural": "water", "water": "river"}, "river", "blue", "public"),
    ({"natural": "beach"}, "beach", "blue", "public"),
    ({"natural": "wetland", "wetland": "saltmarsh"}, "saltmarsh", "blue", "unknown"),
    ({"natural": "wetland", "wetland": "reedbed"}, "wetland", "green", "unknown"),
    ({"leisure": "nature_reserve", "natural": "heath"}, "nature_reserve", "green", "public"),
])
def test_rules(tags, category, kind, access):
    out = _classify(**tags)
    assert out.iloc[0][["category", "kind", "access"]].tolist() == [category, kind, access]


@pytest.mark.parametrize("tags", [
    {"natural": "water", "water": "wastewater"},
    {"landuse": "farmland"},
    {"amenity": "school"},
    {"building": "yes"},
])
def test_not_green_or_blue(tags):
    assert len(_classify(**tags)) == 0


def test_site_level_summaries():
    import pandas as pd

    assert best_access(pd.Series(["restricted", "unknown", "permissive"])) == "permissive"
    assert site_kind(pd.Series(["green", "blue"])) == "green+blue"
    assert site_kind(pd.Series(["blue"])) == "blue"
