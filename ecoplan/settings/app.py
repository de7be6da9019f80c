"""Settings for the Streamlit app's maps: offline assets, palettes, basemap limits.

Colours are colour-blind safe: categorical colours come from the Okabe–Ito palette
(Okabe & Ito 2008, "Color Universal Design", jfly.uni-koeln.de/color/), sequential ramps
from ColorBrewer (Brewer, colorbrewer2.org, schemes marked "colorblind safe").
"""

from __future__ import annotations

# --- Offline assets (served by Streamlit static serving, see ecoplan.app.assets) -------------

#: Sub-folder of the app's ``static/`` folder that holds the copied third-party files; one
#: folder so that a single ``static/`` line in .gitignore keeps them out of git.
VENDOR_SUBDIR = "vendor"

#: URL under which Streamlit serves ``<folder of main script>/static/`` when
#: ``server.enableStaticServing = true`` (Streamlit docs, "Static file serving"). Root-relative
#: so it resolves against the Streamlit server from the page *and* from the streamlit-folium
#: component iframe (served from the same origin at /component/...). If the app runs under a
#: ``server.baseUrlPath``, pass ``f"/{base}/app/static"`` instead.
STATIC_URL_PREFIX = "/app/static"

# --- Map look ---------------------------------------------------------------------------------

