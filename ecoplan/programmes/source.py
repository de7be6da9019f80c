"""Which data a programme was built from, so the area's project owns it and an export can
find (and check) the same file again.

The programme keeps the area's source identity — kind, name, path, size and SHA-256 of the
file, the data date, any clip. A project is an area (its OSM source) with its need data and
choices, so the app's Programme page lists the programmes whose source key is the open
project's source, and counts the others.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.osm.layers import OsmLayers

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def source_identity(key: str, layers: OsmLayers, *, bbox: tuple[float, ...] | None = None,
                    place: str | None = None) -> dict[str, Any]:
    """The identity of source ``key`` ('demo', a file path, 'overpass:<place>')."""
    info = layers.source
    out: dict[str, Any] = {
        "key": str(key), "kind": info.kind, "name": info.name,
        "data_date": info.data_date.isoformat() if info.data_date else None,
        "attribution": info.attribution, "bbox": list(bbox) if bbox else None,
        "place": place or None,
    }
    path = Path(str(key))
    if info.kind not in ("demo", "overpass") and path.is_file():
        out["path"] = str(path.resolve())
        out["size"] = path.stat().st_size
        out["sha256"] = file_sha256(path)
    return out


def default_timezone(layers: OsmLayers) -> str:
    """Time zone of a programme's dates when the leader gives none: the zone at the centre of
    the area's data (offline lookup, :func:`ecoplan.support.country.timezone_at`), else UK
    time."""
    from ecoplan.settings import weather as wcfg
    from ecoplan.support.country import timezone_at

    try:
        w, s, e, n = layers.bounds
    except (ValueError, TypeError):
        return wcfg.DEFAULT_TIMEZONE
    return timezone_at((w + e) / 2, (s + n) / 2) or wcfg.DEFAULT_TIMEZONE


def describe(source: dict[str, Any]) -> str:
    """'isle-of-wight_2015-01-01.osm.pbf (OSM data of Jan 2015)'."""
    name = source.get("name") or source.get("key") or "unknown data"
    when = source.get("data_date")
    return f"{name} (OSM data of {when[:7]})" if when else str(name)


def reload_key(source: dict[str, Any], override: str | None = None) -> tuple[str, list[str]]:
    """The source key to load for printing, and notes (file moved or changed)."""
    if override:
        path = Path(override)
        notes = []
        if path.is_file() and source.get("sha256") and file_sha256(path) != source["sha256"]:
            notes.append(f"{path.name} is not the file this programme was built from (its "
                         "contents differ): maps show today's data around the stored routes.")
        return str(override), notes
    key = str(source.get("key") or "")
    if source.get("kind") == "demo" or key == "demo":
        return "demo", []
    if key.startswith("overpass:"):
        raise EcoplanError("this programme was built from an online area; give the OSM file "
                           "to draw its maps with --source FILE")
    path = Path(source.get("path") or key)
    if not path.is_file():
        raise InputFileError(f"the data this programme was built from ({path}) is not there "
                             "any more; give it again with --source FILE")
    notes = []
    if source.get("sha256") and (source.get("size") != path.stat().st_size
                                 or file_sha256(path) != source["sha256"]):
        notes.append(f"{path.name} has changed since the programme was built: maps show its "
                     "current data around the stored routes.")
    return str(path), notes
