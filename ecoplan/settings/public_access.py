"""Evidence that the public may use a piece of land (issue 19), and the parks class (issue 11.3).

Most English woods, lakes and stream banks are private land. OSM rarely says so, and rarely
says the opposite; before a site falls back to access "unknown", ecoplan looks for the
evidence OSM does hold. Each rule names its source. A site's ``access_evidence`` column says,
in a few words, which rule decided.
"""

from __future__ import annotations

from typing import Final

# --- Operators that open their land -------------------------------------------------------------
#: (regular expression matched case-insensitively against ``operator=*``, access level, label).
#: Level "public" where a legal right of access exists, "permissive" where access is by the
#: owner's published policy (it can be withdrawn, and some sites charge or close at night).
OPEN_OPERATORS: Final[tuple[tuple[str, str, str], ...]] = (
    # Forestry Commission freehold woodland was dedicated as access land under CRoW Act 2000
    # s.16 in 2005 ("Forestry England: Access to the nation's forests", forestryengland.uk;
    # Natural England, "CRoW Act 2000: dedicated land"). Forest Enterprise is the old name.
    (r"forestry\s+(?:england|commission)|forest\s+enterprise|forestry\s+and\s+land\s+scotland",
     "public", "Forestry England"),
    # "Our woods are free to visit and open to everyone" (Woodland Trust, "Visiting woods",
    # woodlandtrust.org.uk; its public access policy opens almost all its woods on foot).
    (r"woodland\s+trust", "permissive", "Woodland Trust"),
    # National Trust countryside is open on foot ("open for ever, for everyone",
    # nationaltrust.org.uk, "Countryside access"); some houses and gardens charge: permissive.
    (r"national\s+trust", "permissive", "National Trust"),
    # The 46 Wildlife Trusts open most of their 2,300 reserves free of charge
    # (wildlifetrusts.org, "Nature reserves"); RSPB reserves likewise (rspb.org.uk, "Reserves").
    (r"wildlife\s+trust", "permissive", "a wildlife trust"),
    (r"\brspb\b|royal\s+society\s+for\s+the\s+protection\s+of\s+birds", "permissive", "RSPB"),
    # National Nature Reserves managed by Natural England are open to visitors
    # (gov.uk, "National Nature Reserves in England").
    (r"natural\s+england", "permissive", "Natural England"),
    # Towpaths are open to all on foot (Canal & River Trust, "Towpath code"; British
    # Waterways was its predecessor).
    (r"canal\s*(?:&|and)\s*river\s+trust|british\s+waterways", "permissive",
     "Canal & River Trust"),
    # Green space held by a local authority is public open space (Open Spaces Act 1906 s.10;
    # Public Health Act 1875 s.164): county, district, borough, city, town and parish councils.
    (r"\bcouncil\b|\bcorporation\s+of\s+london\b|\bcity\s+of\s+london\b", "public",
     "the local council"),
    # The Royal Parks are open to the public (royalparks.org.uk).
    (r"royal\s+parks", "public", "The Royal Parks"),
)

# --- Open-access tagging on the land itself ------------------------------------------------------
#: ``designation=*`` values that grant access on foot over the whole area (OSM wiki
#: Key:designation, "United Kingdom": access_land = CRoW Act 2000 open access land; common =
#: registered common land, access land by CRoW Act 2000 s.1(1); country parks are open to the
#: public by the Countryside Act 1968 s.7).
OPEN_ACCESS_DESIGNATIONS: Final[frozenset[str]] = frozenset({"access_land", "common",
                                                              "country_park"})

