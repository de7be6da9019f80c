"""Ordnance Survey National Grid references ("SZ 593 925") for points in Great Britain.

Walk leaders, Ramblers and mountain rescue quote OS grid references, so the printed map gives
one for the start. Conversion: WGS84 lon/lat → EPSG:27700 (OSGB36 National Grid) with pyproj,
then the OS lettering of 100 km squares. Without the OSTN15 grid file (not shipped offline)
PROJ uses a Helmert datum shift accurate to a few metres — fine at 6 figures (100 m), which
is what a leader reads off a map; 10-figure output is formatted to 1 m but carries that error.
Points outside GB (Ireland uses the Irish Grid; France, open sea) get ``None`` and a reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pyproj import Transformer
from shapely.geometry import Point, Polygon
from shapely.prepared import prep

from ecoplan.settings import routes as routes_cfg

#: Letters of the 5×5 grid, I omitted (OS guide).
_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
_REF_RE = re.compile(r"^\s*([A-HJ-Z])([A-HJ-Z])\s*(\d*)\s*(\d*)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class GridRef:
    """A grid reference, or ``ref=None`` with the ``reason`` there is none."""

    ref: str | None
    easting: float | None = None
    northing: float | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ref is not None


@lru_cache(maxsize=1)
def _to_grid() -> Transformer:
    return Transformer.from_crs("EPSG:4326", routes_cfg.GB_GRID_CRS, always_xy=True)


@lru_cache(maxsize=1)
def _from_grid() -> Transformer:
    return Transformer.from_crs(routes_cfg.GB_GRID_CRS, "EPSG:4326", always_xy=True)


@lru_cache(maxsize=1)
def _not_gb() -> tuple[tuple[str, object], ...]:
    return tuple((name, prep(Polygon(ring))) for name, ring in routes_cfg.NOT_GB_AREAS.items())


def grid_reference(lon: float, lat: float, figures: int = 6) -> GridRef:
    """OS grid reference of a WGS84 point, e.g. ``GridRef("SZ 593 925", 459312.4, 92561.0)``.

    ``figures`` is the total number of digits (0, 2, 4, 6, 8 or 10). Truncates, as the OS
    convention does: the reference names the square the point lies in.
    """
    if figures not in routes_cfg.GRID_FIGURES:
        raise ValueError(f"figures must be one of {routes_cfg.GRID_FIGURES}, not {figures}")
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lat) > 90 or abs(lon) > 180:
        return GridRef(None, reason=f"({lon}, {lat}) is not a valid longitude/latitude")
    w, s, e, n = routes_cfg.GRID_AREA_OF_USE
    if not (w <= lon <= e and s <= lat <= n):
        return GridRef(None, reason="outside Great Britain: the OS National Grid covers GB only")
    pt = Point(lon, lat)
    for name, area in _not_gb():
        if area.contains(pt):  # type: ignore[attr-defined]
            return GridRef(None, reason=f"in {name}, outside the OS National Grid (GB only)")
    east, north = _to_grid().transform(lon, lat)
    if not (math.isfinite(east) and math.isfinite(north)):
        return GridRef(None, reason="the point could not be projected to the OS National Grid")
    ref = format_grid_ref(east, north, figures)
    if ref is None:
        return GridRef(None, east, north, reason="outside the lettered squares of the OS grid")
    return GridRef(ref, float(east), float(north))


def format_grid_ref(easting: float, northing: float, figures: int = 6) -> str | None:
    """Letters + digits for National Grid metres, or None outside the 700 × 1300 km grid."""
    if figures not in routes_cfg.GRID_FIGURES:
        raise ValueError(f"figures must be one of {routes_cfg.GRID_FIGURES}, not {figures}")
    if not (0 <= easting < routes_cfg.GRID_MAX_E_M and 0 <= northing < routes_cfg.GRID_MAX_N_M):
        return None
    e100k, n100k = int(easting // 100_000), int(northing // 100_000)
    # 500 km square (S, T, N, O, H, J) then the 100 km square within it (OS guide, Annex).
    l1 = (19 - n100k) - (19 - n100k) % 5 + (e100k + 10) // 5
    l2 = ((19 - n100k) * 5) % 25 + e100k % 5
    letters = _LETTERS[l1] + _LETTERS[l2]
    half = figures // 2
    unit = 10 ** (5 - half)
    e = int(easting % 100_000 // unit)
    n = int(northing % 100_000 // unit)
    if half == 0:
        return letters
    return f"{letters} {e:0{half}d} {n:0{half}d}"


def parse_grid_ref(ref: str, *, centre: bool = True) -> tuple[float, float]:
    """National Grid metres (easting, northing) of a reference such as "NN 166 712".

    ``centre=True`` gives the middle of the named square (best estimate of the point);
    ``False`` its south-west corner. Raises ValueError for malformed references.
    """
    m = _REF_RE.match(ref)
    if not m:
        raise ValueError(f"not an OS grid reference: {ref!r}")
    l1, l2 = _LETTERS.index(m.group(1).upper()), _LETTERS.index(m.group(2).upper())
    digits_e, digits_n = m.group(3), m.group(4)
    if not digits_n:  # "SZ593925" written without spaces
        digits = digits_e
        if len(digits) % 2:
            raise ValueError(f"odd number of digits in grid reference {ref!r}")
        digits_e, digits_n = digits[: len(digits) // 2], digits[len(digits) // 2:]
    if len(digits_e) != len(digits_n) or len(digits_e) > 5:
        raise ValueError(f"easting and northing digits differ in length in {ref!r}")
    e100k = ((l1 - 2) % 5) * 5 + l2 % 5
    n100k = (19 - (l1 // 5) * 5) - l2 // 5
    if not (0 <= e100k < 7 and 0 <= n100k < 13):
        raise ValueError(f"grid square {ref[:2]!r} is outside the OS National Grid")
    half = len(digits_e)
    unit = 10 ** (5 - half)
    east = e100k * 100_000 + (int(digits_e) if half else 0) * unit
    north = n100k * 100_000 + (int(digits_n) if half else 0) * unit
    if centre:
        east += unit / 2
        north += unit / 2
    return float(east), float(north)


def grid_ref_to_lonlat(ref: str) -> tuple[float, float]:
    """WGS84 (lon, lat) of the centre of the square a grid reference names."""
    east, north = parse_grid_ref(ref, centre=True)
    lon, lat = _from_grid().transform(east, north)
    return float(lon), float(lat)
