"""Access standards, gap rules and caching for the access step
(docs/architecture.md#access-standards).

Every standard is *size + proximity*: sites of at least ``min_ha`` within ``max_m`` (or within
``minutes`` at the user's walking speed). The published standards quote straight-line
distances; ecoplan measures along the walking network from where people live to site entrances
and reports the straight-line variant beside it, labelled.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Bump when a standard, a rule below or the result schema changes: cached results carry it,
#: so old cache entries stop matching instead of showing stale numbers.
STANDARDS_VERSION = "2026.1"

#: Site kinds (``sites.kind``).
GREEN_KINDS: frozenset[str] = frozenset({"green", "green+blue"})
BLUE_KINDS: frozenset[str] = frozenset({"blue", "green+blue"})
ANY_KINDS: frozenset[str] = frozenset({"green", "blue", "green+blue"})
#: Site access values that count as accessible. Restricted land (private, golf, allotments,
#: school grounds) is not accessible green space (docs/architecture.md#sites); 'unknown'
#: counts because most OSM parks and woods carry no access tag and UK practice treats them
#: as open unless tagged.
ACCESSIBLE: frozenset[str] = frozenset({"public", "permissive", "unknown"})

#: Labels used wherever a distance is shown, so nobody confuses the two measures.
NETWORK_LABEL = "along the walking network"
STRAIGHT_LABEL = "straight line (as the standard is written)"


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


_GIF = "Natural England Green Infrastructure Framework (2023), Accessible Greenspace Standard"
_ANGST = "Natural England ANGSt (Accessible Natural Greenspace Standard), in the GI Framework"

#: The standards measured, in report order. Green standards (AGS, ANGSt, WHO) count green and
#: green+blue sites: they are *greenspace* standards, and our blue-only sites are river bank
#: strips and coast pieces whose area is a strip, not a greenspace (our choice). The 15-minute
#: headline counts any green or blue space (Defra 2026 "Access to green and blue space in
#: England"); blue space is reported on its own too.
STANDARDS: tuple[Standard, ...] = (
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
)
STANDARD_KEYS: tuple[str, ...] = tuple(s.key for s in STANDARDS)

#: The two standards the gap flag uses (issue #3: "fail the 15-minute or local standard").
HEADLINE_STANDARD = "walk15_any"
LOCAL_STANDARD = "ags_local"

#: Site classes whose nearest-site minutes are reported per area (no distance limit).
CLASSES: dict[str, frozenset[str]] = {"any": ANY_KINDS, "green": GREEN_KINDS,
                                      "blue": BLUE_KINDS}

#: Default deprivation cut-off: deciles 1..3 = the 30 % most deprived (issue #3).
DEFAULT_DEPRIVED_DECILES = 3
#: An area "meets" a standard when at least this share of its people do (our choice: a
#: majority; the share itself is reported so users can apply their own rule).
AREA_MEETS_SHARE = 0.5

#: Site boundaries are sampled every this many metres for straight-line distances (our choice:
#: distances exact to ±10 m, well inside the 200 m smallest standard; pass/fail is re-checked
#: exactly near each standard's distance).
BOUNDARY_SAMPLE_M = 20.0

#: A what-if entrance may lie at most this far from the walking network, metres (our choice:
#: beyond 200 m it is not on a path anyone could use; the user should move it).
WHATIF_ENTRANCE_MAX_SNAP_M = 200.0
