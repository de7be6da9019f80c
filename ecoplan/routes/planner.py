"""Shared pieces of route planning: a cache of prepared networks, start points given by id,
and turning a node path into a :class:`~ecoplan.routes.model.Route`.

Why a planner object: preparing the island network (graph, green shares, landmarks) takes
about a second and the step-free variant as much again; the app and CLI plan several routes
over the same data, so they keep one :class:`RoutePlanner` (in Streamlit via
``st.cache_resource``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point

from ecoplan.access.speeds import minutes
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.routes.directions import directions
from ecoplan.routes.landmarks import route_waypoints
from ecoplan.routes.model import Route
from ecoplan.routes.network import RouteNetwork, prepare_network


class RoutePlanner:
    """Prepared route networks for one area, built on first use and kept."""

    def __init__(self, layers: OsmLayers, sites=None) -> None:
        self.layers = layers
        self.sites = sites
        self._nets: dict[bool, RouteNetwork] = {}

    def network(self, *, step_free: bool = False) -> RouteNetwork:
        if step_free not in self._nets:
            self._nets[step_free] = prepare_network(self.layers, self.sites, step_free=step_free)
        return self._nets[step_free]


def make_route(net: RouteNetwork, path: np.ndarray, metrics: dict[str, float], *,
               speed: float, start_name: str = "Start", title: str = "",
               is_loop: bool = False) -> Route:
    """A :class:`Route` for a node path, with waypoints, directions and scores."""
    path = np.asarray(path, dtype=np.int64)
    coords = net.graph.lonlat[path]
    length = float(metrics["length_m"])
    start = (float(coords[0, 0]), float(coords[0, 1]))
    scores = {k: float(v) for k, v in metrics.items() if k != "length_m"}
    return Route(
        geometry=LineString(coords), length_m=length, minutes=float(minutes(length, speed)),
        speed_kmh=float(speed), step_free=metrics.get("obstacles", 1) == 0,
        start=Point(start), waypoints=route_waypoints(net.landmarks, path, start, start_name),
        directions=directions(net, path, is_loop=is_loop), scores=scores, title=title,
        is_loop=is_loop,
    )


def site_start(sites, site_id: str) -> tuple[tuple[float, float], str]:
    """A start point (lon, lat) and name for a site id: its best entrance (tagged first, then
    the one nearest the network), else a point inside the site."""
    return site_starts(sites, site_id, limit=1)[0]


def site_starts(sites, site_id: str, *, limit: int | None = None
                ) -> list[tuple[tuple[float, float], str]]:
    """Start points (lon, lat) and names for a site id, best first: its entrances (tagged
    first, then nearest the network), else one point inside the site. ``limit`` caps the list
    (a loop search tries the next entrance when the best one leads nowhere)."""
    frame = sites.sites if hasattr(sites, "sites") else sites
    entrances = getattr(sites, "entrances", None)
    if frame is None or "site_id" not in frame:
        raise EcoplanError("No sites are loaded: give the start as LAT,LON instead.")
    hit = frame[frame["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        raise EcoplanError(f"No site with id {site_id!r}: list ids with `ecoplan sites`, or "
                           "give the start as LAT,LON.")
    row = hit.iloc[0]
    name = text(pd.Series([row.get("name")])).iloc[0] or f"site {site_id}"
    if entrances is not None and len(entrances):
        ent = entrances[entrances["site_id"].astype(str) == str(site_id)]
        if len(ent):
            ent = ent.assign(_tagged=(ent["source"] != "tagged").astype(int))
            ent = ent.sort_values(["_tagged", "snap_m"], kind="stable")
            pts = ent.to_crs("EPSG:4326").geometry.iloc[:limit]
            return [((float(pt.x), float(pt.y)), f"Entrance to {name}") for pt in pts]
    geom = hit.to_crs("EPSG:4326").geometry
    pt = geom.iloc[0].representative_point()
    return [((float(pt.x), float(pt.y)), name)]


def poi_start(layers: OsmLayers, osm_id: int | str) -> tuple[tuple[float, float], str]:
    """A start at a POI (bus stop, car park, …) given its OSM id ('n123', 'w45' or 123)."""
    raw = str(osm_id).strip().lower()
    kind = {"n": "node", "w": "way", "r": "relation"}.get(raw[:1]) if raw[:1].isalpha() else None
    num = raw[1:] if kind else raw
    if not num.isdigit():
        raise EcoplanError(f"{osm_id!r} is not an OSM id: use e.g. n123456 or w42.")
    pois = layers.pois
    mask = pd.to_numeric(pois["osm_id"], errors="coerce") == int(num)
    if kind:
        mask &= pois["osm_type"] == kind
    hit = pois[mask]
    if hit.empty:
        raise EcoplanError(f"No bus stop, car park or other point {osm_id!r} in the data: "
                           "give the start as LAT,LON instead.")
    pt = hit.to_crs("EPSG:4326").geometry.iloc[0]
    name = text(hit["name"]).iloc[0] if "name" in hit else ""
    return (float(pt.x), float(pt.y)), name or "Start"
