"""A printable one-page A4 PDF of a route, drawn offline from the OSM layers.

folium cannot print (docs/architecture.md#routes), and a walk leader needs a sheet to hand
out: the map (green
and blue space, paths, roads, buildings, the route with arrows and distance markers, start,
toilets, benches), a legend, scale bar and north arrow, and beside it the facts a group needs —
distance, time, step-free status, the OS grid reference of the start, directions and a space
for the leader's phone number. Everything is drawn with matplotlib's object API (no pyplot, no
web tiles), so it is safe in the Streamlit server and works with no network.

All text goes through :func:`_text` with ``parse_math=False``: OSM names and user titles are
untrusted and matplotlib would otherwise read ``$…$`` as mathtext.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrow, Patch, Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.textpath import text_to_path
from pyproj import CRS, Transformer
from shapely import box, clip_by_rect, line_merge
from shapely import transform as shp_transform_xy
from shapely.geometry import LineString

from ecoplan import mapstyle
from ecoplan.errors import AreaError
from ecoplan.io import atomic_path
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes import print_style
from ecoplan.routes.directions import step_distance
from ecoplan.routes.gridref import grid_reference
from ecoplan.routes.model import Route, finish_lonlat, geodesic_length_m, walk_kind
from ecoplan.routes.streets import route_streets
from ecoplan.settings import routes as routes_cfg
from ecoplan.settings.map_style import STYLE

PT_PER_IN = 72.0
_MPL_RC: Any = {  # matplotlib rc settings (its stubs want literal keys)
    "text.usetex": False,      # never hand untrusted text to LaTeX
    "pdf.fonttype": 42,        # embed TrueType: text stays selectable and extractable
    "font.family": "DejaVu Sans",
    "axes.unicode_minus": True,
}


@dataclass(frozen=True)
class _Layout:
    """Figure-fraction rectangles (left, bottom, width, height) of each block.

    Portrait gives a near-square map (7.4 × 7.3 in) for round or tall routes; landscape a
    wider one (8.1 × 6.0 in) with a tall side column for routes that run east-west.
    """

    landscape: bool
    map_rect: tuple[float, float, float, float]
    legend_anchor: tuple[float, float]
    legend_cols: int
    #: Text columns (left, top, width, bottom): blocks fill them in order.
    columns: tuple[tuple[float, float, float, float], ...]

    @property
    def size_in(self) -> tuple[float, float]:
        w, h = print_style.A4_IN
        return (h, w) if self.landscape else (w, h)


_PORTRAIT = _Layout(False, map_rect=(0.05, 0.335, 0.90, 0.60), legend_anchor=(0.05, 0.329),
                    legend_cols=4,
                    columns=((0.05, 0.248, 0.50, 0.03), (0.585, 0.248, 0.365, 0.03)))
_LANDSCAPE = _Layout(True, map_rect=(0.03, 0.185, 0.69, 0.71), legend_anchor=(0.03, 0.177),
                     legend_cols=4, columns=((0.745, 0.895, 0.23, 0.04),))


def render_route_pdf(route: Route, layers: OsmLayers, path: str | Path, *, title: str | None = None,
                     leader_phone_blank: bool = True, date: Date | datetime | str | None = None,
                     ) -> Path:
    """Write ``route`` as a one-page A4 PDF map at ``path`` (atomically) and return the path.

    ``title`` defaults to ``route.title``; ``date`` is the walk date (``None`` leaves a blank
    to fill in). Orientation follows the route's shape. Raises :class:`AreaError` when the
    layers hold nothing around the route (wrong file for this route).
    """
    path = Path(path)
    figs = build_route_pages(route, layers, title=title, leader_phone_blank=leader_phone_blank,
                             date=date)
    meta = {"Title": _clean(title or route.title) or "Walking route", "Creator": "ecoplan",
            "Subject": f"Walking route map. Map data {routes_cfg.ATTRIBUTION}"}
    with (atomic_path(path) as tmp, mpl.rc_context(_MPL_RC),
          PdfPages(tmp, metadata=meta) as pdf):
        for fig in figs:
            pdf.savefig(fig)
    return path


def build_route_pages(route: Route, layers: OsmLayers, *, title: str | None = None,
                      leader_phone_blank: bool = True,
                      date: Date | datetime | str | None = None) -> list[Figure]:
    """The map page, then as many pages as the directions that did not fit on it need (none
    for most walks): every step is printed."""
    with mpl.rc_context(_MPL_RC):
        fig = build_route_figure(route, layers, title=title,
                                 leader_phone_blank=leader_phone_blank, date=date)
        first = getattr(fig, "_ecoplan_steps_shown", len(route.directions))
        return [fig, *_direction_pages(route, first, title or route.title)]


def build_route_figure(route: Route, layers: OsmLayers, *, title: str | None = None,
                       leader_phone_blank: bool = True,
                       date: Date | datetime | str | None = None) -> Figure:
    """The A4 figure (not yet saved) — split out so the app can show a PNG preview."""
    with mpl.rc_context(_MPL_RC):
        crs = map_crs(route)
        line = _reproject(route.geometry, Transformer.from_crs("EPSG:4326", crs, always_xy=True))
        layout = _choose_layout(line)
        fig = Figure(figsize=layout.size_in)
        fig.patch.set_facecolor(STYLE.colours["background"])
        ax = fig.add_axes(layout.map_rect)
        draw_route_map(ax, route, layers)
        _legend(fig, layout, route)
        _draw_header(fig, layout, route, title or route.title)
        _draw_text_blocks(fig, layout, route, leader_phone_blank, date, layers)
        return fig


def draw_route_map(ax, route: Route, layers: OsmLayers, *, min_pt: float = 0.0) -> None:
    """Draw the route map — ground, paths, the route with arrows and distance markers, start,
    toilets, benches, scale bar, north arrow, attribution — into ``ax``, framed to the axes'
    shape on the page. Any printed output (the A4 route sheet, a programme leaflet) uses this.

    ``min_pt`` raises every label on the map to at least that size (large print). Raises
    :class:`AreaError` when the layers hold nothing around the route (wrong file).
    """
    crs = map_crs(route)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    line = _reproject(route.geometry, to_map)
    fw, fh = ax.figure.get_size_inches()
    box = ax.get_position()
    view = _view_bounds(line, (box.width * fw) / (box.height * fh))
    drawn = _layers_in_view(layers, view, crs)
    if drawn.empty_of_data():
        raise AreaError("the OSM data holds nothing around this route; load the extract "
                        "that covers the route's area and try again")
    _draw_map(ax, drawn, line, route, to_map, view, crs, min_pt)
    _draw_street_labels(ax, route, layers, crs, view, max(print_style.STREET_LABEL_PT, min_pt))


def _draw_street_labels(ax, route: Route, layers: OsmLayers, crs: CRS,
                        view: tuple[float, float, float, float], size_pt: float) -> None:
    """The names of the streets the route uses, along them, longest stretch first, skipping
    a name that would sit on one already written (directions are by street name)."""
    streets = route_streets(route, layers, crs)
    if not len(streets):
        return
    fw, _fh = ax.figure.get_size_inches()
    m_per_pt = (view[2] - view[0]) / (ax.get_position().width * fw * PT_PER_IN)
    placed: list[tuple[float, float, float]] = []  # x, y, half-length of each label
    vx0, vy0, vx1, vy1 = view
    for name, geom in zip(streets["name"], streets.geometry, strict=True):
        if len(placed) >= print_style.MAX_STREET_LABELS:
            break
        label = _clean(name)
        half = 0.55 * size_pt * len(label) * m_per_pt / 2
        if geom.length < half:  # far shorter than its name: the directions carry it
            continue
        x, y, ang = mapstyle.label_anchor(geom)
        if not (vx0 + half * 0.5 < x < vx1 - half * 0.5 and vy0 < y < vy1):
            continue
        if any(math.hypot(x - px, y - py) < h + half for px, py, h in placed):
            continue
        placed.append((x, y, half))
        _text(ax, x, y, label, ha="center", va="center", rotation=ang,
              rotation_mode="anchor", fontsize=size_pt, color="#000000", zorder=12.5,
              path_effects=[withStroke(linewidth=2.5, foreground="white")])


# --- geometry helpers ---------------------------------------------------------------------------

def _reproject(geom, transformer: Transformer):
    return shp_transform_xy(geom, lambda x, y: transformer.transform(x, y), interleaved=False)


def map_crs(route: Route) -> CRS:
    """British National Grid in GB (matches OS maps and the grid reference), else local UTM."""
    if grid_reference(route.start.x, route.start.y).ref is not None:
        return CRS.from_user_input(routes_cfg.GB_GRID_CRS)
    utm = gpd.GeoSeries([route.start], crs="EPSG:4326").estimate_utm_crs()
    return CRS.from_user_input(utm)


def _choose_layout(line: LineString) -> _Layout:
    minx, miny, maxx, maxy = line.bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    return _LANDSCAPE if w / h > print_style.LANDSCAPE_ASPECT else _PORTRAIT


def _view_bounds(line: LineString, box_aspect: float) -> tuple[float, float, float, float]:
    """Route bounds + margin, widened to the map box's aspect (width / height) so the map
    fills it."""
    minx, miny, maxx, maxy = line.bounds
    w, h = maxx - minx, maxy - miny
    margin = max(print_style.MAP_MARGIN_SHARE * max(w, h), print_style.MAP_MARGIN_MIN_M)
    minx, miny, maxx, maxy = minx - margin, miny - margin, maxx + margin, maxy + margin
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < box_aspect:
        w = h * box_aspect
    else:
        h = w / box_aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


@dataclass
class _Drawn:
    green: gpd.GeoDataFrame
    blue: gpd.GeoDataFrame
    blue_lines: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    paths: gpd.GeoDataFrame
    toilets: gpd.GeoDataFrame
    benches: gpd.GeoDataFrame

    def empty_of_data(self) -> bool:
        return all(len(g) == 0 for g in (self.green, self.blue, self.blue_lines, self.buildings,
                                         self.roads, self.paths))


def _layers_in_view(layers: OsmLayers, view: tuple[float, float, float, float],
                    crs: CRS) -> _Drawn:
    """Select by spatial index, project, then cut to the view — only what the page shows."""
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    view_ll = _reproject(box(*view).segmentize(100.0), to_ll)

    def pick(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        if gdf is None or len(gdf) == 0:
            return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs=crs), crs=crs)
        hit = gdf.iloc[gdf.sindex.query(view_ll, predicate="intersects")].to_crs(crs)
        # OSM shapes can be invalid (a 3-point building); repair before cutting to the view.
        geom = clip_by_rect(shapely.make_valid(hit.geometry.to_numpy()), *view)
        hit = hit.set_geometry(gpd.GeoSeries(geom, index=hit.index, crs=crs))
        return hit[~hit.geometry.is_empty]

    features = pick(layers.features)
    polys = features[features.geom_type.isin(["Polygon", "MultiPolygon"])]
    lines = features[~features.index.isin(polys.index)]
    ways = _merge_ways(pick(layers.ways))
    highway = ways["highway"] if len(ways) else pd.Series(dtype=str)
    pois = pick(layers.pois)
    return _Drawn(
        green=polys[mapstyle.is_green(polys)],
        blue=polys[mapstyle.is_blue(polys)],
        blue_lines=lines[mapstyle.is_blue(lines) | mapstyle.is_waterway_line(lines)],
        buildings=pick(layers.buildings),
        roads=ways[mapstyle.is_road(highway)] if len(ways) else ways,
        paths=ways[mapstyle.is_path(highway)] if len(ways) else ways,
        toilets=_poi(pois, "amenity", {"toilets"}),
        benches=_poi(pois, "amenity", {"bench"}),
    )


def _merge_ways(ways: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Join each OSM way's 2-point segments back into lines so dashes run continuously."""
    if len(ways) == 0 or "osm_id" not in ways:
        return ways
    merged = ways[["osm_id", "highway", "geometry"]].dissolve(by="osm_id", as_index=False)
    merged["geometry"] = line_merge(merged.geometry.to_numpy())
    return merged


