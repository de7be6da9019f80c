"""Do the need areas lie where the OSM data is? Areas outside it would count as 'no access'."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
from shapely.geometry import box


def overlap(areas: gpd.GeoDataFrame, layers: Any) -> tuple[int, int]:
    """(areas overlapping the OSM data's extent, all areas). The extent is the bounding box
    of the data read (``OsmLayers.bounds``), the area the extract or query covers."""
    if areas is None or len(areas) == 0:
        return 0, 0
    west, south, east, north = layers.bounds
    extent = box(west, south, east, north)
    geoms = areas.geometry.to_crs(4326) if areas.crs is not None else areas.geometry
    return int(geoms.intersects(extent).sum()), len(areas)
