"""The normalised OSM layers every source produces (one schema, one CRS: EPSG:4326).

Readers (PBF via pyrosm, XML via osmnx, Overpass via the cached client) differ in what they
return; downstream code only ever sees :class:`OsmLayers`. Column lists live in
:mod:`ecoplan.settings.osm`.

Schema
------
features   area/line features that may be green/blue space or restricted zones:
           ``osm_type`` ('node'|'way'|'relation'), ``osm_id`` (int), tag columns
           (``settings.osm.FEATURE_TAGS``), ``geometry`` (Polygon/MultiPolygon/LineString).
ways       every highway segment between two consecutive OSM nodes (not yet walk-filtered):
           ``u``, ``v`` (node ids), ``osm_id`` (way id), ``length_m``, tag columns
           (``settings.osm.WAY_TAGS``), ``geometry`` (2-point LineString).
nodes      the nodes ``ways`` reference: index ``node_id`` (int), ``geometry`` (Point).
pois       points of interest (nodes, and areas as representative points): ``osm_type``,
           ``osm_id``, tag columns (``settings.osm.POI_TAGS``), ``geometry`` (Point).
buildings  ``osm_id``, ``building``, name tags (``settings.osm.BUILDING_TAGS``), ``geometry``
           (Polygon/MultiPolygon).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ecoplan.settings import osm as osm_cfg

CRS = "EPSG:4326"
ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"


@dataclass(frozen=True)
class SourceInfo:
    """Where the layers came from, shown to users beside every result."""

    kind: str  # "pbf" | "xml" | "overpass" | "demo"
    name: str  # file name or place query
    data_date: datetime | None = None  # newest object timestamp or replication time, if known
    note: str = ""
    attribution: str = ATTRIBUTION
    #: What the reader left out or repaired, one sentence each (shown as notes with results).
    warnings: tuple[str, ...] = ()
    #: (west, south, east, north) the file declares it covers (a PBF header's bounding box, as
    #: Geofabrik and osmium write it), or None. Dropped by :meth:`OsmLayers.clip`.
    bounds: tuple[float, float, float, float] | None = None
    #: Where the data is whole for measuring access (EPSG:4326), when a loader read more than
    #: the area asked for: an access run's ``--bbox`` or ``--place`` read with a margin as wide
    #: as the farthest standard (``ecoplan.cli.common.load_from_args``). None: the declared
    #: bounds, else the network's. Areas mostly outside it are partial.
    extent: BaseGeometry | None = None


@dataclass(frozen=True)
class OsmLayers:
    """All OSM data the pipeline needs, normalised (see module docstring)."""

    features: gpd.GeoDataFrame
    ways: gpd.GeoDataFrame
    nodes: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    source: SourceInfo = field(default_factory=lambda: SourceInfo("unknown", ""))
    #: Results computed from these frames while they were read, by name (e.g. the sites'
    #: ground, :func:`ecoplan.sites.build.site_ground`, made by the reader's forked child).
    #: Each records the frame it was made from, and its user checks that it still is this
    #: one (a clip, or any ``replace``, makes new frames); :meth:`clip` drops them all.
    derived: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the walkable network, else of the features."""
        layer = self.nodes if len(self.nodes) else self.features
        w, s, e, n = layer.total_bounds
        return float(w), float(s), float(e), float(n)

    def clip(self, area: BaseGeometry) -> OsmLayers:
        """Keep what intersects ``area`` (EPSG:4326); features and buildings are cut to it.

        Highway segments are kept whole when they touch the area so that the network stays
        connected at its edge.
        """
        ways = self.ways[self.ways.intersects(area)]
        used = pd.Index(np.unique(np.concatenate([ways["u"].to_numpy(), ways["v"].to_numpy()])))
        nodes = self.nodes[self.nodes.index.isin(used)]
        features = _clip(self.features, area)
        pois = self.pois[self.pois.intersects(area)]
        buildings = self.buildings[self.buildings.intersects(area)]
        return replace(self, features=features, ways=ways, nodes=nodes, pois=pois,
                       buildings=buildings,
                       source=replace(self.source, bounds=None, extent=None),
                       derived={})


#: Work a reader does on the features as soon as it has them (``read_pbf(derive=...)``), and
#: on the other layers while the features are read (``prepare=...``), by result name.
Derive = Mapping[str, Callable[[gpd.GeoDataFrame], Any]]
Prepare = Mapping[str, Callable[[OsmLayers], Any]]


def _clip(gdf: gpd.GeoDataFrame, area: BaseGeometry) -> gpd.GeoDataFrame:
    hit = gdf[gdf.intersects(area)].copy()
    if len(hit):
        # OSM polygons can be invalid (self-touching rings); repair before cutting.
        hit["geometry"] = shapely.intersection(shapely.make_valid(hit.geometry.to_numpy()), area)
        hit = hit[~hit.geometry.is_empty]
    return hit


def empty_layer(columns: Iterable[str], index_name: str | None = None) -> gpd.GeoDataFrame:
    """An empty GeoDataFrame with the given columns, geometry and CRS."""
    cols = [c for c in columns if c != "geometry"]
    gdf = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in cols},
                           geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    if index_name:
        gdf.index.name = index_name
    return gdf


def feature_columns() -> list[str]:
    return ["osm_type", "osm_id", *osm_cfg.FEATURE_TAGS, "geometry"]


def way_columns() -> list[str]:
    return ["u", "v", "osm_id", "length_m", *osm_cfg.WAY_TAGS, "geometry"]


def poi_columns() -> list[str]:
    return ["osm_type", "osm_id", *osm_cfg.POI_TAGS, "geometry"]


def building_columns() -> list[str]:
    return ["osm_id", *osm_cfg.BUILDING_TAGS, "geometry"]


def conform(gdf: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Return ``gdf`` with exactly ``columns`` (missing → None), EPSG:4326, fresh index.

    Tags a reader left in a JSON ``tags`` column (pyrosm does this for keys it has no column
    for) are unpacked first so every source exposes the same tag columns.
    """
    if gdf is None or len(gdf) == 0:
        return empty_layer(columns)
    gdf = gdf.copy()
    if "tags" in gdf.columns:
        wanted = [c for c in columns if c not in gdf.columns and c != "geometry"]
        if wanted:
            # Parsed once per distinct tag string: a way's segments all repeat its tags
            # (Isle of Wight: 53,616 segments, far fewer distinct strings), and filled as
            # object arrays (mapping an Arrow string column cast every value back).
            codes, uniq = pd.factorize(gdf["tags"].astype(object), use_na_sentinel=True)
            parsed = [_parse_tags(raw) for raw in uniq]
            for col in wanted:
                vals = np.array([d.get(col) for d in parsed] + [None], dtype=object)
                # inferred as a per-row map infers it (str where any value is; tag values
                # are JSON strings)
                gdf[col] = pd.Series(vals[codes], index=gdf.index)
    for col in columns:
        if col not in gdf.columns:
            gdf[col] = None
    gdf = gdf[columns]
    gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=gdf.crs or CRS)
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(CRS)
    return gdf.reset_index(drop=True)


def text(values: pd.Series) -> pd.Series:
    """Tag values as stripped strings, '' where missing (tag columns may be all-None floats)."""
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def _parse_tags(raw: object) -> dict:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str) and raw:
        try:
            parsed = json.loads(raw)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}