def _poi(pois: gpd.GeoDataFrame, key: str, values: set[str]) -> gpd.GeoDataFrame:
    return pois[mapstyle.column(pois, key).isin(list(values))] if len(pois) else pois


# --- drawing ------------------------------------------------------------------------------------

def _draw_map(ax, drawn: _Drawn, line: LineString, route: Route, to_map: Transformer,
              view: tuple[float, float, float, float], crs: CRS, min_pt: float = 0.0) -> None:
    c = STYLE.colours
    ax.set_facecolor(c["background"])
    if len(drawn.green):
        drawn.green.plot(ax=ax, color=c["green"], edgecolor=c["green_edge"], linewidth=0.4,
                         zorder=1)
    if len(drawn.blue):
        drawn.blue.plot(ax=ax, color=c["blue"], edgecolor=c["blue_edge"], linewidth=0.4,
                        zorder=1.5)
    if len(drawn.blue_lines):
        drawn.blue_lines.plot(ax=ax, color=c["water_line"], linewidth=1.2, zorder=1.6)
    if len(drawn.buildings):
        drawn.buildings.plot(ax=ax, color=c["building"], edgecolor=c["building_edge"],
                             linewidth=0.3, zorder=2)
    if len(drawn.roads):
        widths = drawn.roads["highway"].map(STYLE.road_width_pt).astype(float).to_numpy()
        segs = _segments(drawn.roads.geometry)
        seg_w = np.repeat(widths, [len(s) for s in segs])
        flat = [p for s in segs for p in s]
        ax.add_collection(LineCollection(flat, linewidths=seg_w + 1.0, colors=c["road"],
                                         capstyle="round", zorder=3))
        ax.add_collection(LineCollection(flat, linewidths=np.maximum(seg_w - 0.6, 0.4),
                                         colors=c["road_fill"], capstyle="round", zorder=3.1))
    if len(drawn.paths):
        flat = [p for s in _segments(drawn.paths.geometry) for p in s]
        ax.add_collection(LineCollection(flat, linewidths=0.9, colors=c["path"],
                                         linestyles=(0, (3.0, 1.6)), zorder=3.2))
    _draw_route(ax, line, route, min_pt)
    _draw_points(ax, drawn, route, to_map, min_pt)
    ax.set_xlim(view[0], view[2])
    ax.set_ylim(view[1], view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_linewidth(1.2)
    _scale_bar(ax, view, max(print_style.SMALL_PT, min_pt))
    _north_arrow(ax, view, crs, max(13.0, min_pt))
    _text(ax, 0.995, 0.005, routes_cfg.ATTRIBUTION, transform=ax.transAxes, ha="right", va="bottom",
          fontsize=max(print_style.SMALL_PT, min_pt), zorder=20,
          bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})


