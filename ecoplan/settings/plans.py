"""Session plans: database, group profiles, site-feature vocabulary, leader checklist."""

from __future__ import annotations

from typing import Final

from ecoplan.settings import osm as _osm

# --- Saved-plans database ---------------------------------------------------------------------

DB_FILENAME: Final = "plans.sqlite"  # under ecoplan.settings.paths.data_dir()
DB_URL_ENV: Final = "ECOPLAN_DB_URL"  # any SQLAlchemy URL, e.g. postgresql+psycopg://…
# our choice: writers wait up to 30 s for the lock, never fail fast
SQLITE_BUSY_TIMEOUT_MS: Final = 30_000
# row in the shared schema_version table (others use their own name)
SCHEMA_COMPONENT: Final = "plans"

#: Plans are refused for sessions more than this many days ahead. Our choice: two years
#: covers planning next year's programme in full; anything later is a typo (and hand-entered
#: conditions for it would say GO for a guess). Far from the calendar's end, so date
#: arithmetic never overflows (9999-12-31 crashed).
MAX_DAYS_AHEAD: Final = 731

# --- Groups -----------------------------------------------------------------------------------

#: Mobility profiles; the names match settings.network.SPEED_PRESETS_KMH where they overlap.
PROFILES: Final[tuple[str, ...]] = ("default", "older-adults", "frail", "wheelchair")
#: Each profile in words, for sentences ("… at or below 5 °C for older adults").
PROFILE_WORDS: Final[dict[str, str]] = {"default": "walkers", "older-adults": "older adults",
                                        "frail": "frail walkers",
                                        "wheelchair": "wheelchair users"}
#: Profiles more sensitive to cold, heat and ice (UKHSA: older people and those with long-term
#: conditions are most at risk from heat and cold).
VULNERABLE_PROFILES: Final[frozenset[str]] = frozenset({"older-adults", "frail", "wheelchair"})
#: Profiles for whom snow/ice means rethink rather than care (falls; wheelchairs on ice).
ICE_RETHINK_PROFILES: Final[frozenset[str]] = frozenset({"frail", "wheelchair"})

# --- Site features from the sites table's ';'-joined ``categories`` ---------------------------
# Category names follow ecoplan.settings.osm.CATEGORY_RULES (the sites stage) and the OSM tags
# (OSM wiki natural=*, landuse=*,
# (OSM wiki natural=*, landuse=*, leisure=*); several spellings are accepted.

WOODLAND_CATS: Final[frozenset[str]] = frozenset({"wood", "woodland", "forest", "orchard"})
OPEN_CATS: Final[frozenset[str]] = frozenset({
    "heath", "down", "downs", "grassland", "grass", "meadow", "common", "moor", "fell",
    "scrub", "nature_reserve", "recreation_ground",
})
COAST_CATS: Final[frozenset[str]] = frozenset({
    "coast", "coastline", "beach", "cliff", "sea", "shingle", "bay", "dune", "saltmarsh",
    "harbour",
})
WATER_CATS: Final[frozenset[str]] = frozenset({
    "river", "riverbank", "lake", "water", "canal", "stream", "reservoir", "pond",
    "wetland", "blue",
})
#: Words ``plan --lat/--lon --categories`` accepts: the ones above plus every category the
#: sites stage writes (``settings.osm.CATEGORY_RULES``), so a kind copied from 'ecoplan sites'
#: works. Any other word is refused: a dropped word used to make a forest "open ground".
KNOWN_CATS: Final[frozenset[str]] = (
    WOODLAND_CATS | OPEN_CATS | COAST_CATS | WATER_CATS
    | frozenset(rule[2] for rule in _osm.CATEGORY_RULES)
)
#: Categories normally walked on grass or earth (mud when wet) unless surfaces say otherwise.
UNSURFACED_CATS: Final[frozenset[str]] = WOODLAND_CATS | OPEN_CATS | COAST_CATS | WATER_CATS

# --- Leader checklist -------------------------------------------------------------------------

#: Always on the list (Walking for Health / Ramblers walk-leader guidance). The phone line,
#: with the country's emergency number, comes first (ecoplan.settings.advice).
STANDARD_CHECKLIST: Final[tuple[str, ...]] = (
    "First aid kit",
    "Register of walkers with emergency contacts and medical notes",
    "Meeting point agreed and shared",
    "Route walked and risk-assessed beforehand",
)
