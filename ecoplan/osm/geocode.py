"""Turn what a user types — a place name or a ``W,S,E,N`` box — into an area polygon.

Place names go to Nominatim (the OSM geocoder). We call it directly with ``requests`` rather
than through osmnx so that we control what its usage policy asks of us: a User-Agent naming
ecoplan, at most one request per second, and caching every answer (on disk, JSON, written
atomically) so the same place is never asked for twice. ``offline=True`` reads only that cache.

Points are not areas. When Nominatim knows a place only as a point (a hamlet node, a pub) or a
line, we do **not** invent an area around it (no silent buffer): :class:`AreaError` says so and
quotes Nominatim's rough bounding box as a ready-made ``--bbox`` the user can choose to pass.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import shapely
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from ecoplan import net
from ecoplan.errors import AreaError, NotInCacheError, ServiceError
from ecoplan.settings import overpass as overpass_cfg
from ecoplan.settings import paths

Bbox = tuple[float, float, float, float]

_GEOD = Geod(ellps="WGS84")
_rate_lock = threading.Lock()
_last_request: list[float] = [-math.inf]  # monotonic time of the last Nominatim request


# --- bbox -----------------------------------------------------------------------------------

def parse_bbox(text: str, *, max_km2: float | None = None) -> Bbox:
    """Parse ``"W,S,E,N"`` (degrees, EPSG:4326) into a validated ``(west, south, east, north)``.

    Raises :class:`AreaError` naming the problem: not four numbers, out of range, west ≥ east
    or south ≥ north (boxes across the antimeridian are not supported), or larger than
    ``max_km2`` (default ``settings.overpass.MAX_AREA_KM2``).
    """
    example = "e.g. --bbox -1.17,50.72,-1.15,50.74 (west,south,east,north in degrees)"
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        raise AreaError(f"bbox {text!r} must be four numbers W,S,E,N, {example}")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise AreaError(f"bbox {text!r} must be four numbers W,S,E,N, {example}") from None
    return check_bbox((west, south, east, north), max_km2=max_km2)


def parse_clip_bbox(text: str) -> Bbox:
    """:func:`parse_bbox` for a box that cuts a local file (``--bbox`` on a command): any
    size, as the size limit is Overpass's, for what a public server is asked to send."""
    return parse_bbox(text, max_km2=math.inf)


def check_bbox(bbox: Bbox, *, max_km2: float | None = None) -> Bbox:
    """Validate a ``(west, south, east, north)`` tuple; see :func:`parse_bbox`."""
    west, south, east, north = (float(v) for v in bbox)
    shown = f"{west:g},{south:g},{east:g},{north:g}"
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise AreaError(f"bbox {shown} holds a value that is not a finite number")
    for name, lon in (("west", west), ("east", east)):
        if not -180.0 <= lon <= 180.0:
            raise AreaError(f"bbox {shown}: {name} longitude {lon:g} is outside -180..180 — "
                            "the order is W,S,E,N (longitude first)")
    for name, lat in (("south", south), ("north", north)):
        if not -90.0 <= lat <= 90.0:
            raise AreaError(f"bbox {shown}: {name} latitude {lat:g} is outside -90..90 — "
                            "the order is W,S,E,N (longitude first)")
    if west >= east:
        raise AreaError(f"bbox {shown}: west {west:g} must be less than east {east:g} — "
                        "the order is W,S,E,N")
    if south >= north:
        raise AreaError(f"bbox {shown}: south {south:g} must be less than north {north:g} — "
                        "the order is W,S,E,N")
    check_area_size(box(west, south, east, north), f"bbox {shown}", max_km2=max_km2)
    return west, south, east, north


def area_km2(geom: BaseGeometry) -> float:
    """Geodesic area of a lon/lat geometry in km² (WGS84 ellipsoid)."""
    area_m2, _ = _GEOD.geometry_area_perimeter(geom)
    return abs(area_m2) / 1e6


def check_area_size(geom: BaseGeometry, label: str, *, max_km2: float | None = None) -> float:
    """Raise :class:`AreaError` when ``geom`` is larger than ``max_km2``; return its km²."""
    limit = overpass_cfg.MAX_AREA_KM2 if max_km2 is None else max_km2
    km2 = area_km2(geom)
    if km2 > limit:
        raise AreaError(
            f"{label} covers {km2:,.0f} km², more than the {limit:,.0f} km² limit — choose a "
            "smaller area, or use a local .osm.pbf extract (e.g. from Geofabrik) for big areas")
    return km2


# --- Nominatim ------------------------------------------------------------------------------

