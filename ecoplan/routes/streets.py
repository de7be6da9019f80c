"""The named streets and paths a route walks along, for labelling maps of the route.

Directions are given by street name, so a leader needs the same names on the map. A route
keeps only its line, so the streets are found again from the OSM ways: a way segment is "on
the route" when its middle lies within ``ON_ROUTE_M`` of the route line (segments crossing
the route touch it at one point only, so their middles are farther away).
"""

from __future__ import annotations

import geopandas as gpd
import shapely
from pyproj import CRS

from ecoplan import mapstyle
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.routes.model import Route

#: A way segment's middle within this distance of the route line is on the route, metres (our
#: choice: route coordinates are the ways' own nodes, so a few metres absorb rounding only).
ON_ROUTE_M = 3.0


def route_streets(route: Route, layers: OsmLayers, crs: CRS | str) -> gpd.GeoDataFrame:
    """Named stretches of the ways the route uses, in ``crs``: name, geometry, length;
    longest first (see :func:`ecoplan.mapstyle.named_lines`). Only the part along the route
    is kept, so a label sits where the walk goes."""
    ways = layers.ways
    empty = gpd.GeoDataFrame({"name": [], "length": []}, geometry=[], crs=crs)
    if not len(ways) or "name" not in ways.columns:
        return empty
    line_ll = route.geometry
    cand = ways.iloc[ways.sindex.query(line_ll.buffer(0.0005), predicate="intersects")]
    cand = cand[text(cand["name"]) != ""]
    if not len(cand):
        return empty
    cand = cand.to_crs(crs)
    line = gpd.GeoSeries([line_ll], crs="EPSG:4326").to_crs(crs).iloc[0]
    mids = shapely.line_interpolate_point(cand.geometry.to_numpy(), 0.5, normalized=True)
    on = shapely.distance(mids, line) <= ON_ROUTE_M
    return mapstyle.named_lines(cand[on])
