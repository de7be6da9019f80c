"""Other sites that suit the day better, when the chosen site's features are the problem.

Only site-dependent rules (gusts in woodland, heat without shade, fog on open ground…) can be
fixed by going elsewhere; cold or darkness follow the group, and no outdoor site is safe in a
thunderstorm. A candidate qualifies when none of the site rules that gave the chosen site its
worst site level fire for it under the same weather, and its own site level is milder.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd

from ecoplan.plans.context import Group, Session, SiteContext
from ecoplan.plans.daylight import Daylight
from ecoplan.plans.rules import (
    EVERYWHERE_RULES,
    RETHINK,
    RULE_WORDS,
    SITE_RULES,
    RuleInput,
    SessionWeather,
    evaluate,
    level_rank,
    worst,
)

#: Access values a public group may use (sites schema: 'public'|'permissive'|'unknown'|…).
USABLE_ACCESS = frozenset({"public", "permissive", "unknown", None})
EARTH_RADIUS_M = 6_371_008.8  # IUGG mean Earth radius


@dataclass(frozen=True)
class Alternative:
    site_id: str
    name: str
    level: str  # verdict of the site rules at that site (a rules.Level value)
    distance_m: float | None
    distance_kind: str  # 'walking' | 'straight line' | 'unknown'
    why: str


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a)))


def _features(ctx: SiteContext) -> str:
    bits = []
    if ctx.mixed:
        bits.append(f"part wooded (shade), part {ctx.open_words}")
    elif ctx.woodland:
        bits.append("wooded (shade)")
    elif ctx.exposed:
        bits.append("open")
    else:
        bits.append("not wooded")
    if ctx.has_shelter:
        bits.append("shelter")
    if ctx.has_toilets:
        bits.append("toilets")
    if ctx.surfaced_share is not None:
        bits.append(f"{ctx.surfaced_share:.0%} surfaced paths")
    return ", ".join(bits)


def problem_rules(reasons: Any) -> set[str]:
    """Site-dependent rules that fired (any level above go)."""
    return {r.rule for r in reasons if r.rule in SITE_RULES}


def suggest_alternatives(
    weather: SessionWeather, session: Session, group: Group, site: SiteContext,
    sites: gpd.GeoDataFrame, *, daylight: Daylight | None = None,
    distance_fn: Callable[[str], float | None] | None = None, limit: int = 5,
    max_distance_m: float | None = None,
) -> list[Alternative]:
    """Sites (not the chosen one) where the chosen site's problem rules do not fire.

    Sorted by verdict, then distance: ``distance_fn(site_id)`` gives walking metres when the
    caller has a network; otherwise straight-line metres from the chosen site, labelled so.
    """
    base = evaluate(RuleInput(weather, session, site, group, daylight))
    here = worst(r.level for r in base if r.rule in SITE_RULES)
    # the site rules at the chosen site's worst level are what another site must avoid
    problems = {r.rule for r in base if r.rule in SITE_RULES and r.level == here}
    if not problems or sites is None or sites.empty or {r.rule for r in base} & EVERYWHERE_RULES:
        return []  # nothing to avoid, nowhere to go, or nowhere outdoors is better
    out: list[Alternative] = []
    for _, row in sites.iterrows():
        if str(row.get("site_id")) == site.site_id:
            continue
        access = row.get("access")
        if access not in USABLE_ACCESS:
            continue
        ctx = SiteContext.from_site_row(row)
        reasons = [r for r in evaluate(RuleInput(weather, session, ctx, group, daylight))
                   if r.rule in SITE_RULES]
        if problem_rules(reasons) & problems:
            continue
        level = worst(r.level for r in reasons)
        if level == RETHINK or level_rank(level) >= level_rank(here):
            continue
        dist, kind = None, "unknown"
        if distance_fn is not None:
            d = distance_fn(ctx.site_id)
            if d is not None and math.isfinite(d):
                dist, kind = float(d), "walking"
        if dist is None and None not in (site.lat, site.lon, ctx.lat, ctx.lon):
            dist = haversine_m(site.lat, site.lon, ctx.lat, ctx.lon)  # type: ignore[arg-type]
            kind = "straight line"
        if max_distance_m is not None and (dist is None or dist > max_distance_m):
            continue
        avoided = ", ".join(RULE_WORDS.get(p, p) for p in sorted(problems))
        out.append(Alternative(ctx.site_id, ctx.label, level, dist, kind,
                               f"{_features(ctx)}; avoids: {avoided}"))
    out.sort(key=lambda a: (level_rank(a.level),
                            a.distance_m if a.distance_m is not None else math.inf, a.site_id))
    return out[:limit]


def describe(alt: Alternative) -> str:
    if alt.distance_m is None:
        where = "distance unknown"
    else:
        where = f"{alt.distance_m / 1000:.1f} km {alt.distance_kind}"
    name = alt.name if alt.name and alt.name != alt.site_id else "unnamed site"
    return f"{name} ({alt.site_id}) — {where}; {alt.why}; verdict there: {alt.level}"
