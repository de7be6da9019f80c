"""Sites cached on disk per OSM file, so reopening a project after a restart is quick.

Building the Isle of Wight's sites takes ≈ 2 s (more on a busy machine) on top of reading
the file; the in-memory caches of :mod:`ecoplan.app.data` are lost when the server stops.
An entry is GeoParquet (no pickle: a cache file can never run code) under
``cache_dir()/sites/<key>``, written to a temporary folder and renamed into place. The key
holds the file's path, size and modification time and a digest of the code and settings that
make sites (``ecoplan/sites``, ``ecoplan/osm``, ``ecoplan/settings``), so a changed file or a
new version of the rules never reuses an old answer. Anything unreadable is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ecoplan.code_digest import code_digest as digest_of_code
from ecoplan.errors import EcoplanError
from ecoplan.io import atomic_paths, write_atomic
from ecoplan.settings.paths import cache_dir
from ecoplan.sites.build import Sites

FORMAT = 1
_PACKAGES = ("sites", "osm", "settings")


def code_digest() -> str:
    """Digest of the modules that decide what a site is (changes → a new cache key)."""
    return digest_of_code(_PACKAGES)


def key_for(source: str, include_restricted: bool) -> str | None:
    """Cache key of a source, or None for sources that are not a local file (Overpass)."""
    ident: dict[str, object]
    if source == "demo":
        ident = {"demo": True}
    else:
        path = Path(source)
        if not path.is_file():
            return None
        st = path.stat()
        ident = {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    text = json.dumps({**ident, "restricted": include_restricted, "code": code_digest(),
                       "format": FORMAT}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _dtypes(frame: gpd.GeoDataFrame) -> dict[str, str]:
    return {c: str(frame[c].dtype) for c in frame.columns if c != frame.geometry.name}


def _restore(frame: gpd.GeoDataFrame, dtypes: dict[str, str]) -> gpd.GeoDataFrame:
    """Put back what Parquet changes: object columns of whole numbers with gaps (network node
    ids of entrances: int or None) come back as floats."""
    for col, dtype in dtypes.items():
        if dtype == "object" and col in frame and frame[col].dtype.kind == "f":
            frame[col] = pd.Series([None if v != v else int(v) for v in frame[col]],
                                   index=frame.index, dtype=object)
    return frame


def _dir() -> Path:
    return cache_dir() / "sites"


def load(key: str) -> Sites | None:
    path = _dir() / key
    if not path.is_dir():
        return None
    try:
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        sites = gpd.read_parquet(path / "sites.parquet")
        ents = gpd.read_parquet(path / "entrances.parquet")
        if meta.get("key") != key or (len(sites), len(ents)) != (meta["n_sites"],
                                                                 meta["n_entrances"]):
            raise ValueError("stale or truncated entry")
        return Sites(sites=_restore(sites, meta["dtypes"]["sites"]),
                     entrances=_restore(ents, meta["dtypes"]["entrances"]), crs=meta["crs"])
    except Exception:  # noqa: BLE001 - any damage means "rebuild", never bad data
        shutil.rmtree(path, ignore_errors=True)
        return None


def save(key: str, sites: Sites) -> None:
    """Write through :mod:`ecoplan.io` (each file atomic, ``meta.json`` last: an entry without
    it, or whose counts disagree with its files, is a miss); a disk that cannot be written
    only means no cache."""
    folder = _dir() / key
    meta = {"key": key, "crs": str(sites.crs), "n_sites": len(sites.sites),
            "n_entrances": len(sites.entrances),
            "dtypes": {"sites": _dtypes(sites.sites), "entrances": _dtypes(sites.entrances)}}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "meta.json").unlink(missing_ok=True)
        with atomic_paths([folder / "sites.parquet", folder / "entrances.parquet"]) as tmps:
            sites.sites.to_parquet(tmps[0])
            sites.entrances.to_parquet(tmps[1])
        write_atomic(folder / "meta.json", json.dumps(meta))
    except (OSError, ValueError, TypeError, EcoplanError):
        pass
