"""Pure helpers behind the *Access gaps* page: what to map, headline numbers, exports, drawings.

No Streamlit here, so everything is unit-testable with plain DataFrames. The page
(:mod:`ecoplan.app.pages.gaps_page`) wires these to widgets; the cached steps live in
:mod:`ecoplan.app.gaps_data`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ecoplan.access.export import area_table
from ecoplan.access.priorities import prioritise
from ecoplan.access.variants import NETWORK as NETWORK_WAY
from ecoplan.access.variants import STRAIGHT as STRAIGHT_WAY
from ecoplan.access.variants import label as variant_label
from ecoplan.access.variants import view
from ecoplan.app import style as app_style
from ecoplan.errors import AreaError
from ecoplan.io import csv_safe, write_layers
from ecoplan.settings import access as access_cfg
from ecoplan.settings import network as net_cfg

CUSTOM = "custom"
#: Map value of areas that pass every priority test ("no tier").
NO_TIER = 4
#: Speed profile choices shown on the page (presets, then a custom km/h).
SPEED_CHOICES: tuple[str, ...] = (*net_cfg.SPEED_PRESETS_KMH, CUSTOM)
NETWORK = "along the walking network"
STRAIGHT = "straight line"


def speed_label(choice: str) -> str:
    if choice == CUSTOM:
        return "custom speed (km/h)"
    return f"{choice.replace('-', ' ')} ({net_cfg.SPEED_PRESETS_KMH[choice]:g} km/h)"


def speed_for(choice: str, custom_kmh: float | None = None) -> float | str:
    """What :func:`ecoplan.access.speeds.resolve_speed` gets: a preset name or the custom km/h."""
    if choice == CUSTOM:
        if custom_kmh is None:
            raise AreaError("Type a walking speed in km/h for the custom profile.")
        return float(custom_kmh)
    return choice


# --- What to map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One choropleth choice: which result column, how to label, colour and format it."""

    key: str
    label: str
    column: str  # column on the network; shares have a '_straight' twin
    is_share: bool
    has_straight: bool
    short: str  # legend title (the map's legend must not hide the map)


def measures() -> dict[str, Measure]:
    """Map choices in menu order: minutes to nearest, then every standard, then 'lacking'."""
    out = [
        Measure("priority_tier", "Gap priority tier (1 = act first)", "priority_tier", False,
                False, "Priority tier"),
        Measure("minutes_any", "Mean walking minutes to the nearest green or blue space",
                "minutes_any", False, False, "Minutes to green/blue"),
        Measure("minutes_green", "Mean walking minutes to the nearest green space",
                "minutes_green", False, False, "Minutes to green"),
        Measure("minutes_blue", "Mean walking minutes to the nearest blue space",
                "minutes_blue", False, False, "Minutes to blue"),
        Measure("minutes_park", "Mean walking minutes to the nearest park", "minutes_park",
                False, False, "Minutes to a park"),
    ]
    for s in access_cfg.STANDARDS:
        out.append(Measure(f"share_{s.key}", f"Share of people meeting: {s.label}",
                           f"share_{s.key}", True, True, s.label))
    out.append(Measure("share_lacking", "Share of people lacking access (fails the 15-minute "
                       "or AGS local standard)", "share_lacking", True, False, "Lacking access"))
    return {m.key: m for m in out}


def map_values(areas: pd.DataFrame, measure: Measure, straight: bool,
               variant: str = access_cfg.DEFAULT_VARIANT,
               deciles: int = access_cfg.DEFAULT_DEPRIVED_DECILES,
               include_partial: bool = False) -> tuple[pd.Series, str]:
    """(values to map, short legend label) for one access variant. Shares become per cent;
    straight line only for shares that have it (minutes are always along the network)."""
    how = "straight line" if straight and measure.has_straight else "network"
    table = view(pd.DataFrame(areas.drop(columns="geometry", errors="ignore")), variant,
                 STRAIGHT_WAY if straight and measure.has_straight else NETWORK_WAY)
    if measure.key == "priority_tier":
        table = prioritise(table, deciles=deciles, include_partial=include_partial)
        values = pd.to_numeric(table["priority_tier"], errors="coerce")
        # Known areas passing every test are "no tier" (class 4), not "no data".
        known = table["n_failed"].notna() & table["deprived"].notna()
        values = values.where(values.notna() | ~known, float(NO_TIER))
        return values, f"{measure.short} ({variant_label(variant)})"
    values = pd.to_numeric(table[measure.column], errors="coerce")
    if measure.is_share:
        return values * 100.0, f"{measure.short}, % of people ({how})"
    return values, f"{measure.short} ({how})"


