"""Area boundaries (GeoJSON, GeoPackage, shapefile, zip) → EPSG:4326 polygons with a code.

Users download boundaries from the ONS Open Geography Portal (British National Grid, EPSG:27700,
is common) or bring their own; whatever the CRS, the result is lon/lat. Broken polygons
(self-intersections, common after generalisation) are repaired with ``make_valid`` and counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from ecoplan.compressed import check_expanded_size
from ecoplan.errors import InputFileError
from ecoplan.need._io import codes_as_text, examples, find_column
from ecoplan.settings import need as need_cfg

CRS = "EPSG:4326"
WHAT = "Boundaries file"


@dataclass(frozen=True)
class Boundaries:
    """Areas as read: ``areas`` has area_code, area_name, geometry (EPSG:4326)."""

    areas: gpd.GeoDataFrame
    code_column: str  # the column the codes came from
    source_crs: str  # CRS of the file as given, e.g. 'EPSG:27700'
    n_fixed: int  # invalid polygons repaired
    warnings: tuple[str, ...]

    @property
    def vintage(self) -> str | None:
        """'2011'/'2021' when the code column says so (LSOA11CD, lsoa21_code …), else None."""
        col = self.code_column.lower()
        for year in ("11", "21"):
            if f"lsoa{year}" in col or f"{year}cd" in col:
                return "20" + year
        return None


def read_frame(source: str | Path | gpd.GeoDataFrame, *, what: str = WHAT,
               assume_crs: str | None = None) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    """Read any vector file to a GeoDataFrame in EPSG:4326; returns (gdf, source CRS, warnings)."""
    warnings: list[str] = []
    if isinstance(source, gpd.GeoDataFrame):
        gdf, name = source.copy(), "table"
    else:
        path = Path(source)
        name = path.name
        if not path.exists():
            raise InputFileError(f"{what}: file not found: {path}. Check the path.")
        if path.stat().st_size == 0:
            raise InputFileError(f"{what}: {name} is empty (0 bytes); download it again.")
        try:
            check_expanded_size(path, "boundaries")  # readable, and no decompression bomb
        except InputFileError as err:
            raise InputFileError(f"{what}: {err}") from None
        try:
            gdf = gpd.read_file(path)
        except Exception as err:  # noqa: BLE001 - any driver failure is a bad file for the user
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise InputFileError(
                f"{what}: {name} could not be read as GeoJSON, GeoPackage, shapefile or zip "
                f"({first}); check the file is complete (a shapefile needs its .shp, .shx, .dbf "
                "and .prj together, e.g. zipped)."
            ) from err
    if len(gdf) == 0:
        raise InputFileError(f"{what}: {name} holds no features; give a file with the areas.")
    if "geometry" not in gdf.columns and not isinstance(gdf, gpd.GeoDataFrame):
        raise InputFileError(f"{what}: {name} has no geometry; give a spatial file.")
    if gdf.crs is None:
        crs = assume_crs or _guess_crs(gdf, name, what)
        warnings.append(f"{name} has no CRS; assumed {crs}.")
        gdf = gdf.set_crs(crs)
    if gdf.crs.is_geographic:
        _check_degrees(gdf, name, what)
    source_crs = gdf.crs.to_string()
    epsg = gdf.crs.to_epsg()
    if epsg == 27700:
        source_crs = "EPSG:27700"
    if epsg != 4326:
        gdf = gdf.to_crs(CRS)
    return gdf, source_crs, warnings


def _guess_crs(gdf: gpd.GeoDataFrame, name: str, what: str) -> str:
    w, s, e, n = gdf.total_bounds
    x0, y0, x1, y1 = need_cfg.LONLAT_BOUNDS
    if x0 <= w and e <= x1 and y0 <= s and n <= y1:
        return CRS
    raise InputFileError(
        f"{what}: {name} has no CRS and its coordinates are not longitude/latitude (e.g. "
        "British National Grid metres); save it with its CRS (a .prj file for shapefiles) "
        "or as GeoJSON/GeoPackage."
    )


def _check_degrees(gdf: gpd.GeoDataFrame, name: str, what: str) -> None:
    """A file that says lon/lat must hold degrees. GeoJSON without a ``crs`` member is read as
    lon/lat (RFC 7946), so a British National Grid export without one lands here with
    coordinates in metres; reprojecting those would fail deep inside the analysis."""
    bounds = gdf.total_bounds
    if not np.isfinite(bounds).all():
        return
    w, s, e, n = (float(v) for v in bounds)
    x0, y0, x1, y1 = need_cfg.LONLAT_BOUNDS
    if x0 <= w and e <= x1 and y0 <= s and n <= y1:
        return
    bx0, by0, bx1, by1 = need_cfg.BNG_BOUNDS
    bng = bx0 <= w and e <= bx1 and by0 <= s and n <= by1
    looks = " — they look like British National Grid metres (EPSG:27700)" if bng else ""
    crs = "EPSG:27700" if bng else "EPSG:<its code>"
    raise InputFileError(
        f"{what}: {name} is read as longitude/latitude ({gdf.crs.to_string()}) but its "
        f"coordinates reach x {e:,.0f}, y {n:,.0f}, which cannot be degrees{looks}. A GeoJSON "
        "without a 'crs' member is taken as longitude/latitude: save the file with its CRS "
        f"(e.g. ogr2ogr -a_srs {crs} areas.gpkg {name}) or reprojected to lon/lat "
        f"(ogr2ogr -s_srs {crs} -t_srs EPSG:4326 areas.geojson {name})."
    )


def polygons_only(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Keep the polygonal part (make_valid can return collections with stray lines)."""
    if geom is None or geom.is_empty:
        return None
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    polys: list[Polygon] = []
    for part in parts:
        polys.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    if not polys:
        return None
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def clean_polygons(gdf: gpd.GeoDataFrame, *, what: str = WHAT) -> tuple[gpd.GeoDataFrame, int,
                                                                        list[str]]:
    """Repair invalid polygons and drop empty/non-polygon rows; returns (gdf, n_fixed, notes)."""
    warnings: list[str] = []
    geoms = gdf.geometry
    is_poly = geoms.geom_type.isin(["Polygon", "MultiPolygon"])
    empty = geoms.isna() | geoms.is_empty
    if not (is_poly & ~empty).any():
        kinds = ", ".join(sorted(set(geoms.geom_type.dropna())))
        raise InputFileError(
            f"{what}: holds no polygons (found {kinds or 'no geometry'}); areas must be "
            "polygons (points or lines cannot say who lives where)."
        )
    invalid = is_poly & ~empty & ~geoms.is_valid
    n_fixed = int(invalid.sum())
    if n_fixed:
        fixed = shapely.make_valid(geoms[invalid].to_numpy())
        gdf = gdf.copy()
        gdf.loc[invalid, "geometry"] = [polygons_only(g) for g in fixed]
        warnings.append(f"{n_fixed} invalid polygon(s) (e.g. self-intersecting) were repaired "
                        "with make_valid.")
    geoms = gdf.geometry
    bad = geoms.isna() | geoms.is_empty | ~geoms.geom_type.isin(["Polygon", "MultiPolygon"])
    if bad.any():
        warnings.append(f"{int(bad.sum())} feature(s) without a usable polygon were dropped.")
        gdf = gdf[~bad]
    return gdf, n_fixed, warnings


