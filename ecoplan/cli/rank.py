"""``ecoplan rank``: rank green and blue sites for a purpose, with a plain-English reason each."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ecoplan.cli.common import (
    add_need_args,
    add_source_args,
    check_need_column,
    load_from_args,
    with_labels,
)
from ecoplan.settings import ranking as ranking_cfg

OUT_SUFFIXES = (".csv", ".geojson", ".json", ".gpkg")


def add_parser(sub: argparse._SubParsersAction) -> None:
    comps = "; ".join(f"{k}: {v}" for k, v in ranking_cfg.COMPONENT_HELP.items())
    p = sub.add_parser(
        "rank", help="rank sites for therapy, group walks or public-health priority",
        description="Rank green and blue sites for a purpose and explain each score. "
                    f"Components — {comps}.")
    add_source_args(p)
    p.add_argument("--purpose", required=True, choices=ranking_cfg.PURPOSES,
                   help="whose needs the ranking serves (sets the default weights)")
    p.add_argument("--weights", metavar="K=V,...",
                   help=f"change weights, e.g. calm=2,privacy=0 (names: "
                        f"{', '.join(ranking_cfg.COMPONENTS)}); they are normalised to sum 1")
    add_need_args(p)  # --areas with the IoD files or a need layer of one's own: enables reach
    p.add_argument("--minutes", type=float, default=ranking_cfg.DEFAULT_MINUTES,
                   help="walking time for reach, minutes (default %(default)g)")
    speed = p.add_mutually_exclusive_group()
    speed.add_argument("--speed", metavar="KMH", type=float, help="walking speed, km/h")
    speed.add_argument("--profile", metavar="NAME",
                       help="walking-speed profile: default, natural-england, older-adults, "
                            "frail")
    p.add_argument("--deciles", type=int, default=ranking_cfg.DEFAULT_DECILES,
                   help="deprivation deciles counted as deprived: 1..N (default %(default)s)")
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="show (and write) the best N sites (default %(default)s; 0 = all)")
    pieces = p.add_mutually_exclusive_group()
    pieces.add_argument("--all-pieces", action="store_true",
                        help="list every piece of a place (rivers and coasts are cut into 1 km "
                             "pieces); by default each place is listed once, at its best piece")
    pieces.add_argument("--one-per-place", action="store_true",
                        help="one row per place (the default; kept for older scripts)")
    p.add_argument("--out", metavar="FILE", help="write the ranking (.csv, .geojson, .gpkg)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.errors import EcoplanError, InputFileError
    from ecoplan.io import check_output
    from ecoplan.messages import HintedError, word
    from ecoplan.need.areas import join_notices
    from ecoplan.ranking.rank import rank_scores, score_sites
    from ecoplan.ranking.weights import parse_weights, resolve_weights
    from ecoplan.sites.build import build_sites
    from ecoplan.sites.describe import describe_unnamed

    if args.out:
        check_output(args.out, OUT_SUFFIXES, label="--out")
    _check_need_args(args)
    if args.top < 0:
        raise InputFileError(f"--top {args.top}: give 0 (all) or a positive number")
    if not 1 <= args.deciles <= 10:
        raise InputFileError(f"--deciles {args.deciles}: give a whole number from 1 to 10 "
                             "(1 = the 10 % most deprived areas)")
    if not (args.minutes == args.minutes and 0 < args.minutes <= 120):
        raise InputFileError(f"--minutes {args.minutes:g}: give a walking time between 1 and "
                             "120 minutes")
    overrides = parse_weights(args.weights)
    resolve_weights(args.purpose, overrides)  # bad purpose/weights fail before loading data
    areas = _load_areas(args) if args.areas else None

    loaded = load_from_args(args)
    t0 = time.perf_counter()
    sites = build_sites(loaded.layers)
    t1 = time.perf_counter()
    speed = args.speed if args.speed is not None else args.profile
    try:
        scores = score_sites(sites, loaded.layers, areas=areas, minutes=args.minutes,
                             speed=speed, deciles=args.deciles)
        ranked = rank_scores(scores, args.purpose, overrides, top=args.top or None,
                             one_per_place=not args.all_pieces)
    except HintedError as err:
        raise EcoplanError(word(err, "cli")) from None
    table = with_labels(ranked.table, describe_unnamed(ranked.table, loaded.layers, sites.crs))
    t2 = time.perf_counter()

    print(f"{args.purpose} ranking of {len(scores.table)} sites — weights: "
          f"{ranked.weights.describe()}")
    if "reach" in scores.available:
        ranked_by = (f"deciles of '{args.need_column}'" if args.need_column
                     else "IoD deciles")
        print(f"reach: walking {scores.minutes:g} min at {scores.speed_kmh:g} km/h "
              f"({scores.limit_m:,.0f} m), deprived = {ranked_by} 1–{scores.deciles}")
    for note in ranked.notes:
        print(f"note: {word(note, 'cli')}")
    for _, row in table.iterrows():
        more = int(row.get("more_pieces", 0) or 0)
        extra = f" (+{more} more piece{'s' if more > 1 else ''})" if more else ""
        print(f"{row['rank']:>3}. {row['label']} — score {row['score']:.2f}{extra}")
        print(f"     {row['explanation']}")
    if args.out:
        _write(args.out, table, areas)
        print(f"wrote {args.out}")
    print(f"load {loaded.seconds:.1f} s, sites {t1 - t0:.1f} s, ranking {t2 - t1:.1f} s")
    print(join_notices(ranked.attributions))
    return 0


def _check_need_args(args: argparse.Namespace) -> None:
    """Reach needs the areas and what says which are deprived; half of it is a mistake."""
    from ecoplan.errors import InputFileError

    need = bool(args.deprivation or args.need_column)
    if args.areas and not need:
        raise InputFileError("give --areas and --deprivation together (boundaries and the IoD "
                             "files), or --areas with --need-column for a need layer of your "
                             "own, or neither")
    given = [flag for flag, value in (
        ("--deprivation", args.deprivation), ("--need-column", args.need_column),
        ("--population", args.population), ("--lookup", args.lookup),
        ("--population-column", args.population_column)) if value]
    if given and not args.areas:
        raise InputFileError(f"{' and '.join(given)} need(s) --areas FILE: the areas whose "
                             "need they describe")
    check_need_column(args)


def _load_areas(args: argparse.Namespace):
    """The areas the way ``ecoplan access`` loads them (one loader, any need layer)."""
    from ecoplan.need.load import load_need_areas

    result = load_need_areas(
        args.areas, tuple(args.deprivation), population=args.population, lookup=args.lookup,
        id_column=args.id_column, name_column=args.name_column, need_column=args.need_column,
        higher_is_worse=args.higher_is_worse, population_column=args.population_column)
    for w in result.warnings:
        print(f"note: {w}")
    return result.areas


def _write(path: str, table, areas=None) -> None:
    """The ranking as a file, with the licence notice of its data (OSM, plus OGL when the
    ``areas``' need came from the IoD) in an ``attribution`` column."""
    from ecoplan.attribution import export_attribution, with_attribution
    from ecoplan.io import write_csv, write_layers

    table = with_attribution(table, export_attribution(areas))
    if Path(path).suffix.lower() == ".csv":
        flat = table.drop(columns="geometry").copy()
        rep = table.geometry.representative_point()
        flat["lon"], flat["lat"] = rep.x.round(6), rep.y.round(6)
        write_csv(path, flat)
    else:
        write_layers(path, {"ranking": table})
