"""How the app looks: palettes, colours, line weights, map sizes and views, map classes.

UI styling lives next to the app, not among the sourced domain thresholds in
``ecoplan/settings/``: changing a colour or a map height changes no number the app reports.
The basemap under every map (green, water, roads, labels) is the one style shared with the
printed map, :mod:`ecoplan.settings.map_style`.

Colours are colour-blind safe: categorical colours come from the Okabe–Ito palette
(Okabe & Ito 2008, "Color Universal Design", jfly.uni-koeln.de/color/), sequential ramps
from ColorBrewer (Brewer, colorbrewer2.org, schemes marked "colorblind safe"). Numbers that
are our own choice say why.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# --- Map look ---------------------------------------------------------------------------------

#: Plain light background used instead of web tiles (offline by default).
MAP_BACKGROUND: Final = "#f2efe9"  # our choice: the light land colour of the OSM Carto style
#: Optional online tiles, off by default; OSM tile usage policy requires the attribution.
ONLINE_TILES_URL: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ONLINE_TILES_NAME: Final = "OpenStreetMap tiles (online)"
ONLINE_TILES_ATTRIBUTION: Final = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
MAP_MAX_ZOOM: Final = 19  # OSM standard tile layer maximum zoom
#: Map iframe height in pixels (the map itself scales with the page; text is never fixed size).
MAP_HEIGHT_PX: Final = 520

# --- Okabe–Ito categorical palette ----------------------------------------------------------

OKABE_ITO: Final[Mapping[str, str]] = MappingProxyType({
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
})

#: Site colour by ``kind`` (green / blue / both) and by ``access``.
SITE_COLORS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType({
    "kind": MappingProxyType({
        "green": OKABE_ITO["bluish_green"],
        "blue": OKABE_ITO["blue"],
        "green+blue": OKABE_ITO["sky_blue"],
    }),
    "access": MappingProxyType({
        "public": OKABE_ITO["bluish_green"],
        "permissive": OKABE_ITO["sky_blue"],
        "unknown": OKABE_ITO["orange"],
        "restricted": OKABE_ITO["vermillion"],
    }),
})
#: Colour for a value missing from the mapping above, and for a categorical column we have
#: no mapping for (cycled through in order).
FALLBACK_COLOR: Final = "#999999"
CATEGORY_CYCLE: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"], OKABE_ITO["black"],
)
SITE_FILL_OPACITY: Final = 0.45
SITE_LINE_WEIGHT: Final = 2
SELECTED_COLOR: Final = OKABE_ITO["black"]  # outline of the selected site

#: Point layers (entrances, amenities): colour by value of the ``color_by`` column.
POINT_COLORS: Final[Mapping[str, str]] = MappingProxyType({
    "tagged": OKABE_ITO["black"],
    "crossing": OKABE_ITO["reddish_purple"],
    "near_network": OKABE_ITO["orange"],
})
POINT_RADIUS_PX: Final = 5

# --- Sequential palette for choropleths ---------------------------------------------------------

#: ColorBrewer YlGnBu, 7 classes (colorblind safe, print friendly).
SEQUENTIAL_YLGNBU: Final[tuple[str, ...]] = (
    "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
)
#: ColorBrewer YlOrRd, 7 classes (colorblind safe) — for "more is worse" values (minutes).
SEQUENTIAL_YLORRD: Final[tuple[str, ...]] = (
    "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
)
NO_DATA_COLOR: Final = "#bdbdbd"  # ColorBrewer greys, mid tone
NO_DATA_LABEL: Final = "no data"
CHOROPLETH_FILL_OPACITY: Final = 0.7

# --- Offline basemap drawn from OSM layers --------------------------------------------------

#: Tolerance for simplifying basemap and site geometries, metres. Our choice: 5 m is below a
#: pixel at zoom 14 (≈ 9.5 m/px at 50° N) so shapes look the same at neighbourhood scale.
SIMPLIFY_M: Final = 5.0
#: Coordinate precision, decimal places of degrees (5 ≈ 1.1 m), keeps the HTML small.
COORD_DECIMALS: Final = 5
#: Drop basemap polygons smaller than this (m²); our choice: ~ a 10 m × 10 m square.
MIN_BASEMAP_AREA_M2: Final = 100.0
#: At most this many buildings are drawn (largest first); buildings are context only. Our
#: choice: on the Isle of Wight 20,000 buildings were 1.16 MB of a 3.5 MB Sites map (sent to
#: the browser with every change of selection) and at island zoom (10–12, 20–80 m a pixel) a
#: house is one pixel; the 5,000 largest still outline the towns (benchmarks/bench_maps.py).
MAX_BUILDINGS: Final = 5_000

# --- Sites map --------------------------------------------------------------------------------

#: The Sites map draws every entrance only when there are at most this many; above it (a whole
#: county: the Isle of Wight has ≈ 3,600) the markers hide the sites, so only the chosen site's
#: entrances are drawn. Our choice, from the IoW screenshots: ≈ 500 markers still leave the
#: site shapes visible at area-wide zoom.
MAX_OVERVIEW_ENTRANCES: Final = 500
#: Margin around a chosen site when the Sites map zooms to it, as a share of the site's
#: width/height, and the smallest half-size of the view in degrees (≈ 0.004° ≈ 450 m N–S).
#: Our choice: the site and the streets to its entrances stay in view.
SELECTED_VIEW_MARGIN: Final = 0.5
SELECTED_VIEW_MIN_HALF_DEG: Final = 0.004

# --- Access gaps map ----------------------------------------------------------------------------

#: Class edges (per cent) for "share of people meeting a standard" maps. Our choice: fixed
#: fifths, so maps at different speeds, cut-offs or after a what-if are comparable (quantile
#: classes would move with the data).
SHARE_BREAKS_PCT: Final[tuple[float, ...]] = (0.0, 20.0, 40.0, 60.0, 80.0, 100.0)
#: Number of quantile classes for walking-minute maps (≤ 7, the palette's length).
MINUTE_CLASSES: Final = 6
#: Basemap classes drawn under the choropleth. Our choice: water, green, waterways and roads
#: only; buildings and footpaths are dropped, they are hidden under the area fill anyway and
#: would triple the page size for a county (Isle of Wight: 2.5 MB → well under 1 MB).
GAPS_BASEMAP_DROP_BUILDINGS: Final = True
GAPS_BASEMAP_KEEP_HIGHWAYS: Final[tuple[str, ...]] = (
    "motorway", "trunk", "primary", "secondary", "tertiary", "motorway_link", "trunk_link",
    "primary_link", "secondary_link", "tertiary_link",
)
#: Fill of areas in no priority tier on the tiers map (our choice: a pale neutral, so the three
#: tiers stand out and "no tier" is never read as "no data", which is hatched).
NO_TIER_COLOR: Final = "#f0f0f0"

# --- Route map --------------------------------------------------------------------------------

#: One colour per alternative, in order (Okabe–Ito, skipping yellow which is hard to see on the
#: light basemap, and black which marks the start).
ROUTE_COLORS: Final[tuple[str, ...]] = (
    OKABE_ITO["blue"], OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
)
#: Colour names said in the table next to each route (so the table is usable without colour
#: vision too: the names match ROUTE_COLORS).
ROUTE_COLOR_NAMES: Final[tuple[str, ...]] = ("blue", "vermillion", "purple", "orange", "green")
ROUTE_WEIGHT_PX: Final = 5
ROUTE_SELECTED_WEIGHT_PX: Final = 7  # the route picked in the table is drawn thicker
#: Routes not picked stay nearly opaque (at 0.55 routes 2 and 3 were barely visible on the
#: basemap, issue 14), each over a white casing this many px wider (our choice).
ROUTE_OTHER_OPACITY: Final = 0.9
ROUTE_CASING_PX: Final = 3
#: Half-height of the map view around a start before a route is planned, degrees of latitude
#: (the width is 1.5× for mid-latitudes). Our choice: 0.01° ≈ 1.1 km, the reach of a 45-minute
#: loop at 3 km/h (2.25 km round trip), so the streets of the walk are readable.
START_VIEW_HALF_DEG: Final = 0.01
START_COLOR: Final = OKABE_ITO["black"]
END_COLOR: Final = OKABE_ITO["black"]
#: Waypoint markers on the selected route.
WAYPOINT_COLORS: Final[Mapping[str, str]] = MappingProxyType({
    "toilets": OKABE_ITO["sky_blue"],
    "bench": OKABE_ITO["yellow"],
})
#: At most this many street names of the picked route, longest stretches first, none for a
#: stretch shorter than ROUTE_STREET_MIN_M (our choices, from the demo screenshot: more names,
#: or names of 20 m links, overlap at the route's zoom; the directions table names every
#: street).
ROUTE_STREET_LABELS: Final = 12
ROUTE_STREET_MIN_M: Final = 60.0
