"""The walking graph dressed for route planning: per-edge green share, busy roads, lighting,
the landmarks at each node, and costs.

Why a separate layer over :class:`~ecoplan.network.graph.WalkGraph`: the access engine needs
plain lengths, a walk leader wants *pleasant* routes. Each edge gets

* ``green`` — the share of its length inside or within ``GREEN_BUFFER_M`` of a green/blue site
  (sampled every ``GREEN_SAMPLE_STEP_M`` along the segment, so a long edge half along a park
  counts half);
* ``busy`` — a trunk/primary/secondary/tertiary road (``BUSY_ROADS``);
* ``lit`` — ``lit=yes`` or similar.

The planning cost of an edge is ``length × factor`` where the factor grows for non-green
length and busy roads (settings ``NON_GREEN_FACTOR``, ``BUSY_ROAD_FACTOR``). With preferences
off the cost is the plain length: that is the honest "shortest" baseline the tests compare to.
Building one :class:`RouteNetwork` takes about a second for the Isle of Wight; reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import csr_array

from ecoplan import mapstyle
from ecoplan.errors import AreaError, EcoplanError
from ecoplan.network.graph import WalkGraph, build_walk_graph
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes.landmarks import Landmarks, find_landmarks
from ecoplan.settings import routes as routes_cfg
from ecoplan.sites.build import Sites


class RouteError(EcoplanError):
    """No route can be planned for these inputs (the message says why and what to try)."""


class NoStepFreeRouteError(RouteError):
    """No step-free route exists; ``alternatives`` holds the best routes that are not."""

    def __init__(self, message: str, alternatives: list | None = None) -> None:
        super().__init__(message)
        self.alternatives = list(alternatives or [])


@dataclass(frozen=True, eq=False)
class RouteNetwork:
    """A :class:`WalkGraph` plus the per-edge attributes and landmarks routing needs."""

    graph: WalkGraph
    green: np.ndarray  # (E,) share 0..1 of each edge in/along green or blue space
    busy: np.ndarray  # (E,) bool, busy road
    lit: np.ndarray  # (E,) bool, lit
    steps: np.ndarray  # (E,) bool, highway=steps or a blocking barrier on the edge
    edge_of_data: np.ndarray  # (nnz,) edge row of each stored entry of graph.csr
    landmarks: Landmarks
    bounds: tuple[float, float, float, float]  # lon/lat of the data (W, S, E, N)
    component_length_m: np.ndarray = field(repr=False)  # total edge length per component
    _cache: dict = field(default_factory=dict, repr=False)

    @property
    def length(self) -> np.ndarray:
        return self.graph.edges["length_m"].to_numpy(dtype=float)

    @property
    def road(self) -> np.ndarray:
        """(E,) bool: the edge is a road of any class the maps draw as a road (residential
        and service streets included; :mod:`ecoplan.mapstyle`)."""
        if "road" not in self._cache:
            self._cache["road"] = mapstyle.is_road(self.graph.edges["highway"]).to_numpy()
        return self._cache["road"]

    def loop_core(self, usable: np.ndarray, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Where loops can turn: each node's 2-edge-connected block (-1 = on no cycle) and each
        block's total edge length, over the ``usable`` edges (cached by ``key``).

        A node on a dead end or a pier is reached only across a *bridge* edge, so a loop that
        turns there must come back the same way; turning points are picked inside blocks.
        """
        if key not in self._cache:
            self._cache[key] = _two_edge_blocks(self.graph, usable, self.length)
        return self._cache[key]

    def edge_costs(self, *, preferences: bool = True, avoid_roads: bool = False,
                   lit_only: bool = False) -> np.ndarray:
        """Cost of each edge (inf = unusable) for the chosen options."""
        length = self.length
        factor = np.ones(len(length))
        if preferences:
            factor = factor + (routes_cfg.NON_GREEN_FACTOR - 1.0) * (1.0 - self.green)
            factor = np.where(self.busy, factor * routes_cfg.BUSY_ROAD_FACTOR, factor)
        if avoid_roads:
            factor = np.where(self.busy, factor * routes_cfg.AVOID_ROAD_FACTOR, factor)
        cost = length * factor
        if lit_only:
            cost = np.where(self.lit, cost, np.inf)
        return cost

    def cost_matrix(self, edge_cost: np.ndarray) -> csr_array:
        """A CSR matrix with ``graph.csr``'s structure and the given per-edge costs (inf edges
        are dropped, so Dijkstra never uses them)."""
        g = self.graph.csr
        data = edge_cost[self.edge_of_data]
        keep = np.isfinite(data)
        if keep.all():
            return csr_array((data, g.indices, g.indptr), shape=g.shape)
        rows = np.repeat(np.arange(g.shape[0]), np.diff(g.indptr))
        return csr_array((data[keep], (rows[keep], g.indices[keep])), shape=g.shape)


