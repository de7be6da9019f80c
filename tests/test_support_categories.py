"""Category rules and duplicate counting on code-built fixtures."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point, box

from ecoplan.osm.layers import OsmLayers, empty_layer, feature_columns, poi_columns
from ecoplan.support.categories import community_category, help_category, support_features
from ecoplan.support.dedupe import dedupe, normalise_name

LON, LAT = -1.29, 50.70
M = 1 / 111_320  # ~1 m of latitude in degrees
CRS = "EPSG:32630"


def _pois(rows):
    df = pd.DataFrame(rows)
    geom = [Point(LON + r.get("dx", 0) * M * 1.58, LAT + r.get("dy", 0) * M) for r in rows]
    df = df.drop(columns=[c for c in ("dx", "dy") if c in df.columns])
    for c in poi_columns():
        if c not in df.columns and c != "geometry":
            df[c] = None
    return gpd.GeoDataFrame(df, geometry=geom, crs="EPSG:4326")


def _layers(pois, features=None):
    e = empty_layer
    return OsmLayers(features if features is not None else e(feature_columns()),
                     e(["u", "v", "osm_id", "length_m", "geometry"]), e(["geometry"]), pois,
                     e(["osm_id", "building", "geometry"]))


def test_category_rules():
    df = pd.DataFrame({
        "amenity": ["social_facility", "social_facility", "hospital", "hospital", "library",
                    None, None, "cafe;library"],
        "social_facility": ["food_bank", "nursing_home", None, None, None, None, None, None],
        "emergency": [None, None, "yes", "no", None, "defibrillator", None, None],
        "tourism": [None] * 6 + ["information", None],
        "name": [None] * 6 + ["", None],
    })
    com = community_category(df)
    hlp = help_category(df)
    assert list(com) == ["community", "", "", "", "libraries", "", "", "libraries"]
    # a hospital is an emergency department only with emergency=yes; others are "hospital"
    assert list(hlp) == ["", "", "emergency_department", "hospital", "", "defibrillator", "",
                         ""]


def test_specialist_and_untagged_hospitals_are_never_an_emergency_department():
    df = pd.DataFrame({
        "amenity": ["hospital"] * 6,
        "emergency": ["yes", "yes", None, "yes", "yes", "yes"],
        "healthcare:speciality": ["psychiatry", None, None, "general;psychiatry",
                                  "oncology;paediatrics", None],
        "name": ["City Psychiatric Unit", "Royal Mental Health Hospital", "Town Hospital",
                 "General Hospital", "Cancer Centre", "County Hospital"],
    })
    assert list(help_category(df)) == ["hospital", "hospital", "hospital",
                                       "emergency_department", "hospital",
                                       "emergency_department"]


def test_specialist_clinics_are_not_urgent_care():
    """Seen in the demo extract: a hypnotherapist and a plastic-surgery clinic listed as
    "urgent care & clinics". Only untagged, general or urgent-care clinics count."""
    df = pd.DataFrame({
        "amenity": ["clinic", "clinic", None, "clinic", None, "clinic"],
        "healthcare": ["yes", None, "clinic", "clinic", "urgent_care", None],
        "healthcare:speciality": ["plastic_surgery", None, "hypnosis; herbalism",
                                  "general;dermatology", "orthopaedics", " Walk_In "],
    })
    assert list(help_category(df)) == ["", "urgent_care", "", "urgent_care", "urgent_care",
                                       "urgent_care"]


def test_missing_columns_are_tolerated():
    # no 'information', 'healthcare' or 'club' columns at all
    df = pd.DataFrame({"amenity": ["pharmacy", "doctors"], "tourism": [None, None]})
    assert list(help_category(df)) == ["pharmacy", "gp"]
    assert list(community_category(df)) == ["", ""]


def test_visitor_centre_needs_office_or_name():
    df = pd.DataFrame({"tourism": ["information"] * 4,
                       "information": ["board", "office", None, None],
                       "name": ["Map", None, "Tourist Information", None]})
    assert list(community_category(df)) == ["", "information", "information", ""]


def test_community_garden_by_operator_and_allotment_polygons():
    pois = _pois([{"osm_type": "node", "osm_id": 1, "leisure": "garden",
                   "operator": "Hilltop Community Growers"},
                  {"osm_type": "node", "osm_id": 2, "leisure": "garden", "name": "Rose Garden"}])
    feats = gpd.GeoDataFrame({"osm_type": ["way"], "osm_id": [9], "landuse": ["allotments"],
                              "name": ["Pan Allotments"]},
                             geometry=[box(LON, LAT, LON + 0.001, LAT + 0.001)], crs="EPSG:4326")
    out = support_features(_layers(pois, feats))
    gardens = out[out["category"] == "gardens"]
    assert sorted(gardens["osm_id"].astype(int)) == [1, 9]
    assert gardens.loc[gardens["osm_id"] == 9, "area"].iloc[0] is not None


def test_node_and_polygon_of_the_same_place_count_once():
    poly = box(LON, LAT, LON + 0.001, LAT + 0.001)
    feats = gpd.GeoDataFrame({"osm_type": ["way", "way"], "osm_id": [9, 10],
                              "landuse": ["allotments", "allotments"],
                              "name": ["Pan Allotments", "Other Allotments"]},
                             geometry=[poly, box(LON + 0.01, LAT, LON + 0.011, LAT + 0.001)],
                             crs="EPSG:4326")
    inside = (LON + 0.0005, LAT + 0.0005)
    pois = _pois([
        # the same allotments as an unnamed node inside the polygon → once
        {"osm_type": "node", "osm_id": 1, "leisure": "garden", "garden:type": "community",
         "dx": (inside[0] - LON) / M / 1.58, "dy": (inside[1] - LAT) / M},
        # the same library as a node and a building 30 m apart, names differ in spelling
        {"osm_type": "node", "osm_id": 2, "amenity": "library", "name": "St. Mary's Library",
         "dx": 200, "dy": 0},
        {"osm_type": "way", "osm_id": 3, "amenity": "library", "name": "Saint Marys library",
         "dx": 200, "dy": 30, "opening_hours": "Mo-Fr 09:00-17:00"},
        # a different library 200 m away with the same name: two places
        {"osm_type": "node", "osm_id": 4, "amenity": "library", "name": "St Mary's Library",
         "dx": 200, "dy": 230},
        # two unnamed phones 20 m apart: two phones
        {"osm_type": "node", "osm_id": 5, "amenity": "telephone", "dx": 400, "dy": 0},
        {"osm_type": "node", "osm_id": 6, "amenity": "telephone", "dx": 400, "dy": 20},
        # a café with the library's name at the same spot: other category, kept
        {"osm_type": "node", "osm_id": 7, "amenity": "cafe", "name": "St Mary's Library",
         "dx": 200, "dy": 5},
    ])
    raw = support_features(_layers(pois, feats))
    out = dedupe(raw, CRS)
    assert len(raw) == 9
    assert len(out) == 7
    gardens = out[out["category"] == "gardens"].sort_values("osm_id")
    assert list(gardens["n_mapped"]) == [2, 1]
    assert gardens["name"].iloc[0] == "Pan Allotments"
    assert set(gardens["osm_refs"].iloc[0].split(";")) == {"w9", "n1"}
    libs = out[out["category"] == "libraries"].sort_values("osm_id")
    assert list(libs["osm_id"].astype(int)) == [3, 4]  # the building is kept
    assert libs["osm_refs"].iloc[0] == "w3;n2"
    assert libs["opening_hours"].iloc[0].startswith("Mo-Fr")
    assert (out["category"] == "phone").sum() == 2
    assert (out["category"] == "cafes").sum() == 1


def test_dedupe_empty():
    raw = support_features(_layers(_pois([{"osm_type": "node", "osm_id": 1}])))
    assert len(dedupe(raw, CRS)) == 0


@given(st.text(max_size=40))
def test_normalise_name_idempotent(s):
    once = normalise_name(s)
    assert normalise_name(once) == once
    assert once == once.strip()


def test_normalise_name_examples():
    assert normalise_name("The St. Thomas' Church") == normalise_name("saint thomas church")
    assert normalise_name("Café & Bar") == "cafe and bar"
    assert normalise_name(None) == ""