def _segments(geoms: gpd.GeoSeries) -> list[list[np.ndarray]]:
    """Coordinate arrays of each (Multi)LineString, one list per row."""
    out = []
    for g in geoms:
        parts = getattr(g, "geoms", [g])
        out.append([np.asarray(p.coords)[:, :2] for p in parts
                    if p.geom_type == "LineString" and len(p.coords) > 1])
    return out


def _draw_route(ax, line: LineString, route: Route, min_pt: float = 0.0) -> None:
    c = print_style.COLOURS
    xy = np.asarray(line.coords)[:, :2]
    ax.plot(xy[:, 0], xy[:, 1], color=c["route_casing"], linewidth=print_style.ROUTE_WIDTH_PT + 2.5,
            solid_capstyle="round", solid_joinstyle="round", zorder=10)
    ax.plot(xy[:, 0], xy[:, 1], color=c["route"], linewidth=print_style.ROUTE_WIDTH_PT, alpha=0.9,
            solid_capstyle="round", solid_joinstyle="round", zorder=11)
    proj_len = line.length
    if proj_len <= 0:
        return
    # Distances along the route are true (geodesic) metres; the map line is scaled to match.
    true_len = geodesic_length_m(route.geometry) or proj_len
    scale = proj_len / true_len
    # Direction arrows, evenly spaced, skipping the ends where the start marker sits.
    n = print_style.ARROW_COUNT
    for i in range(n):
        d = proj_len * (i + 0.5) / n
        a = line.interpolate(max(d - 0.004 * proj_len, 0))
        b = line.interpolate(min(d + 0.004 * proj_len, proj_len))
        if a.distance(b) == 0:
            continue
        ax.annotate("", xy=(b.x, b.y), xytext=(a.x, a.y), zorder=12,
                    arrowprops={"arrowstyle": "-|>,head_length=0.7,head_width=0.45",
                                "color": "#000000", "lw": 1.2, "shrinkA": 0, "shrinkB": 0})
    long_route = true_len > print_style.LONG_ROUTE_M
    step = print_style.MARKER_STEP_LONG_M if long_route else print_style.MARKER_STEP_M
    label_pt = max(7.5, min_pt)
    d = step
    while d < true_len - step * 0.25:
        p = line.interpolate(d * scale)
        label = f"{d / 1000:g}"
        ax.plot(p.x, p.y, marker="o", markersize=15 * label_pt / 7.5, markerfacecolor="white",
                markeredgecolor="#000000", markeredgewidth=1.0, zorder=13)
        _text(ax, p.x, p.y, label, ha="center", va="center", fontsize=label_pt, weight="bold",
              zorder=14)
        d += step


