"""One partition's work, as a Dask task: its cut PBF and its areas in, per-area results out.

It runs the same steps as a whole run (:func:`ecoplan.access.pipeline.run_access`: read OSM,
sites, walk graph, origins and standards) on the partition's cut, so a partition's figures
equal the whole run's wherever the cut holds everything the standard can reach. The task only
computes and returns; the driver stores the result, so workers need no write access.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import geopandas as gpd


@dataclass
class PartitionResult:
    """A finished partition: per-area rows (with geometry), origins, and what it cost."""

    pid: int
    areas: gpd.GeoDataFrame
    origins: gpd.GeoDataFrame
    seconds: float
    peak_mb: float
    start_mb: float = 0.0  # resident memory when the task began (the worker's baseline)
    steps: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


class PeakRss:
    """Highest resident memory of this process while the block runs (sampled every 50 ms).

    Why sampling: a worker process runs many tasks, so the process-lifetime peak
    (``ru_maxrss``) would not tell one partition from the next.
    """

    def __init__(self, every: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self._every = every
        self._stop = threading.Event()
        self.peak = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            self._stop.wait(self._every)

    def __enter__(self) -> PeakRss:
        self.start = self.peak = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def compute_partition(pid: int, pbf: str, areas: gpd.GeoDataFrame, speed_kmh: float,
                      step_free: bool, *,
                      bounds: tuple[float, float, float, float] | None = None
                      ) -> PartitionResult:
    """Measure access for ``areas`` from the partition's cut ``pbf``. ``bounds`` is the whole
    source's declared extent: the cut's own would make edge areas' share inside the data
    differ from the whole run's (without it, the cut's network box is used)."""
    from dataclasses import replace

    from ecoplan.access.measure import measure_access
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.osm.load import load_layers
    from ecoplan.sites.build import build_sites

    t0 = time.perf_counter()
    steps: dict[str, float] = {}
    with PeakRss() as mem:
        t = time.perf_counter()
        layers = load_layers(pbf)
        if bounds is not None:
            layers = replace(layers, source=replace(layers.source, bounds=bounds))
        steps["read OSM"] = time.perf_counter() - t
        t = time.perf_counter()
        sites = build_sites(layers)
        steps["sites"] = time.perf_counter() - t
        t = time.perf_counter()
        graph = build_walk_graph(layers, step_free=step_free)
        steps["graph"] = time.perf_counter() - t
        t = time.perf_counter()
        res = measure_access(layers, sites, areas, speed_kmh=speed_kmh, step_free=step_free,
                             graph=graph)
        steps["origins + standards + areas"] = time.perf_counter() - t
    return PartitionResult(pid=pid, areas=res.areas, origins=res.origins,
                           seconds=time.perf_counter() - t0, peak_mb=mem.peak / 2**20,
                           start_mb=mem.start / 2**20, steps=steps, warnings=tuple(res.warnings))


__all__ = ["PartitionResult", "PeakRss", "compute_partition"]
