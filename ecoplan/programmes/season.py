"""Build a season: dates → a site for each date (variety, facilities), daylight, weather.

Site choice is greedy and explainable. For each date, in order, the sites allowed are those not
used the week before ("no site twice in a row") and used least so far (so a pool at least as
large as the programme never repeats a site); among those the highest score wins:

``rank × w_rank + (habitat differs from last week) × w_habitat + facilities × w_facilities``

(weights ``settings.programmes.CHOICE_WEIGHTS``; facilities = toilets on the route or at the
site, benches, shelter — ``FACILITY_PARTS``). Ties go to the site id, so the same inputs always
give the same programme.

Daylight (:mod:`ecoplan.programmes.daylight`) is checked for every date before any route is
planned, and again at the chosen site; a date that cannot fit stops the build — nothing is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.programmes.check import with_verdicts
from ecoplan.programmes.dates import session_starts, validate
from ecoplan.programmes.daylight import DaylightError, check_daylight, daylight_problem
from ecoplan.programmes.model import PoolSite, Programme, ProgrammeSession, ProgrammeSpec
from ecoplan.programmes.pool import build_pool
from ecoplan.routes.planner import RoutePlanner
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.sites.build import Sites

#: ``forecast_for(lat, lon)`` → a ``plans.forecast.Forecast`` or None (none available).
ForecastFor = Callable[[float, float], Any]


def facility_score(site: PoolSite) -> float:
    """0..1: toilets on the route or at the site, benches, shelter (FACILITY_PARTS)."""
    p = programmes_cfg.FACILITY_PARTS
    toilets = (site.toilets + site.route_toilets) > 0
    benches = min(site.benches + site.route_benches,
                  programmes_cfg.BENCHES_ENOUGH) / programmes_cfg.BENCHES_ENOUGH
    return p.toilets * toilets + p.benches * benches + p.shelter * (site.shelters > 0)


def choice_score(site: PoolSite, previous: PoolSite | None) -> float:
    w = programmes_cfg.CHOICE_WEIGHTS
    new_habitat = previous is None or site.habitat != previous.habitat
    return (w.rank * site.score + w.new_habitat * new_habitat
            + w.facilities * facility_score(site))


def choose_sites(pool: Sequence[PoolSite], n: int) -> tuple[list[str], list[str]]:
    """Site ids for ``n`` sessions in order, and notes when variety had to be relaxed."""
    usable = sorted((p for p in pool if p.usable), key=lambda p: p.site_id)
    if not usable:
        raise EcoplanError("no site in the pool has a route; nothing to plan")
    notes: list[str] = []
    if len(usable) < n:
        notes.append(f"Only {len(usable)} site{'s' if len(usable) > 1 else ''} in the pool "
                     f"{'have' if len(usable) > 1 else 'has'} a suitable loop for {n} sessions, "
                     "so some are visited more than once (variety relaxed).")
    if len(usable) == 1 and n > 1:
        notes.append(f"Every session is at {usable[0].name}: with one site, 'no site twice in "
                     "a row' cannot hold. Add sites with --sites or --top for variety.")
    uses: Counter[str] = Counter()
    out: list[str] = []
    prev: PoolSite | None = None
    for _ in range(n):
        allowed = [p for p in usable if prev is None or p.site_id != prev.site_id] or usable
        least = min(uses[p.site_id] for p in allowed)
        allowed = [p for p in allowed if uses[p.site_id] == least]
        best = max(allowed, key=lambda p: (round(choice_score(p, prev), 9),
                                           _reverse(p.site_id)))
        out.append(best.site_id)
        uses[best.site_id] += 1
        prev = best
    return out, notes


def _reverse(s: str) -> tuple[int, ...]:
    """Sort key putting the smallest site id last under ``max`` (deterministic ties)."""
    return tuple(-ord(c) for c in s)


def build_programme(spec: ProgrammeSpec, layers: OsmLayers, sites: Sites, *,
                    source: dict[str, Any] | None = None, planner: RoutePlanner | None = None,
                    scores=None, forecast_for: ForecastFor | None = None,
                    forecast_label: str = "", now: datetime | None = None) -> Programme:
    """A complete programme (not yet saved). Raises an ``EcoplanError`` with a clear message
    for bad input; nothing is written anywhere."""
    spec, notes = validate(spec, now=now)
    starts = session_starts(spec)
    w, s, e, n = layers.bounds
    check_daylight(starts, spec.minutes, (s + n) / 2, (w + e) / 2, spec.timezone)
    planner = planner or RoutePlanner(layers, sites)
    pool, pool_notes = build_pool(spec, layers, sites, planner=planner, scores=scores)
    notes += pool_notes
    chosen, choice_notes = choose_sites(pool, spec.sessions)
    notes += choice_notes
    by_id = {p.site_id: p for p in pool}
    sessions = []
    for i, (start, site_id) in enumerate(zip(starts, chosen, strict=True), 1):
        site = by_id[site_id]
        assert site.lat is not None and site.lon is not None  # pool sites have a point
        sunset, problem = daylight_problem(start, spec.minutes, site.lat, site.lon,
                                           spec.timezone, i)
        if problem:
            raise DaylightError(problem)
        sessions.append(ProgrammeSession(i, start, spec.minutes, site_id, sunset=sunset))
    programme = Programme(spec=spec, source=dict(source or {}), pool=tuple(pool),
                          sessions=tuple(sessions), notes=tuple(notes))
    today = (now or datetime.now(spec.tz)).astimezone(spec.tz).date()
    return with_verdicts(programme, forecast_for, today=today, label=forecast_label)
