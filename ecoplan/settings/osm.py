"""OpenStreetMap tag taxonomy and the numbers used to turn features into sites.

Tag meanings follow the OSM wiki (wiki.openstreetmap.org, pages Key:leisure, Key:natural,
Key:landuse, Key:waterway, Key:access, Tag:natural=coastline). Where a number is our own
choice it says so and why.
"""

from __future__ import annotations

from typing import Final

#: Bump when the rules that turn OSM into sites, entrances or access evidence change: cached
#: access results carry it (``ecoplan.access.cache``), so they are rebuilt, not served stale.
# 2026.2: access evidence, confirmed entrances, parks class, pitches
SITES_VERSION: Final = "2026.2"

# --- Columns every normalised layer carries (missing tags become None) ----------------------

#: Tags kept on area/line features (green, blue, restricted zones).
FEATURE_TAGS: Final[tuple[str, ...]] = (
    "name", "leisure", "landuse", "natural", "waterway", "water", "wetland", "amenity",
    "aeroway", "military", "golf", "access", "foot", "garden:type", "designation",
    "tidal", "intermittent", "surface", "place", "boundary", "admin_level", "tourism",
    "operator", "railway", "barrier", "sport",
)

#: Highway values that are no way to walk (not built yet or any more, or no street at all),
#: left out of the network by every reader, as osmnx's and pyrosm's "all" network leave
#: them out (osmnx ``_get_osm_filter("all")``; pyrosm ``config.osm_filters.all_filter``). So
#: are ways tagged ``area=yes`` (a square's outline is not a path along it).
NETWORK_EXCLUDED_HIGHWAY: Final[frozenset[str]] = frozenset({
    "abandoned", "construction", "no", "planned", "platform", "proposed", "raceway", "razed",
    "rest_area", "services",
})

#: Tags kept on highway segments (the walk filter, step-free variant, calm score and
#: directions need these).
WAY_TAGS: Final[tuple[str, ...]] = (
    "name", "ref", "highway", "foot", "access", "bicycle", "motor_vehicle", "footway",
    "sidewalk", "service", "surface", "smoothness", "tracktype", "lit", "sac_scale",
    "incline", "step_count", "wheelchair", "ramp", "area", "tunnel", "bridge", "maxspeed",
    "designation", "barrier", "prow_ref",
)

#: Tags kept on points of interest (amenities, entrances, barriers, support services).
POI_TAGS: Final[tuple[str, ...]] = (
    "name", "amenity", "leisure", "tourism", "highway", "public_transport", "bus", "railway",
    "barrier", "entrance", "emergency", "healthcare", "shop", "social_facility",
    "community_centre", "garden:type", "defibrillator:location", "access", "foot",
    "opening_hours", "operator", "religion", "building", "phone", "wheelchair",
    "sport", "club", "office", "landuse", "natural", "information", "place",
    "healthcare:speciality",
)
#: Tags kept on buildings: the kind, and what names it for a walker (OSM wiki Key:building,
#: Key:name, Key:amenity…) — a building mapped as "Wimpy, amenity=fast_food" is the place to
#: shelter from lightning, not "an unnamed building" (ecoplan.plans.refuge).
BUILDING_TAGS: Final[tuple[str, ...]] = ("building", "name", "amenity", "shop", "tourism",
                                         "leisure")

# --- Which OSM objects each layer reads -------------------------------------------------------

