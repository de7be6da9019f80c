"""The pool of candidate sites for a programme: each with a meeting point and one loop route of
the session's length from it (step-free when asked), or the reason it has none.

Candidates are the leader's own list (``--sites``) or the best ``top`` sites of the ranking for
a purpose (one per named place, so one long beach does not fill the pool). Each site is tried
from its best entrances in turn (:func:`ecoplan.routes.planner.site_starts`); the loop router
keeps only loops within ±15 % of the target length, so every pooled route fits the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ecoplan.access.speeds import resolve_speed
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.programmes import weather
from ecoplan.programmes.meeting import amenities, meeting_point
from ecoplan.programmes.model import PoolSite, ProgrammeSpec
from ecoplan.ranking.explain import display_name
from ecoplan.routes.loops import plan_loops
from ecoplan.routes.model import route_to_dict
from ecoplan.routes.network import NoStepFreeRouteError
from ecoplan.routes.planner import RoutePlanner, site_starts
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.settings import routes as route_cfg
from ecoplan.sites.build import Sites
from ecoplan.sites.describe import describe_unnamed


class NoRouteInPoolError(EcoplanError):
    """No candidate site has a loop that fits the programme."""


@dataclass(frozen=True)
class Candidate:
    site_id: str
    score: float


def speed_for(spec: ProgrammeSpec) -> float:
    return resolve_speed(programmes_cfg.PROFILE_SPEED.get(spec.profile, "default"))


def candidates(spec: ProgrammeSpec, sites: Sites, scores=None) -> tuple[list[Candidate],
                                                                       list[str]]:
    """The sites to try, best first, and notes. ``scores`` is a ranking ``SiteScores`` (made
    here when needed and not given)."""
    frame = sites.sites
    if len(frame) == 0:
        raise NoRouteInPoolError("there are no green or blue sites in this area; load a larger "
                                 "area")
    ids = frame["site_id"].astype(str)
    if spec.site_ids:
        unknown = [s for s in spec.site_ids if s not in set(ids)]
        if unknown:
            raise EcoplanError(f"unknown site id(s) {', '.join(unknown[:5])}: this area has "
                               f"{len(frame)} sites (list them with 'ecoplan sites' or "
                               "'ecoplan rank')")
        restricted = frame[ids.isin(spec.site_ids) & (frame["access"] == "restricted")]
        if len(restricted):
            raise EcoplanError(f"site(s) {', '.join(restricted['site_id'].astype(str))} are "
                               "private or restricted land; choose public sites")
        return [Candidate(s, 1.0) for s in spec.site_ids], []
    from ecoplan.ranking.rank import rank_scores

    if scores is None:
        raise ValueError("ranking candidates needs scores from ranking.rank.score_sites")
    ranked = rank_scores(scores, spec.purpose, one_per_place=True, top=spec.top)
    notes = [f"Sites tried: the best {len(ranked.table)} for '{spec.purpose}' "
             f"({ranked.weights.describe()})."]
    return [Candidate(str(r.site_id), float(r.score)) for r in ranked.table.itertuples()], notes


def site_labels(sites: Sites, layers: OsmLayers) -> dict[str, str]:
    """Each site's name, an unnamed one as ``plan``, ``support`` and the site list describe it
    ('Grassland near Dunsbury'), so a leader meets the same name in every command; the meeting
    point still says which street it is on."""
    frame = sites.sites
    labels = describe_unnamed(frame, layers)
    return dict(zip(frame["site_id"].astype(str), labels.astype(str), strict=True))


def _label(labels: dict[str, str], row) -> str:
    """The shared description, else the plain fallback when it is blank."""
    return labels.get(str(row["site_id"]), "") or display_name(
        "", str(row["site_id"]), str(row.get("categories") or ""))


def build_pool(spec: ProgrammeSpec, layers: OsmLayers, sites: Sites, *,
               planner: RoutePlanner | None = None, scores=None) -> tuple[list[PoolSite],
                                                                         list[str]]:
    """Every candidate with its meeting point and loop (or the reason it has none), and notes.

    Raises :class:`NoRouteInPoolError` when no candidate has a loop that fits.
    """
    if not spec.site_ids and scores is None:
        from ecoplan.ranking.rank import score_sites

        # Its own plain walk graph: cheaper than a route network that would only serve it.
        scores = score_sites(sites, layers)
    cands, notes = candidates(spec, sites, scores)
    planner = planner or RoutePlanner(layers, sites)
    speed = speed_for(spec)
    net = planner.network(step_free=spec.step_free)
    found = amenities(layers)
    labels = site_labels(sites, layers)
    frame = sites.sites.set_index(sites.sites["site_id"].astype(str))
    pool: list[PoolSite] = []
    no_step_free = 0
    for cand in cands:
        row = frame.loc[cand.site_id].copy()
        row["site_id"] = cand.site_id
        starts = site_starts(sites, cand.site_id, limit=programmes_cfg.ENTRANCES_TRIED)
        label = _label(labels, row)
        rep = row.geometry.representative_point()
        base: dict[str, Any] = dict(
                    site_id=cand.site_id, name=label, categories=str(row["categories"] or ""),
                    habitat=weather.habitat(str(row["categories"] or "")),
                    score=round(cand.score, 4), toilets=_int(row.get("toilets")),
                    benches=_int(row.get("benches")), shelters=_int(row.get("shelters")),
                    lat=round(float(rep.y), 6), lon=round(float(rep.x), 6))
        route, why = None, ""
        start: tuple[tuple[float, float], str] | None = None
        for (lon, lat), start_name in starts:
            if not _name(row):
                start_name = start_name.replace(f"site {cand.site_id}", label)
            try:
                routes = plan_loops(layers, sites, (lon, lat), float(spec.minutes),
                                    speed_kmh=speed, step_free=spec.step_free,
                                    n_alternatives=1, planner=planner, start_name=start_name,
                                    title=f"{label}: {spec.minutes}-minute loop",
                                    suggest_minutes=False)  # the session length is fixed
            except NoStepFreeRouteError as err:
                why = str(err)
                no_step_free += 1
                continue
            except EcoplanError as err:
                why = str(err)
                continue
            r = routes[0]
            off = abs(r.minutes - spec.minutes) / spec.minutes
            if off > route_cfg.LENGTH_TOLERANCE or (spec.step_free and not r.step_free):
                why = f"the best loop is {r.minutes:.0f} min" + (
                    "" if r.step_free or not spec.step_free else " and not step-free")
                continue
            route, start = r, ((lon, lat), start_name)
            break
        if route is None:
            pool.append(PoolSite(**base, note=why or "no loop found"))
            continue
        assert start is not None  # set with route
        (lon, lat), start_name = start
        meet = meeting_point(layers, net.graph, lon, lat, start_name, found)
        pool.append(PoolSite(**base, meeting=meet, route=route_to_dict(route)))
    usable = [p for p in pool if p.usable]
    if not usable:
        tried = len(pool)
        if spec.step_free and no_step_free:
            raise NoRouteInPoolError(
                f"none of the {tried} candidate sites has a step-free {spec.minutes}-minute loop "
                "from an entrance (steps, stiles or kissing gates on every loop); drop "
                "--step-free, choose other sites with --sites, or try more with --top")
        reasons = "; ".join(dict.fromkeys(p.note for p in pool if p.note))[:300]
        raise NoRouteInPoolError(f"none of the {tried} candidate sites has a {spec.minutes}-"
                                 f"minute loop from an entrance ({reasons}); try other sites "
                                 "or a shorter walk")
    dropped = [p for p in pool if not p.usable]
    if dropped:
        notes.append(f"{len(dropped)} of {len(pool)} candidate sites have no suitable loop and "
                     f"are left out: {', '.join(p.name for p in dropped[:4])}"
                     + ("…" if len(dropped) > 4 else "") + ".")
    return pool, notes


def _name(row) -> str:
    name = row.get("name")
    return " ".join(name.split()) if isinstance(name, str) else ""


def _int(v) -> int:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0
    return int(f) if np.isfinite(f) else 0
