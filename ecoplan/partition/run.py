"""``ecoplan access … --partitions N``: the areas in N groups, each a task on Dask.

Steps: read the areas once → split them into compact groups (:mod:`ecoplan.partition.groups`)
→ grow each group by the buffer → cut the PBF for every group in one sweep
(:mod:`ecoplan.partition.cut`) → one task per group on ``dask.distributed`` (a local cluster
of ``--workers`` processes, or the cluster at ``--scheduler``) → store each finished partition
(:mod:`ecoplan.partition.store`) → one output.

**The buffer rule.** A walk of at most D metres along the network never ends more than D metres
(straight line) from its start, so a group buffered by B km holds every path, entrance and site
that any standard with a distance ≤ B can reach from a home in the group: those standards'
figures equal the whole run's exactly. The default B is the largest standard distance (10 km,
ANGSt sub-regional; more only if the 15-minute walk is longer at the chosen speed), as for
``--la``. With a smaller ``--buffer-km`` the standards beyond B, and the unbounded "minutes to
the nearest site" columns where that site is farther than B, can differ near a group's edge:
they see only what lies within B (a site farther away is missed, never invented).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError, OutputFileError
from ecoplan.partition.store import RunStore

#: Output suffixes a partitioned run writes with --out.
OUT_SUFFIXES = (".csv", ".parquet")


def add_partition_args(p: argparse.ArgumentParser) -> None:
    """The options of a partitioned ``ecoplan access`` run."""
    g = p.add_argument_group("partitioned runs (Dask)")
    g.add_argument("--partitions", type=int, metavar="N",
                   help="split the areas into N compact groups (whole local authorities when "
                        "the need data names them), each run as a task on Dask; resumable")
    where = g.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="W",
                       help="with --partitions: local worker processes (default: cores, at "
                            "most N)")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --partitions: an existing Dask scheduler, e.g. "
                            "tcp://10.0.0.5:8786 (workers must see the --work-dir folder)")
    g.add_argument("--buffer-km", type=float, metavar="K",
                   help="with --partitions: OSM kept around each group (default: the largest "
                        "standard distance, 10 km; standards beyond K may differ at edges)")
    g.add_argument("--work-dir", metavar="DIR",
                   help="with --partitions: where cuts and finished partitions are kept "
                        "(default: the ecoplan cache); the same command resumes from it")


def run_partitioned(args: argparse.Namespace) -> int:
    """The CLI entry: check, plan, cut, compute the missing partitions, gather, write."""
    t0 = time.perf_counter()
    n = args.partitions
    _check_args(args)
    from ecoplan.cli.access import deciles_of, inputs_from_args

    deciles = deciles_of(args)
    inputs = inputs_from_args(args)
    speed = inputs.speed_kmh
    from ecoplan.access.pipeline import cache_parts, load_areas, need_files_key
    from ecoplan.fetch.clip import osm_buffer_m
    from ecoplan.partition.groups import split_areas

    areas_res = load_areas(inputs)
    areas = areas_res.areas
    labels = split_areas(areas, n, _lad_codes(inputs, areas))
    buffer_m = (args.buffer_km * 1000 if args.buffer_km is not None else osm_buffer_m(speed))
    parts = cache_parts(inputs.source, need_files_key(inputs), speed, inputs.step_free)
    plan = {"parts": parts, "partitions": n, "buffer_m": buffer_m,
            "groups": [list(areas.loc[labels == k, "area_code"].astype(str))
                       for k in range(n)]}
    store = RunStore(args.work_dir or _default_dir(plan))
    store.open(json.loads(json.dumps(plan, default=str)))
    todo = [k for k in range(n) if not store.done(k)]
    print(f"{len(areas)} areas in {n} partitions (buffer {buffer_m / 1000:g} km); "
          f"{n - len(todo)} done earlier, {len(todo)} to compute; work folder {store.root}")
    for w in areas_res.warnings:
        print(f"note: {w}")
    failed: dict[int, str] = {}
    if todo:
        need_cut = [k for k in todo if not store.pbf(k).exists()]
        if need_cut:
            regions = _regions(areas, labels, need_cut, buffer_m)
            from ecoplan.partition.cut import cut_pbf

            stats = cut_pbf(inputs.source, regions, [store.pbf(k) for k in need_cut])
            print(f"cut {len(need_cut)} partition(s) from {Path(inputs.source).name} in "
                  f"{stats.seconds:.1f} s")
        from ecoplan.osm.pbf import header_bounds

        failed = compute(store, todo, {k: areas[labels == k] for k in todo}, speed,
                         inputs.step_free, workers=args.workers, scheduler=args.scheduler,
                         bounds=header_bounds(inputs.source))
    for k, msg in sorted(failed.items()):
        print(f"partition {k} failed: {msg}", file=sys.stderr)
    if failed:
        print(f"{n - len(failed)} of {n} partitions done; run the same command again to "
              f"compute only the {len(failed)} missing", file=sys.stderr)
        return 1
    table, gathered = gather(store, n, areas["area_code"], deciles,
                             include_partial=args.include_partial)
    write_outputs(args, table, gathered, store, n)
    _summary(table, store, n, time.perf_counter() - t0)
    return 0


def _check_args(args: argparse.Namespace) -> None:
    from ecoplan.io import check_output

    if args.partitions < 1:
        raise InputFileError("--partitions must be 1 or more")
    if args.workers is not None and args.workers < 1:
        raise InputFileError("--workers must be 1 or more")
    if args.buffer_km is not None and not (0 <= args.buffer_km <= 1000):
        raise InputFileError("--buffer-km must be between 0 and 1000")
    if args.bbox or args.place:
        raise InputFileError("--partitions splits the areas itself; leave out --bbox/--place")
    src = str(args.source or "")
    if not src.lower().endswith(".pbf"):
        raise InputFileError("--partitions needs an .osm.pbf SOURCE (it is cut per partition)")
    if args.out:
        check_output(args.out, OUT_SUFFIXES, label="--out")
    if args.gpkg:
        check_output(args.gpkg, (".gpkg",), label="--gpkg")


def _lad_codes(inputs, areas: gpd.GeoDataFrame) -> pd.Series | None:
    """Each area's local authority, from the IoD tables when they carry it."""
    if not inputs.deprivation or inputs.need_column:
        return None
    from ecoplan.need.iod import load_iod

    iod = load_iod(*inputs.deprivation)
    if "lad_code" not in iod.columns or iod["lad_code"].isna().all():
        return None
    lad = iod.drop_duplicates("area_code").set_index("area_code")["lad_code"]
    out = areas["area_code"].map(lad)
    return None if out.isna().all() else out


