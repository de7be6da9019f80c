"""Ranking sites for a purpose: score components, their parts and the purposes' weights.

Every score component lies in [0, 1]. Numbers marked "our choice" are judgement calls, made
explicit so a user (or a reviewer) can change them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ecoplan.settings.parts import Parts

# --- Components -------------------------------------------------------------------------------

#: Score components, in the order they are shown.
COMPONENTS: Final[tuple[str, ...]] = (
    "reach", "nature", "calm", "facilities", "accessibility", "privacy", "paths",
)

#: One-line meaning of each component (CLI help, explanations of weights).
COMPONENT_HELP: Final[dict[str, str]] = {
    "reach": "people in deprived areas who can walk there (with distance decay)",
    "nature": "size, natural cover (wood, heath, wetland, water…) and blue space",
    "calm": "distance from busy roads, railways, industry and airfields",
    "facilities": "toilets, benches, shelter, drinking water, parking",
    "accessibility": "step-free, surfaced and lit paths; bus stop near an entrance",
    "privacy": "quiet corners away from playgrounds, pitches, paths and many entrances",
    "paths": "length of paths inside the site and whether they form a loop",
}

# --- Purposes and default weights -------------------------------------------------------------
# Weights are relative: they are normalised to sum to 1 (a weight of 0 drops a component).

PURPOSE_WEIGHTS: Final[dict[str, dict[str, float]]] = {
    # 1:1 or small-group nature-based therapy: green-care practice puts a calm, natural setting
    # where the client is not overlooked first (Natural England NECR204 "Green care" 2016;
    # our reading), then basic facilities and getting there without barriers.
    "therapy": {"reach": 0.0, "nature": 0.25, "calm": 0.30, "facilities": 0.10,
                "accessibility": 0.10, "privacy": 0.25, "paths": 0.0},
    # Health walks: Walking for Health asks for toilets and a meeting point, a 20–60 min
    # (1–3 mile) route, ideally a loop, usable by less mobile walkers
    # (docs/architecture.md#access-standards).
    "group-walk": {"reach": 0.05, "nature": 0.10, "calm": 0.05, "facilities": 0.30,
                   "accessibility": 0.25, "privacy": 0.0, "paths": 0.25},
    # Public-health priority: where would a new walking group or investment reach the most
    # people in deprived neighbourhoods (issue #4) — reach dominates; usability next.
    "public-health": {"reach": 0.60, "nature": 0.10, "calm": 0.0, "facilities": 0.10,
                      "accessibility": 0.15, "privacy": 0.0, "paths": 0.05},
}
PURPOSES: Final[tuple[str, ...]] = tuple(PURPOSE_WEIGHTS)

# --- Reach into need --------------------------------------------------------------------------

#: Deprivation deciles counted as "deprived": 1..DEFAULT_DECILES (IoD decile 1 = most deprived
#: 10 % of LSOAs in England; the 30 % cut-off is the one Defra and NHS Core20 use for "most
#: deprived" analyses — Core20PLUS5 uses the most deprived 20 %; our default is 30 %).
DEFAULT_DECILES: Final = 3
#: Default walking time, minutes (Natural England GI Framework / Defra 2026 15-minute measure).
DEFAULT_MINUTES: Final = 15.0
#: Share of the reach score that comes from *all* people reached (the rest: deprived people),
#: so that between two sites serving the same deprived streets the busier one wins
#: (our choice: deprived reach dominates, 3 : 1).
REACH_TOTAL_SHARE: Final = 0.25
#: Reach is normalised by dividing by the best candidate site (so the best site scores 1 and
#: the numbers keep their proportions; a rank transform would hide a 10× difference).
#: Origins farther than this from the network are not counted (settings.network).
#: Distance decay is the Gaussian-based 2SFCA kernel (Dai 2010, Health & Place 16:1038;
#: applied to green space by Dai 2011, Landscape and Urban Planning 102:234):
#:   g(d) = (exp(-½ (d/d0)²) − exp(-½)) / (1 − exp(-½)) for d ≤ d0, else 0,
#: with d0 the distance walked in the chosen minutes: 1 at the gate, 0 at the limit.

# --- Nature quality ---------------------------------------------------------------------------

#: Site categories that are natural cover (semi-natural habitat and water) vs. managed grass.
NATURAL_COVER: Final[frozenset[str]] = frozenset({
    "wood", "heath", "wetland", "scrub", "grassland", "saltmarsh", "beach", "coast",
    "river", "canal", "lake", "stream", "harbour",
})
MOWN_COVER: Final[frozenset[str]] = frozenset({"grass", "park", "garden", "recreation_ground",
                                        "village_green"})
BLUE_CATEGORIES: Final[frozenset[str]] = frozenset({
    "river", "canal", "lake", "stream", "coast", "beach", "saltmarsh", "harbour",
})
#: Size scale: log10(1 + ha) / log10(1 + NATURE_SIZE_REF_HA), capped at 1 (ANGSt "district"
#: site 100 ha scores 1; a 2 ha local park ≈ 0.24, a 20 ha neighbourhood site ≈ 0.66).
NATURE_SIZE_REF_HA: Final = 100.0
#: Parts of the nature score (our choice; sum 1).
@dataclass(frozen=True)
class NatureParts(Parts):
    size: float
    natural: float
    blue: float


NATURE_PARTS: Final = NatureParts(size=0.35, natural=0.45, blue=0.20)
#: In a designated nature reserve (leisure=nature_reserve), ground whose cover OSM does not map
#: counts as natural: reserves are managed for wildlife (our choice; mapped mown grass is not).
RESERVE_UNMAPPED_IS_NATURAL: Final = True

# --- Calm -------------------------------------------------------------------------------------

#: Busy roads (OSM wiki Key:highway: the classified road network carrying through traffic).
BUSY_HIGHWAYS: Final[frozenset[str]] = frozenset({
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
    "secondary", "secondary_link",
})
#: A point of the site is "quiet" when farther than this from a busy road, metres. Road
#: traffic is a line source: its noise falls ~3 dB per doubling of distance (ISO 9613-2,
#: CRTN 1988), so 100 m is ≈10 dB quieter than at the 10 m roadside (our choice of cut-off).
QUIET_ROAD_M: Final = 100.0
#: Distance from the site's centre to the nearest busy road that scores full marks, metres
#: (our choice: 500 m, beyond which traffic is rarely audible over birdsong in UK studies of
#: tranquillity — CPRE "tranquillity mapping" 2006 uses up to ~1.5 km for motorways).
CALM_FAR_M: Final = 500.0
#: Airfields (aeroway=aerodrome|airfield) are noise sources up to this distance, metres
#: (our choice: 1 km, the approach path of a small GA airfield's circuit).
AERODROME_NOISE_M: Final = 1000.0
#: Calm = (QUIET_SHARE_PART × quiet share + (1 − it) × centre distance score)
#:        × (1 − AERODROME_PENALTY × share of the site within AERODROME_NOISE_M).
QUIET_SHARE_PART: Final = 0.6
AERODROME_PENALTY: Final = 0.5
#: Railway lines and industrial land count as noise sources like busy roads (same
#: QUIET_ROAD_M): rail noise is also a line source (CRN 1995), industry a point/area source.
NOISY_RAILWAY: Final[frozenset[str]] = frozenset({"rail", "light_rail", "narrow_gauge", "preserved",
                                          "tram"})
NOISY_LANDUSE: Final[frozenset[str]] = frozenset({"industrial"})

# --- Facilities -------------------------------------------------------------------------------

#: column → (part of the score, count that earns the full part). Toilets first: the main
#: reason health-walk and green-care groups give for choosing a site (Walking for Health
#: leader guidance; our weights).
FACILITY_PARTS: Final[dict[str, tuple[float, int]]] = {
    "toilets": (0.30, 1), "benches": (0.20, 5), "shelters": (0.15, 1),
    "drinking_water": (0.10, 1), "parking": (0.25, 1),
}

# --- Accessibility ----------------------------------------------------------------------------

#: Surfaces usable by a wheelchair or pushchair in most weather (OSM wiki Key:surface, "paved"
#: family plus compacted/fine gravel used on accessible trails).
SURFACED: Final[frozenset[str]] = frozenset({
    "asphalt", "paved", "concrete", "concrete:plates", "concrete:lanes", "paving_stones",
    "sett", "compacted", "fine_gravel", "metal", "wood", "boardwalk", "tarmac",
    "compacted gravel",
})
#: lit=* values meaning the path is lit after dark (OSM wiki Key:lit).
LIT_VALUES: Final[frozenset[str]] = frozenset({"yes", "24/7", "automatic", "limited", "interval",
                                        "sunset-sunrise", "dusk-dawn"})
#: Parts of the accessibility score (our choice; sum 1).
@dataclass(frozen=True)
class AccessParts(Parts):
    step_free: float
    surfaced: float
    bus: float
    lit: float


ACCESS_PARTS: Final = AccessParts(step_free=0.35, surfaced=0.25, bus=0.25, lit=0.15)
#: A bus stop counts when within this straight-line distance of an entrance (TfL/CIHT 400 m).
BUS_NEAR_M: Final = 400.0
#: Paths "inside" a site: a segment whose midpoint lies within the site grown by this, metres
#: (our choice: edge paths drawn along the boundary belong to the site).
INSIDE_TOLERANCE_M: Final = 5.0

# --- Privacy ----------------------------------------------------------------------------------

#: Busy spots for a 1:1 session (children's play, team sports): leisure=* values.
BUSY_LEISURE: Final[frozenset[str]] = frozenset({"playground", "pitch", "sports_centre",
                                          "fitness_station"})
#: A point of the site is a quiet corner when farther than this from a busy spot, metres (our
#: choice: beyond 100 m children's play is background, not overhearing distance).
QUIET_SPOT_M: Final = 100.0
#: …and secluded when farther than this from any mapped path or road, metres (our choice:
#: 30 m — out of earshot of a normal conversation on the path).
SECLUDED_PATH_M: Final = 30.0
#: Entrances per hectare at which the entrance part halves: 1 / (1 + density / this)
#: (our choice: 1 per ha is a small, porous town park).
ENTRANCES_PER_HA_HALF: Final = 1.0
#: Parts of the privacy score (our choice; sum 1).
@dataclass(frozen=True)
class PrivacyParts(Parts):
    quiet_corners: float
    secluded: float
    entrances: float


PRIVACY_PARTS: Final = PrivacyParts(quiet_corners=0.4, secluded=0.3, entrances=0.3)

# --- Paths (group walks) ----------------------------------------------------------------------

#: Length of walkable path inside the site that scores full marks, metres: Walking for Health
#: walks are 1–3 miles (docs/architecture.md#access-standards); 3 km of paths lets a 2-mile
#: walk vary its route.
PATHS_FULL_M: Final = 3000.0
#: Parts: path length vs. a loop (the site's paths contain a cycle) (our choice).
@dataclass(frozen=True)
class PathsParts(Parts):
    length: float
    loop: float


PATHS_PARTS: Final = PathsParts(length=0.6, loop=0.4)

# --- Sampling ---------------------------------------------------------------------------------

#: Area shares (quiet, secluded, …) are measured at up to this many grid points per site
#: (our choice: ±5 % on a share, fast for a county's 1,000 sites).
SAMPLE_POINTS: Final = 150
