"""Rank sites for a purpose: score every component once, then weight, sort and explain.

Two steps so the app can move a weight slider without redoing geometry or Dijkstra:
:func:`score_sites` (measures + reach, seconds for a county) and :func:`rank_scores`
(weights → ranking, milliseconds).

The score is the weighted mean of the components, ``Σ w_k c_k`` with ``Σ w_k = 1``. Because of
that form, raising one weight moves every pairwise score difference monotonically towards the
difference in that component, so the site best on a component never drops in rank when its
weight rises (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.access.speeds import metres, resolve_speed
from ecoplan.errors import NoGreenSpaceError
from ecoplan.messages import (
    DECILES,
    LAYER_POPULATION,
    MINUTES,
    NEED_DATA,
    POPULATION,
    TOP,
    HintedError,
    Message,
)
from ecoplan.need.areas import need_attributions
from ecoplan.network.graph import WalkGraph, build_walk_graph
from ecoplan.osm.layers import OsmLayers
from ecoplan.ranking import components as C
from ecoplan.ranking.explain import combine
from ecoplan.ranking.measures import measure_sites
from ecoplan.ranking.reach import REACH_COLUMNS, origin_table, site_reach
from ecoplan.ranking.weights import Weights, resolve_weights
from ecoplan.settings import ranking as ranking_cfg
from ecoplan.sites.build import Sites, site_objects

#: Site columns carried into the ranking table.
SITE_INFO = ["site_id", "name", "kind", "categories", "area_ha", "access"]


@dataclass(frozen=True, eq=False)
class SiteScores:
    """Every candidate site's measures, component scores and ``why_<component>`` phrases.

    ``available`` lists the components that could be computed (no ``reach`` without areas);
    ``notes`` are things the user should be told; ``limit_m`` the walk distance used for reach.
    """

    table: gpd.GeoDataFrame
    available: tuple[str, ...]
    notes: tuple[str, ...]
    minutes: float
    speed_kmh: float
    deciles: int
    limit_m: float
    attributions: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class RankedSites:
    """The ranking: ``table`` sorted best first (rank, site_id, name, score, each component,
    explanation, why_<component>, the measures behind them, geometry in EPSG:4326)."""

    table: gpd.GeoDataFrame
    weights: Weights
    scores: SiteScores
    notes: tuple[str, ...] = field(default=())

    @property
    def attributions(self) -> tuple[str, ...]:
        return self.scores.attributions

    def top(self, n: int) -> gpd.GeoDataFrame:
        return self.table.head(n)


def score_sites(sites: Sites, layers: OsmLayers, *, graph: WalkGraph | None = None,
                areas: gpd.GeoDataFrame | None = None,
                origins: gpd.GeoDataFrame | None = None,
                minutes: float = ranking_cfg.DEFAULT_MINUTES, speed: str | float | None = None,
                deciles: int = ranking_cfg.DEFAULT_DECILES) -> SiteScores:
    """Measure and score every non-restricted site (see module docstring).

    ``areas`` (:func:`ecoplan.need.areas.build_areas` ``.areas``) enables ``reach``; origins
    default to :func:`ecoplan.need.origins.place_origins` of the areas. ``speed`` is a km/h
    number or a profile name (``settings.network.SPEED_PRESETS_KMH``).
    """
    if not (isinstance(deciles, int | np.integer) and 1 <= int(deciles) <= 10):
        raise HintedError(f"deprived deciles {deciles}: give a whole number from 1 to 10 "
                          "(1 = the 10 % most deprived areas)", DECILES)
    if not (np.isfinite(minutes) and 0 < minutes <= 120):
        raise HintedError(f"walking time {minutes} min: give a walking time between 1 and "
                          "120 minutes", MINUTES)
    kmh = resolve_speed(speed)
    limit_m = float(metres(minutes, kmh))
    cand = sites.sites[sites.sites["access"] != "restricted"].reset_index(drop=True)
    if len(cand) == 0:
        raise NoGreenSpaceError("no publicly accessible green or blue sites to rank in this "
                                "area: choose a larger area")
    ents = sites.entrances[sites.entrances["site_id"].isin(cand["site_id"])]
    graph = graph if graph is not None else build_walk_graph(layers)
    notes: list[str] = []
    n_restricted = len(sites.sites) - len(cand)
    if n_restricted:
        notes.append(f"{n_restricted} restricted sites (private, golf, allotments) left out")

    m = measure_sites(cand, ents, sites.crs, layers, graph)
    parts = [C.SITE_COMPONENTS[name](m) for name in C.SITE_COMPONENTS]
    available = list(C.SITE_COMPONENTS)
    attributions = [layers.source.attribution]
    if areas is not None:
        m = m.join(_reach(graph, ents, cand, areas, layers, origins, deciles, limit_m, notes))
        parts.insert(0, C.reach(m, deciles=deciles, minutes=minutes))
        available.insert(0, "reach")
        attributions.extend(need_attributions(areas))
    else:
        m = m.assign(**{c: np.nan for c in REACH_COLUMNS})
    no_ent = int((cand["n_entrances"] == 0).sum())
    if no_ent:
        notes.append(f"{no_ent} sites have no mapped entrance (reach 0; shown with a note)")

    scored = pd.concat([m.drop(columns=["area_ha", "categories"]), *parts], axis=1)
    table = cand[[*SITE_INFO, "geometry"]].set_index("site_id", drop=False).join(scored)
    table = gpd.GeoDataFrame(table.reset_index(drop=True), geometry="geometry",
                             crs=cand.crs)
    return SiteScores(table=table, available=tuple(available), notes=tuple(notes),
                      minutes=float(minutes), speed_kmh=kmh, deciles=int(deciles),
                      limit_m=limit_m, attributions=tuple(dict.fromkeys(attributions)))


def population_hint(areas: pd.DataFrame) -> str:
    """What gives the areas a population: for a need layer of the user's own, its population
    column (a File 6 table would not match their ids); for the IoD, the population file."""
    src = areas["need_source"] if "need_source" in areas.columns else pd.Series(dtype=object)
    generic = src.astype(str).str.startswith("generic:")
    return LAYER_POPULATION if generic.any() else POPULATION


def _reach(graph: WalkGraph, ents: pd.DataFrame, cand: pd.DataFrame, areas: gpd.GeoDataFrame,
           layers: OsmLayers, origins: gpd.GeoDataFrame | None, deciles: int,
           limit_m: float, notes: list[str]) -> pd.DataFrame:
    if "imd_decile" not in areas.columns or areas["imd_decile"].notna().sum() == 0:
        raise HintedError("the areas carry no deprivation deciles: an IoD file (File 1 or 2 "
                          "of IoD 2019, or IoD 2025) is needed", NEED_DATA)
    pop = pd.to_numeric(areas.get("population"), errors="coerce")
    if pop is None or pop.notna().sum() == 0:
        raise HintedError("the areas have no population, so reach cannot count people",
                          population_hint(areas))
    if pop.isna().any():
        notes.append(f"{int(pop.isna().sum())} areas have no population and count 0 people")
    if origins is None:
        from ecoplan.need.origins import place_origins

        origins = place_origins(areas, layers)
    table = origin_table(graph, origins, areas, deciles=deciles)
    lost = table["row"] < 0
    if lost.any():
        notes.append(f"{table.loc[lost, 'population'].sum():,.0f} people live more than "
                     "500 m from the path network and are not counted")
    return site_reach(graph, ents, table, cand["site_id"].to_numpy(), limit_m=limit_m)


def rank_scores(scores: SiteScores, purpose: str,
                weights: Mapping[str, float] | None = None, *,
                top: int | None = None, one_per_place: bool = False) -> RankedSites:
    """Weight the components for ``purpose`` (with overrides), sort and explain.

    ``one_per_place`` keeps only the best-scoring piece of each named place (a river cut into
    1 km pieces would otherwise fill a shortlist); ``more_pieces`` counts the ones hidden.
    """
    w = resolve_weights(purpose, weights, available=scores.available)
    t = scores.table
    comps = [c for c in ranking_cfg.COMPONENTS if c in scores.available]
    vals = t[comps].to_numpy(dtype=float)
    score = vals @ np.array([w.values[c] for c in comps])
    notes = list(scores.notes)
    if w.dropped:
        notes.append(Message(f"{', '.join(w.dropped)} not computed (needs deprivation "
                             f"areas): its weight was shared among the others "
                             f"({w.describe()})", NEED_DATA))
    out = t.copy()
    out["score"] = score
    out["explanation"] = combine(t[comps], t[[f"why_{c}" for c in comps]],
                                 {c: w.values[c] for c in comps})
    out = out.sort_values(["score", "site_id"], ascending=[False, True], kind="stable")
    if one_per_place:
        # Unnamed pieces of one OSM way (w123-1, w123-2: a coast strip cut into 1 km
        # pieces) are one place too.
        base = site_objects(out["site_id"])
        named = out["name"].notna() & (out["name"].astype(str).str.strip() != "")
        place = out["name"].astype(str).where(named, "\x00" + base)
        pieces = place.map(place.value_counts())
        keep = ~place.duplicated()
        out = out[keep].assign(more_pieces=(pieces[keep] - 1).astype(int))
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    # Ties share the better rank, so a rank never depends on site-id order alone.
    out["rank"] = out["score"].rank(ascending=False, method="min").astype(int).to_numpy()
    front = ["rank", "site_id", "name", "score", *comps, "explanation"]
    rest = [c for c in out.columns if c not in front and c != "geometry"]
    out = out[[*front, *rest, "geometry"]].reset_index(drop=True)
    if top is not None:
        if top < 1:
            raise HintedError(f"{top} sites: give a number of sites, 1 or more", TOP)
        out = out.head(int(top))
    return RankedSites(table=gpd.GeoDataFrame(out, geometry="geometry", crs=t.crs),
                       weights=w, scores=scores, notes=tuple(notes))
