"""``ecoplan route``: loop walks (or an A-to-B walk) from a start, printed with their scores and
written as GPX and a printable A4 PDF."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ecoplan.cli.common import add_source_args, load_from_args
from ecoplan.errors import EcoplanError
from ecoplan.io import check_output
from ecoplan.settings.routes import BUSY_ROAD_WARN_SHARE, ENTRANCES_TRIED


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "route", help="plan a loop walk (or A-to-B) and write GPX / an A4 PDF map",
        description="Plan loop walks of a target time from a start point, preferring green "
                    "and blue space and avoiding busy roads; or a walk to --to.")
    add_source_args(p)
    start = p.add_mutually_exclusive_group(required=True)
    start.add_argument("--start", metavar="LAT,LON", help="start point, e.g. 50.733,-1.158")
    start.add_argument("--site", metavar="ID", help="start at an entrance of site ID "
                                                     "(see `ecoplan sites`)")
    start.add_argument("--poi", metavar="OSM_ID", help="start at a bus stop, car park or "
                                                       "other point, e.g. n123456")
    p.add_argument("--entrance", metavar="N|ID",
                   help="with --site: start at entrance N (1 = the best, the default; the "
                        "list is printed) or at the entrance with this id")
    p.add_argument("--minutes", type=float, help="target walk time for a loop (minutes)")
    speed = p.add_mutually_exclusive_group()
    speed.add_argument("--speed", type=float, metavar="KMH", help="walking speed, km/h")
    speed.add_argument("--profile", metavar="NAME",
                       help="speed preset: default, natural-england, older-adults, frail")
    p.add_argument("--step-free", action="store_true",
                   help="no steps, stiles, kissing gates or rough paths")
    p.add_argument("--lit", action="store_true", help="lit paths only")
    p.add_argument("--avoid-roads", action="store_true",
                   help="keep off busy roads except where there is no other way")
    p.add_argument("--to", metavar="LAT,LON", help="plan a walk to this point instead of a loop")
    p.add_argument("--alternatives", type=int, default=3, metavar="N",
                   help="number of loop alternatives (default 3)")
    p.add_argument("--gpx", metavar="FILE", help="write the best route as GPX 1.1")
    p.add_argument("--pdf", metavar="FILE", help="write the best route as an A4 PDF map")
    p.add_argument("--title", metavar="TEXT", default="", help="title for the GPX and PDF")
    p.set_defaults(run=run)


def parse_latlon(text: str, what: str = "--start") -> tuple[float, float]:
    """'LAT,LON' → (lon, lat), with a clear error (and a hint if the order looks swapped)."""
    parts = [x.strip() for x in str(text).split(",")]
    try:
        lat, lon = (float(x) for x in parts)
    except ValueError:
        raise EcoplanError(f"{what} {text!r}: give LAT,LON in degrees, e.g. "
                           "50.7330,-1.1580") from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise EcoplanError(f"{what} {text!r} is not a valid LAT,LON: latitude must lie within "
                           "±90 and longitude within ±180 degrees.")
    return lon, lat


def _check_out(path: str | None, suffix: str, flag: str) -> Path | None:
    return check_output(path, (suffix,), label=flag) if path else None


def describe(route, index: int | None = None) -> list[str]:
    """Lines summarising a route for the terminal."""
    from ecoplan.routes.model import is_out_and_back

    s = route.scores
    head = f"Route {index}: " if index is not None else ""
    kind = ("out-and-back walk" if is_out_and_back(route) else "loop") if route.is_loop \
        else "route"
    lines = [
        f"{head}{route.length_m / 1000:.2f} km {kind}, about {route.minutes:.0f} min at "
        f"{route.speed_kmh:g} km/h",
        f"  green/blue {s.get('share_green_blue', 0):.0%}, roads "
        f"{s.get('share_any_road', 0):.0%} (busy roads {s.get('share_on_roads', 0):.0%}), "
        f"retraced {s.get('share_retraced', 0):.0%}, "
        f"lit {s.get('share_lit', 0):.0%}",
        f"  step-free: {'yes' if route.step_free else 'no'}"
        + ("" if route.step_free else f" ({s.get('obstacles', 0):.0f} obstacle segments)")
        + f"; toilets passed: {s.get('toilets', 0):.0f}; benches: {s.get('benches', 0):.0f}",
    ]
    if "length_error" in s:
        lines[-1] += f"; length off target by {s['length_error']:.0%}"
    if s.get("share_on_roads", 0) >= BUSY_ROAD_WARN_SHARE:
        lines.append(f"  note: {s['share_on_roads']:.0%} of this walk is on busy roads — check "
                     "for pavements or verges, or try --avoid-roads or another start")
    return lines


def print_entrances(site_id: str, choices: list, start: tuple[float, float]) -> None:
    """The site's entrances, best first: the first ``ENTRANCES_LISTED`` and the chosen one,
    then how many more there are (a large park has dozens)."""
    from ecoplan.settings.routes import ENTRANCES_LISTED

    print(f"Entrances of site {site_id} (choose with --entrance N):")
    shown = 0
    for i, ch in enumerate(choices):
        chosen = ch.lonlat == start
        if i < ENTRANCES_LISTED or chosen:
            shown += 1
            print(f" {'*' if chosen else ' '} {ch.label} ({ch.lonlat[1]:.5f}, "
                  f"{ch.lonlat[0]:.5f})")
    if len(choices) > shown:  # the chosen one, listed past the first few, is not "more"
        print(f"   … and {len(choices) - shown} more, up to --entrance "
              f"{len(choices)} (the app's Walking route page lists them all)")


def _loops_from(plan, start: tuple[float, float], name: str, tries: list
                ) -> tuple[tuple[float, float], list]:
    """(start used, loops) from ``start``, else from each entrance choice in ``tries`` in turn
    (saying which one was used); the first entrance's error when none gives a loop."""
    from ecoplan.routes.network import NoStepFreeRouteError, RouteError

    try:
        return start, plan(start, name)
    except RouteError as first:
        for ch in tries[1:]:
            try:
                routes = plan(ch.lonlat, ch.name)
            except RouteError:
                continue
            num, _, what = ch.label.partition(". ")
            why = getattr(first, "head", str(first))  # without advice for entrance 1
            print(f"No loop from entrance 1 ({_lower_first(why)}); starting at entrance {num} "
                  f"({what}) instead.")
            return ch.lonlat, routes
        if len(tries) < 2:
            raise
        msg = f"{str(first).rstrip('.')} (entrances 1–{len(tries)} tried)."
        if isinstance(first, NoStepFreeRouteError):
            raise NoStepFreeRouteError(msg, first.alternatives) from first
        raise RouteError(msg) from first


