"""Explainable measures of a route and the single score used to rank candidate loops.

Every number a leader sees comes from here, measured on the edges the route really uses:

* ``share_green_blue`` — length-weighted mean of the edges' green share (see
  :mod:`ecoplan.routes.network`);
* ``share_on_roads`` — share of length on busy roads (``BUSY_ROADS``), what the ranking
  penalises;
* ``share_any_road`` — share of length on roads of any class, residential and service
  streets included (what the printed map calls "on roads": a walker shares them with cars);
* ``share_retraced`` — share of the length walked on an edge the route uses more than once
  (an out-and-back spur counts fully: both passes are retraced walking);
* ``length_error`` — ``|length − target| / target``;
* ``toilets``, ``benches`` — distinct ones within ``LANDMARK_NEAR_M`` of the route;
* ``obstacles`` — steps edges plus edges touching stiles, kissing gates or turnstiles;
  ``step_free`` is 1 when there are none.

The ranking score is a weighted sum (``SCORE_WEIGHTS``) so it can be explained in one line.
"""

from __future__ import annotations

import numpy as np

from ecoplan.routes.network import RouteNetwork, node_path_edges
from ecoplan.settings import routes as routes_cfg


def measure(network: RouteNetwork, path: np.ndarray, target_m: float | None = None
            ) -> dict[str, float]:
    """Measures of a node path (see module docstring). ``target_m`` adds ``length_error``."""
    path = np.asarray(path, dtype=np.int64)
    rows = node_path_edges(network, path)
    length = network.length[rows]
    total = float(length.sum())
    counts = np.bincount(rows, minlength=network.graph.n_edges)[rows]
    passed = network.landmarks.passed(path)
    kinds = passed["kind"].value_counts()
    denom = total if total > 0 else 1.0
    out = {
        "length_m": total,
        "share_green_blue": float((length * network.green[rows]).sum() / denom),
        "share_on_roads": float(length[network.busy[rows]].sum() / denom),
        "share_any_road": float(length[network.road[rows]].sum() / denom),
        "share_retraced": float(length[counts > 1].sum() / denom),
        "share_lit": float(length[network.lit[rows]].sum() / denom),
        "toilets": float(kinds.get("toilets", 0)),
        "benches": float(kinds.get("bench", 0)),
        "obstacles": float(network.steps[rows].sum()),
    }
    out["step_free"] = float(out["obstacles"] == 0)
    if target_m:
        out["length_error"] = abs(total - target_m) / target_m
    return out


def score(m: dict[str, float], *, preferences: bool = True) -> float:
    """Higher is better. With ``preferences`` off only length error and retracing count (the
    baseline a "shortest loop" finder would optimise)."""
    w = routes_cfg.SCORE_WEIGHTS
    s = w.share_retraced * m["share_retraced"] + w.length_error * m.get("length_error", 0)
    if preferences:
        s += w.share_green_blue * m["share_green_blue"]
        s += w.share_on_roads * m["share_on_roads"]
        s += w.toilets * min(m["toilets"], routes_cfg.SCORE_MAX_TOILETS)
        s += w.benches * min(m["benches"], routes_cfg.SCORE_MAX_BENCHES)
    return float(s)


def overlap_share(network: RouteNetwork, rows_a: np.ndarray, rows_b: np.ndarray) -> float:
    """Share of the shorter route's (distinct-edge) length on edges both routes use."""
    a, b = np.unique(rows_a), np.unique(rows_b)
    common = np.intersect1d(a, b, assume_unique=True)
    la, lb = network.length[a].sum(), network.length[b].sum()
    shorter = min(la, lb)
    return float(network.length[common].sum() / shorter) if shorter > 0 else 1.0
