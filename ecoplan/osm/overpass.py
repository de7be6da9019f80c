"""Online OSM source: download an area from the Overpass API, cache it, hand it to the XML reader.

Why our own thin client and not osmnx's downloader: osmnx has no cache-only (offline) mode,
and its retry on HTTP 429/504 recurses without bound. Here every request is bounded (server
``[timeout:]``, client read timeout, at most ``MAX_RETRIES`` retries with exponential backoff
that honours ``Retry-After``, and a total wait budget), every answer is cached on disk keyed by
the sha256 of the query, and ``offline=True`` reads only that cache.

Data path: Overpass returns raw OSM elements as JSON (``out body; >; out skel qt;`` — the
matching ways/relations with tags plus the nodes they need); we store that JSON (gzip), convert
it to an OSM XML file, and read that with :func:`ecoplan.osm.xml.read_xml`, the same parser used
for ``.osm`` files. So online and offline data take one code path to :class:`OsmLayers`.

The query is built from ``settings.osm.FEATURE_FILTER`` and ``POI_FILTER`` (plus all highway
ways and buildings), so the tag taxonomy stays in one place.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from xml.sax.saxutils import XMLGenerator

import requests
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

from ecoplan import __version__, net
from ecoplan.errors import AreaError, NotInCacheError, ServiceError
from ecoplan.io import atomic_path
from ecoplan.osm import geocode
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings import overpass as overpass_cfg

if TYPE_CHECKING:
    from ecoplan.osm.layers import OsmLayers


Bbox = tuple[float, float, float, float]
Area: TypeAlias = Bbox | Polygon | MultiPolygon

_ADVICE_LOCAL = "use a local .osm.pbf file (e.g. from Geofabrik)"


# --- area ----------------------------------------------------------------------------------

def area_geometry(area: Area) -> Polygon | MultiPolygon:
    """The area as a shapely polygon (a bbox tuple is (west, south, east, north))."""
    if isinstance(area, Polygon | MultiPolygon):
        if area.is_empty or not area.is_valid:
            raise AreaError("the area polygon is empty or invalid (self-intersecting?) — "
                            "repair it or give a bbox W,S,E,N")
        return area
    if isinstance(area, BaseGeometry):
        raise AreaError(f"the area must be a polygon, not a {area.geom_type} — give a "
                        "polygon or a bbox W,S,E,N")
    return box(*geocode.check_bbox(tuple(area)))  # type: ignore[arg-type]


def describe_area(area: Area) -> str:
    """A short human label for messages: the bbox, or the polygon's bounds and size."""
    if isinstance(area, BaseGeometry):
        w, s, e, n = area.bounds
        return (f"the polygon within {w:.4f},{s:.4f},{e:.4f},{n:.4f} "
                f"({geocode.area_km2(area):.1f} km²)")
    w, s, e, n = area
    return f"bbox {w:g},{s:g},{e:g},{n:g}"


# --- query ---------------------------------------------------------------------------------

def build_query(area: Area, *, timeout: int = overpass_cfg.TIMEOUT_S,
                buildings: bool = overpass_cfg.INCLUDE_BUILDINGS) -> str:
    """Overpass QL selecting everything the readers need inside ``area``.

    A bbox becomes ``(S,W,N,E)``; a polygon becomes ``poly:"lat lon …"`` per part, simplified
    outward (buffer, then simplify by the same tolerance) to at most ``POLY_MAX_VERTICES``
    vertices so the download still covers the whole area; the reader clips exactly.
    """
    spatial = _spatial_filters(area)
    lines = [f"[out:json][timeout:{int(timeout)}];", "("]
    for stmt in _statements(buildings):
        lines.extend(f"  {stmt}{sp};" for sp in spatial)
    lines += [");", "out body;", ">;", "out skel qt;"]
    return "\n".join(lines)