def _draw_points(ax, drawn: _Drawn, route: Route, to_map: Transformer,
                 min_pt: float = 0.0) -> None:
    c = print_style.COLOURS
    style = {"toilets": ("s", c["toilets"], 9), "bench": ("D", c["bench"], 7),
             "entrance": ("^", c["entrance"], 9)}
    for gdf, kind in ((drawn.toilets, "toilets"), (drawn.benches, "bench")):
        if len(gdf):
            m, col, size = style[kind]
            ax.plot(gdf.geometry.x, gdf.geometry.y, linestyle="none", marker=m, markersize=size,
                    markerfacecolor=col, markeredgecolor="white", markeredgewidth=0.8, zorder=15)
    for wp in route.waypoints:
        if wp.kind in style:
            m, col, size = style[wp.kind]
            x, y = to_map.transform(wp.lon, wp.lat)
            ax.plot(x, y, marker=m, markersize=size + 2, markerfacecolor=col,
                    markeredgecolor="black", markeredgewidth=0.9, zorder=16)
    sx, sy = to_map.transform(route.start.x, route.start.y)
    start_pt = max(9.0, min_pt)
    ax.plot(sx, sy, marker="o", markersize=17 * start_pt / 9.0, markerfacecolor=c["start"],
            markeredgecolor="black", markeredgewidth=1.4, zorder=17)
    _text(ax, sx, sy, "S", ha="center", va="center", fontsize=start_pt, weight="bold",
          color="white", zorder=18)
    if not route.is_loop:  # an A-to-B walk: its finish, on top of any symbol there (#4)
        fx, fy = to_map.transform(*finish_lonlat(route))
        ax.plot(fx, fy, marker="o", markersize=17 * start_pt / 9.0,
                markerfacecolor=c["finish"], markeredgecolor="black", markeredgewidth=1.4,
                zorder=17)
        _text(ax, fx, fy, "F", ha="center", va="center", fontsize=start_pt, weight="bold",
              color="white", zorder=18)


