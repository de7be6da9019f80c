"""Small hand-made networks as :class:`OsmLayers`, for tests of anything built on the graph.

Why: edge cases (parallel ways, a disconnected hamlet, a stile) are clearer on a six-node
network laid out in metres than hunted for in a real extract. Coordinates are given in metres
east/north of an origin and converted to EPSG:4326 through the origin's UTM zone, so the
graph (which projects back to that zone) sees exactly the metres written in the test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from ecoplan.network.graph import utm_crs_at
from ecoplan.osm import layers as L

#: Default origin: Newport, Isle of Wight (lon, lat).
ORIGIN = (-1.2925, 50.7010)


def to_lonlat(xy_m: np.ndarray, origin: tuple[float, float] = ORIGIN) -> np.ndarray:
    """Local metres (east, north of ``origin``) → (lon, lat)."""
    crs = utm_crs(origin)
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    inv = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    ox, oy = fwd.transform(*origin)
    xy_m = np.asarray(xy_m, dtype=float).reshape(-1, 2)
    lon, lat = inv.transform(xy_m[:, 0] + ox, xy_m[:, 1] + oy)
    return np.column_stack([lon, lat])


def utm_crs(origin: tuple[float, float] = ORIGIN) -> str:
    return utm_crs_at(round(origin[0], 2), round(origin[1], 2))


def points(xy_m: Iterable[tuple[float, float]], origin: tuple[float, float] = ORIGIN,
           index: Iterable | None = None) -> gpd.GeoSeries:
    """Local-metre points as an EPSG:4326 GeoSeries."""
    ll = to_lonlat(np.asarray(list(xy_m), dtype=float), origin)
    return gpd.GeoSeries(shapely.points(ll), crs="EPSG:4326", index=index)


def layers_from_segments(coords_m: Mapping[int, tuple[float, float]],
                         segments: Iterable[tuple[int, int] | tuple[int, int, dict]], *,
                         barriers: Mapping[int, str] | None = None,
                         origin: tuple[float, float] = ORIGIN) -> L.OsmLayers:
    """OsmLayers holding only ``ways`` (+ nodes, barrier pois) from node coordinates in metres.

    ``segments`` are ``(u, v)`` or ``(u, v, tags)``; tags default to ``highway=footway``.
    A ``via`` entry in tags (list of (x, y) metres) bends the segment's geometry through
    those points, e.g. to make a longer parallel way between the same two nodes.
    Each segment gets its own way id (1000 + position) unless tags give ``osm_id``.
    ``barriers`` maps node id → barrier value (e.g. ``{3: "stile"}``).
    """
    ids = np.fromiter(coords_m.keys(), dtype=np.int64)
    ll = to_lonlat(np.array([coords_m[i] for i in ids]), origin)
    where = dict(zip(ids.tolist(), ll.tolist(), strict=True))
    rows = []
    for pos, seg in enumerate(segments):
        u, v = int(seg[0]), int(seg[1])
        tags = {"highway": "footway", **(seg[2] if len(seg) > 2 else {})}
        row = {c: None for c in L.way_columns()}
        row.update(u=u, v=v, osm_id=tags.pop("osm_id", 1000 + pos))
        via = to_lonlat(np.asarray(tags.pop("via"), dtype=float), origin).tolist() if (
            "via" in tags) else []
        row.update(tags)
        row["geometry"] = shapely.LineString([where[u], *via, where[v]])
        rows.append(row)
    ways = gpd.GeoDataFrame(pd.DataFrame(rows, columns=L.way_columns()), geometry="geometry",
                            crs=L.CRS)
    ways["u"] = ways["u"].astype("int64")
    ways["v"] = ways["v"].astype("int64")
    ways["length_m"] = ways.to_crs(utm_crs(origin)).length.to_numpy()
    nodes = gpd.GeoDataFrame({"node_id": ids}, geometry=shapely.points(ll), crs=L.CRS)
    nodes = nodes.set_index("node_id")
    poi_rows = []
    for node, value in (barriers or {}).items():
        row = {c: None for c in L.poi_columns()}
        row.update(osm_type="node", osm_id=int(node), barrier=value,
                   geometry=shapely.Point(where[int(node)]))
        poi_rows.append(row)
    pois = (gpd.GeoDataFrame(pd.DataFrame(poi_rows, columns=L.poi_columns()),
                             geometry="geometry", crs=L.CRS)
            if poi_rows else L.empty_layer(L.poi_columns()))
    return L.OsmLayers(
        features=L.empty_layer(L.feature_columns()), ways=ways, nodes=nodes, pois=pois,
        buildings=L.empty_layer(L.building_columns()),
        source=L.SourceInfo("synthetic", "layers_from_segments"),
    )
