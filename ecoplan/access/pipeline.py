"""Files in, access result out: what the ``access``, ``gaps`` and ``whatif`` commands share.

OSM source → sites → walk graph → areas (boundaries + deprivation + population, or a generic
need layer) → origins → every standard → one row per area, cached on disk by the inputs'
identity (:mod:`ecoplan.access.cache`) so a repeat run skips everything, the OSM read included.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from ecoplan.access.cache import access_cache_dir, cached_access, file_digest, file_fingerprint
from ecoplan.access.speeds import resolve_speed
from ecoplan.code_digest import code_digest as digest_of_code
from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.io import write_atomic
from ecoplan.need.areas import AreasResult
from ecoplan.osm.layers import OsmLayers

if TYPE_CHECKING:  # scipy and the site builder: imported once the need files are on their way
    from ecoplan.access.measure import AccessResult
    from ecoplan.network.graph import WalkGraph
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
    """Areas layer from the boundary / deprivation / population / lookup files (the same
    loader the app uses: :func:`ecoplan.need.load.load_need_areas`)."""
    from ecoplan.need.load import load_need_areas

    return load_need_areas(
        inputs.areas, inputs.deprivation, population=inputs.population, lookup=inputs.lookup,
        id_column=inputs.id_column, name_column=inputs.name_column,
        need_column=inputs.need_column, higher_is_worse=inputs.higher_is_worse,
        population_column=inputs.population_column)


def areas_digest(areas: gpd.GeoDataFrame) -> str:
    """Content hash of the areas (codes, deciles, population, need source, geometry): two
    loads of the same files give the same key, a different file never does."""
    h = hashlib.sha256()
    cols = [c for c in ("area_code", "imd_decile", "imd_rank", "imd_score", "population",
                        "need_source") if c in areas.columns]
    frame = pd.DataFrame(areas[cols]).astype(str)
    h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    for wkb in shapely.to_wkb(areas.geometry.to_numpy(), output_dimension=2):
        h.update(hashlib.sha256(wkb if wkb is not None else b"").digest())
    h.update(str(areas.crs).encode())
    return h.hexdigest()[:24]


def source_identity(source: str) -> Any:
    """What identifies a source's content: a file fingerprint, the key itself for the demo
    and authority sources, or None (Overpass answers change under the same key: not cached)."""
    if source == "demo" or source.startswith("la:"):
        return source
    path = Path(source)
    if path.is_file():
        return file_fingerprint(path)
    return None


def need_files_key(inputs: AccessInputs) -> str:
    """Identity of the need files and options (content digests: the files are small)."""
    parts = {k: getattr(inputs, k) for k in ("id_column", "name_column", "need_column",
                                              "higher_is_worse", "population_column")}
    for name in ("areas", "population", "lookup"):
        value = getattr(inputs, name)
        parts[name] = _digest(value) if value else None
    parts["deprivation"] = [_digest(p) for p in inputs.deprivation]
    parts["code"] = code_digest()
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def _digest(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"File not found: {path}. Check the path.")
    return file_digest(p)


def _memo(files_key: str, need_key: str | None = None) -> str | None:
    """Remember (or recall) which areas digest these need files give, so a cached run does
    not read and join them again. Unreadable or unwritable memos are simply misses."""
    path = access_cache_dir() / "need" / f"{files_key}.txt"
    if need_key is None:
        try:
            text = path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return text if len(text) == 24 and text.isalnum() else None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, need_key)
    except (OSError, EcoplanError):
        pass
    return need_key


def clip_extent(clip: dict[str, Any], source: str | None = None) -> shapely.Geometry | None:
    """The data's extent when a ``--bbox`` clip was given (ways crossing its edge are kept
    whole, so the network's own bounding box would be larger than the data really is): the
    box, within the box the source file declares — a box reaching past the file's edge must
    not count ground with no data as inside it."""
    if clip.get("bbox"):
        from ecoplan.osm.geocode import parse_clip_bbox

        return within_file(shapely.box(*parse_clip_bbox(clip["bbox"])), source)
    return None


def within_file(area: shapely.Geometry, source: str | None) -> shapely.Geometry:
    """``area`` within the box ``source`` declares it covers (all of it when none is known)."""
    from ecoplan.osm.load import declared_bounds

    declared = declared_bounds(source) if source else None
    return area.intersection(shapely.box(*declared)) if declared else area


def cache_parts(source: str, need_key: str, speed_kmh: float, step_free: bool,
                clip: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """THE cache key's ingredients, for the CLI and the app alike (None: do not cache)."""
    ident = source_identity(source)
    if ident is None:
        return None
    clip = {k: v for k, v in (clip or {}).items() if v}
    return {"source": ident, "need": need_key, "speed": float(speed_kmh),
            "step_free": bool(step_free), "clip": clip, "code": code_digest()}


