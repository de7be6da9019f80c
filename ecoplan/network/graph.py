"""The walking network as arrays: node coordinates, a scipy CSR matrix of lengths, edge tags.

Why arrays and not networkx: one multi-source Dijkstra over a CSR matrix is ~25× faster than
networkx (docs/architecture.md#walking-network) and the whole island fits in a few MB. Lengths
are measured along each segment's geometry in a local UTM projection — the same metric snapping
and straight-line distances use — so a network distance can never come out shorter than the
straight line (UTM scale error < 0.1 % within a zone). Pedestrians ignore ``oneway``: the
matrix is symmetric. Parallel segments between the same two nodes keep the shortest
(``networkx.to_scipy_sparse_array`` would *sum* them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ecoplan.errors import AreaError
from ecoplan.network.walkable import step_free_mask, walkable_mask
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import network as network_cfg
from ecoplan.settings import osm as osm_cfg

WGS84 = "EPSG:4326"

#: Columns of :attr:`WalkGraph.edges` that are always present, before the tag columns.
EDGE_BASE_COLUMNS: tuple[str, ...] = ("u_idx", "v_idx", "u", "v", "osm_id", "length_m",
                                      "step_free")


@dataclass(frozen=True, eq=False)
class WalkGraph:
    """A walkable network ready for shortest paths.

    Rows ``0..n_nodes-1`` index every per-node array. ``node_ids`` is sorted ascending.
    ``edges`` holds one row per node pair actually in ``csr`` (the shortest of any parallel
    segments), oriented as in the OSM way; ``edge_lookup[i, j]`` is that row + 1 (0 = no edge).
    ``component`` labels connected components, 0 = the largest.
    """

    node_ids: np.ndarray  # (N,) int64 OSM node ids, sorted
    xy: np.ndarray  # (N, 2) float64 metres in ``crs``
    lonlat: np.ndarray  # (N, 2) float64 EPSG:4326
    crs: str  # projected CRS of ``xy`` and lengths, e.g. "EPSG:32630"
    csr: csr_array  # (N, N) float64 symmetric segment lengths, metres
    edges: pd.DataFrame  # EDGE_BASE_COLUMNS + way tag columns, RangeIndex
    edge_lookup: csr_array  # (N, N) int64, edge row + 1
    component: np.ndarray  # (N,) int32, 0 = largest connected component
    node_index: Mapping[int, int] = field(repr=False)  # OSM node id -> row
    step_free: bool = False

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_edges(self) -> int:
        return len(self.edges)

    @cached_property
    def kdtree(self) -> cKDTree:
        """Nearest-node index over ``xy`` (built once per graph)."""
        return cKDTree(self.xy)

    def rows(self, ids: np.ndarray | pd.Series | list) -> np.ndarray:
        """Row of each OSM node id, -1 where the id is not in the graph (NaN/None too)."""
        ids = pd.to_numeric(pd.Series(np.asarray(ids, dtype=object)), errors="coerce")
        out = np.full(len(ids), -1, dtype=np.int64)
        ok = ids.notna().to_numpy()
        if not ok.any() or self.n_nodes == 0:
            return out
        vals = ids.to_numpy()[ok].astype(np.int64)
        pos = np.clip(np.searchsorted(self.node_ids, vals), 0, self.n_nodes - 1)
        hit = self.node_ids[pos] == vals
        out[np.flatnonzero(ok)[hit]] = pos[hit]
        return out

    def edge_rows(self, path: np.ndarray | list[int]) -> np.ndarray:
        """Rows of ``edges`` along a path given as consecutive node rows (-1 = no such edge)."""
        path = np.asarray(path, dtype=np.int64)
        if len(path) < 2:
            return np.empty(0, dtype=np.int64)
        return np.asarray(self.edge_lookup[path[:-1], path[1:]], dtype=np.int64) - 1

    def project(self, lonlat: np.ndarray) -> np.ndarray:
        """EPSG:4326 (lon, lat) pairs → metres in this graph's CRS."""
        return _project(np.asarray(lonlat, dtype=float).reshape(-1, 2), self.crs)

    def nodes_gdf(self) -> gpd.GeoDataFrame:
        """Nodes as points (EPSG:4326), for maps and spatial joins."""
        return gpd.GeoDataFrame(
            {"node_id": self.node_ids, "component": self.component},
            geometry=shapely.points(self.lonlat), crs=WGS84,
        )

    def edges_gdf(self) -> gpd.GeoDataFrame:
        """Edges as 2-point LineStrings (EPSG:4326) with their tags."""
        u, v = self.edges["u_idx"].to_numpy(), self.edges["v_idx"].to_numpy()
        coords = np.stack([self.lonlat[u], self.lonlat[v]], axis=1)
        return gpd.GeoDataFrame(self.edges.copy(), geometry=shapely.linestrings(coords),
                                crs=WGS84)


