"""Pick the smallest Geofabrik extract that covers an area, from Geofabrik's ``index-v1.json``.

The index is a GeoJSON FeatureCollection: one feature per extract with ``properties.id``,
``name``, ``parent`` and ``urls.pbf``, and the extract's polygon as geometry
(download.geofabrik.de/technical.html). Beside every ``.osm.pbf`` Geofabrik publishes
``<file>.md5`` (``"<hex>  <file name>"``), which the download is checked against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ecoplan.errors import ServiceError
from ecoplan.osm.geocode import area_km2
from ecoplan.settings import fetch as fetch_cfg

_MD5 = re.compile(r"^\s*([0-9a-fA-F]{32})\b")


@dataclass(frozen=True)
class Extract:
    id: str
    name: str
    pbf_url: str
    geometry: BaseGeometry
    km2: float
    parent: str = ""


def extracts(index: Any) -> list[Extract]:
    """Every extract of the index that has a ``.osm.pbf`` and a polygon."""
    feats = index.get("features") if isinstance(index, dict) else None
    if not isinstance(feats, list):
        raise ServiceError("the Geofabrik index (geofabrik_index) is not a GeoJSON "
                           "FeatureCollection — the format may have changed; check the catalogue")
    out = []
    for feat in feats:
        props = (feat or {}).get("properties") or {}
        pbf = (props.get("urls") or {}).get("pbf")
        geom = (feat or {}).get("geometry")
        if not pbf or not geom:
            continue
        try:
            poly = shape(geom)
        except (ValueError, TypeError, AttributeError):
            continue
        if not poly.is_valid:
            poly = shapely.make_valid(poly)
        if poly.is_empty:
            continue
        out.append(Extract(str(props.get("id") or pbf), str(props.get("name") or props.get("id")),
                           str(pbf), poly, area_km2(poly), str(props.get("parent") or "")))
    if not out:
        raise ServiceError("the Geofabrik index (geofabrik_index) lists no extract with a "
                           ".osm.pbf URL and a polygon — check the catalogue URL")
    return out


def covered_share(extract: BaseGeometry, area: BaseGeometry) -> float:
    """Share of ``area`` inside ``extract`` (planar in degrees: only used as a ratio)."""
    if area.area == 0:
        return 1.0 if extract.covers(area) else 0.0
    return float(shapely.intersection(extract, area).area / area.area)


def choose_extract(index: Any, area: BaseGeometry, label: str) -> Extract:
    """The smallest extract (by km²) covering ``area`` (``settings.fetch.COVER_MIN_SHARE``)."""
    found = []
    for ex in extracts(index):
        if not shapely.intersects(ex.geometry, area):
            continue
        if covered_share(ex.geometry, area) >= fetch_cfg.COVER_MIN_SHARE:
            found.append(ex)
    if not found:
        raise ServiceError(f"no Geofabrik extract covers {label} — give an .osm.pbf that "
                           "covers it yourself (the analysis commands take SOURCE)")
    return min(found, key=lambda ex: ex.km2)


def neighbours_reached(index: Any, chosen: Extract, area: BaseGeometry) -> list[str]:
    """Names of other extracts that the part of ``area`` outside ``chosen`` reaches (the
    buffer crossing a county edge): their sites and paths are not in the data."""
    outside = shapely.difference(area, chosen.geometry)
    if outside.is_empty or outside.area < 1e-9:
        return []
    names = [ex.name for ex in extracts(index)
             if ex.id != chosen.id and ex.km2 < chosen.km2 * 50
             and shapely.intersects(ex.geometry, outside)
             and not ex.geometry.covers(chosen.geometry)]
    return sorted(set(names))


def parse_md5(text: str, url: str) -> str:
    """The hex digest in a Geofabrik ``.md5`` file."""
    m = _MD5.match(text or "")
    if not m:
        raise ServiceError(f"the checksum file {url} holds no MD5 sum — Geofabrik may have "
                           "changed its format; try again later")
    return m.group(1).lower()


__all__ = ["Extract", "choose_extract", "covered_share", "extracts", "neighbours_reached",
           "parse_md5"]
