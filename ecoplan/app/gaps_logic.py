"""Pure helpers behind the *Access gaps* page: what to map, headline numbers, exports, drawings.

No Streamlit here, so everything is unit-testable with plain DataFrames. The page
(:mod:`ecoplan.app.pages.gaps_page`) wires these to widgets; the cached steps live in
:mod:`ecoplan.app.gaps_data`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ecoplan.access.gaps import H, L, equity_table, flag_gaps, gap_stats
from ecoplan.errors import AreaError
from ecoplan.io import csv_safe, write_layers
from ecoplan.settings import access as access_cfg
from ecoplan.settings import app as app_cfg
from ecoplan.settings import app_gaps as cfg
from ecoplan.settings import network as net_cfg

CUSTOM = "custom"
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
        Measure("minutes_any", "Mean walking minutes to the nearest green or blue space",
                "minutes_any", False, False, "Minutes to green/blue"),
        Measure("minutes_green", "Mean walking minutes to the nearest green space",
                "minutes_green", False, False, "Minutes to green"),
        Measure("minutes_blue", "Mean walking minutes to the nearest blue space",
                "minutes_blue", False, False, "Minutes to blue"),
    ]
    for s in access_cfg.STANDARDS:
        out.append(Measure(f"share_{s.key}", f"Share of people meeting: {s.label}",
                           f"share_{s.key}", True, True, s.label))
    out.append(Measure("share_lacking", "Share of people lacking access (fails the 15-minute "
                       "or AGS local standard)", "share_lacking", True, False, "Lacking access"))
    return {m.key: m for m in out}


def map_values(areas: pd.DataFrame, measure: Measure, straight: bool) -> tuple[pd.Series, str]:
    """(values to map, short legend label). Shares become per cent; straight line only for
    shares that have it (minutes are always along the network)."""
    col = measure.column
    how = "network"
    if straight and measure.has_straight:
        col, how = f"{col}_straight", "straight line"
    values = pd.to_numeric(areas[col], errors="coerce")
    if measure.is_share:
        return values * 100.0, f"{measure.short}, % of people ({how})"
    return values, f"{measure.short} ({how})"


def map_style(measure: Measure) -> dict[str, Any]:
    """Palette, breaks and format for :func:`ecoplan.app.maps.choropleth` (colour-blind safe:
    more access = darker blue; more minutes = darker red)."""
    if measure.key == "share_lacking":
        return {"palette": app_cfg.SEQUENTIAL_YLORRD, "breaks": list(cfg.SHARE_BREAKS_PCT),
                "fmt": "{:.0f} %"}
    if measure.is_share:
        return {"palette": app_cfg.SEQUENTIAL_YLGNBU, "breaks": list(cfg.SHARE_BREAKS_PCT),
                "fmt": "{:.0f} %"}
    return {"palette": app_cfg.SEQUENTIAL_YLORRD[-cfg.MINUTE_CLASSES:], "breaks": None,
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


# --- Network vs straight line ---------------------------------------------------------------


def straight_variant(areas: pd.DataFrame, origins: pd.DataFrame | None) -> pd.DataFrame:
    """The table with every standard's share replaced by its straight-line share, so the gap
    and equity functions give their straight-line answers with the very same rules.

    ``share_lacking`` is recounted per origin from ``origins`` (``<standard>_straight_ok``);
    without origins it is left unknown (NaN), never guessed.
    """
    out = areas.copy()
    for s in access_cfg.STANDARDS:
        col = f"share_{s.key}"
        if f"{col}_straight" in out.columns:
            out[col] = out[f"{col}_straight"]
    out["share_lacking"] = _straight_lacking(areas, origins)
    return out


def _straight_lacking(areas: pd.DataFrame, origins: pd.DataFrame | None) -> np.ndarray:
    """Share of measured people failing the 15-minute or the local standard in a straight
    line, weighted by origin share, as :func:`ecoplan.access.measure.aggregate_areas` does."""
    n = len(areas)
    hs = f"{access_cfg.HEADLINE_STANDARD}_straight_ok"
    ls = f"{access_cfg.LOCAL_STANDARD}_straight_ok"
    if origins is None or not {hs, ls, "share", "status", "area_code"} <= set(origins.columns):
        return np.full(n, np.nan)
    pos = pd.Index(areas["area_code"].to_numpy(object)).get_indexer(
        origins["area_code"].to_numpy(object))
    keep = pos >= 0
    w = origins["share"].to_numpy(float)[keep]
    measured = (origins["status"].to_numpy(object) != "unsnapped")[keep]
    lacking = ~(origins[hs].to_numpy(bool) & origins[ls].to_numpy(bool))[keep]
    pos = pos[keep]
    den = np.bincount(pos, weights=np.where(measured, w, 0.0), minlength=n)
    num = np.bincount(pos, weights=np.where(measured & lacking, w, 0.0), minlength=n)
    share = np.divide(num, den, out=np.full(n, np.nan), where=den > 0)
    inside = areas["status"].ne("outside data").to_numpy(bool)
    return np.where(inside, share, np.nan)


def population_share(areas: pd.DataFrame, column: str, mask: pd.Series | None = None) -> float:
    """Population-weighted mean of a share over measured people (as the equity table does)."""
    pop = pd.to_numeric(areas["population"], errors="coerce")
    inside = areas["status"].ne("outside data")
    w = (pop * (1 - areas["share_unsnapped"].fillna(1.0))).where(inside)
    v = pd.to_numeric(areas[column], errors="coerce")
    ok = v.notna() & w.notna() & (w > 0)
    if mask is not None:
        ok &= mask.astype(bool)
    den = float(w[ok].sum())
    return float((v[ok] * w[ok]).sum() / den) if den > 0 else float("nan")


def headline(areas: pd.DataFrame, origins: pd.DataFrame | None, deciles: int) -> pd.DataFrame:
    """Headline numbers along the network and in a straight line, one row per measure.

    Rows: everyone within 15 min, everyone meeting AGS local, deprived within 15 min, deprived
    meeting AGS local, gap areas, people in gap areas.
    """
    rows = []
    for how, table in ((NETWORK, areas), (STRAIGHT, straight_variant(areas, origins))):
        stats = gap_stats(table, deciles=deciles)
        rows.append({
            "how": how,
            "share_walk15": population_share(table, H),
            "share_local": population_share(table, L),
            "deprived_share_walk15": stats["deprived_share_walk15"],
            "deprived_share_local": stats["deprived_share_local"],
            "n_gaps": stats["n_gaps"],
            "gap_population": stats["gap_population"],
        })
    return pd.DataFrame(rows).set_index("how")


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


def areas_digest(areas: gpd.GeoDataFrame) -> str:
    """Content hash of the areas (codes, deciles, population, need source, geometry): two
    loads of the same files give the same key, a different file never does."""
    h = hashlib.sha256()
    cols = [c for c in ("area_code", "imd_decile", "imd_rank", "population", "need_source")
            if c in areas.columns]
    frame = pd.DataFrame(areas[cols]).astype(str)
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(areas.geometry.to_numpy(), output_dimension=2):
        h.update(hashlib.sha256(wkb if wkb is not None else b"").digest())
    h.update(str(areas.crs).encode())
    return h.hexdigest()[:24]


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


def export_table(areas: gpd.GeoDataFrame, deciles: int) -> gpd.GeoDataFrame:
    """Per-area results with the gap flags and an ``attribution`` column (EPSG:4326)."""
    flagged = flag_gaps(pd.DataFrame(areas.drop(columns="geometry")), deciles=deciles)
    for col in ("deprived", "fails_walk15", "fails_local", "gap"):
        # nullable booleans → 'yes'/'no'/'' so CSV readers and GeoPackage agree
        flagged[col] = flagged[col].map({True: "yes", False: "no"}).fillna("").astype(object)
    flagged["attribution"] = cfg.EXPORT_ATTRIBUTION
    return gpd.GeoDataFrame(flagged, geometry=areas.geometry.to_numpy(), crs=areas.crs)


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


# --- What-if presentation ---------------------------------------------------------------------

#: (gap_stats key, label, kind) shown before/after.
WHATIF_STATS: tuple[tuple[str, str, str], ...] = (
    ("deprived_share_walk15", "Deprived people within 15 min", "share"),
    ("deprived_share_local", "Deprived people meeting AGS local", "share"),
    ("deprived_mean_minutes", "Deprived mean minutes to nearest", "minutes"),
    ("deprived_people_lacking", "Deprived people lacking access", "count"),
    ("n_gaps", "Gap areas", "count"),
)


def fmt_stat(value: float, kind: str, *, delta: bool = False) -> str:
    """'99.20 %', '4.4 min', '27' — and signed for a change (percentage points for shares)."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    sign = "+" if delta else ""
    if kind == "share":
        return f"{100 * value:{sign}.2f} pp" if delta else f"{100 * value:.2f} %"
    if kind == "minutes":
        return f"{value:{sign}.2f} min"
    return f"{value:{sign},.0f}"


def equity_share_change(equity_change: pd.DataFrame) -> pd.DataFrame:
    """Readable before/after equity table (per cent) from ``WhatIfComparison.equity_change``."""
    eq = equity_change[equity_change["n_areas"] > 0]
    out = pd.DataFrame({"decile": eq["decile"].astype(str), "areas": eq["n_areas"],
                        "population": eq["population"]})
    for col, name in (("share_walk15", "15 min"), ("share_local", "AGS local")):
        out[f"{name} before %"] = 100 * eq[f"{col}_before"]
        out[f"{name} after %"] = 100 * eq[f"{col}_after"]
        out[f"{name} change pp"] = 100 * eq[f"{col}_change"]
    return out.reset_index(drop=True)


def equity_for(areas: pd.DataFrame, origins: pd.DataFrame | None, deciles: int,
               straight: bool = False) -> pd.DataFrame:
    table = straight_variant(areas, origins) if straight else areas
    return equity_table(table, deciles=deciles)
