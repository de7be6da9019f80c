"""Support around a site: which OSM features count as community resources or help, and how far
we look for them.

Tag meanings follow the OSM wiki (Key:amenity, Key:healthcare, Key:emergency,
Tag:emergency=defibrillator, Key:social_facility, Key:garden:type, Tag:tourism=information,
Key:information). Where a number is our own choice it says so and why.
"""

from __future__ import annotations

from typing import Final

# --- How far we look -------------------------------------------------------------------------

#: Default search radius for community resources, metres of walking (Natural England counts
#: 1 km ≈ 15 minutes' walk — the "15-minute" headline in docs/architecture.md#access-standards).
DEFAULT_RADIUS_M: Final = 1000.0
#: Allowed radius range (our choice: below 100 m almost nothing is found; beyond 5 km — over an
#: hour's walk at 4.8 km/h — a place is no longer "around the site").
MIN_RADIUS_M: Final = 100.0
MAX_RADIUS_M: Final = 5000.0

#: A point of interest joins the path network at its nearest node when within this distance
#: (our choice: a building's mapped point is rarely more than ~100 m from its access road; 250 m
#: covers large hospital or leisure-centre sites); beyond, only the straight line is shown.
POI_MAX_SNAP_M: Final = 250.0
#: A user's chosen point must lie this close to a mapped path or road, else it is taken to be
#: outside the data (same cap the access stage uses for homes: settings.network.ORIGIN_MAX_SNAP_M).
POINT_MAX_SNAP_M: Final = 500.0

#: Walking-network search limit, metres (our choice: covers the largest help radius walked,
#: so one Dijkstra pass from the site serves every list).
NETWORK_LIMIT_M: Final = 5000.0

# --- Duplicates --------------------------------------------------------------------------------

#: Two features of the same category with the same normalised name within this distance are
#: one place mapped twice (our choice: a node and a building polygon of the same library sit
#: tens of metres apart at most; two real branches of one chain are further apart).
DEDUPE_M: Final = 50.0

# --- Community resources (signposting) --------------------------------------------------------
# (category key, plain label, rules). A rule is (key, value) — value None = any value. The first
# category whose rule matches wins, so more specific categories come first.

COMMUNITY_CATEGORIES: Final[tuple[tuple[str, str, tuple[tuple[str, str | None], ...]], ...]] = (
    ("gardens", "Community gardens & allotments", (
        ("garden:type", "community"), ("landuse", "allotments"), ("leisure", "allotments"),
        ("amenity", "community_garden"),
    )),
    ("community", "Community centres & social support", (
        ("amenity", "community_centre"), ("amenity", "social_facility"),
        ("amenity", "social_centre"),
    )),
    ("libraries", "Libraries", (("amenity", "library"),)),
    ("volunteering", "Conservation & volunteering bases", (
        ("amenity", "ranger_station"), ("club", "conservation"), ("club", "environment"),
    )),
    ("information", "Visitor & information centres", (("tourism", "information"),)),
    ("sports", "Outdoor gyms & sports", (
        ("leisure", "fitness_station"), ("leisure", "sports_centre"),
        ("leisure", "fitness_centre"),
    )),
    ("cafes", "Cafés", (("amenity", "cafe"),)),
    ("worship", "Places of worship (often host groups)", (("amenity", "place_of_worship"),)),
)

#: leisure=garden counts as a community garden when its name or operator says so (issue #8:
#: "leisure=garden with community operators"); plain public gardens are green sites already.
COMMUNITY_GARDEN_WORDS: Final[tuple[str, ...]] = ("community", "allotment", "growing")

#: social_facility values that are somewhere people live, not somewhere to be signposted to
#: (OSM wiki Key:social_facility: group_home, nursing_home, assisted_living are residential).
RESIDENTIAL_SOCIAL_FACILITY: Final[frozenset[str]] = frozenset(
    {"group_home", "nursing_home", "assisted_living"}
)

#: tourism=information is a visitor centre when information=office|visitor_centre (OSM wiki
#: Tag:tourism=information). Boards, maps and guideposts are not places to go. If the data has
#: no ``information`` column, a *named* information point is kept (unnamed ones are almost
#: always boards or guideposts) and labelled as unconfirmed.
INFORMATION_OFFICE_VALUES: Final[frozenset[str]] = frozenset({"office", "visitor_centre"})

#: No OSM tag marks a conservation-volunteer base; offices/clubs whose name contains one of these
#: words are counted (our choice, e.g. "The Conservation Volunteers", "Wildlife Trust").
VOLUNTEER_NAME_WORDS: Final[tuple[str, ...]] = ("conservation", "volunteer", "wildlife trust")
VOLUNTEER_OFFICE_VALUES: Final[frozenset[str]] = frozenset({"ngo", "charity", "association"})

# --- Help nearby (safety plan) ---------------------------------------------------------------
# (key, label, search radius m, radius basis, how many to list, rules)