def _nice_length(max_m: float) -> float:
    """Largest 1/2/2.5/5 × 10^k metres not above ``max_m``."""
    k = 10 ** math.floor(math.log10(max_m))
    for f in (5, 2.5, 2, 1):
        if f * k <= max_m:
            return f * k
    return k


def _scale_bar(ax, view: tuple[float, float, float, float], size_pt: float = print_style.SMALL_PT
               ) -> None:
    """A 4-part black/white bar in true metres (grid scale ≈ 1 within a few 1/10 000)."""
    minx, miny, maxx, maxy = view
    w, h = maxx - minx, maxy - miny
    length = _nice_length(w * 0.28)
    x0, y0 = minx + 0.03 * w, miny + 0.045 * h
    bar_h = 0.012 * h
    ax.add_patch(Rectangle((x0 - 0.015 * w, y0 - 0.035 * h), length + 0.06 * w, 0.085 * h,
                           facecolor="white", edgecolor="#444444", linewidth=0.6, alpha=0.9,
                           zorder=19))
    for i in range(4):
        ax.add_patch(Rectangle((x0 + i * length / 4, y0), length / 4, bar_h,
                               facecolor="black" if i % 2 == 0 else "white",
                               edgecolor="black", linewidth=0.8, zorder=20))
    unit = "km" if length >= 1000 else "m"
    div = 1000 if unit == "km" else 1
    # Large labels label the ends only, so the numbers never run into each other.
    for frac in ((0, 0.5, 1) if size_pt <= print_style.SMALL_PT else (0, 1)):
        val = length * frac / div
        _text(ax, x0 + frac * length, y0 + bar_h * 1.6, f"{val:g}", ha="center", va="bottom",
              fontsize=size_pt, zorder=21)
    _text(ax, x0 + length + 0.008 * w, y0 + bar_h / 2, unit, ha="left", va="center",
          fontsize=size_pt, zorder=21)


def _north_arrow(ax, view: tuple[float, float, float, float], crs: CRS,
                 size_pt: float = 13.0) -> None:
    """Arrow to true north, turned by the grid's convergence at the map centre."""
    minx, miny, maxx, maxy = view
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    to_ll = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    to_map = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lon, lat = to_ll.transform(cx, cy)
    nx, ny = to_map.transform(lon, lat + 0.01)
    ang = math.atan2(nx - cx, ny - cy)  # clockwise from grid up
    size = 0.07 * h
    x, y = maxx - 0.06 * w, maxy - 0.05 * h - size
    ax.add_patch(Rectangle((x - 0.035 * w, y - 0.02 * h), 0.07 * w, size + 0.065 * h,
                           facecolor="white", edgecolor="#444444", linewidth=0.6, alpha=0.9,
                           zorder=19))
    dx, dy = size * math.sin(ang), size * math.cos(ang)
    ax.add_patch(FancyArrow(x, y, dx, dy, width=0.012 * w, head_width=0.035 * w,
                            head_length=0.35 * size, length_includes_head=True,
                            color="black", zorder=20))
    _text(ax, x + dx * 1.12, y + dy * 1.12, "N", ha="center", va="bottom", fontsize=size_pt,
          weight="bold", zorder=21)


def legend_handles(route: Route) -> list:
    """The map key's entries (what :func:`draw_route_map` draws), for any page's legend."""
    c = {**STYLE.colours, **print_style.COLOURS}
    handles = [
        Line2D([], [], color=c["route"], linewidth=print_style.ROUTE_WIDTH_PT, label="Route"),
        Line2D([], [], linestyle="none", marker=r"$\rightarrow$", color="black",
               markersize=10, label="Direction"),
        Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor="white",
               markeredgecolor="black", label="Distance (km)"),
        Line2D([], [], linestyle="none", marker="o", markersize=11, markerfacecolor=c["start"],
               markeredgecolor="black", label="Start (S)"),
        *([] if route.is_loop else [
            Line2D([], [], linestyle="none", marker="o", markersize=11,
                   markerfacecolor=c["finish"], markeredgecolor="black", label="Finish (F)")]),
        Patch(facecolor=c["green"], edgecolor=c["green_edge"], label="Park, wood, grass"),
        Patch(facecolor=c["blue"], edgecolor=c["blue_edge"], label="Water, beach, wetland"),
        Line2D([], [], color=c["road"], linewidth=3, label="Road"),
        Line2D([], [], color=c["path"], linewidth=1, linestyle=(0, (3.0, 1.6)),
               label="Footpath, track"),
        Patch(facecolor=c["building"], edgecolor=c["building_edge"], label="Building"),
        Line2D([], [], linestyle="none", marker="s", markersize=8, markerfacecolor=c["toilets"],
               markeredgecolor="white", label="Toilets"),
        Line2D([], [], linestyle="none", marker="D", markersize=7, markerfacecolor=c["bench"],
               markeredgecolor="white", label="Bench"),
    ]
    if any(w.kind == "entrance" for w in route.waypoints):
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=8,
                              markerfacecolor=c["entrance"], markeredgecolor="black",
                              label="Entrance"))
    return handles