def _statements(buildings: bool) -> list[str]:
    """Element-type + tag-filter statements (without the spatial filter), one per key/type."""
    node_f: dict[str, list[str] | bool] = dict(osm_cfg.POI_FILTER)
    way_f = _merge_filters(osm_cfg.FEATURE_FILTER, osm_cfg.POI_FILTER, {"highway": True})
    rel_f: dict[str, list[str] | bool] = dict(osm_cfg.FEATURE_FILTER)
    if buildings:
        way_f["building"] = True
        rel_f["building"] = True
    rel_types = f'["type"~"{_regex(overpass_cfg.RELATION_TYPES)}"]'
    out: list[str] = []
    for key in sorted(set(node_f) | set(way_f)):
        n, w = node_f.get(key), way_f.get(key)
        if n is not None and _same(n, w):
            out.append(f"nw{_tag_filter(key, n)}")
            continue
        if n is not None:
            out.append(f"node{_tag_filter(key, n)}")
        if w is not None:
            out.append(f"way{_tag_filter(key, w)}")
    for key in sorted(rel_f):
        extra = ""
        if key == "boundary":  # keep only small admin units (see settings.overpass)
            extra = f'["admin_level"~"{_regex(overpass_cfg.ADMIN_LEVELS)}"]'
        out.append(f"rel{_tag_filter(key, rel_f[key])}{rel_types}{extra}")
    return out


def _merge_filters(*filters: dict[str, list[str] | bool]) -> dict[str, list[str] | bool]:
    merged: dict[str, list[str] | bool] = {}
    for flt in filters:
        for key, values in flt.items():
            have = merged.get(key)
            if values is True or have is True:
                merged[key] = True
            else:
                merged[key] = sorted(set(have or []) | set(values or []))
    return merged


def _same(a: list[str] | bool | None, b: list[str] | bool | None) -> bool:
    if a is True or b is True:
        return a is b
    return a is not None and b is not None and sorted(a) == sorted(b)  # type: ignore[arg-type]


def _tag_filter(key: str, values: list[str] | bool) -> str:
    if values is True:
        return f"[{_quote(key)}]"
    return f'[{_quote(key)}~"{_regex(values)}"]'  # type: ignore[arg-type]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _regex(values: Iterable[str]) -> str:
    """Anchored alternation; settings values are plain words, anything else is a bug."""
    values = sorted(values)
    for v in values:
        if not re.fullmatch(r"[\w:;.\- ]+", v):
            raise ValueError(f"tag value {v!r} in settings is not a plain word")
    return "^(" + "|".join(v.replace(".", "\\\\.") for v in values) + ")$"


