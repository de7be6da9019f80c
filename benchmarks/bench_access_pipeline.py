"""End-to-end access on the whole Isle of Wight: read PBF → sites → walk graph → origins →
every standard → one row per area; first run, then the cached repeat run. Prints a table of
time per step and peak memory.

    .venv/bin/python benchmarks/bench_access_pipeline.py [--profile NAME] [--step-free]

Target (issue #3): the whole island in under 15 s on 2 cores; a repeat run near-instant.
Uses a fresh temporary cache folder so the first run is really the first.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", default=None)
    ap.add_argument("--step-free", action="store_true")
    args = ap.parse_args()
    os.environ["ECOPLAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="ecoplan-bench-")

    t_import = time.perf_counter()
    from _common import island_files, island_inputs

    from ecoplan.access.pipeline import run_access
    from ecoplan.osm.pbf import read_pbf

    t_import = time.perf_counter() - t_import
    files = island_files()
    if files is None:
        return 1
    pbf = files["pbf"]
    inputs = island_inputs(files, imd_file1=True, speed=args.profile, step_free=args.step_free)

    # Times without tracemalloc (it slows allocation-heavy code 2-3x); heap peak measured in a
    # separate uncached run afterwards.
    first = run_access(inputs, lambda: read_pbf(pbf))
    repeat = run_access(inputs, lambda: read_pbf(pbf))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    run_access(inputs, lambda: read_pbf(pbf), use_cache=False)
    _, peak_first = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    run_access(inputs, lambda: read_pbf(pbf))
    _, peak_repeat = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not first.from_cache and repeat.from_cache

    from ecoplan.settings import access as access_cfg

    res = first.result
    print(f"Isle of Wight: {len(res.areas)} areas, {res.info['n_origins']:,} origin points, "
          f"{res.info['n_sites']:,} sites / {res.info['n_entrances']:,} entrances, "
          f"{res.info['n_nodes']:,} nodes, {len(res.standards)} standards + "
          f"{len(access_cfg.CLASSES)} classes, × {len(res.info.get('variants', [1]))} "
          "access variants (one Dijkstra pass each); "
          f"{os.cpu_count()} CPUs")
    print(f"{'step':<32}{'seconds':>9}")
    print(f"{'(imports)':<32}{t_import:>9.2f}")
    for name, sec in first.steps.items():
        print(f"{name:<32}{sec:>9.2f}")
    inner = res.info.get("seconds", {})
    for name in ("origins", "standards", "aggregate"):
        if name in inner:
            print(f"{'  of which ' + name:<32}{inner[name]:>9.2f}")
    print(f"{'first run, end to end':<32}{first.seconds:>9.2f}")
    print(f"{'repeat run (cache hit)':<32}{repeat.seconds:>9.2f}")
    print(f"speed-up from cache: {first.seconds / max(repeat.seconds, 1e-9):.0f}×; "
          f"target < 15 s first run: {'met' if first.seconds < 15 else 'NOT met'}")
    print(f"peak RSS after both runs {rss_mb:.0f} MB; peak Python heap (tracemalloc, separate "
          f"runs): full {peak_first / 2**20:.0f} MB, cached {peak_repeat / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