def _legend(fig: Figure, layout: _Layout, route: Route) -> None:
    """The key, outside the map so it never hides the route."""
    fig.legend(handles=legend_handles(route), loc="upper left",
               bbox_to_anchor=layout.legend_anchor, bbox_transform=fig.transFigure,
               ncols=layout.legend_cols, fontsize=print_style.BODY_PT, frameon=False,
               borderaxespad=0.0, borderpad=0.2, labelspacing=0.45, handlelength=2.2,
               columnspacing=1.4)


# --- text blocks --------------------------------------------------------------------------------

def _draw_header(fig: Figure, layout: _Layout, route: Route, title: str) -> None:
    top = 0.985 if not layout.landscape else 0.98
    width_pt = layout.map_rect[2] * fig.get_size_inches()[0] * PT_PER_IN
    text, size = fit_title(_clean(title) or "Walking route", width_pt)
    _text(fig, 0.5, top, text, ha="center", va="top", fontsize=size, weight="bold",
          linespacing=1.0)
    km = route.length_m / 1000
    miles = route.length_m / 1609.344
    kind = walk_kind(route)
    step = "step-free" if route.step_free else "NOT step-free"
    _text(fig, 0.5, top - (0.035 if not layout.landscape else 0.05),
          f"{kind} · {km:.1f} km ({miles:.1f} miles) · about {route.minutes:.0f} min at "
          f"{route.speed_kmh:g} km/h · {step}",
          ha="center", va="top", fontsize=print_style.SUBTITLE_PT)


def _title_width_pt(text: str, size_pt: float) -> float:
    """Printed width of one bold title line, from the font's own metrics (no renderer)."""
    prop = FontProperties(family=_MPL_RC["font.family"], weight="bold", size=size_pt)
    return text_to_path.get_text_width_height_descent(text, prop, ismath=False)[0]


def fit_title(title: str, width_pt: float) -> tuple[str, float]:
    """(text, size) of a title that fits ``width_pt``: one line shrunk from TITLE_PT down to
    TITLE_MIN_PT; else at most two lines at TITLE_TWO_LINE_PT (shrinking down to
    TITLE_MIN_TWO_LINE_PT); else two lines, the second cut short by an ellipsis. The full title
    stays in the PDF metadata.
    """
    width = _title_width_pt(title, print_style.TITLE_PT)
    if width <= width_pt:
        return title, print_style.TITLE_PT
    one_line = print_style.TITLE_PT * width_pt / width
    if one_line >= print_style.TITLE_MIN_PT:
        return title, math.floor(one_line * 10) / 10
    size = print_style.TITLE_TWO_LINE_PT
    while True:
        lines = _two_lines(title, size, width_pt)
        if lines is not None or size <= print_style.TITLE_MIN_TWO_LINE_PT:
            break
        size = max(size - 0.5, print_style.TITLE_MIN_TWO_LINE_PT)
    if lines is None:
        lines = _two_lines(title, size, width_pt, cut=True)
    assert lines is not None
    return "\n".join(lines), size


def _two_lines(title: str, size: float, width_pt: float, *,
               cut: bool = False) -> list[str] | None:
    """The title in two lines that fit, breaking at spaces (or anywhere in a long word); None
    if it needs more, unless ``cut``, which ends the second line with an ellipsis."""
    fits = lambda s: _title_width_pt(s, size) <= width_pt  # noqa: E731
    words = title.split(" ")
    first = ""
    while words and fits((first + " " + words[0]).strip()):
        first = (first + " " + words.pop(0)).strip()
    rest = " ".join(words)
    if not first:  # one very long word: break it where the line is full
        n = max(i for i in range(1, len(rest) + 1) if fits(rest[:i]) or i == 1)
        first, rest = rest[:n], rest[n:]
    if not rest:
        return [first]
    if fits(rest):
        return [first, rest]
    if not cut:
        return None
    while rest and not fits(rest + "…"):
        rest = rest[:-1]
    return [first, rest.rstrip() + "…"]


