"""``ecoplan support``: community resources and help around a site or point; and
``ecoplan directory``: the user's own local directory (add, list, show, delete).

The directory is a separate command so ``ecoplan support SOURCE`` never has to guess whether
``add`` is a file name.
"""

from __future__ import annotations

import argparse
from typing import Any

from ecoplan.cli.common import add_source_args, load_from_args
from ecoplan.errors import EcoplanError
from ecoplan.io import check_output
from ecoplan.settings import plans as pcfg
from ecoplan.settings import support as support_cfg

_DB_HELP = f"SQLAlchemy URL (default ${pcfg.DB_URL_ENV} or SQLite in the user data folder)"


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "support", help="community resources and help nearby for a site or point",
        description="List community resources (signposting) and help nearby (safety plan) "
                    "around a site or a point, with walking distances. Your own entries come "
                    "from 'ecoplan directory'.")
    add_source_args(p)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--site", metavar="ID", help="site id from 'ecoplan sites'")
    where.add_argument("--lat", type=float, help="latitude of a chosen point (with --lon)")
    p.add_argument("--lon", type=float, help="longitude of a chosen point (with --lat)")
    p.add_argument("--radius", type=float, default=support_cfg.DEFAULT_RADIUS_M, metavar="M",
                   help=f"search radius for community resources, metres "
                        f"({support_cfg.MIN_RADIUS_M:.0f}–{support_cfg.MAX_RADIUS_M:.0f}; default "
                        f"{support_cfg.DEFAULT_RADIUS_M:.0f})")
    p.add_argument("--speed", default=None, metavar="PROFILE|KMH",
                   help="walking speed for minutes: default, natural-england, older-adults, "
                        "frail or km/h")
    p.add_argument("--out", metavar="FILE", help="write .csv (all rows) or .html (printable sheet)")
    p.add_argument("--no-directory", action="store_true", help="leave out your own entries")
    p.add_argument("--db", default=None, help=_DB_HELP)
    p.set_defaults(run=run)

    d = subparsers.add_parser("directory", help="your local directory of support services")
    d.add_argument("--db", default=None, help=_DB_HELP)
    sub = d.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="add an entry")
    add.add_argument("--name", required=True)
    add.add_argument("--category", default="Other",
                     help=f"e.g. "
                          f"{', '.join(repr(c) for c in support_cfg.DIRECTORY_CATEGORIES[:3])}")
    add.add_argument("--phone", default="")
    add.add_argument("--url", default="")
    add.add_argument("--notes", default="")
    add.add_argument("--lat", type=float)
    add.add_argument("--lon", type=float)
    add.add_argument("--site", default="", metavar="ID", help="show it only for this site")
    lst = sub.add_parser("list", help="all entries")
    lst.add_argument("--site", default=None, metavar="ID", help="entries shown for this site")
    show = sub.add_parser("show", help="one entry")
    show.add_argument("id", type=int)
    rm = sub.add_parser("delete", help="delete an entry")
    rm.add_argument("id", type=int)
    d.set_defaults(run=run_directory)


def run(args: argparse.Namespace) -> int:
    from ecoplan.support.report import check_radius, support_around, write_report_csv

    if args.lat is not None and args.lon is None:
        raise EcoplanError("--lat needs --lon too (or use --site ID)")
    if args.site is not None and not args.site.strip():
        raise EcoplanError("--site is empty; give a site id, e.g. --site w3382857 (list them "
                           "with 'ecoplan sites')")
    if args.site and args.lon is not None:
        raise EcoplanError("give --site or --lat/--lon, not both")
    check_radius(args.radius)
    out = check_output(args.out, (".htm", ".csv", ".html"), label="--out") if args.out else None
    entries = []
    if not args.no_directory:
        from ecoplan.support.directory import DirectoryStore

        with DirectoryStore(args.db) as store:
            entries = store.list()
    layers = load_from_args(args).layers
    sites = entrances = None
    if args.site:
        from ecoplan.sites.build import build_sites

        built = build_sites(layers)
        sites, entrances = built.sites, built.entrances
    rep = support_around(layers, sites=sites, entrances=entrances, site_id=args.site,
                         lat=args.lat, lon=args.lon, radius_m=args.radius, directory=entries,
                         speed=args.speed)
    _print(rep)
    if out is not None:
        if out.suffix.lower() == ".csv":
            write_report_csv(rep, out)
            print(f"CSV written to {out}")
        else:
            from ecoplan.support.sheet import write_sheet

            write_sheet(rep, out)
            print(f"Printable sheet written to {out}")
    return 0


def _print(rep: Any) -> None:
    from ecoplan.support.help import fmt_distance

    def dist(r: Any) -> str:
        basis = "walk" if r["basis"] == "walk" else "straight line"
        return f"{fmt_distance(float(r['distance_m']))} {basis}"

    print(rep.summary())
    for note in rep.notes:
        print(f"! {note}")
    print("\nHelp nearby:")
    for _, r in rep.help.iterrows():
        extra = f"  [{r['detail']}]" if r["detail"] else ""
        print(f"  {r['label']}: {r['name'] or '(unnamed)'} — {dist(r)}{extra}")
    for msg in rep.missing:
        print(f"  - {msg}")
    mp = rep.meeting_points
    if len(mp):
        print("Meeting points:")
        for _, m in mp.head(support_cfg.SHEET_MEETING_POINTS).iterrows():
            ref = f"{m['grid_ref']}  " if m["grid_ref"] else ""
            print(f"  {m['name']}: {ref}({m['lat']:.5f}, {m['lon']:.5f})")
    print(f"\nCommunity resources within {fmt_distance(rep.radius_m)}:")
    if rep.community.empty:
        print(f"  {rep.community_absence()} in OpenStreetMap — try a larger --radius, or add "
              "what you know with 'ecoplan directory add'.")
    for label, rows in rep.community.groupby("label", sort=False):
        print(f"  {label}:")
        for _, r in rows.iterrows():
            print(f"    {r['name'] or '(unnamed)'} — {dist(r)}")
    if len(rep.directory):
        print("\nYour directory:")
        for _, d in rep.directory.iterrows():
            bits = [x for x in (d["phone"], d["url"]) if x]
            print(f"  [{d['id']}] {d['name']} ({d['category']}) {' '.join(bits)}")
    print(f"\nMap data {rep.attribution}")


def run_directory(args: argparse.Namespace) -> int:
    from ecoplan.support.directory import DirectoryEntry, DirectoryStore

    with DirectoryStore(args.db) as store:
        if args.action == "add":
            e = store.add(DirectoryEntry(
                name=args.name, category=args.category, phone=args.phone, url=args.url,
                notes=args.notes, lat=args.lat, lon=args.lon, site_id=args.site))
            print(f"Added directory entry {e.id}: {e.name}")
        elif args.action == "list":
            entries = store.list(site_id=args.site)
            if not entries:
                print("No directory entries. Add one with 'ecoplan directory add --name ...'.")
            for e in entries:
                where = f" site {e.site_id}" if e.site_id else ""
                if e.located:
                    where += f" at {e.lat:.5f}, {e.lon:.5f}"
                print(f"{e.id:>5}  {e.category:<30} {e.name}{where}")
        elif args.action == "show":
            e = store.get(args.id)
            for key in ("id", "name", "category", "phone", "url", "notes", "lat", "lon",
                        "site_id", "updated_at"):
                print(f"{key:>10}: {getattr(e, key)}")
        elif args.action == "delete":
            store.delete(args.id)
            print(f"Deleted directory entry {args.id}.")
    return 0
