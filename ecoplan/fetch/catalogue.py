"""The data catalogue (``data/catalogue.toml``): every source ``ecoplan data get`` can fetch.

The built-in catalogue is the repository's ``data/catalogue.toml``; the package finds it as
``ecoplan/fetch/catalogue.toml``, a link to that file that setuptools copies into a wheel as a
real file (package data), so an installed ecoplan has it too. ``ECOPLAN_DATA_CATALOGUE`` (or
``--catalogue``) names a file that replaces it, e.g. one pointing at an internal copy.

:func:`mirror_url` applies ``ECOPLAN_DATA_MIRROR``: ``https://HOST/PATH?QUERY`` becomes
``BASE/HOST/PATH?QUERY`` — one rule for every source, so a mirror is a plain folder tree (or a
recording of the live answers, which is how the tests serve them).
"""

from __future__ import annotations

import hashlib
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ecoplan.errors import InputFileError
from ecoplan.settings import net as net_cfg

KINDS = ("json", "osm-extract", "arcgis-table", "arcgis-features", "xlsx", "csv")
REQUIRED_KEYS = ("title", "kind", "url", "publisher", "licence", "attribution")
#: Sources ``ecoplan data get`` needs; a replacement catalogue must define each of them.
NEEDED = ("geofabrik_index", "osm_extract", "lsoa_lookup", "lsoa2011_boundaries",
          "lsoa2021_boundaries", "iod2019_file1", "iod2019_file2", "iod2019_file6", "iod2025")


@dataclass(frozen=True)
class Source:
    """One catalogue entry (see the comments at the top of ``data/catalogue.toml``)."""

    id: str
    title: str
    kind: str
    url: str
    publisher: str
    licence: str
    attribution: str
    about: str = ""
    checksum: str = ""
    checksum_url: str = ""
    columns: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    code_column: str = ""
    code_field: str = ""
    sheet: str = ""
    order_by: str = ""
    page_size: int = 1000
    codes_per_query: int = 100
    scope: str = "national"
    extra: dict[str, Any] = field(default_factory=dict)

    def licence_record(self) -> dict[str, str]:
        """What the manifest stores about the source's terms."""
        return {"publisher": self.publisher, "licence": self.licence,
                "attribution": self.attribution}


@dataclass(frozen=True)
class Catalogue:
    path: Path
    sha256: str
    sources: dict[str, Source]
    services: dict[str, dict[str, Any]]

    def __getitem__(self, key: str) -> Source:
        try:
            return self.sources[key]
        except KeyError:
            raise InputFileError(
                f"the data catalogue {self.path} has no source '{key}' — add it (see the "
                "built-in data/catalogue.toml) or use the built-in catalogue") from None


def builtin_path() -> Path:
    """The catalogue shipped with ecoplan (``data/catalogue.toml`` in a checkout)."""
    return Path(str(resources.files("ecoplan.fetch").joinpath("catalogue.toml")))


def catalogue_path(override: str | Path | None = None) -> Path:
    """``override``, else ``ECOPLAN_DATA_CATALOGUE``, else the built-in catalogue."""
    chosen = override or os.environ.get(net_cfg.CATALOGUE_ENV)
    return Path(chosen) if chosen else builtin_path()


def load_catalogue(override: str | Path | None = None) -> Catalogue:
    """Read and check a catalogue; any problem is one :class:`InputFileError` naming the file."""
    path = catalogue_path(override)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"data catalogue {path} cannot be read ({err.strerror or err}); "
                             f"check {net_cfg.CATALOGUE_ENV} or --catalogue") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise InputFileError(f"data catalogue {path} is not valid TOML ({err}); fix it or "
                             "start from the built-in data/catalogue.toml") from None
    entries = doc.get("sources")
    if not isinstance(entries, dict) or not entries:
        raise InputFileError(f"data catalogue {path} has no [sources.*] tables")
    sources = {key: _source(key, value, path) for key, value in entries.items()}
    missing = [k for k in NEEDED if k not in sources]
    if missing:
        raise InputFileError(f"data catalogue {path} lacks the source(s) "
                             f"{', '.join(missing)} — copy them from the built-in catalogue")
    services: dict[str, dict[str, Any]] = (doc["services"] if isinstance(doc.get("services"), dict)
                                           else {})
    return Catalogue(path, hashlib.sha256(raw).hexdigest(), sources, services)


def _source(key: str, value: Any, path: Path) -> Source:
    if not isinstance(value, dict):
        raise InputFileError(f"data catalogue {path}: [sources.{key}] must be a table")
    absent = [k for k in REQUIRED_KEYS if not str(value.get(k, "")).strip()]
    if absent:
        raise InputFileError(f"data catalogue {path}: source '{key}' has no "
                             f"{', '.join(absent)}")
    if value["kind"] not in KINDS:
        raise InputFileError(f"data catalogue {path}: source '{key}' has kind "
                             f"'{value['kind']}'; use one of {', '.join(KINDS)}")
    url = str(value["url"])
    if not (url.startswith(("https://", "http://")) or url.startswith("{")):
        raise InputFileError(f"data catalogue {path}: source '{key}' url {url!r} must start "
                             "with https:// (or be the {pbf} template)")
    known = set(Source.__dataclass_fields__) - {"id", "extra"}
    args = {k: v for k, v in value.items() if k in known}
    for k in ("columns", "fields"):
        if k in args:
            args[k] = tuple(str(c) for c in args[k])
    for k in ("page_size", "codes_per_query"):
        if k in args:
            try:
                args[k] = int(args[k])
            except (TypeError, ValueError):
                raise InputFileError(f"data catalogue {path}: source '{key}' {k} must be a "
                                     "whole number") from None
            if args[k] < 1:
                raise InputFileError(f"data catalogue {path}: source '{key}' {k} must be ≥ 1")
    extra = {k: v for k, v in value.items() if k not in known}
    return Source(id=key, extra=extra, **args)


def mirror_base() -> str | None:
    base = os.environ.get(net_cfg.MIRROR_ENV, "").strip()
    return base.rstrip("/") or None


def mirror_url(url: str, base: str | None = None) -> str:
    """Where ``url`` is actually fetched from: ``BASE/HOST/PATH?QUERY`` under a mirror."""
    base = base if base is not None else mirror_base()
    if not base:
        return url
    parts = urlsplit(url)
    if not parts.netloc:
        raise InputFileError(f"cannot mirror {url!r}: it is not an absolute URL")
    tail = parts.netloc + (parts.path or "/")
    if parts.query:
        tail += "?" + parts.query
    return f"{base}/{tail}"


__all__ = ["Catalogue", "Source", "builtin_path", "load_catalogue", "mirror_url"]