#: Keys whose presence makes an area/line a candidate feature (filter applied at read time;
#: classification below decides what it is).
FEATURE_FILTER: Final[dict[str, list[str] | bool]] = {
    "leisure": [
        "park", "garden", "nature_reserve", "common", "recreation_ground", "golf_course",
        "dog_park", "beach_resort", "pitch",
    ],
    "landuse": [
        "forest", "grass", "meadow", "recreation_ground", "village_green", "reservoir",
        "allotments", "military", "common", "industrial",
        # Not a site: where people live, for origins (settings.need.RESIDENTIAL_LANDUSE).
        "residential",
    ],
    "natural": [
        "wood", "heath", "grassland", "scrub", "wetland", "water", "beach", "coastline",
        "bay", "fell", "moor",
    ],
    "waterway": ["river", "canal", "stream", "riverbank", "tidal_channel"],
    "amenity": ["school", "college", "university", "prison", "hospital"],
    "aeroway": ["aerodrome", "airfield"],
    "boundary": ["administrative"],
    # noise sources for the calm score (ranking), not sites
    "railway": ["rail", "light_rail", "narrow_gauge", "preserved", "tram"],
    "place": ["city", "town", "village", "suburb", "neighbourhood", "quarter", "hamlet"],
    # fences, walls and hedges: where open land cannot be entered from a path beside it
    "barrier": ["fence", "wall", "hedge", "hedge_bank", "city_wall", "retaining_wall",
                "wire_fence"],
}

#: Point-of-interest tags kept only on nodes: the same tag on a way is part of the network,
#: not a point to show (``ecoplan.osm.pbf.normalise_pois`` drops such ways).
POI_NODE_ONLY: Final[tuple[tuple[str, str], ...]] = (("highway", "steps"),)

#: Points of interest read from nodes and areas (areas become their representative point).
POI_FILTER: Final[dict[str, list[str] | bool]] = {
    "amenity": [
        "toilets", "bench", "shelter", "drinking_water", "parking", "cafe", "library",
        "community_centre", "social_facility", "social_centre", "place_of_worship",
        "pharmacy", "doctors", "clinic", "hospital", "police", "telephone", "defibrillator",
        "bus_station", "ranger_station", "water_point",
    ],
    "leisure": [
        "picnic_table", "playground", "pitch", "fitness_station", "fitness_centre",
        "sports_centre", "garden", "bird_hide", "firepit",
    ],
    "tourism": ["information", "picnic_site", "viewpoint", "attraction"],
    # steps: only nodes are kept (a short flight mapped on a footway, which step-free routes
    # avoid, issue #2); steps *ways* are in the network and dropped from the POIs on reading
    "highway": ["bus_stop", "steps"],
    "public_transport": ["platform", "stop_position"],
    "railway": ["station", "halt"],
    "barrier": [
        "gate", "kissing_gate", "stile", "entrance", "lift_gate", "swing_gate", "turnstile",
        "bollard", "cattle_grid", "wicket_gate",
    ],
    "entrance": True,
    "emergency": ["defibrillator", "phone", "life_ring", "access_point"],
    "healthcare": True,
    # named landmarks that can name an unnamed site (a down mapped only as its summit)
    "natural": ["peak", "hill"],
    # and place names (towns, villages, suburbs) for the map labels and "near Ryde" names
    "place": ["city", "town", "village", "suburb", "quarter", "neighbourhood", "hamlet",
              "locality"],
    # conservation volunteer bases have no settled tag; these are the ones used (OSM taginfo)
    "office": ["ngo", "charity", "association"],
    "club": ["conservation", "environment"],
}

# --- Classification: tag → site category ------------------------------------------------------
# Each category maps to "green" or "blue". The first rule that matches wins, so more specific
# rules come first.

GREEN: Final = "green"
BLUE: Final = "blue"

