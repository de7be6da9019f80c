"""Join points (homes, population points, entrances) to the nearest walking-network node.

Why a distance cap: a point 5 km offshore or in a hole in the mapping would otherwise be
silently joined to some far node and get a plausible-looking but false walking time. Points
beyond ``max_snap_m`` are reported as unsnappable (row -1, ``snap_m`` NaN) for the caller to
show to the user.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from scipy.spatial import cKDTree

from ecoplan.network.graph import WGS84, WalkGraph


def points_xy(graph: WalkGraph, points: gpd.GeoSeries | gpd.GeoDataFrame) -> np.ndarray:
    """(n, 2) coordinates in the graph's CRS; NaN rows for empty/missing geometries.

    Points without a CRS are taken to be EPSG:4326 (the project-wide convention).
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    geoms = gpd.GeoSeries(geoms)
    if geoms.crs is None:
        geoms = geoms.set_crs(WGS84)
    arr = geoms.to_numpy()
    out = np.full((len(arr), 2), np.nan)
    present = ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not present.any():
        return out
    kinds = shapely.get_type_id(arr[present])
    if (kinds != shapely.GeometryType.POINT).any():
        raise ValueError("points_xy expects Point geometries (use representative_point())")
    if shapely.has_z(arr[present]).any():  # 3-D points: as geopandas transforms them
        arr = geoms.to_crs(graph.crs).to_numpy()
        out[present] = shapely.get_coordinates(arr[present])
        return out
    # The coordinates through the transformer GeoSeries.to_crs uses, without building the
    # projected points (issue 16: ~0.02 s per call for the entrances).
    xy = shapely.get_coordinates(arr[present])
    target = CRS.from_user_input(graph.crs)
    if not geoms.crs.is_exact_same(target):
        tr = Transformer.from_crs(geoms.crs, target, always_xy=True)
        xy = np.column_stack(tr.transform(xy[:, 0], xy[:, 1]))
    out[present] = xy
    return out


def snap_xy(graph: WalkGraph, xy: np.ndarray, *, max_snap_m: float | None = None,
            main_component: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Nearest node row and distance (m) for projected points.

    Returns ``(rows, snap_m)``: row -1 and NaN distance where the point is missing or farther
    than ``max_snap_m``. ``main_component`` restricts snapping to the largest connected
    component (avoids joining a home to an isolated path fragment).
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    rows = np.full(len(xy), -1, dtype=np.int64)
    dist = np.full(len(xy), np.nan)
    ok = ~np.isnan(xy).any(axis=1)
    if not ok.any() or graph.n_nodes == 0:
        return rows, dist
    if main_component:
        subset = np.flatnonzero(graph.component == 0)
        tree = cKDTree(graph.xy[subset])
    else:
        subset, tree = None, graph.kdtree
    # The KD-tree excludes neighbours *at* the bound; nudge it so max_snap_m is inclusive.
    bound = np.inf if max_snap_m is None else float(max_snap_m) * (1 + 1e-9) + 1e-9
    d, i = tree.query(xy[ok], k=1, distance_upper_bound=bound)
    found = np.isfinite(d)
    idx = np.asarray(i)[found]
    if subset is not None:
        idx = subset[idx]
    where = np.flatnonzero(ok)[found]
    rows[where] = idx
    dist[where] = d[found]
    return rows, dist


def snap_points(graph: WalkGraph, points: gpd.GeoSeries | gpd.GeoDataFrame, *,
                max_snap_m: float | None = None, main_component: bool = False) -> pd.DataFrame:
    """Snap points (EPSG:4326 unless they say otherwise) to their nearest graph node.

    Returns a DataFrame on the points' index with ``row`` (int64, -1 = unsnappable),
    ``node_id`` (nullable Int64 OSM id) and ``snap_m`` (float, NaN = unsnappable).
    """
    rows, dist = snap_xy(graph, points_xy(graph, points), max_snap_m=max_snap_m,
                         main_component=main_component)
    node_id = pd.array(np.where(rows >= 0, graph.node_ids[np.maximum(rows, 0)], 0),
                       dtype="Int64")
    node_id[rows < 0] = pd.NA
    return pd.DataFrame({"row": rows, "node_id": node_id, "snap_m": dist}, index=points.index)
