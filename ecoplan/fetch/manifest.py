"""Where downloads go, and the manifest that says what each file is and where it came from.

Layout under the user's data folder (``ecoplan.settings.paths.data_dir()``)::

    downloads/national/      national files, fetched once for every authority (IoD, lookup,
                             Geofabrik index) + manifest.json
    downloads/osm/           Geofabrik extracts (+ their .md5), shared by the authorities
                             in one extract
    downloads/la/<GSS code>/ one authority: LSOA boundaries, IoD and lookup cut to it, and
                             manifest.json (every file: URL, date, size, sha256, licence)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecoplan import net
from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.settings import paths

SCHEMA = 1
MANIFEST = "manifest.json"


def downloads_root() -> Path:
    return paths.data_dir() / "downloads"


def national_dir() -> Path:
    return downloads_root() / "national"


def osm_dir() -> Path:
    return downloads_root() / "osm"


def la_dir(code: str) -> Path:
    return downloads_root() / "la" / code


@dataclass
class Manifest:
    """One authority's downloads (``files``) and the national files they were cut from."""

    code: str
    name: str
    created: str
    catalogue: dict[str, str]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    national: dict[str, dict[str, Any]] = field(default_factory=dict)
    osm: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    schema: int = SCHEMA

    @property
    def folder(self) -> Path:
        return la_dir(self.code)

    def path_of(self, key: str) -> Path:
        """Absolute path of a file in the manifest (``osm``, ``lsoa2011``, ``iod2019_file2`` …)."""
        try:
            rel = self.files[key]["path"]
        except KeyError:
            raise InputFileError(f"the downloads for {self.name} ({self.code}) have no '{key}' "
                                 f"file — run `ecoplan data get --la {self.code}` again") from None
        path = Path(rel)
        path = path if path.is_absolute() else downloads_root() / path
        if not path.is_file():
            raise InputFileError(f"{path} (from the downloads for {self.name}) is missing — run "
                                 f"`ecoplan data get --la {self.code}` again")
        return path

    def as_dict(self) -> dict[str, Any]:
        return {"schema": self.schema, "authority": {"code": self.code, "name": self.name},
                "created": self.created, "catalogue": self.catalogue, "osm": self.osm,
                "notes": self.notes, "files": self.files, "national": self.national}

    def write(self) -> Path:
        path = self.folder / MANIFEST
        net.write_json(path, self.as_dict())
        return path


def read_manifest(path: Path) -> Manifest:
    doc = net.read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("authority"), dict):
        raise InputFileError(f"{path} is not an ecoplan download manifest (damaged?) — run "
                             "`ecoplan data get` for this authority again")
    auth = doc["authority"]
    return Manifest(code=str(auth.get("code")), name=str(auth.get("name")),
                    created=str(doc.get("created", "")), catalogue=doc.get("catalogue") or {},
                    files=doc.get("files") or {}, national=doc.get("national") or {},
                    osm=doc.get("osm") or {}, notes=list(doc.get("notes") or []),
                    schema=int(doc.get("schema") or SCHEMA))


def downloaded() -> list[Manifest]:
    """Every authority with a manifest, by name."""
    root = downloads_root() / "la"
    found = [read_manifest(p) for p in sorted(root.glob(f"*/{MANIFEST}"))] if root.is_dir() else []
    return sorted(found, key=lambda m: m.name.casefold())


def find_manifest(query: str) -> Manifest:
    """The downloads for the authority ``query`` names (code or name, matched loosely)."""
    from ecoplan.fetch.authorities import UnknownAuthorityError, normalise, resolve

    have = downloaded()
    text = " ".join(str(query).split())
    for m in have:
        if text.upper() == m.code or normalise(text) == normalise(m.name):
            return m
    listed = _authority_list()
    try:
        auth = resolve(text, listed if listed is not None else _have_table(have))
    except UnknownAuthorityError as err:
        raise EcoplanError(_not_found(str(err), text, have, listed is not None)) from None
    for m in have:
        if m.code == auth.code:
            return m
    raise EcoplanError(f"no data has been downloaded for {auth.name} ({auth.code}) yet — run "
                       f"`ecoplan data get --la {auth.code}` first (needs the internet once)")


def _authority_list():
    """The list of every English authority (``code, name``) once ``ecoplan data get`` has
    downloaded it, else None."""
    import pandas as pd

    listed = national_dir() / "authorities.csv"
    if listed.is_file():
        try:
            return pd.read_csv(listed, dtype=str)
        except (OSError, ValueError):
            pass
    return None


def _have_table(have: list[Manifest]):
    """The authorities we have data for (all we can check a name against without the list)."""
    import pandas as pd

    return pd.DataFrame({"code": [m.code for m in have], "name": [m.name for m in have]})


def _not_found(err: str, text: str, have: list[Manifest], listed: bool) -> str:
    """Why ``text`` names no downloaded authority. Without the full list we cannot tell a
    real authority not downloaded yet from a typo, so say that, not "no authority is called"."""
    got = ", ".join(str(m.name) for m in have) or "none yet"
    if not listed and text:
        return (f"'{text}' is not among the authorities downloaded so far ({got}), and the list "
                f"of English local authorities is not downloaded yet, so the name cannot be "
                f"checked offline — run `ecoplan data get --la \"{text}\"` once with the "
                f"internet on (it fetches the list and the authority's data).")
    stop = "" if err.rstrip().endswith((".", "?", "!", ".)")) else "."
    return (f"{err.rstrip()}{stop} Downloaded so far: {got}. Get an authority's data with "
            f"`ecoplan data get --la NAME`.")


__all__ = ["Manifest", "downloaded", "downloads_root", "find_manifest", "la_dir",
           "national_dir", "osm_dir", "read_manifest"]