def map_style(measure: Measure) -> dict[str, Any]:
    """Palette, breaks and format for :func:`ecoplan.app.maps.choropleth` (colour-blind safe:
    more access = darker blue; more minutes = darker red)."""
    if measure.key == "priority_tier":
        return {"palette": [*reversed(app_style.SEQUENTIAL_YLORRD[-5::2]),
                            app_style.NO_TIER_COLOR],
                "breaks": [0.5, 1.5, 2.5, 3.5, 4.5], "fmt": "{:.0f}",
                "legend_items": [*((c, f"tier {access_cfg.PRIORITY_TIER_LABELS[t]}") for c, t
                                   in zip(reversed(app_style.SEQUENTIAL_YLORRD[-5::2]),
                                          (1, 2, 3), strict=True)),
                                 (app_style.NO_TIER_COLOR, "no tier (passes all three tests)")]}
    if measure.key == "share_lacking":
        return {"palette": app_style.SEQUENTIAL_YLORRD, "breaks": list(app_style.SHARE_BREAKS_PCT),
                "fmt": "{:.0f} %"}
    if measure.is_share:
        return {"palette": app_style.SEQUENTIAL_YLGNBU, "breaks": list(app_style.SHARE_BREAKS_PCT),
                "fmt": "{:.0f} %"}
    return {"palette": app_style.SEQUENTIAL_YLORRD[-app_style.MINUTE_CLASSES:], "breaks": None,
            "fmt": "{:.1f} min"}


def tooltip_labels(areas: pd.DataFrame) -> pd.Series:
    """'Name (code) · decile 2 · population 1,523' per area (plain text; the map escapes it)."""
    def one(row: pd.Series) -> str:
        name = row.get("area_name")
        code = str(row["area_code"])
        head = f"{name} ({code})" if isinstance(name, str) and name.strip() else code
        dec = pd.to_numeric(pd.Series([row.get("imd_decile")]), errors="coerce").iloc[0]
        pop = pd.to_numeric(pd.Series([row.get("population")]), errors="coerce").iloc[0]
        parts = [head, f"decile {int(dec)}" if pd.notna(dec) else "decile unknown",
                 f"population {pop:,.0f}" if pd.notna(pop) else "population unknown"]
        return " · ".join(parts)

    return areas.apply(one, axis=1) if len(areas) else pd.Series([], dtype=object)


def deprived_mask(areas: pd.DataFrame, deciles: int) -> list[bool]:
    dec = pd.to_numeric(areas["imd_decile"], errors="coerce")
    return [bool(x) for x in (dec.notna() & (dec <= deciles))]


def has_population(areas: pd.DataFrame) -> bool:
    return bool(pd.to_numeric(areas["population"], errors="coerce").notna().any())


def equity_long(equity: pd.DataFrame) -> pd.DataFrame:
    """Equity table (deciles only, no 'all' row) in long form for a grouped bar chart."""
    eq = equity[equity["decile"] != "all"]
    eq = eq[eq["n_areas"] > 0]
    rows = []
    for _, r in eq.iterrows():
        for col, name in (("share_walk15", "15-minute walk"), ("share_local", "AGS local")):
            v = r[col]
            rows.append({"decile": str(r["decile"]), "standard": name,
                         "percent": None if pd.isna(v) else round(100.0 * float(v), 2)})
    return pd.DataFrame(rows, columns=["decile", "standard", "percent"])


