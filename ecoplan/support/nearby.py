"""Walking distance from a site (or a chosen point) to the support features around it.

Why walking and not straight-line: a library 300 m away across a river with no bridge is not
300 m away. One multi-source Dijkstra from the site's entrances (``access.engine.nearest_site``)
gives every node its walk distance; features join the network at their nearest node (plus the
snap distance). Where a feature cannot be joined (too far from any path, or on a separate
fragment of the network) its straight-line distance is shown instead and labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ecoplan.access.engine import nearest_site
from ecoplan.errors import AreaError
from ecoplan.network.graph import WalkGraph, utm_crs_at
from ecoplan.network.snap import points_xy, snap_xy
from ecoplan.osm.layers import OsmLayers
from ecoplan.settings import support as support_cfg
from ecoplan.sites.build import site_objects

WALK = "walk"
STRAIGHT = "straight line"

#: ``status`` of a measured feature.
STATUSES = ("walk", "beyond_limit", "not_connected", "unsnapped", "no_network")


@dataclass(frozen=True)
class Origin:
    """Where distances are measured from: a site (its entrances) or a chosen point."""

    kind: str  # "site" | "point"
    name: str
    lon: float
    lat: float
    geometry: BaseGeometry  # site polygon or the point (EPSG:4326)
    site_id: str | None = None
    categories: str = ""
    entrances: gpd.GeoDataFrame | None = None  # sites-schema rows of this site only

    @property
    def crs(self) -> str:
        """Local metric CRS for straight-line distances."""
        return utm_crs_at(round(self.lon, 2), round(self.lat, 2))


@dataclass(frozen=True, eq=False)
class Reach:
    """Walk distance (m) from the origin to every graph node (inf beyond ``limit_m``)."""

    graph: WalkGraph | None
    dist_m: np.ndarray | None
    limit_m: float
    source_components: frozenset[int]
    note: str = ""

    @property
    def walking(self) -> bool:
        return self.dist_m is not None


def site_origin(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame | None,
                site_id: str, layers: OsmLayers | None = None) -> Origin:
    """The site with id ``site_id`` (AreaError naming close ids if unknown), an unnamed one
    called as the site list describes it ("Wood near Ryde"; ``layers`` give the places)."""
    hit = sites[sites["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        ids = sites["site_id"].astype(str)
        key = str(site_objects(pd.Series([str(site_id)])).iloc[0]).lstrip("nwr")
        close = ids[ids.str.contains(key, regex=False)] if key.strip("-") else ids.iloc[:0]
        hint = f" (did you mean {', '.join(close.head(3))}?)" if len(close) else ""
        raise AreaError(f"no site with id '{site_id}' in this data{hint}; list ids with "
                        "'ecoplan sites SOURCE'")
    row = hit.iloc[0]
    pt = row.geometry.representative_point()
    ents = None
    if entrances is not None and len(entrances):
        ents = entrances[entrances["site_id"].astype(str) == str(site_id)]
    name = row.get("name")
    if not (isinstance(name, str) and name.strip()):
        from ecoplan.sites.describe import describe_unnamed

        name = describe_unnamed(sites, layers).loc[hit.index[0]] or f"site {site_id}"
    return Origin("site", name,
                  float(pt.x), float(pt.y), row.geometry, site_id=str(site_id),
                  categories=str(row.get("categories") or ""), entrances=ents)


def point_origin(layers: OsmLayers, lon: float, lat: float, name: str = "") -> Origin:
    """A user's chosen point; AreaError if it lies outside the loaded data."""
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise AreaError(f"({lat}, {lon}) is not a valid latitude/longitude; give --lat between "
                        "-90 and 90 and --lon between -180 and 180")
    try:
        w, s, e, n = layers.bounds
    except ValueError:
        raise AreaError("the OSM data is empty; choose a larger area or another extract") \
            from None
    pad = 0.01  # ~1 km: a point just past the last mapped road is still "in" the data
    if not (w - pad <= lon <= e + pad and s - pad <= lat <= n + pad):
        raise AreaError(f"the point {lat:.5f}, {lon:.5f} lies outside the data (it covers "
                        f"lon {w:.4f}…{e:.4f}, lat {s:.4f}…{n:.4f}); pick a point inside it or "
                        "load a larger extract")
    label = name or f"point {lat:.5f}, {lon:.5f}"
    return Origin("point", label, float(lon), float(lat), Point(lon, lat))


