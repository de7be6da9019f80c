"""Reading input files that may be compressed, with a cap on what they expand to.

A compressed file's size says nothing about its content: a 0.6 MB ``.csv.gz`` can expand to
gigabytes (a decompression bomb). Every reader here streams the content in blocks and counts
the bytes; past the cap for that kind of input (:mod:`ecoplan.settings.limits`) it stops with a
clear error, so memory and disk stay bounded and temporary files are removed. Plain files are
held to the same cap by their size. Damaged archives and unreadable files are told apart
(not gzip at all, cut short, permission denied), each with what to do.
"""

from __future__ import annotations

import bz2
import contextlib
import errno
import gzip
import io
import lzma
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, cast

from ecoplan.errors import InputFileError
from ecoplan.settings import limits as limits_cfg

MB = 1024 * 1024

#: Suffix → compression, checked on the lower-case name.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".gz", "gzip"), (".bz2", "bzip2"), (".zip", "zip"), (".xz", "xz"),
)
#: Damaged compressed data, as the standard library reports it.
_DAMAGED = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile)


def compression_of(name: str | Path) -> str | None:
    """'gzip', 'bzip2', 'zip', 'xz' from the file name, or None for a plain file."""
    lower = Path(name).name.lower()
    return next((kind for suffix, kind in _SUFFIXES if lower.endswith(suffix)), None)


def limit_mb(kind: str) -> int:
    """The cap for ``kind`` ('table', 'osm', 'boundaries'), or the environment's override."""
    env = os.environ.get(limits_cfg.ENV_VAR, "").strip()
    if env:
        try:
            value = int(float(env))
        except ValueError:
            raise InputFileError(f"{limits_cfg.ENV_VAR}={env!r} is not a number of megabytes; set "
                                 f"it "
                                 "to e.g. 2000, or unset it.") from None
        if value <= 0:
            raise InputFileError(f"{limits_cfg.ENV_VAR}={env!r} must be a positive number of "
                                 "megabytes.")
        return value
    return int(limits_cfg.MAX_DECOMPRESSED_MB[kind])


#: How each kind of input is named in messages.
_KIND_LABELS = {"table": "tables", "osm": "OSM XML", "boundaries": "area layers"}


def too_big(name: str, kind: str, limit: int, *, compressed: bool) -> InputFileError:
    what = "expands to more than" if compressed else "is larger than"
    return InputFileError(
        f"{name} {what} {limit:,} MB, the limit for {_KIND_LABELS.get(kind, kind)} — use a "
        "smaller file "
        f"(e.g. cut it to your area), or raise the limit by setting the environment variable "
        f"{limits_cfg.ENV_VAR} (e.g. {limits_cfg.ENV_VAR}={max(limit * 4, 1000)}) if the file is "
        f"genuine.")


def unreadable(path: Path | str, err: OSError) -> InputFileError:
    """A file that cannot be opened: say why in plain words (permission denied is not
    'corrupt')."""
    name = Path(path).name
    if err.errno in (errno.EACCES, errno.EPERM):
        return InputFileError(f"cannot read {path}: permission denied — check the file's "
                              f"permissions (e.g. chmod u+r {name}) or copy it somewhere you "
                              "can read.")
    if err.errno == errno.EISDIR:
        return InputFileError(f"{path} is a folder, not a file — give the file inside it.")
    if err.errno == errno.ENOENT:
        return InputFileError(f"{path} does not exist — check the path.")
    return InputFileError(f"cannot read {path}: {err.strerror or err} — check the file and "
                          "try again.")


def damaged(name: str, compression: str, err: BaseException) -> InputFileError:
    """Say whether the file is not of its claimed kind at all or cut short."""
    label = {"gzip": "gzip", "bzip2": "bzip2", "zip": "zip", "xz": "xz"}[compression]
    if isinstance(err, EOFError) or "end-of-stream" in str(err) or "truncated" in str(err):
        return InputFileError(f"{name} is truncated: the {label} data ends early — download "
                              "or copy it again.")
    why = str(err) or type(err).__name__
    return InputFileError(f"{name} is not a readable {label} file ({why}) — check it really is "
                          f"{label}-compressed (the name says so), or download it again.")


class _Capped(io.RawIOBase):
    """Read-only view of a decompressing stream that refuses to give more than ``limit``
    bytes, and turns decompression failures into :class:`InputFileError`."""

    def __init__(self, raw: BinaryIO, *, name: str, kind: str, limit_mb: int,
                 compression: str, already: int = 0) -> None:
        super().__init__()
        self._raw = raw
        self._name, self._kind, self._limit_mb = name, kind, limit_mb
        self._limit = limit_mb * MB
        self._compression = compression
        self.count = already  # bytes counted before this stream (zip members share a cap)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        view = memoryview(buffer)
        # Never ask for more than one byte past the cap: that byte proves the file too big.
        want = min(len(view), self._limit - self.count + 1)
        try:
            data = self._raw.read(max(want, 1))
        except _DAMAGED as err:
            raise damaged(self._name, self._compression, err) from None
        n = len(data)
        self.count += n
        if self.count > self._limit:
            raise too_big(self._name, self._kind, self._limit_mb, compressed=True)
        view[:n] = data
        return n

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()
        super().close()