def standards_table(speed_kmh: float) -> pd.DataFrame:
    """Every standard with its size, distance at this speed and published source."""
    rows = []
    for s in access_cfg.STANDARDS:
        if s.max_m is not None:
            where = f"{s.max_m:,.0f} m"
        else:
            where = f"{s.minutes:g} min walk = {s.distance_m(speed_kmh):,.0f} m at " \
                    f"{speed_kmh:g} km/h"
        kinds = "green or blue" if s.kinds == access_cfg.ANY_KINDS else (
            "blue" if s.kinds == access_cfg.BLUE_KINDS else "green")
        rows.append({"standard": s.label, "site size": f"≥ {s.min_ha:g} ha" if s.min_ha
                     else "any size", "within": where, "sites": kinds,
                     "optional": "yes" if s.optional else "", "source": s.source})
    return pd.DataFrame(rows)


# --- Identity of the need data (cache keys) -------------------------------------------------


def overlaps(areas: gpd.GeoDataFrame, bounds: tuple[float, float, float, float]) -> int:
    """How many areas touch the OSM data's bounding box (0 → nothing can be measured)."""
    geo = areas.geometry
    if geo.crs is not None and geo.crs.to_epsg() != 4326:
        geo = geo.to_crs(4326)
    w, s, e, n = bounds
    return int(geo.intersects(shapely.box(w, s, e, n)).sum())


# --- Drawn shapes ----------------------------------------------------------------------------


#: Properties of features the app itself draws (areas, sites, the what-if overlay): a click on
#: them is not a drawing.
_NOT_DRAWN = frozenset({"area_id", "site_id", "tooltip", "whatif"})


def drawn_feature(out: Mapping[str, Any] | None) -> dict | None:
    """The polygon the user last drew, from an ``st_folium`` result, else None.

    Drawn shapes come back in ``all_drawings`` (Leaflet.draw's layer) and as
    ``last_active_drawing``; a click on an area or a site also sets the latter, but those
    features carry ``area_id``/``site_id``/``tooltip`` properties, drawn ones do not.
    """
    if not out:
        return None
    cands: list[Any] = list(out.get("all_drawings") or [])[::-1]
    cands.append(out.get("last_active_drawing"))
    for feat in cands:
        if not isinstance(feat, Mapping):
            continue
        props = feat.get("properties") or {}
        if isinstance(props, Mapping) and (_NOT_DRAWN & set(props)):
            continue
        geom = feat.get("geometry")
        if isinstance(geom, Mapping) and geom.get("type") in ("Polygon", "MultiPolygon"):
            return {"type": "Feature", "properties": {}, "geometry": dict(geom)}
    return None


def polygon_from_feature(feature: Mapping[str, Any]) -> BaseGeometry:
    """Shapely polygon (lon/lat) from a GeoJSON feature or geometry; AreaError if unusable."""
    geom = feature.get("geometry", feature) if isinstance(feature, Mapping) else None
    try:
        poly = shape(geom)
    except Exception as err:  # noqa: BLE001 - any malformed drawing is the user's to redo
        raise AreaError("The drawn shape could not be read: draw the site again.") from err
    if poly.geom_type not in ("Polygon", "MultiPolygon") or poly.is_empty or poly.area == 0:
        raise AreaError("Draw the new site as a polygon or rectangle on the map.")
    return poly


# --- Exports ---------------------------------------------------------------------------------


def export_table(areas: gpd.GeoDataFrame, deciles: int,
                 include_partial: bool = False) -> gpd.GeoDataFrame:
    """Per-area results both ways with priorities and attribution: what the CLI writes."""
    return area_table(areas, deciles=deciles, include_partial=include_partial)


def csv_bytes(table: gpd.GeoDataFrame) -> bytes:
    """Formula-safe CSV (see :func:`ecoplan.io.csv_safe`), no geometry, UTF-8."""
    df = pd.DataFrame(table.drop(columns="geometry", errors="ignore"))
    return csv_safe(df).to_csv(index=False, float_format="%.7g").encode("utf-8")


def gpkg_bytes(table: gpd.GeoDataFrame, layer: str = "access_by_area") -> bytes:
    """GeoPackage of the table, written to a temporary file then read back as bytes."""
    fd, tmp = tempfile.mkstemp(prefix="ecoplan-gaps-", suffix=".gpkg")
    os.close(fd)
    os.unlink(tmp)
    try:
        write_layers(tmp, {layer: table.to_crs(4326)})
        return Path(tmp).read_bytes()
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


