"""``ecoplan gaps``: the equity table by deprivation decile and the ranked access-gap list."""

from __future__ import annotations

import argparse

import pandas as pd

from ecoplan.cli.access import add_access_args, deciles_of, print_attribution, run_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="equity table and ranked access gaps",
                       description="Which deprived areas cannot walk to green or blue space: "
                                   "an equity table by deprivation decile and the ranked list "
                                   "of gap areas.")
    add_access_args(p)
    p.add_argument("--top", type=int, default=20, metavar="N", help="gaps to print (20)")
    p.add_argument("--out", metavar="FILE.csv", help="write the full ranked gap list to CSV")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.access.gaps import equity_table, gap_list
    from ecoplan.io import check_output, write_csv

    if args.out:
        check_output(args.out, (".csv",), label="--out")
    deciles = deciles_of(args)
    run_ = run_from_args(args)
    table = run_.result.table()
    require_deciles(table)
    equity = equity_table(table, deciles=deciles)
    gaps = gap_list(table, deciles=deciles)
    print(f"Access by deprivation decile (1 = most deprived), walking "
          f"{run_.result.speed_kmh:g} km/h along the walking network:")
    print(format_equity(equity))
    for w in equity.attrs.get("warnings", []):
        print(f"note: {w}")
    print()
    print(f"{len(gaps)} access gap(s): deprived (decile ≤ {deciles}) and failing the "
          "15-minute or AGS local (2 ha within 300 m) standard, most people lacking first:")
    if len(gaps):
        print(format_gaps(gaps.head(max(args.top, 0))))
    if args.out:
        write_csv(args.out, gaps)
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


def format_equity(equity: pd.DataFrame) -> str:
    out = pd.DataFrame({
        "decile": equity["decile"],
        "areas": equity["n_areas"],
        "population": equity["population"].map(lambda v: f"{v:,.0f}"),
        "within 15 min": equity["share_walk15"].map(_pct),
        "AGS local": equity["share_local"].map(_pct),
        "mean min": equity["mean_minutes"].map(lambda v: "" if v != v else f"{v:.1f}"),
        "gaps": equity["n_gaps"],
    })
    return out.to_string(index=False)


def format_gaps(gaps: pd.DataFrame) -> str:
    out = pd.DataFrame({
        "#": gaps["rank"],
        "area": gaps["area_code"],
        "name": gaps["area_name"].fillna(""),
        "decile": gaps["imd_decile"].map(lambda v: "" if v != v else f"{v:.0f}"),
        "people lacking": gaps["people_lacking"].map(
            lambda v: "" if v != v else f"{v:,.0f}"),
        "15 min": gaps["share_walk15_any"].map(_pct),
        "AGS local": gaps["share_ags_local"].map(_pct),
        "mean min": gaps["minutes_any"].map(lambda v: "" if v != v else f"{v:.1f}"),
        "nearest site": gaps["nearest_site_name"].fillna("").where(
            gaps["nearest_site_name"].fillna("") != "", gaps["nearest_site_id"].fillna("")),
    })
    return out.to_string(index=False)


def _pct(x: float) -> str:
    return "" if x != x else f"{100 * x:.0f} %"
