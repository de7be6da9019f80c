"""``ecoplan programme``: plan a season of sessions, check its weather, print its leaflet.

    new SOURCE --name … --first DATE --sessions N --start HH:MM --minutes M --group-size G
    check NAME [--forecast FILE | --offline] [--accept ID …] [--record]
    list | show NAME [--history] | export NAME [--pdf F] [--ics F] [--gpx-dir D] | delete NAME

NAME is the programme's name or its id. Nothing is saved unless the whole programme was
built; ``check`` changes nothing unless proposals are accepted (or ``--record`` is given).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ecoplan.cli.common import add_source_args, load_from_args
from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.programmes import print_style
from ecoplan.settings import plans as pcfg
from ecoplan.settings import programmes as programmes_cfg
from ecoplan.settings import ranking as rcfg
from ecoplan.settings import weather as wcfg


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "programme", help="plan a season of sessions with a printed programme",
        description="A weekly programme of walks or outdoor sessions: sites for variety, "
                    "loop routes of the right length, daylight, weather checks and swaps, a "
                    "printed leaflet, a calendar and GPX files.")
    p.add_argument("--db", default=None, help=f"SQLAlchemy URL (default ${pcfg.DB_URL_ENV} or "
                   "SQLite in the user data folder)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    new = sub.add_parser("new", help="build and save a programme")
    add_source_args(new)
    new.add_argument("--name", required=True, help="programme name, e.g. 'Winter walks'")
    new.add_argument("--first", required=True, metavar="DATE", help="first date, YYYY-MM-DD")
    new.add_argument("--every", default="week", choices=tuple(programmes_cfg.EVERY_DAYS),
                     help="how often (default: week)")
    new.add_argument("--day", metavar="DAY", help="weekday, e.g. thu (default: that of "
                     "--first; a later first date moves to it)")
    new.add_argument("--sessions", type=int, required=True, help="number of sessions")
    new.add_argument("--start", required=True, metavar="HH:MM", help="start time (local)")
    new.add_argument("--minutes", type=int, required=True, help="session (walk) length")
    new.add_argument("--tz", default=None,
                     help=f"time zone of the dates (default {wcfg.DEFAULT_TIMEZONE}; the demo "
                          "area's own)")
    who = new.add_argument_group("group")
    who.add_argument("--group-size", type=int, required=True)
    who.add_argument("--leaders", type=int, default=1)
    who.add_argument("--profile", default="default", choices=tuple(programmes_cfg.PROFILE_SPEED),
                     help="walking pace and weather sensitivity (default: default)")
    who.add_argument("--step-free", action="store_true",
                     help="routes without steps, stiles or kissing gates")
    who.add_argument("--leader", default="", help="leader's name for the leaflet")
    who.add_argument("--contact", default="", help="leader's phone or e-mail for the leaflet")
    pool = new.add_argument_group("sites (default: the best --top for --purpose)")
    pool.add_argument("--sites", metavar="ID,...", help="use these sites (ids from "
                      "'ecoplan sites' or 'ecoplan rank')")
    pool.add_argument("--purpose", default=programmes_cfg.DEFAULT_PURPOSE, choices=rcfg.PURPOSES)
    pool.add_argument("--top", type=int, default=programmes_cfg.DEFAULT_TOP,
                      help="ranked sites to try (default %(default)s)")
    pool.add_argument("--areas", metavar="FILE", help="area boundaries: with --deprivation, "
                      "the ranking counts who lives within reach")
    pool.add_argument("--deprivation", metavar="FILE", action="append",
                      help="IoD file (repeat for more)")
    pool.add_argument("--population", metavar="FILE", help="population by area")
    wx = new.add_mutually_exclusive_group()
    wx.add_argument("--forecast", metavar="FILE.json", help="a recorded Open-Meteo response "
                    "for the first sessions' verdicts")
    wx.add_argument("--online-weather", action="store_true",
                    help="fetch forecasts now (default: use cached forecasts only)")
    new.add_argument("--dry-run", action="store_true", help="build and show, do not save")

    check = sub.add_parser("check", help="weather verdicts for the coming sessions; propose "
                           "swaps for rethink ones")
    check.add_argument("name", metavar="NAME")
    cwx = check.add_mutually_exclusive_group()
    cwx.add_argument("--forecast", metavar="FILE.json", help="a recorded Open-Meteo response")
    cwx.add_argument("--offline", action="store_true", help="cached forecasts only")
    check.add_argument("--accept", metavar="ID", action="append", default=[],
                       help="accept a proposal by its id (e.g. 3/w25946876 or 3/13:30); "
                            "repeatable")
    check.add_argument("--record", action="store_true",
                       help="save the verdicts (accepting a proposal saves them too)")

    sub.add_parser("list", help="saved programmes")
    show = sub.add_parser("show", help="one programme in full")
    show.add_argument("name", metavar="NAME")
    show.add_argument("--history", action="store_true", help="list its versions")
    show.add_argument("--version", type=int, help="show an earlier version")
    show.add_argument("--json", action="store_true", help="the stored record as JSON")

    exp = sub.add_parser("export", help="write the leaflet (PDF), calendar (.ics), GPX files")
    exp.add_argument("name", metavar="NAME")
    exp.add_argument("--pdf", metavar="FILE.pdf", help="the printed programme leaflet")
    exp.add_argument("--paper", default="A4", choices=tuple(print_style.PAPER_IN))
    exp.add_argument("--large-print", action="store_true",
                     help=f"every text at least {print_style.LARGE_BODY_PT:g} pt")
    exp.add_argument("--ics", metavar="FILE.ics", help="one calendar with every session")
    exp.add_argument("--gpx-dir", metavar="DIR", help="one GPX file per session")
    exp.add_argument("--source", metavar="FILE", help="the OSM file for the leaflet's maps "
                     "(default: the one the programme was built from)")

    rm = sub.add_parser("delete", help="delete a programme and its history")
    rm.add_argument("name", metavar="NAME")
    p.set_defaults(run=run)


# --- output ------------------------------------------------------------------------------------


def session_lines(programme) -> list[str]:
    from ecoplan.programmes.facts import table

    t = table(programme)
    out = [f"{'#':>2}  {'date':<10} {'start':<5}  {'site':<30} {'habitat':<11} "
           f"{'walk':<15} {'step-free':<9} {'sunset in':<9} weather"]
    for r in t.to_dict("records"):
        left = "" if r["min before sunset"] is None else f"{r['h before sunset']:.1f} h"
        walk = f"{r['km']:.1f} km, {r['walk min']} min"
        out.append(f"{r['session']:>2}  {r['day']} {r['date'][5:]:<6} {r['start']:<5}  "
                   f"{str(r['site'])[:30]:<30} {r['habitat']:<11} {walk:<15} "
                   f"{'yes' if r['step-free'] else 'NO':<9} {left:<9} {r['weather']}")
        if r["note"]:
            out.append(f"    {r['note']}")
    return out


def header(programme) -> str:
    s = programme.sessions
    spec = programme.spec
    ident = f" (id {programme.id}, version {programme.version})" if programme.id else ""
    return (f"Programme '{programme.name}'{ident}: {len(s)} sessions, {s[0].start:%a %-d %b %Y}"
            f" – {s[-1].start:%a %-d %b %Y}, {spec.start:%H:%M}, {spec.minutes} min; group of "
            f"{spec.group_size} ({spec.profile}{', step-free' if spec.step_free else ''})")


def print_programme(programme) -> None:
    from ecoplan.programmes.source import describe

    print(header(programme))
    for line in session_lines(programme):
        print(line)
    for n in programme.notes:
        print(f"note: {n}")
    print(f"Data: {describe(programme.source)}. {programme.source.get('attribution', '')}")


# --- forecasts ---------------------------------------------------------------------------------


def forecast_source(file: str | None, *, offline: bool, tz: str) -> tuple[Any, str]:
    """(forecast_for(lat, lon), label) for a recorded file, the cache only, or online."""
    from ecoplan.errors import NotInCacheError
    from ecoplan.plans.forecast import ForecastUnreachable, load_forecast, load_forecast_file

    if file:
        fc = load_forecast_file(file)
        return (lambda _lat, _lon: fc), f"recorded forecast {Path(file).name}"
    state = {"offline": offline}

    def get(lat: float, lon: float):
        try:
            return load_forecast(lat, lon, tz=tz, offline=state["offline"])
        except ForecastUnreachable:
            state["offline"] = True  # one unreachable service is enough: use the cache now
            raise
        except NotInCacheError:
            raise EcoplanError("no forecast cached for this place yet: run 'ecoplan programme "
                               "check NAME' when online, or give --forecast FILE") from None

    return get, "cached Open-Meteo forecast" if offline else "Open-Meteo forecast"


# --- actions -----------------------------------------------------------------------------------


def _new(args: argparse.Namespace, store_url: str | None) -> int:
    from ecoplan.programmes.dates import parse_date, parse_every, parse_time, parse_weekday
    from ecoplan.programmes.model import ProgrammeSpec
    from ecoplan.programmes.season import build_programme
    from ecoplan.programmes.source import source_identity
    from ecoplan.routes.planner import RoutePlanner
    from ecoplan.sites.build import build_sites

    if bool(args.areas) != bool(args.deprivation):
        raise InputFileError("give --areas and --deprivation together, or neither")
    tz_given = args.tz is not None
    if not tz_given:  # checked again in the area's own zone once its data is read
        from ecoplan.settings import weather as wcfg

        args.tz = wcfg.DEFAULT_TIMEZONE
    spec = ProgrammeSpec(
        name=args.name, first=parse_date(args.first), sessions=args.sessions,
        start=parse_time(args.start), minutes=args.minutes, group_size=args.group_size,
        every_days=parse_every(args.every),
        weekday=parse_weekday(args.day) if args.day else None, leaders=args.leaders,
        profile=args.profile, step_free=args.step_free,
        site_ids=tuple(s.strip() for s in (args.sites or "").split(",") if s.strip()),
        purpose=args.purpose, top=args.top, timezone=args.tz, leader_name=args.leader,
        leader_contact=args.contact)
    from ecoplan.programmes.dates import validate

    validate(spec)  # bad dates, names, lengths fail before any data is read
    if not args.dry_run:
        from ecoplan.programmes.store import ProgrammeStore

        with ProgrammeStore(store_url) as store:  # a taken name fails before the work
            if any(r["name"] == spec.name.strip() for r in store.list()):
                raise EcoplanError(f"a programme named '{spec.name.strip()}' already exists; "
                                   "choose another --name, or delete the old one")
    areas = None
    if args.areas:
        from ecoplan.cli.rank import _load_areas

        areas = _load_areas(args)
    loaded = load_from_args(args)
    layers = loaded.layers
    if not tz_given:
        import dataclasses

        from ecoplan.programmes.source import default_timezone

        args.tz = default_timezone(layers)
        spec = dataclasses.replace(spec, timezone=args.tz)
        validate(spec)
    sites = build_sites(layers)
    planner = RoutePlanner(layers, sites)
    scores = None
    if areas is not None and not spec.site_ids:
        from ecoplan.ranking.rank import score_sites

        scores = score_sites(sites, layers, areas=areas)
    forecast_for, label = forecast_source(args.forecast, offline=not args.online_weather,
                                          tz=args.tz)
    bbox = None
    if args.bbox:
        from ecoplan.osm.geocode import parse_clip_bbox

        bbox = parse_clip_bbox(args.bbox)
    source = source_identity(args.source, layers, bbox=bbox, place=args.place)
    programme = build_programme(spec, layers, sites, source=source, planner=planner,
                                scores=scores, forecast_for=forecast_for,
                                forecast_label=label)
    if not args.dry_run:
        from ecoplan.programmes.store import ProgrammeStore

        with ProgrammeStore(store_url) as store:
            programme = store.create(programme)
    print_programme(programme)
    if args.dry_run:
        print("Dry run: nothing saved.")
    else:
        print(f"Saved. Check the weather each week with: ecoplan programme check "
              f"'{programme.name}'; print it with: ecoplan programme export '{programme.name}' "
              "--pdf leaflet.pdf --ics walks.ics --gpx-dir gpx")
    return 0


def _check(args: argparse.Namespace, store) -> int:
    from ecoplan.programmes.check import apply_check, check_programme

    programme = store.get(args.name)
    forecast_for, label = forecast_source(args.forecast, offline=args.offline,
                                          tz=programme.spec.timezone)
    result = check_programme(programme, forecast_for, label=label)
    print(header(programme))
    for number, v in result.verdicts.items():
        s = programme.session(number)
        site = programme.site(s.site_id)
        print(f"{number:>2}  {s.start:%a %-d %b %H:%M}  {site.name[:30]:<30} {v.level.upper()}")
        for r in v.reasons[:4]:
            print(f"      - {r}")
        for prop in result.for_session(number):
            print(f"      proposal [{prop.id}] {prop.text}")
    for n in result.notes:
        print(f"note: {n}")
    if any(v.source for v in result.verdicts.values()):
        print(wcfg.ATTRIBUTION)
    if not (args.accept or args.record):
        if result.proposals:
            print("Nothing changed. Accept a proposal with: ecoplan programme check "
                  f"'{programme.name}' --accept ID (same forecast), or leave it as it is.")
        return 0
    updated, summary = apply_check(programme, result, args.accept, record=True)
    updated = store.update(updated, action="swap" if args.accept else "weather",
                           summary=summary)
    print(f"Saved version {updated.version}: {summary}")
    return 0


def _show(args: argparse.Namespace, store) -> int:
    if args.history:
        p = store.get(args.name)
        print(header(p))
        for h in store.history(p.id):
            print(f"  v{h.version}  {h.at[:19].replace('T', ' ')} UTC  {h.action:<8} "
                  f"{h.summary}")
        return 0
    p = store.at_version(args.name, args.version) if args.version else store.get(args.name)
    if args.json:
        rec = p.content() | {"id": p.id, "version": p.version, "created_at": p.created_at,
                             "updated_at": p.updated_at}
        print(json.dumps(rec, indent=1, ensure_ascii=False))
        return 0
    print_programme(p)
    from ecoplan.programmes.facts import facts

    for s in p.sessions:
        f = facts(p, s)
        print(f"\n{f.title} {s.start:%Y}, {f.when} — {f.place}")
        for line in (f.meeting, f.grid_ref, f.bus, f.walk, f.step_free, f.toilets, f.rest,
                     f.daylight, f.weather, f.note):
            if line:
                print(f"  {line}")
    return 0


def _check_out(path: str | None, suffix: str, flag: str) -> Path | None:
    if not path:
        return None
    out = Path(path)
    if out.suffix.lower() != suffix:
        raise InputFileError(f"{flag} {path}: use a file name ending in {suffix}")
    if not out.parent.exists():
        raise InputFileError(f"{flag} {path}: folder {out.parent} does not exist — create it "
                             "first")
    return out


def _export(args: argparse.Namespace, store) -> int:
    from ecoplan.io import write_bytes
    from ecoplan.programmes.export import gpx_name, programme_to_ics, session_gpx

    pdf = _check_out(args.pdf, ".pdf", "--pdf")
    ics = _check_out(args.ics, ".ics", "--ics")
    gpx_dir = Path(args.gpx_dir) if args.gpx_dir else None
    if gpx_dir is not None and not gpx_dir.parent.exists():
        raise InputFileError(f"--gpx-dir {gpx_dir}: folder {gpx_dir.parent} does not exist")
    if not (pdf or ics or gpx_dir):
        raise EcoplanError("say what to export: --pdf FILE.pdf, --ics FILE.ics and/or "
                           "--gpx-dir DIR")
    p = store.get(args.name)
    files: dict[Path, bytes] = {}  # everything is made first, then written: all or nothing
    if ics:
        files[ics] = programme_to_ics(p)
    if gpx_dir:
        for s in p.sessions:
            files[gpx_dir / gpx_name(p, s)] = session_gpx(p, s).encode("utf-8")
    if pdf:
        from ecoplan.osm.load import load_layers
        from ecoplan.programmes.leaflet import leaflet_pdf
        from ecoplan.programmes.source import reload_key

        key, notes = reload_key(p.source, args.source)
        for n in notes:
            print(f"note: {n}")
        layers = load_layers(key)
        files[pdf] = leaflet_pdf(p, layers, paper=args.paper, large_print=args.large_print)
    if gpx_dir:
        gpx_dir.mkdir(exist_ok=True)
    for path, data in files.items():
        write_bytes(path, data)
    if ics:
        print(f"Calendar with {len(p.sessions)} sessions written to {ics}")
    if gpx_dir:
        print(f"{len(p.sessions)} GPX files written to {gpx_dir}/")
    if pdf:
        print(f"Leaflet ({args.paper}{', large print' if args.large_print else ''}) written "
              f"to {pdf}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.action == "new":
        return _new(args, args.db)
    from ecoplan.programmes.store import ProgrammeStore

    with ProgrammeStore(args.db) as store:
        if args.action == "check":
            return _check(args, store)
        if args.action == "list":
            rows = store.list()
            if not rows:
                print("No programmes yet. Build one with 'ecoplan programme new'.")
            for r in rows:
                print(f"{r['id']:>4}  {r['first_start'][:10]}  {r['sessions']:>2} sessions  "
                      f"v{r['version']:<3} {r['name']}")
            return 0
        if args.action == "show":
            return _show(args, store)
        if args.action == "export":
            return _export(args, store)
        if args.action == "delete":
            p = store.delete(args.name)
            print(f"Deleted programme '{p.name}' (id {p.id}) and its history.")
            return 0
    return 1
