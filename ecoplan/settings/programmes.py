"""Programmes: a season of sessions — lengths, daylight, site choice.

How the printed leaflet looks (paper, type sizes, map share) lives next to it, in
:mod:`ecoplan.programmes.print_style`.

Each number carries its source; where it is our own choice the comment says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ecoplan.settings.parts import Parts

# --- Sessions ---------------------------------------------------------------------------------

#: Walking for Health scheme standards (as quoted in issue #17): schemes run at least one
#: 30-minute walk a week and no walk lasts over 90 minutes. We refuse longer sessions
#: and note shorter ones (a 20-minute walk for frail walkers is fine, it just is not a WfH walk).
WFH_SHORTEST_MIN: Final = 30
MAX_SESSION_MIN: Final = 90
#: Shortest session we plan (our choice: below 10 minutes there is no loop worth printing).
MIN_SESSION_MIN: Final = 10
#: Number of sessions in one programme (issue #17: ecotherapy groups typically meet weekly for
#: 6–12 weeks; our cap of 52 is a year of weekly walks).
MIN_SESSIONS: Final = 1
MAX_SESSIONS: Final = 52
TYPICAL_SESSIONS: Final = (6, 12)
#: How often sessions repeat, in days.
EVERY_DAYS: Final[dict[str, int]] = {"week": 7, "fortnight": 14}
#: Weekday names accepted by ``--day`` (Monday = 0, as ``datetime.date.weekday``).
WEEKDAYS: Final[dict[str, int]] = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}
#: Session profiles and their walking speed preset (settings.network.SPEED_PRESETS_KMH); a
#: wheelchair group walks at the frail pace (our choice, no published UK figure) and is always
#: planned step-free.
PROFILE_SPEED: Final[dict[str, str]] = {
    "default": "default", "older-adults": "older-adults", "frail": "frail",
    "wheelchair": "frail",
}
ALWAYS_STEP_FREE_PROFILES: Final[frozenset[str]] = frozenset({"wheelchair"})

# --- Daylight ---------------------------------------------------------------------------------

#: Finish this many minutes before sunset (Ramblers walk-leader guidance asks for "sufficient
#: daylight"; our margin, the same 60 min the session planner uses, leaves time for a late
#: start, a slow walker or a fall in winter, when dusk comes fast).
DAYLIGHT_MARGIN_MIN: Final = 60.0
#: Never start before sunrise plus this margin (our choice: frost and low sun in the first half
#: hour of a winter morning).
AFTER_SUNRISE_MIN: Final = 30.0

# --- Site pool and choice ---------------------------------------------------------------------

#: Default number of ranked sites tried as the pool (our choice: enough for a site a week over
#: a 12-week programme without walking the whole ranking; each costs one loop search, ~0.2 s).
DEFAULT_TOP: Final = 12
#: Purpose whose ranking makes the pool (settings.ranking.PURPOSE_WEIGHTS: Walking for Health
#: needs — toilets, a meeting point, a loop, usable by less mobile walkers).
DEFAULT_PURPOSE: Final = "group-walk"
#: Entrances tried per site for a loop before giving up on it (our choice: tagged gates first,
#: then the ones nearest the network; a third rarely helps).
ENTRANCES_TRIED: Final = 2
#: Weights of the site-choice score (our choices): the site's ranking score (0..1) leads; a
#: change of habitat from last week (woodland, water, open ground, park) is worth about as much
#: as the gap between the 1st and 5th ranked site on the island; facilities (toilets, benches,
#: shelter) for the group next. Repeats are not weighed: the least-used sites are always
#: chosen first (programmes.season).
@dataclass(frozen=True)
class ChoiceWeights:
    rank: float
    new_habitat: float
    facilities: float


CHOICE_WEIGHTS: Final = ChoiceWeights(rank=1.0, new_habitat=0.25, facilities=0.30)
#: Facility parts of the choice score (our choice: Walking for Health asks schemes for toilets
#: on or near the route first; older walkers need somewhere to sit; shelter helps in rain).
@dataclass(frozen=True)
class FacilityParts(Parts):
    toilets: float
    benches: float
    shelter: float


FACILITY_PARTS: Final = FacilityParts(toilets=0.5, benches=0.3, shelter=0.2)
#: Benches counted before the score stops growing (our choice: one every ~1 km of a 3 km loop).
BENCHES_ENOUGH: Final = 3
#: Habitats for variety, in the order a site's categories are read (its largest part first).
HABITATS: Final[tuple[str, ...]] = ("woodland", "water", "open ground", "park")

#: Nearest bus stop and toilets are searched this far from the meeting point along paths,
#: metres (CIHT "Buses in Urban Developments" 2018: bus stops within 400 m in most areas; we
#: still mention one up to 800 m — a 15-minute walk for older adults — and toilets up to 1 km,
#: the help-nearby radius in settings.support).
BUS_STOP_MAX_M: Final = 800.0
TOILETS_MAX_M: Final = 1000.0
#: An unnamed site is called as the other commands describe it
#: (:func:`ecoplan.sites.describe.describe_unnamed`, "Grassland near Dunsbury"); its meeting
#: point says which street it is on.

# --- Weather checks and swaps -----------------------------------------------------------------

#: A forecast for a place farther than this from the session's site is not used for it (our
#: choice: Open-Meteo's models run at 1–11 km; 25 km is still the same weather on an island or
#: a county, beyond that sea and hills change it).
FORECAST_MAX_KM: Final = 25.0
#: Time swaps try starts this many minutes apart on the same day (our choice: half-hours are
#: what a leader can tell a group), from this hour at the earliest.
TIME_SWAP_STEP_MIN: Final = 30
EARLIEST_START_HOUR: Final = 8
#: Proposals offered per session whose verdict is rethink (our choice: two other sites and the
#: nearest better time are enough to choose from).
MAX_SITE_SWAPS: Final = 2
MAX_TIME_SWAPS: Final = 1

# --- What to bring, by meteorological season (Met Office: winter = Dec–Feb, spring = Mar–May,
# summer = Jun–Aug, autumn = Sep–Nov). Items from Walking for Health "what to wear and bring"
# advice and the UKHSA cold/heat-health guidance for older people.

SEASONS: Final[dict[int, str]] = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring",
                           5: "spring", 6: "summer", 7: "summer", 8: "summer", 9: "autumn",
                           10: "autumn", 11: "autumn"}
BRING: Final[dict[str, tuple[str, ...]]] = {
    "winter": (
        "Warm layers, a hat and gloves",
        "A waterproof coat",
        "Shoes or boots with a good grip (frost and mud)",
        "A warm drink and any medication you need",
    ),
    "spring": (
        "Layers you can take off",
        "A waterproof coat",
        "Comfortable shoes with a good grip",
        "Water and any medication you need",
    ),
    "summer": (
        "Water (at least 500 ml)",
        "A sun hat and sunscreen",
        "Comfortable shoes",
        "A light waterproof and any medication you need",
    ),
    "autumn": (
        "Layers and a waterproof coat",
        "Shoes or boots with a good grip (wet leaves and mud)",
        "Water and any medication you need",
    ),
}
#: Site-specific extras.
BRING_UNSURFACED: Final = "Paths here are earth or grass: waterproof boots help"
BRING_NO_TOILETS: Final = "There are no toilets on this walk: use one before you come"

# --- Storage and input limits -----------------------------------------------------------------

# row in the shared schema_version table of the plans database
SCHEMA_COMPONENT: Final = "programmes"
#: Longest programme name and leader contact, characters (our choice: a leaflet title line).
MAX_NAME_LEN: Final = 80
MAX_CONTACT_LEN: Final = 120
