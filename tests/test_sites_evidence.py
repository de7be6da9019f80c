"""Evidence of public access (issue 19) and the parks class, on small OSM layers built in code."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from layers_factory import feature, geom_m, make_layers, rect
from shapely.geometry import LineString

from ecoplan.osm import layers as L
from ecoplan.sites.build import build_sites
from ecoplan.sites.evidence import describe_access, public_paths

WOOD = dict(natural="wood", name="Hill Wood")
# A road along the south edge, 10 m off: the wood's open edge (an unknown wood is entered
# there in the "including unknown" figures, but that is not confirmed access).
ROAD = ([1, 2], [(-50, -10), (250, -10)], {"highway": "residential"})


def _site(s, **where):
    sites = s.sites
    for k, v in where.items():
        sites = sites[sites[k] == v]
    assert len(sites) == 1, s.sites
    return sites.iloc[0]


def test_woodland_trust_wood_without_access_tag_is_permissive():
    wood = feature(rect(0, 0, 200, 200), 1, operator="The Woodland Trust", **WOOD)
    s = build_sites(make_layers(features=[wood], paths=[ROAD]))
    site = _site(s)
    assert site.access == "permissive"
    assert site.access_evidence == "operator Woodland Trust"
    assert len(s.entrances) and s.entrances.confirmed.all()


@pytest.mark.parametrize(("operator", "level"), [
    ("Forestry Commission", "public"), ("Isle of Wight Council", "public"),
    ("National Trust", "permissive"), ("Hampshire & Isle of Wight Wildlife Trust", "permissive"),
    ("Joe Bloggs Estates", "unknown"),
])
def test_operators(operator, level):
    wood = feature(rect(0, 0, 200, 200), 1, operator=operator, **WOOD)
    assert _site(build_sites(make_layers(features=[wood], paths=[ROAD]))).access == level


def test_operator_does_not_override_access_private():
    wood = feature(rect(0, 0, 200, 200), 1, operator="National Trust", access="private", **WOOD)
    s = build_sites(make_layers(features=[wood], paths=[ROAD]), include_restricted=True)
    site = _site(s)
    assert (site.access, site.access_evidence) == ("restricted", "access=private")


@pytest.mark.parametrize("designation", ["access_land", "common", "country_park"])
def test_open_access_designation_is_public(designation):
    wood = feature(rect(0, 0, 200, 200), 1, designation=designation, **WOOD)
    site = _site(build_sites(make_layers(features=[wood], paths=[ROAD])))
    assert (site.access, site.access_evidence) == ("public", f"designation={designation}")


def test_other_designations_say_nothing_about_access():
    wood = feature(rect(0, 0, 200, 200), 1, designation="area_of_outstanding_natural_beauty",
                   **WOOD)
    assert _site(build_sites(make_layers(features=[wood], paths=[ROAD]))).access == "unknown"


def test_untagged_wood_is_unknown_and_not_confirmed():
    wood = feature(rect(0, 0, 200, 200), 1, **WOOD)
    s = build_sites(make_layers(features=[wood], paths=[ROAD]))
    site = _site(s)
    assert (site.access, site.access_evidence) == ("unknown", "no access tag")
    assert len(s.entrances) and not s.entrances.confirmed.any()


FOOTPATH = ([11, 12, 13], [(100, -60), (100, 100), (100, 260)],
            {"highway": "footway", "designation": "public_footpath"})


@pytest.mark.parametrize("include_restricted", [False, True])
def test_private_wood_crossed_by_a_public_footpath_is_open_along_the_path_only(
        include_restricted):
    """An untagged wood (private land by default in England) and one tagged access=private:
    entrances where the footpath enters are confirmed, the road-side open edge is not."""
    tags = dict(WOOD, access="private") if include_restricted else WOOD
    wood = feature(rect(0, 0, 200, 200), 1, **tags)
    s = build_sites(make_layers(features=[wood], paths=[ROAD, FOOTPATH]),
                    include_restricted=include_restricted)
    site = _site(s)
    assert site.access == ("restricted" if include_restricted else "unknown")
    assert site.access_evidence == "public footpath crosses it: access along the path only"
    e = s.entrances.to_crs(s.crs)
    assert e.confirmed.any() and not e.confirmed.all()
    footpath = geom_m(LineString(FOOTPATH[1]))
    line = gpd.GeoSeries([footpath], crs=L.CRS).to_crs(s.crs).iloc[0]
    near = e.geometry.distance(line)
    # Confirmed where the footpath enters (south and north edges), nowhere else.
    assert (near[e.confirmed] <= 25.0).all()
    assert e.confirmed.sum() >= 2
    assert (near[~e.confirmed] > 0).all()


def test_private_wood_is_still_left_out_by_default_even_with_a_footpath():
    wood = feature(rect(0, 0, 200, 200), 1, access="private", **WOOD)
    park = feature(rect(400, 0, 500, 100), 2, leisure="park")
    s = build_sites(make_layers(features=[wood, park], paths=[ROAD, FOOTPATH]))
    assert set(s.sites.site_id) == {"w2"}


def test_footpath_along_the_edge_does_not_cross():
    wood = feature(rect(0, 0, 200, 200), 1, **WOOD)
    edge_path = ([21, 22], [(-20, 0), (220, 0)],
                 {"highway": "footway", "designation": "public_footpath"})
    s = build_sites(make_layers(features=[wood], paths=[edge_path]))
    assert _site(s).access_evidence == "no access tag"
    assert not s.entrances.confirmed.any()


def test_untagged_lake_with_no_path_beside_it_is_unknown():
    lake = feature(rect(0, 0, 100, 100), 1, natural="water", water="lake")
    far_road = ([1, 2], [(-100, 128), (200, 128)], {"highway": "residential"})  # 28 m away
    s = build_sites(make_layers(features=[lake], paths=[far_road]))
    site = _site(s)
    assert (site.access, site.access_evidence) == ("unknown", "no access tag")
    assert not s.entrances.confirmed.any()


def test_lake_with_a_path_beside_it_is_confirmed_along_the_path():
    lake = feature(rect(0, 0, 100, 100), 1, natural="water", water="lake")
    shore = ([1, 2], [(-50, -8), (150, -8)], {"highway": "footway"})
    s = build_sites(make_layers(features=[lake], paths=[shore]))
    site = _site(s)
    assert site.access == "unknown"
    assert site.access_evidence == "a path runs beside the water: access along the path only"
    confirmed = s.entrances[s.entrances.confirmed]
    assert len(confirmed) and set(confirmed.source) == {"open_edge"}


def test_permissive_gate_opens_an_unknown_site():
    wood = feature(rect(0, 0, 200, 200), 1, **WOOD)
    track = ([1, 2, 3], [(100, -50), (100, 0), (100, 50)], {"highway": "track"})
    gate = {"osm_id": 2, "xy": (100, 0), "barrier": "gate", "access": "permissive"}
    s = build_sites(make_layers(features=[wood], paths=[track], pois=[gate]))
    site = _site(s)
    assert (site.access, site.access_evidence) == ("permissive", "gate with access=permissive")
    assert s.entrances.confirmed.all()


def test_public_paths_rules():
    ways = pd.DataFrame({
        "highway": ["footway", "footway", "path", "bridleway", "residential", "footway"],
        "designation": ["public_footpath", None, None, "permissive_bridleway", None, None],
        "foot": [None, None, "designated", None, None, "yes"],
        "access": [None] * 5 + ["private"], "service": [None] * 6, "prow_ref": [None] * 6,
    })
    assert public_paths(ways).tolist() == [
        "public footpath", "", "path with foot=designated", "permissive bridleway", "",
        "path with foot=yes"]


@pytest.mark.parametrize(("tags", "park"), [
    ({"leisure": "park"}, True), ({"leisure": "pitch", "sport": "soccer"}, True),
    ({"landuse": "village_green"}, True), ({"leisure": "common"}, True),
    ({"landuse": "recreation_ground"}, True), ({"leisure": "garden"}, True),
    ({"natural": "wood"}, False), ({"leisure": "nature_reserve"}, False),
    ({"landuse": "grass"}, False),
])
def test_parks_class(tags, park):
    f = feature(rect(0, 0, 100, 100), 1, **tags)
    assert bool(_site(build_sites(make_layers(features=[f], paths=[ROAD]))).park) is park


def test_hard_courts_are_not_sites():
    court = feature(rect(0, 0, 40, 40), 1, leisure="pitch", sport="tennis", surface="asphalt")
    grass = feature(rect(100, 0, 200, 100), 2, leisure="pitch", sport="football")
    s = build_sites(make_layers(features=[court, grass], paths=[ROAD]))
    assert set(s.sites.site_id) == {"w2"}


# --- the whole Isle of Wight -------------------------------------------------------------------


def test_island_confirmed_entrances_follow_the_evidence(iow_sites):
    s, e = iow_sites.sites, iow_sites.entrances
    access = e["site_id"].map(s.set_index("site_id")["access"])
    evidence = e["site_id"].map(s.set_index("site_id")["access_evidence"])
    assert e["confirmed"].dtype == bool and s["park"].dtype == bool
    assert e.loc[access.isin(["public", "permissive"]), "confirmed"].all()
    on_unknown = e[(access == "unknown") & e["confirmed"]]
    assert len(on_unknown) > 0
    assert (on_unknown["source"] != "near_network").all()
    assert evidence[on_unknown.index].str.endswith("access along the path only").all()
    assert (s["access_evidence"].str.len() > 0).all()


def test_island_rights_of_way_and_water_rules_apply(iow_sites):
    s = iow_sites.sites
    why = s.loc[s["access"] == "unknown", "access_evidence"]
    # 2015 extract: 8,961 public_footpath and 3,863 public_bridleway segments.
    assert why.str.contains("public footpath crosses it").sum() >= 50
    assert why.str.contains("public bridleway crosses it").sum() >= 10
    lead = s["categories"].str.split(";").str[0]
    beside = why.str.startswith("a path runs beside the water")
    assert beside.any() and lead[beside[beside].index].isin(["stream", "lake"]).all()


def test_island_parks_class(iow_sites):
    s = iow_sites.sites
    parks = s[s["park"]]
    assert len(parks) >= 50
    assert (parks["access"] != "restricted").all()
    assert "Litten Park" in set(parks["name"])
    lead = parks["categories"].str.split(";").str[0]
    assert not lead.isin(["wood", "lake", "stream", "coast"]).any()


def test_describe_access_counts_levels_paths_and_parks():
    wood = feature(rect(0, 0, 200, 200), 1, **WOOD)
    park = feature(rect(400, 0, 500, 100), 2, leisure="park")
    s = build_sites(make_layers(features=[wood, park], paths=[ROAD, FOOTPATH]))
    line = describe_access(s.sites, s.entrances)
    n_conf = int(s.entrances.confirmed.sum())
    assert line.startswith("access: 1 public (1 ha), 1 unknown (4 ha); 1 of them open along")
    assert line.endswith(f"{n_conf} of {len(s.entrances)} entrances confirmed; 1 parks")
