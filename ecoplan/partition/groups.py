"""Split areas into N compact groups of about equal size.

Why compact: each group's OSM cut is the group plus a buffer, so a long thin group would read
far more map than it measures. Local authorities are kept whole when the need data names them
(one authority's LSOAs are one compact block and a result a council can use on its own);
otherwise — or inside an authority that must be split — areas are split by recursive
coordinate bisection of their centroids (cut along the longer side at the weighted median),
which gives near-square groups with equal counts.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError

#: Metric CRS for centroids (British National Grid; ecoplan's areas are English).
METRIC_CRS = "EPSG:27700"


def bisect(xy: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Group label 0..k-1 per point: recursive bisection with weights split k//2 : k - k//2."""
    labels = np.zeros(len(xy), dtype=int)
    _bisect(np.arange(len(xy)), xy, weights, k, 0, labels)
    return labels


def _bisect(idx: np.ndarray, xy: np.ndarray, w: np.ndarray, k: int, first: int,
            labels: np.ndarray) -> None:
    if k <= 1 or len(idx) <= 1:
        labels[idx] = first
        return
    pts = xy[idx]
    axis = int(np.ptp(pts[:, 1]) > np.ptp(pts[:, 0]))
    order = idx[np.lexsort((pts[:, 1 - axis], pts[:, axis]))]  # ties broken by the other axis
    left_k = k // 2
    cum = np.cumsum(w[order])
    target = cum[-1] * left_k / k
    cut = int(np.searchsorted(cum, target, side="left")) + 1
    cut = min(max(cut, left_k), len(order) - (k - left_k))  # every group gets ≥ 1 point
    _bisect(order[:cut], xy, w, left_k, first, labels)
    _bisect(order[cut:], xy, w, k - left_k, first + left_k, labels)


def split_areas(areas: gpd.GeoDataFrame, n: int, lad: pd.Series | None = None) -> np.ndarray:
    """Partition label (0..n-1) per row of ``areas``; see module docstring.

    ``lad`` gives each area's local authority code (same index as ``areas``) or is None.
    """
    if n < 1:
        raise InputFileError("--partitions must be 1 or more")
    if n > len(areas):
        raise InputFileError(f"--partitions {n} is more than the {len(areas)} areas; "
                             f"use at most {len(areas)}")
    cent = areas.geometry.to_crs(METRIC_CRS).representative_point()
    xy = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    ones = np.ones(len(areas))
    if lad is None or lad.isna().all():
        return bisect(xy, ones, n)
    codes = lad.fillna("(none)").astype(str).to_numpy()
    uniq, inv = np.unique(codes, return_inverse=True)
    counts = np.bincount(inv).astype(float)
    if len(uniq) >= n:  # whole authorities: bisect their centres, weighted by area count
        centres = np.vstack([xy[inv == i].mean(axis=0) for i in range(len(uniq))])
        return bisect(centres, counts, n)[inv]
    # fewer authorities than partitions: share partitions out by size, split each spatially
    share = _largest_remainder(counts, n)
    labels = np.zeros(len(areas), dtype=int)
    first = 0
    for i, k in enumerate(share):
        rows = np.flatnonzero(inv == i)
        labels[rows] = first + bisect(xy[rows], ones[rows], int(k))
        first += int(k)
    return labels


def _largest_remainder(counts: np.ndarray, n: int) -> np.ndarray:
    """``n`` partitions shared in proportion to ``counts``, at least one each."""
    raw = counts / counts.sum() * n
    share = np.maximum(np.floor(raw).astype(int), 1)
    share = np.minimum(share, counts.astype(int))
    while share.sum() < n:
        grow = np.where(share < counts, raw - share, -np.inf)
        share[int(np.argmax(grow))] += 1
    while share.sum() > n:
        shrink = np.where(share > 1, share - raw, -np.inf)
        share[int(np.argmax(shrink))] -= 1
    return share


__all__ = ["bisect", "split_areas"]
