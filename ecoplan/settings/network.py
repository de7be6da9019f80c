"""Walking network: which ways are walkable, what blocks step-free travel, walking speeds."""

from __future__ import annotations

from typing import Final

#: Highway values anyone may walk on unless foot=no (OSM wiki Key:highway; UK practice).
WALK_HIGHWAYS: Final[frozenset[str]] = frozenset({
    "footway", "path", "pedestrian", "steps", "bridleway", "track", "living_street",
    "residential", "service", "unclassified", "tertiary", "tertiary_link", "secondary",
    "secondary_link", "primary", "primary_link", "road", "byway", "corridor", "crossing",
    "trunk_link",
})
#: Highway values walkable only when foot=yes|designated|permissive (UK shared cycle paths;
#: trunk roads with a footway tagged on the carriageway).
WALK_IF_FOOT_ALLOWED: Final[frozenset[str]] = frozenset({"cycleway", "trunk", "busway"})
FOOT_ALLOWED: Final[frozenset[str]] = frozenset({"yes", "designated", "permissive", "official"})
FOOT_FORBIDDEN: Final[frozenset[str]] = frozenset({"no", "private", "use_sidepath"})
ACCESS_CLOSED: Final[frozenset[str]] = frozenset({"private", "no"})

#: sac_scale grades beyond a normal walking path (SAC hiking scale, OSM wiki Key:sac_scale).
ROUGH_SAC_SCALE: Final[frozenset[str]] = frozenset({
    "mountain_hiking", "demanding_mountain_hiking", "alpine_hiking",
    "demanding_alpine_hiking", "difficult_alpine_hiking",
})
#: Barrier nodes a wheelchair, pushchair or frail walker cannot pass
#: (docs/architecture.md#walking-network, issue #3).
STEP_FREE_BLOCKING_BARRIERS: Final[frozenset[str]] = frozenset({"stile", "kissing_gate",
                                                                 "turnstile"})
#: Node tags that mark a flight of steps on a way that is otherwise a path (OSM wiki
#: Tag:highway=steps allows a node for a short flight: a step or two in a footway). A
#: step-free route may not pass such a node, just as it may not use a steps way (issue #2).
STEP_FREE_BLOCKING_NODE_TAGS: Final[tuple[tuple[str, str], ...]] = (("highway", "steps"),)

#: Walking speeds, km/h (docs/architecture.md#access-standards): 4.8 planning default; 4.0
#: Natural England (1 km ≈ 15 min); 3.0 older adults (Health Survey for England); 2.3
#: frail/rehabilitation (Bath pedestrian crossing study).
SPEED_PRESETS_KMH: Final[dict[str, float]] = {
    "default": 4.8,
    "natural-england": 4.0,
    "older-adults": 3.0,
    "frail": 2.3,
}
DEFAULT_SPEED_KMH: Final = SPEED_PRESETS_KMH["default"]

#: Bounds a custom walking speed must lie in, km/h (our choice: below 0.5 km/h nobody is
#: "walking" to a park; above 8 km/h is running — both are typos, not profiles).
MIN_SPEED_KMH: Final = 0.5
MAX_SPEED_KMH: Final = 8.0

# --- Graph building and snapping --------------------------------------------------------------

#: Weight given to zero-length segments (duplicate nodes at the same spot), metres. Sparse
#: graphs treat a stored 0 as "no edge", so a tiny positive length keeps the link (our choice:
#: 1 mm, far below any distance we report).
ZERO_LENGTH_M: Final = 0.001
#: Default largest distance an origin (a home, an area's population point) may lie from the
#: walking network and still be snapped to it, metres (our choice: beyond 500 m of any
#: walkable way a point is outside the mapped network — offshore, or in a data hole — and
#: must be reported, not silently joined to a node kilometres away).
ORIGIN_MAX_SNAP_M: Final = 500.0
#: An entrance whose crossing segment or node is not in the graph (e.g. steps dropped from
#: the step-free variant) is re-snapped to the nearest remaining node within this distance,
#: metres (our choice: the 30 m GHSCI boundary-point rule, osm settings
#: FALLBACK_MAX_SNAP_M, plus a 20 m allowance for a gate beside a removed step flight).
ENTRANCE_RESNAP_MAX_M: Final = 50.0
