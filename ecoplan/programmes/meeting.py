"""A meeting point participants can find: the entrance, its OS grid reference, the nearest bus
stop and toilets — walked along paths from the entrance, as the group would.

Distances reuse the help-nearby machinery (:mod:`ecoplan.support.nearby`): one Dijkstra pass
from the snapped entrance, features joined to the network; a feature that cannot be joined is
measured in a straight line and labelled so.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import AreaError
from ecoplan.network.graph import WalkGraph
from ecoplan.osm.layers import OsmLayers, text
from ecoplan.programmes.model import MeetingPoint
from ecoplan.routes.gridref import grid_reference
from ecoplan.routes.landmarks import POI_KINDS
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.support.nearby import (
    Reach,
    choose_distance,
    measure,
    point_origin,
    reach_from,
)


@dataclass(frozen=True, eq=False)
class Amenities:
    """Bus stops and toilets of an area (EPSG:4326 points), selected once per pool."""

    bus_stops: gpd.GeoDataFrame
    toilets: gpd.GeoDataFrame


def _points(pois: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    tags = dict(POI_KINDS)[kind]
    mask = np.zeros(len(pois), dtype=bool)
    for key, value in tags:
        if key in pois.columns:
            mask |= (pois[key] == value).fillna(False).to_numpy(dtype=bool)
    out = pois[mask].to_crs("EPSG:4326")
    names = text(out["name"]) if "name" in out.columns else pd.Series("", index=out.index)
    return gpd.GeoDataFrame({"name": names.to_numpy()}, geometry=out.geometry.to_numpy(),
                            crs="EPSG:4326")


def amenities(layers: OsmLayers) -> Amenities:
    pois = layers.pois
    return Amenities(_points(pois, "bus_stop"), _points(pois, "toilets"))


def _nearest(points: gpd.GeoDataFrame, origin, reach: Reach, limit_m: float
             ) -> tuple[str, float | None, str]:
    """(name, metres, basis) of the nearest point within ``limit_m``, or ('', None, '')."""
    if len(points) == 0:
        return "", None, ""
    m = measure(points, origin, reach)
    chosen = choose_distance(m, limit_m, reach.limit_m)
    ok = chosen[chosen["within"]]
    if ok.empty:
        return "", None, ""
    i = ok["distance_m"].astype(float).idxmin()
    return (str(points.loc[i, "name"] or ""), float(ok.loc[i, "distance_m"]),
            str(ok.loc[i, "basis"]))


def meeting_point(layers: OsmLayers, graph: WalkGraph | None, lon: float, lat: float,
                  name: str, found: Amenities) -> MeetingPoint:
    """The meeting point at (lon, lat) with grid reference, nearest bus stop and toilets."""
    ref = grid_reference(lon, lat, figures=8)
    limit = max(programmes_cfg.BUS_STOP_MAX_M, programmes_cfg.TOILETS_MAX_M)
    try:
        origin = point_origin(layers, lon, lat, name)
        reach = reach_from(graph, origin, limit_m=limit)
    except AreaError as err:  # off the network: straight lines, said so by ``basis``
        origin = point_origin(layers, lon, lat, name)
        reach = Reach(None, None, limit, frozenset(), str(err))
    bus, bus_m, bus_basis = _nearest(found.bus_stops, origin, reach, programmes_cfg.BUS_STOP_MAX_M)
    wc, wc_m, wc_basis = _nearest(found.toilets, origin, reach, programmes_cfg.TOILETS_MAX_M)
    if bus_m is not None and not bus:
        bus = "Bus stop"
    if wc_m is not None and not wc:
        wc = "Toilets"
    return MeetingPoint(name=name, lon=round(float(lon), 6), lat=round(float(lat), 6),
                        grid_ref=ref.ref or "", grid_note="" if ref else ref.reason,
                        bus_stop=bus, bus_stop_m=bus_m, bus_stop_basis=bus_basis,
                        toilets=wc, toilets_m=wc_m, toilets_basis=wc_basis)