def reach_from(graph: WalkGraph | None, origin: Origin, *,
               limit_m: float = support_cfg.NETWORK_LIMIT_M) -> Reach:
    """One Dijkstra pass from the origin (site entrances, or the snapped point)."""
    if graph is None:
        return Reach(None, None, limit_m, frozenset(),
                     "No walking network in this data: distances are straight lines.")
    if origin.kind == "point":
        xy = points_xy(graph, gpd.GeoSeries([origin.geometry], crs="EPSG:4326"))
        rows, snap = snap_xy(graph, xy, max_snap_m=support_cfg.POINT_MAX_SNAP_M)
        if rows[0] < 0:
            raise AreaError(f"{origin.name} is more than {support_cfg.POINT_MAX_SNAP_M:.0f} m "
                            f"from any "
                            "mapped path or road (outside the data, or at sea); pick a point "
                            "on the network")
        ents = gpd.GeoDataFrame({
            "site_id": ["point"], "entrance_id": ["point"],
            "node_id": [int(graph.node_ids[rows[0]])], "snap_m": [float(snap[0])],
        }, geometry=[origin.geometry], crs="EPSG:4326")
    else:
        ents = origin.entrances
        if ents is None or len(ents) == 0:
            return Reach(None, None, limit_m, frozenset(),
                         f"{origin.name} has no entrance on the path network: distances are "
                         "straight lines from its edge.")
    res = nearest_site(graph, ents, limit_m=limit_m)
    placed = res.placement
    src_rows = np.concatenate([placed["row_u"].to_numpy(), placed["row_v"].to_numpy()])
    src_rows = src_rows[src_rows >= 0]
    if len(src_rows) == 0:
        return Reach(None, None, limit_m, frozenset(),
                     f"{origin.name}'s entrances could not be joined to the path network: "
                     "distances are straight lines.")
    comps = frozenset(int(c) for c in np.unique(graph.component[src_rows]))
    return Reach(graph, res.dist_m, limit_m, comps)


def measure(points: gpd.GeoDataFrame, origin: Origin, reach: Reach) -> pd.DataFrame:
    """Per point: ``walk_m`` (NaN unless walked), ``straight_m`` (from the site's edge: 0
    inside it), ``snap_m``, ``node_id`` and ``status`` (see :data:`STATUSES`)."""
    k = len(points)
    crs = origin.crs
    geo = gpd.GeoSeries(points.geometry.to_numpy(), crs=points.crs or "EPSG:4326")
    straight = geo.to_crs(crs).distance(
        gpd.GeoSeries([origin.geometry], crs="EPSG:4326").to_crs(crs).iloc[0]).to_numpy()
    walk = np.full(k, np.nan)
    snap = np.full(k, np.nan)
    node = np.full(k, None, dtype=object)
    status = np.full(k, "no_network", dtype=object)
    if reach.walking and k:
        g = reach.graph
        assert g is not None and reach.dist_m is not None  # walking: a graph and distances
        rows, snap = snap_xy(g, points_xy(g, geo), max_snap_m=support_cfg.POI_MAX_SNAP_M)
        ok = rows >= 0
        status[:] = "unsnapped"
        d = np.where(ok, reach.dist_m[np.maximum(rows, 0)], np.inf)
        fin = ok & np.isfinite(d)
        walk[fin] = snap[fin] + d[fin]
        status[fin] = "walk"
        same = ok & np.isin(g.component[np.maximum(rows, 0)], list(reach.source_components))
        status[ok & ~fin & same] = "beyond_limit"
        status[ok & ~fin & ~same] = "not_connected"
        node[ok] = g.node_ids[rows[ok]]
    return pd.DataFrame({"walk_m": walk, "straight_m": straight, "snap_m": snap,
                         "node_id": node, "status": status}, index=points.index)


def choose_distance(measured: pd.DataFrame, radius_m: float, limit_m: float) -> pd.DataFrame:
    """``distance_m`` and ``basis`` ('walk' | 'straight line') per row, and ``within``.

    A feature connected to the origin but farther on foot than the search limit is out when the
    radius is within walking range; beyond it (e.g. an A&E 15 km off) the straight line is used.
    """
    walked = measured["status"] == "walk"
    dist = np.where(walked, measured["walk_m"], measured["straight_m"])
    basis = np.where(walked, WALK, STRAIGHT)
    within = dist <= radius_m
    if radius_m <= limit_m:
        within &= measured["status"].to_numpy() != "beyond_limit"
    return pd.DataFrame({"distance_m": dist, "basis": basis, "within": within},
                        index=measured.index)