def build_walk_graph(layers: OsmLayers, *, step_free: bool = False) -> WalkGraph:
    """Walkable segments of ``layers.ways`` → :class:`WalkGraph`.

    ``step_free`` keeps only :func:`step_free_mask` segments and also drops every segment that
    touches a barrier node in ``STEP_FREE_BLOCKING_BARRIERS`` (stiles, kissing gates,
    turnstiles) or a node tagged as steps, since no one who needs step-free access can pass
    it.
    """
    ways = layers.ways
    if len(ways) == 0:
        raise AreaError("The OSM data holds no highway segments: choose a larger area or a "
                        "different extract.")
    walkable = walkable_mask(ways)
    free = _step_free_flags(ways, layers.pois, walkable)
    keep = free.copy() if step_free else walkable.to_numpy().copy()
    keep &= ways["u"].notna().to_numpy() & ways["v"].notna().to_numpy()
    # Kept ways by position: each column is taken once, as needed, rather than the whole
    # table twice (issue 16).
    sel = np.flatnonzero(keep)
    u_ids = ways["u"].iloc[sel].to_numpy(dtype=np.int64)
    v_ids = ways["v"].iloc[sel].to_numpy(dtype=np.int64)
    loop = u_ids == v_ids
    sel, u_ids, v_ids = sel[~loop], u_ids[~loop], v_ids[~loop]
    if len(sel) == 0:
        what = "step-free walkable" if step_free else "walkable"
        raise AreaError(f"No {what} ways in this area: choose a larger area or check the "
                        "OSM extract covers it.")

    node_ids = np.unique(np.concatenate([u_ids, v_ids]))
    ui = np.searchsorted(node_ids, u_ids)
    vi = np.searchsorted(node_ids, v_ids)
    geoms = ways.geometry.to_numpy()[sel]
    lonlat = _node_lonlat(node_ids, layers.nodes, geoms, ui, vi)
    crs = _utm_crs(lonlat)
    xy = _project(lonlat, crs)
    length = _lengths(geoms, crs, fallback=np.hypot(*(xy[ui] - xy[vi]).T))
    length = np.where(length > 0, length, network_cfg.ZERO_LENGTH_M)

    # Shortest of parallel segments: sort by (pair, length) and keep the first of each pair.
    lo, hi = np.minimum(ui, vi), np.maximum(ui, vi)
    order = np.lexsort((length, hi, lo))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (lo[order][1:] != lo[order][:-1]) | (hi[order][1:] != hi[order][:-1])
    pick = np.sort(order[first])  # back to way order, for readable edge tables

    n = len(node_ids)
    tags = [c for c in osm_cfg.WAY_TAGS if c in ways.columns]
    rows = sel[pick]
    edges = pd.DataFrame({
        "u_idx": ui[pick], "v_idx": vi[pick], "u": u_ids[pick], "v": v_ids[pick],
        "osm_id": ways["osm_id"].to_numpy()[rows], "length_m": length[pick],
        "step_free": free[rows],
        **{col: _picked(ways[col], rows) for col in tags},
    })
    csr = _symmetric(edges["u_idx"].to_numpy(), edges["v_idx"].to_numpy(),
                     edges["length_m"].to_numpy(dtype=float), n)
    lookup = _symmetric(edges["u_idx"].to_numpy(), edges["v_idx"].to_numpy(),
                        np.arange(1, len(edges) + 1, dtype=np.int64), n)
    return WalkGraph(
        node_ids=node_ids, xy=xy, lonlat=lonlat, crs=crs, csr=csr, edges=edges,
        edge_lookup=lookup, component=_components(csr),
        node_index=dict(zip(node_ids.tolist(), range(n), strict=True)), step_free=step_free,
    )


def _picked(col: pd.Series, pick: np.ndarray) -> Any:
    """``col.to_numpy()[pick]`` as a frame column would hold it, without the round trip
    through Python objects for text columns (issue 16: re-reading ~25 tag columns as text
    took 0.1 s of every graph). A text column whose picked values are all missing goes the
    old way: a frame infers another dtype for it."""
    if col.dtype == "str":
        taken = col.array.take(pick)
        if len(taken) and not taken.isna().all():
            return taken
    return col.to_numpy()[pick]


def _step_free_flags(ways: pd.DataFrame, pois: pd.DataFrame,
                     walkable: pd.Series | None = None) -> np.ndarray:
    """Step-free segments: step_free_mask and not touching (or being) a blocking barrier or
    a node mapped as steps (a short flight on a footway, issue #2)."""
    ok = step_free_mask(ways, walkable).to_numpy().copy()
    blocking = network_cfg.STEP_FREE_BLOCKING_BARRIERS
    if "barrier" in ways.columns:
        ok &= ~ways["barrier"].isin(blocking).to_numpy()
    ids = _blocking_node_ids(pois)
    if len(ids):
        ok &= ~(ways["u"].isin(ids).to_numpy() | ways["v"].isin(ids).to_numpy())
    return ok


