"""The area an ``--la`` analysis reads: the authority plus a buffer as wide as the farthest
standard measured.

Why a buffer: people near the authority's edge walk to parks across it. Why this width: a walk
of at most D metres along the network never ends more than D metres (straight line) from where
it started, so every path, entrance and site any standard can reach from a home in the
authority lies within the authority buffered by the largest standard distance — the ANGSt
sub-regional standard, 500 ha within 10 km, unless the 15-minute walk at a very fast speed is
longer. Sites crossing the buffer's edge are kept whole (not cut), so their area — which the
size thresholds test — is the real one.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ecoplan.osm.layers import OsmLayers

#: Metric CRS for buffering English authorities: British National Grid.
METRIC_CRS = "EPSG:27700"


def osm_buffer_m(speed_kmh: float | None = None) -> float:
    """The largest distance any measured standard allows, at ``speed_kmh`` (default speed)."""
    from ecoplan.access.speeds import resolve_speed
    from ecoplan.settings.access import STANDARDS

    speed = resolve_speed(speed_kmh)
    return max(s.distance_m(speed) for s in STANDARDS)


def buffer_m(area: BaseGeometry, metres: float) -> BaseGeometry:
    """``area`` (EPSG:4326) grown by ``metres``, measured on the British National Grid."""
    ser = gpd.GeoSeries([area], crs=4326).to_crs(METRIC_CRS).buffer(metres)
    return ser.to_crs(4326).iloc[0]


def clip_keep_whole(layers: OsmLayers, area: BaseGeometry) -> OsmLayers:
    """Keep what touches ``area``: ways, POIs, buildings and whole (uncut) area features."""
    from dataclasses import replace

    import numpy as np

    ways = layers.ways[layers.ways.intersects(area)]
    used = pd.Index(np.unique(np.concatenate([ways["u"].to_numpy(), ways["v"].to_numpy()])))
    return replace(layers, ways=ways, nodes=layers.nodes[layers.nodes.index.isin(used)],
                   features=layers.features[layers.features.intersects(area)],
                   pois=layers.pois[layers.pois.intersects(area)],
                   buildings=layers.buildings[layers.buildings.intersects(area)])


def load_authority_layers(query: str, speed_kmh: float | None = None) -> OsmLayers:
    """The OSM layers of a downloaded authority, clipped to it plus :func:`osm_buffer_m`."""
    from ecoplan.fetch.get import authority_area
    from ecoplan.fetch.manifest import find_manifest
    from ecoplan.osm.load import load_layers

    man = find_manifest(query)
    area = buffer_m(authority_area(man.path_of("lsoa2011")), osm_buffer_m(speed_kmh))
    return clip_keep_whole(load_layers(man.path_of("osm")), area)


__all__ = ["buffer_m", "clip_keep_whole", "load_authority_layers", "osm_buffer_m"]
