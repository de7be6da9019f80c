"""Deprivation (need), population, boundary and origin settings.

File layouts follow the published files: MHCLG "English Indices of Deprivation 2019" Files 1, 2
and 6 (gov.uk, 26 Sep 2019, saved as CSV), the humaniverse/IMD conversion of the IoD 2025
(LSOA 2021) and the ONS "LSOA (2011) to LSOA (2021) to LAD (2022)" lookup. See
``shared/data/README.md`` for the exact headers.
"""

from __future__ import annotations

import re
from typing import Final

# --- Licences ---------------------------------------------------------------------------------

#: MHCLG IoD data (OGL v3) — shown beside every result that uses deprivation or population.
IOD_ATTRIBUTION: Final = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
#: ONS boundaries and lookups (OGL v3, ONS Open Geography Portal licence wording).
ONS_BOUNDARY_ATTRIBUTION: Final = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
    "Contains OS data © Crown copyright and database right"
)

# --- Codes ------------------------------------------------------------------------------------

#: LSOA codes: E01 (England) / W01 (Wales) + 6 digits (ONS Register of Geographic Codes).
LSOA_CODE: Final = re.compile(r"^[EW]01\d{6}$")

#: Number of ranked LSOAs per edition: deciles are rank bands of N/10 (IoD2019 Technical
#: Report §3; 32,844 LSOA 2011 in England; IoD2025: 33,755 LSOA 2021 in England).
N_RANKED: Final[dict[str, int]] = {"IoD2019": 32_844, "IoD2025": 33_755}
#: Which LSOA vintage each edition is published on.
EDITION_VINTAGE: Final[dict[str, str]] = {"IoD2019": "2011", "IoD2025": "2021"}

# --- IoD 2019 (gov.uk CSV exports of the XLSX sheets) -----------------------------------------

#: Headers are matched after lower-casing and collapsing white space; "prefix" matching lets
#: File 2's "(where 1 is most deprived)" suffixes through.
IOD2019_CODE: Final = "lsoa code (2011)"
IOD2019_NAME: Final = "lsoa name (2011)"
IOD2019_LAD_CODE: Final = "local authority district code (2019)"
IOD2019_LAD_NAME: Final = "local authority district name (2019)"
IOD2019_IMD_RANK: Final = "index of multiple deprivation (imd) rank"
IOD2019_IMD_DECILE: Final = "index of multiple deprivation (imd) decile"
IOD2019_POPULATION: Final = "total population: mid 2015"
#: File 2 domain header prefixes → our domain key (same keys as IoD2025 below).
IOD2019_DOMAINS: Final[dict[str, str]] = {
    "income": "income",
    "employment": "employment",
    "education, skills and training": "education",
    "health deprivation and disability": "health",
    "crime": "crime",
    "barriers to housing and services": "housing_services",
    "living environment": "environment",
}

# --- IoD 2025 (humaniverse/IMD imd2025_england_lsoa21 → CSV) ----------------------------------

IOD2025_CODE: Final = "lsoa21_code"
IOD2025_NAME: Final = "lsoa21_name"
#: humaniverse domain prefix → our domain key.
IOD2025_DOMAINS: Final[dict[str, str]] = {
    "Income": "income",
    "Employment": "employment",
    "Education": "education",
    "Health": "health",
    "Crime": "crime",
    "Housing_and_Services": "housing_services",
    "Environment": "environment",
}

# --- Lookup -----------------------------------------------------------------------------------

LOOKUP_COLUMNS: Final = ("lsoa11_code", "lsoa21_code", "change_code")
#: ONS change codes: U unchanged, S split (one 2011 → several 2021), M merged (several 2011 →
#: one 2021), X irregular (redrawn, many-to-many).
CHANGE_CODES: Final = ("U", "S", "M", "X")

# --- Boundaries -------------------------------------------------------------------------------

#: Candidate id columns, tried in order, case-insensitively (ONS portal names first).
BOUNDARY_CODE_COLUMNS: Final[tuple[str, ...]] = (
    "LSOA11CD", "LSOA21CD", "lsoa11_code", "lsoa21_code", "LSOA_code", "lsoa_cd", "LSOA",
    "area_code", "code", "geo_code", "DataZone", "DZ2011_cd", "id",
)
BOUNDARY_NAME_COLUMNS: Final[tuple[str, ...]] = (
    "LSOA11NM", "LSOA21NM", "lsoa11_name", "lsoa21_name", "LSOA_name", "area_name", "name",
    "Name",
)
#: Coordinates inside this box are taken as lon/lat when a file carries no CRS.
LONLAT_BOUNDS: Final = (-180.0, -90.0, 180.0, 90.0)
#: Extent of British National Grid (EPSG:27700) coordinates, metres: the grid's 700 km ×
#: 1,300 km true-origin square (Ordnance Survey, "A guide to coordinate systems in Great
#: Britain", §6). Used only to name the likely CRS in an error message.
BNG_BOUNDS: Final = (0.0, 0.0, 700_000.0, 1_300_000.0)

# --- Origins (where people live) --------------------------------------------------------------

