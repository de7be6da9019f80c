"""Facilities inside or within 50 m of a site; bus stops within 400 m of an entrance."""

from __future__ import annotations

import geopandas as gpd
from layers_factory import feature, make_layers, rect

from ecoplan.sites.build import build_sites

PARK = feature(rect(0, 0, 100, 100), 1, leisure="park")
PATH = ([1, 2], [(50, -60), (50, 40)], {"highway": "footway"})  # entrance at (50, 0)


def _row(pois):
    s = build_sites(make_layers(features=[PARK], paths=[PATH], pois=pois))
    return s.sites.iloc[0]


def test_inside_and_near_count_but_far_does_not():
    row = _row([
        {"osm_id": 11, "xy": (50, 50), "amenity": "toilets"},
        {"osm_id": 12, "xy": (140, 50), "amenity": "toilets"},  # 40 m outside
        {"osm_id": 13, "xy": (170, 50), "amenity": "toilets"},  # 70 m outside
        {"osm_id": 14, "xy": (20, 20), "amenity": "bench"},
        {"osm_id": 15, "xy": (30, 20), "leisure": "picnic_table"},
        {"osm_id": 16, "xy": (60, 60), "amenity": "shelter"},
        {"osm_id": 17, "xy": (10, 90), "amenity": "drinking_water"},
        {"osm_type": "way", "osm_id": 18, "xy": (-30, 50), "amenity": "parking"},
    ])
    assert (row.toilets, row.benches, row.shelters, row.drinking_water, row.parking) == (
        2, 2, 1, 1, 1)


def test_bus_stops_within_400_m_of_an_entrance():
    row = _row([
        {"osm_id": 21, "xy": (50, -350), "highway": "bus_stop"},  # 350 m from the gate
        {"osm_id": 22, "xy": (50, -450), "highway": "bus_stop"},  # 450 m
        {"osm_id": 23, "xy": (400, 0), "public_transport": "platform", "bus": "yes"},  # 350
        {"osm_id": 24, "xy": (-300, 0), "public_transport": "platform"},  # a tram platform
    ])
    assert row.bus_stops_400m == 2


def test_island_amenity_totals_are_plausible(iow_layers, iow_sites):
    s = iow_sites.sites
    # 70 toilets and 132 benches are mapped on the island; sites can share one near both
    assert 10 <= s.toilets.sum() <= 140
    assert 20 <= s.benches.sum() <= 260
    assert (s[["toilets", "benches", "shelters", "drinking_water", "parking",
               "bus_stops_400m"]] >= 0).all().all()


def test_near_a_corner_counts_within_the_distance_only():
    row = _row([{"osm_id": 21, "xy": (135, 135), "amenity": "toilets"},  # 49.5 m from corner
                {"osm_id": 22, "xy": (136, 136), "amenity": "toilets"}])  # 50.9 m
    assert row.toilets == 1


def test_island_counts_equal_buffering_every_site(iow_layers, iow_sites):
    """Only sites with an amenity near are buffered: the counts are those of buffering all."""
    from ecoplan.settings import osm as osm_cfg
    from ecoplan.sites.amenities import amenities_near, poi_mask

    sites = iow_sites.sites.to_crs(iow_sites.crs)
    pois = iow_layers.pois.to_crs(iow_sites.crs)
    zone = gpd.GeoDataFrame({"site_id": sites.site_id.to_numpy()},
                            geometry=sites.geometry.buffer(osm_cfg.AMENITY_NEAR_M).to_numpy(),
                            crs=sites.crs)
    got = amenities_near(sites, pois)
    for column, tags in osm_cfg.AMENITY_KINDS.items():
        pts = pois[poi_mask(pois, tags)][["osm_type", "osm_id", "geometry"]]
        hits = gpd.sjoin(pts, zone, predicate="within").drop_duplicates(
            ["site_id", "osm_type", "osm_id"])
        want = sites.site_id.map(hits.site_id.value_counts()).fillna(0).astype(int)
        assert got[column].equals(want), column
    assert sum(int(c.sum()) for c in got.values()) > 100