def _open_raw(path: Path, compression: str | None) -> BinaryIO:
    """The decompressing stream of ``path``; a zip must hold exactly one file."""
    if compression == "gzip":
        return cast(BinaryIO, gzip.open(path, "rb"))
    if compression == "bzip2":
        return cast(BinaryIO, bz2.open(path, "rb"))
    if compression == "xz":
        return cast(BinaryIO, lzma.open(path, "rb"))
    if compression == "zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as err:
            raise damaged(path.name, "zip", err) from None
        members = [m for m in archive.infolist() if not m.is_dir()
                   and not m.filename.startswith("__MACOSX/")]
        if len(members) != 1:
            archive.close()
            raise InputFileError(
                f"{path.name} holds {len(members)} files; a zipped table must hold exactly one "
                "CSV — unzip it and give the CSV itself.")
        return _open_member(archive, members[0], path.name)
    return open(path, "rb")  # noqa: SIM115 - closed by the caller's context


@contextmanager
def open_input(path: str | Path, kind: str) -> Iterator[BinaryIO]:
    """A binary stream of ``path``'s content (decompressed by its suffix), capped for ``kind``.

    Reading past the cap, or damaged compressed data, raises :class:`InputFileError` from the
    read that meets it; a plain file over the cap is refused before any read.
    """
    path = Path(path)
    limit = limit_mb(kind)
    compression = compression_of(path)
    try:
        size = path.stat().st_size
        if compression is None and size > limit * MB:
            raise too_big(path.name, kind, limit, compressed=False)
        raw = _open_raw(path, compression)
    except OSError as err:
        raise unreadable(path, err) from None
    if compression is None:
        with raw:
            yield raw
        return
    capped = _Capped(raw, name=path.name, kind=kind, limit_mb=limit, compression=compression)
    with io.BufferedReader(capped, buffer_size=limits_cfg.CHUNK_BYTES) as stream:
        yield stream


def check_expanded_size(source: str | Path | bytes, kind: str, *, name: str | None = None) -> int:
    """Decompress ``source`` (a path, or the bytes of an upload called ``name``) without keeping
    it, and return its expanded size; raise when it is over the cap or damaged.

    A zip is checked member by member (all members together against the cap), as readers
    such as GDAL open zipped shapefiles themselves.
    """
    label = name or Path(str(source)).name
    compression = compression_of(label)
    limit = limit_mb(kind)
    if isinstance(source, bytes | bytearray):
        if compression is None:
            if len(source) > limit * MB:
                raise too_big(label, kind, limit, compressed=False)
            return len(source)
        fileobj: BinaryIO = io.BytesIO(source)
    else:
        path = Path(source)
        try:
            size = path.stat().st_size
            fileobj = open(path, "rb")  # noqa: SIM115 - closed below; opening checks access
        except OSError as err:
            raise unreadable(path, err) from None
        if compression is None:
            fileobj.close()
            if size > limit * MB:
                raise too_big(label, kind, limit, compressed=False)
            return size
    assert compression is not None
    with fileobj:
        if compression == "zip":
            return _zip_size(fileobj, label, kind, limit)
        opener = {"gzip": gzip.GzipFile, "bzip2": bz2.BZ2File, "xz": lzma.LZMAFile}[compression]
        raw = opener(fileobj=fileobj) if compression == "gzip" else opener(fileobj)
        return _drain(_Capped(raw, name=label, kind=kind, limit_mb=limit,
                              compression=compression))


def _open_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, label: str) -> BinaryIO:
    try:
        return cast(BinaryIO, archive.open(member))
    except (RuntimeError, NotImplementedError) as err:  # encrypted, or an unknown method
        raise InputFileError(f"{label}: cannot unpack {member.filename} ({err}) — save it as a "
                             "plain zip without a password.") from None
    except _DAMAGED as err:
        raise damaged(label, "zip", err) from None


def _zip_size(fileobj: BinaryIO, label: str, kind: str, limit: int) -> int:
    try:
        archive = zipfile.ZipFile(fileobj)
    except zipfile.BadZipFile as err:
        raise damaged(label, "zip", err) from None
    total = 0
    with archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            total = _drain(_Capped(_open_member(archive, member, label), name=label, kind=kind,
                                   limit_mb=limit, compression="zip", already=total))
    return total


def _drain(stream: _Capped) -> int:
    buf = bytearray(limits_cfg.CHUNK_BYTES)
    with stream:
        while stream.readinto(buf):
            pass
    return stream.count


@contextmanager
def plain_copy(path: str | Path, kind: str, *, suffix: str = "") -> Iterator[Path]:
    """A plain (decompressed) file with ``path``'s content: ``path`` itself when it is not
    compressed (held to the cap by its size), else a temporary copy, capped, removed on exit
    — also when the copy fails part way."""
    path = Path(path)
    if compression_of(path) is None:
        with open_input(path, kind):  # size cap and readability
            pass
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="ecoplan-", suffix=suffix)
    tmp = Path(name)
    try:
        with open_input(path, kind) as src, os.fdopen(fd, "wb") as dst:
            shutil.copyfileobj(src, dst, limits_cfg.CHUNK_BYTES)
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)
