"""Reach into need: how many people — and how many in deprived areas — can walk to each site.

Why per site (not the one-pass nearest-site search of :mod:`ecoplan.access.engine`): a home
within 15 minutes of two parks counts for both, so each site needs its own catchment. Each
site's catchment is one *limited* Dijkstra from all its entrances at once (``min_only``), so
the search never leaves the 15-minute radius; the graph with every entrance added as a virtual
node is built once (the engine's placement rules: mid-segment entrances join both segment ends).

People are weighted by the Gaussian 2SFCA distance decay (``settings.ranking``): 1 at the gate,
0 at the time limit.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse.csgraph import dijkstra

from ecoplan.access.engine import augment_with_sources, place_entrances, virtual_edges
from ecoplan.network.graph import WalkGraph
from ecoplan.network.snap import snap_points
from ecoplan.settings import network as net_cfg

REACH_COLUMNS = [
    "reach_deprived_people", "reach_deprived_weighted", "reach_total_people",
    "reach_total_weighted", "reach_entrances_placed",
]


def gaussian_decay(dist_m: np.ndarray | float, limit_m: float) -> np.ndarray:
    """Gaussian 2SFCA weight (Dai 2010): 1 at distance 0, falling to 0 at ``limit_m``."""
    d = np.asarray(dist_m, dtype=float)
    floor = np.exp(-0.5)
    with np.errstate(invalid="ignore", over="ignore"):
        g = (np.exp(-0.5 * (d / float(limit_m)) ** 2) - floor) / (1.0 - floor)
    return np.where(np.isfinite(d) & (d <= limit_m), np.clip(g, 0.0, 1.0), 0.0)


def origin_table(graph: WalkGraph, origins: gpd.GeoDataFrame, areas: pd.DataFrame, *,
                 deciles: int, max_snap_m: float | None = net_cfg.ORIGIN_MAX_SNAP_M
                 ) -> pd.DataFrame:
    """Origins snapped to the graph with their people and deprivation flag.

    Columns: ``row`` (graph node, -1 unsnapped), ``snap_m``, ``population`` (0 where unknown),
    ``deprived`` (area's IoD decile ≤ ``deciles``), ``area_code``.
    """
    snapped = snap_points(graph, origins, max_snap_m=max_snap_m)
    decile = origins["area_code"].map(
        areas.drop_duplicates("area_code").set_index("area_code")["imd_decile"])
    pop = pd.to_numeric(origins["population"], errors="coerce").fillna(0.0)
    return pd.DataFrame({
        "row": snapped["row"].to_numpy(), "snap_m": snapped["snap_m"].to_numpy(),
        "population": pop.to_numpy(dtype=float),
        "deprived": (pd.to_numeric(decile, errors="coerce") <= deciles).to_numpy(),
        "area_code": origins["area_code"].to_numpy(),
    }, index=origins.index)


def site_reach(graph: WalkGraph, entrances: pd.DataFrame, origins: pd.DataFrame,
               site_ids: list | np.ndarray, *, limit_m: float) -> pd.DataFrame:
    """People within ``limit_m`` walk of each site (indexed by site_id; see REACH_COLUMNS).

    ``origins`` is :func:`origin_table` output. ``*_people`` count everyone within the limit;
    ``*_weighted`` apply the Gaussian decay. Sites without a placed entrance get zeros and
    ``reach_entrances_placed`` 0 (the explanation says why).
    """
    site_ids = list(site_ids)
    out = pd.DataFrame(0.0, index=pd.Index(site_ids, name="site_id"), columns=REACH_COLUMNS)
    ents = entrances[entrances["site_id"].isin(site_ids)].reset_index(drop=True)
    if len(ents) == 0:
        return out
    n = graph.n_nodes
    placement = place_entrances(graph, ents)
    vrow_a, vcol_a, w_a = virtual_edges(placement)
    aug = augment_with_sources(graph.csr, vrow_a, vcol_a, w_a, len(ents))
    placed = np.zeros(len(ents), dtype=bool)
    placed[np.unique(vrow_a)] = True

    # Origins grouped by graph node: one lookup per node, people summed.
    snapped = origins[origins["row"] >= 0]
    rows = snapped["row"].to_numpy(dtype=np.int64)
    snap_m = snapped["snap_m"].to_numpy(dtype=float)
    pop = snapped["population"].to_numpy(dtype=float)
    dep = snapped["deprived"].to_numpy(dtype=bool)

    by_site = pd.Series(np.arange(len(ents))).groupby(ents["site_id"].to_numpy()).agg(list)
    res = np.zeros((len(site_ids), len(REACH_COLUMNS)))
    pos = {s: i for i, s in enumerate(site_ids)}
    for sid, idx in by_site.items():
        idx = np.asarray(idx, dtype=np.int64)
        src = idx[placed[idx]]
        res[pos[sid], 4] = len(src)
        if len(src) == 0:
            continue
        d = dijkstra(aug, directed=True, indices=n + src, min_only=True, limit=limit_m)
        dist = d[rows] + snap_m
        inside = dist <= limit_m
        g = gaussian_decay(dist, limit_m)
        res[pos[sid], 0] = pop[inside & dep].sum()
        res[pos[sid], 1] = (pop * g)[dep].sum()
        res[pos[sid], 2] = pop[inside].sum()
        res[pos[sid], 3] = (pop * g).sum()
    out.loc[:, :] = res
    out["reach_entrances_placed"] = out["reach_entrances_placed"].astype(int)
    return out
