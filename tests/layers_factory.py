"""Build small OsmLayers in code for edge cases, with coordinates given in metres.

Points are placed in UTM zone 30N around the Isle of Wight (so ``local_crs`` picks the same
zone) and converted to lon/lat, the CRS every layer uses.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, Point, Polygon

from ecoplan.osm import layers as L

ORIGIN_E, ORIGIN_N = 620_000.0, 5_620_000.0  # UTM 30N, near Newport, Isle of Wight
_to_ll = Transformer.from_crs("EPSG:32630", "EPSG:4326", always_xy=True)


def ll(x: float, y: float) -> tuple[float, float]:
    """Metres east/north of the origin → (lon, lat)."""
    return _to_ll.transform(ORIGIN_E + x, ORIGIN_N + y)


def geom_m(geom):
    """A shapely geometry drawn in metres → the same geometry in lon/lat."""
    def move(xy: np.ndarray) -> np.ndarray:
        lon, lat = _to_ll.transform(ORIGIN_E + xy[:, 0], ORIGIN_N + xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, move)


def rect(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    return Polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


def feature(geom_in_m, osm_id: int, osm_type: str = "way", **tags) -> dict:
    return {"osm_type": osm_type, "osm_id": osm_id, "geometry": geom_m(geom_in_m), **tags}


def make_layers(features=(), paths=(), pois=(), buildings=()) -> L.OsmLayers:
    """``paths``: (node_ids, [(x, y), ...], tags) polylines, split into 2-point segments."""
    feats = L.conform(_gdf(list(features)), L.feature_columns())
    seg_rows, node_pts = [], {}
    for way_id, (node_ids, coords, tags) in enumerate(paths, start=1):
        for (a, pa), (b, pb) in zip(zip(node_ids, coords, strict=True),
                                    list(zip(node_ids, coords, strict=True))[1:], strict=False):
            node_pts[a], node_pts[b] = pa, pb
            line = LineString([ll(*pa), ll(*pb)])
            seg_rows.append({"u": a, "v": b, "osm_id": 1000 + way_id,
                             "length_m": Point(pa).distance(Point(pb)), "geometry": line,
                             **tags})
    ways = L.conform(_gdf(seg_rows), L.way_columns()) if seg_rows else L.empty_layer(
        L.way_columns())
    if seg_rows:
        for col in ("u", "v", "osm_id"):
            ways[col] = ways[col].astype("int64")
    nodes = gpd.GeoDataFrame(
        geometry=[Point(ll(*xy)) for xy in node_pts.values()],
        index=pd.Index(list(node_pts.keys()), name="node_id", dtype="int64"), crs=L.CRS)
    poi_rows = [{"osm_type": p.pop("osm_type", "node"), "osm_id": p.pop("osm_id"),
                 "geometry": Point(ll(*p.pop("xy"))), **p} for p in map(dict, pois)]
    poi_gdf = L.conform(_gdf(poi_rows), L.poi_columns()) if poi_rows else L.empty_layer(
        L.poi_columns())
    bld = L.conform(_gdf(list(buildings)), L.building_columns()) if buildings else (
        L.empty_layer(L.building_columns()))
    return L.OsmLayers(features=feats, ways=ways, nodes=nodes, pois=poi_gdf, buildings=bld,
                       source=L.SourceInfo("test", "fixture"))


def _gdf(rows: list[dict]) -> gpd.GeoDataFrame:
    if not rows:
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=L.CRS), crs=L.CRS)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=L.CRS)