#: (tag key, tag value) → (category, kind). Value ``None`` matches any value.
CATEGORY_RULES: Final[tuple[tuple[str, str | None, str, str], ...]] = (
    ("leisure", "nature_reserve", "nature_reserve", GREEN),
    ("leisure", "park", "park", GREEN),
    ("leisure", "common", "common", GREEN),
    ("landuse", "common", "common", GREEN),
    ("leisure", "recreation_ground", "recreation_ground", GREEN),
    ("landuse", "recreation_ground", "recreation_ground", GREEN),
    ("landuse", "village_green", "village_green", GREEN),
    ("leisure", "garden", "garden", GREEN),
    ("leisure", "dog_park", "park", GREEN),
    ("leisure", "golf_course", "golf_course", GREEN),
    # Playing fields (grass pitches; hard courts are dropped: settings.public_access).
    ("leisure", "pitch", "pitch", GREEN),
    ("landuse", "allotments", "allotments", GREEN),
    ("natural", "wood", "wood", GREEN),
    ("landuse", "forest", "wood", GREEN),
    ("natural", "heath", "heath", GREEN),
    ("natural", "moor", "heath", GREEN),
    ("natural", "fell", "heath", GREEN),
    ("natural", "grassland", "grassland", GREEN),
    ("landuse", "meadow", "grassland", GREEN),
    ("landuse", "grass", "grass", GREEN),
    ("natural", "scrub", "scrub", GREEN),
    # Tidal wetlands (saltmarsh, mud) are blue space on the coast; others are green.
    ("wetland", "saltmarsh", "saltmarsh", BLUE),
    ("wetland", "tidalflat", "saltmarsh", BLUE),
    ("natural", "wetland", "wetland", GREEN),
    ("natural", "beach", "beach", BLUE),
    ("leisure", "beach_resort", "beach", BLUE),
    ("natural", "bay", "harbour", BLUE),
    ("waterway", "riverbank", "river", BLUE),
    ("water", "river", "river", BLUE),
    ("water", "canal", "canal", BLUE),
    ("water", "lagoon", "lake", BLUE),
    ("water", "harbour", "harbour", BLUE),
    ("natural", "water", "lake", BLUE),
    ("landuse", "reservoir", "lake", BLUE),
    ("waterway", "river", "river", BLUE),
    ("waterway", "canal", "canal", BLUE),
    ("waterway", "tidal_channel", "river", BLUE),
    ("waterway", "stream", "stream", BLUE),
    ("natural", "coastline", "coast", BLUE),
)

#: Water that is not somewhere to take people (sewage works, covered tanks, drains).
EXCLUDED_WATER: Final[frozenset[str]] = frozenset(
    {"wastewater", "basin", "reflecting_pool", "swimming_pool", "fishpond", "pond;fishpond"}
)

#: Categories that are member-only or private land, never "accessible green space"
#: (docs/architecture.md#sites; Natural England's ANGSt counts only land with public access).
RESTRICTED_CATEGORIES: Final[frozenset[str]] = frozenset({"golf_course", "allotments"})

#: Categories that are public by definition (UK commons and village greens carry public
#: access rights; parks, recreation grounds and nature reserves are open by designation).
PUBLIC_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"park", "common", "recreation_ground", "village_green", "nature_reserve", "beach",
     "coast", "river", "canal", "harbour"}
)

#: Areas whose green space is out of bounds (an airfield's grass, school playing fields,
#: military ranges, prisons, hospital grounds): (key, value) pairs.
RESTRICTED_ZONES: Final[tuple[tuple[str, str], ...]] = (
    ("aeroway", "aerodrome"), ("aeroway", "airfield"), ("amenity", "school"),
    ("amenity", "college"), ("amenity", "university"), ("amenity", "prison"),
    ("landuse", "military"), ("amenity", "hospital"),
)

#: A green polygon counts as inside a restricted zone when at least this share of its area
#: lies in one (our choice: a majority rule, so a park that merely touches a school is kept).
RESTRICTED_ZONE_OVERLAP: Final = 0.5

#: access=* / foot=* values.
ACCESS_RESTRICTED: Final[frozenset[str]] = frozenset({"private", "no", "customers", "members",
                                                       "military"})
ACCESS_PERMISSIVE: Final[frozenset[str]] = frozenset({"permissive"})
ACCESS_PUBLIC: Final[frozenset[str]] = frozenset({"yes", "public", "designated", "official"})

#: garden:type values that mean a private garden, not a public one.
PRIVATE_GARDEN_TYPES: Final[frozenset[str]] = frozenset({"residential", "private"})

# --- Linear blue space -----------------------------------------------------------------------

