"""Facilities at each site: toilets, benches, shelters, drinking water, parking (inside or
within 50 m) and bus stops within 400 m of an entrance (``settings.osm``).

Distances here are straight-line: the thresholds are "nearby" rules of thumb, not walk times.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from ecoplan.settings import osm as cfg


def poi_mask(pois: pd.DataFrame, tags) -> pd.Series:
    """True for points matching any (key, value) pair."""
    hit = pd.Series(False, index=pois.index)
    for key, value in tags:
        hit |= pois[key].eq(value)
    return hit


def count_amenities(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame,
                    pois: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add one count column per amenity kind and ``bus_stops_400m`` (all in one CRS)."""
    sites = sites.copy()
    zone = gpd.GeoDataFrame({"site_id": sites.site_id.to_numpy()},
                            geometry=sites.geometry.buffer(cfg.AMENITY_NEAR_M).to_numpy(),
                            crs=sites.crs)
    for column, tags in cfg.AMENITY_KINDS.items():
        sites[column] = _count_within(pois[poi_mask(pois, tags)], zone, sites.site_id)
    stops = pois[poi_mask(pois, cfg.BUS_STOP_TAGS)
                 | (pois["public_transport"].eq("platform") & pois["bus"].eq("yes"))]
    if len(entrances):
        reach = entrances[["site_id", "geometry"]].copy()
        reach["geometry"] = reach.geometry.buffer(cfg.BUS_STOP_NEAR_M)
        reach = reach.dissolve("site_id").reset_index()
        sites["bus_stops_400m"] = _count_within(stops, reach, sites.site_id)
    else:
        sites["bus_stops_400m"] = 0
    return sites


def _count_within(points: gpd.GeoDataFrame, zones: gpd.GeoDataFrame,
                  site_ids: pd.Series) -> pd.Series:
    if len(points) == 0 or len(zones) == 0:
        return pd.Series(0, index=site_ids.index, dtype=int)
    pts = points[["osm_type", "osm_id", "geometry"]]
    hits = gpd.sjoin(pts, zones, predicate="within", how="inner")
    hits = hits.drop_duplicates(["site_id", "osm_type", "osm_id"])
    counts = hits.site_id.value_counts()
    return site_ids.map(counts).fillna(0).astype(int)