HELP_CATEGORIES: Final[
    tuple[tuple[str, str, float, int, tuple[tuple[str, str | None], ...]], ...]
] = (
    # Issue #8: "no defibrillator mapped within 1 km"; 1 km is also about the farthest a helper
    # can fetch one and return in the ~10 minutes of CPR before survival falls steeply
    # (Resuscitation Council UK guidance on public-access defibrillators).
    ("defibrillator", "Defibrillator", 1000.0, 3, (
        ("emergency", "defibrillator"), ("amenity", "defibrillator"),
    )),
    # An emergency department is driven to, not walked to: our choice is 25 km (straight line),
    # wide enough to find the one A&E serving most English districts. Only hospitals OSM tags
    # emergency=yes, and not specialist ones (see SPECIALIST_* below); the label is worded per
    # country and says the fact is from OSM and must be confirmed (settings.advice).
    ("emergency_department", "Emergency department", 25000.0, 2, (
        ("amenity", "hospital"), ("healthcare", "hospital"),
    )),
    # Every other hospital: listed as such, never as an emergency department.
    ("hospital", "Other hospitals (no emergency department mapped)", 25000.0, 2, (
        ("amenity", "hospital"), ("healthcare", "hospital"),
    )),
    # Our choice: 2 km (~25 min walk) for urgent care, GP and pharmacy.
    ("urgent_care", "Urgent care & clinics", 2000.0, 3, (
        ("healthcare", "urgent_care"), ("amenity", "clinic"), ("healthcare", "clinic"),
    )),
    ("gp", "GP surgeries", 2000.0, 3, (("amenity", "doctors"), ("healthcare", "doctor"))),
    ("pharmacy", "Pharmacies", 2000.0, 3, (
        ("amenity", "pharmacy"), ("healthcare", "pharmacy"),
    )),
    # Our choice: 1 km for a phone, toilets and a shelter — somewhere a group can reach on foot.
    ("phone", "Public & emergency phones", 1000.0, 3, (
        ("emergency", "phone"), ("amenity", "telephone"),
    )),
    ("toilets", "Public toilets", 1000.0, 3, (("amenity", "toilets"),)),
    ("shelter", "Shelters", 1000.0, 3, (("amenity", "shelter"),)),
    # Our choice: 5 km — police stations are few; this finds the local one in most towns.
    ("police", "Police stations", 5000.0, 2, (("amenity", "police"),)),
)

#: Hospitals only count as emergency departments with emergency=yes (OSM wiki Key:emergency).
EMERGENCY_YES: Final[frozenset[str]] = frozenset({"yes"})
#: healthcare:speciality values of a general hospital (OSM wiki Key:healthcare:speciality). A
#: hospital whose speciality list names none of these (psychiatry, oncology, maternity…) is
#: specialist: never shown as an emergency department, even with emergency=yes.
GENERAL_SPECIALITIES: Final[frozenset[str]] = frozenset({
    "general", "emergency", "trauma", "accident_and_emergency", "emergency_medicine",
    "intensive", "surgery", "internal",
})
#: healthcare:speciality values that keep a clinic in "urgent care & clinics": general and
#: emergency care as for hospitals, plus walk-in/urgent care (OSM wiki Key:healthcare:speciality;
#: our choice). A clinic tagged only with others (hypnosis, plastic surgery, osteopathy) is
#: left out; an untagged clinic stays (most walk-in and GP-led clinics carry no speciality).
GENERAL_CLINIC_SPECIALITIES: Final[frozenset[str]] = GENERAL_SPECIALITIES | frozenset({
    "urgent_care", "walk_in", "primary_care", "family_medicine",
})
#: Name words that mark a specialist hospital when no speciality is tagged (our choice, from
#: the hospital names that appeared as "A&E" in a city extract: psychiatric units, hospices).
SPECIALIST_NAME_WORDS: Final[tuple[str, ...]] = (
    "psychiatr", "mental health", "hospice", "rehabilitation", "maternity", "eye hospital",
    "dental hospital", "orthopaedic", "cancer",
)

# What to tell the leader when OSM has nothing in a help category: per country, in
# ecoplan.settings.advice (UK: NHS 111, defibfinder.uk, 999/101; elsewhere 112).

#: Site categories (ecoplan.settings.osm.CATEGORY_RULES) that put a session on the coast; the
#: note itself (HM Coastguard in the UK) is in ecoplan.settings.advice.
COASTAL_CATEGORIES: Final[frozenset[str]] = frozenset({"beach", "coast", "harbour", "saltmarsh"})

#: A meeting point is named after the nearest named street or path within this distance (our
#: choice: an entrance sits on or beside its path; 60 m reaches across a park gate's forecourt).
MEETING_NAME_MAX_M: Final = 60.0

# --- Local directory (user entries, same database as saved plans) ----------------------------

#: Row in the shared ``schema_version`` table (ecoplan.plans.store) for the directory tables.
SCHEMA_COMPONENT: Final = "directory"
#: Suggested categories for user entries (free text is allowed too).
DIRECTORY_CATEGORIES: Final[tuple[str, ...]] = (
    "Peer support group", "Crisis line", "Social prescribing link worker",
    "Community gardens & allotments", "Community centres & social support",
    "Conservation & volunteering bases", "Health", "Other",
)
#: Field length limits (our choice: enough for a name, phone, URL and a short note).
MAX_NAME_LEN: Final = 200
MAX_FIELD_LEN: Final = 500
MAX_NOTES_LEN: Final = 2000
#: URL schemes allowed in entries (anything else — e.g. javascript: — is refused).
URL_SCHEMES: Final[tuple[str, ...]] = ("http", "https", "mailto", "tel")

# --- Sheet -----------------------------------------------------------------------------------

#: Rows per community category on the one-page sheet (the CSV has all of them).
SHEET_ROWS_PER_CATEGORY: Final = 4
#: Meeting points listed on the sheet.
SHEET_MEETING_POINTS: Final = 4