def read_boundaries(source: str | Path | gpd.GeoDataFrame, *, id_column: str | None = None,
                    name_column: str | None = None,
                    assume_crs: str | None = None) -> Boundaries:
    """Read area boundaries; the code column is detected (LSOA11CD, LSOA21CD …) or named.

    Rows sharing a code (a multipart area saved as several features) are dissolved into one.
    """
    gdf, source_crs, warnings = read_frame(source, assume_crs=assume_crs)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]
    code_col = _code_column(gdf, cols, id_column)
    name_col = (find_column(cols, name_column) if name_column
                else find_column(cols, *need_cfg.BOUNDARY_NAME_COLUMNS))
    if name_column and name_col is None:
        raise InputFileError(f"{WHAT}: no column '{name_column}' (columns: {examples(cols, 8)}).")
    gdf, n_fixed, notes = clean_polygons(gdf)
    warnings.extend(notes)
    out = gpd.GeoDataFrame({
        "area_code": codes_as_text(gdf[code_col]).to_numpy(),
        "area_name": (gdf[name_col].astype(object).where(gdf[name_col].notna(), None).to_numpy()
                      if name_col else [None] * len(gdf)),
    }, geometry=gdf.geometry.to_numpy(), crs=CRS)
    no_code = out["area_code"].isna()
    if no_code.all():
        raise InputFileError(f"{WHAT}: column '{code_col}' is empty; name the id column.")
    if no_code.any():
        warnings.append(f"{int(no_code.sum())} area(s) without a code in '{code_col}' were "
                        "dropped.")
        out = out[~no_code]
    dup = out["area_code"].duplicated(keep=False)
    if dup.any():
        codes = sorted(set(out.loc[dup, "area_code"]))
        warnings.append(f"{len(codes)} code(s) appear on several features and were merged "
                        f"into one area each: {examples(codes)}.")
        merged = out.dissolve(by="area_code", aggfunc="first", as_index=False)
        out = merged[["area_code", "area_name", "geometry"]]
    out = out.reset_index(drop=True)
    return Boundaries(out, code_col, source_crs, n_fixed, tuple(warnings))


def _code_column(gdf: pd.DataFrame, cols: list[str], id_column: str | None) -> str:
    if id_column:
        col = find_column(cols, id_column)
        if col is None:
            raise InputFileError(
                f"{WHAT}: no column '{id_column}' (columns: {examples(cols, 8)}); name one of "
                "these as the id column."
            )
        return col
    col = find_column(cols, *need_cfg.BOUNDARY_CODE_COLUMNS)
    if col is not None:
        return col
    for col in cols:  # any column holding LSOA-like codes
        values = gdf[col].dropna().astype(str)
        if len(values) and values.map(lambda v: bool(need_cfg.LSOA_CODE.match(v))).mean() > 0.9:
            return col
    raise InputFileError(
        f"{WHAT}: could not tell which column holds the area codes (columns: "
        f"{examples(cols, 8)}); expected one of LSOA11CD, LSOA21CD, lsoa11_code, area_code — "
        "or name the id column."
    )
