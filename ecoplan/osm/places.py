"""Find a named place inside already-loaded OSM data, so ``--place`` works offline."""

from __future__ import annotations

import shapely
from shapely.geometry.base import BaseGeometry

from ecoplan.osm.layers import OsmLayers, text


def find_place(layers: OsmLayers, name: str) -> BaseGeometry | None:
    """Polygon of the place called ``name`` (boundary or place=* area), largest match first.

    Matching ignores case and surrounding space; returns None when the file has no such area.
    """
    feats = layers.features
    if len(feats) == 0:
        return None
    wanted = name.strip().casefold()
    named = text(feats["name"]).str.casefold() == wanted
    areal = feats.geom_type.isin(["Polygon", "MultiPolygon"])
    placeish = feats["boundary"].notna() | feats["place"].notna()
    hits = feats[named & areal & placeish]
    if len(hits) == 0:
        return None
    geoms = shapely.make_valid(hits.geometry.to_numpy())
    return max(geoms, key=lambda g: g.area)
