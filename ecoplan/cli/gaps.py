"""``ecoplan gaps``: the equity table by deprivation decile and the gap priority list, both ways
(confirmed public access / including access unknown)."""

from __future__ import annotations

import argparse

import pandas as pd

from ecoplan.cli.access import add_access_args, deciles_of, print_attribution, run_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="equity table and gap priority tiers",
                       description="Which deprived areas cannot walk to green or blue space: "
                                   "an equity table by deprivation decile and the gap areas "
                                   "in priority tiers, each with the standard it fails.")
    add_access_args(p)
    p.add_argument("--top", type=int, default=20, metavar="N", help="areas to print (20)")
    p.add_argument("--out", metavar="FILE.csv",
                   help="write the full priority list (tiers 1–2, both ways) to CSV")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.access.export import file_encoding, generic_need
    from ecoplan.access.gaps import equity_table
    from ecoplan.access.priorities import priority_list
    from ecoplan.access.report import equity_strings, priority_strings, priority_title
    from ecoplan.access.summary import partial_note
    from ecoplan.access.variants import label, view
    from ecoplan.attribution import export_attribution, with_attribution
    from ecoplan.io import check_output, write_csv
    from ecoplan.settings import access as access_cfg

    if args.out:
        check_output(args.out, (".csv",), label="--out")
    deciles = deciles_of(args)
    run_ = run_from_args(args)
    table = run_.result.table()
    require_deciles(table)
    equity = equity_table(table, deciles=deciles, include_partial=args.include_partial)
    print(f"Access by deprivation decile (1 = most deprived), walking "
          f"{run_.result.speed_kmh:g} km/h along the walking network "
          f"({label('confirmed')} / {label('all')}):")
    print(equity_strings(equity).to_string(index=False))
    for w in equity.attrs.get("warnings", []):
        print(f"note: {w}")
    note = partial_note(table, args.include_partial)
    if note:
        print(f"note: {note}")
    lists = []
    for variant in access_cfg.VARIANTS:
        gaps = priority_list(view(table, variant), deciles=deciles,
                             include_partial=args.include_partial)
        print()
        print(priority_title(gaps, variant, deciles))
        if len(gaps):
            print(priority_strings(gaps.head(max(args.top, 0))).to_string(index=False))
        lists.append(gaps.assign(access=variant))
    if args.out:
        both = file_encoding(pd.concat(lists, ignore_index=True),
                             generic=generic_need(table))
        write_csv(args.out, with_attribution(both, export_attribution(run_.result.areas)))
        print(f"wrote {args.out}")
    for w in run_.result.warnings:
        print(f"note: {w}")
    print_attribution(run_.result)
    return 0


def require_deciles(table: pd.DataFrame) -> None:
    from ecoplan.errors import InputFileError

    if pd.to_numeric(table["imd_decile"], errors="coerce").notna().sum() == 0:
        raise InputFileError("No area has a deprivation decile: give --deprivation files whose "
                             "codes match the areas (or --lookup for LSOA 2011↔2021), or a "
                             "generic layer with --need-column.")
