"""Size + proximity standards per origin: which sites qualify, and who is near enough.

For each standard: qualifying sites (accessible, at least ``min_ha``, of a qualifying kind) →
their entrances → ONE multi-source Dijkstra limited to the standard's distance
(:func:`ecoplan.access.engine.nearest_site`) → per-origin network distance. The straight-line
variant (distance from the home to the nearest qualifying site's boundary, 0 inside it) is the
measure as the standards are written; it is never longer than the network measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.network.graph import WalkGraph
from ecoplan.settings import access as access_cfg
from ecoplan.settings.access import Standard


def qualifying_mask(sites: pd.DataFrame, *, min_ha: float = 0.0,
                    kinds: frozenset[str] = access_cfg.ANY_KINDS,
                    parks_only: bool = False) -> np.ndarray:
    """Sites that count: accessible (not restricted), big enough, of a qualifying kind (and
    of the parks class when ``parks_only``; a table without ``park`` then has no parks)."""
    area = pd.to_numeric(sites["area_ha"], errors="coerce").fillna(0).to_numpy(float)
    mask = (sites["access"].isin(access_cfg.ACCESSIBLE).to_numpy()
            & sites["kind"].isin(kinds).to_numpy() & (area >= min_ha))
    if parks_only:
        park = (sites["park"].fillna(False).to_numpy(bool) if "park" in sites.columns
                else np.zeros(len(sites), dtype=bool))
        mask &= park
    return mask


@dataclass(frozen=True, eq=False)
class SiteIndex:
    """Sites projected once into the graph CRS, for straight-line distances.

    Straight lines go to the site *boundary* (0 inside). For speed the boundary is sampled
    every ``BOUNDARY_SAMPLE_M`` (a KD-tree query instead of exact distances to polygons with
    thousands of vertices): reported distances are exact to within half that spacing, and
    points near a standard's distance are re-measured exactly, so pass/fail is exact.
    """

    sites: gpd.GeoDataFrame  # EPSG:4326, as built
    entrances: gpd.GeoDataFrame
    polygons: np.ndarray  # shapely geometries in the graph CRS, aligned with ``sites``
    sample_xy: np.ndarray  # (M, 2) boundary samples
    sample_site: np.ndarray  # (M,) position in ``sites`` of each sample

    @classmethod
    def build(cls, sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame,
              crs: str) -> SiteIndex:
        sites = sites.reset_index(drop=True)
        polys = sites.geometry.to_crs(crs).to_numpy() if len(sites) else np.empty(0, object)
        dense = shapely.segmentize(shapely.boundary(polys), access_cfg.BOUNDARY_SAMPLE_M)
        xy, owner = shapely.get_coordinates(dense, return_index=True)
        return cls(sites, entrances, polys, xy, owner)

    def entrances_of(self, mask: np.ndarray) -> gpd.GeoDataFrame:
        ids = self.sites.loc[mask, "site_id"]
        return self.entrances[self.entrances["site_id"].isin(ids)]

    def straight_line(self, mask: np.ndarray, xy: np.ndarray,
                      max_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(metres, site_id) from each point to the nearest qualifying site boundary.

        0 inside a site; NaN / None where no qualifying site lies within ``max_m`` (or the
        point is missing). Whether a distance is ≤ ``max_m`` is decided exactly.
        """
        dist = np.full(len(xy), np.nan)
        sid = np.full(len(xy), None, dtype=object)
        ok = ~np.isnan(xy).any(axis=1)
        pos = np.flatnonzero(mask)
        keep = np.isin(self.sample_site, pos)
        if len(pos) == 0 or not keep.any() or not ok.any():
            return dist, sid
        half = access_cfg.BOUNDARY_SAMPLE_M / 2
        pts_xy = xy[ok]
        d, i = cKDTree(self.sample_xy[keep]).query(pts_xy, k=1)
        owner = self.sample_site[keep][i]
        # Inside a qualifying site: distance 0 (point-in-polygon, exact).
        polys = self.polygons[pos]
        tree = shapely.STRtree(polys)
        pts = shapely.points(pts_xy)
        p_in, s_in = tree.query(pts, predicate="within")
        d[p_in] = 0.0
        owner[p_in] = pos[s_in]
        if max_m is not None:
            # Samples overestimate by at most ``half``: re-measure the uncertain band exactly.
            band = np.flatnonzero((d > max_m) & (d - half <= max_m))
            if len(band):
                (bi, bp), bd = tree.query_nearest(pts[band], max_distance=max_m,
                                                  return_distance=True, all_matches=False)
                d[band[bi]] = bd
                owner[band[bi]] = pos[bp]
            far = d > max_m
            d[far] = np.nan
        where = np.flatnonzero(ok)
        dist[where] = d
        got = np.isfinite(d)
        sid[where[got]] = self.sites["site_id"].to_numpy(dtype=object)[owner[got]]
        return dist, sid


def measure_class(graph: WalkGraph, index: SiteIndex, origins: gpd.GeoDataFrame,
                  kinds: frozenset[str], *, limit_m: float | None = None,
                  min_ha: float = 0.0, parks_only: bool = False) -> pd.DataFrame:
    """Per-origin nearest qualifying site along the network (one Dijkstra pass).

    Columns (on the origins' index): ``network_m`` (NaN where none within reach), ``site_id``,
    ``status`` ('ok' | 'unsnapped' | 'beyond_limit' | 'unreachable'), ``row``, ``snap_m``.
    """
    mask = qualifying_mask(index.sites, min_ha=min_ha, kinds=kinds, parks_only=parks_only)
    result = nearest_site(graph, index.entrances_of(mask), limit_m=limit_m)
    d = origin_distances(graph, result, origins)
    net = d["network_m"].to_numpy(float)
    net = np.where(np.isfinite(net), net, np.nan)
    return pd.DataFrame({"network_m": net, "site_id": d["site_id"].to_numpy(object),
                         "status": d["status"].to_numpy(object), "row": d["row"].to_numpy(),
                         "snap_m": d["snap_m"].to_numpy(float)}, index=origins.index)


def measure_standard(graph: WalkGraph, index: SiteIndex, origins: gpd.GeoDataFrame,
                     origin_xy: np.ndarray, standard: Standard, speed_kmh: float,
                     ) -> pd.DataFrame:
    """Per-origin result for one standard, both ways of measuring.

    Columns: ``<key>_m`` (network metres to the nearest qualifying entrance, NaN beyond the
    standard's distance), ``<key>_ok`` (met along the network), ``<key>_straight_ok`` (met in a
    straight line to the site boundary, as the standard is written).
    """
    limit = standard.distance_m(speed_kmh)
    mask = qualifying_mask(index.sites, min_ha=standard.min_ha, kinds=standard.kinds,
                           parks_only=standard.parks_only)
    net = measure_class(graph, index, origins, standard.kinds, limit_m=limit,
                        min_ha=standard.min_ha, parks_only=standard.parks_only)
    straight, _ = index.straight_line(mask, origin_xy, max_m=limit)
    k = standard.key
    return pd.DataFrame({
        f"{k}_m": net["network_m"].to_numpy(),
        # The search stops at ``limit`` from the entrances; the snap to the home is added after.
        f"{k}_ok": ((net["status"] == "ok") & (net["network_m"] <= limit)).to_numpy(),
        f"{k}_straight_ok": np.isfinite(straight) & (straight <= limit),
    }, index=origins.index)
