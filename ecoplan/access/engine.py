"""Walk distance from every network node to the nearest site of a class, in one pass.

Why one pass: Dijkstra started from *all* entrances at once (``min_only=True``) gives every
node its distance to, and the identity of, the nearest entrance — the Defra / ParkServe
"nearest access point along the network" measure — at the cost of a single shortest-path
tree, instead of one search per home (docs/architecture.md#access).

Entrances lying part-way along a segment become *virtual source nodes* appended to the CSR
matrix, joined to both segment ends by ``snap_m + dist_u_m`` and ``snap_m + dist_v_m``; the
``sources`` array scipy returns then names the entrance (and so the site) that won each node.
Explicit zero weights in a sparse csgraph are edges, so an entrance exactly on a node costs 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from ecoplan.access.speeds import metres, minutes, resolve_speed
from ecoplan.network.graph import WalkGraph
from ecoplan.network.snap import points_xy, snap_xy
from ecoplan.settings import network as network_cfg

__all__ = ["NearestResult", "nearest_site", "nearest_from_placement", "origin_distances",
           "snapped_distances", "connected_to_sources", "network_status", "minutes", "metres",
           "resolve_speed", "PLACED_HOW"]

#: How each entrance was joined to the graph (``NearestResult.placement['how']``).
PLACED_HOW = ("edge", "node", "resnap", "unplaced")


@dataclass(frozen=True, eq=False)
class NearestResult:
    """Per-node nearest entrance of one site class (arrays have ``graph.n_nodes`` rows).

    ``dist_m`` is inf where no entrance is reachable (or none within ``limit_m``);
    ``site_id``/``entrance_id`` are None there and ``entrance_pos`` is -1. ``entrance_pos``
    is the positional row in the ``entrances`` frame given to :func:`nearest_site`.
    ``predecessor`` is the next node row *towards* the entrance (-1 at the node where the
    walk leaves the entrance, and where unreachable). ``placement`` has one row per entrance
    (same order): ``how`` (see PLACED_HOW), ``row_u``, ``row_v`` (graph rows joined, -1),
    ``cost_u_m``, ``cost_v_m`` and ``x``, ``y`` (graph CRS, for straight-line distances).
    """

    dist_m: np.ndarray
    site_id: np.ndarray
    entrance_id: np.ndarray
    entrance_pos: np.ndarray
    predecessor: np.ndarray
    placement: pd.DataFrame
    limit_m: float | None = None

    @property
    def unplaced(self) -> list:
        """Entrance ids that could not be joined to the graph (reported, not dropped)."""
        p = self.placement
        return p.loc[p["how"] == "unplaced", "entrance_id"].tolist()

    def path(self, row: int) -> np.ndarray:
        """Node rows from ``row`` to the node where the walk leaves the nearest entrance."""
        if not np.isfinite(self.dist_m[row]):
            return np.empty(0, dtype=np.int64)
        out = [int(row)]
        while self.predecessor[out[-1]] >= 0:
            out.append(int(self.predecessor[out[-1]]))
        return np.asarray(out, dtype=np.int64)


def nearest_site(graph: WalkGraph, entrances: pd.DataFrame, *,
                 limit_m: float | None = None) -> NearestResult:
    """One multi-source Dijkstra from all ``entrances`` (one site class) over ``graph``.

    ``entrances`` follows the sites schema: site_id, entrance_id, node_id, edge_u, edge_v,
    dist_u_m, dist_v_m, snap_m, geometry (any may be missing; see :func:`place_entrances`).
    ``limit_m`` stops the search at that walking distance (nodes beyond get inf).
    """
    return nearest_from_placement(graph, place_entrances(graph, entrances),
                                  _column(entrances, "site_id"),
                                  _column(entrances, "entrance_id"), limit_m=limit_m)


def nearest_from_placement(graph: WalkGraph, placement: pd.DataFrame, site_ids: np.ndarray,
                           entrance_ids: np.ndarray, *,
                           limit_m: float | None = None) -> NearestResult:
    """:func:`nearest_site` for entrances already placed (:func:`place_entrances`; rows of
    ``placement`` and the id arrays aligned). Placing is per entrance, so a caller measuring
    many classes places every entrance once and passes each class's rows (same order)."""
    n = graph.n_nodes
    dist, pos, pred = source_distances(graph, placement, limit_m=limit_m, predecessors=True)
    assert pred is not None
    hit = pos >= 0
    site = np.full(n, None, dtype=object)
    ent = np.full(n, None, dtype=object)
    site[hit] = site_ids[pos[hit]]
    ent[hit] = entrance_ids[pos[hit]]
    placement = placement.assign(site_id=site_ids, entrance_id=entrance_ids)
    return NearestResult(dist_m=dist, site_id=site, entrance_id=ent, entrance_pos=pos,
                         predecessor=pred, placement=placement, limit_m=limit_m)