#: Packages whose code decides an access result: a change to any of them is a new cache key.
_CODE_PACKAGES = ("access", "network", "need", "osm", "sites", "settings")


def code_digest() -> str:
    """Hash of the code that makes access results, so an upgrade or a local edit to sites,
    entrances or standards never serves numbers cached by older code."""
    return digest_of_code(_CODE_PACKAGES)


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
               use_cache: bool = True, keep_objects: bool = False,
               parallel: bool = False) -> AccessRun:
    """Load, build and measure (or fetch from the cache). ``load_layers`` reads the OSM source.

    ``keep_objects`` forces a full computation (no cache read) and returns the layers, sites
    and graph too — the what-if step needs them. ``parallel`` lets independent steps run in a
    forked child (:mod:`ecoplan.parallel`: half the OSM layers while the other half is read,
    the sites while the graph, need files and origins are made here, one access variant
    while the other is measured); results are the same either way.
    """
    from ecoplan import parallel as par
    from ecoplan.collector import collector_paused

    # The cyclic collector off for the run (see ecoplan.collector), in any forked child too.
    with par.allowed(parallel), collector_paused():
        return _run_access(inputs, load_layers, use_cache=use_cache,
                           keep_objects=keep_objects)


def _run_access(inputs: AccessInputs, load_layers: Callable[[], OsmLayers], *,
                use_cache: bool, keep_objects: bool) -> AccessRun:
    from ecoplan import parallel as par
    from ecoplan.access.cache import cache_key

    t0 = time.perf_counter()
    held: dict[str, Any] = {}
    steps: dict[str, float] = {}

    t = time.perf_counter()
    files_key = need_files_key(inputs)
    need_key = _memo(files_key) if use_cache else None
    cacheable = source_identity(inputs.source) is not None
    held_areas: list[AreasResult] = []
    areas_job: par.Deferred[AreasResult] | None = None
    if need_key is None and par.enabled() and not (use_cache and not keep_objects
                                                   and cacheable):
        # Nothing is looked up in the cache, so the need files can wait: a child reads them
        # while this process parses the OSM file (one core until the read splits in two).
        areas_job = par.start(load_areas, inputs)
    elif need_key is None:
        held_areas.append(load_areas(inputs))
        need_key = areas_digest(held_areas[0].areas)
        _memo(files_key, need_key)
    steps["areas"] = time.perf_counter() - t
    from ecoplan.sites.build import build_sites

    def areas_now() -> AreasResult:
        if not held_areas:
            t = time.perf_counter()
            held_areas.append(areas_job.result() if areas_job is not None
                              else load_areas(inputs))
            steps["areas"] += (areas_job.seconds if areas_job is not None
                               else time.perf_counter() - t)
        return held_areas[0]

    def compute() -> AccessResult:
        if areas_job is None:
            areas_now()
        t = time.perf_counter()
        layers = load_layers()
        steps["read OSM"] = time.perf_counter() - t
        sites_job = par.start(build_sites, layers)  # in a child when allowed
        t = time.perf_counter()
        # scipy (0.4 s to import) only once the sites are on their way: the site builder
        # needs none, so a forked child builds them while this process imports it
        from ecoplan.access.measure import measure_access, origins_for
        from ecoplan.network.graph import build_walk_graph

        graph = build_walk_graph(layers, step_free=inputs.step_free)
        steps["graph"] = time.perf_counter() - t
        areas = areas_now()
        t = time.perf_counter()
        origins = origins_for(areas, layers)
        steps["origins"] = time.perf_counter() - t
        sites = sites_job.result()
        steps["sites"] = sites_job.seconds
        t = time.perf_counter()
        result = measure_access(layers, sites, areas, speed_kmh=inputs.speed_kmh,
                                step_free=inputs.step_free, graph=graph, origins=origins,
                                extent=clip_extent(inputs.clip, inputs.source))
        steps["standards + areas"] = time.perf_counter() - t
        held.update(layers=layers, sites=sites, graph=graph, areas=areas)
        return result.with_info(steps=dict(steps))

    if areas_job is not None:  # as cached_access(..., use_cache=False), the key found after
        result = compute()
        need_key = areas_digest(held_areas[0].areas)
        _memo(files_key, need_key)
        parts = cache_parts(inputs.source, need_key, inputs.speed_kmh, inputs.step_free,
                            inputs.clip)
        result = result.with_info(cache="miss", cache_key=cache_key(parts or {}))
        from_cache = False
    else:
        assert need_key is not None
        parts = cache_parts(inputs.source, need_key, inputs.speed_kmh, inputs.step_free,
                            inputs.clip)
        use = use_cache and not keep_objects and parts is not None
        result, from_cache = cached_access(parts or {}, compute, use_cache=use)
    return AccessRun(result=result, from_cache=from_cache, seconds=time.perf_counter() - t0,
                     steps=steps, **held)