#: Width of the walkable bank kept either side of a river/canal/stream line, metres
#: (our choice: a towpath or riverside path lies within ~15 m of the centre line of a
#: small English river; streams 8 m).
BANK_WIDTH_M: Final[dict[str, float]] = {"river": 15.0, "canal": 12.0, "stream": 8.0}
#: Land-side strip kept along the coastline (natural=coastline has land on its left, per the
#: OSM wiki), metres — a promenade or cliff-top path is within this distance.
COAST_STRIP_M: Final = 30.0
#: Long rivers and coastlines are cut into pieces of at most this length so that a site is
#: somewhere you can go, not a whole coast (our choice: 1 km ≈ 15 minutes' walk, NE).
LINEAR_PIECE_M: Final = 1000.0

# --- Sites --------------------------------------------------------------------------------

#: Sites smaller than this are dropped unless they are a named public space (our choice:
#: below 0.1 ha a polygon is usually a verge or planting bed; AGS's smallest tier is 0.5 ha).
MIN_SITE_HA: Final = 0.1
#: Categories kept whatever their size (pocket parks, village greens).
ALWAYS_KEEP_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"park", "garden", "village_green", "nature_reserve", "common", "recreation_ground"}
)

#: An unnamed site takes the name of a landmark of these kinds lying inside it (in the 2015
#: Isle of Wight extract, downs and cliffs are often mapped only as a named summit or locality).
NAMING_LANDMARKS: Final[tuple[tuple[str, str], ...]] = (
    ("natural", "peak"), ("natural", "hill"), ("place", "locality"),
)

# --- Entrances ----------------------------------------------------------------------------

#: A tagged gate/entrance counts for a site when it lies within this distance of its boundary.
ENTRANCE_TAGGED_MAX_M: Final = 5.0
#: Entrances of one site closer than this are merged (our choice: one gate, not ten crossings
#: of a path that wiggles along a fence).
ENTRANCE_MERGE_M: Final = 25.0
#: A way counts as touching a site outline within this distance: outlines are snapped to the
#: 1 cm GRID_M, so a path sharing the outline's OSM nodes may sit up to ~0.7 cm off it (our
#: choice: twice the grid).
BOUNDARY_TOUCH_M: Final = 0.02
#: Categories of *open land*: entered anywhere along an edge that a path or pavement runs
#: beside, unless that edge is fenced (docs/architecture.md#sites: greens, commons, beaches
#: and amenity grass are entered along any edge a path or pavement follows; fenced parks
#: through gates). UK commons and village greens carry rights of access on foot over the whole
#: surface (CRoW Act 2000; Commons Act 2006); shores, banks and woods are open unless fenced.
#: Left out, so entered only at gates and path crossings: gardens (formal and public gardens
#: are railed and locked at night), golf courses and allotments (restricted anyway).
OPEN_LAND_CATEGORIES: Final[frozenset[str]] = frozenset({
    "grass", "village_green", "common", "recreation_ground", "park", "nature_reserve",
    "wood", "heath", "grassland", "scrub", "wetland", "saltmarsh", "beach", "coast", "river",
    "canal", "stream", "lake", "harbour",
})
#: Categories where one tagged gate on the outline means the rest is railed or hedged too
#: (our choice: an English town park with mapped gates is almost always a railed Victorian
#: park; a gate into a wood or common only says that stretch is fenced).
GATES_MEAN_FENCED: Final[frozenset[str]] = frozenset({"park"})
#: barrier=* ways that stop people stepping from a path onto the land beside it (OSM wiki
#: Key:barrier: linear barriers; hedges are impassable field boundaries in England).
FENCE_BARRIERS: Final[frozenset[str]] = frozenset(FEATURE_FILTER["barrier"])  # type: ignore[arg-type]
#: A stretch of outline counts as fenced where a barrier way lies within this distance (our
#: choice: mappers draw a fence and the land edge beside it a few metres apart).
FENCE_NEAR_M: Final = 5.0
#: A site whose outline is fenced for at least this share is entered only at gates and path
#: crossings (our choice: a majority rule, like RESTRICTED_ZONE_OVERLAP).
FENCED_SHARE: Final = 0.5
#: Open edges are sampled every this many metres of outline, and a sample is a way in when a
#: walkable way lies within OPEN_EDGE_MAX_M of it and nothing blocks the step across
#: (GHSCI: points every 20 m of park boundary within 30 m of the network, Liu et al. 2022 /
#: Boeing et al. 2022; peers use 20–50 m spacing and 20–30 m reach — we take 20 m and the
#: middle of the reach range, since a pavement beside a green is a few metres from the road's
#: centre line and a path 30 m away is often across private gardens).
OPEN_EDGE_SPACING_M: Final = 20.0
OPEN_EDGE_MAX_M: Final = 25.0
#: The step from a path onto open land may not cross a building, a fence/wall/hedge, a
#: railway, a river or canal, or a way pedestrians may not use (motorways, private drives).
STEP_BLOCKERS: Final[tuple[tuple[str, str], ...]] = (
    ("railway", "rail"), ("railway", "light_rail"), ("railway", "narrow_gauge"),
    ("railway", "preserved"), ("waterway", "river"), ("waterway", "canal"),
)
#: Fallback for sites no walkable way reaches: boundary points every 20 m within 30 m of the
#: network (Global Healthy & Sustainable City Indicators, Liu et al. 2022).
FALLBACK_SPACING_M: Final = 20.0
FALLBACK_MAX_SNAP_M: Final = 30.0

