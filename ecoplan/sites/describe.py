"""Words for sites without a name: their kind and the nearest named place.

An unnamed coast strip topping a ranking as a blank (or as ``w24629633-1``) tells a reader
nothing. OSM names places (``place=*``), green spaces and streets; an unnamed site is called
after the nearest of these: a place within :data:`PLACE_RADIUS_M` ("Coast near Chale"), else
a named green or blue space within :data:`SITE_RADIUS_M` ("Wood near Parkhurst Forest"), else
the nearest named street or path within :data:`STREET_RADIUS_M` ("Coast by Military Road"),
else just its kind and area ("Wood, 3.2 ha").
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.osm.layers import OsmLayers

#: Search radii, metres (our choice: "near" a village means within a short walk or drive of
#: it; a named park "near" another site is within a 10-minute walk; a street "by" a site is
#: close enough to be where the reader would stand).
PLACE_RADIUS_M = 3000.0
SITE_RADIUS_M = 800.0
STREET_RADIUS_M = 300.0

#: Plain words for the first category of a site (OSM tag values → what people call them).
KIND_WORDS: dict[str, str] = {
    "wood": "Wood", "coast": "Coast", "lake": "Lake", "beach": "Beach", "park": "Park",
    "recreation_ground": "Recreation ground", "grassland": "Grassland", "scrub": "Scrub",
    "saltmarsh": "Saltmarsh", "wetland": "Wetland", "common": "Common", "grass": "Green",
    "garden": "Garden", "heath": "Heath", "village_green": "Village green", "river": "River",
    "riverbank": "River bank", "canal": "Canal", "stream": "Stream", "reservoir": "Reservoir",
    "pond": "Pond", "nature_reserve": "Nature reserve", "meadow": "Meadow",
    "forest": "Wood", "harbour": "Harbour", "water": "Water",
}


def kind_word(categories: object, kind: object = "") -> str:
    first = str(categories or "").split(";")[0].strip() or str(kind or "").strip()
    return KIND_WORDS.get(first, first.replace("_", " ").capitalize() or "Green space")


def _named_points(frame: gpd.GeoDataFrame | None, crs: object,
                  mask: pd.Series | None = None) -> gpd.GeoDataFrame:
    if frame is None or len(frame) == 0 or "name" not in frame.columns:
        return gpd.GeoDataFrame({"name": []}, geometry=[], crs=crs)
    ok = frame["name"].notna() & (frame["name"].astype(str).str.strip() != "")
    if mask is not None:
        ok &= mask.fillna(False).astype(bool)
    sub = frame[ok]
    names = sub["name"].astype(str).str.strip().str.rstrip(".")
    return gpd.GeoDataFrame({"name": names.to_numpy()},
                            geometry=sub.geometry.to_numpy(), crs=frame.crs).to_crs(crs)


def _nearest(targets: gpd.GeoDataFrame, named: gpd.GeoDataFrame,
             radius: float) -> pd.Series:
    """Name of the nearest ``named`` feature within ``radius`` m of each target ('' if none)."""
    out = pd.Series("", index=targets.index, dtype=object)
    if len(named) == 0 or len(targets) == 0:
        return out
    hit = gpd.sjoin_nearest(targets[["geometry"]], named, how="left", max_distance=radius,
                            distance_col="_d")
    hit = hit[~hit.index.duplicated()]
    names = hit["name"].where(hit["name"].notna(), "")
    return names.reindex(targets.index).fillna("").astype(str)


def describe_unnamed(sites: gpd.GeoDataFrame, layers: OsmLayers | None,
                     crs: object | None = None) -> pd.Series:
    """A label per site (index of ``sites``): the name if it has one, else kind + place."""
    names = sites["name"].where(sites["name"].notna(), "").astype(str).str.strip()
    labels = names.copy()
    todo = names == ""
    if not todo.any():
        return labels
    metric = crs or sites.estimate_utm_crs()
    unnamed = sites[todo].to_crs(metric)
    blank = pd.Series("", index=unnamed.index)
    kinds = [kind_word(c, k) for c, k in zip(unnamed.get("categories", blank),
                                              unnamed.get("kind", blank), strict=True)]
    kinds = pd.Series(kinds, index=unnamed.index)
    found = pd.Series("", index=unnamed.index, dtype=object)
    if layers is not None:
        places = pd.concat([
            _named_points(f, metric, f["place"].notna() if "place" in f.columns else None)
            for f in (layers.pois, layers.features) if f is not None and "place" in f.columns
        ] or [gpd.GeoDataFrame({"name": []}, geometry=[], crs=metric)])
        near = _nearest(unnamed, gpd.GeoDataFrame(places, crs=metric), PLACE_RADIUS_M)
        found = ("near " + near).where(near != "", "")
        left = found == ""
        if left.any():
            named_sites = _named_points(sites[~todo], metric)
            near = _nearest(unnamed[left], named_sites, SITE_RADIUS_M)
            found.loc[left] = ("near " + near).where(near != "", "")
        left = found == ""
        if left.any() and layers.ways is not None and len(layers.ways):
            streets = _named_points(layers.ways, metric)
            near = _nearest(unnamed[left], streets, STREET_RADIUS_M)
            found.loc[left] = ("by " + near).where(near != "", "")
    area = unnamed["area_ha"] if "area_ha" in unnamed.columns else pd.Series(
        np.nan, index=unnamed.index)
    fallback = [f"{k}, {a:,.1f} ha" if pd.notna(a) else k for k, a in zip(kinds, area,
                                                                            strict=True)]
    labels.loc[unnamed.index] = np.where(found != "", kinds + " " + found, fallback)
    return labels


#: Plain words for unnamed ways an entrance is on (OSM wiki Key:highway).
WAY_WORDS: dict[str, str] = {
    "footway": "a footpath", "path": "a path", "bridleway": "a bridleway", "track": "a track",
    "steps": "steps", "cycleway": "a cycle path", "pedestrian": "a pedestrian street",
    "living_street": "a street", "residential": "a street", "service": "a service road",
}
#: An entrance is "on" a way within this distance (our choice: entrances are snapped to the
#: network, so the way they belong to is within a few metres; 30 m allows for wide verges).
ENTRANCE_WAY_M = 30.0


def entrance_labels(entrances: gpd.GeoDataFrame, ways: gpd.GeoDataFrame | None,
                    crs: object | None = None) -> pd.Series:
    """'Entrance on Castle Road' / 'Entrance from a footpath' / 'Entrance' per entrance."""
    out = pd.Series("Entrance", index=entrances.index, dtype=object)
    if ways is None or len(ways) == 0 or len(entrances) == 0:
        return out
    metric = crs or entrances.estimate_utm_crs()
    pts = entrances[["geometry"]].to_crs(metric)
    w = ways[[c for c in ("name", "highway", "geometry") if c in ways.columns]]
    w = w.cx[slice(*_span(entrances, 0)), slice(*_span(entrances, 1))].to_crs(metric)
    if len(w) == 0:
        return out
    hit = gpd.sjoin_nearest(pts, w, how="left", max_distance=ENTRANCE_WAY_M)
    hit = hit[~hit.index.duplicated()]
    for idx, row in hit.iterrows():
        name = str(row.get("name") or "").strip() if pd.notna(row.get("name")) else ""
        if name:
            out.loc[idx] = f"Entrance on {name}"
        elif pd.notna(row.get("highway")) and str(row.get("highway")) in WAY_WORDS:
            out.loc[idx] = f"Entrance from {WAY_WORDS[str(row['highway'])]}"
    return out


def _span(frame: gpd.GeoDataFrame, axis: int) -> tuple[float, float]:
    """Lon (0) or lat (1) range of ``frame`` in EPSG:4326, padded by ≈ 100 m."""
    b = frame.to_crs(4326).total_bounds
    return float(b[axis] - 0.0015), float(b[axis + 2] + 0.0015)
