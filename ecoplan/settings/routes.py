"""Routes: planning thresholds, OS grid references and GPX metadata.

How the printed A4 map looks lives next to the printer, in :mod:`ecoplan.routes.print_style`.

Sources are given beside each number; where a value is our own choice it says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# --- OS National Grid (Ordnance Survey, "A Guide to Coordinate Systems in Great Britain") ---

#: The British National Grid (EPSG:27700, OSGB36 / Transverse Mercator on Airy 1830).
GB_GRID_CRS: Final = "EPSG:27700"
#: The lettered 100 km squares cover false eastings 0–700 km and northings 0–1300 km
#: (OS guide, section "The National Grid reference system").
GRID_MAX_E_M: Final = 700_000.0
GRID_MAX_N_M: Final = 1_300_000.0
#: Area of use of EPSG:27700 (EPSG registry / pyproj ``CRS(27700).area_of_use``): onshore GB
#: and UK waters within 9°W–2°E, 49°45'N–61°N. (west, south, east, north), degrees.
GRID_AREA_OF_USE: Final[tuple[float, float, float, float]] = (-9.01, 49.75, 2.01, 61.01)
#: Land inside that box that is NOT Great Britain, so an OS grid reference would mislead.
#: Coarse lon/lat rings drawn by us from coastline positions (our approximation; each edge
#: runs through sea between the two coasts, e.g. North Channel between Kintyre (5.80°W) and
#: Antrim (6.03°W), Strait of Dover between Folkestone and Cap Gris-Nez).
NOT_GB_AREAS: Final[dict[str, tuple[tuple[float, float], ...]]] = {
    # Ireland and Northern Ireland use the Irish Grid (EPSG:29903), not the OS grid.
    "Ireland (which uses the Irish Grid)": (
        (-11.0, 51.2), (-5.85, 51.2), (-5.85, 54.0), (-5.32, 54.0), (-5.32, 55.05),
        (-5.95, 55.05), (-5.95, 55.5), (-11.0, 55.5),
    ),
    # Northern France (Normandy, Picardy, Calais) falls inside the grid box.
    "France": (
        (-3.0, 49.5), (2.5, 49.5), (2.5, 51.08), (1.45, 50.95), (1.0, 50.35), (-3.0, 50.2),
    ),
}
#: Figures allowed in a grid reference (OS: 0 = letters only, 100 km; 2 = 10 km; 4 = 1 km;
#: 6 = 100 m; 8 = 10 m; 10 = 1 m).
GRID_FIGURES: Final[tuple[int, ...]] = (0, 2, 4, 6, 8, 10)

# --- GPX --------------------------------------------------------------------------------------

GPX_CREATOR: Final = "ecoplan"
OSM_COPYRIGHT_AUTHOR: Final = "OpenStreetMap contributors"
OSM_LICENSE_URL: Final = "https://opendatacommons.org/licenses/odbl/1-0/"
OSM_COPYRIGHT_URL: Final = "https://www.openstreetmap.org/copyright"
ATTRIBUTION: Final = "© OpenStreetMap contributors"
#: Waypoint kinds written to GPX (issue #6: start, toilets, benches, entrances; parking, bus
#: stops and viewpoints help a leader too, so we keep them).
GPX_WAYPOINT_KINDS: Final[tuple[str, ...]] = (
    "start", "finish", "toilets", "bench", "entrance", "parking", "bus_stop", "viewpoint",
)
#: GPX <sym> names (Garmin symbol names understood by most GPS apps).
GPX_SYMBOLS: Final[dict[str, str]] = {
    "start": "Flag, Green", "finish": "Flag, Red", "toilets": "Restroom", "bench": "Picnic Area",
    "entrance": "Gate", "parking": "Parking Area", "bus_stop": "Ground Transportation",
    "viewpoint": "Scenic Area",
}

# ==============================================================================================
# --- Route planning (loops, A-to-B, directions) — added for issue #6 routing -----------------
# ==============================================================================================

#: A way counts as "in or along" green/blue space where it lies inside a site polygon or within
#: this distance of one, metres (our choice: 30 m — the GHSCI boundary-point rule the site
#: entrances use, and about the width of a road plus its verges, so a sea-front promenade or a
#: path beside a park fence counts).
GREEN_BUFFER_M: Final = 30.0
#: Edges are sampled every this many metres to measure their green share (our choice: 10 m is
#: finer than the median 26 m Isle of Wight segment and keeps the island to ~0.2 M samples).
GREEN_SAMPLE_STEP_M: Final = 10.0
#: A walk with at least this share on busy roads is flagged in the terminal, with what to try
#: instead (our choice: over half on busy roads is a road walk, whatever the site; a 75 ha
#: wood with no paths inside gave a best loop 68 % on busy roads, listed like any other).
BUSY_ROAD_WARN_SHARE: Final = 0.5
#: Highway values treated as busy roads: unpleasant for a group and a hazard with children or
#: frail walkers (OSM wiki Key:highway road classification; UK A and B roads are tagged
#: trunk/primary/secondary, busier C roads tertiary).
BUSY_ROADS: Final[frozenset[str]] = frozenset({
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link", "tertiary", "tertiary_link",
})
#: Cost multipliers (cost = length × factor; our choices, tuned on the Isle of Wight so a green
#: detour of up to ~1.6× is preferred to an equally long street walk, and a busy road is used
#: only when the alternative is ~2.5× longer).
NON_GREEN_FACTOR: Final = 2.0
BUSY_ROAD_FACTOR: Final = 1.8
#: With ``avoid_roads`` a busy road costs this many times its length: in practice it is used
#: only where no other way exists (a crossing, a bridge), and the share left is reported.
AVOID_ROAD_FACTOR: Final = 25.0
#: Edges already on the loop cost this many times more for the next leg, so legs take a
#: different way back (GraphHopper "round trip" uses the same alternative-route penalty idea).
RETRACE_FACTOR: Final = 5.0
#: ``lit=*`` values meaning the way is lit (OSM wiki Key:lit).
LIT_VALUES: Final[frozenset[str]] = frozenset({"yes", "24/7", "automatic", "interval", "limited",
                                        "sunset-sunrise", "dusk-dawn"})

#: Loop length must lie within this share of the target (issue #6 acceptance: ±15 %).
LENGTH_TOLERANCE: Final = 0.15
#: Shortest and longest loop we plan, minutes (shortest: below 5 min is not a group walk, our
#: choice; Walking for Health group walks last 20–60 min,
#: docs/architecture.md#access-standards; longest: a day walk).
MIN_LOOP_MINUTES: Final = 5.0
#: Walk times tried, nearest the asked one first, when no loop of the asked length fits, so
#: the message names one that works (issue #1; our choice: the lengths groups usually walk).
LOOP_PROBE_MINUTES: Final[tuple[float, ...]] = (15.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0)
#: How many of them are tried (our choice: each costs ~0.5 s on the island; four covers the
#: next shorter and longer times twice over).
LOOP_PROBE_TRIES: Final = 4
MAX_LOOP_MINUTES: Final = 480.0
#: Largest distance from the start point to the nearest walkable node, metres (our choice: a
#: group can reach a path 250 m away across a car park or green; farther means the point is
#: off the mapped network or in the sea).
MAX_START_SNAP_M: Final = 250.0
#: A-to-B ends snap to a connected network of at least this much path, metres (our choice: a
#: shorter piece is a fragment left by incomplete mapping, not somewhere a route can go).
ATOB_MIN_COMPONENT_M: Final = 1000.0
#: Candidate search: directions (headings) tried for the first turning point, turning points
#: tried per direction, and share of the target reached by each of the three legs (a triangle
#: start → A → B → start; our choices: 12 × 3 candidates ≈ 36 loops scored per request).
LOOP_HEADINGS: Final = 12
LOOP_SECOND_POINTS: Final = 3
LOOP_LEG_SHARE: Final = 1 / 3
#: Ratios tried for the first leg if a loop comes out too long/short (adaptive radius).
LOOP_RADIUS_RETRIES: Final = 2
#: Scoring weights (higher score = better). Our choices: green share and low retracing matter
#: most; a loop on busy roads or far from the target length is penalised; toilets and benches
#: on the way are a bonus with diminishing returns (max 2 toilets, 3 benches counted).
@dataclass(frozen=True)
class ScoreWeights:
    share_green_blue: float
    share_on_roads: float
    share_retraced: float
    length_error: float
    toilets: float
    benches: float


SCORE_WEIGHTS: Final = ScoreWeights(share_green_blue=1.0, share_on_roads=-1.0, share_retraced=-1.5,
                             length_error=-2.0, toilets=0.05, benches=0.02)
SCORE_MAX_TOILETS: Final = 2
#: A loop whose retraced share (length walked on a way used twice) is above this is called an
#: "out-and-back walk", not a circular walk (issue #3; our choice: when more than half the
#: distance is walked twice, most of the walk is going there and coming back the same way,
#: which is what a walker who reads "circular" does not expect).
OUT_AND_BACK_SHARE: Final = 0.5
SCORE_MAX_BENCHES: Final = 3
#: Two alternatives are "different" when at most this share of the shorter one's length is on
#: edges they share (our choice).
ALTERNATIVE_MAX_OVERLAP: Final = 0.6
#: A toilet, bench, car park or bus stop counts as "passed" within this distance of the route,
#: metres (our choice: visible from the path, a short step aside).
LANDMARK_NEAR_M: Final = 40.0
#: Highway values without a name are described as … in directions.
UNNAMED_LABELS: Final[dict[str, str]] = {
    "footway": "footpath", "path": "footpath", "pedestrian": "pedestrian street",
    "steps": "steps", "track": "track", "bridleway": "bridleway", "cycleway": "cycle path",
    "byway": "byway", "service": "service road", "residential": "street",
    "living_street": "street", "unclassified": "lane", "crossing": "crossing",
}
#: Unnamed ways of these kinds that carry only a ``ref`` are described with their kind first,
#: e.g. "footpath A20" (issue #6: English rights-of-way codes such as Arreton A20 or Brading
#: B16 read like A and B roads when printed alone).
REF_WITH_KIND_HIGHWAYS: Final[frozenset[str]] = frozenset({
    "footway", "path", "bridleway", "track", "byway", "steps",
})
#: Turn thresholds on the change of bearing, degrees (our choice: ≤ 30° is "straight on",
#: ≤ 60° "bear", beyond 150° "turn back").
TURN_STRAIGHT_DEG: Final = 30.0
TURN_SLIGHT_DEG: Final = 60.0
TURN_BACK_DEG: Final = 150.0
#: Bearings at a junction are measured over this much of the way before and after (our
#: choice: 20 m smooths out mapped kinks at the junction itself).
TURN_BEARING_SPAN_M: Final = 20.0
#: Unnamed stretches shorter than this are folded into the next step (our choice: a 10 m link
#: across a road is not worth a line of directions).
DIRECTIONS_MIN_STEP_M: Final = 15.0
#: Named stretches shorter than this are folded into the next step too (issue #8; our
#: choice: under 5 m is the end of a way mapped across a junction, e.g. 0.6 m of Colwell Road;
#: "Bear left onto Colwell Road" for it misleads, and no one can walk it as a step).
DIRECTIONS_MIN_NAMED_STEP_M: Final = 5.0
#: Turning points must lie in a 2-edge-connected block of paths at least this share of the
#: target long (our choice: smaller blocks — a roundabout, a loop at a pier head — cannot hold
#: a real loop, so turning there means retracing the way in).
LOOP_MIN_BLOCK_SHARE: Final = 0.2
#: Entrances listed by ``ecoplan route --site`` (best first; our choice: a large park has 70,
#: and a leader reading a terminal wants the first few; the chosen one is always shown).
ENTRANCES_LISTED: Final = 10
#: Entrances `ecoplan route --site` tries, best first, before saying no loop fits (issue #1;
#: our choice: a start on a short spur often gives no loop while the next gate does; more
#: than three rarely helps and each try costs ~0.5 s).
ENTRANCES_TRIED: Final = 3