# --- Amenities ---------------------------------------------------------------------------

#: Amenities count for a site when inside it or within this distance (issue #2).
AMENITY_NEAR_M: Final = 50.0
#: Bus stops count when within this distance of an entrance (TfL/CIHT 400 m walk to a stop).
BUS_STOP_NEAR_M: Final = 400.0

#: amenity column name → (key, value) matches.
AMENITY_KINDS: Final[dict[str, tuple[tuple[str, str], ...]]] = {
    "toilets": (("amenity", "toilets"),),
    "benches": (("amenity", "bench"), ("leisure", "picnic_table")),
    "shelters": (("amenity", "shelter"),),
    "drinking_water": (("amenity", "drinking_water"), ("amenity", "water_point")),
    "parking": (("amenity", "parking"),),
}
BUS_STOP_TAGS: Final[tuple[tuple[str, str], ...]] = (("highway", "bus_stop"),
                                                     ("amenity", "bus_station"))
#: public_transport=platform counts as a bus stop only with bus=yes (else it may be a tram or
#: rail platform, and the same stop is usually also mapped as highway=bus_stop).
ENTRANCE_TAGS: Final[tuple[tuple[str, str | None], ...]] = (
    ("entrance", None),
    ("barrier", "gate"), ("barrier", "kissing_gate"), ("barrier", "stile"),
    ("barrier", "entrance"), ("barrier", "swing_gate"), ("barrier", "wicket_gate"),
    ("barrier", "turnstile"), ("barrier", "lift_gate"),
)

# --- Geometry precision (outputs valid in every CRS; see ecoplan.geometry) -------------------

#: Grid that projected (metric) geometries are snapped to before they are measured or
#: written: 1 cm, as fine as OSM itself (OSM stores coordinates with 7 decimal places,
#: ≈1.1 cm; OSM wiki "Node"), so nothing real is lost.
GRID_M: Final = 0.01
#: Grid for lon/lat geometries (files in EPSG:4326): OSM's own 1e-7 degree.
GRID_DEG: Final = 1e-7

#: PBF files up to this size (MB) are read with pyrosm's in-memory engine (ecoplan.osm.pbf):
#: no per-read GeoParquet cache to write. Our choice: county extracts (Geofabrik: 5–60 MB) and
#: partition cuts are far below it; a region (South East 450 MB) or England (1.4 GB) above,
#: where the out-of-core engine keeps memory bounded. Measured on the Isle of Wight (2 MB,
#: benchmarks/bench_cold.py, empty pyrosm cache): see the README.
PBF_IN_MEMORY_MB: Final = 200