def geocode_place(name: str, *, offline: bool = False, timeout: float | None = None,
                  base_url: str | None = None, sleep: Callable[[float], None] = time.sleep,
                  clock: Callable[[], float] = time.monotonic) -> Polygon | MultiPolygon:
    """Outline of the place called ``name`` (EPSG:4326), from Nominatim or its disk cache.

    Raises :class:`AreaError` when nothing is found or the place is only a point/line,
    :class:`NotInCacheError` when ``offline`` and the name was never looked up, and
    :class:`ServiceError` when Nominatim cannot be reached or refuses. ``sleep``/``clock``
    are injectable so tests can check the one-request-per-second rule without waiting.
    """
    query = " ".join(str(name).split())
    if not query:
        raise AreaError("the place name is empty — give a place name or a bbox W,S,E,N")
    params = {
        "q": query, "format": "jsonv2", "polygon_geojson": "1",
        "polygon_threshold": str(overpass_cfg.NOMINATIM_POLYGON_THRESHOLD),
        "limit": str(overpass_cfg.NOMINATIM_LIMIT),
    }
    cache_file = _cache_path(params)
    cached = _read_cache(cache_file)
    if cached is not None:
        results = cached["response"]
    elif offline:
        raise NotInCacheError(
            f"'{query}' has not been looked up before, so it is not in the offline cache — "
            "search once with the network on (offline mode off), or give a bbox W,S,E,N")
    else:
        results = _search(params, base_url or overpass_cfg.nominatim_url(),
                          timeout or overpass_cfg.NOMINATIM_TIMEOUT_S, sleep, clock)
        _write_cache(cache_file, {"fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                  "params": params, "response": results})
    return _pick_area(query, results)


def _policy(timeout: float) -> net.Policy:
    """Nominatim is asked once per search: its usage policy forbids repeated requests, so no
    retries; every HTTP answer goes back to :func:`_search` to explain."""
    return net.Policy(connect_timeout_s=overpass_cfg.CONNECT_TIMEOUT_S, read_timeout_s=timeout,
                      max_retries=0, retry_status=frozenset(), retry_network_errors=False)


def _search(params: dict[str, str], url: str, timeout: float,
            sleep: Callable[[float], None], clock: Callable[[], float]) -> list[dict[str, Any]]:
    with _rate_lock:  # at most one request per second, across threads
        wait = _last_request[0] + overpass_cfg.NOMINATIM_MIN_INTERVAL_S - clock()
        if wait > 0:
            sleep(wait)
        try:
            resp = net.request("GET", url, what=f"Nominatim search for '{params['q']}'",
                               policy=_policy(timeout), params=params,
                               headers={"Accept": "application/json"}, sleep=sleep)
        except net.HttpFailure as err:
            raise ServiceError(
                f"Nominatim (place search) could not be reached ({err.detail}) — check "
                "the internet connection, give a bbox W,S,E,N instead, or use offline mode "
                "(cache only) if you looked this place up before") from err
        finally:
            _last_request[0] = clock()
    if resp.status_code != 200:
        hint = ("it limits requests to one per second; wait a minute"
                if resp.status_code in (403, 429) else "try again later")
        raise ServiceError(f"Nominatim answered HTTP {resp.status_code} for "
                           f"'{params['q']}' — {hint}, or give a bbox W,S,E,N instead")
    try:
        results = resp.json()
    except ValueError:
        raise ServiceError("Nominatim sent an answer that is not JSON — try again later, "
                           "or give a bbox W,S,E,N instead") from None
    if isinstance(results, dict) and "features" in results:  # format=geojson answers
        results = [{**f.get("properties", {}), "geojson": f.get("geometry"),
                    "boundingbox": _geojson_bbox(f)} for f in results["features"]]
    if not isinstance(results, list):
        raise ServiceError("Nominatim sent an answer ecoplan does not understand — try again "
                           "later, or give a bbox W,S,E,N instead")
    return results


def _pick_area(query: str, results: list[dict[str, Any]]) -> Polygon | MultiPolygon:
    """The first result whose outline is an area; otherwise an error that says why."""
    if not results:
        raise AreaError(f"Nominatim found no place called '{query}' — check the spelling, add "
                        "the county or town (e.g. 'Ryde, Isle of Wight'), or give a bbox")
    for result in results:
        geojson = result.get("geojson") or {}
        if geojson.get("type") in ("Polygon", "MultiPolygon"):
            geom = shape(geojson)
            if not geom.is_valid:
                geom = _polygonal(shapely.make_valid(geom))
            if geom is not None and not geom.is_empty:
                return geom
    top = results[0]
    kind = str((top.get("geojson") or {}).get("type") or "point").lower()
    label = top.get("display_name") or query
    suggestion = _bbox_suggestion(top.get("boundingbox"))
    raise AreaError(f"Nominatim knows '{label}' only as a {kind}, not an area — give a bbox "
                    f"W,S,E,N around it{suggestion}")


def _polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon | None:
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    if not polys:
        return None
    merged = shapely.union_all(polys)
    return merged if isinstance(merged, Polygon | MultiPolygon) else None


def _bbox_suggestion(raw: Any) -> str:
    """Nominatim's ``boundingbox`` is [south, north, west, east] as strings."""
    try:
        south, north, west, east = (float(v) for v in raw)
    except (TypeError, ValueError):
        return ""
    return f" (Nominatim's rough box for it is {west:.4f},{south:.4f},{east:.4f},{north:.4f})"


def _geojson_bbox(feature: dict[str, Any]) -> list[float] | None:
    bb = feature.get("bbox")  # GeoJSON order: west, south, east, north
    return [bb[1], bb[3], bb[0], bb[2]] if bb and len(bb) == 4 else None


# --- cache ----------------------------------------------------------------------------------

def _cache_path(params: dict[str, str]) -> Path:
    key = json.dumps({**params, "q": params["q"].casefold()}, sort_keys=True)
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    return paths.cache_dir() / "nominatim" / f"{digest}.json"


def _read_cache(path: Path) -> dict[str, Any] | None:
    """A cached answer, or None when absent or unreadable (a broken entry is refetched)."""
    entry = net.read_json(path)
    return entry if isinstance(entry, dict) and isinstance(entry.get("response"), list) else None


def _write_cache(path: Path, entry: dict[str, Any]) -> None:
    net.write_json(path, entry)