def _spatial_filters(area: Area) -> list[str]:
    if not isinstance(area, BaseGeometry):
        w, s, e, n = geocode.check_bbox(tuple(area))  # type: ignore[arg-type]
        return [f"({s:.7f},{w:.7f},{n:.7f},{e:.7f})"]
    geom = area_geometry(area)
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    if len(parts) > overpass_cfg.POLY_MAX_PARTS:
        parts = [geom.convex_hull]
    budget = max(8, overpass_cfg.POLY_MAX_VERTICES // len(parts))
    out = []
    for part in parts:
        ring = simplify_cover(part, budget).exterior.coords
        coords = " ".join(f"{lat:.7f} {lon:.7f}" for lon, lat in ring[:-1])
        out.append(f'(poly:"{coords}")')
    return out


def simplify_cover(poly: Polygon, max_vertices: int) -> Polygon:
    """A polygon with at most ``max_vertices`` vertices that contains ``poly``.

    Buffering by the tolerance before Douglas–Peucker simplification keeps the original inside
    (simplification moves the boundary by at most the tolerance). Holes are dropped: the
    Overpass ``poly`` filter takes one ring, and the reader clips holes out afterwards.
    """
    shell = Polygon(poly.exterior)
    if len(shell.exterior.coords) - 1 <= max_vertices:
        return shell
    tol = overpass_cfg.POLY_SIMPLIFY_START_DEG
    while True:
        cover = shell.buffer(tol, join_style="mitre").simplify(tol, preserve_topology=True)
        if isinstance(cover, Polygon) and len(cover.exterior.coords) - 1 <= max_vertices:
            return Polygon(cover.exterior)
        if tol > 1.0:  # degenerate shapes: fall back to the bounding box
            return box(*shell.bounds)
        tol *= 2


def query_key(query: str) -> str:
    """Cache key of a query: sha256 of its text."""
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


# --- fetch ---------------------------------------------------------------------------------

def fetch_osm_json(area: Area, *, offline: bool = False, timeout: int = overpass_cfg.TIMEOUT_S,
                   max_retries: int = overpass_cfg.MAX_RETRIES, base_url: str | None = None,
                   buildings: bool = overpass_cfg.INCLUDE_BUILDINGS,
                   sleep: Callable[[float], None] = time.sleep) -> dict[str, Any]:
    """Overpass JSON for ``area``, from the disk cache or the API.

    The returned dict is Overpass's answer plus an ``"ecoplan"`` entry with ``fetched_at``
    (ISO time of the download), ``from_cache``, ``query_sha256`` and ``endpoint``.
    Raises :class:`NotInCacheError` when ``offline`` and the area was never fetched, and
    :class:`ServiceError` when Overpass is unreachable, busy beyond our retries, or reports a
    runtime error (timeout/out of memory) for the query.
    """
    geom = area_geometry(area)
    label = describe_area(area)
    geocode.check_area_size(geom, label)
    query = build_query(area, timeout=timeout, buildings=buildings)
    key = query_key(query)
    cache_file = _CACHE.path(key)
    entry = _read_cache(cache_file)
    if entry is None:
        if offline:
            raise NotInCacheError(
                f"Overpass data for {label} is not in the offline cache — run once without "
                f"offline mode (cache only) to download it, or {_ADVICE_LOCAL}")
        url = base_url or overpass_cfg.overpass_url()
        response = _post(url, query, label=label, timeout=timeout, max_retries=max_retries,
                         sleep=sleep)
        entry = {"fetched_at": datetime.now(UTC).isoformat(timespec="seconds"),
                 "endpoint": url, "area": label, "query": query, "response": response}
        net.write_json(cache_file, entry)
        from_cache = False
    else:
        from_cache = True
    data = dict(entry["response"])
    data["ecoplan"] = {"fetched_at": entry["fetched_at"], "from_cache": from_cache,
                       "query_sha256": key, "endpoint": entry.get("endpoint", "")}
    return data


def policy(timeout: int = overpass_cfg.TIMEOUT_S,
           max_retries: int = overpass_cfg.MAX_RETRIES) -> net.Policy:
    """Overpass's patience: retry busy answers (queue slots free within a minute), never a
    timeout or a refused connection (the same query would fail the same way)."""
    return net.Policy(connect_timeout_s=overpass_cfg.CONNECT_TIMEOUT_S,
                      read_timeout_s=timeout + overpass_cfg.READ_TIMEOUT_MARGIN_S,
                      max_retries=max_retries, retry_status=overpass_cfg.RETRY_STATUS,
                      retry_network_errors=False, backoff_base_s=overpass_cfg.BACKOFF_BASE_S,
                      backoff_max_s=overpass_cfg.BACKOFF_MAX_S,
                      total_wait_max_s=overpass_cfg.BACKOFF_TOTAL_MAX_S)


def _post(url: str, query: str, *, label: str, timeout: int, max_retries: int,
          sleep: Callable[[float], None]) -> dict[str, Any]:
    """POST the query with bounded retries on busy answers; return the parsed JSON."""
    try:
        resp = net.request("POST", url, what=f"Overpass query for {label}",
                           policy=policy(timeout, max_retries), data={"data": query},
                           headers={"Accept": "application/json"}, sleep=sleep)
    except net.HttpFailure as err:
        if err.kind == "timeout":
            raise ServiceError(
                f"Overpass did not answer within {timeout + overpass_cfg.READ_TIMEOUT_MARGIN_S} s "
                f"for "
                f"{label} — try a smaller area or {_ADVICE_LOCAL}") from err
        if err.kind == "connection":
            raise ServiceError(
                f"Overpass could not be reached ({err.detail}) — check the internet "
                f"connection, {_ADVICE_LOCAL}, or use offline mode (cache only) if you fetched "
                "this area before") from err
        raise ServiceError(
            f"Overpass is busy (HTTP {err.status}) and still was after {err.attempts} "
            f"attempts — try again in a few minutes, or {_ADVICE_LOCAL}") from err
    return _parse_answer(resp, label)


def backoff_delay(attempt: int, retry_after: str | None) -> float:
    """Seconds to wait before retry ``attempt + 1`` (see :func:`ecoplan.net.backoff_delay`)."""
    return net.backoff_delay(attempt, retry_after, policy())


def _parse_answer(resp: requests.Response, label: str) -> dict[str, Any]:
    if resp.status_code == 400:
        detail = _first_error_line(resp.text)
        raise ServiceError(f"Overpass rejected the query for {label} (HTTP 400: {detail}) — "
                           "the area polygon may be too complex; try a bbox")
    if resp.status_code != 200:
        raise ServiceError(f"Overpass answered HTTP {resp.status_code} for {label} — try "
                           f"again later, or {_ADVICE_LOCAL}")
    try:
        data = resp.json()
    except ValueError:
        raise ServiceError(f"Overpass sent an answer that is not JSON for {label} — try again "
                           f"later, or {_ADVICE_LOCAL}") from None
    if not isinstance(data, dict) or not isinstance(data.get("elements"), list):
        raise ServiceError(f"Overpass sent JSON without OSM elements for {label} — try again "
                           f"later, or {_ADVICE_LOCAL}")
    remark = str(data.get("remark") or "")
    if "error" in remark.lower():
        raise ServiceError(f"Overpass could not finish the query for {label} ({remark.strip()})"
                           f" — use a smaller area or {_ADVICE_LOCAL}")
    return data


def _first_error_line(text: str) -> str:
    """Overpass puts errors in an HTML page: keep the first 'Error:' line, without tags."""
    plain = re.sub(r"<[^>]+>", " ", text or "")
    for line in plain.splitlines():
        if "error" in line.lower():
            return " ".join(line.split())[:200]
    return " ".join(plain.split())[:200] or "no detail"


_CACHE = net.Cache("overpass", compress=True)


def _cache_dir() -> Path:
    return _CACHE.folder


def _read_cache(path: Path) -> dict[str, Any] | None:
    """A cached entry, or None when absent or unreadable (a broken entry is refetched)."""
    entry = net.read_json(path)
    if not isinstance(entry, dict) or not isinstance(entry.get("response"), dict):
        return None
    return entry


# --- JSON → OSM XML ------------------------------------------------------------------------

# Characters XML 1.0 cannot carry at all; untrusted tag values containing them are cleaned.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> str:
    return _XML_INVALID.sub("\ufffd", str(value))


def overpass_json_to_osm_xml(data: dict[str, Any], path: str | Path) -> Path:
    """Write Overpass JSON ``data`` as an OSM XML 0.6 file at ``path`` (atomically).

    Elements that ``out body`` and ``out skel`` both printed are merged (tags kept). Text is
    escaped by :class:`xml.sax.saxutils.XMLGenerator`, so untrusted names cannot break the file.
    """
    path = Path(path)
    nodes, ways, rels = _merge_elements(data.get("elements", []))
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        _write_xml(fh, data, nodes, ways, rels)
    return path


def _merge_elements(elements: Iterable[dict[str, Any]]
                    ) -> tuple[dict[int, dict], dict[int, dict], dict[int, dict]]:
    by_type: dict[str, dict[int, dict]] = {"node": {}, "way": {}, "relation": {}}
    for el in elements:
        kind = el.get("type")
        if kind not in by_type:
            continue  # "area", "count" and other derived Overpass elements are not OSM data
        seen = by_type[kind].get(el["id"])
        if seen is None:
            by_type[kind][el["id"]] = el
        elif el.get("tags") and not seen.get("tags"):
            by_type[kind][el["id"]] = {**seen, **el}
    return by_type["node"], by_type["way"], by_type["relation"]


def _write_xml(fh, data: dict[str, Any], nodes: dict[int, dict], ways: dict[int, dict],
               rels: dict[int, dict]) -> None:
    # typeshed asks for AttributesImpl; XMLGenerator only calls .items(), so dicts do.
    xml: Any = XMLGenerator(fh, encoding="utf-8", short_empty_elements=True)
    xml.startDocument()
    xml.characters("\n")
    xml.startElement("osm", {"version": "0.6", "generator": f"ecoplan {__version__} from "
                             f"{_clean(data.get('generator') or 'Overpass API')}",
                             "copyright": "OpenStreetMap and contributors",
                             "attribution": "https://www.openstreetmap.org/copyright",
                             "license": "https://opendatacommons.org/licenses/odbl/1-0/"})
    osm3s = data.get("osm3s") or {}
    if osm3s.get("timestamp_osm_base"):
        xml.characters("\n  ")
        xml.startElement("meta", {"osm_base": _clean(osm3s["timestamp_osm_base"])})
        xml.endElement("meta")

    def element(name: str, attrs: dict[str, str], el: dict[str, Any],
                children: Iterable[tuple[str, dict[str, str]]] = ()) -> None:
        xml.characters("\n  ")
        xml.startElement(name, attrs)
        for child, child_attrs in children:
            xml.characters("\n    ")
            xml.startElement(child, child_attrs)
            xml.endElement(child)
        for k, v in (el.get("tags") or {}).items():
            xml.characters("\n    ")
            xml.startElement("tag", {"k": _clean(k), "v": _clean(v)})
            xml.endElement("tag")
        if children or el.get("tags"):
            xml.characters("\n  ")
        xml.endElement(name)

    for nid in sorted(nodes):
        el = nodes[nid]
        element("node", {"id": str(int(nid)), "lat": _coord(el["lat"]),
                         "lon": _coord(el["lon"])}, el)
    for wid in sorted(ways):
        el = ways[wid]
        element("way", {"id": str(int(wid))}, el,
                [("nd", {"ref": str(int(ref))}) for ref in el.get("nodes", [])])
    for rid in sorted(rels):
        el = rels[rid]
        element("relation", {"id": str(int(rid))}, el,
                [("member", {"type": _clean(m["type"]), "ref": str(int(m["ref"])),
                             "role": _clean(m.get("role", ""))})
                 for m in el.get("members", [])])
    xml.characters("\n")
    xml.endElement("osm")
    xml.characters("\n")
    xml.endDocument()


def _coord(value: Any) -> str:
    return f"{float(value):.7f}"


# --- combined ------------------------------------------------------------------------------

def fetch_osm_xml(area: Area, **kwargs: Any) -> Path:
    """Fetch (or read from cache) ``area`` and return the path of its OSM XML file.

    The XML sits beside the cached JSON (``<cache>/overpass/<sha256>.osm``) and is rebuilt
    whenever it is missing or older than the JSON.
    """
    return _fetch_xml(area, **kwargs)[0]


def _fetch_xml(area: Area, **kwargs: Any) -> tuple[Path, dict[str, Any]]:
    data = fetch_osm_json(area, **kwargs)
    key = data["ecoplan"]["query_sha256"]
    json_file = _cache_dir() / f"{key}.json.gz"
    xml_file = _cache_dir() / f"{key}.osm"
    if (not xml_file.exists() or not json_file.exists()
            or xml_file.stat().st_mtime < json_file.stat().st_mtime):
        overpass_json_to_osm_xml(data, xml_file)
    return xml_file, data


def read_overpass(place: str | None = None, bbox: Bbox | str | None = None,
                  polygon: Polygon | MultiPolygon | None = None, offline: bool = False,
                  **kwargs: Any) -> OsmLayers:
    """:class:`OsmLayers` for a place name, bbox or polygon (exactly one), via Overpass.

    Geocodes ``place`` with Nominatim, fetches (or reads the cache), converts to XML and reads
    it with :func:`ecoplan.osm.xml.read_xml` clipped to the area. ``kwargs`` go to
    :func:`fetch_osm_json` (timeout, max_retries, base_url, …). The result's ``source`` says
    it came from Overpass, the OSM data time and when it was downloaded.
    """
    given = [x is not None for x in (place, bbox, polygon)]
    if sum(given) != 1:
        raise AreaError("give exactly one of a place name, a bbox W,S,E,N or a polygon")
    if place is not None:
        area: Area = geocode.geocode_place(place, offline=offline)
        name = place
    elif bbox is not None:
        area = geocode.parse_bbox(bbox) if isinstance(bbox, str) else geocode.check_bbox(bbox)
        name = describe_area(area)
    else:
        area = area_geometry(polygon)  # type: ignore[arg-type]
        name = describe_area(area)
    xml_file, data = _fetch_xml(area, offline=offline, **kwargs)
    empty = AreaError(f"OpenStreetMap has no streets, paths or green space in {name} "
                      "(according to Overpass) — check the place name or area")
    if not any(el.get("type") in ("node", "way", "relation") for el in data["elements"]):
        raise empty

    from ecoplan.osm.layers import SourceInfo  # lazy: keeps this module light to import
    from ecoplan.osm.xml import read_xml  # lazy: the XML reader pulls in osmnx

    try:
        layers = read_xml(xml_file, polygon=area_geometry(area))
    except AreaError as err:  # the reader names the cache file; the user knows the area
        raise empty from err
    meta = data["ecoplan"]
    note = (f"downloaded from Overpass ({meta['endpoint']}) at {meta['fetched_at']}"
            + (", read from the local cache" if meta["from_cache"] else ""))
    return replace(layers, source=SourceInfo("overpass", name, data_date=_osm_base_time(data),
                                             note=note))


def _osm_base_time(data: dict[str, Any]) -> datetime | None:
    raw = (data.get("osm3s") or {}).get("timestamp_osm_base")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return None


__all__ = [
    "area_geometry", "backoff_delay", "build_query", "describe_area", "fetch_osm_json",
    "fetch_osm_xml", "overpass_json_to_osm_xml", "query_key", "read_overpass",
    "simplify_cover",
]
