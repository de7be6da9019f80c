"""Shared pieces of route planning: a cache of prepared networks, start points given by id,
and turning a node path into a :class:`~ecoplan.routes.model.Route`.

Why a planner object: preparing the island network (graph, green shares, landmarks) takes
about a second and the step-free variant as much again; the app and CLI plan several routes
over the same data, so they keep one :class:`RoutePlanner` (in Streamlit via
``st.cache_resource``).
"""

from __future__ import annotations

from dataclasses import dataclass

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
from ecoplan.sites.build import Sites


class RoutePlanner:
    """Prepared route networks for one area, built on first use and kept."""

    def __init__(self, layers: OsmLayers, sites: Sites | None = None) -> None:
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


def site_start(sites: Sites | None, site_id: str, entrance: int | str | None = None,
               layers: OsmLayers | None = None) -> tuple[tuple[float, float], str]:
    """A start point (lon, lat) and name for a site id: its best entrance (tagged first, then
    the one nearest the network), else a point inside the site. ``entrance`` chooses another
    one: its number in :func:`site_entrances` (1 = best) or its ``entrance_id``."""
    if entrance is None:
        return site_starts(sites, site_id, limit=1, layers=layers)[0]
    choices = site_entrances(sites, site_id, layers)
    key = str(entrance).strip()
    for i, ch in enumerate(choices, 1):
        if key in (str(i), ch.entrance_id):
            return ch.lonlat, ch.name
    raise EcoplanError(f"Site {site_id} has no entrance {key!r}: choose 1 to {len(choices)} "
                       "(1 = the best).")


@dataclass(frozen=True)
class EntranceChoice:
    """An entrance a walk can start from, described for a person choosing it."""

    lonlat: tuple[float, float]
    name: str  # e.g. "Entrance to Appley Park" (the route's start name)
    entrance_id: str
    label: str  # e.g. "2. Mapped entrance on Appley Lane"


#: How each kind of entrance (``entrances.source``) is described to a person.
ENTRANCE_KINDS = {"tagged": "Mapped entrance", "crossing": "Path into the site",
                  "near_network": "Edge point near a path"}
#: An entrance is "on" a named street within this distance, metres (our choice: the width
#: of a road and its pavement).
ENTRANCE_STREET_M = 40.0


def site_entrances(sites: Sites | None, site_id: str, layers: OsmLayers | None = None
                   ) -> list[EntranceChoice]:
    """Every entrance of a site, best first (the order :func:`site_start` picks from), with a
    label naming its kind and, given ``layers``, the street it is on; a site without
    entrances gives one point inside it."""
    starts = site_starts(sites, site_id, layers=layers)
    assert sites is not None  # site_starts refuses None
    entrances = sites.entrances
    ent = (entrances[entrances["site_id"].astype(str) == str(site_id)]
           if len(entrances) else None)
    if ent is None or not len(ent):
        (lonlat, name), = starts
        return [EntranceChoice(lonlat, name, "", f"1. A point inside {name}")]
    ent = ent.assign(_tagged=(ent["source"] != "tagged").astype(int))
    ent = ent.sort_values(["_tagged", "snap_m"], kind="stable").to_crs("EPSG:4326")
    streets = _nearest_street_names(ent.geometry, layers) if layers is not None else None
    out = []
    for i, ((lonlat, name), (_, row)) in enumerate(zip(starts, ent.iterrows(), strict=True), 1):
        kind = ENTRANCE_KINDS.get(str(row["source"]), "Entrance")
        where = f" on {streets[i - 1]}" if streets is not None and streets[i - 1] else ""
        out.append(EntranceChoice(lonlat, name, str(row["entrance_id"]),
                                  f"{i}. {kind}{where}"))
    return out


def _nearest_street_names(points, layers: OsmLayers) -> list[str]:
    ways = layers.ways
    if not len(ways) or "name" not in ways.columns:
        return [""] * len(points)
    named = ways[text(ways["name"]) != ""]
    if not len(named):
        return [""] * len(points)
    crs = named.estimate_utm_crs()
    pts = points.to_crs(crs)
    near = named.iloc[named.sindex.query(points.union_all().buffer(0.001),
                                         predicate="intersects")].to_crs(crs)
    if not len(near):
        return [""] * len(points)
    names = text(near["name"]).to_numpy()
    out = []
    for p in pts:
        d = near.distance(p).to_numpy()
        j = int(np.argmin(d))
        out.append(str(names[j]) if d[j] <= ENTRANCE_STREET_M else "")
    return out


def site_starts(sites: Sites | None, site_id: str, *, limit: int | None = None,
                layers: OsmLayers | None = None) -> list[tuple[tuple[float, float], str]]:
    """Start points (lon, lat) and names for a site id, best first: its entrances (tagged
    first, then nearest the network), else one point inside the site. ``limit`` caps the list
    (a loop search tries the next entrance when the best one leads nowhere). An unnamed site
    is described as other commands describe it ("Wood near Wootton", issue #7; ``layers``
    gives the place names)."""
    if sites is None or "site_id" not in sites.sites:
        raise EcoplanError("No sites are loaded: give the start as LAT,LON instead.")
    frame, entrances = sites.sites, sites.entrances
    hit = frame[frame["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        raise EcoplanError(f"No site with id {site_id!r}: list ids with `ecoplan sites`, or "
                           "give the start as LAT,LON.")
    row = hit.iloc[0]
    name = text(pd.Series([row.get("name")])).iloc[0] or _site_label(hit, layers, sites.crs)
    if len(entrances):
        ent = entrances[entrances["site_id"].astype(str) == str(site_id)]
        if len(ent):
            ent = ent.assign(_tagged=(ent["source"] != "tagged").astype(int))
            ent = ent.sort_values(["_tagged", "snap_m"], kind="stable")
            pts = ent.to_crs("EPSG:4326").geometry.iloc[:limit]
            return [((float(pt.x), float(pt.y)), f"Entrance to {name}") for pt in pts]
    geom = hit.to_crs("EPSG:4326").geometry
    pt = geom.iloc[0].representative_point()
    return [((float(pt.x), float(pt.y)), name)]


def _site_label(hit: pd.DataFrame, layers: OsmLayers | None, crs: str) -> str:
    """An unnamed site's description (kind and nearby place), as `sites`, `plan` and the
    support list give it; the site id only if even that fails."""
    from ecoplan.sites.describe import describe_unnamed

    label = str(describe_unnamed(hit.iloc[:1], layers, crs).iloc[0]).strip()
    return label or f"site {hit.iloc[0]['site_id']}"


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