def _regions(areas: gpd.GeoDataFrame, labels: np.ndarray, pids: list[int],
             buffer_m: float) -> list:
    from shapely import union_all

    from ecoplan.fetch.clip import buffer_m as grow

    return [grow(union_all(areas.geometry[labels == k].to_numpy()), buffer_m) for k in pids]


def _default_dir(plan: dict) -> Path:
    from ecoplan.settings.paths import cache_dir

    key = hashlib.sha256(json.dumps(plan, sort_keys=True, default=str).encode()).hexdigest()
    return cache_dir() / "partitions" / key[:24]


def compute(store: RunStore, todo: list[int], groups: dict[int, gpd.GeoDataFrame],
            speed: float, step_free: bool, *, workers: int | None = None,
            scheduler: str | None = None, task=None,
            bounds: tuple[float, float, float, float] | None = None) -> dict[int, str]:
    """Run ``todo`` on Dask, storing each result as it arrives; failures by id → message.

    ``bounds``: the whole source's declared extent (its PBF header box), so each partition
    measures areas' share inside the data against the same extent as the whole run.

    ``task`` replaces :func:`ecoplan.partition.task.compute_partition` (tests inject one that
    fails for a given partition).
    """
    from dask.distributed import Client, LocalCluster, as_completed
    from tqdm import tqdm

    from ecoplan.partition.task import compute_partition

    task = task or compute_partition
    failed: dict[int, str] = {}
    if scheduler:
        try:
            client, cluster = Client(scheduler, timeout="30s"), None
        except (OSError, ValueError) as err:
            raise InputFileError(f"cannot reach the Dask scheduler at {scheduler} ({err}); "
                                 "start it (`dask scheduler`) or check the address") from None
    else:
        n_workers = workers or min(len(todo), os.cpu_count() or 1)
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    try:
        futures = {client.submit(task, k, str(store.pbf(k)), groups[k], speed, step_free,
                                 bounds=bounds, key=f"ecoplan-partition-{k}-{store.root.name}",
                                 pure=False): k
                   for k in todo}
        bar = tqdm(total=len(todo), desc="partitions", unit="part", file=sys.stderr)
        for fut in as_completed(futures):
            k = futures[fut]
            try:
                store.save(fut.result())
            except Exception as err:  # noqa: BLE001 - one partition's failure, reported by id
                failed[k] = f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
            bar.update(1)
        bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return failed