# --- Public rights of way -------------------------------------------------------------------------
#: ``designation=*`` values of English and Welsh public rights of way (OSM wiki
#: Key:designation; Wildlife and Countryside Act 1981 s.66), with the words used in evidence.
#: ``byway_open_to_all_vehicles`` is a common misspelling of BOAT on the Isle of Wight (taginfo).
PROW_DESIGNATIONS: Final[dict[str, str]] = {
    "public_footpath": "public footpath",
    "public_bridleway": "public bridleway",
    "restricted_byway": "restricted byway",
    "byway_open_to_all_traffic": "byway",
    "byway_open_to_all_vehicles": "byway",
    "byway": "byway",
}
#: Permissive paths: the owner lets people walk there (OSM wiki Key:designation).
PERMISSIVE_PATH_DESIGNATIONS: Final[dict[str, str]] = {
    "permissive_footpath": "permissive footpath",
    "permissive_bridleway": "permissive bridleway",
}
#: Paths whose ``foot=*`` says walking is a right (OSM wiki Key:foot: ``designated`` = a legal
#: designation, ``yes`` = legal right of way), as issue 19 lists them.
PROW_HIGHWAYS: Final[frozenset[str]] = frozenset({"footway", "path", "bridleway"})
PROW_FOOT: Final[frozenset[str]] = frozenset({"yes", "designated"})
#: A right of way counts as crossing or running inside a site when at least this much of it
#: lies more than ``PROW_INSIDE_INSET_M`` inside the outline (our choice: a path drawn along a
#: field edge, sharing the outline's nodes, does not cross the land).
PROW_INSIDE_INSET_M: Final = 2.0
PROW_MIN_INSIDE_M: Final = 10.0

# --- Water ----------------------------------------------------------------------------------------
#: Strips of these categories count as confirmed only where a path runs beside them (issue 19:
#: the banks of small streams and most lakes in England are private; the public may stand on a
#: path or pavement that runs beside the water). "Beside" is an open-edge entrance: a walkable
#: way within ``settings.osm.OPEN_EDGE_MAX_M`` of an unfenced edge.
WATER_NEEDS_PATH: Final[frozenset[str]] = frozenset({"stream", "lake"})

# --- The parks class (issue 11 point 3) -----------------------------------------------------------
#: Site categories that make a *park*: public parks and gardens, recreation grounds, playing
#: fields and pitches, village greens, commons. The reference is ONS "Access to public parks
#: and playing fields" (2020), built from OS Open Greenspace functions "Public Park Or Garden"
#: and "Playing Field" (OS Open Greenspace technical specification v1.2, 2020); OSM equivalents
#: per the OSM wiki (Tag:leisure=park, leisure=garden, leisure=recreation_ground,
#: landuse=recreation_ground, landuse=village_green, leisure=common, leisure=pitch). Commons
#: and greens are added because they are town and village parks in all but name in England.
#: Left out, as ONS does: play spaces, cemeteries, golf courses, allotments, nature reserves,
#: woods, amenity grass.
PARK_CATEGORIES: Final[frozenset[str]] = frozenset({
    "park", "garden", "recreation_ground", "village_green", "common", "pitch",
})

#: A site (parts unioned: a park and the wood beside it are one site) is in the parks class
#: when its park-class parts cover at least this share of it (our choice: a majority rule, as
#: settings.osm.RESTRICTED_ZONE_OVERLAP; the site's entrances are then mostly the park's).
PARK_MIN_SHARE: Final = 0.5

#: Pitches that are not green space: hard courts (OSM wiki Key:surface; Tag:leisure=pitch —
#: tennis, basketball, netball and multi-use games areas are usually tarmac or artificial).
HARD_PITCH_SURFACES: Final[frozenset[str]] = frozenset({
    "asphalt", "concrete", "paved", "tartan", "clay", "artificial_turf", "acrylic",
    "paving_stones", "sand", "compacted", "fine_gravel", "gravel", "rubber",
})
HARD_PITCH_SPORTS: Final[frozenset[str]] = frozenset({
    "tennis", "basketball", "netball", "skateboard", "multi", "boules", "bowls", "padel",
    "equestrian", "shooting", "motor", "karting", "athletics",
})
