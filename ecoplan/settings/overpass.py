"""Online OSM sources: Overpass API and Nominatim endpoints, politeness and size limits.

Endpoints can be overridden with environment variables (tests point them at a loopback
server; users can point them at a private Overpass/Nominatim instance).
"""

from __future__ import annotations

import os
from typing import Final

from ecoplan.settings import net

# --- Endpoints ------------------------------------------------------------------------------

#: Main public Overpass instance
#: (wiki.openstreetmap.org/wiki/Overpass_API#Public_Overpass_API_instances).
DEFAULT_OVERPASS_URL: Final = "https://overpass-api.de/api/interpreter"
#: Public Nominatim search endpoint (nominatim.org/release-docs/latest/api/Search/).
DEFAULT_NOMINATIM_URL: Final = "https://nominatim.openstreetmap.org/search"


def overpass_url() -> str:
    """The Overpass interpreter URL; ``ECOPLAN_OVERPASS_URL`` overrides."""
    return os.environ.get("ECOPLAN_OVERPASS_URL") or DEFAULT_OVERPASS_URL


def nominatim_url() -> str:
    """The Nominatim search URL; ``ECOPLAN_NOMINATIM_URL`` overrides."""
    return os.environ.get("ECOPLAN_NOMINATIM_URL") or DEFAULT_NOMINATIM_URL


#: The User-Agent is the one every request of ecoplan carries (settings.net).
user_agent = net.user_agent


# --- Overpass requests ----------------------------------------------------------------------

#: Server-side query timeout, seconds. 180 s is Overpass's own default for [timeout:]
#: (wiki.openstreetmap.org/wiki/Overpass_API/Overpass_QL#timeout:) and osmnx's default.
TIMEOUT_S: Final = 180
#: The client waits this much longer than the server timeout for the reply, because Overpass
#: may only start answering when its own timeout runs out (our choice).
READ_TIMEOUT_MARGIN_S: Final = 30
#: Seconds to wait for a TCP connection before calling the server unreachable (our choice).
CONNECT_TIMEOUT_S: Final = 10
#: Retries after a "busy" answer (so at most MAX_RETRIES + 1 requests). Our choice: four
#: retries cover a typical slot wait on overpass-api.de (2 slots per IP, freed within a minute).
MAX_RETRIES: Final = 4
#: HTTP codes that mean "busy, try again later": 429 rate limit and 504 gateway timeout are
#: the documented ones (wiki Overpass_API#Limitations); 502/503 appear during restarts.
RETRY_STATUS: Final[frozenset[int]] = frozenset({429, 502, 503, 504})
#: Exponential backoff: BACKOFF_BASE_S * 2**attempt, at least the server's Retry-After,
#: capped at BACKOFF_MAX_S per wait (our choice).
BACKOFF_BASE_S: Final = 2.0
BACKOFF_MAX_S: Final = 60.0
#: Total seconds we are prepared to sleep across all retries of one request before telling the
#: user the service is busy (our choice: two minutes is as long as anyone waits for a page).
BACKOFF_TOTAL_MAX_S: Final = 120.0

# --- Area limits ----------------------------------------------------------------------------

#: Largest area fetched from Overpass, km² (our choice: about a large English county
#: district; bigger areas should come from a Geofabrik .osm.pbf extract, and overpass-api.de
#: answers such queries slowly or with "out of memory"). A ``--bbox`` that only cuts a local
#: file has no limit (``geocode.parse_clip_bbox``).
MAX_AREA_KM2: Final = 2500.0
#: Vertices allowed in the Overpass poly:"…" filter, per query (our choice: keeps the query
#: under ~40 kB even though the polygon is repeated in every statement; the reader clips to
#: the exact polygon afterwards, so simplification only widens the download a little).
POLY_MAX_VERTICES: Final = 60
#: A multipolygon area with more parts than this is replaced by its convex hull (our choice).
POLY_MAX_PARTS: Final = 4
#: First simplification tolerance, degrees (≈ 10 m); doubled until the vertex budget is met.
POLY_SIMPLIFY_START_DEG: Final = 1e-4

# --- What the query selects -----------------------------------------------------------------

#: Relation types downloaded for area features: multipolygons and boundaries are the relation
#: types osmnx turns into polygons (osmnx.features._RELATION_TYPES). Route and waterway
#: relations span whole rivers or regions; recursing into them (``>``) would download every
#: member, so they are left out.
RELATION_TYPES: Final[tuple[str, ...]] = ("multipolygon", "boundary")
#: boundary=administrative relations are only fetched at these admin levels (UK: 8 district,
#: 9 ward, 10 parish — wiki Tag:boundary=administrative#United_Kingdom). Counties, regions and
#: countries would drag in their entire border.
ADMIN_LEVELS: Final[tuple[str, ...]] = ("8", "9", "10")
#: Also download buildings (the schema's ``buildings`` layer); heavy in cities.
INCLUDE_BUILDINGS: Final = True

# --- Nominatim ------------------------------------------------------------------------------

#: Minimum seconds between Nominatim requests ("an absolute maximum of 1 request per second",
#: Nominatim usage policy).
NOMINATIM_MIN_INTERVAL_S: Final = 1.0
#: Candidates asked for; the first with an area (Polygon/MultiPolygon) is used, as osmnx does.
NOMINATIM_LIMIT: Final = 5
#: Server-side simplification of returned outlines, degrees (≈ 10 m; Nominatim
#: ``polygon_threshold`` parameter) — keeps answers small.
NOMINATIM_POLYGON_THRESHOLD: Final = 0.0001
#: Nominatim request timeout, seconds (our choice; it answers in well under a second).
NOMINATIM_TIMEOUT_S: Final = 30