def _lower_first(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:]


def run(args: argparse.Namespace) -> int:
    from ecoplan.access.speeds import resolve_speed
    from ecoplan.io import write_atomic
    from ecoplan.routes.atob import plan_route
    from ecoplan.routes.directions import step_distance
    from ecoplan.routes.gpx import route_to_gpx
    from ecoplan.routes.loops import check_loop_minutes, plan_loops
    from ecoplan.routes.network import NoStepFreeRouteError
    from ecoplan.routes.planner import RoutePlanner, poi_start, site_entrances, site_start
    from ecoplan.routes.printmap import render_route_pdf

    gpx_out = _check_out(args.gpx, ".gpx", "--gpx")
    pdf_out = _check_out(args.pdf, ".pdf", "--pdf")
    if args.to is None and args.minutes is None:
        raise EcoplanError("give --minutes N for a loop, or --to LAT,LON for a walk to a point")
    if args.alternatives < 1:
        raise EcoplanError("--alternatives must be at least 1")
    if args.to is None:
        check_loop_minutes(args.minutes)  # before the data is read (a 10 s wait for a typo)
    if args.entrance is not None and not args.site:
        raise EcoplanError("--entrance needs --site ID (the site whose entrance to start at)")
    speed = resolve_speed(args.speed if args.speed is not None else args.profile)
    end = parse_latlon(args.to, "--to") if args.to else None
    start = parse_latlon(args.start) if args.start else None

    loaded = load_from_args(args)
    layers = loaded.layers
    from ecoplan.sites.build import build_sites

    sites = build_sites(layers)  # green/blue space: what the router prefers
    name = "Start"
    choices = []
    if args.site:
        start, name = site_start(sites, args.site, args.entrance, layers)
        choices = site_entrances(sites, args.site, layers)
    elif args.poi:
        start, name = poi_start(layers, args.poi)
    assert start is not None  # --start, --site or --poi is required
    planner = RoutePlanner(layers, sites)
    opts = dict(speed_kmh=speed, step_free=args.step_free, lit_only=args.lit,
                avoid_roads=args.avoid_roads, planner=planner, title=args.title)
    try:
        if end is not None:
            routes = [plan_route(layers, sites, start, end, start_name=name, **opts)]
        else:
            # --site without --entrance: the next entrances are tried too, as the programme
            # builder does (issue #1)
            tries = choices[:ENTRANCES_TRIED] if args.site and args.entrance is None else []
            start, routes = _loops_from(
                lambda st, nm: plan_loops(layers, sites, st, args.minutes,
                                          n_alternatives=args.alternatives, start_name=nm,
                                          **opts),
                start, name, tries)
    except NoStepFreeRouteError as err:
        for i, r in enumerate(err.alternatives, 1):
            print("\n".join(describe(r, i)))
        raise
    finally:
        if len(choices) > 1:
            print_entrances(args.site, choices, start)
    for i, r in enumerate(routes, 1):
        print("\n".join(describe(r, i if len(routes) > 1 else None)))
    best = routes[0]
    print("Directions (route 1):" if len(routes) > 1 else "Directions:")
    for step in best.directions:
        shown = step_distance(step.distance_m)  # as the PDF prints it (#8)
        dist = f" ({shown})" if shown else ""
        print(f"  - {step.text}{dist}")
    if gpx_out:
        write_atomic(gpx_out, route_to_gpx(best))
        print(f"wrote {gpx_out}")
    if pdf_out:
        render_route_pdf(best, layers, pdf_out, title=args.title or None)  # atomic itself
        print(f"wrote {pdf_out}")
    print(f"{layers.source.attribution}")
    return 0
