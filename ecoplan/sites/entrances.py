"""Where people can get into each site: entrances, not centroids (docs/architecture.md#sites).

Four sources, best first:

1. ``tagged``: gates/entrances mapped in OSM on the site boundary and on the walk network;
2. ``crossing``: where a walkable way crosses or runs along the boundary;
3. ``open_edge``: open land (greens, commons, woods, shores, banks: ``OPEN_LAND_CATEGORIES``)
   can be entered anywhere along an unfenced edge that a path or pavement runs beside:
   boundary points every 20 m within 25 m of a walkable way, where the step across crosses
   no building, fence, railway or river (the GHSCI method, applied to open land only). Sites
   fenced along most of their outline (barrier ways), gardens, and parks with mapped gates
   are *gated*: entered only at gates and crossings;
4. ``near_network``: for sites none of the above reaches, boundary points every 20 m that lie
   within 30 m of a walkable way — flagged, since nobody mapped a way in.

Each entrance records the network segment it sits on (``edge_u``/``edge_v`` and the distance
along it to each end) so the access engine can start exactly there, not at the nearest node.
Open-edge points are thinned without changing any walking distance: per site and network
node, only the point cheapest to reach that node from is kept.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.network.walkable import walkable_mask
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.settings import osm as osm_cfg
from ecoplan.sites.along import points_along

ENTRANCE_COLUMNS = ["site_id", "entrance_id", "source", "node_id", "edge_u", "edge_v",
                    "dist_u_m", "dist_v_m", "snap_m", "confirmed", "geometry"]
SOURCE_RANK = {"tagged": 0, "crossing": 1, "open_edge": 2, "near_network": 3}
#: How a site is entered (``Sites.sites['entry']``).
OPEN, GATED = "open", "gated"
ENTRY_COLUMNS = ["site_id", "entry", "open_edge_m", "fenced_share"]


@dataclass(frozen=True)
class SiteEntrances:
    """Entrances (``ENTRANCE_COLUMNS``) and, per site, how it is entered (``ENTRY_COLUMNS``):
    ``entry`` 'open' or 'gated', ``open_edge_m`` metres of outline a path runs beside, and
    ``fenced_share`` the share of the outline along mapped fences, walls or hedges."""

    entrances: gpd.GeoDataFrame
    entry: pd.DataFrame


def empty_entrances(crs) -> gpd.GeoDataFrame:
    cols = [c for c in ENTRANCE_COLUMNS if c != "geometry"]
    return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                            geometry=gpd.GeoSeries([], crs=crs), crs=crs)


def find_entrances(sites: gpd.GeoDataFrame, layers: OsmLayers, crs: str, *,
                   open_edges: bool = True) -> gpd.GeoDataFrame:
    """Entrances of every site (``sites`` in the projected ``crs``); result in ``crs``."""
    return site_entrances(sites, layers, crs, open_edges=open_edges).entrances


def site_entrances(sites: gpd.GeoDataFrame, layers: OsmLayers, crs: str, *,
                   open_edges: bool = True, walkable: pd.Series | None = None
                   ) -> SiteEntrances:
    """Entrances and entry kind of every site (``sites`` in the projected ``crs``).

    ``open_edges=False`` is the older model (gates, crossings, and the flagged fallback only),
    kept to measure what open edges change (``benchmarks/bench_entrances.py``). Sites without
    a ``categories`` column (a drawn what-if site) count as open land. ``walkable`` is
    :func:`~ecoplan.network.walkable.walkable_mask` of ``layers.ways`` when already known.
    """
    walk = walkable_mask(layers.ways) if walkable is None else walkable
    # Three columns first, then the rows: selecting rows of all 31 columns cost more.
    ways = layers.ways[["u", "v", "geometry"]][walk]
    entry = _entry_frame(sites)
    if len(sites) == 0 or len(ways) == 0:
        return SiteEntrances(empty_entrances(crs), entry)
    edges = ways.to_crs(crs).reset_index(drop=True)
    boundaries = gpd.GeoDataFrame({"site_id": sites.site_id.to_numpy()},
                                  geometry=sites.geometry.boundary.to_numpy(), crs=crs)
    # Crossings are found on a second thread while the rest goes on here: both are mostly
    # GEOS work, which runs without the GIL (a cold run's sites step, issue 16).
    _ = boundaries.sindex  # built once here, not by both threads at once
    edge_tree = shapely.STRtree(edges.geometry.to_numpy())  # shared by the helpers below
    with ThreadPoolExecutor(max_workers=1) as pool:
        crossing_job = pool.submit(_crossings, boundaries, edges)
        tagged = _tagged(boundaries, layers, edges, crs)
        edge_pts = _open_found(sites, boundaries, layers, edges, crs, tagged, entry,
                               open_edges, walk, edge_tree)
        crossings = crossing_job.result()
    cand = pd.concat([f for f in (tagged, crossings) if len(f)], ignore_index=True) if any(
        len(f) for f in (tagged, crossings)) else empty_entrances(crs)
    reached = set(cand.site_id.to_numpy(dtype=object)) | (
        set(edge_pts.site_id.to_numpy(dtype=object)) if len(edge_pts) else set())
    missing = boundaries[~boundaries.site_id.isin(reached)]
    fallback = _near_network(missing, edges, edge_tree)
    if len(fallback):
        cand = pd.concat([cand, fallback], ignore_index=True)
    if len(cand) == 0 and len(edge_pts) == 0:
        return SiteEntrances(empty_entrances(crs), entry)
    parts = []
    if len(cand):
        parts.append(_merge_close(gpd.GeoDataFrame(cand, geometry="geometry", crs=crs),
                                  osm_cfg.ENTRANCE_MERGE_M))
    if len(edge_pts):
        parts.append(edge_pts)
    out = pd.concat(parts, ignore_index=True)
    out = out.assign(_rank=out.source.map(SOURCE_RANK), _snap=out.snap_m.astype(float))
    out = out.sort_values(["site_id", "_rank", "_snap"], kind="stable").drop(
        columns=["_rank", "_snap"])
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=crs)
    out["entrance_id"] = out.site_id + "/e" + out.groupby("site_id").cumcount().add(1).astype(str)
    out["confirmed"] = _confirmed_by_site(sites, out)
    return SiteEntrances(out[ENTRANCE_COLUMNS].reset_index(drop=True), entry)


def _open_found(sites: gpd.GeoDataFrame, boundaries: gpd.GeoDataFrame, layers: OsmLayers,
                edges: gpd.GeoDataFrame, crs: str, tagged: pd.DataFrame, entry: pd.DataFrame,
                open_edges: bool, walkable: pd.Series, edge_tree: shapely.STRtree
                ) -> pd.DataFrame:
    """Open-edge entrances; fills ``entry`` (fenced share, entry kind, open edge metres)."""
    samples = _samples(boundaries, osm_cfg.OPEN_EDGE_SPACING_M)
    barriers = _barrier_lines(layers, crs)
    fenced = _near_any(samples["point"], barriers, osm_cfg.FENCE_NEAR_M)
    entry["fenced_share"] = _share_by_site(samples, fenced, len(sites))
    gated = _gated(sites, entry["fenced_share"].to_numpy(), tagged)
    entry["entry"] = np.where(gated, GATED, OPEN)
    edge_pts = pd.DataFrame()
    if open_edges:
        use = ~fenced & ~gated[samples["site"]]
        blockers = _step_blockers(layers, crs, barriers, walkable)
        edge_pts, length = _open_edges(samples, use, boundaries, edges, blockers, edge_tree)
        entry["open_edge_m"] = np.bincount(samples["site"][use], weights=length,
                                           minlength=len(sites))
    else:
        entry["entry"] = GATED
    return edge_pts


def _confirmed_by_site(sites: gpd.GeoDataFrame, ents: pd.DataFrame) -> np.ndarray:
    """First guess at ``confirmed``: the site is public or permissive; a site without an
    ``access`` column (a drawn what-if proposal) is meant to be public. Refined by
    :func:`ecoplan.sites.evidence.apply_evidence`."""
    if "access" not in sites.columns:
        return np.ones(len(ents), dtype=bool)
    ok = sites.set_index("site_id")["access"].isin(["public", "permissive"])
    return ents["site_id"].map(ok).fillna(False).to_numpy(dtype=bool).copy()


def _entry_frame(sites: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame({"site_id": sites.site_id.to_numpy(), "entry": GATED,
                         "open_edge_m": 0.0, "fenced_share": 0.0})


def _gated(sites: gpd.GeoDataFrame, fenced_share: np.ndarray, tagged: pd.DataFrame
           ) -> np.ndarray:
    """Sites entered only at gates: fenced outline, not open land, or a park with gates."""
    if "categories" not in sites.columns:
        lead = pd.Series("", index=sites.index)
        open_land = np.ones(len(sites), dtype=bool)
    else:
        lead = text(sites["categories"]).str.split(";").str[0]
        open_land = lead.isin(osm_cfg.OPEN_LAND_CATEGORIES).to_numpy()
    has_gate = sites.site_id.isin(tagged.site_id if len(tagged) else []).to_numpy()
    gates_fence = lead.isin(osm_cfg.GATES_MEAN_FENCED).to_numpy() & has_gate
    return (fenced_share >= osm_cfg.FENCED_SHARE) | ~open_land | gates_fence


def _samples(boundaries: gpd.GeoDataFrame, spacing: float) -> dict[str, np.ndarray]:
    """Points evenly along every outline (holes too), each standing for ``step`` metres."""
    parts, owner = shapely.get_parts(boundaries.geometry.to_numpy(), return_index=True)
    lengths = shapely.length(parts)
    n = np.maximum(1, np.floor(lengths / spacing)).astype(np.int64)
    n[lengths <= 0] = 0
    rep = np.repeat(np.arange(len(parts)), n)
    k = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
    step = (lengths / np.maximum(n, 1))[rep]
    pts = points_along(parts, rep, (k + 0.5) * step)
    return {"point": pts, "site": owner[rep], "step": step}


def _share_by_site(samples: dict[str, np.ndarray], flag: np.ndarray, n: int) -> np.ndarray:
    total = np.bincount(samples["site"], weights=samples["step"], minlength=n)
    hit = np.bincount(samples["site"], weights=samples["step"] * flag, minlength=n)
    return np.divide(hit, total, out=np.zeros(n), where=total > 0)


def _near_any(points: np.ndarray, geoms: np.ndarray, distance: float) -> np.ndarray:
    out = np.zeros(len(points), dtype=bool)
    if len(points) == 0 or len(geoms) == 0:
        return out
    hit, _ = shapely.STRtree(geoms).query(points, predicate="dwithin", distance=distance)
    out[hit] = True
    return out


def _barrier_lines(layers: OsmLayers, crs: str) -> np.ndarray:
    """Fences, walls and hedges as lines (a closed hedge read as an area: its outline)."""
    feats = layers.features
    if "barrier" not in feats.columns or len(feats) == 0:
        return np.empty(0, dtype=object)
    hit = feats[text(feats["barrier"]).isin(osm_cfg.FENCE_BARRIERS)]
    if len(hit) == 0:
        return np.empty(0, dtype=object)
    geoms = hit.geometry.to_crs(crs).to_numpy()
    poly = shapely.get_dimensions(geoms) == 2
    geoms[poly] = shapely.boundary(geoms[poly])
    return geoms


def _step_blockers(layers: OsmLayers, crs: str, barriers: np.ndarray, walkable: pd.Series
                   ) -> np.ndarray:
    """What the step from a path onto open land may not cross (``osm_cfg.STEP_BLOCKERS``)."""
    parts = [barriers]
    if len(layers.buildings):
        parts.append(layers.buildings.geometry.to_crs(crs).to_numpy())
    feats = layers.features
    hit = pd.Series(False, index=feats.index)
    for key, value in osm_cfg.STEP_BLOCKERS:
        if key in feats.columns:
            hit |= text(feats[key]).eq(value)
    if hit.any():
        parts.append(feats[hit].geometry.to_crs(crs).to_numpy())
    closed = layers.ways.geometry[~walkable]
    if len(closed):
        parts.append(closed.geometry.to_crs(crs).to_numpy())
    geoms = np.concatenate([p for p in parts if len(p)]) if any(len(p) for p in parts) else (
        np.empty(0, dtype=object))
    return geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]


def _open_edges(samples: dict[str, np.ndarray], use: np.ndarray,
                boundaries: gpd.GeoDataFrame, edges: gpd.GeoDataFrame,
                blockers: np.ndarray, edge_tree: shapely.STRtree
                ) -> tuple[pd.DataFrame, np.ndarray]:
    """Open-edge entrances, and per used sample the metres of edge it stands for (0 where
    no way is near or the step is blocked)."""
    idx = np.flatnonzero(use)
    length = np.zeros(len(idx))
    if len(idx) == 0:
        return pd.DataFrame(), length
    pts = samples["point"][idx]
    edge_geom = edges.geometry.to_numpy()
    pi, ei, dist = _nearest_edge(pts, edge_geom, osm_cfg.OPEN_EDGE_MAX_M, edge_tree)
    if len(pi) == 0:
        return pd.DataFrame(), length
    step = shapely.shortest_line(pts[pi], edge_geom[ei])
    ok = np.ones(len(pi), dtype=bool)
    if len(blockers):
        crossed, _ = shapely.STRtree(blockers).query(step, predicate="crosses")
        ok[crossed] = False
    pi, ei, dist = pi[ok], ei[ok], dist[ok]
    length[pi] = samples["step"][idx[pi]]
    site = samples["site"][idx[pi]]
    pairs = pd.DataFrame({"site_id": boundaries.site_id.to_numpy()[site],
                          "u": edges["u"].to_numpy()[ei], "v": edges["v"].to_numpy()[ei]})
    found = _on_edges(pairs, edge_geom[ei], pts[pi], "open_edge", snap=dist)
    return _thin(found), length


def _nearest_edge(pts: np.ndarray, edge_geom: np.ndarray, max_m: float,
                  tree: shapely.STRtree | None = None
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point with a segment within ``max_m``: its index, the nearest segment, distance.

    A tie (the nearest point is a node two segments share) goes to the first segment, not
    to whichever the tree finds first, so it does not depend on the rest of the map. The
    distances are GEOS's, as ``STRtree.query_nearest`` gives them, but measured only to the
    segments within reach (a third of the cost, issue 16); a point whose nearest segment is
    exactly ``max_m`` away is left to ``query_nearest`` itself, whose edge rule it is.
    """
    tree = shapely.STRtree(edge_geom) if tree is None else tree
    pi, ei = tree.query(pts, predicate="dwithin", distance=max_m)
    dist = shapely.distance(pts[pi], edge_geom[ei])
    order = np.lexsort((ei, dist, pi))
    first = order[np.r_[True, pi[order][1:] != pi[order][:-1]]] if len(pi) else order
    pi, ei, dist = pi[first], ei[first], dist[first]
    edge = dist >= max_m
    if edge.any():
        (qp, qe), qd = tree.query_nearest(pts[pi[edge]], max_distance=max_m,
                                          return_distance=True, all_matches=True)
        best = np.lexsort((qe, qp))
        best = best[np.r_[True, qp[best][1:] != qp[best][:-1]]] if len(qp) else best
        found = np.zeros(int(edge.sum()), dtype=bool)
        found[qp[best]] = True
        at = np.flatnonzero(edge)
        ei[at[qp[best]]], dist[at[qp[best]]] = qe[best], qd[best]
        keep = np.ones(len(pi), dtype=bool)
        keep[at[~found]] = False
        pi, ei, dist = pi[keep], ei[keep], dist[keep]
    return pi, ei, dist


