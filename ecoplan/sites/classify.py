"""Tag → category, kind (green/blue) and access level for each OSM feature.

Rules live in :mod:`ecoplan.settings.osm` (``CATEGORY_RULES`` etc.); this module only applies
them, so the taxonomy can be read and changed in one place.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.osm.layers import text
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import public_access as pa

PUBLIC, PERMISSIVE, UNKNOWN, RESTRICTED = "public", "permissive", "unknown", "restricted"
#: Best first: the access of a site is the best access among its parts.
ACCESS_ORDER: tuple[str, ...] = (PUBLIC, PERMISSIVE, UNKNOWN, RESTRICTED)


def classify(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add ``category``, ``kind``, ``access`` and ``access_evidence``; drop features that are
    neither green nor blue (and hard-surfaced pitches).

    Restricted zones (aerodromes, schools…) are not sites themselves; see
    :func:`restricted_zones`.
    """
    out = features.copy()
    category = pd.Series(None, index=out.index, dtype=object)
    kind = pd.Series(None, index=out.index, dtype=object)
    for key, value, cat, knd in osm_cfg.CATEGORY_RULES:
        if key not in out.columns:
            continue
        col = out[key]
        hit = col.notna() if value is None else col.eq(value)
        hit &= category.isna()
        category[hit] = cat
        kind[hit] = knd
    excluded_water = text(out["water"]).isin(osm_cfg.EXCLUDED_WATER)
    out["category"] = category
    out["kind"] = kind
    out = out[category.notna() & ~excluded_water & ~is_hard_pitch(out)].copy()
    out[["access", "access_evidence"]] = access_with_evidence(out)
    return out


def access_level(features: pd.DataFrame) -> pd.Series:
    """Access of each feature from its tags and category (see settings.osm for the rules)."""
    return access_with_evidence(features)["access"]


def access_with_evidence(features: pd.DataFrame) -> pd.DataFrame:
    """``access`` and ``access_evidence`` (a few words: why) of each feature.

    Later rules override earlier ones: category (parks, commons… are public by type), then an
    operator that opens its land or open-access designation (``settings.public_access``), then
    the feature's own ``access``/``foot`` tags, and last whatever closes it.
    """
    access = text(features["access"]).str.lower()
    foot = text(features["foot"]).str.lower()
    garden_type = text(features["garden:type"]).str.lower()
    designation = text(features["designation"]).str.lower()
    cat = features["category"]
    n = len(features)
    level = np.full(n, UNKNOWN, dtype=object)
    why = np.full(n, "no access tag", dtype=object)

    def put(mask: pd.Series, lvl: str, reason) -> None:
        m = mask.to_numpy(dtype=bool)
        level[m] = lvl
        why[m] = reason[m] if isinstance(reason, np.ndarray) else reason

    put(cat.isin(osm_cfg.PUBLIC_CATEGORIES), PUBLIC,
        ("public by type: " + cat.astype(str).str.replace("_", " ")).to_numpy())
    op_level, op_label = operator_access(features)
    for lvl in (PERMISSIVE, PUBLIC):
        put(op_level.eq(lvl), lvl, ("operator " + op_label).to_numpy())
    put(designation.isin(pa.OPEN_ACCESS_DESIGNATIONS), PUBLIC,
        ("designation=" + designation).to_numpy())
    for tags, lvl in ((osm_cfg.ACCESS_PUBLIC, PUBLIC), (osm_cfg.ACCESS_PERMISSIVE, PERMISSIVE)):
        put(foot.isin(tags), lvl, ("foot=" + foot).to_numpy())
        put(access.isin(tags), lvl, ("access=" + access).to_numpy())
    closed = access.isin(osm_cfg.ACCESS_RESTRICTED) & ~foot.isin(
        osm_cfg.ACCESS_PUBLIC | osm_cfg.ACCESS_PERMISSIVE)
    put(closed, RESTRICTED, ("access=" + access).to_numpy())
    put(foot.isin(osm_cfg.ACCESS_RESTRICTED), RESTRICTED, ("foot=" + foot).to_numpy())
    put(cat.isin(osm_cfg.RESTRICTED_CATEGORIES), RESTRICTED,
        ("closed by type: " + cat.astype(str).str.replace("_", " ")).to_numpy())
    put((cat == "garden") & garden_type.isin(osm_cfg.PRIVATE_GARDEN_TYPES), RESTRICTED,
        "private garden")
    return pd.DataFrame({"access": level, "access_evidence": why}, index=features.index)


def operator_access(features: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(level, label) from ``operator=*`` per ``settings.public_access.OPEN_OPERATORS``;
    level '' where the operator is not one that opens its land. First pattern wins."""
    op = text(features["operator"]) if "operator" in features.columns else pd.Series(
        "", index=features.index)
    # Matched once per distinct operator (a few dozen among thousands of features).
    codes, names = pd.factorize(op)
    names = pd.Series(names, dtype=object)
    level = pd.Series("", index=names.index, dtype=object)
    label = pd.Series("", index=names.index, dtype=object)
    for pattern, lvl, name in pa.OPEN_OPERATORS:
        hit = names.str.contains(pattern, case=False, regex=True) & level.eq("")
        level[hit] = lvl
        label[hit] = name
    return (pd.Series(level.to_numpy()[codes], index=features.index, dtype=object),
            pd.Series(label.to_numpy()[codes], index=features.index, dtype=object))


def is_hard_pitch(features: pd.DataFrame) -> pd.Series:
    """Pitches that are courts or tracks, not grass (``settings.public_access``)."""
    pitch = features["leisure"].eq("pitch") if "leisure" in features.columns else pd.Series(
        False, index=features.index)
    surface = text(features["surface"]).str.lower()
    sport = text(features["sport"]).str.lower() if "sport" in features.columns else (
        pd.Series("", index=features.index))
    hard = surface.isin(pa.HARD_PITCH_SURFACES)
    # Sports are read on pitches only (splitting every feature's tag was most of the cost).
    on = pitch.to_numpy(dtype=bool)
    hard[on] |= sport[on].str.split(";").map(lambda s: bool(set(s) & pa.HARD_PITCH_SPORTS))
    return pitch & hard


def restricted_zones(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Areas whose green space is out of bounds: airfields, school grounds, military land."""
    hit = pd.Series(False, index=features.index)
    for key, value in osm_cfg.RESTRICTED_ZONES:
        if key in features.columns:
            hit |= features[key].eq(value)
    zones = features[hit]
    return zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]


def best_access(levels: Iterable[str]) -> str:
    """The most open access level among a site's parts."""
    present = set(levels)
    return next((a for a in ACCESS_ORDER if a in present), UNKNOWN)


def site_kind(kinds: Iterable[str]) -> str:
    present = set(kinds)
    if {osm_cfg.GREEN, osm_cfg.BLUE} <= present:
        return "green+blue"
    return osm_cfg.BLUE if osm_cfg.BLUE in present else osm_cfg.GREEN