def prepare_network(layers: OsmLayers, sites: Sites | None, *, step_free: bool = False,
                    graph: WalkGraph | None = None) -> RouteNetwork:
    """Build (or reuse ``graph``) and annotate the walking graph for routing.

    ``sites`` is the result of ``build_sites``: its sites give the green share of each edge,
    its entrances are landmarks; ``None`` means no green/blue space is known.
    """
    frame = sites.sites if sites is not None else None
    entrances = sites.entrances if sites is not None else None
    if graph is None:
        graph = build_walk_graph(layers, step_free=step_free)
    elif graph.step_free != step_free:
        raise ValueError("graph.step_free does not match step_free")
    edges = graph.edges
    hw = edges["highway"].fillna("").astype(str)
    busy = hw.isin(routes_cfg.BUSY_ROADS).to_numpy()
    lit = edges["lit"].fillna("").astype(str).str.lower().isin(routes_cfg.LIT_VALUES).to_numpy()
    steps = (hw == "steps").to_numpy() | ~edges["step_free"].to_numpy(dtype=bool)
    g = graph.csr
    lookup = graph.edge_lookup
    if not (np.array_equal(g.indptr, lookup.indptr) and np.array_equal(g.indices, lookup.indices)):
        raise ValueError("graph.csr and graph.edge_lookup differ in structure")
    edge_of_data = np.asarray(lookup.data, dtype=np.int64) - 1
    comp_len = np.bincount(graph.component[edges["u_idx"].to_numpy()],
                           weights=edges["length_m"].to_numpy(dtype=float))
    try:
        bounds = tuple(float(b) for b in layers.bounds)
    except ValueError:
        lo, hi = graph.lonlat.min(axis=0), graph.lonlat.max(axis=0)
        bounds = (float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1]))
    return RouteNetwork(
        graph=graph, green=green_share(graph, frame), busy=busy, lit=lit, steps=steps,
        edge_of_data=edge_of_data, landmarks=find_landmarks(graph, layers.pois, frame, entrances),
        bounds=bounds, component_length_m=comp_len,  # type: ignore[arg-type]
    )


def green_share(graph: WalkGraph, sites: gpd.GeoDataFrame | None) -> np.ndarray:
    """Share of each edge's length inside or within ``GREEN_BUFFER_M`` of a site polygon."""
    n_edges = graph.n_edges
    if sites is None or len(sites) == 0 or n_edges == 0:
        return np.zeros(n_edges)
    geoms = sites.geometry
    if geoms.crs is None:
        geoms = geoms.set_crs("EPSG:4326")
    polys = geoms.to_crs(graph.crs).to_numpy()
    polys = polys[~(shapely.is_missing(polys) | shapely.is_empty(polys))]
    if len(polys) == 0:
        return np.zeros(n_edges)
    u = graph.edges["u_idx"].to_numpy()
    v = graph.edges["v_idx"].to_numpy()
    length = graph.edges["length_m"].to_numpy(dtype=float)
    n = np.maximum(1, np.ceil(length / routes_cfg.GREEN_SAMPLE_STEP_M).astype(np.int64))
    owner = np.repeat(np.arange(n_edges), n)
    first = np.cumsum(n) - n
    t = (np.arange(int(n.sum())) - first[owner] + 0.5) / n[owner]
    a, b = graph.xy[u][owner], graph.xy[v][owner]
    pts = shapely.points(a + t[:, None] * (b - a))
    hit_idx, _ = shapely.STRtree(polys).query(pts, predicate="dwithin",
                                              distance=routes_cfg.GREEN_BUFFER_M)
    hit = np.zeros(len(pts), dtype=bool)
    hit[hit_idx] = True
    return np.bincount(owner, weights=hit, minlength=n_edges) / n


