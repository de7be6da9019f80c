"""Access standards, gap rules and caching for the access step
(docs/architecture.md#access-standards).

Every standard is *size + proximity*: sites of at least ``min_ha`` within ``max_m`` (or within
``minutes`` at the user's walking speed). The published standards quote straight-line
distances; ecoplan measures along the walking network from where people live to site entrances
and reports the straight-line variant beside it, labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: Bump when a standard, a rule below or the result schema changes: cached results carry it,
#: so old cache entries stop matching instead of showing stale numbers.
STANDARDS_VERSION: Final = "2026.2"

#: Site kinds (``sites.kind``).
GREEN_KINDS: Final[frozenset[str]] = frozenset({"green", "green+blue"})
BLUE_KINDS: Final[frozenset[str]] = frozenset({"blue", "green+blue"})
ANY_KINDS: Final[frozenset[str]] = frozenset({"green", "blue", "green+blue"})
#: Site access values that count as accessible. Restricted land (private, golf, allotments,
#: school grounds) is not accessible green space (docs/architecture.md#sites); 'unknown'
#: counts because most OSM parks and woods carry no access tag and UK practice treats them
#: as open unless tagged.
ACCESSIBLE: Final[frozenset[str]] = frozenset({"public", "permissive", "unknown"})

#: Labels used wherever a distance is shown, so nobody confuses the two measures.
NETWORK_LABEL: Final = "along the walking network"
STRAIGHT_LABEL: Final = "straight line (as the standard is written)"


@dataclass(frozen=True)
class Standard:
    """One size + proximity standard.

    ``max_m`` is a fixed distance; ``minutes`` (when ``max_m`` is None) is converted to metres
    at the chosen walking speed. ``kinds`` are the site kinds that qualify.
    """

    key: str
    label: str
    min_ha: float
    max_m: float | None
    minutes: float | None
    kinds: frozenset[str]
    source: str
    optional: bool = False
    #: Only sites of the parks class (``sites.park``) qualify (the parks measure).
    parks_only: bool = False

    def distance_m(self, speed_kmh: float) -> float:
        """Walking distance the standard allows at ``speed_kmh`` (km/h)."""
        if self.max_m is not None:
            return float(self.max_m)
        assert self.minutes is not None
        return float(self.minutes) * speed_kmh * 1000.0 / 60.0

    def describe(self, speed_kmh: float) -> str:
        size = f"≥{self.min_ha:g} ha" if self.min_ha > 0 else "any size"
        if self.max_m is not None:
            where = (f"≤{self.max_m / 1000:g} km" if self.max_m >= 1000
                     else f"≤{self.max_m:g} m")
        else:
            where = (f"≤{self.minutes:g} min walk ({self.distance_m(speed_kmh):,.0f} m at "
                     f"{speed_kmh:g} km/h)")
        return f"{self.label}: {size} {where}"


_GIF: Final = ("Natural England Green Infrastructure Framework (2023), "
                "Accessible Greenspace Standard")
_TPL: Final = "Trust for Public Land ParkServe: a park within a 10-minute (half-mile) walk"
_ANGST: Final = ("Natural England ANGSt (Accessible Natural Greenspace Standard), "
                  "in the GI Framework")

#: The standards measured, in report order. Green standards (AGS, ANGSt, WHO) count green and
#: green+blue sites: they are *greenspace* standards, and our blue-only sites are river bank
#: strips and coast pieces whose area is a strip, not a greenspace (our choice). The 15-minute
#: headline counts any green or blue space (Defra 2026 "Access to green and blue space in
#: England"); blue space is reported on its own too.
STANDARDS: Final[tuple[Standard, ...]] = (
    Standard("ags_doorstep", "AGS doorstep", 0.5, 200.0, None, GREEN_KINDS, _GIF),
    Standard("ags_local", "AGS local", 2.0, 300.0, None, GREEN_KINDS, _GIF),
    Standard("ags_neighbourhood", "AGS neighbourhood", 10.0, 1000.0, None, GREEN_KINDS, _GIF),
    Standard("ags_wider", "AGS wider neighbourhood", 20.0, 2000.0, None, GREEN_KINDS, _GIF),
    Standard("angst_district", "ANGSt district", 100.0, 5000.0, None, GREEN_KINDS, _ANGST),
    Standard("angst_subregional", "ANGSt sub-regional", 500.0, 10000.0, None, GREEN_KINDS,
             _ANGST),
    # 15 minutes *at the chosen walking speed* (4.8 km/h → 1,200 m). NE's own convention
    # "1 km ≈ 15 min" is the natural-england 4.0 km/h profile.
    Standard("walk15_any", "15-minute walk to green or blue space", 0.0, None, 15.0,
             ANY_KINDS, "NE GI Framework (2023); Defra (2026) Access to green and blue space"),
    Standard("walk15_blue", "15-minute walk to blue space", 0.0, None, 15.0, BLUE_KINDS,
             "Defra (2026) Access to green and blue space (blue reported separately)"),
    Standard("who_300m", "WHO 0.5 ha within 300 m", 0.5, 300.0, None, GREEN_KINDS,
             "WHO Regional Office for Europe (2016) Urban green spaces and health",
             optional=True),
    # The 10-minute walk is the Trust for Public Land ParkServe standard ("a park within a
    # 10-minute walk", half a mile) and the Fields in Trust / ONS parks framing; used by the gap
    # priority tiers below.
    Standard("walk10_any", "10-minute walk to green or blue space", 0.0, None, 10.0,
             ANY_KINDS, _TPL),
    Standard("park10", "10-minute walk to a park", 0.0, None, 10.0, ANY_KINDS,
             _TPL + "; parks as in ONS (2020) Access to public parks and playing fields",
             parks_only=True),
)
STANDARD_KEYS: Final[tuple[str, ...]] = tuple(s.key for s in STANDARDS)

#: The two standards the gap flag uses (issue #3: "fail the 15-minute or local standard").
HEADLINE_STANDARD: Final = "walk15_any"
LOCAL_STANDARD: Final = "ags_local"



@dataclass(frozen=True)
class SiteClass:
    """Sites whose nearest one is reported per area (walk metres and minutes, no limit)."""

    kinds: frozenset[str]
    min_ha: float = 0.0
    parks_only: bool = False


#: Site classes whose nearest-site metres/minutes are reported per area (no distance limit):
#: any green or blue space, green, blue, parks (the ONS parks measure, issue 11 point 3) and
#: green space of at least 2 ha (the AGS local size, used by the priority tiers).
CLASSES: Final[dict[str, SiteClass]] = {
    "any": SiteClass(ANY_KINDS), "green": SiteClass(GREEN_KINDS),
    "blue": SiteClass(BLUE_KINDS), "park": SiteClass(ANY_KINDS, parks_only=True),
    "large": SiteClass(GREEN_KINDS, min_ha=2.0),
}

# --- Confirmed public access vs including access unknown (issue 19) ----------------------------

#: The two ways every figure is reported. 'confirmed': only entrances flagged ``confirmed``
#: (into public/permissive land, or a public right of way into unknown/private land);
#: 'all': every entrance of accessible land, access 'unknown' included (the pre-2026.2 figure).
VARIANTS: Final[tuple[str, ...]] = ("confirmed", "all")
#: The default (unsuffixed columns, headline first). Confirmed, because Defra (2026) "Access to
#: green and blue space in England" counts only land the public may use, and counting untagged
#: private woods and lakes overstates access most in rural, often deprived, areas (issue 19).
DEFAULT_VARIANT: Final = "confirmed"
#: Column suffix of each variant in the per-area table, CSV and GeoPackage.
VARIANT_SUFFIX: Final[dict[str, str]] = {"confirmed": "", "all": "_incl_unknown"}
VARIANT_LABEL: Final[dict[str, str]] = {"confirmed": "confirmed public access",
                                 "all": "including access unknown"}
#: When the sites table has no ``confirmed`` entrance column (older sites builds), an entrance
#: is confirmed when its site's access is one of these (OSM access=yes/permissive or a public
#: land class: parks, commons, reserves, beaches).
CONFIRMED_ACCESS: Final[frozenset[str]] = frozenset({"public", "permissive"})
#: When the sites table has no ``park`` column, a site is a park when one of its OSM
#: categories is one of these (ONS parks: "public parks and gardens, playing fields";
#: our fallback list; the sites step owns the real parks class).
PARK_CATEGORIES: Final[frozenset[str]] = frozenset({
    "park", "garden", "recreation_ground", "village_green", "common", "playing_field",
    "pitch"})

# --- Data extent (issue 11 point 6) -------------------------------------------------------------

#: An area is 'partial' when less than this share of its ground lies inside the OSM data's
#: extent (the clip box/polygon, else the walkable network's bounding box). Our choice: "mostly
#: outside" = under half; distances near the edge are wrong because sites and paths beyond it
#: are missing. Partial areas are left out of headline figures unless asked for.
PARTIAL_INSIDE_SHARE: Final = 0.5

#: Default deprivation cut-off: deciles 1..3 = the 30 % most deprived (issue #3).
DEFAULT_DEPRIVED_DECILES: Final = 3
#: An area "meets" a standard when at least this share of its people do (our choice: a
#: majority; the share itself is reported so users can apply their own rule).
AREA_MEETS_SHARE: Final = 0.5

#: Site boundaries are sampled every this many metres for straight-line distances (our choice:
#: distances exact to ±10 m, well inside the 200 m smallest standard; pass/fail is re-checked
#: exactly near each standard's distance).
BOUNDARY_SAMPLE_M: Final = 20.0

#: A what-if entrance may lie at most this far from the walking network, metres (our choice:
#: beyond 200 m it is not on a path anyone could use; the user should move it).
WHATIF_ENTRANCE_MAX_SNAP_M: Final = 200.0

# --- Gap priority tiers (issue 11 point 5) ------------------------------------------------------
# As Trust for Public Land ParkServe's priority areas: combine need (deprivation) with the
# access deficits that matter most for daily use, so the top tier holds the few areas to act on
# first; the AGS/ANGSt/WHO shares stay as reported measures (AGS local fails almost everywhere
# in England's towns, so it cannot rank).

#: The walk behind the three access tests, minutes at the chosen speed: ParkServe's "park
#: within a 10-minute walk" (TPL, 2023; also the ONS parks framing).
PRIORITY_WALK_MINUTES: Final = 10.0
#: Size of the "large site" test: the AGS local size (Natural England GI Framework 2023, 2 ha).
PRIORITY_LARGE_HA: Final = 2.0
#: An area fails a test when fewer than this share of its people pass it (majority rule, as
#: ``AREA_MEETS_SHARE``), or, for the large-site test, when its people's mean walk to the
#: nearest site ≥ 2 ha is longer than the priority walk.
PRIORITY_FAILS_BELOW_SHARE: Final = AREA_MEETS_SHARE
#: Tiers (1 = act first). Deprived = IMD decile ≤ the cut-off (default 3).
#: 1: deprived and failing at least ``PRIORITY_TIER1_MIN_FAILED`` of the three tests;
#: 2: deprived and failing one test, or not deprived and failing all three;
#: 3: any other area failing a test; no tier: passes all three.
PRIORITY_TIER1_MIN_FAILED: Final = 2
PRIORITY_TIER_LABELS: Final[dict[int, str]] = {
    1: "1 – act first", 2: "2 – high", 3: "3 – watch"}

# --- What-if ------------------------------------------------------------------------------------

#: Changed areas the CLI names after a what-if, then "and N more" (our choice: a screenful;
#: the app lists them all in a scrolling table).
WHATIF_CHANGED_SHOWN: Final = 10
#: Per-area figures a what-if reports as changed, with short titles and kinds (for ``fmt``).
WHATIF_CHANGE_MEASURES: Final[tuple[tuple[str, str, str], ...]] = (
    ("share_walk15_any", "15 min", "share"),
    ("share_walk10_any", "10 min", "share"),
    ("share_park10", "park 10 min", "share"),
    ("share_ags_local", "AGS local", "share"),
    ("minutes_any", "nearest space", "minutes"),
    ("minutes_park", "nearest park", "minutes"),
)