def _thin(found: pd.DataFrame) -> pd.DataFrame:
    """Per site and network node keep only the point cheapest to reach that node from: a
    multi-source Dijkstra takes the minimum over entrances, so no walking distance to any
    site changes (each kept point still joins both ends of its segment)."""
    if len(found) == 0:
        return found
    row = np.tile(np.arange(len(found)), 2)
    site = np.tile(pd.factorize(found["site_id"])[0], 2)
    node = np.concatenate([found["edge_u"].to_numpy(), found["edge_v"].to_numpy()])
    snap = found["snap_m"].to_numpy()
    cost = np.concatenate([snap + found["dist_u_m"].to_numpy(),
                           snap + found["dist_v_m"].to_numpy()])
    # Cheapest first per (site, node); a tie keeps the earlier row (lexsort is stable).
    order = np.lexsort((cost, node, site))
    s, n = site[order], node[order]
    first = order[np.r_[True, (s[1:] != s[:-1]) | (n[1:] != n[:-1])]]
    return found.iloc[np.unique(row[first])].reset_index(drop=True)


def _tagged(boundaries: gpd.GeoDataFrame, layers: OsmLayers, edges: gpd.GeoDataFrame,
            crs: str) -> pd.DataFrame:
    pois = layers.pois
    hit = pd.Series(False, index=pois.index)
    for key, value in osm_cfg.ENTRANCE_TAGS:
        hit |= pois[key].notna() if value is None else pois[key].eq(value)
    gates = pois[hit & pois.osm_type.eq("node")]
    gates = gates[gates.osm_id.isin(edges["u"]) | gates.osm_id.isin(edges["v"])]
    if len(gates) == 0:
        return pd.DataFrame()
    gates = gates[["osm_id", "geometry"]].to_crs(crs)
    near = gpd.sjoin_nearest(gates, boundaries, max_distance=osm_cfg.ENTRANCE_TAGGED_MAX_M,
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
    tol = osm_cfg.BOUNDARY_TOUCH_M
    edge_i, bnd_i = _within_tolerance(edges.geometry.to_numpy(),
                                      boundaries.geometry.to_numpy(), tol)
    if len(edge_i) == 0:
        return pd.DataFrame()
    pairs = pd.DataFrame({"u": edges["u"].to_numpy()[edge_i], "v": edges["v"].to_numpy()[edge_i],
                          "site_id": boundaries["site_id"].to_numpy()[bnd_i]})
    edge_geom = edges.geometry.to_numpy()[edge_i]
    bnd_geom = boundaries.geometry.to_numpy()[bnd_i]
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


def _within_tolerance(edges: np.ndarray, outlines: np.ndarray, tol: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(edge, outline) index pairs within ``tol`` of each other, ordered by edge then outline.

    Why not one tree query of edges against outlines: a coastline's box holds most of the
    island's paths, and measuring each path's distance to a thousands-vertex outline was the
    costliest part of finding crossings (issue 16). Outline segments near a path (a cheap
    query of two-point lines, at twice the tolerance so rounding cannot lose one) tell which
    outlines to measure; the distance test itself is the same GEOS ``dwithin``.
    """
    parts, part_outline = shapely.get_parts(outlines, return_index=True)
    xy, vertex_part = shapely.get_coordinates(parts, return_index=True)
    seg = np.flatnonzero(vertex_part[1:] == vertex_part[:-1])
    if len(seg) == 0 or len(edges) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    segments = shapely.linestrings(np.stack([xy[seg], xy[seg + 1]], axis=1))
    seg_outline = part_outline[vertex_part[seg]].astype(np.int64)
    ei, si = shapely.STRtree(segments).query(edges, predicate="dwithin", distance=2 * tol)
    key = np.unique(ei.astype(np.int64) * len(outlines) + seg_outline[si])
    edge_i, outline_i = key // len(outlines), key % len(outlines)
    ok = shapely.dwithin(edges[edge_i], outlines[outline_i], tol)
    return edge_i[ok], outline_i[ok]


def _first_part(geoms: np.ndarray) -> np.ndarray:
    """First point or line of each (multi-)geometry, as something interpolable."""
    first = shapely.get_geometry(geoms, 0)
    first = np.where(shapely.is_missing(first), geoms, first)
    # Points cannot be interpolated along; turn them into zero-length lines.
    is_point = shapely.get_type_id(first) == 0
    coords = shapely.get_coordinates(first[is_point])
    first[is_point] = shapely.linestrings(np.repeat(coords, 2, axis=0).reshape(-1, 2, 2))
    return first


def _near_network(boundaries: gpd.GeoDataFrame, edges: gpd.GeoDataFrame,
                  edge_tree: shapely.STRtree) -> pd.DataFrame:
    if len(boundaries) == 0:
        return pd.DataFrame()
    dense = shapely.segmentize(boundaries.geometry.to_numpy(), osm_cfg.FALLBACK_SPACING_M)
    coords, owner = shapely.get_coordinates(dense, return_index=True)
    pts = shapely.points(coords)
    # The nearest segment within reach, the first the tree lists on a tie (as sjoin_nearest
    # on the same tree did).
    (pi, ei), snap = edge_tree.query_nearest(pts, max_distance=osm_cfg.FALLBACK_MAX_SNAP_M,
                                             return_distance=True, all_matches=True)
    if len(pi) == 0:
        return pd.DataFrame()
    first = np.sort(np.unique(pi, return_index=True)[1])
    pi, ei, snap = pi[first], ei[first], snap[first]
    pairs = pd.DataFrame({"site_id": boundaries.site_id.to_numpy()[owner[pi]],
                          "u": edges["u"].to_numpy()[ei], "v": edges["v"].to_numpy()[ei]})
    return _on_edges(pairs, edges.geometry.to_numpy()[ei], pts[pi], "near_network", snap=snap)


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
    xy = shapely.get_coordinates(cand.geometry.to_numpy())
    site = pd.factorize(cand.site_id)[0]
    # Pairs of the same site closer than ``radius``: the tree finds those within a hair
    # more; the test is the np.hypot the one-by-one loop used (a pair exactly ``radius``
    # apart is not close).
    pts = shapely.points(xy)
    a, b = shapely.STRtree(pts).query(pts, predicate="dwithin", distance=radius * (1 + 1e-9))
    later = (a > b) & (site[a] == site[b])
    a, b = a[later], b[later]
    close = np.hypot(*(xy[b] - xy[a]).T) < radius
    earlier: dict[int, list[int]] = {}
    for i, j in zip(a[close].tolist(), b[close].tolist(), strict=True):
        earlier.setdefault(i, []).append(j)
    keep = np.zeros(len(cand), dtype=bool)
    for i in range(len(cand)):  # in rank order: kept unless near an entrance kept before
        keep[i] = not any(keep[j] for j in earlier.get(i, ()))
    return cand[keep].drop(columns=["_rank", "_snap"])