class _Column:
    """A text column filled top-down; keeps the page to one sheet by knowing what is left."""

    def __init__(self, fig: Figure, rect: tuple[float, float, float, float]) -> None:
        self.fig = fig
        self.left, self.y, self.width, self.bottom = rect
        self.fw, self.fh = fig.get_size_inches()

    def _h(self, size_pt: float, spacing: float = 1.35) -> float:
        return size_pt * spacing / (self.fh * PT_PER_IN)

    def chars(self, size_pt: float) -> int:
        return _wrap_chars(self.width * self.fw * PT_PER_IN, size_pt)

    def lines_left(self, size_pt: float = print_style.BODY_PT) -> int:
        return max(int((self.y - self.bottom) / self._h(size_pt)), 0)

    def heading(self, text: str) -> None:
        _text(self.fig, self.left, self.y, text, fontsize=print_style.SUBTITLE_PT, weight="bold",
              va="top")
        self.y -= self._h(print_style.SUBTITLE_PT, 1.6)

    def line(self, text: str, size_pt: float = print_style.BODY_PT, **kw) -> None:
        _text(self.fig, self.left, self.y, text, fontsize=size_pt, va="top", **kw)
        self.y -= self._h(size_pt)

    def para(self, text: str, size_pt: float = print_style.BODY_PT, **kw) -> None:
        for part in textwrap.wrap(text, self.chars(size_pt), subsequent_indent="   ") or [""]:
            self.line(part, size_pt, **kw)

    def gap(self, lines: float = 0.5) -> None:
        self.y -= self._h(print_style.BODY_PT) * lines

    def phone_box(self) -> None:
        box_h = self._h(print_style.SUBTITLE_PT, 2.6)
        self.fig.add_artist(Rectangle((self.left, self.y - box_h), self.width, box_h,
                                      transform=self.fig.transFigure, facecolor="white",
                                      edgecolor="black", linewidth=1.2))
        _text(self.fig, self.left + 0.1 / self.fw, self.y - box_h / 2, "Leader's phone:",
              fontsize=print_style.SUBTITLE_PT, va="center", weight="bold")
        self.y -= box_h + self._h(print_style.BODY_PT, 0.8)


def _info_lines(route: Route, date: Date | datetime | str | None,
                layers: OsmLayers) -> list[tuple[str, str]]:
    if isinstance(date, datetime | Date):
        when = f"{date:%a %-d %b %Y}"
    else:
        when = _clean(date) if date else "__________________"
    km = route.length_m / 1000
    g6 = grid_reference(route.start.x, route.start.y, 6)
    lines = [
        ("Date", when),
        ("Distance", f"{km:.1f} km, about {route.minutes:.0f} min at {route.speed_kmh:g} km/h "
                     "(no stops)"),
        ("Step-free", "yes: no steps, stiles or kissing gates" if route.step_free
         else "NO: steps, stiles or kissing gates on the way"),
        ("Start", f"OS grid ref {g6.ref}" if g6.ref
         else f"no OS grid reference ({g6.reason})"),
        ("", f"lat {route.start.y:.5f}, lon {route.start.x:.5f}"),
        *([] if route.is_loop else _finish_lines(route)),
    ]
    s = route.scores
    parts = []
    if "share_green_blue" in s:
        parts.append(f"{100 * s['share_green_blue']:.0f} % green/blue space")
    if "share_any_road" in s:
        busy = (f" ({100 * s['share_on_roads']:.0f} % on busy roads)"
                if "share_on_roads" in s else "")
        parts.append(f"{100 * s['share_any_road']:.0f} % on roads{busy}")
    elif "share_on_roads" in s:  # a route stored before any-road shares were measured
        parts.append(f"{100 * s['share_on_roads']:.0f} % on busy roads")
    if route.is_loop and "share_retraced" in s:
        parts.append(f"{100 * s['share_retraced']:.0f} % retraced (walked both ways)")
    toilets = s.get("toilets", s.get("toilets_passed"))  # the old key, in stored routes
    if toilets is not None:
        n = int(toilets)
        parts.append(f"{n} toilet{'s' if n != 1 else ''} on the way")
    if parts:
        lines.append(("Route", ", ".join(parts)))
    return lines


def _finish_lines(route: Route) -> list[tuple[str, str]]:
    """The finish of an A-to-B walk, as the start is given: grid reference and lat/lon."""
    lon, lat = finish_lonlat(route)
    g6 = grid_reference(lon, lat, 6)
    return [("Finish", f"OS grid ref {g6.ref}" if g6.ref
             else f"no OS grid reference ({g6.reason})"),
            ("", f"lat {lat:.5f}, lon {lon:.5f}")]


def _attribution(layers: OsmLayers) -> str:
    data_date = layers.source.data_date
    when = f", data of {data_date:%b %Y}" if data_date is not None else ""
    return f"Map data {routes_cfg.ATTRIBUTION} (ODbL){when}. Check paths before the walk."


