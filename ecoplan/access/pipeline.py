"""Files in, access result out: what the ``access``, ``gaps`` and ``whatif`` commands share.

OSM source → sites → walk graph → areas (boundaries + deprivation + population, or a generic
need layer) → origins → every standard → one row per area, cached on disk by the inputs'
identity (:mod:`ecoplan.access.cache`) so a repeat run skips everything, the OSM read included.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ecoplan.access.cache import cached_access, file_digest, file_fingerprint
from ecoplan.access.measure import AccessResult, measure_access
from ecoplan.access.speeds import resolve_speed
from ecoplan.errors import InputFileError
from ecoplan.need.areas import AreasResult
from ecoplan.network.graph import WalkGraph
from ecoplan.osm.layers import OsmLayers
from ecoplan.sites.build import Sites


@dataclass(frozen=True)
class AccessInputs:
    """Everything an access run reads, by file name (what the CLI and the cache key see).

    A generic need layer is used when ``need_column`` is given: ``areas`` is then that layer,
    with ``id_column``, ``need_column`` and ``higher_is_worse``.
    """

    source: str
    areas: str
    deprivation: tuple[str, ...] = ()
    population: str | None = None
    lookup: str | None = None
    id_column: str | None = None
    name_column: str | None = None
    need_column: str | None = None
    higher_is_worse: bool | None = None
    population_column: str | None = None
    speed: float | str | None = None
    step_free: bool = False
    clip: dict[str, Any] = field(default_factory=dict)  # e.g. {"bbox": ..., "place": ...}

    @property
    def speed_kmh(self) -> float:
        return resolve_speed(self.speed)


def load_areas(inputs: AccessInputs) -> AreasResult:
    """Areas layer from the boundary / deprivation / population / lookup files."""
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.population import read_population

    population = read_population(inputs.population) if inputs.population else None
    if inputs.need_column:
        from ecoplan.need.generic import read_generic_need

        if inputs.id_column is None or inputs.higher_is_worse is None:
            raise InputFileError("A generic need layer needs --id-column and either "
                                 "--higher-is-worse or --lower-is-worse.")
        if inputs.deprivation:
            raise InputFileError("Give either --deprivation files or a generic --need-column, "
                                 "not both.")
        res = read_generic_need(inputs.areas, id_column=inputs.id_column,
                                need_column=inputs.need_column,
                                higher_is_worse=inputs.higher_is_worse,
                                name_column=inputs.name_column,
                                population_column=inputs.population_column)
        if population is None:
            return res
        areas = res.areas.drop(columns="population").merge(population, on="area_code",
                                                           how="left")
        areas = areas[res.areas.columns]
        missing = int(areas["population"].isna().sum())
        notes = [w for w in res.warnings if "population" not in w.lower()]
        if missing:
            notes.append(f"{missing} area(s) have no row in {Path(str(inputs.population)).name}; "
                         "population left unknown (NaN).")
        return AreasResult(areas, tuple(notes), (), 0, res.n_fixed)
    boundaries = read_boundaries(inputs.areas, id_column=inputs.id_column,
                                 name_column=inputs.name_column)
    need = None
    if inputs.deprivation:
        from ecoplan.need.iod import load_iod

        need = load_iod(*inputs.deprivation)
    lookup = None
    if inputs.lookup:
        from ecoplan.need.lookup import load_lookup

        lookup = load_lookup(inputs.lookup)
    return build_areas(boundaries, need, population=population, lookup=lookup)


def cache_parts(inputs: AccessInputs) -> dict[str, Any]:
    """The cache key's ingredients: file identities, not file names alone."""
    parts: dict[str, Any] = asdict(inputs)
    parts["speed"] = inputs.speed_kmh
    src = Path(inputs.source)
    parts["source"] = file_fingerprint(src) if src.exists() else inputs.source
    for name in ("areas", "population", "lookup"):
        value = getattr(inputs, name)
        if value:
            parts[name] = _digest(value)
    parts["deprivation"] = [_digest(p) for p in inputs.deprivation]
    return parts


def _digest(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"File not found: {path}. Check the path.")
    return file_digest(p)


@dataclass
class AccessRun:
    """A run's result and, when it was computed (not cached), the objects it was built from."""

    result: AccessResult
    from_cache: bool
    seconds: float
    layers: OsmLayers | None = None
    sites: Sites | None = None
    graph: WalkGraph | None = None
    areas: AreasResult | None = None
    steps: dict[str, float] = field(default_factory=dict)


def run_access(inputs: AccessInputs, load_layers: Callable[[], OsmLayers], *,
               use_cache: bool = True, keep_objects: bool = False) -> AccessRun:
    """Load, build and measure (or fetch from the cache). ``load_layers`` reads the OSM source.

    ``keep_objects`` forces a full computation (no cache read) and returns the layers, sites
    and graph too — the what-if step needs them.
    """
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.sites.build import build_sites

    t0 = time.perf_counter()
    held: dict[str, Any] = {}
    steps: dict[str, float] = {}

    def compute() -> AccessResult:
        t = time.perf_counter()
        areas = load_areas(inputs)
        steps["areas"] = time.perf_counter() - t
        t = time.perf_counter()
        layers = load_layers()
        steps["read OSM"] = time.perf_counter() - t
        t = time.perf_counter()
        sites = build_sites(layers)
        steps["sites"] = time.perf_counter() - t
        t = time.perf_counter()
        graph = build_walk_graph(layers, step_free=inputs.step_free)
        steps["graph"] = time.perf_counter() - t
        t = time.perf_counter()
        result = measure_access(layers, sites, areas, speed_kmh=inputs.speed_kmh,
                                step_free=inputs.step_free, graph=graph)
        steps["origins + standards + areas"] = time.perf_counter() - t
        held.update(layers=layers, sites=sites, graph=graph, areas=areas)
        return result.with_info(steps=dict(steps))

    if keep_objects:
        result, from_cache = cached_access(cache_parts(inputs), compute, use_cache=False)
    else:
        result, from_cache = cached_access(cache_parts(inputs), compute, use_cache=use_cache)
    return AccessRun(result=result, from_cache=from_cache, seconds=time.perf_counter() - t0,
                     steps=steps, **held)