def source_distances(graph: WalkGraph, placement: pd.DataFrame | Mapping[str, np.ndarray], *,
                     limit_m: float | None = None, predecessors: bool = False,
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(dist_m, entrance_pos, predecessor or None) per graph node: the Dijkstra pass of
    :func:`nearest_from_placement` alone, without the per-node id arrays a caller that only
    reads the origins' nodes does not need (issue 16: ~n_nodes object copies per class).
    ``placement`` needs only row_u, row_v, cost_u_m and cost_v_m (a frame or arrays)."""
    n = graph.n_nodes
    k = len(placement["row_u"])
    vrow_a, vcol_a, w_a = virtual_edges(placement)
    used = np.unique(vrow_a)

    dist = np.full(n, np.inf)
    pos = np.full(n, -1, dtype=np.int64)
    pred = np.full(n, -1, dtype=np.int64) if predecessors else None
    if len(used):
        aug = augment_with_sources(graph.csr, vrow_a, vcol_a, w_a, k)
        limit = np.inf if limit_m is None else float(limit_m)
        # scipy returns the sources (which entrance won) only with the predecessors.
        d, p, src = dijkstra(aug, directed=True, indices=n + used, min_only=True,
                             return_predecessors=True, limit=limit)
        if predecessors:
            p = np.asarray(p[:n], dtype=np.int64)
            pred = np.where((p >= 0) & (p < n), p, -1)
        dist = np.asarray(d[:n], dtype=float)
        src = np.asarray(src[:n], dtype=np.int64)
        pos = np.where(src >= n, src - n, -1)
    return dist, pos, pred


def origin_distances(graph: WalkGraph, result: NearestResult,
                     origins: gpd.GeoDataFrame | gpd.GeoSeries, *,
                     max_snap_m: float | None = network_cfg.ORIGIN_MAX_SNAP_M,
                     main_component: bool = False) -> pd.DataFrame:
    """Network and straight-line distance from each origin point to the nearest site.

    Origins snap to their nearest node (within ``max_snap_m``) and the snap distance is added.
    Returns a DataFrame on the origins' index: ``row``, ``snap_m``, ``network_m`` (snap +
    node distance; inf unreachable, NaN unsnapped), ``site_id``, ``entrance_id``,
    ``straight_line_m`` and ``straight_site_id`` (nearest entrance as the crow flies, the
    measure the AGS/ANGSt standards quote) and ``status``: 'ok', 'unsnapped' (too far from
    the network), 'beyond_limit' (connected to an entrance but farther than ``limit_m``) or
    'unreachable' (no entrance on the origin's part of the network).
    """
    xy = points_xy(graph, origins)
    rows, snap_m = snap_xy(graph, xy, max_snap_m=max_snap_m, main_component=main_component)
    network, site, ent, status = snapped_distances(graph, result, rows, snap_m)
    placed = result.placement

    straight = np.full(len(rows), np.nan)
    straight_site = np.full(len(rows), None, dtype=object)
    exy = placed[["x", "y"]].to_numpy(dtype=float)
    have = ~np.isnan(exy).any(axis=1)
    valid = ~np.isnan(xy).any(axis=1)
    if have.any() and valid.any():
        d, i = cKDTree(exy[have]).query(xy[valid], k=1)
        straight[valid] = d
        straight_site[valid] = placed["site_id"].to_numpy(dtype=object)[have][i]
    return pd.DataFrame({
        "row": rows, "snap_m": snap_m, "network_m": network, "site_id": site,
        "entrance_id": ent, "straight_line_m": straight, "straight_site_id": straight_site,
        "status": status,
    }, index=origins.index)


def snapped_distances(graph: WalkGraph, result: NearestResult, rows: np.ndarray,
                      snap_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                   np.ndarray]:
    """(network_m, site_id, entrance_id, status) of points already snapped to ``rows``
    (:func:`ecoplan.network.snap.snap_xy`): the network part of :func:`origin_distances`,
    for callers that snap the same origins once and measure many classes."""
    snapped = rows >= 0
    safe = np.maximum(rows, 0)
    site = np.asarray(result.site_id[safe], dtype=object)  # a copy: fancy indexing
    site[~snapped] = None
    ent = np.asarray(result.entrance_id[safe], dtype=object)
    ent[~snapped] = None
    connected = connected_to_sources(graph, rows, result.placement)
    network, status = network_status(rows, snap_m, result.dist_m, connected,
                                     limited=result.limit_m is not None)
    return network, site, ent, status


def connected_to_sources(graph: WalkGraph, rows: np.ndarray,
                         placement: pd.DataFrame | Mapping[str, np.ndarray]) -> np.ndarray:
    """Whether each point's node (``rows``; -1 unsnapped) shares a network component with a
    placed entrance: what tells 'beyond the limit' from 'unreachable'."""
    src_rows = np.concatenate([np.asarray(placement["row_u"]), np.asarray(placement["row_v"])])
    src_comp = np.unique(graph.component[src_rows[src_rows >= 0]])
    return np.isin(graph.component[np.maximum(rows, 0)], src_comp)


def network_status(rows: np.ndarray, snap_m: np.ndarray, dist_m: np.ndarray,
                   connected: np.ndarray, *, limited: bool) -> tuple[np.ndarray, np.ndarray]:
    """(network_m, status) of points snapped to ``rows`` from the per-node distances of a
    search (``limited``: it stopped at a limit): snap + node distance (inf unreachable, NaN
    unsnapped) and 'ok', 'unsnapped', 'beyond_limit' or 'unreachable'."""
    snapped = rows >= 0
    node_d = np.where(snapped, dist_m[np.maximum(rows, 0)], np.nan)
    status = np.full(len(rows), "ok", dtype=object)
    status[~snapped] = "unsnapped"
    lost = snapped & ~np.isfinite(node_d)
    status[lost & connected & limited] = "beyond_limit"
    status[lost & ~(connected & limited)] = "unreachable"
    return snap_m + node_d, status


def place_entrances(graph: WalkGraph, entrances: pd.DataFrame) -> pd.DataFrame:
    """Join each entrance to the graph.

    In order of preference: 'edge' — its crossing segment (edge_u, edge_v) is in the graph,
    joined to both ends at ``snap_m + dist_u_m`` / ``snap_m + dist_v_m``; 'node' — its
    ``node_id`` is in the graph, joined at ``snap_m`` (plus the distance along its segment
    when ``node_id`` is one of the segment's ends); 'resnap' — its point lies within
    ``ENTRANCE_RESNAP_MAX_M`` of a remaining node (e.g. the step-free graph dropped its
    segment); otherwise 'unplaced'.
    """
    k = len(entrances)
    snap = _num(entrances, "snap_m", k)
    snap = np.where(np.isfinite(snap), snap, 0.0)
    ru, rv = graph.rows(_column(entrances, "edge_u")), graph.rows(_column(entrances, "edge_v"))
    du, dv = _num(entrances, "dist_u_m", k), _num(entrances, "dist_v_m", k)
    edge_ok = (ru >= 0) & (rv >= 0) & np.isfinite(du) & np.isfinite(dv) & (ru != rv)
    if edge_ok.any():
        present = np.asarray(graph.edge_lookup[ru[edge_ok], rv[edge_ok]]) > 0
        edge_ok[np.flatnonzero(edge_ok)[~present]] = False

    how = np.full(k, "unplaced", dtype=object)
    row_u = np.full(k, -1, dtype=np.int64)
    row_v = np.full(k, -1, dtype=np.int64)
    cost_u = np.full(k, np.nan)
    cost_v = np.full(k, np.nan)
    how[edge_ok] = "edge"
    row_u[edge_ok], row_v[edge_ok] = ru[edge_ok], rv[edge_ok]
    cost_u[edge_ok] = snap[edge_ok] + np.maximum(du[edge_ok], 0)
    cost_v[edge_ok] = snap[edge_ok] + np.maximum(dv[edge_ok], 0)

    rn = graph.rows(_column(entrances, "node_id"))
    node_ok = ~edge_ok & (rn >= 0)
    how[node_ok] = "node"
    row_u[node_ok] = rn[node_ok]
    # An entrance on a segment the graph lacks (steps in the step-free graph) is still that
    # far along it from its node: count the way, never less than the straight line.
    along = np.where(rn == ru, du, np.where(rn == rv, dv, 0.0))
    along = np.where(np.isfinite(along), np.maximum(along, 0), 0.0)
    cost_u[node_ok] = snap[node_ok] + along[node_ok]

    xy = (points_xy(graph, entrances) if isinstance(entrances, gpd.GeoDataFrame) and k
          else np.full((k, 2), np.nan))
    rest = (how == "unplaced") & ~np.isnan(xy).any(axis=1)
    if rest.any():
        r, d = snap_xy(graph, xy[rest], max_snap_m=network_cfg.ENTRANCE_RESNAP_MAX_M)
        idx = np.flatnonzero(rest)[r >= 0]
        how[idx] = "resnap"
        row_u[idx] = r[r >= 0]
        cost_u[idx] = d[r >= 0]
    # Entrances without a point are put where they join the network (along their segment).
    nopt = np.isnan(xy).any(axis=1) & (row_u >= 0)
    xy[nopt] = graph.xy[row_u[nopt]]
    along = nopt & edge_ok
    if along.any():
        t = du[along] / np.maximum(du[along] + dv[along], 1e-9)
        a, b = graph.xy[row_u[along]], graph.xy[row_v[along]]
        xy[along] = a + (b - a) * np.clip(t, 0, 1)[:, None]
    return pd.DataFrame({"how": how, "row_u": row_u, "row_v": row_v, "cost_u_m": cost_u,
                         "cost_v_m": cost_v, "x": xy[:, 0], "y": xy[:, 1]})


def virtual_edges(placement: pd.DataFrame | Mapping[str, np.ndarray],
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(virtual source index, graph row, cost) for each placed side of each entrance."""
    vrow, vcol, w = [], [], []
    for side in ("u", "v"):
        rows = np.asarray(placement[f"row_{side}"])
        ok = rows >= 0
        vrow.append(np.flatnonzero(ok))
        vcol.append(rows[ok])
        w.append(np.asarray(placement[f"cost_{side}_m"])[ok])
    return np.concatenate(vrow), np.concatenate(vcol), np.concatenate(w)


def augment_with_sources(csr: csr_array, vrow: np.ndarray, vcol: np.ndarray, w: np.ndarray,
             k: int) -> csr_array:
    """Append ``k`` virtual source rows (edges only *out* of them) to a square CSR matrix."""
    n = csr.shape[0]
    order = np.argsort(vrow, kind="stable")
    counts = np.bincount(vrow, minlength=k)
    indptr = np.concatenate([csr.indptr.astype(np.int64),
                             csr.indptr[-1] + np.cumsum(counts, dtype=np.int64)])
    indices = np.concatenate([csr.indices.astype(np.int64), vcol[order].astype(np.int64)])
    data = np.concatenate([csr.data.astype(float), w[order].astype(float)])
    return csr_array((data, indices, indptr), shape=(n + k, n + k))


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name in df.columns:
        return df[name].to_numpy(dtype=object)
    return np.full(len(df), None, dtype=object)


def _num(df: pd.DataFrame, name: str, k: int) -> np.ndarray:
    if name not in df.columns:
        return np.full(k, np.nan)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
