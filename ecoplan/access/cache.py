"""Access results cached on disk, so a repeat run with the same inputs is near-instant.

Key: a hash of everything the result depends on — the OSM file (path, size, mtime: extracts
can be gigabytes), the area/deprivation/population/lookup files (content digests: small),
speed, step-free, clip options, the standards version and the ecoplan version. An entry is a
folder under ``cache_dir()/access/<key>`` with GeoParquet tables and a JSON header, each file
written atomically (:func:`ecoplan.io.atomic_paths`), the header last; anything unreadable is
deleted and rebuilt, never trusted. No pickle: a cache file can never run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from ecoplan import __version__
from ecoplan.errors import OutputFileError
from ecoplan.io import atomic_paths
from ecoplan.settings import access as access_cfg
from ecoplan.settings import need as need_cfg
from ecoplan.settings import osm as osm_cfg
from ecoplan.settings.paths import cache_dir

if TYPE_CHECKING:  # measuring needs scipy: imported when a result is loaded, not before
    from ecoplan.access.measure import AccessResult

FORMAT = 1


def access_cache_dir() -> Path:
    return cache_dir() / "access"


def file_fingerprint(path: str | os.PathLike) -> dict[str, Any]:
    """Path, size and modification time: cheap identity for big files (OSM extracts)."""
    p = Path(path).resolve()
    st = p.stat()
    return {"path": str(p), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def file_digest(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (areas, deprivation and population tables are small)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(parts: dict[str, Any]) -> str:
    """Stable hash of ``parts`` plus the standards and ecoplan versions."""
    full = {**parts, "_standards": access_cfg.STANDARDS_VERSION, "_ecoplan": __version__,
            "_sites": osm_cfg.SITES_VERSION, "_origins": need_cfg.ORIGINS_VERSION,
            "_format": FORMAT}
    text = json.dumps(full, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def entry_path(key: str) -> Path:
    return access_cache_dir() / key


def load_result(key: str) -> AccessResult | None:
    """The cached result for ``key``, or None (missing or corrupt: a corrupt entry is removed)."""
    from ecoplan.access.measure import AccessResult

    path = entry_path(key)
    if not (path / "meta.json").is_file():
        return None  # absent, or being written (its header is written last)
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key:
            raise ValueError("cache entry from another format")
        areas = gpd.read_parquet(path / "areas.parquet")
        origins = gpd.read_parquet(path / "origins.parquet")
        if len(areas) != meta["n_areas"] or len(origins) != meta["n_origins"]:
            raise ValueError("truncated cache entry")
        return AccessResult(areas=areas, origins=origins, speed_kmh=float(meta["speed_kmh"]),
                            step_free=bool(meta["step_free"]),
                            standards=tuple(meta["standards"]),
                            warnings=tuple(meta["warnings"]), info=dict(meta["info"]))
    except Exception:  # noqa: BLE001 - any damage means "rebuild", never a crash or bad data
        shutil.rmtree(path, ignore_errors=True)
        return None


def save_result(key: str, result: AccessResult) -> Path:
    """Write ``result`` under ``key`` atomically (a half-written entry is never visible)."""
    final = entry_path(key)
    final.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "key": key, "speed_kmh": result.speed_kmh,
            "step_free": result.step_free, "standards": list(result.standards),
            "warnings": list(result.warnings), "info": result.info,
            "n_areas": len(result.areas), "n_origins": len(result.origins)}
    # meta.json is moved into place last: an entry without it is still being written.
    with atomic_paths([final / "areas.parquet", final / "origins.parquet",
                       final / "meta.json"]) as (areas, origins, header):
        result.areas.to_parquet(areas)
        result.origins.to_parquet(origins)
        header.write_text(json.dumps(meta, default=str), encoding="utf-8")
    return final


def cached_access(parts: dict[str, Any], compute: Callable[[], AccessResult], *,
                  use_cache: bool = True) -> tuple[AccessResult, bool]:
    """``(result, from_cache)``: the cached result for ``parts``, else ``compute()`` saved.

    A failure to *write* the cache (read-only disk) does not fail the run.
    """
    key = cache_key(parts)
    if use_cache:
        hit = load_result(key)
        if hit is not None:
            return hit.with_info(cache="hit", cache_key=key), True
    result = compute()
    if use_cache:
        try:
            save_result(key, result)
        except (OSError, OutputFileError):
            return result.with_info(cache="unwritable", cache_key=key), False
    return result.with_info(cache="miss", cache_key=key), False