def _draw_text_blocks(fig: Figure, layout: _Layout, route: Route, leader_phone_blank: bool,
                      date: Date | datetime | str | None, layers: OsmLayers) -> None:
    """Info, phone box, directions, attribution — in the layout's columns, never overflowing."""
    cols = [_Column(fig, rect) for rect in layout.columns]
    info = cols[-1]
    info.heading("About this walk")
    for key, value in _info_lines(route, date, layers):
        info.para(f"{key}: {value}" if key else value,
                  weight="bold" if key in ("Step-free", "Start", "Finish") else "normal")
    info.gap()
    if leader_phone_blank:
        info.phone_box()
    directions = cols[0]
    if directions is info:
        directions.gap()
    directions.heading("Directions")
    lines, shown = directions_on_page(route, directions.chars(print_style.BODY_PT),
                                      directions.lines_left())
    for text in lines:
        directions.line(text)
    fig._ecoplan_steps_shown = shown  # type: ignore[attr-defined]  # read by build_route_pages
    # Attribution across the foot of the page, where it cannot be pushed off.
    _text(fig, layout.map_rect[0], 0.012, _attribution(layers), fontsize=print_style.SMALL_PT,
          va="bottom", color="#333333")


def _wrap_chars(width_pt: float, size_pt: float) -> int:
    """Characters per line for DejaVu Sans (mean advance ≈ 0.55 em on English text)."""
    return max(int(width_pt / (0.55 * size_pt)), 10)


def _step_lines(route: Route, i: int, width_chars: int) -> list[str]:
    """Wrapped lines of direction step ``i`` (0-based), numbered from 1."""
    step = route.directions[i]
    dist = _fmt_dist(step.distance_m)
    text = f"{i + 1}. {_clean(step.text)}" + (f" ({dist})" if dist else "")
    return textwrap.wrap(text, width_chars, subsequent_indent="    ") or [f"{i + 1}."]


def directions_on_page(route: Route, width_chars: int, max_lines: int, first: int = 0
                       ) -> tuple[list[str], int]:
    """(lines, next step): the numbered, wrapped steps from ``first`` that fit in
    ``max_lines``; when some are left, the last line says where they continue."""
    if not route.directions:
        return ["Follow the orange line on the map from the start (S)."], 0
    out: list[str] = []
    n = len(route.directions)
    for i in range(first, n):
        wrapped = _step_lines(route, i, width_chars)
        room = max_lines - (0 if i == n - 1 else 1)  # keep a line for the "continues" note
        if len(out) + len(wrapped) > room:
            out.append(f"Steps {i + 1}–{n} continue overleaf.")
            return out, i
        out.extend(wrapped)
    return out, n


def direction_lines(route: Route, width_chars: int, max_lines: int) -> list[str]:
    """Numbered, wrapped direction lines that fit ``max_lines`` (the map page's column); the
    steps left over are printed on the next page (:func:`build_route_pages`)."""
    return directions_on_page(route, width_chars, max_lines)[0]


def _direction_pages(route: Route, first: int, title: str) -> list[Figure]:
    """Portrait A4 pages with the steps from ``first`` on, in two columns."""
    pages: list[Figure] = []
    n = len(route.directions)
    while first < n:
        fig = Figure(figsize=print_style.A4_IN)
        fig.patch.set_facecolor(STYLE.colours["background"])
        head = _Column(fig, (0.07, 0.965, 0.86, 0.05))
        head.line(f"{_clean(title) or 'Walking route'}: directions, steps {first + 1}–{n}"
                  if len(_clean(title)) <= 60 else f"Directions, steps {first + 1}–{n}",
                  print_style.SUBTITLE_PT, weight="bold")
        for rect in ((0.07, 0.925, 0.41, 0.05), (0.52, 0.925, 0.41, 0.05)):
            col = _Column(fig, rect)
            lines, first = directions_on_page(route, col.chars(print_style.BODY_PT),
                                              col.lines_left(),
                                              first)
            if first < n and lines and lines[-1].startswith("Steps "):
                lines = lines[:-1]  # the next column (or page) simply carries on
            for text in lines:
                col.line(text)
            if first >= n:
                break
        _text(fig, 0.07, 0.012, f"Map data {routes_cfg.ATTRIBUTION} (ODbL).",
              fontsize=print_style.SMALL_PT,
              va="bottom", color="#333333")
        pages.append(fig)
    return pages


def _fmt_dist(m: float) -> str:
    """As the terminal prints it (:func:`step_distance`), with a no-break space, so a wrapped
    line never starts with 'm)'."""
    return step_distance(m, "\u00a0")


def _clean(text: object) -> str:
    """Untrusted text for one line on the page: no control characters, no newlines."""
    s = "" if text is None else str(text)
    return " ".join("".join(ch if ch.isprintable() else " " for ch in s).split())


def _text(target, x: float, y: float, s: str, **kw):
    """``target.text`` with mathtext off — names such as ``$\\frac{1}{2}$`` print literally."""
    kw.setdefault("parse_math", False)
    if hasattr(target, "transFigure") and "transform" not in kw:
        kw["transform"] = target.transFigure
    return target.text(x, y, s, **kw)


#: Public names for other printed outputs (the programme leaflet) that write on the same pages.
MPL_RC = _MPL_RC
page_text = _text
one_line = _clean
wrap_chars = _wrap_chars