def gather(store: RunStore, n: int, order: pd.Series, deciles: int,
           include_partial: bool = False):
    """All partitions' areas as one table in the input order, with the priority tiers and
    export columns of a whole run (:func:`ecoplan.access.export.area_table`); and the layer."""
    from ecoplan.access.export import area_table

    parts = [store.areas(k) for k in range(n)]
    areas = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                             crs=parts[0].crs)
    pos = pd.Series(np.arange(len(order)), index=order.astype(str).to_numpy())
    areas = areas.iloc[np.argsort(pos.loc[areas["area_code"].astype(str)].to_numpy(),
                                  kind="stable")].reset_index(drop=True)
    areas = area_table(areas, deciles=deciles, include_partial=include_partial)
    return pd.DataFrame(areas.drop(columns="geometry")), areas


def write_outputs(args: argparse.Namespace, table: pd.DataFrame, areas: gpd.GeoDataFrame,
                  store: RunStore, n: int) -> None:
    from ecoplan.access.export import origin_table
    from ecoplan.io import atomic_path, write_csv, write_layers

    if args.out and args.out.lower().endswith(".csv"):
        write_csv(args.out, table)
    elif args.out:
        try:
            with atomic_path(args.out) as tmp:
                _for_parquet(areas).to_parquet(tmp)
        except OSError as err:
            raise OutputFileError(f"cannot write {args.out}: {err}") from err
    if args.gpkg:
        origins = pd.concat([store.origins(k) for k in range(n)], ignore_index=True)
        origins_gdf = gpd.GeoDataFrame(origins, geometry="geometry", crs=areas.crs)
        write_layers(args.gpkg, {"areas": areas, "origins": origin_table(origins_gdf, areas)})
    for path in (args.out, args.gpkg):
        if path:
            print(f"wrote {path}")


def _for_parquet(areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    from ecoplan.partition.store import _parquet_safe

    return _parquet_safe(areas)


def _summary(table: pd.DataFrame, store: RunStore, n: int, seconds: float) -> None:
    from ecoplan.access.priorities import tier_label
    from ecoplan.need.areas import join_notices, need_attributions
    from ecoplan.osm.layers import ATTRIBUTION

    pop = pd.to_numeric(table["population"], errors="coerce")
    stats = [store.stats(k) for k in range(n)]
    secs = [s["seconds"] for s in stats]
    print(f"{len(table)} areas; population {pop.sum():,.0f}; {n} partitions, "
          f"{min(secs):.1f}–{max(secs):.1f} s each, peak {max(s['peak_mb'] for s in stats):,.0f}"
          f" MB per worker; priority tier 1 (confirmed access): "
          f"{int((table['priority'] == tier_label(1)).sum())} areas; took {seconds:.1f} s")
    print("Data: " + join_notices([ATTRIBUTION, *need_attributions(table)]))


__all__ = ["add_partition_args", "compute", "gather", "run_partitioned"]
