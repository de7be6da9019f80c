"""Query an ArcGIS FeatureServer layer (the ONS Open Geography Portal) page by page.

A FeatureServer answers at most ``maxRecordCount`` rows per request and says so with
``exceededTransferLimit: true``; the next page starts at ``resultOffset`` = rows received so
far (not the page size asked for: some layers cap below it). We first ask for the count
(``returnCountOnly``) and check the pages add up to it, order the rows (``orderByFields``) so
pages cannot overlap, and stop after a bounded number of pages. Every page answer is kept in
the on-disk cache (:class:`ecoplan.net.Cache`), so an interrupted download continues where it
stopped and offline mode can rebuild a file from the pages fetched before.

ArcGIS reports errors as HTTP 200 with ``{"error": {...}}`` (an unknown field after the ONS
renamed a column, a bad query); those become a :class:`ServiceError` naming the source.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from ecoplan import net
from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch.catalogue import Source, mirror_url

#: Pages per query before we assume the server is looping (our choice: 500 pages of 1,000 rows
#: is 15 × the 35,795-row national LSOA lookup).
MAX_PAGES = 500

_CACHE = net.Cache("arcgis", compress=True)


def where_in(field: str, codes: Sequence[str]) -> str:
    """``FIELD IN ('a','b')`` — codes are GSS codes (letters and digits only, checked)."""
    for code in codes:
        if not str(code).isalnum():
            raise ValueError(f"not a GSS code: {code!r}")
    return f"{field} IN ({','.join(repr(str(c)) for c in codes)})"


def query_url(source: Source, params: dict[str, str]) -> str:
    """The source's query URL with ``params`` in a fixed order (a mirror can store it)."""
    return f"{source.url}?{urlencode(params)}"


def query(source: Source, where: str, *, geometry: bool, offline: bool = False,
          refresh: bool = False, on_page: Callable[[int, int], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> list[dict[str, Any]]:
    """All rows of ``source`` matching ``where``.

    With ``geometry`` the rows are GeoJSON features (``f=geojson``, ``outSR=4326``); without,
    they are attribute dicts (``f=json``). ``refresh`` ignores cached pages.
    ``on_page(rows_so_far, expected_total)`` reports progress.
    """
    out_fields = ",".join(source.fields) if source.fields else "*"
    common = {"where": where, "outFields": out_fields}
    total = _count(source, common, offline=offline, refresh=refresh, sleep=sleep)
    rows: list[dict[str, Any]] = []
    for _page in range(MAX_PAGES):
        params = {**common, "returnGeometry": "true" if geometry else "false"}
        if geometry:
            params["outSR"] = "4326"
        params.update({"orderByFields": source.order_by or source.code_field or out_fields,
                       "resultOffset": str(len(rows)),
                       "resultRecordCount": str(source.page_size),
                       "f": "geojson" if geometry else "json"})
        answer = _get(source, params, offline=offline, refresh=refresh, sleep=sleep)
        feats = answer.get("features")
        if not isinstance(feats, list):
            raise ServiceError(f"{source.title} ({source.id}): the answer has no 'features' "
                               "list — the service may have changed; check the catalogue URL")
        batch = feats if geometry else [f.get("attributes") or {} for f in feats]
        rows.extend(batch)
        if on_page:
            on_page(len(rows), total)
        more = bool(answer.get("exceededTransferLimit")
                    or (answer.get("properties") or {}).get("exceededTransferLimit"))
        if not more:
            break
        if not batch:
            raise ServiceError(f"{source.title} ({source.id}): the service says more rows "
                               f"follow but sent none after {len(rows):,} — try again later")
    else:
        raise ServiceError(f"{source.title} ({source.id}): still more rows after {MAX_PAGES} "
                           "pages — the query is too large or the service is looping")
    if len(rows) != total:
        raise ServiceError(f"{source.title} ({source.id}): received {len(rows):,} rows but the "
                           f"service counted {total:,} — the download was incomplete; try again")
    return rows


def _count(source: Source, common: dict[str, str], *, offline: bool, refresh: bool,
           sleep: Callable[[float], None]) -> int:
    answer = _get(source, {**common, "returnCountOnly": "true", "f": "json"}, offline=offline,
                  refresh=refresh, sleep=sleep)
    count = answer.get("count")
    if not isinstance(count, int) or count < 0:
        raise ServiceError(f"{source.title} ({source.id}): the service did not return a row "
                           "count — check the catalogue URL")
    return count


def _get(source: Source, params: dict[str, str], *, offline: bool, refresh: bool,
         sleep: Callable[[float], None]) -> dict[str, Any]:
    url = query_url(source, params)
    key = net.cache_key(url)
    cached = None if refresh and not net.offline_mode(offline) else _CACHE.read(key)
    if isinstance(cached, dict) and isinstance(cached.get("answer"), dict):
        return cached["answer"]
    if net.offline_mode(offline):
        raise NotInCacheError(f"offline mode is on and {source.title} ({source.id}) has not "
                              "been downloaded for this area — go online once")
    fetched_from = mirror_url(url)
    resp = net.request("GET", fetched_from, what=f"{source.title} ({source.id})", sleep=sleep)
    if resp.status_code != 200:
        raise ServiceError(f"{source.title} ({source.id}): HTTP {resp.status_code} from "
                           f"{fetched_from.split('?')[0]} — check the catalogue URL or try later")
    try:
        answer = resp.json()
    except ValueError:
        raise ServiceError(f"{source.title} ({source.id}): the answer is not JSON — the "
                           "service may be down; try again later") from None
    if not isinstance(answer, dict):
        raise ServiceError(f"{source.title} ({source.id}): unexpected answer (not an object)")
    if "error" in answer:
        err = answer["error"] if isinstance(answer["error"], dict) else {}
        detail = "; ".join(str(d) for d in err.get("details") or []) or ""
        raise ServiceError(f"{source.title} ({source.id}) refused the query: "
                           f"{err.get('message', 'error')}{' (' + detail + ')' if detail else ''}"
                           " — a field may have been renamed; check 'fields' in the catalogue")
    _CACHE.write(key, {"url": url, "answer": answer})
    return answer


__all__ = ["MAX_PAGES", "query", "query_url", "where_in"]
