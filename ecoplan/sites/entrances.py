"""Where people can get into each site: entrances, not centroids (DESIGN.md §2).

Three sources, best first:

1. ``tagged``: gates/entrances mapped in OSM on the site boundary and on the walk network;
2. ``crossing``: where a walkable way crosses or runs along the boundary;
3. ``near_network``: for sites no way reaches, boundary points every 20 m that lie within
   30 m of a walkable way (GHSCI method) — flagged, since nobody mapped a way in.

Each entrance records the network segment it sits on (``edge_u``/``edge_v`` and the distance
along it to each end) so the access engine can start exactly there, not at the nearest node.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.network.walkable import walkable_mask
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import osm as cfg

ENTRANCE_COLUMNS = ["site_id", "entrance_id", "source", "node_id", "edge_u", "edge_v",
                    "dist_u_m", "dist_v_m", "snap_m", "geometry"]
SOURCE_RANK = {"tagged": 0, "crossing": 1, "near_network": 2}


def empty_entrances(crs) -> gpd.GeoDataFrame:
    cols = [c for c in ENTRANCE_COLUMNS if c != "geometry"]
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def find_entrances(sites: gpd.GeoDataFrame, layers: OsmLayers, crs: str) -> gpd.GeoDataFrame:
    """Entrances of every site (``sites`` in the projected ``crs``); result in ``crs``."""
    ways = layers.ways[walkable_mask(layers.ways)]
    if len(sites) == 0 or len(ways) == 0:
        return empty_entrances(crs)
    edges = ways[["u", "v", "geometry"]].to_crs(crs).reset_index(drop=True)
    boundaries = gpd.GeoDataFrame({"site_id": sites.site_id.to_numpy()},
                                  geometry=sites.geometry.boundary.to_numpy(), crs=crs)
    found = [
        _tagged(boundaries, layers, edges, crs),
        _crossings(boundaries, edges),
    ]
    cand = pd.concat([f for f in found if len(f)], ignore_index=True) if any(
        len(f) for f in found) else empty_entrances(crs)
    missing = boundaries[~boundaries.site_id.isin(cand.site_id)]
    fallback = _near_network(missing, edges)
    if len(fallback):
        cand = pd.concat([cand, fallback], ignore_index=True)
    if len(cand) == 0:
        return empty_entrances(crs)
    cand = gpd.GeoDataFrame(cand, geometry="geometry", crs=crs)
    out = _merge_close(cand, cfg.ENTRANCE_MERGE_M)
    out["entrance_id"] = out.site_id + "/e" + out.groupby("site_id").cumcount().add(1).astype(str)
    return out[ENTRANCE_COLUMNS].reset_index(drop=True)


def _tagged(boundaries: gpd.GeoDataFrame, layers: OsmLayers, edges: gpd.GeoDataFrame,
            crs: str) -> pd.DataFrame:
    pois = layers.pois
    hit = pd.Series(False, index=pois.index)
    for key, value in cfg.ENTRANCE_TAGS:
        hit |= pois[key].notna() if value is None else pois[key].eq(value)
    network_nodes = set(edges.u) | set(edges.v)
    gates = pois[hit & pois.osm_type.eq("node") & pois.osm_id.isin(network_nodes)]
    if len(gates) == 0:
        return pd.DataFrame()
    gates = gates[["osm_id", "geometry"]].to_crs(crs)
    near = gpd.sjoin_nearest(gates, boundaries, max_distance=cfg.ENTRANCE_TAGGED_MAX_M,
                             distance_col="d", how="inner")
    return pd.DataFrame({
        "site_id": near.site_id.to_numpy(), "source": "tagged",
        "node_id": near.osm_id.to_numpy(dtype="int64"), "edge_u": None, "edge_v": None,
        "dist_u_m": 0.0, "dist_v_m": 0.0, "snap_m": 0.0, "geometry": near.geometry.to_numpy(),
    })


def _crossings(boundaries: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> pd.DataFrame:
    # Site outlines are snapped to a 1 cm grid (ecoplan.geometry), so a path that shares its
    # nodes with the outline may now miss it by millimetres: match within the snap tolerance
    # and snap the path onto the outline before intersecting.
    tol = cfg.BOUNDARY_TOUCH_M
    pairs = gpd.sjoin(edges, boundaries, predicate="dwithin", distance=tol, how="inner")
    if len(pairs) == 0:
        return pd.DataFrame()
    edge_geom = pairs.geometry.to_numpy()
    bnd_geom = boundaries.geometry.to_numpy()[pairs["index_right"].to_numpy()]
    inter = shapely.intersection(shapely.snap(edge_geom, bnd_geom, tol), bnd_geom)
    # A point, several points, or a stretch where the way runs along the boundary.
    pts = shapely.line_interpolate_point(_first_part(inter), 0.5, normalized=True)
    pts = np.where(shapely.get_type_id(inter) == 0, inter, pts)
    ok = ~shapely.is_empty(pts) & ~shapely.is_missing(pts)
    # Back onto the way itself (the outline may be millimetres off it), so the walk to the
    # entrance is never shorter than the straight line.
    pts[ok] = shapely.line_interpolate_point(
        edge_geom[ok], shapely.line_locate_point(edge_geom[ok], pts[ok]))
    return _on_edges(pairs[ok], edge_geom[ok], pts[ok], "crossing", snap=np.zeros(ok.sum()))


def _first_part(geoms: np.ndarray) -> np.ndarray:
    """First point or line of each (multi-)geometry, as something interpolable."""
    first = shapely.get_geometry(geoms, 0)
    first = np.where(shapely.is_missing(first), geoms, first)
    # Points cannot be interpolated along; turn them into zero-length lines.
    is_point = shapely.get_type_id(first) == 0
    coords = shapely.get_coordinates(first[is_point])
    first[is_point] = shapely.linestrings(np.repeat(coords, 2, axis=0).reshape(-1, 2, 2))
    return first


def _near_network(boundaries: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> pd.DataFrame:
    if len(boundaries) == 0:
        return pd.DataFrame()
    rows_site, rows_pt = [], []
    for site_id, geom in zip(boundaries.site_id, boundaries.geometry, strict=True):
        dense = shapely.segmentize(geom, cfg.FALLBACK_SPACING_M)
        coords = shapely.get_coordinates(dense)
        rows_site.extend([site_id] * len(coords))
        rows_pt.extend(shapely.points(coords))
    pts = gpd.GeoDataFrame({"site_id": rows_site}, geometry=rows_pt, crs=boundaries.crs)
    near = gpd.sjoin_nearest(pts, edges, max_distance=cfg.FALLBACK_MAX_SNAP_M,
                             distance_col="snap", how="inner")
    near = near[~near.index.duplicated()]
    if len(near) == 0:
        return pd.DataFrame()
    edge_geom = edges.geometry.to_numpy()[near["index_right"].to_numpy()]
    return _on_edges(near, edge_geom, near.geometry.to_numpy(), "near_network",
                     snap=near["snap"].to_numpy())


def _on_edges(pairs: pd.DataFrame, edge_geom: np.ndarray, pts: np.ndarray, source: str,
              snap: np.ndarray) -> pd.DataFrame:
    along = shapely.line_locate_point(edge_geom, pts)
    length = shapely.length(edge_geom)
    dist_u = np.clip(along, 0, length)
    dist_v = length - dist_u
    u = pairs["u"].to_numpy(dtype="int64")
    v = pairs["v"].to_numpy(dtype="int64")
    return pd.DataFrame({
        "site_id": pairs["site_id"].to_numpy(), "source": source,
        "node_id": np.where(dist_u <= dist_v, u, v), "edge_u": u, "edge_v": v,
        "dist_u_m": dist_u, "dist_v_m": dist_v, "snap_m": snap, "geometry": pts,
    })


def _merge_close(cand: gpd.GeoDataFrame, radius: float) -> gpd.GeoDataFrame:
    """Greedy thinning per site: keep the best-sourced entrance, drop others within radius."""
    cand = cand.assign(_rank=cand.source.map(SOURCE_RANK), _snap=cand.snap_m.astype(float))
    cand = cand.sort_values(["site_id", "_rank", "_snap"], kind="stable")
    keep = np.zeros(len(cand), dtype=bool)
    xy = shapely.get_coordinates(cand.geometry.to_numpy())
    sites = cand.site_id.to_numpy()
    start = 0
    while start < len(cand):
        end = start
        while end < len(cand) and sites[end] == sites[start]:
            end += 1
        kept: list[int] = []
        for i in range(start, end):
            if not kept or np.min(np.hypot(*(xy[kept] - xy[i]).T)) >= radius:
                kept.append(i)
        keep[kept] = True
        start = end
    return cand[keep].drop(columns=["_rank", "_snap"])
