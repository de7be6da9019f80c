"""Valid geometry for measuring and for files: repair, keep one dimension, snap to a grid.

Why a grid and not only ``make_valid``: a polygon can be valid yet hold a vertex a few
nanometres from another edge (bank strips cut by ``difference`` do). Reprojecting it, or
writing it with fewer digits, moves that vertex across the edge and the file is invalid: a
GEOS ``TopologyException`` in an analyst's ``union_all``. Snap-rounding onto a grid (GEOS
precision reduction, ``mode='valid_output'``) leaves no vertex closer than about half a grid
cell to a foreign edge, far more than any reprojection moves it, so the shapes stay valid in
every CRS they are later put in.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS as ProjCRS
from shapely.geometry.base import BaseGeometry

from ecoplan.settings import osm as osm_cfg

__all__ = ["clean_geometries", "clean_frame", "grid_size", "grow", "same_dimension",
           "estimate_utm"]


def grid_size(crs) -> float:
    """Grid in the units of ``crs``: OSM's own 1e-7° for lon/lat, 1 cm for metric CRSs."""
    if crs is None:
        return osm_cfg.GRID_DEG
    crs = ProjCRS.from_user_input(crs)
    return osm_cfg.GRID_DEG if crs.is_geographic else osm_cfg.GRID_M


def estimate_utm(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> str:
    """geopandas' ``estimate_utm_crs()`` as an "EPSG:326zz/327zz" string, computed.

    Why: geopandas looks the zone up in the PROJ database, 0.1–0.5 s a call, several times
    in every cold access run (issue 16). The zone of the bounds' centre is computed the same
    way (6° zones from 180° W, north from the equator; checked against geopandas in
    tests/test_network_graph.py); a centre on a zone edge, beyond 84° N / 80° S, or a
    projected or missing CRS is left to geopandas, so the answer is always geopandas'.
    """
    crs = gdf.crs
    if crs is not None and crs.is_geographic and len(gdf):
        w, s, e, n = gdf.total_bounds
        lon, lat = float(np.mean([w, e])), float(np.mean([s, n]))
        edge = abs((lon + 180) / 6 - round((lon + 180) / 6)) < 1e-9 or abs(lat) < 1e-9
        if np.isfinite([lon, lat]).all() and -180 < lon < 180 and -80 < lat < 84 and not edge:
            zone = int((lon + 180) // 6) + 1
            return f"EPSG:{(32600 if lat > 0 else 32700) + zone}"
    return str(gdf.estimate_utm_crs())


def grow(area: BaseGeometry, metres: float) -> BaseGeometry:
    """``area`` (EPSG:4326) grown by ``metres``, measured in its own UTM zone (anywhere on
    Earth; :func:`ecoplan.fetch.clip.buffer_m` uses the British National Grid for English
    authorities)."""
    ser = gpd.GeoSeries([area], crs=4326)
    return ser.to_crs(estimate_utm(ser)).buffer(metres).to_crs(4326).iloc[0]


def clean_geometries(geoms, grid: float) -> np.ndarray:
    """Valid copies of ``geoms`` snapped to ``grid``, each keeping its own dimension.

    A polygon stays polygonal (stray points and lines left by a repair or a ``difference``
    are dropped), a line stays a line, a point a point. Parts thinner than the grid vanish;
    a geometry that is all such parts becomes empty (never ``None`` unless it was).

    The copies carry GEOS's default floating precision, not the grid: ``set_precision``
    also attaches its grid to each geometry, and later operations (a boundary, an
    intersection) snap their results to it — until the geometry is pickled (a forked step,
    a cache), which drops it. Kept, the same sites gave entrances millimetres apart in a
    forked and a sequential run (issue 16); dropped here, every path computes alike.
    """
    arr = np.asarray(geoms, dtype=object)
    out = arr.copy()
    present = ~shapely.is_missing(arr)
    if not present.any():
        return out
    g = arr[present]
    dims = _dimension(g)
    g = np.where(shapely.is_valid(g), g, shapely.make_valid(g))
    g = same_dimension(g, dims)
    g = shapely.set_precision(g, grid)
    g = same_dimension(g, dims)
    out[present] = shapely.from_wkb(shapely.to_wkb(g, output_dimension=3))
    return out


def clean_frame(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with :func:`clean_geometries` applied on the grid of its own CRS."""
    out = gdf.copy()
    geom = out.geometry.name
    out[geom] = gpd.GeoSeries(clean_geometries(out.geometry.to_numpy(), grid_size(out.crs)),
                              index=out.index, crs=out.crs)
    return out.set_geometry(geom)


def same_dimension(geoms: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Keep only the parts of each geometry whose dimension is ``dims`` (2 polygon, 1 line,
    0 point); single-part results are returned as the simple type."""
    out = np.asarray(geoms, dtype=object).copy()
    mixed = (_dimension(out) != dims) | (shapely.get_type_id(out) == 7)
    for i in np.flatnonzero(mixed & ~shapely.is_missing(out)):
        out[i] = _parts_of_dimension(out[i], int(dims[i]))
    return out


def _dimension(geoms: np.ndarray) -> np.ndarray:
    """Highest dimension of any part (a collection holding a polygon counts as 2)."""
    dims = shapely.get_dimensions(geoms)
    for i in np.flatnonzero(shapely.get_type_id(geoms) == 7):
        dims[i] = max((int(shapely.get_dimensions(p)) for p in _flat_parts(geoms[i])),
                      default=-1)
    return dims


def _flat_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    parts: list[BaseGeometry] = []
    for p in shapely.get_parts(geom):
        parts.extend(_flat_parts(p) if shapely.get_type_id(p) == 7 else shapely.get_parts(p))
    return parts


_EMPTY = {2: shapely.Polygon(), 1: shapely.LineString(), 0: shapely.Point()}


def _parts_of_dimension(geom: BaseGeometry, dim: int) -> BaseGeometry:
    kind = {2: "Polygon", 1: "LineString", 0: "Point"}.get(dim)
    parts = [p for p in _flat_parts(geom) if p.geom_type == kind and not p.is_empty]
    if not parts:
        return _EMPTY.get(dim, shapely.GeometryCollection())
    if len(parts) == 1:
        return parts[0]
    if dim == 2:
        return shapely.MultiPolygon(parts)
    if dim == 1:
        return shapely.MultiLineString(parts)
    return shapely.MultiPoint(parts)