def _blocking_node_ids(pois: pd.DataFrame) -> np.ndarray:
    """OSM ids of POI nodes no step-free walker can pass: blocking barriers and step nodes."""
    if not len(pois) or not {"osm_type", "osm_id"} <= set(pois.columns):
        return np.empty(0, dtype=np.int64)
    hit = pd.Series(False, index=pois.index)
    if "barrier" in pois.columns:
        hit |= pois["barrier"].isin(network_cfg.STEP_FREE_BLOCKING_BARRIERS)
    for key, value in network_cfg.STEP_FREE_BLOCKING_NODE_TAGS:
        if key in pois.columns:
            hit |= pois[key].eq(value).fillna(False).astype(bool)
    hit &= pois["osm_type"] == "node"
    ids = pd.to_numeric(pois.loc[hit, "osm_id"], errors="coerce").dropna()
    return ids.astype(np.int64).to_numpy()


def _node_lonlat(node_ids: np.ndarray, nodes: gpd.GeoDataFrame, geoms: np.ndarray,
                 ui: np.ndarray, vi: np.ndarray) -> np.ndarray:
    """Node coordinates from ``layers.nodes``; segment end points fill any the table lacks."""
    out = np.full((len(node_ids), 2), np.nan)
    if len(nodes):
        pts = nodes.geometry.reindex(pd.Index(node_ids))
        have = pts.notna().to_numpy()
        if have.any():
            out[have] = shapely.get_coordinates(pts[have].to_numpy())
    missing = np.isnan(out[:, 0])
    if missing.any():
        start = shapely.get_coordinates(shapely.get_point(geoms, 0))
        end = shapely.get_coordinates(shapely.get_point(geoms, -1))
        fill = np.full_like(out, np.nan)
        fill[vi] = end
        fill[ui] = start
        out[missing] = fill[missing]
    if np.isnan(out).any():
        raise AreaError("Some highway nodes have no coordinates: the OSM extract looks "
                        "truncated; re-download it.")
    return out


def _utm_crs(lonlat: np.ndarray) -> str:
    """The UTM zone around the network (geopandas' estimate, as osmnx does).

    geopandas picks the zone from the centre of the bounds; so do we, cached per centre
    rounded to 0.01°.
    """
    lon = (np.nanmin(lonlat[:, 0]) + np.nanmax(lonlat[:, 0])) / 2
    lat = (np.nanmin(lonlat[:, 1]) + np.nanmax(lonlat[:, 1])) / 2
    return utm_crs_at(round(float(lon), 2), round(float(lat), 2))


@lru_cache(maxsize=64)
def utm_crs_at(lon: float, lat: float) -> str:
    """UTM CRS (e.g. "EPSG:32630") whose zone contains (lon, lat).

    Computed (6° zones from 180° W; EPSG 326zz north, 327zz south) rather than looked up in
    the PROJ database as geopandas' ``estimate_utm_crs`` does (0.1–0.5 s a call); the same
    answer on 150 random points worldwide (checked in tests/test_network_graph.py).
    """
    zone = int((lon + 180) // 6) % 60 + 1
    return f"EPSG:{(32600 if lat >= 0 else 32700) + zone}"


def _project(lonlat: np.ndarray, crs: str) -> np.ndarray:
    tr = Transformer.from_crs(WGS84, crs, always_xy=True)
    x, y = tr.transform(lonlat[:, 0], lonlat[:, 1])
    return np.column_stack([x, y]).astype(float)


def _lengths(geoms: np.ndarray, crs: str, fallback: np.ndarray) -> np.ndarray:
    """Projected length of each way geometry (all its vertices, so a bent or unsimplified
    segment is measured along its course); the node-to-node chord where geometry is missing.
    """
    out = fallback.astype(float).copy()
    has = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not has.any():
        return out
    coords, owner = shapely.get_coordinates(geoms[has], return_index=True)
    xy = _project(coords, crs)
    step = np.hypot(*(xy[1:] - xy[:-1]).T)
    same = owner[1:] == owner[:-1]
    out[has] = np.bincount(owner[1:][same], weights=step[same], minlength=int(has.sum()))
    return out


def _symmetric(i: np.ndarray, j: np.ndarray, data: np.ndarray, n: int) -> csr_array:
    """Undirected (i, j) pairs, each unique, → symmetric CSR (no duplicate summing occurs)."""
    rows = np.concatenate([i, j])
    cols = np.concatenate([j, i])
    vals = np.concatenate([data, data])
    out = csr_array((vals, (rows, cols)), shape=(n, n))
    out.sort_indices()
    return out


def _components(csr: csr_array) -> np.ndarray:
    """Component label per node, relabelled so 0 is the largest (then by size)."""
    _, labels = connected_components(csr, directed=False)
    sizes = np.bincount(labels)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    return rank[labels].astype(np.int32)