#: building=* values that house people (OSM wiki Key:building, "Accommodation" group) plus
#: untagged 'yes', which in UK OSM is mostly houses. Anything else is excluded.
RESIDENTIAL_BUILDINGS: Final[frozenset[str]] = frozenset({
    "yes", "house", "residential", "apartments", "terrace", "detached", "semidetached_house",
    "semi", "semi-detached", "bungalow", "dormitory", "farm", "farmhouse", "houseboat",
    "static_caravan", "cabin", "flats", "flat", "maisonette", "cottage", "townhouse",
    "sheltered_housing", "hall_of_residence", "terraced_house",
})
#: Listed so readers see what is deliberately left out (OSM wiki Key:building, commercial,
#: religious, civic, agricultural, storage groups). Not consulted: not-in-the-list = excluded.
NON_RESIDENTIAL_BUILDINGS: Final[frozenset[str]] = frozenset({
    "industrial", "commercial", "retail", "office", "warehouse", "supermarket", "kiosk",
    "church", "chapel", "cathedral", "mosque", "synagogue", "temple", "monastery", "religious",
    "school", "college", "university", "kindergarten", "hospital", "public", "civic",
    "government", "train_station", "transportation", "station", "garage", "garages",
    "carport", "shed", "hut", "barn", "cowshed", "stable", "glasshouse", "greenhouse",
    "farm_auxiliary", "roof", "construction", "ruins", "service", "hotel", "sports_hall",
    "stadium", "parking", "toilets", "bunker", "signalbox", "elevator", "manufacture",
    "water_tower", "boathouse", "silo", "storage_tank", "transformer_tower",
})
#: Footprints smaller than this are sheds/garages even when tagged 'yes' (our choice: the
#: Nationally Described Space Standard (DCLG 2015) minimum dwelling is 37 m² floor area; a
#: two-storey home of that size has an ~19-25 m² footprint, a single garage ~15-18 m²).
MIN_UNTYPED_FOOTPRINT_M2: Final = 25.0
#: Buildings stand for an area's homes only when OSM maps enough of them: at least this share
#: of the expected households (population / HOUSEHOLD_SIZE). Below it, a few mapped houses
#: would carry everyone, so street nodes are used instead (our choice; on the 2015 Isle of Wight
#: extract 51 of 83 LSOAs with any residential building had under 10 % mapped).
MIN_BUILDING_COVERAGE: Final = 0.25
#: Average household size, UK 2015 (ONS "Families and Households in the UK: 2015": 2.4).
HOUSEHOLD_SIZE: Final = 2.4
#: With no population known, an English or Welsh LSOA (code E01…/W01…) is expected to hold
#: this many households, so the coverage test above still applies and an area's origins do not
#: change with whether a population file was given (issue 11: without File 6, 15 Isle of Wight
#: LSOAs switched method and one area's share with a park within 10 minutes went 0.91 → 0).
#: Source: ONS Census 2021, 23.4 million households in England in 33,755 LSOAs ≈ 693 (ONS
#: designs LSOAs to hold 400-1,200 households).
LSOA_MEAN_HOUSEHOLDS: Final = 693
#: LSOA codes (England E01, Wales W01, 2011 and 2021 alike: ONS code history database).
LSOA_CODE_PATTERN: Final = r"^[EW]01\d{6}$"
#: Other areas with no population known: buildings are used when at least this many are
#: mapped (our choice: ~3 % of the ~650 households of a typical LSOA).
MIN_BUILDINGS_WITHOUT_POPULATION: Final = 20
#: At most this many origin points per area, so the access step stays fast (our choice: 200
#: points keep the walk-time error from aggregation well below one street block in an LSOA of
#: ~1,500 people / ~650 homes).
MAX_ORIGIN_POINTS: Final = 200
#: Street types whose nodes stand in for homes when an area has no residential buildings
#: (OSM wiki Key:highway: roads people live on; not motorways, tracks or paths).
POPULATED_STREETS: Final[frozenset[str]] = frozenset({
    "residential", "living_street", "unclassified", "service", "tertiary", "secondary",
    "primary", "tertiary_link", "secondary_link", "primary_link", "pedestrian", "road",
})

#: Version of the origin model, part of the access cache key (2026.1: homes in residential
#: land; 2026.2: not where that land is only partly mapped).
ORIGINS_VERSION: Final = "2026.2"
#: Land where people live (OSM wiki Tag:landuse=residential: "predominantly houses or apartment
#: buildings"). Where an area has such land, its homes are taken to lie there: residential
#: buildings and street nodes outside it (farm sheds, industrial units, country lanes between
#: villages) are not origins. This is dasymetric mapping with land use as the ancillary layer
#: (Mennis 2003, "Generating surface models of population using dasymetric mapping", The
#: Professional Geographer 55(1); Eicher & Brewer 2001); ONS's park distances start at
#: address points, which cluster in the same places (issue 11.3).
RESIDENTIAL_LANDUSE: Final[frozenset[str]] = frozenset({"residential"})
#: A street node or building counts as in residential land within this distance of it: in UK
#: mapping the landuse outline often follows the kerb or the back of the footway, so the
#: centre line of the street that serves an estate lies just outside it (Manual for Streets,
#: DfT 2007, chapters 6-7: residential carriageways 4.8-5.5 m, footways 2 m, i.e. ~5 m from
#: the centre line to the back of the footway; doubled for drawing imprecision).
RESIDENTIAL_LAND_TOLERANCE_M: Final = 10.0
#: Streets that serve housing by definition (OSM wiki Tag:highway=residential, living_street).
RESIDENTIAL_STREETS: Final[frozenset[str]] = frozenset({"residential", "living_street"})
#: Residential land stands for where an area's people live only if at least this share of the
#: nodes of its residential streets lie in it; below, the land is taken as partly mapped (a
#: corner of the area) and every home and street counts, as without land. Half: a majority
#: of the housing streets. On the 2015 Isle of Wight extract 86 of 89 LSOAs pass (median 95 %
#: of residential-street nodes in the land; `tests/test_need_origins.py`).
RESIDENTIAL_LAND_MIN_STREET_SHARE: Final = 0.5

# --- Generic need layer -----------------------------------------------------------------------

#: Deciles, as in the IoD: 1 = most needy 10 %.
N_DECILES: Final = 10
