"""``ecoplan whatif``: how gaps and equity change with a new site or an extra entrance."""

from __future__ import annotations

import argparse

from ecoplan.cli.access import add_access_args, deciles_of, print_attribution, run_from_args


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("whatif", help="effect of a new site or entrance on access gaps",
                       description="Add a hypothetical site (a polygon) or an extra entrance "
                                   "and see how the gap statistics and the equity table "
                                   "change.")
    add_access_args(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--add-site", metavar="FILE",
                      help="polygon(s) of the new site (GeoJSON/GeoPackage, any CRS)")
    what.add_argument("--add-entrance", metavar="SITE_ID@LON,LAT",
                      help="an extra entrance into an existing site, e.g. w123@-1.29,50.70")
    p.add_argument("--name", help="name of the new site (default: the file's 'name' "
                                  "property, else 'New site')")
    p.add_argument("--kind", default="green", choices=["green", "blue", "green+blue"],
                   help="kind of the new site (green). The new site is public land with "
                        "confirmed access; a green or green+blue one counts as a park in the "
                        "parks measures (a proposed park, garden or green), a blue one does "
                        "not")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.access.whatif import (
        add_entrance,
        add_site,
        compare,
        equity_change_strings,
        rerun,
        whatif_summary,
    )
    from ecoplan.settings import access as access_cfg

    deciles = deciles_of(args)
    shape = _read_site(args.add_site) if args.add_site else None
    point = _parse_entrance(args.add_entrance) if args.add_entrance else None
    before = run_from_args(args, keep_objects=True)
    assert before.layers is not None and before.sites is not None
    if shape is not None:
        name = args.name or _name_of(shape)
        sites = add_site(before.sites, before.layers, shape, name, kind=args.kind)
        label = f"new site {name!r} ({sites.sites.iloc[-1]['area_ha']:.1f} ha, " \
                f"{int(sites.sites.iloc[-1]['n_entrances'])} entrances)"
    else:
        assert point is not None  # --add-site or --add-entrance is required
        site_id, pt = point
        sites = add_entrance(before.sites, site_id, pt, layers=before.layers)
        label = f"extra entrance into {site_id}"
    after = rerun(before.result, before.layers, sites, graph=before.graph)
    cmp = compare(before.result, after, deciles=deciles, include_partial=args.include_partial)
    print(f"What if: {label}; deprived = decile 1..{deciles}; walking "
          f"{before.result.speed_kmh:g} km/h along the walking network")
    print(whatif_summary(cmp).to_string(index=False))
    print()
    print("Equity table, before → after (confirmed / including access unknown):")
    print(equity_change_strings(cmp).to_string(index=False))
    if cmp.leave_tier1:
        print(f"leave priority tier 1: {', '.join(cmp.leave_tier1)}")
    if cmp.enter_tier1:
        print(f"enter priority tier 1: {', '.join(cmp.enter_tier1)}")
    print_changed(cmp, access_cfg.WHATIF_CHANGED_SHOWN)
    print_attribution(before.result)
    return 0


def print_changed(cmp, shown: int) -> None:
    """Name the changed areas (the first ``shown``, then how many more), not only count them."""
    from ecoplan.access.whatif import changed_area_strings

    table = changed_area_strings(cmp)
    if table.empty:
        print("No area changes.")
        return
    print(f"{len(table)} area(s) change:")
    head = table.head(shown)
    left = {c: _left(max(len(c), int(head[c].str.len().max()))) for c in head.columns}
    text = head.to_string(index=False, formatters=left, justify="left")
    print("\n".join(line.rstrip() for line in text.splitlines()))
    if len(table) > shown:
        print(f"… and {len(table) - shown} more.")


def _left(width: int):
    """A formatter padding text on the right: long descriptions read better left-aligned."""
    return lambda text: f"{text:<{width}}"


def _read_site(path: str):
    from ecoplan.need.boundaries import read_frame

    return read_frame(path, what=f"--add-site {path}")[0]  # lon/lat, checked like areas


def _name_of(gdf) -> str:
    """The drawn site's own name, if the file gives one."""
    if "name" in gdf.columns:
        names = [str(n).strip() for n in gdf["name"] if isinstance(n, str) and n.strip()]
        if names:
            return names[0]
    return "New site"


def _parse_entrance(text: str):
    from shapely.geometry import Point

    from ecoplan.errors import InputFileError

    try:
        site_id, where = text.rsplit("@", 1)
        lon, lat = (float(v) for v in where.split(","))
    except ValueError:
        raise InputFileError(f"--add-entrance {text!r}: write SITE_ID@LON,LAT, e.g. "
                             "w123@-1.29,50.70") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InputFileError(f"--add-entrance {text!r}: longitude/latitude out of range.")
    return site_id.strip(), Point(lon, lat)
