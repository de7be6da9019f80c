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

from ecoplan.access.engine import (
    _column,
    connected_to_sources,
    network_status,
    place_entrances,
    source_distances,
)
from ecoplan.network.graph import WalkGraph
from ecoplan.network.snap import points_xy, snap_xy
from ecoplan.settings import access as access_cfg
from ecoplan.settings import network as network_cfg
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

    def subset(self, site_keep: np.ndarray, entrance_keep: np.ndarray) -> SiteIndex:
        """The index :meth:`build` makes from some of these sites and entrances (an access
        variant's), cut from this one: projection and boundary samples are per site, so
        they are the same numbers (issue 16: one projection for both variants)."""
        site_keep = np.asarray(site_keep, dtype=bool)
        new_pos = np.cumsum(site_keep) - 1
        keep = site_keep[self.sample_site]
        return SiteIndex(self.sites[site_keep].reset_index(drop=True),
                         self.entrances[np.asarray(entrance_keep, dtype=bool)],
                         self.polygons[site_keep], self.sample_xy[keep],
                         new_pos[self.sample_site[keep]])

    def entrances_of(self, mask: np.ndarray) -> gpd.GeoDataFrame:
        ids = self.sites.loc[mask, "site_id"]
        return self.entrances[self.entrances["site_id"].isin(ids)]

    def straight_line(self, mask: np.ndarray, xy: np.ndarray,
                      max_m: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(metres, site_id) from each point to the nearest qualifying site boundary.

        0 inside a site; NaN / None where no qualifying site lies within ``max_m`` (or the
        point is missing). Whether a distance is ≤ ``max_m`` is decided exactly.
        """
        return _Straight(self, xy).measure(mask, max_m)


class _Straight:
    """Straight lines from one set of points to many masks of one :class:`SiteIndex`.

    Why a class: the point-in-site test (one STRtree query over every site) and the KD-tree
    of each mask's boundary samples are the costly parts; they are computed once per points
    and per mask, not once per class and standard (issue 16, cold runs).
    """

    def __init__(self, index: SiteIndex, xy: np.ndarray) -> None:
        self.index = index
        self.ok = ~np.isnan(xy).any(axis=1)
        self.pts_xy = xy[self.ok]
        self.n = len(xy)
        self._pts: np.ndarray | None = None
        self._within: dict[bool, tuple[np.ndarray, np.ndarray]] = {}
        self._trees: dict[bytes, tuple[cKDTree, np.ndarray]] = {}
        self._queries: dict[bytes, tuple[float, np.ndarray, np.ndarray]] = {}

    @property
    def pts(self) -> np.ndarray:
        if self._pts is None:
            self._pts = shapely.points(self.pts_xy)
        return self._pts

    def within(self, *, in_order: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(point, site position) pairs: each point inside each site (point-in-polygon).

        Without ``in_order`` the points go in the tree and the sites are the (prepared)
        queries, 3× faster (issue 16): the same pairs, but a point inside two sites may list
        them the other way round, so it serves only callers that read distances."""
        if in_order not in self._within:
            if in_order:
                tree = shapely.STRtree(self.index.polygons)
                self._within[in_order] = tree.query(self.pts, predicate="within")
            else:
                site, point = shapely.STRtree(self.pts).query(self.index.polygons,
                                                              predicate="contains")
                self._within[in_order] = (point, site)
        return self._within[in_order]

    def samples(self, pos: np.ndarray, mask: np.ndarray, *,
                exact_ties: bool = True) -> tuple[cKDTree, np.ndarray]:
        """KD-tree of the boundary samples of the sites at ``pos`` (``mask``) and their owners.

        Without ``exact_ties`` the tree is built unbalanced and uncompacted, in half the time
        (issue 16): distances are the same, but of two samples at exactly the same distance
        (a ring's closing vertex, a boundary two sites share) it may name the other, so it
        serves only callers that read distances."""
        key = pos.tobytes() + bytes([exact_ties])
        if key not in self._trees:
            keep = mask[self.index.sample_site]
            xy = self.index.sample_xy[keep]
            tree = (cKDTree(xy) if exact_ties else
                    cKDTree(xy, balanced_tree=False, compact_nodes=False))
            self._trees[key] = (tree, self.index.sample_site[keep])
        return self._trees[key]

    def _query(self, kd: cKDTree, key: bytes, bound: float, reuse: bool,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Nearest sample (distance, position) of each point, exact up to ``bound`` (inf or
        farther beyond). With ``reuse`` a query of the same samples that looked at least as
        far is reused: its distances up to ``bound`` are these."""
        got = self._queries.get(key) if reuse else None
        if got is not None and got[0] >= bound:
            return got[1].copy(), got[2]
        if np.isfinite(bound):
            d, i = kd.query(self.pts_xy, k=1, distance_upper_bound=bound)
        else:
            d, i = kd.query(self.pts_xy, k=1)
        if reuse:
            self._queries[key] = (bound, d.copy(), i)
        return d, i

    def measure(self, mask: np.ndarray, max_m: float | None = None, *,
                want_site: bool = True, reach: float | None = None,
                ) -> tuple[np.ndarray, np.ndarray]:
        """(metres, site_id) per point (see :meth:`SiteIndex.straight_line`); site ids left
        None when not ``want_site``.

        ``reach`` (≥ ``max_m``): look that far, so a later call for the same sites with a
        ``max_m`` up to ``reach`` reuses the search (only without ``want_site``: of two
        samples at the same distance another search may name the other)."""
        dist = np.full(self.n, np.nan)
        sid = np.full(self.n, None, dtype=object)
        mask = np.asarray(mask, dtype=bool)
        pos = np.flatnonzero(mask)
        if len(pos) == 0 or not self.ok.any():
            return dist, sid
        kd, kept_site = self.samples(pos, mask, exact_ties=want_site)
        if len(kept_site) == 0:
            return dist, sid
        half = access_cfg.BOUNDARY_SAMPLE_M / 2
        # Points whose nearest sample lies beyond max_m + half fail whatever its distance, so
        # the tree need not look past that (a margin of 1 m keeps the band test below exact);
        # nearer samples come back exactly as from an unbounded query.
        far_m = None if max_m is None else max(max_m, reach or max_m)
        bound = np.inf if far_m is None else far_m + half + 1.0
        d, i = self._query(kd, pos.tobytes(), bound, reuse=not want_site)
        owner = kept_site[np.minimum(i, len(kept_site) - 1)]  # not found: d inf, never read
        # Inside a qualifying site: distance 0 (point-in-polygon, exact).
        p_all, s_all = self.within(in_order=want_site)
        sel = mask[s_all]
        p_in, s_in = p_all[sel], s_all[sel]
        d[p_in] = 0.0
        owner[p_in] = s_in
        if max_m is not None:
            # Samples overestimate by at most ``half``: re-measure the uncertain band exactly.
            band = np.flatnonzero((d > max_m) & (d - half <= max_m))
            if len(band):
                tree = shapely.STRtree(self.index.polygons[pos])
                (bi, bp), bd = tree.query_nearest(self.pts[band], max_distance=max_m,
                                                  return_distance=True, all_matches=False)
                d[band[bi]] = bd
                owner[band[bi]] = pos[bp]
            far = d > max_m
            d[far] = np.nan
        where = np.flatnonzero(self.ok)
        dist[where] = d
        if not want_site:
            return dist, sid
        got = np.isfinite(d)
        sid[where[got]] = self.index.sites["site_id"].to_numpy(dtype=object)[owner[got]]
        return dist, sid


#: A set of qualifying sites: (kinds, min_ha, parks_only).
MaskKey = tuple[frozenset[str], float, bool]


class Measurer:
    """Per-origin distances for many site classes and standards over one graph, sites and
    origins: the origins are projected and snapped, the entrances placed on the graph and the
    point-in-site test run once, then each set of qualifying sites costs one Dijkstra (issue
    16, cold runs). Results equal :func:`measure_class` / :func:`measure_standard` called one
    by one.

    Why one Dijkstra per set of sites, not per class and standard: a search limited to
    ``limit`` gives every node within ``limit`` the same distance as an unlimited one (weights
    are non-negative; scipy keeps nodes at exactly ``limit``) and inf beyond it, so a standard
    whose sites are those of a class (walk15_any and 'any') or of another standard with a
    longer limit (AGS doorstep and WHO 300 m) is cut from that search.
    """

    def __init__(self, graph: WalkGraph, index: SiteIndex, origins: gpd.GeoDataFrame,
                 xy: np.ndarray | None = None, *,
                 snapped: tuple[np.ndarray, np.ndarray] | None = None,
                 placement: pd.DataFrame | None = None) -> None:
        """``snapped`` (rows, snap_m of the origins) and ``placement`` (of ``index``'s
        entrances) may be passed when already known (:meth:`subset`)."""
        self.graph, self.index, self.origins = graph, index, origins
        self.xy = points_xy(graph, origins) if xy is None else xy
        self.rows, self.snap_m = (snapped if snapped is not None else
                                  snap_xy(graph, self.xy,
                                          max_snap_m=network_cfg.ORIGIN_MAX_SNAP_M))
        ents = index.entrances
        self.placement = place_entrances(graph, ents) if placement is None else placement
        self.site_ids = _column(ents, "site_id")
        self.entrance_ids = _column(ents, "entrance_id")
        codes = index.sites["site_id"].to_numpy(object)
        if pd.Index(codes).is_unique and "site_id" in ents.columns:
            self.entrance_site: np.ndarray | None = pd.Index(codes).get_indexer(
                ents["site_id"].to_numpy(object))
        else:  # ambiguous ids: match by value, as :meth:`SiteIndex.entrances_of` does
            self.entrance_site = None
        self.straight = _Straight(index, self.xy)
        self._masks: dict[MaskKey, np.ndarray] = {}
        self._takes: dict[MaskKey, tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]] = {}
        self._placed = {c: self.placement[c].to_numpy() for c in ("row_u", "row_v",
                                                                  "cost_u_m", "cost_v_m")}
        self._site_cols: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        self._runs: dict[MaskKey, tuple[float | None, np.ndarray, np.ndarray]] = {}
        self._want: dict[MaskKey, float] = {}

    def subset(self, site_keep: np.ndarray, entrance_keep: np.ndarray) -> Measurer:
        """A Measurer over some of the sites and entrances (an access variant), keeping the
        origins' snapping and the entrances' placement: both are per point, so they are what
        a Measurer built on the subset computes (issue 16)."""
        keep = np.asarray(entrance_keep, dtype=bool)
        return Measurer(self.graph, self.index.subset(site_keep, keep), self.origins, self.xy,
                        snapped=(self.rows, self.snap_m),
                        placement=self.placement[keep].reset_index(drop=True))

    def mask(self, key: MaskKey) -> np.ndarray:
        """:func:`qualifying_mask` of the sites, computed once per ``key`` from the columns
        read once (pandas' ``isin`` on the str dtype costs ~1 ms a call)."""
        if key not in self._masks:
            if self._site_cols is None:
                sites = self.index.sites
                park = (sites["park"].fillna(False).to_numpy(bool) if "park" in sites.columns
                        else np.zeros(len(sites), dtype=bool))
                self._site_cols = (
                    sites["access"].isin(access_cfg.ACCESSIBLE).to_numpy(),
                    sites["kind"].to_numpy(object),
                    pd.to_numeric(sites["area_ha"], errors="coerce").fillna(0).to_numpy(float),
                    park)
            accessible, kind, area, park = self._site_cols
            kinds, min_ha, parks_only = key
            mask = (accessible & np.fromiter((k in kinds for k in kind), dtype=bool,
                                             count=len(kind)) & (area >= min_ha))
            self._masks[key] = mask & park if parks_only else mask
        return self._masks[key]

    def plan(self, standards: tuple[Standard, ...], speed_kmh: float) -> None:
        """Say which standards will be measured, so sites shared by several standards are
        searched once, to the longest of their distances."""
        for s in standards:
            key = (s.kinds, s.min_ha, s.parks_only)
            self._want[key] = max(self._want.get(key, 0.0), s.distance_m(speed_kmh))

    def _entrance_mask(self, mask: np.ndarray) -> np.ndarray:
        if self.entrance_site is None:
            ids = self.index.sites.loc[mask, "site_id"]
            return self.index.entrances["site_id"].isin(ids).to_numpy(bool)
        pos = self.entrance_site
        return (pos >= 0) & np.asarray(mask, dtype=bool)[np.maximum(pos, 0)]

    def _take(self, key: MaskKey) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """(placement, site ids, origin connected to one of them) of ``key``'s entrances."""
        if key not in self._takes:
            take = self._entrance_mask(self.mask(key))
            placement = {c: v[take] for c, v in self._placed.items()}
            connected = connected_to_sources(self.graph, self.rows, placement)
            self._takes[key] = (placement, self.site_ids[take], connected)
        return self._takes[key]

    def _nodes(self, key: MaskKey, limit_m: float | None) -> tuple[np.ndarray, np.ndarray]:
        """(distance, entrance position) per graph node, searched to ``limit_m``."""
        run = self._runs.get(key)
        if run is None or (run[0] is not None and (limit_m is None or run[0] < limit_m)):
            reach = None if limit_m is None else max(limit_m, self._want.get(key, limit_m))
            dist, pos, _ = source_distances(self.graph, self._take(key)[0], limit_m=reach)
            run = self._runs[key] = (reach, dist, pos)  # reaches at least as far as before
        reach, dist, pos = run
        if limit_m is None or reach == limit_m:
            return dist, pos
        near = dist <= limit_m
        return np.where(near, dist, np.inf), np.where(near, pos, -1)

    def _arrays(self, key: MaskKey, limit_m: float | None) -> dict[str, np.ndarray]:
        """network_m, site_id, status, row, snap_m per origin (see :func:`measure_class`)."""
        dist, pos = self._nodes(key, limit_m)
        _, site_ids, connected = self._take(key)
        rows, snap_m = self.rows, self.snap_m
        # As snapped_distances does, over the origins' nodes only.
        network, status = network_status(rows, snap_m, dist, connected,
                                         limited=limit_m is not None)
        at = pos[np.maximum(rows, 0)]
        won = (rows >= 0) & (at >= 0)
        site = np.full(len(rows), None, dtype=object)
        site[won] = site_ids[at[won]]
        network = np.where(np.isfinite(network), network, np.nan)
        return {"network_m": network, "site_id": site, "status": status, "row": rows,
                "snap_m": snap_m}

    def class_arrays(self, kinds: frozenset[str], *, limit_m: float | None = None,
                     min_ha: float = 0.0, parks_only: bool = False) -> dict[str, np.ndarray]:
        """:meth:`measure_class` as arrays (no frame to build and read back)."""
        return self._arrays((kinds, min_ha, parks_only), limit_m)

    def measure_class(self, kinds: frozenset[str], *, limit_m: float | None = None,
                      min_ha: float = 0.0, parks_only: bool = False) -> pd.DataFrame:
        """See :func:`measure_class`."""
        return pd.DataFrame(self.class_arrays(kinds, limit_m=limit_m, min_ha=min_ha,
                                              parks_only=parks_only),
                            index=self.origins.index)

    def standard_arrays(self, standard: Standard, speed_kmh: float) -> dict[str, np.ndarray]:
        """:meth:`measure_standard` as arrays."""
        limit = standard.distance_m(speed_kmh)
        key = (standard.kinds, standard.min_ha, standard.parks_only)
        net = self._arrays(key, limit)
        straight, _ = self.straight.measure(self.mask(key), max_m=limit, want_site=False,
                                            reach=self._want.get(key))
        k = standard.key
        return {
            f"{k}_m": net["network_m"],
            # The search stops at ``limit`` from the entrances; the snap to the home is added
            # after.
            f"{k}_ok": (net["status"] == "ok") & (net["network_m"] <= limit),
            f"{k}_straight_ok": np.isfinite(straight) & (straight <= limit),
        }

    def measure_standard(self, standard: Standard, speed_kmh: float) -> pd.DataFrame:
        """See :func:`measure_standard`."""
        return pd.DataFrame(self.standard_arrays(standard, speed_kmh),
                            index=self.origins.index)


def measure_class(graph: WalkGraph, index: SiteIndex, origins: gpd.GeoDataFrame,
                  kinds: frozenset[str], *, limit_m: float | None = None,
                  min_ha: float = 0.0, parks_only: bool = False) -> pd.DataFrame:
    """Per-origin nearest qualifying site along the network (one Dijkstra pass).

    Columns (on the origins' index): ``network_m`` (NaN where none within reach), ``site_id``,
    ``status`` ('ok' | 'unsnapped' | 'beyond_limit' | 'unreachable'), ``row``, ``snap_m``.
    """
    return Measurer(graph, index, origins).measure_class(kinds, limit_m=limit_m,
                                                         min_ha=min_ha, parks_only=parks_only)


def measure_standard(graph: WalkGraph, index: SiteIndex, origins: gpd.GeoDataFrame,
                     origin_xy: np.ndarray, standard: Standard, speed_kmh: float,
                     ) -> pd.DataFrame:
    """Per-origin result for one standard, both ways of measuring.

    Columns: ``<key>_m`` (network metres to the nearest qualifying entrance, NaN beyond the
    standard's distance), ``<key>_ok`` (met along the network), ``<key>_straight_ok`` (met in a
    straight line to the site boundary, as the standard is written).
    """
    m = Measurer(graph, index, origins)
    m.straight = _Straight(index, origin_xy)
    return m.measure_standard(standard, speed_kmh)
