"""A-to-B walks: the cheapest path between two points with the same preferences as loops
(green and blue space preferred, busy roads penalised, optional step-free / lit / avoid
roads; see :mod:`ecoplan.routes.network` for the costs)."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from ecoplan.access.speeds import resolve_speed
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes.model import Route
from ecoplan.routes.network import NoStepFreeRouteError, RouteError, RouteNetwork, snap_start
from ecoplan.routes.planner import RoutePlanner, make_route
from ecoplan.routes.scoring import measure
from ecoplan.settings import routes as routes_cfg
from ecoplan.sites.build import Sites


def plan_route(layers: OsmLayers, sites: Sites | None, start_lonlat: tuple[float, float],
               end_lonlat: tuple[float, float],
               *, speed_kmh: float | str | None = None, step_free: bool = False,
               lit_only: bool = False, avoid_roads: bool = False, preferences: bool = True,
               planner: RoutePlanner | None = None, start_name: str = "Start",
               title: str = "") -> Route:
    """The preferred walking route from ``start_lonlat`` to ``end_lonlat`` (lon, lat).

    Raises :class:`RouteError` when a point is off the network or the two are not connected,
    and :class:`NoStepFreeRouteError` (with the best route that is not step-free in
    ``alternatives``) when only step-free was impossible.
    """
    speed = resolve_speed(speed_kmh)
    planner = planner or RoutePlanner(layers, sites)
    kw = dict(lit_only=lit_only, avoid_roads=avoid_roads, preferences=preferences)
    try:
        net = planner.network(step_free=step_free)
        path, m = find_path(net, start_lonlat, end_lonlat, **kw)
    except RouteError as err:
        if not step_free:
            raise
        try:
            net = planner.network(step_free=False)
            path, m = find_path(net, start_lonlat, end_lonlat, **kw)
        except EcoplanError as plain:
            # Not step-free's fault: the same request fails without it; say why, once (#5).
            raise RouteError(str(plain)) from err
        alt = make_route(net, path, m, speed=speed, start_name=start_name, title=title)
        raise NoStepFreeRouteError(
            f"No step-free route between these points ({str(err).rstrip('.')}). The best route "
            f"with obstacles is {alt.length_m / 1000:.1f} km with {m['obstacles']:.0f} "
            "steps/stile/kissing-gate segments: re-run without step-free to use it.", [alt],
        ) from err
    return make_route(net, path, m, speed=speed, start_name=start_name, title=title)


def find_path(net: RouteNetwork, start_lonlat: tuple[float, float],
              end_lonlat: tuple[float, float], *, lit_only: bool = False,
              avoid_roads: bool = False, preferences: bool = True
              ) -> tuple[np.ndarray, dict[str, float]]:
    """Node rows of the cheapest path and its measures."""
    cost = net.edge_costs(preferences=preferences, avoid_roads=avoid_roads, lit_only=lit_only)
    usable = np.zeros(net.graph.n_nodes, dtype=bool)
    ok = np.isfinite(cost)
    usable[net.graph.edges["u_idx"].to_numpy()[ok]] = True
    usable[net.graph.edges["v_idx"].to_numpy()[ok]] = True
    kind = "lit" if lit_only else "walkable"
    # Both ends prefer a real network over a nearby mapping fragment (loops do the same).
    a, _ = snap_start(net, *start_lonlat, allowed=usable, kind=kind,
                      min_component_m=routes_cfg.ATOB_MIN_COMPONENT_M)
    b, _ = snap_start(net, *end_lonlat, what="destination", allowed=usable, kind=kind,
                      min_component_m=routes_cfg.ATOB_MIN_COMPONENT_M)
    if a == b:
        raise RouteError("The start and destination are at the same place on the path "
                         "network: choose points farther apart.")
    d, pred = dijkstra(net.cost_matrix(cost), indices=a, return_predecessors=True)
    if not np.isfinite(d[b]):
        what = "lit paths" if lit_only else "paths"
        raise RouteError("The start and destination are not connected by "
                         f"{what} in the data: choose points on the same path network.")
    path = [b]
    while path[-1] != a:
        path.append(int(pred[path[-1]]))
    arr = np.asarray(path[::-1], dtype=np.int64)
    return arr, measure(net, arr)


__all__ = ["plan_route", "find_path", "Route"]
