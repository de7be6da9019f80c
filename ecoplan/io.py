"""Writing results: one atomic write, output checks, GeoJSON/GeoPackage, CSV safe for spreadsheets.

Every file ecoplan writes goes through :func:`atomic_paths` (or its one-file forms
:func:`atomic_path` and :func:`write_atomic`): the data is written to a temporary file in the
target folder, flushed to disk (``fsync``) and moved into place with ``os.replace``, so a reader
sees either the old file or the whole new one, never half of it, and a failure leaves nothing
behind. A missing folder is refused (never created: a typo in a path should not silently make
folders); callers that own a folder (caches) create it first. File-system errors become an
:class:`OutputFileError` naming the path, the reason and what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ecoplan.errors import InputFileError, OutputFileError
from ecoplan.geometry import clean_frame

#: Cells starting with these are run as formulas by Excel/LibreOffice (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Plain words for the file-system errors a user can meet when saving a result.
_REASONS: dict[int, str] = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.ENOENT: "the folder does not exist",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EFBIG: "the file is too large for this file system",
}


def os_error_reason(err: OSError) -> str:
    """A few plain words for ``err`` (e.g. 'permission denied'), for one-line messages."""
    return _REASONS.get(err.errno or 0, err.strerror or type(err).__name__)


def cannot_write(path: str | Path, err: OSError) -> OutputFileError:
    """The error to raise when writing ``path`` failed with ``err``."""
    reason = os_error_reason(err)
    todo = ("free some space or write to another disk" if err.errno in (errno.ENOSPC,
                                                                        errno.EDQUOT)
            else "choose another file name, or a folder you can write to")
    return OutputFileError(f"cannot write {path}: {reason} — {todo}.")


def _or(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def check_output(path: str | Path, suffixes: Sequence[str] = (), *,
                 label: str | None = None) -> Path:
    """Refuse, before any slow work, an output ``path`` that cannot take the result.

    Checks the name ends in one of ``suffixes`` (case-insensitive), that it is not a folder
    or a device, and that its folder exists and takes a new file (probed by creating and
    removing an empty temporary file, which also catches read-only file systems). ``label``
    (e.g. the option name) starts the message.
    """
    p = Path(path)
    where = f"{label} {path}" if label else str(path)
    if suffixes and not p.name.lower().endswith(tuple(s.lower() for s in suffixes)):
        raise OutputFileError(f"{where}: use a {_or(suffixes)} file name")
    if p.is_dir():
        example = p / f"result{suffixes[0] if suffixes else ''}"
        raise OutputFileError(f"{where} is a folder; give a file name inside it, e.g. {example}")
    if p.exists() and not p.is_file():
        raise OutputFileError(f"{where} is not a regular file; give a new file name")
    _check_folder(p, where)
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".probe", dir=p.parent)
    except OSError as err:
        raise cannot_write(p, err) from None
    os.close(fd)
    os.unlink(probe)
    return p


def _check_folder(path: Path, where: str | None = None) -> None:
    folder = path.parent
    if not folder.exists():
        raise OutputFileError(f"{where or path}: folder {folder} does not exist — create it "
                              "first, or choose another folder")
    if not folder.is_dir():
        raise OutputFileError(f"{where or path}: {folder} is a file, not a folder — choose "
                              "another folder")


@contextmanager
def atomic_paths(paths: Sequence[str | Path]) -> Iterator[list[Path]]:
    """Yield one fresh temporary path beside each of ``paths``; when the block succeeds, flush
    them to disk and move each into place; when it fails, remove them all.

    The temporary names keep each target's suffix (some drivers choose the format by it) and
    do not exist yet (some drivers refuse to overwrite a file).
    """
    targets = [Path(p) for p in paths]
    for target in targets:
        _check_folder(target)
        if target.is_dir():
            raise cannot_write(target, IsADirectoryError(errno.EISDIR, "Is a directory"))
    temps: list[Path] = []
    try:
        for target in targets:
            try:
                fd, name = tempfile.mkstemp(prefix=f".{target.stem}.",
                                            suffix=target.suffix or ".tmp", dir=target.parent)
            except OSError as err:
                raise cannot_write(target, err) from None
            os.close(fd)
            os.unlink(name)
            temps.append(Path(name))
        try:
            yield temps
        except OSError as err:
            raise cannot_write(targets[0] if len(targets) == 1 else
                               ", ".join(map(str, targets)), err) from err
        for tmp, target in zip(temps, targets, strict=True):
            if not tmp.exists():
                raise RuntimeError(f"nothing was written for {target}")
            try:
                _fsync(tmp)
            except OSError as err:
                raise cannot_write(target, err) from None
        for tmp, target in zip(temps, targets, strict=True):
            try:
                os.replace(tmp, target)
            except OSError as err:
                raise cannot_write(target, err) from None
        for folder in {t.parent for t in targets}:
            _fsync_folder(folder)
    finally:
        for tmp in temps:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """One-file :func:`atomic_paths`: yield a temporary path moved to ``path`` on success."""
    with atomic_paths([path]) as (tmp,):
        yield tmp


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` atomically; return the path."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(payload)
    return Path(path)


#: The same write under the names older callers use.
write_text = write_atomic
write_bytes = write_atomic


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every file system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_layers(path: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> list[Path]:
    """Write GeoDataFrames: a GeoPackage holds them all as layers; GeoJSON writes the first to
    ``path`` and each further one to ``<stem>.<layer>.geojson`` beside it (all or none), each
    named (GeoJSON ``name``) after its final file's stem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".gpkg":
        with atomic_path(path) as tmp:
            for name, gdf in layers.items():
                _for_file(gdf).to_file(tmp, layer=name, driver="GPKG",
                                       layer_options=_described(gdf))
        return [path]
    if suffix in (".geojson", ".json"):
        targets = [path if i == 0 else path.with_name(f"{path.stem}.{name}{path.suffix}")
                   for i, name in enumerate(layers)]
        with atomic_paths(targets) as temps:
            for tmp, target, gdf in zip(temps, targets, layers.values(), strict=True):
                # the layer name GIS shows comes from the final file, not the temporary one
                _for_file(gdf.to_crs("EPSG:4326")).to_file(tmp, driver="GeoJSON",
                                                           layer=target.stem)
        return targets
    raise InputFileError(f"{path.name}: write .geojson or .gpkg")


def _described(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """A GeoPackage layer's description (what GIS shows as its abstract): the licence notice of
    its ``attribution`` column, so it is seen without opening the table."""
    if "attribution" not in gdf.columns or not len(gdf):
        return {}
    notices = gdf["attribution"].dropna().astype(str).unique()
    return {"DESCRIPTION": notices[0]} if len(notices) == 1 else {}


def _for_file(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Valid geometry snapped to the grid of the file's CRS (so it stays valid when an analyst
    reprojects it: ``ecoplan.geometry``); lists and dicts are not file types."""
    out = clean_frame(gdf)
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == object:
            out[col] = out[col].map(lambda x: ";".join(map(str, x)) if isinstance(x, list | tuple)
                                    else x)
    return out


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` whose text cells cannot be run as spreadsheet formulas."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe_cell)
    return out


def _safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(path: str | Path, df: pd.DataFrame,
              transform: Callable[[pd.DataFrame], pd.DataFrame] = csv_safe) -> None:
    # 7 significant digits: metre precision for lon/lat, no 16-digit shares in spreadsheets.
    with atomic_path(path) as tmp:
        transform(df).to_csv(tmp, index=False, float_format="%.7g")
