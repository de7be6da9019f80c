"""``ecoplan access``: walking access to green and blue space, one row per area.

Also holds the arguments and printing shared with ``ecoplan gaps`` and ``ecoplan whatif``.
"""

from __future__ import annotations

import argparse

import pandas as pd

from ecoplan.cli.common import (
    add_need_args,
    add_source_args,
    check_need_column,
    load_from_args,
)


def add_access_args(p: argparse.ArgumentParser) -> None:
    """SOURCE, areas/need files, speed and caching options."""
    add_source_args(p)
    p.set_defaults(areas_required=True)  # unless --la fills it (ecoplan.cli.la)
    add_need_args(p)
    speed = p.add_mutually_exclusive_group()
    speed.add_argument("--speed", metavar="KMH", type=float, help="walking speed in km/h")
    speed.add_argument("--profile", metavar="NAME",
                       help="walking speed profile: default (4.8), natural-england (4.0), "
                            "older-adults (3.0), frail (2.3)")
    p.add_argument("--step-free", action="store_true",
                   help="walk only step-free paths (no steps, stiles, kissing gates)")
    p.add_argument("--deciles", type=int, default=None, metavar="N",
                   help="deprived = decile 1..N (default 3)")
    p.add_argument("--include-partial", action="store_true",
                   help="count areas mostly outside the OSM data in headline figures")
    p.add_argument("--no-cache", action="store_true", help="recompute even if cached")


def inputs_from_args(args: argparse.Namespace):
    from ecoplan.access.pipeline import AccessInputs

    check_need_column(args)
    return AccessInputs(
        source=args.source, areas=args.areas, deprivation=tuple(args.deprivation),
        population=args.population, lookup=args.lookup, id_column=args.id_column,
        name_column=args.name_column, need_column=args.need_column,
        higher_is_worse=args.higher_is_worse, population_column=args.population_column,
        speed=args.speed if args.speed is not None else args.profile,
        step_free=args.step_free,
        clip={"bbox": args.bbox, "place": args.place,
              **({"la": args.la_key} if getattr(args, "la_key", None) else {})},
    )


def run_from_args(args: argparse.Namespace, *, keep_objects: bool = False):
    from ecoplan.access.pipeline import run_access
    from ecoplan.fetch.clip import osm_buffer_m

    inputs = inputs_from_args(args)
    # validates the speed before any slow work; a --bbox or --place is read this much wider
    margin = osm_buffer_m(inputs.speed_kmh)
    from ecoplan.sites.build import GROUND, PREP, site_ground, site_prep
    from ecoplan.strings import python_strings

    # What the sites need of the features is made by the reader's child while this process
    # reads the other layers and then readies them for the sites; text is held as Python
    # strings for the run (ecoplan.strings). Both for cold-run speed (issue 16).
    with python_strings():
        return run_access(
            inputs,
            lambda: load_from_args(args, {GROUND: site_ground}, {PREP: site_prep},
                                   margin_m=margin).layers,
            use_cache=not args.no_cache, keep_objects=keep_objects, parallel=True)


def deciles_of(args: argparse.Namespace) -> int:
    from ecoplan.access.priorities import check_deciles
    from ecoplan.settings import access as access_cfg

    given = args.deciles
    return check_deciles(access_cfg.DEFAULT_DEPRIVED_DECILES if given is None else given)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("access", help="walking access to green/blue space per area",
                       description="Measure walking access from where people live to green "
                                   "and blue space entrances, per area, against the AGS, "
                                   "ANGSt, WHO and 15-minute standards.")
    add_access_args(p)
    p.add_argument("--out", metavar="FILE.csv", help="write one row per area to a CSV file")
    p.add_argument("--gpkg", metavar="FILE.gpkg",
                   help="write areas (with results) and origin points to a GeoPackage")
    from ecoplan.partition.run import add_partition_args

    add_partition_args(p)  # --partitions N [--workers W | --scheduler ADDR] [--buffer-km K]
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.access.export import area_table, origin_table
    from ecoplan.io import check_output, write_csv, write_layers

    if args.partitions is not None:  # a partitioned run on Dask (ecoplan.partition)
        from ecoplan.partition.run import run_partitioned

        return run_partitioned(args)
    if args.out:
        check_output(args.out, (".csv",), label="--out")
    if args.gpkg:
        check_output(args.gpkg, (".gpkg",), label="--gpkg")
    deciles = deciles_of(args)
    run_ = run_from_args(args)
    res = run_.result
    areas = area_table(res.areas, deciles=deciles, include_partial=args.include_partial)
    if args.out:
        write_csv(args.out, areas.drop(columns="geometry"))
    if args.gpkg:
        write_layers(args.gpkg, {"areas": areas,
                                 "origins": origin_table(res.origins, res.areas)})
    print_summary(res, run_, deciles=deciles, include_partial=args.include_partial)
    for path in (args.out, args.gpkg):
        if path:
            print(f"wrote {path}")
    return 0


def print_summary(res, run_, *, deciles: int, include_partial: bool = False) -> None:
    """The headline figures four ways (confirmed / incl. unknown × network / straight)."""
    from ecoplan.access.priorities import tier_counts
    from ecoplan.access.summary import WAYS, headline, headline_strings, partial_note, way_name
    from ecoplan.access.variants import label, view

    table = res.table()
    status = table["status"].value_counts().to_dict()
    pop = pd.to_numeric(table["population"], errors="coerce")
    print(f"{len(table)} areas ({', '.join(f'{n} {k}' for k, n in status.items())}); "
          f"population {pop.sum():,.0f}; walking {res.speed_kmh:g} km/h"
          f"{', step-free' if res.step_free else ''}")
    head = headline_strings(headline(table, speed_kmh=res.speed_kmh,
                                     standards=res.standards, deciles=deciles,
                                     include_partial=include_partial))
    print("  " + " | ".join(way_name(v, h) for v, h in WAYS))
    for _, row in head.iterrows():
        print(f"  {row['measure']}: " + " | ".join(row[way_name(v, h)] for v, h in WAYS))
    if pd.to_numeric(table["imd_decile"], errors="coerce").notna().any():
        for v in ("confirmed", "all"):
            c = tier_counts(view(table, v), deciles=deciles, include_partial=include_partial)
            print(f"  priority tiers ({label(v)}): tier 1 {c['tier 1']}, tier 2 "
                  f"{c['tier 2']}, tier 3 {c['tier 3']} areas; of the {c['deprived areas']} "
                  f"deprived (decile ≤ {deciles}): {c['tier 1 deprived']} in tier 1")
    note = partial_note(table, include_partial)
    if note:
        print(f"note: {note}")
    for w in res.warnings:
        print(f"note: {w}")
    how = ("from cache" if run_.from_cache else
           ", ".join(f"{k} {v:.1f} s" for k, v in run_.steps.items()))
    print(f"took {run_.seconds:.1f} s ({how})")
    print_attribution(res)


def print_attribution(res) -> None:
    """OSM's notice, and the IoD's and ONS's only when the areas' need came from the IoD."""
    from ecoplan.need.areas import join_notices, need_attributions
    from ecoplan.osm.layers import ATTRIBUTION

    print("Data: " + join_notices([res.info.get("attribution") or ATTRIBUTION,
                                   *need_attributions(res.areas)]))
