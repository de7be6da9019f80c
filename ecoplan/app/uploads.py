"""Checking and storing uploaded files before any reader sees them.

Uploads are untrusted: the size is checked against per-kind limits (settings.app), the name
must end in an accepted suffix, the first bytes must look like the claimed format, a
compressed file must not expand past the cap for its kind (settings.limits; streamed and
counted, nothing kept), and the content is written under the cache folder with a
content-hashed, sanitised name. Nothing is ever executed here; readers (pyrosm, osmium,
pandas, geopandas) parse the file, each again under the same caps.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from ecoplan.compressed import check_expanded_size, compression_of, unreadable
from ecoplan.errors import InputFileError
from ecoplan.io import write_atomic
from ecoplan.settings import app as app_cfg
from ecoplan.settings import limits as limits_cfg
from ecoplan.settings.paths import cache_dir

MB = 1024 * 1024

#: Leading bytes of the formats we accept (file signatures): gzip, bzip2, zip, SQLite (gpkg).
_GZIP, _BZIP2, _ZIP, _SQLITE = b"\x1f\x8b", b"BZh", b"PK\x03\x04", b"SQLite format 3\x00"


def limit_mb(kind: str) -> int:
    return int(app_cfg.MAX_UPLOAD_MB[kind])


def safe_name(name: str) -> str:
    """The base name with anything but letters, digits, '.', '-', '_' replaced (no paths),
    cut to ``UPLOAD_NAME_MAX_CHARS`` keeping its file type (``.osm.pbf``, ``.csv.gz`` …), which
    the readers go by."""
    base = Path(str(name).replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    limit = app_cfg.UPLOAD_NAME_MAX_CHARS
    if len(base) > limit:
        suffix = _type_suffix(base)
        base = base[:limit - len(suffix)].rstrip(".") + suffix
    return base or "upload"


def _type_suffix(name: str) -> str:
    """The longest accepted suffix ``name`` ends with, else its last suffix (if short)."""
    lower = name.lower()
    known = [s for kind in app_cfg.UPLOAD_SUFFIXES.values() for s in kind if lower.endswith(s)]
    if known:
        return name[-max(map(len, known)):]
    last = Path(name).suffix
    return last if len(last) <= 10 else ""


def check_upload(name: str, size: int, kind: str) -> None:
    """Raise InputFileError if a ``kind`` upload called ``name`` of ``size`` bytes is unusable."""
    if kind not in app_cfg.MAX_UPLOAD_MB:
        raise ValueError(f"unknown upload kind {kind!r}")
    lower = str(name).lower()
    suffixes = app_cfg.UPLOAD_SUFFIXES[kind]
    if not lower.endswith(suffixes):
        raise InputFileError(f"{safe_name(name)}: not an accepted file type here — give a "
                             f"{', '.join(suffixes)} file.")
    if size <= 0:
        raise InputFileError(f"{safe_name(name)} is empty (0 bytes) — choose the file again.")
    limit = limit_mb(kind)
    if size > limit * MB:
        raise InputFileError(
            f"{safe_name(name)} is {size / MB:,.1f} MB, over the {limit} MB limit for this "
            "kind of file — cut it to a smaller area (e.g. osmium extract) or give its path "
            "on this computer instead.")


#: (name endings, test of the first bytes, what the file should be); the first match decides.
_SNIFFERS: tuple[tuple[tuple[str, ...], Callable[[bytes], bool], str], ...] = (
    ((".gz",), lambda h: h.startswith(_GZIP), "a gzip file"),
    ((".bz2",), lambda h: h.startswith(_BZIP2), "a bzip2 file"),
    ((".zip",), lambda h: h.startswith(_ZIP), "a zip file"),
    ((".gpkg",), lambda h: h.startswith(_SQLITE), "a GeoPackage"),
    # PBF: 4-byte big-endian header length, then a BlobHeader whose type is "OSMHeader".
    ((".pbf",), lambda h: len(h) >= 16 and b"OSMHeader" in h[:64],
     "an OpenStreetMap .osm.pbf file"),
    ((".osm", ".xml"), lambda h: b"<osm" in h[:4096].lstrip(b"\xef\xbb\xbf"),
     "OpenStreetMap XML (no <osm> element at the start)"),
    ((".json", ".geojson"), lambda h: h.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["),
     "JSON"),
    ((".csv",), lambda h: b"\x00" not in h[:4096], "a text CSV file"),
)


def sniff(name: str, head: bytes, kind: str) -> None:
    """Raise InputFileError when the first bytes do not match the format the name claims."""
    lower = str(name).lower()
    for endings, looks_right, what in _SNIFFERS:
        if lower.endswith(endings):
            if not looks_right(head):
                raise InputFileError(
                    f"{safe_name(name)} does not look like {what} (its first bytes are wrong) "
                    "— check you chose the right file, or download it again.")
            return


def save_upload(name: str, data: bytes, kind: str, *, root: Path | None = None) -> Path:
    """Validate and write ``data`` to ``<cache>/uploads/<sha256[:16]>-<name>``; return the path.

    The same content always maps to the same path, so cached readers keyed by path reuse
    earlier work.
    """
    check_upload(name, len(data), kind)
    sniff(name, data[:4096], kind)
    if compression_of(name) is not None and kind in limits_cfg.MAX_DECOMPRESSED_MB:
        check_expanded_size(data, kind, name=safe_name(name))  # a small file can expand a lot
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = (root or cache_dir()) / app_cfg.UPLOAD_SUBDIR
    path = folder / f"{digest}-{safe_name(name)}"
    if not path.is_file() or path.stat().st_size != len(data):
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
    return path


def check_local_path(text: str, kind: str) -> Path:
    """A path typed by the user: it must exist, be a file, and have an accepted suffix."""
    raw = str(text or "").strip().strip('"').strip("'")
    if not raw:
        raise InputFileError("Type the path of a file on this computer first.")
    path = Path(raw).expanduser()
    if not path.is_file():
        raise InputFileError(f"{path} is not a file on this computer — check the path "
                             "(copy it from your file manager).")
    if not path.name.lower().endswith(app_cfg.UPLOAD_SUFFIXES[kind]):
        raise InputFileError(f"{path.name}: not an accepted file type here — give a "
                             f"{', '.join(app_cfg.UPLOAD_SUFFIXES[kind])} file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as err:
        raise unreadable(path, err) from None
    sniff(path.name, head, kind)
    return path.resolve()
