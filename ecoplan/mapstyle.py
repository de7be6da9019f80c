"""Which OSM features a basemap draws as what, and where its name labels go — for every map.

The web map (:mod:`ecoplan.app.maps`) and the printed route map
(:mod:`ecoplan.routes.printmap`) both classify OSM layers here, against the one style in
:mod:`ecoplan.settings.map_style`, so a beach or a residential street is drawn the same way on
screen and on paper, and "% on roads" counts the streets the map draws as roads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ecoplan.osm.layers import OsmLayers, text
from ecoplan.settings.map_style import ANY, PLACE_LABELS, STYLE


def column(gdf: pd.DataFrame, name: str) -> pd.Series:
    """A tag column as strings ('' where missing or absent)."""
    if name in gdf.columns:
        return gdf[name].astype("string").fillna("")
    return pd.Series("", index=gdf.index, dtype="string")


def matches(gdf: pd.DataFrame, spec: Mapping[str, Iterable[str]]) -> pd.Series:
    """True where any ``key=value`` of ``spec`` is set (``*`` = any non-empty value)."""
    mask = pd.Series(False, index=gdf.index)
    for key, values in spec.items():
        vals = set(values)
        col = column(gdf, key)
        mask |= (col != "") if ANY in vals else col.isin(list(vals))
    return mask.astype(bool)


def is_blue(gdf: pd.DataFrame) -> pd.Series:
    """Water, beach, wetland (drawn blue)."""
    return matches(gdf, STYLE.blue)


def is_green(gdf: pd.DataFrame) -> pd.Series:
    """Parks, woods, grass… that are not also water (blue wins, as on the print)."""
    return matches(gdf, STYLE.green) & ~is_blue(gdf)


def is_waterway_line(gdf: pd.DataFrame) -> pd.Series:
    return column(gdf, "waterway").isin(list(STYLE.waterway_lines))


def is_road(highway: pd.Series) -> pd.Series:
    """``highway`` values drawn (and counted) as roads, residential and service included."""
    return highway.astype("string").fillna("").isin(list(STYLE.roads)).astype(bool)


def is_path(highway: pd.Series) -> pd.Series:
    return highway.astype("string").fillna("").isin(list(STYLE.paths)).astype(bool)


def is_major_road(highway: pd.Series) -> pd.Series:
    return highway.astype("string").fillna("").isin(list(STYLE.major_roads)).astype(bool)


# --- labels -----------------------------------------------------------------------------------


def place_labels(layers: OsmLayers) -> pd.DataFrame:
    """Named ``place=*`` points (towns, villages, suburbs…): columns name, place, lon, lat.

    Places mapped as areas are labelled at their representative point. Untrusted names are
    returned as they are: each renderer escapes them its own way.
    """
    frames = []
    for gdf in (layers.pois, layers.features):
        if gdf is None or not len(gdf) or "place" not in gdf.columns:
            continue
        hit = gdf[column(gdf, "place").isin(list(PLACE_LABELS)) & (text(gdf["name"]) != "")]
        if not len(hit):
            continue
        pts = shapely.point_on_surface(hit.geometry.to_numpy())
        frames.append(pd.DataFrame({"name": text(hit["name"]).to_numpy(),
                                    "place": column(hit, "place").to_numpy(),
                                    "lon": shapely.get_x(pts), "lat": shapely.get_y(pts)}))
    if not frames:
        return pd.DataFrame({"name": [], "place": [], "lon": [], "lat": []})
    out = pd.concat(frames, ignore_index=True)
    return out.drop_duplicates(subset=["name", "place"]).reset_index(drop=True)


def named_lines(ways: gpd.GeoDataFrame, *, limit: int | None = None) -> gpd.GeoDataFrame:
    """One row per street name and connected stretch: name, geometry (merged LineString),
    length in the ways' CRS units; longest first, at most ``limit`` rows.

    Labels go on whole streets, not on the 2-point OSM segments, so a name is written once
    per stretch and along it.
    """
    cols = ["name", "geometry"]
    if not len(ways) or "name" not in ways.columns:
        return gpd.GeoDataFrame({"name": [], "length": []}, geometry=[], crs=ways.crs)
    names = text(ways["name"])
    named = ways[names != ""].assign(name=names[names != ""])[cols]
    rows: list[tuple[str, object]] = []
    for name, grp in named.groupby("name", sort=False):
        merged = shapely.line_merge(shapely.union_all(grp.geometry.to_numpy()))
        for part in shapely.get_parts(merged):
            if part.geom_type == "LineString" and not part.is_empty:
                rows.append((str(name), part))
    if not rows:
        return gpd.GeoDataFrame({"name": [], "length": []}, geometry=[], crs=ways.crs)
    out = gpd.GeoDataFrame({"name": [r[0] for r in rows]},
                           geometry=[r[1] for r in rows], crs=ways.crs)
    out["length"] = out.geometry.length.to_numpy()
    out = out.sort_values("length", ascending=False, kind="stable").reset_index(drop=True)
    return out.iloc[:limit] if limit is not None else out


def label_anchor(line: shapely.LineString) -> tuple[float, float, float]:
    """(x, y, angle in degrees) at the middle of a line, the angle kept upright (−90…90)."""
    length = line.length
    mid = line.interpolate(0.5, normalized=True)
    a = line.interpolate(max(0.5 * length - 0.05 * length, 0))
    b = line.interpolate(min(0.5 * length + 0.05 * length, length))
    ang = float(np.degrees(np.arctan2(b.y - a.y, b.x - a.x))) if a.distance(b) > 0 else 0.0
    if ang > 90:
        ang -= 180
    elif ang < -90:
        ang += 180
    return float(mid.x), float(mid.y), ang
