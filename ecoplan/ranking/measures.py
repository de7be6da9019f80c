"""Raw, explainable measurements of each site: the numbers every score component is built from.

All geometry is done once, in the sites' metric CRS (``Sites.crs``): natural cover from the
site's component features, grid-point shares (quiet, secluded, away from playgrounds), paths
inside the site from the walk graph (length, step-free / surfaced / lit shares, loops), and the
nearest bus stop to an entrance. Scores (:mod:`ecoplan.ranking.components`) are then cheap,
pure arithmetic on this table, so changing weights never repeats the geometry.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ecoplan.network.graph import WalkGraph
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.ranking.sampling import grid_points
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import ranking as ranking_cfg
from ecoplan.sites import classify as C
from ecoplan.sites.amenities import poi_mask

#: Compass words for the direction of an entrance from the site's centre.
COMPASS = ("east", "north-east", "north", "north-west", "west", "south-west", "south",
           "south-east")


def measure_sites(sites: gpd.GeoDataFrame, entrances: gpd.GeoDataFrame, crs: str,
                  layers: OsmLayers, graph: WalkGraph) -> pd.DataFrame:
    """One row per site (index site_id) of raw measures; see the column list in each helper."""
    metric = sites.to_crs(crs)
    geoms = shapely.make_valid(metric.geometry.to_numpy())
    out = pd.DataFrame(index=pd.Index(sites["site_id"].to_numpy(), name="site_id"))
    out["area_ha"] = sites["area_ha"].to_numpy(dtype=float)
    out["n_entrances"] = sites["n_entrances"].to_numpy(dtype=int)
    for col in ranking_cfg.FACILITY_PARTS:
        out[col] = pd.to_numeric(sites[col], errors="coerce").fillna(0).to_numpy(dtype=int)
    out["categories"] = sites["categories"].fillna("").to_numpy()
    out = out.join(_nature(sites, geoms, layers, crs))
    out = out.join(_point_shares(sites, geoms, layers, graph, crs))
    out = out.join(_paths(sites, geoms, graph, crs))
    out = out.join(_bus(sites, geoms, entrances, layers, crs))
    return out


# --- nature -----------------------------------------------------------------------------------

def _nature(sites: gpd.GeoDataFrame, geoms: np.ndarray, layers: OsmLayers,
            crs: str) -> pd.DataFrame:
    """natural_share, mown_share (of site area), natural_kinds (';' by area), blue,
    nature_reserve (bools)."""
    n = len(sites)
    natural = np.zeros(n)
    mown = np.zeros(n)
    kinds = np.full(n, "", dtype=object)
    feats = C.classify(layers.features) if len(layers.features) else layers.features
    if len(feats):
        feats = feats.to_crs(crs)
        key = feats["osm_type"].astype(str).str[0] + feats["osm_id"].astype("int64").astype(str)
        polys = feats.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        fgeom = pd.Series(shapely.make_valid(feats.geometry.to_numpy()), index=key.to_numpy())
        fcat = pd.Series(feats["category"].to_numpy(), index=key.to_numpy())
        fpoly = pd.Series(polys, index=key.to_numpy())
        fgeom = fgeom[~fgeom.index.duplicated()]
        fcat = fcat[~fcat.index.duplicated()]
        fpoly = fpoly[~fpoly.index.duplicated()]
    comps = sites["components"].fillna("").to_numpy()
    cats = sites["categories"].fillna("").to_numpy()
    for i in range(n):
        ids = [c for c in str(comps[i]).split(";") if c]
        site_area = geoms[i].area
        if site_area <= 0:
            continue
        ids = [c for c in ids if len(feats) and c in fgeom.index]
        poly_ids = [c for c in ids if fpoly[c]]
        if not poly_ids:
            # A river/coast bank strip: its cover is the water's edge itself.
            own = [c for c in cats[i].split(";") if c]
            if own and all(c in ranking_cfg.NATURAL_COVER for c in own):
                natural[i] = 1.0
                kinds[i] = ";".join(own)
            continue
        by_cat: dict[str, list] = {}
        for c in poly_ids:
            by_cat.setdefault(fcat[c], []).append(fgeom[c])
        nat = [g for k, gs in by_cat.items() if k in ranking_cfg.NATURAL_COVER for g in gs]
        mow = [g for k, gs in by_cat.items() if k in ranking_cfg.MOWN_COVER for g in gs]
        nat_u = shapely.intersection(shapely.union_all(nat), geoms[i]) if nat else None
        if nat_u is not None:
            natural[i] = min(1.0, nat_u.area / site_area)
            areas = {k: shapely.union_all(gs).intersection(geoms[i]).area
                     for k, gs in by_cat.items() if k in ranking_cfg.NATURAL_COVER}
            kinds[i] = ";".join(k for k, a in sorted(areas.items(), key=lambda t: -t[1])
                                if a > 0)
        if mow:
            m = shapely.intersection(shapely.union_all(mow), geoms[i])
            if nat_u is not None:
                m = m.difference(nat_u)
            mown[i] = min(1.0 - natural[i], m.area / site_area)
    blue = np.array([bool(set(c.split(";")) & ranking_cfg.BLUE_CATEGORIES) for c in cats])
    reserve = np.array(["nature_reserve" in c.split(";") for c in cats])
    return pd.DataFrame({"natural_share": natural, "mown_share": mown, "natural_kinds": kinds,
                         "blue": blue, "nature_reserve": reserve},
                        index=sites["site_id"].to_numpy())


# --- grid-point shares: calm and privacy -------------------------------------------------------

def _point_shares(sites: gpd.GeoDataFrame, geoms: np.ndarray, layers: OsmLayers,
                  graph: WalkGraph, crs: str) -> pd.DataFrame:
    """quiet_share (>QUIET_ROAD_M from a busy road, railway or industrial land), road_m
    (site centre → nearest busy road; inf if none), aerodrome_share (≤AERODROME_NOISE_M of
    an airfield), quiet_corner_share (>QUIET_SPOT_M from a playground/pitch),
    secluded_share (>SECLUDED_PATH_M from any path), busy_spots (playgrounds/pitches inside
    or within QUIET_SPOT_M)."""
    n = len(sites)
    xy, owner = grid_points(geoms, ranking_cfg.SAMPLE_POINTS)
    pts = shapely.points(xy)
    counts = np.bincount(owner, minlength=n).astype(float)

    def share_far(lines: np.ndarray, dist: float) -> np.ndarray:
        near = np.zeros(len(pts), dtype=bool)
        if len(lines) and len(pts):
            hit = shapely.STRtree(lines).query(pts, predicate="dwithin", distance=dist)
            near[np.unique(hit[0])] = True
        far = np.bincount(owner, weights=(~near).astype(float), minlength=n)
        return np.divide(far, counts, out=np.ones(n), where=counts > 0)

    ways = layers.ways
    busy = ways[text(ways["highway"]).isin(ranking_cfg.BUSY_HIGHWAYS)] if len(ways) else ways
    busy_lines = busy.geometry.to_crs(crs).to_numpy() if len(busy) else np.empty(0, object)
    feats = layers.features
    noisy = feats.iloc[0:0]
    if len(feats) and {"railway", "landuse"} <= set(feats.columns):
        noisy = feats[text(feats["railway"]).isin(ranking_cfg.NOISY_RAILWAY)
                      | text(feats["landuse"]).isin(ranking_cfg.NOISY_LANDUSE)]
    noise = np.concatenate([busy_lines, noisy.geometry.to_crs(crs).to_numpy()]) if len(
        noisy) else busy_lines
    quiet = share_far(noise, ranking_cfg.QUIET_ROAD_M)
    centre = shapely.point_on_surface(geoms)
    road_m = np.full(n, np.inf)
    if len(busy_lines):
        idx, d = shapely.STRtree(busy_lines).query_nearest(centre, return_distance=True)
        road_m[idx[0]] = d

    aero = feats[text(feats["aeroway"]).isin({"aerodrome", "airfield"})] if (
        len(feats) and "aeroway" in feats.columns) else feats.iloc[0:0]
    aero_geoms = aero.geometry.to_crs(crs).to_numpy() if len(aero) else np.empty(0, object)
    aero_share = 1.0 - share_far(aero_geoms, ranking_cfg.AERODROME_NOISE_M)

    pois = layers.pois
    spots = pois[text(pois["leisure"]).isin(ranking_cfg.BUSY_LEISURE)] if len(pois) else pois
    spot_geoms = spots.geometry.to_crs(crs).to_numpy() if len(spots) else np.empty(0, object)
    corners = share_far(spot_geoms, ranking_cfg.QUIET_SPOT_M)
    n_spots = np.zeros(n, dtype=int)
    if len(spot_geoms):
        hit = shapely.STRtree(spot_geoms).query(geoms, predicate="dwithin",
                                                distance=ranking_cfg.QUIET_SPOT_M)
        n_spots = np.bincount(hit[0], minlength=n)

    edges = _edge_lines(graph, crs)
    secluded = share_far(edges, ranking_cfg.SECLUDED_PATH_M)
    return pd.DataFrame({
        "quiet_share": quiet, "road_m": road_m, "aerodrome_share": aero_share,
        "quiet_corner_share": corners, "busy_spots": n_spots, "secluded_share": secluded,
    }, index=sites["site_id"].to_numpy())


def _graph_xy(graph: WalkGraph, crs: str) -> np.ndarray:
    if graph.crs == crs:
        return graph.xy
    tr = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = tr.transform(graph.lonlat[:, 0], graph.lonlat[:, 1])
    return np.column_stack([x, y])


def _edge_lines(graph: WalkGraph, crs: str) -> np.ndarray:
    xy = _graph_xy(graph, crs)
    u, v = graph.edges["u_idx"].to_numpy(), graph.edges["v_idx"].to_numpy()
    return shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))


# --- paths inside the site ---------------------------------------------------------------------

def _paths(sites: gpd.GeoDataFrame, geoms: np.ndarray, graph: WalkGraph,
           crs: str) -> pd.DataFrame:
    """path_m (walkable length inside), step_free_share, surfaced_share, lit_share (of path_m),
    loops (independent cycles of the site's path network: edges − nodes + components)."""
    n = len(sites)
    xy = _graph_xy(graph, crs)
    e = graph.edges
    u, v = e["u_idx"].to_numpy(), e["v_idx"].to_numpy()
    mid = shapely.points((xy[u] + xy[v]) / 2)
    zones = shapely.buffer(geoms, ranking_cfg.INSIDE_TOLERANCE_M)
    hit = shapely.STRtree(zones).query(mid, predicate="within")
    pe, ps = hit[0], hit[1]  # edge row, site row
    length = e["length_m"].to_numpy(dtype=float)[pe]
    free = e["step_free"].to_numpy(dtype=bool)[pe]
    surf = text(e["surface"]).str.lower().isin(ranking_cfg.SURFACED).to_numpy()[pe] if (
        "surface" in e.columns) else np.zeros(len(pe), bool)
    lit = text(e["lit"]).str.lower().isin(ranking_cfg.LIT_VALUES).to_numpy()[pe] if (
        "lit" in e.columns) else np.zeros(len(pe), bool)
    total = np.bincount(ps, weights=length, minlength=n)

    def share(mask: np.ndarray) -> np.ndarray:
        part = np.bincount(ps, weights=length * mask, minlength=n)
        return np.divide(part, total, out=np.zeros(n), where=total > 0)

    loops = np.zeros(n, dtype=int)
    if len(pe):
        # Nodes are (site, graph node) pairs so sites sharing a boundary path stay separate.
        nu = ps.astype(np.int64) * graph.n_nodes + u[pe]
        nv = ps.astype(np.int64) * graph.n_nodes + v[pe]
        keys, inv = np.unique(np.concatenate([nu, nv]), return_inverse=True)
        k = len(keys)
        a, b = inv[: len(pe)], inv[len(pe):]
        _, lab = connected_components(coo_matrix((np.ones(len(pe)), (a, b)), shape=(k, k)),
                                      directed=False)
        node_site = keys // graph.n_nodes
        n_nodes = np.bincount(node_site, minlength=n)
        n_comp = np.bincount(node_site[np.unique(lab, return_index=True)[1]], minlength=n)
        n_edges = np.bincount(ps, minlength=n)
        loops = np.maximum(n_edges - n_nodes + n_comp, 0)
    return pd.DataFrame({
        "path_m": total, "step_free_share": share(free), "surfaced_share": share(surf),
        "lit_share": share(lit), "loops": loops,
    }, index=sites["site_id"].to_numpy())


# --- bus stops --------------------------------------------------------------------------------

def _bus(sites: gpd.GeoDataFrame, geoms: np.ndarray, entrances: gpd.GeoDataFrame,
         layers: OsmLayers, crs: str) -> pd.DataFrame:
    """bus_m (nearest bus stop to any entrance, straight line; inf if none) and bus_gate
    (compass direction of that entrance from the site's centre, '' for a single entrance)."""
    n = len(sites)
    bus_m = np.full(n, np.inf)
    gate = np.full(n, "", dtype=object)
    pois = layers.pois
    if len(pois) == 0 or len(entrances) == 0:
        return pd.DataFrame({"bus_m": bus_m, "bus_gate": gate},
                            index=sites["site_id"].to_numpy())
    stops = pois[poi_mask(pois, osm_cfg.BUS_STOP_TAGS)
                 | (text(pois["public_transport"]).eq("platform") & text(pois["bus"]).eq("yes"))]
    if len(stops) == 0:
        return pd.DataFrame({"bus_m": bus_m, "bus_gate": gate},
                            index=sites["site_id"].to_numpy())
    sxy = shapely.get_coordinates(stops.geometry.to_crs(crs).to_numpy())
    ents = entrances.to_crs(crs)
    exy = shapely.get_coordinates(ents.geometry.to_numpy())
    d, _ = cKDTree(sxy).query(exy, k=1)
    pos = pd.Series(np.arange(n), index=sites["site_id"].to_numpy())
    erow = ents["site_id"].map(pos).to_numpy()
    ok = ~pd.isna(erow)
    frame = pd.DataFrame({"site": erow[ok].astype(int), "d": d[ok], "e": np.flatnonzero(ok)})
    best = frame.loc[frame.groupby("site")["d"].idxmin()]
    bus_m[best["site"].to_numpy()] = best["d"].to_numpy()
    centre = shapely.get_coordinates(shapely.centroid(geoms))
    n_ent = np.bincount(frame["site"].to_numpy(), minlength=n)
    for s, e in zip(best["site"].to_numpy(), best["e"].to_numpy(), strict=True):
        if n_ent[s] > 1:
            dx, dy = exy[e] - centre[s]
            gate[s] = COMPASS[int(np.round(np.degrees(np.arctan2(dy, dx)) / 45)) % 8]
    return pd.DataFrame({"bus_m": bus_m, "bus_gate": gate}, index=sites["site_id"].to_numpy())
