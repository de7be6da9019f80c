"""Landmarks a route can pass: toilets, benches, car parks, bus stops, viewpoints and site
entrances, each tied to the network nodes within ``LANDMARK_NEAR_M`` of it.

Why "any node within reach" and not "nearest node": a toilet block between a promenade and a
street is passed by walkers on either, and counting it only for the street would undervalue
the promenade loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.network.graph import WalkGraph
from ecoplan.osm.layers import text
from ecoplan.routes.model import Waypoint
from ecoplan.settings import routes as routes_cfg

#: (waypoint kind, [(poi tag key, value), ...]) in the order they are listed.
POI_KINDS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("toilets", (("amenity", "toilets"),)),
    ("bench", (("amenity", "bench"), ("leisure", "picnic_table"))),
    ("parking", (("amenity", "parking"),)),
    ("bus_stop", (("highway", "bus_stop"), ("public_transport", "platform"))),
    ("viewpoint", (("tourism", "viewpoint"),)),
)


@dataclass(frozen=True)
class Landmarks:
    """Landmarks (one row each: kind, name, lon, lat, site_id) and which nodes reach them."""

    table: pd.DataFrame
    lm: np.ndarray  # (P,) landmark row of each (landmark, node) pair
    node: np.ndarray  # (P,) node row of each pair

    def passed(self, path: np.ndarray) -> pd.DataFrame:
        """Landmarks reached from ``path`` (node rows), with ``pos`` = first path index that
        reaches each one; ordered along the path."""
        path = np.asarray(path, dtype=np.int64)
        if len(self.lm) == 0 or len(path) == 0:
            return self.table.iloc[0:0].assign(pos=pd.Series(dtype=np.int64))
        first = pd.Series(np.arange(len(path)), index=path)
        first = first[~first.index.duplicated()]
        on = np.isin(self.node, path)
        pos = first.reindex(self.node[on]).to_numpy()
        hit = pd.DataFrame({"lm": self.lm[on], "pos": pos}).groupby("lm")["pos"].min()
        out = self.table.iloc[hit.index.to_numpy()].copy()
        out["pos"] = hit.to_numpy().astype(np.int64)
        return out.sort_values("pos", kind="stable")


def find_landmarks(graph: WalkGraph, pois: gpd.GeoDataFrame | None,
                   sites: gpd.GeoDataFrame | None = None,
                   entrances: gpd.GeoDataFrame | None = None) -> Landmarks:
    """Collect landmarks from the POIs and site entrances and tie them to nearby nodes."""
    frames = []
    if pois is not None and len(pois):
        for kind, tags in POI_KINDS:
            mask = np.zeros(len(pois), dtype=bool)
            for key, value in tags:
                if key in pois.columns:
                    mask |= (pois[key] == value).fillna(False).to_numpy(dtype=bool)
            if mask.any():
                sub = pois[mask]
                xy = shapely.get_coordinates(sub.geometry.to_crs("EPSG:4326").to_numpy())
                frames.append(pd.DataFrame({"kind": kind, "name": text(sub["name"]).to_numpy()
                                            if "name" in sub else "",
                                            "lon": xy[:, 0], "lat": xy[:, 1], "site_id": ""}))
    if entrances is not None and len(entrances):
        names = {}
        if sites is not None and len(sites) and "name" in sites:
            names = dict(zip(sites["site_id"], text(sites["name"]), strict=False))
        ent = entrances.to_crs("EPSG:4326")
        xy = shapely.get_coordinates(ent.geometry.to_numpy())
        frames.append(pd.DataFrame({
            "kind": "entrance", "name": [names.get(s, "") for s in ent["site_id"]],
            "lon": xy[:, 0], "lat": xy[:, 1], "site_id": ent["site_id"].astype(str).to_numpy(),
        }))
    if not frames:
        empty = pd.DataFrame({"kind": pd.Series(dtype=str), "name": pd.Series(dtype=str),
                              "lon": pd.Series(dtype=float), "lat": pd.Series(dtype=float),
                              "site_id": pd.Series(dtype=str)})
        return Landmarks(empty, np.empty(0, np.int64), np.empty(0, np.int64))
    table = pd.concat(frames, ignore_index=True)
    table["name"] = table["name"].fillna("").astype(str)
    xy = graph.project(table[["lon", "lat"]].to_numpy())
    near = graph.kdtree.query_ball_point(xy, r=routes_cfg.LANDMARK_NEAR_M)
    lens = np.array([len(x) for x in near], dtype=np.int64)
    lm = np.repeat(np.arange(len(table)), lens)
    node = (np.concatenate([np.asarray(x, dtype=np.int64) for x in near])
            if lens.sum() else np.empty(0, np.int64))
    return Landmarks(table, lm, node)


def route_waypoints(landmarks: Landmarks, path: np.ndarray, start_lonlat: tuple[float, float],
                    start_name: str = "Start") -> list[Waypoint]:
    """Start plus the toilets, benches, entrances (first per site), car parks and bus stops
    the path passes, in path order."""
    out = [Waypoint("start", start_name or "Start", float(start_lonlat[0]),
                    float(start_lonlat[1]))]
    seen_sites: set[str] = set()
    for row in landmarks.passed(path).itertuples(index=False):
        if row.kind == "entrance":
            if not row.name or row.site_id in seen_sites:
                continue  # unnamed sites' entrances would clutter the sheet
            seen_sites.add(row.site_id)
            name = f"Entrance to {row.name}"
        else:
            name = row.name
        out.append(Waypoint(row.kind, name, float(row.lon), float(row.lat)))
    return out
