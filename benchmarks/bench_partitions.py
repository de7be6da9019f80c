"""Partitioned access runs on Dask: the cut, per-partition time and peak memory, 1 vs 2
workers on the Isle of Wight, and a projection for all of England from the measured rates.

    .venv/bin/python benchmarks/bench_partitions.py [--partitions 4] [--workers 1 2]

What it measures (real data: the Isle of Wight extract, 89 LSOAs, IoD 2019):
- the cut: one sweep over the PBF for 1 partition and for N, solved for seconds per MB read
  and per MB written;
- each partition's time and peak resident memory (sampled in the worker while it runs), and
  the size of its cut;
- the wall time of the N partitions on 1 and on 2 local Dask workers.

The England projection (printed): England is ``ENGLAND_KM2`` of land and ``ENGLAND_PBF_MB``
of PBF; N compact groups of ``ENGLAND_KM2 / N`` km² (squares of side s) each read their
square grown by the buffer B, g = ((s + 2B) / s)² times their share of the PBF. The cut sweep
reads the PBF once and writes g times it. A partition's time and memory follow the size of
its cut at the rates measured here (seconds per MB of cut; MB of memory per MB of cut above a
fresh worker, worst partition). Island data (rural, 2015) is sparser than England's towns
today, so per-MB rates are the better basis; the per-LSOA rate is printed as a cross-check.
Everything runs on a machine shared with other work: the load average is printed.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ENGLAND_LSOAS = 33_755  # LSOA 2021 (ONS)
ENGLAND_PEOPLE = 57_000_000  # mid-2022 estimate, about 57 million (ONS)
ENGLAND_PBF_MB = 1_400  # Geofabrik england-latest.osm.pbf, about 1.4 GB
ENGLAND_KM2 = 130_310  # land area of England (ONS Standard Area Measurements)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--partitions", type=int, default=4)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args()
    root = str(Path(__file__).resolve().parents[1])
    sys.path.insert(0, root)  # this checkout's ecoplan, here and in the Dask workers
    os.environ["PYTHONPATH"] = root
    os.environ.setdefault("ECOPLAN_CACHE_DIR", tempfile.mkdtemp(prefix="ecoplan-bench-"))
    import numpy as np
    from _common import island_files, island_inputs

    from ecoplan.access.pipeline import load_areas
    from ecoplan.fetch.clip import osm_buffer_m
    from ecoplan.partition.cut import cut_pbf
    from ecoplan.partition.groups import split_areas
    from ecoplan.partition.run import _lad_codes, _regions, compute
    from ecoplan.partition.store import RunStore

    files = island_files()
    if files is None:
        return 1
    pbf = files["pbf"]
    inputs = island_inputs(files)
    n = args.partitions
    pbf_mb = pbf.stat().st_size / 2**20
    areas = load_areas(inputs).areas
    labels = split_areas(areas, n, _lad_codes(inputs, areas))
    buffer = osm_buffer_m(None)
    tmp = Path(tempfile.mkdtemp(prefix="ecoplan-bench-parts-"))

    one = cut_pbf(pbf, _regions(areas, np.zeros(len(areas), int), [0], buffer),
                  [tmp / "all.osm.pbf"])
    regions = _regions(areas, labels, list(range(n)), buffer)
    cuts = [tmp / f"cut-{k}.osm.pbf" for k in range(n)]
    many = cut_pbf(pbf, regions, cuts)
    # cut time = read · PBF MB + write · MB written: two sweeps writing different amounts
    out_one = (tmp / "all.osm.pbf").stat().st_size / 2**20
    out_many = sum(c.stat().st_size for c in cuts) / 2**20
    write_s = max(0.0, (many.seconds - one.seconds) / max(out_many - out_one, 1e-9))
    read_s = max(0.0, (one.seconds - write_s * out_one) / pbf_mb)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work "
          "shares them: every time below includes it)")
    print(f"Isle of Wight: {len(areas)} LSOAs, {pbf.name} {pbf_mb:.1f} MB; "
          f"{n} partitions, buffer {buffer / 1000:g} km")
    print(f"cut, 1 partition: {one.seconds:.1f} s writing {out_one:.1f} MB; {n} partitions: "
          f"{many.seconds:.1f} s writing {out_many:.1f} MB → {read_s:.2f} s per MB read + "
          f"{write_s:.2f} s per MB written")

    walls: dict[int, float] = {}
    stats: list[dict] = []
    groups = {k: areas[labels == k] for k in range(n)}
    for w in args.workers:
        store = RunStore(tmp / f"run-w{w}")
        store.open({"workers": w})
        for k in range(n):  # the same cuts for every worker count
            os.link(cuts[k], store.pbf(k))
        t = time.perf_counter()
        failed = compute(store, list(range(n)), groups, inputs.speed_kmh, False, workers=w)
        walls[w] = time.perf_counter() - t
        if failed:
            print(f"failed: {failed}")
            return 1
        stats = [store.stats(k) for k in range(n)]
        print(f"\n{w} worker(s): {n} partitions in {walls[w]:.1f} s wall (cluster start "
              f"included); load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print("  part  LSOAs  people   cut MB   seconds  start MB  peak MB")
        for k, s in enumerate(stats):
            pop = float(groups[k]["population"].sum())
            print(f"  {k:>4}  {len(groups[k]):>5}  {pop:>6,.0f}  "
                  f"{cuts[k].stat().st_size / 2**20:>7.2f}  {s['seconds']:>8.1f}  "
                  f"{s['start_mb']:>8.0f}  {s['peak_mb']:>7.0f}")
    if len(walls) > 1:
        ws = sorted(walls)
        print(f"speed-up {ws[0]}→{ws[-1]} workers: {walls[ws[0]] / walls[ws[-1]]:.2f}× "
              f"(2 cores shared with other work; partition times include contention)")

    # rates from the last run
    cut_mb = np.array([c.stat().st_size / 2**20 for c in cuts])
    secs = np.array([s["seconds"] for s in stats])
    peaks = np.array([s["peak_mb"] for s in stats])
    starts = np.array([s["start_mb"] for s in stats])
    idle = float(starts.min())  # a fresh worker before its first partition
    s_per_mb = secs.sum() / cut_mb.sum()
    # worst case: a worker keeps what earlier partitions left, so peak above the fresh
    # worker's memory, per MB of the partition's cut
    mem_per_mb = max(0.0, float(np.max((peaks - idle) / cut_mb)))
    s_per_lsoa = secs.sum() / len(areas)
    people = float(areas["population"].sum())
    print(f"\nrates: {s_per_mb:.1f} s per MB of cut; {s_per_lsoa:.2f} s per LSOA "
          f"({secs.sum() / people * 1000:.2f} s per 1,000 people) incl. the buffer; peak "
          f"memory {idle:.0f} MB fresh worker + {mem_per_mb:.0f} MB per MB of cut")
    print(f"\nEngland projection ({ENGLAND_LSOAS:,} LSOAs, ~{ENGLAND_PEOPLE / 1e6:.0f} M people, "
          f"{ENGLAND_PBF_MB:,} MB PBF, {ENGLAND_KM2:,} km², buffer {buffer / 1000:g} km)")
    print("  N parts  km²/part  grow×  cut MB/part  s/part  peak GB/worker  cut pass h  "
          "total h (2 cores)  total h (32 cores)")
    for parts in (32, 128, 512, 2048):
        side = math.sqrt(ENGLAND_KM2 / parts)
        grow = ((side + 2 * buffer / 1000) / side) ** 2
        mb = ENGLAND_PBF_MB / parts * grow
        t_part = s_per_mb * mb
        peak_gb = (idle + mem_per_mb * mb) / 1024
        cut_h = (read_s + write_s * grow) * ENGLAND_PBF_MB / 3600
        total2 = cut_h + t_part * parts / 2 / 3600
        total32 = cut_h + t_part * math.ceil(parts / 32) / 3600
        print(f"  {parts:>7}  {ENGLAND_KM2 / parts:>8,.0f}  {grow:>5.2f}  {mb:>11.1f}  "
              f"{t_part:>6.0f}  {peak_gb:>14.1f}  {cut_h:>10.1f}  {total2:>17.1f}  "
              f"{total32:>18.1f}")
    print(f"  cross-check by LSOA (island rate, buffer overhead included): "
          f"{s_per_lsoa * ENGLAND_LSOAS / 3600 / 2:.1f} h on 2 cores, "
          f"{s_per_lsoa * ENGLAND_LSOAS / 3600 / 32:.1f} h on 32")
    return 0


if __name__ == "__main__":
    sys.exit(main())