def _two_edge_blocks(graph: WalkGraph, usable: np.ndarray,
                     length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2-edge-connected blocks: drop the bridges (networkx, ~0.5 s on the island) and label
    what stays connected (scipy)."""
    import networkx as nx
    from scipy.sparse.csgraph import connected_components

    u = graph.edges["u_idx"].to_numpy()[usable]
    v = graph.edges["v_idx"].to_numpy()[usable]
    ln = length[usable]
    g = nx.Graph()
    g.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    bridges = {(min(a, b), max(a, b)) for a, b in nx.bridges(g)}
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = np.array([(a, b) not in bridges for a, b in zip(lo.tolist(), hi.tolist(),
                                                           strict=True)], dtype=bool)
    n = graph.n_nodes
    m = csr_array((np.ones(int(keep.sum())), (u[keep], v[keep])), shape=(n, n))
    _, labels = connected_components(m, directed=False)
    on_cycle = np.zeros(n, dtype=bool)
    on_cycle[u[keep]] = True
    on_cycle[v[keep]] = True
    labels = np.where(on_cycle, labels, -1)
    block_len = np.bincount(labels[u[keep]], weights=ln[keep],
                            minlength=int(labels.max()) + 1 if n else 0)
    return labels, block_len


def node_path_edges(network: RouteNetwork, path: np.ndarray) -> np.ndarray:
    """Edge rows along a node path (raises if two consecutive nodes are not adjacent)."""
    rows = network.graph.edge_rows(path)
    if (rows < 0).any():
        raise ValueError("path has consecutive nodes without an edge between them")
    return rows


def check_inside(network: RouteNetwork, lon: float, lat: float, what: str = "start") -> None:
    """Raise :class:`AreaError` for coordinates outside the loaded data."""
    w, s, e, n = network.bounds
    if not (np.isfinite(lon) and np.isfinite(lat)) or not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise AreaError(f"The {what} ({lat}, {lon}) is not a valid latitude, longitude: give "
                        "them as LAT,LON in degrees, e.g. 50.7330,-1.1580.")
    pad = 0.01  # degrees (~1 km): a point just off the coast is still "in" the data
    if not (w - pad <= lon <= e + pad and s - pad <= lat <= n + pad):
        raise AreaError(
            f"The {what} ({lat:.5f}, {lon:.5f}) is outside the map data, which covers latitude "
            f"{s:.4f} to {n:.4f} and longitude {w:.4f} to {e:.4f}: choose a point inside it or "
            "load a larger extract (note LAT,LON order)."
        )


def snap_start(network: RouteNetwork, lon: float, lat: float, *, what: str = "start",
               min_component_m: float = 0.0,
               allowed: np.ndarray | None = None,
               kind: str = "walkable") -> tuple[int, float]:
    """Nearest usable node row to (lon, lat) and its distance, metres.

    Prefers the nearest node whose connected component holds at least ``min_component_m`` of
    path (a start beside an isolated 50 m path fragment snaps to the real network instead).
    """
    check_inside(network, lon, lat, what)
    graph = network.graph
    xy = graph.project(np.array([[lon, lat]]))[0]
    limit = routes_cfg.MAX_START_SNAP_M
    idx = np.asarray(graph.kdtree.query_ball_point(xy, r=limit), dtype=np.int64)
    if allowed is not None:
        idx = idx[allowed[idx]]
    if len(idx) == 0:
        pool = np.flatnonzero(allowed) if allowed is not None else np.arange(graph.n_nodes)
        if len(pool):
            d = np.hypot(*(graph.xy[pool] - xy).T)
            near = pool[int(np.argmin(d))]
            lo, la = graph.lonlat[near]
            far = f"{float(d.min()):,.0f} m from the nearest {kind} path"
            hint = f", e.g. {la:.5f},{lo:.5f}"
        else:
            far, hint = f"more than {limit:.0f} m from any {kind} path", ""
        raise RouteError(f"The {what} ({lat:.5f}, {lon:.5f}) is {far} (limit {limit:.0f} m): "
                         f"choose a point nearer a path{hint}.")
    dist = np.hypot(*(graph.xy[idx] - xy).T)
    order = np.argsort(dist, kind="stable")
    idx, dist = idx[order], dist[order]
    comp_len = network.component_length_m[graph.component[idx]]
    good = comp_len >= min_component_m
    # the nearest node on a large enough network, else the nearby node on the largest one
    pick = int(np.flatnonzero(good)[0]) if good.any() else int(np.argmax(comp_len))
    return int(idx[pick]), float(dist[pick])


def component_of(network: RouteNetwork, row: int) -> np.ndarray:
    """Boolean mask of the nodes connected to ``row``."""
    return network.graph.component == network.graph.component[row]


__all__ = [
    "RouteError", "NoStepFreeRouteError", "RouteNetwork", "prepare_network", "green_share",
    "node_path_edges", "check_inside", "snap_start", "component_of",
]
