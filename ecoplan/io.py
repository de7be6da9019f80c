"""Writing results: atomic files, GeoJSON/GeoPackage by extension, CSV safe for spreadsheets."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.geometry import clean_frame

#: Cells starting with these are run as formulas by Excel/LibreOffice (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def atomic_path(path: str | Path):
    """Yield a temporary path beside ``path``; move it into place only if the block succeeds,
    so a failure never leaves a partial file behind."""
    path = Path(path)
    if not path.parent.exists():
        raise InputFileError(f"folder {path.parent} does not exist — create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix or ".tmp",
                               dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # some drivers refuse to overwrite; they get a fresh name
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_layers(path: str | Path, layers: dict[str, gpd.GeoDataFrame]) -> list[Path]:
    """Write GeoDataFrames: a GeoPackage holds them all as layers; GeoJSON writes the first to
    ``path`` and each further one to ``<stem>.<layer>.geojson`` beside it."""
    path = Path(path)
    suffix = path.suffix.lower()
    written: list[Path] = []
    if suffix == ".gpkg":
        with atomic_path(path) as tmp:
            for name, gdf in layers.items():
                _for_file(gdf).to_file(tmp, layer=name, driver="GPKG")
        return [path]
    if suffix in (".geojson", ".json"):
        for i, (name, gdf) in enumerate(layers.items()):
            target = path if i == 0 else path.with_name(f"{path.stem}.{name}{path.suffix}")
            with atomic_path(target) as tmp:
                _for_file(gdf.to_crs("EPSG:4326")).to_file(tmp, driver="GeoJSON")
            written.append(target)
        return written
    raise InputFileError(f"{path.name}: write .geojson or .gpkg")


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
