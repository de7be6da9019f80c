"""Tag → category, kind (green/blue) and access level for each OSM feature.

Rules live in :mod:`ecoplan.settings.osm` (``CATEGORY_RULES`` etc.); this module only applies
them, so the taxonomy can be read and changed in one place.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.osm.layers import text
from ecoplan.settings import osm as cfg

PUBLIC, PERMISSIVE, UNKNOWN, RESTRICTED = "public", "permissive", "unknown", "restricted"
#: Best first: the access of a site is the best access among its parts.
ACCESS_ORDER: tuple[str, ...] = (PUBLIC, PERMISSIVE, UNKNOWN, RESTRICTED)


def classify(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``category``, ``kind`` and ``access`` columns; drop features that are neither.

    Restricted zones (aerodromes, schools…) are not sites themselves; see
    :func:`restricted_zones`.
    """
    out = features.copy()
    category = pd.Series(None, index=out.index, dtype=object)
    kind = pd.Series(None, index=out.index, dtype=object)
    for key, value, cat, knd in cfg.CATEGORY_RULES:
        if key not in out.columns:
            continue
        col = out[key]
        hit = col.notna() if value is None else col.eq(value)
        hit &= category.isna()
        category[hit] = cat
        kind[hit] = knd
    excluded_water = text(out["water"]).isin(cfg.EXCLUDED_WATER)
    out["category"] = category
    out["kind"] = kind
    out = out[category.notna() & ~excluded_water].copy()
    out["access"] = access_level(out)
    return out


def access_level(features: pd.DataFrame) -> pd.Series:
    """Access of each feature from its tags and category (see settings.osm for the rules)."""
    access = text(features["access"]).str.lower()
    foot = text(features["foot"]).str.lower()
    garden_type = text(features["garden:type"]).str.lower()
    cat = features["category"]
    level = np.full(len(features), UNKNOWN, dtype=object)
    level[cat.isin(cfg.PUBLIC_CATEGORIES).to_numpy()] = PUBLIC
    level[(access.isin(cfg.ACCESS_PUBLIC) | foot.isin(cfg.ACCESS_PUBLIC)).to_numpy()] = PUBLIC
    level[(access.isin(cfg.ACCESS_PERMISSIVE) | foot.isin(cfg.ACCESS_PERMISSIVE)).to_numpy()] = (
        PERMISSIVE)
    closed = access.isin(cfg.ACCESS_RESTRICTED) & ~foot.isin(
        cfg.ACCESS_PUBLIC | cfg.ACCESS_PERMISSIVE)
    closed |= foot.isin(cfg.ACCESS_RESTRICTED)
    closed |= cat.isin(cfg.RESTRICTED_CATEGORIES)
    closed |= (cat == "garden") & garden_type.isin(cfg.PRIVATE_GARDEN_TYPES)
    level[closed.to_numpy()] = RESTRICTED
    return pd.Series(level, index=features.index)


def restricted_zones(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Areas whose green space is out of bounds: airfields, school grounds, military land."""
    hit = pd.Series(False, index=features.index)
    for key, value in cfg.RESTRICTED_ZONES:
        if key in features.columns:
            hit |= features[key].eq(value)
    zones = features[hit]
    return zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]


def best_access(levels: pd.Series) -> str:
    """The most open access level among a site's parts."""
    present = set(levels)
    return next((a for a in ACCESS_ORDER if a in present), UNKNOWN)


def site_kind(kinds: pd.Series) -> str:
    present = set(kinds)
    if {cfg.GREEN, cfg.BLUE} <= present:
        return "green+blue"
    return cfg.BLUE if cfg.BLUE in present else cfg.GREEN