#: Plain light background used instead of web tiles (offline by default).
MAP_BACKGROUND = "#f2efe9"  # our choice: the light land colour of the OSM Carto style
ATTRIBUTION_OSM = "© OpenStreetMap contributors"  # ODbL attribution, required on OSM maps
#: Optional online tiles, off by default; OSM tile usage policy requires the attribution.
ONLINE_TILES_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
ONLINE_TILES_NAME = "OpenStreetMap tiles (online)"
ONLINE_TILES_ATTRIBUTION = (
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
MAP_MAX_ZOOM = 19  # OSM standard tile layer maximum zoom

# --- Okabe–Ito categorical palette ----------------------------------------------------------

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

#: Site colour by ``kind`` (green / blue / both) and by ``access``.
SITE_COLORS: dict[str, dict[str, str]] = {
    "kind": {
        "green": OKABE_ITO["bluish_green"],
        "blue": OKABE_ITO["blue"],
        "green+blue": OKABE_ITO["sky_blue"],
    },
    "access": {
        "public": OKABE_ITO["bluish_green"],
        "permissive": OKABE_ITO["sky_blue"],
        "unknown": OKABE_ITO["orange"],
        "restricted": OKABE_ITO["vermillion"],
    },
}
#: Colour for a value missing from the mapping above, and for a categorical column we have
#: no mapping for (cycled through in order).
FALLBACK_COLOR = "#999999"
CATEGORY_CYCLE: tuple[str, ...] = (
    OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
    OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"],
    OKABE_ITO["yellow"], OKABE_ITO["black"],
)
SITE_FILL_OPACITY = 0.45
SITE_LINE_WEIGHT = 2
SELECTED_COLOR = OKABE_ITO["black"]  # outline of the selected site

#: Point layers (entrances, amenities): colour by value of the ``color_by`` column.
POINT_COLORS: dict[str, str] = {
    "tagged": OKABE_ITO["black"],
    "crossing": OKABE_ITO["reddish_purple"],
    "near_network": OKABE_ITO["orange"],
}
POINT_RADIUS_PX = 5

# --- Sequential palette for choropleths ---------------------------------------------------------

#: ColorBrewer YlGnBu, 7 classes (colorblind safe, print friendly).
SEQUENTIAL_YLGNBU: tuple[str, ...] = (
    "#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84",
)
#: ColorBrewer YlOrRd, 7 classes (colorblind safe) — for "more is worse" values (minutes).
SEQUENTIAL_YLORRD: tuple[str, ...] = (
    "#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026",
)
NO_DATA_COLOR = "#bdbdbd"  # ColorBrewer greys, mid tone
NO_DATA_LABEL = "no data"
CHOROPLETH_FILL_OPACITY = 0.7

# --- Offline basemap from OSM layers ---------------------------------------------------------

#: Tolerance for simplifying basemap and site geometries, metres. Our choice: 5 m is below a
#: pixel at zoom 14 (≈ 9.5 m/px at 50° N) so shapes look the same at neighbourhood scale.
SIMPLIFY_M = 5.0
#: Coordinate precision, decimal places of degrees (5 ≈ 1.1 m), keeps the HTML small.
COORD_DECIMALS = 5
#: Drop basemap polygons smaller than this (m²); our choice: ~ a 10 m × 10 m square.
MIN_BASEMAP_AREA_M2 = 100.0
#: At most this many buildings are drawn (largest first); buildings are context only. Our
#: choice: on the Isle of Wight 20,000 buildings were 1.16 MB of a 3.5 MB Sites map (sent to
#: the browser with every change of selection) and at island zoom (10–12, 20–80 m a pixel) a
#: house is one pixel; the 5,000 largest still outline the towns (benchmarks/bench_maps.py).
MAX_BUILDINGS = 5_000
# Which OSM tags are drawn as green, water, roads and paths, and in which colours, is the one
# basemap style shared with the printed map: ecoplan.settings.map_style (matched by
# ecoplan.mapstyle).

# --- App pages: uploads, defaults, downloads ----------------------------------------------------

#: Largest upload accepted per kind of file, in megabytes. ``server.maxUploadSize`` in
#: .streamlit/config.toml is the hard cap Streamlit enforces in the browser (must be ≥ the
#: largest value here); these per-kind limits are checked again in code so a too-big file gets
#: a clear message. Our choices: a county .osm.pbf from Geofabrik is 10–60 MB (Isle of Wight
#: 2015: 7 MB; Greater London 2024 ≈ 110 MB), so 200 MB covers a county or a city region while
#: keeping reading time reasonable; IoD/boundary tables for all of England are ≈ 10–90 MB;
#: a recorded Open-Meteo forecast is ≈ 15–50 KB, so 5 MB is generous.
MAX_UPLOAD_MB: dict[str, int] = {"osm": 200, "table": 100, "boundaries": 100, "forecast": 5}
#: File name endings accepted per kind (lower case, checked on the full name).
UPLOAD_SUFFIXES: dict[str, tuple[str, ...]] = {
    "osm": (".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz", ".xml"),
    "table": (".csv", ".csv.gz", ".gz", ".zip"),
    "boundaries": (".geojson", ".json", ".gpkg", ".zip"),
    "forecast": (".json",),
}
#: Sub-folder of ecoplan.settings.paths.cache_dir() where uploads are written (content-hashed
#: names, so the same file uploaded twice is read from the cache).
UPLOAD_SUBDIR = "uploads"
#: Uploaded file names are cut to this many characters, keeping their type suffix (our
#: choice: with the 17-character content-hash prefix, well under the 255-byte name limit of
#: ext4, APFS and NTFS).
UPLOAD_NAME_MAX_CHARS = 120

# Session times are in the site's own time zone, looked up offline from its position
# (ecoplan.support.country.timezone_at): Europe/Helsinki for the demo area.
#: Session defaults (our choice: a typical health-walk length and group, Walking for Health
#: walks are 30–90 min; the planner's Group() default is 10 people with one leader).
DEFAULT_SESSION_MINUTES = 60
DEFAULT_START = "10:00"
# A forecast for another place is refused, not warned about: see
# ecoplan.settings.weather.FORECAST_FAR_KM (one rules table).

#: Map iframe height in pixels (the map itself scales with the page; text is never fixed size).
MAP_HEIGHT_PX = 520

#: The Sites map draws every entrance only when there are at most this many; above it (a whole
#: county: the Isle of Wight has ≈ 3,600) the markers hide the sites, so only the chosen site's
#: entrances are drawn. Our choice, from the IoW screenshots: ≈ 500 markers still leave the
#: site shapes visible at area-wide zoom.
MAX_OVERVIEW_ENTRANCES = 500
#: Margin around a chosen site when the Sites map zooms to it, as a share of the site's
#: width/height, and the smallest half-size of the view in degrees (≈ 0.004° ≈ 450 m N–S).
#: Our choice: the site and the streets to its entrances stay in view.
SELECTED_VIEW_MARGIN = 0.5
SELECTED_VIEW_MIN_HALF_DEG = 0.004

#: Official English Indices of Deprivation 2025, File 7 (all ranks, scores, deciles and
#: population denominators, LSOA 2021) as CSV, from the MHCLG release page
#: https://www.gov.uk/government/statistics/english-indices-of-deprivation-2025 (OGL v3).
IOD2025_FILE7_URL = (
    "https://assets.publishing.service.gov.uk/media/691ded56d140bbbaa59a2a7d/"
    "File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv"
)
#: Connect / read timeouts for that download, seconds (our choice: fail fast when offline,
#: allow a slow link for the ≈ 20 MB file).
DOWNLOAD_TIMEOUT_S: tuple[float, float] = (10.0, 120.0)
