"""Sort OSM points of interest (and allotment/garden areas) into plain support categories.

Why a table of rules in settings: the tags for "somewhere to be signposted to" and "help if
something goes wrong" are spread over amenity, healthcare, emergency, leisure and tourism; one
ordered rule list keeps the choices reviewable. Tag columns the source lacks are treated as
empty, so this works whichever optional tags a reader kept.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.osm.layers import OsmLayers, text
from ecoplan.settings import support as support_cfg

#: Columns of :func:`support_features`.
COLUMNS: tuple[str, ...] = (
    "group", "category", "label", "name", "osm_type", "osm_id", "detail", "phone",
    "opening_hours", "area", "geometry",
)

COMMUNITY = "community"
HELP = "help"


def tag(df: pd.DataFrame, key: str) -> pd.Series:
    """Tag values as stripped strings ('' where missing or the column is absent)."""
    if key in df.columns:
        return text(df[key])
    return pd.Series("", index=df.index, dtype=object)


def rule_mask(df: pd.DataFrame, rules: tuple[tuple[str, str | None], ...]) -> pd.Series:
    """Rows matching any (key, value) rule; value None matches any non-empty value.

    Multi-valued tags ('cafe;library') match on any of their parts.
    """
    out = pd.Series(False, index=df.index)
    for key, value in rules:
        vals = tag(df, key)
        if value is None:
            out |= vals != ""
        else:
            out |= vals.str.split(";").map(lambda parts, v=value: v in [p.strip() for p in parts])
    return out


def labels() -> dict[str, str]:
    """Category key → plain label, community then help, in display order."""
    out = {k: label for k, label, _ in support_cfg.COMMUNITY_CATEGORIES}
    out |= {k: label for k, label, *_ in support_cfg.HELP_CATEGORIES}
    return out


def _words(df: pd.DataFrame, words: tuple[str, ...], keys: tuple[str, ...]) -> pd.Series:
    hay = pd.Series("", index=df.index, dtype=object)
    for key in keys:
        hay = hay + " " + tag(df, key).str.casefold()
    out = pd.Series(False, index=df.index)
    for w in words:
        out |= hay.str.contains(w, regex=False)
    return out


def community_category(df: pd.DataFrame) -> pd.Series:
    """Community category key per row ('' = not a community resource)."""
    cat = pd.Series("", index=df.index, dtype=object)
    for key, _label, rules in support_cfg.COMMUNITY_CATEGORIES:
        hit = rule_mask(df, rules) & (cat == "")
        if key == "gardens":
            garden = tag(df, "leisure") == "garden"
            hit |= (cat == "") & garden & _words(df, support_cfg.COMMUNITY_GARDEN_WORDS,
                                                 ("name", "operator"))
        elif key == "community":
            hit &= ~tag(df, "social_facility").isin(support_cfg.RESIDENTIAL_SOCIAL_FACILITY)
        elif key == "information":
            hit &= _is_visitor_centre(df)
        elif key == "volunteering":
            office = (tag(df, "office").isin(support_cfg.VOLUNTEER_OFFICE_VALUES)
                      | (tag(df, "club") != ""))
            hit |= (cat == "") & office & _words(df, support_cfg.VOLUNTEER_NAME_WORDS, ("name",))
        cat[hit] = key
    return cat


def _is_visitor_centre(df: pd.DataFrame) -> pd.Series:
    info = tag(df, "information")
    named = tag(df, "name") != ""
    return info.isin(support_cfg.INFORMATION_OFFICE_VALUES) | ((info == "") & named)


def specialist_hospital(df: pd.DataFrame) -> pd.Series:
    """Hospitals whose tags (healthcare:speciality) or, untagged, name say they are specialist."""
    spec = tag(df, "healthcare:speciality").str.lower()
    by_name = (spec == "") & _words(df, support_cfg.SPECIALIST_NAME_WORDS, ("name",))
    return _specialist_by_tag(spec, support_cfg.GENERAL_SPECIALITIES) | by_name


def _specialist_by_tag(spec: pd.Series, general: frozenset[str]) -> pd.Series:
    """A speciality list (``a;b``) is tagged and names none of the ``general`` ones."""
    parts = spec.str.split(";").map(lambda xs: {x.strip() for x in xs if x.strip()})
    return parts.map(lambda xs: bool(xs) and not (xs & general)).astype(bool)


def help_category(df: pd.DataFrame) -> pd.Series:
    """Help category key per row ('' = none).

    A hospital is an emergency department only when OSM says so (``emergency=yes``) and it is
    not specialist; every other hospital is 'hospital' (its label says no A&E is mapped). A
    clinic tagged with only specialist care (hypnosis, cosmetic surgery, osteopathy…) is no
    help in a walk's emergency and is left out of "urgent care & clinics".
    """
    cat = pd.Series("", index=df.index, dtype=object)
    for key, _label, _radius, _n, rules in support_cfg.HELP_CATEGORIES:
        hit = rule_mask(df, rules) & (cat == "")
        if key == "emergency_department":
            hit &= tag(df, "emergency").isin(support_cfg.EMERGENCY_YES) & ~specialist_hospital(df)
        elif key == "urgent_care":
            spec = tag(df, "healthcare:speciality").str.lower()
            hit &= (tag(df, "healthcare") == "urgent_care") | ~_specialist_by_tag(
                spec, support_cfg.GENERAL_CLINIC_SPECIALITIES)
        cat[hit] = key
    return cat


def _detail(df: pd.DataFrame, category: pd.Series) -> pd.Series:
    """Short plain notes a leader needs: where the defibrillator is, whether A&E is confirmed."""
    parts: list[pd.Series] = []
    defib_loc = tag(df, "defibrillator:location")
    is_defib = category == "defibrillator"
    parts.append(np.where(is_defib & (defib_loc != ""), "Location: " + defib_loc, ""))
    access = tag(df, "access")
    parts.append(np.where(is_defib & (access != ""), "access: " + access, ""))
    is_ed = category == "emergency_department"
    parts.append(np.where(is_ed, "tagged emergency=yes in OpenStreetMap", ""))
    is_h = category == "hospital"
    spec = tag(df, "healthcare:speciality").str.replace("_", " ").str.replace(";", ", ")
    parts.append(np.where(is_h & (spec != ""), "speciality: " + spec, ""))
    parts.append(np.where(is_h, "no emergency department mapped in OpenStreetMap", ""))
    sf = tag(df, "social_facility")
    parts.append(np.where((category == "community") & (sf != ""),
                          sf.str.replace("_", " "), ""))
    rel = tag(df, "religion")
    parts.append(np.where((category == "worship") & (rel != ""), rel, ""))
    info = tag(df, "information")
    parts.append(np.where((category == "information") & (info == ""),
                          "information point (office not confirmed in OSM)", ""))
    garden = category == "gardens"
    parts.append(np.where(garden & (tag(df, "landuse") == "allotments"), "allotments",
                          np.where(garden & (tag(df, "garden:type") == "community"),
                                   "community garden", "")))
    sport = tag(df, "sport")
    parts.append(np.where((category == "sports") & (sport != ""),
                          sport.str.replace("_", " "), ""))
    joined = pd.DataFrame({i: p for i, p in enumerate(parts)}, index=df.index)
    return joined.apply(lambda r: "; ".join(x for x in r if x), axis=1).astype(object) \
        if len(df) else pd.Series(dtype=object)


def _frame(df: gpd.GeoDataFrame, group: str, category: pd.Series,
           area: gpd.GeoSeries | None) -> gpd.GeoDataFrame:
    keep = category != ""
    df, category = df[keep], category[keep]
    lab = labels()
    points = df.geometry
    if len(df) and (points.geom_type != "Point").any():
        points = points.representative_point()
    out = gpd.GeoDataFrame({
        "group": group,
        "category": category.to_numpy(dtype=object),
        "label": category.map(lab).to_numpy(dtype=object),
        "name": tag(df, "name").to_numpy(dtype=object),
        "osm_type": tag(df, "osm_type").to_numpy(dtype=object),
        "osm_id": pd.to_numeric(df["osm_id"], errors="coerce").to_numpy()
        if "osm_id" in df.columns else np.full(len(df), np.nan),
        "detail": _detail(df, category).to_numpy(dtype=object),
        "phone": tag(df, "phone").to_numpy(dtype=object),
        "opening_hours": tag(df, "opening_hours").to_numpy(dtype=object),
        "area": (area[keep].to_numpy(dtype=object) if area is not None
                 else np.full(len(df), None, dtype=object)),
    }, geometry=points.to_numpy(), crs=df.crs or "EPSG:4326")
    return out


def support_features(layers: OsmLayers) -> gpd.GeoDataFrame:
    """Every community resource and help feature in ``layers`` (before de-duplication).

    Points come from ``layers.pois``; allotments and community gardens also from
    ``layers.features`` polygons (kept in ``area`` so a node inside one counts once).
    """
    pois = layers.pois
    frames = []
    if len(pois):
        frames.append(_frame(pois, COMMUNITY, community_category(pois), None))
        frames.append(_frame(pois, HELP, help_category(pois), None))
    feats = layers.features
    if len(feats):
        polys = feats[feats.geom_type.isin(["Polygon", "MultiPolygon"])]
        cat = community_category(polys)
        cat = cat.where(cat == "gardens", "")
        if (cat != "").any():
            frames.append(_frame(polys, COMMUNITY, cat, polys.geometry))
    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in COLUMNS[:-1]},
                                geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    out = pd.concat(frames, ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")
