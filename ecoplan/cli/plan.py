"""``ecoplan plan``: can we go, where, and what do we tell people — for one session."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as weather_cfg


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "plan", help="weather-sensitive go / care / rethink for one outdoor session",
        description="Assess a session at a site: forecast for its hours, site features, group.")
    where = p.add_argument_group("where (a site from a source file, or a point)")
    where.add_argument("--site", help="site id from 'ecoplan sites' (e.g. w123456)")
    where.add_argument("--source", help="OSM file (.osm.pbf, .osm, .osm.bz2, .osm.gz), 'demo', "
                       "or a sites .geojson/.gpkg, holding the site")
    where.add_argument("--lat", type=float)
    where.add_argument("--lon", type=float)
    where.add_argument("--categories", default="",
                       help="with --lat/--lon: site kind, e.g. 'wood' or 'beach;cliff' (without it "
                       "the kind is unknown and the strictest case is checked)")
    where.add_argument("--name", default="", help="with --lat/--lon: a name for the place")
    when = p.add_argument_group("when")
    when.add_argument("--date", required=True, help="YYYY-MM-DD")
    when.add_argument("--start", required=True, help="HH:MM local time")
    when.add_argument("--minutes", required=True, type=int, help="session length")
    when.add_argument("--tz", default=None,
                      help="IANA time zone of --start (default: the site's, from its location; "
                           f"else the forecast's, else {weather_cfg.DEFAULT_TIMEZONE})")
    who = p.add_argument_group("who")
    who.add_argument("--group-size", type=int, default=10)
    who.add_argument("--leaders", type=int, default=1)
    who.add_argument("--profile", choices=pcfg.PROFILES, default="default")
    wx = p.add_mutually_exclusive_group()
    wx.add_argument("--forecast", metavar="FILE.json", help="a saved Open-Meteo response")
    wx.add_argument("--offline", action="store_true", help="use only the cached forecast")
    wx.add_argument("--conditions", metavar="k=v,...",
                    help="expected conditions by hand: temp_c, apparent_c, rain_mm, rain_prob, "
                         "wind_kmh, gust_kmh, uv, weather_code")
    out = p.add_argument_group("output")
    out.add_argument("--notes", default="", help="free-text notes stored with the plan")
    out.add_argument("--save", action="store_true", help="save the plan to the plans database")
    out.add_argument("--db", default=None, help=f"SQLAlchemy URL (default ${pcfg.DB_URL_ENV} "
                     "or SQLite in the user data folder)")
    out.add_argument("--ics", metavar="FILE", help="write a calendar event (.ics)")
    out.add_argument("--sheet", metavar="FILE.html", help="write a printable one-page sheet")
    p.set_defaults(run=run)


def load_sites(source: str) -> tuple[Any, Any]:
    """(sites, layers) from a sites file (.geojson/.gpkg; no layers) or built from any OSM
    source the other commands read (:func:`ecoplan.osm.load.load_layers`)."""
    from ecoplan.osm.load import DEMO, load_layers

    path = Path(source)
    if source != DEMO and not path.is_file():
        raise InputFileError(f"source file {path} not found; give an OSM file (.osm.pbf, .osm, "
                             ".osm.bz2, .osm.gz), 'demo', or a sites .geojson/.gpkg")
    if path.suffix.lower() in (".geojson", ".gpkg", ".json"):
        import geopandas as gpd

        try:
            return gpd.read_file(path), None
        except Exception as err:  # noqa: BLE001 — any reader failure is a bad file
            raise InputFileError(f"cannot read sites from {path} ({err.__class__.__name__}); "
                                 "give a sites GeoJSON/GeoPackage or an .osm.pbf") from None
    from ecoplan.sites.build import build_sites

    layers = load_layers(source)
    return build_sites(layers).sites, layers


def _site_row(sites: Any, site_id: str) -> Any:
    hit = sites[sites["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        sample = ", ".join(map(str, sites["site_id"].head(5)))
        raise EcoplanError(f"unknown site id '{site_id}' in this source; ids look like: "
                           f"{sample} (list them with 'ecoplan sites')")
    return hit.iloc[0]


def parse_start(day: str, hhmm: str, tz: str) -> datetime:
    from ecoplan.plans.forecast import check_tz

    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise EcoplanError(f"date '{day}' is not YYYY-MM-DD; e.g. --date 2026-10-03") from None
    try:
        t = time.fromisoformat(hhmm)
    except ValueError:
        raise EcoplanError(f"start '{hhmm}' is not HH:MM; e.g. --start 10:30") from None
    return datetime.combine(d, t, tzinfo=ZoneInfo(check_tz(tz)))


def format_report(a: Any, alternatives: list[Any]) -> str:
    from ecoplan.plans.alternatives import describe

    lines = [f"{a.site['name']}: {a.session['start'][:16].replace('T', ' ')} for "
             f"{a.session['minutes']} min — {a.level.headline}"]
    for r in a.reasons:
        lines.append(f"  [{r.level}] {r.text}")
    if not a.reasons:
        lines.append("  No weather, daylight or group warnings.")
    if alternatives:
        lines.append("Better-suited sites for these conditions:")
        lines += [f"  - {describe(alt)}" for alt in alternatives]
    lines.append(f"Tell participants: {a.participant_note}")
    lines.append("Leader checklist:")
    lines += [f"  [ ] {c}" for c in a.checklist]
    for n in a.data_notes:
        lines.append(f"Note: {n}")
    if a.attribution:
        lines.append(a.attribution)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ecoplan.plans._io import check_target
    from ecoplan.plans.alternatives import suggest_alternatives
    from ecoplan.plans.context import parse_categories
    from ecoplan.plans.forecast import (
        Forecast,
        check_tz,
        load_forecast,
        load_forecast_file,
        parse_conditions,
    )
    from ecoplan.plans.rules import (
        Group,
        Session,
        SiteContext,
        assess,
        session_weather,
    )
    from ecoplan.plans.validate import check_not_past, check_place
    from ecoplan.support.country import timezone_at

    # Everything that can be checked cheaply is checked before the slow work (reading the
    # source, fetching a forecast) and before anything is saved.
    for target, what in ((args.ics, "calendar event"), (args.sheet, "sheet")):
        if target:
            check_target(target, what)
    if args.tz is not None:
        check_tz(args.tz)
    if args.save:  # a file that is not a plans database is refused now, not after the work
        from ecoplan.plans.store import PlanStore

        PlanStore(args.db).close()
    # an empty --conditions "" is an error, not "no conditions" (that fetched a forecast)
    conditions = parse_conditions(args.conditions) if args.conditions is not None else None
    group = Group(size=args.group_size, leaders=args.leaders, profile=args.profile)

    sites = layers = None
    if args.site:
        if not args.source:
            raise EcoplanError("--site needs --source (the OSM file the site came from, or 'demo')")
        sites, layers = load_sites(args.source)
        # an unnamed site by its description ("Wood near Ryde"), here and in alternatives
        from ecoplan.sites.describe import describe_unnamed

        sites = sites.assign(name=describe_unnamed(sites, layers))
        row = _site_row(sites, args.site)
        from ecoplan.plans.refuge import nearest_building

        site = SiteContext.from_site_row(
            row, nearest_building=nearest_building(layers, row.get("geometry")))
    elif args.lat is not None and args.lon is not None:
        if not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
            raise EcoplanError(f"--lat {args.lat} --lon {args.lon} out of range")
        if args.source:
            raise EcoplanError("--source is used with --site only; with --lat/--lon give the "
                               "site's kind with --categories (e.g. wood), or give --site ID "
                               "--source FILE")
        cats = parse_categories(args.categories)
        place = {"name": args.name or f"{args.lat:.4f}, {args.lon:.4f}", "lat": args.lat,
                 "lon": args.lon}
        site = (SiteContext.from_categories(cats, **place) if cats else
                SiteContext.unknown_kind(**place))
    else:
        raise EcoplanError("say where: --site ID --source FILE, or --lat and --lon")
    if site.lat is None or site.lon is None:
        raise EcoplanError(f"site {args.site} has no geometry; use --lat/--lon")
    tz = args.tz or timezone_at(site.lon, site.lat)
    if args.forecast:
        fc = load_forecast_file(args.forecast)
    elif conditions is not None:
        fc = Forecast.from_conditions(tz=tz or weather_cfg.DEFAULT_TIMEZONE, lat=site.lat,
                                      lon=site.lon,
                                      **conditions)
    else:
        fc = load_forecast(site.lat, site.lon, tz=tz or weather_cfg.DEFAULT_TIMEZONE,
                           offline=args.offline)
    check_place(fc.latitude, fc.longitude, fc.is_manual, site.lat, site.lon)
    start = parse_start(args.date, args.start, tz or fc.timezone)
    session = Session(start, args.minutes)
    check_not_past(session.start)
    a = assess(fc, session, site, group)
    alts = []
    if sites is not None:
        alts = suggest_alternatives(session_weather(fc, session), session, group, site, sites)
    print(format_report(a, alts))
    if args.save or args.ics or args.sheet:
        from ecoplan.plans.store import Plan

        plan = Plan(site_id=site.site_id, site_name=site.label, start=session.start,
                    minutes=session.minutes, lat=site.lat, lon=site.lon, group=group.to_dict(),
                    notes=args.notes, forecast=fc.to_snapshot(), assessment=a.to_dict())
        _save_and_export(plan, args)
    return 0


def _save_and_export(plan: Any, args: argparse.Namespace) -> None:
    """Write the files and save the plan as one step: the files are written inside the save's
    transaction, so a failed export saves nothing (no duplicate on retry), and a failed save
    removes the files it wrote."""
    from ecoplan.plans.store import PlanStore

    written: list[Path] = []
    messages: list[str] = []

    def export(p: Any) -> None:
        if args.ics:
            from ecoplan.plans.ics import write_ics

            written.append(write_ics(p, args.ics))
            messages.append(f"Calendar event written to {args.ics}")
        if args.sheet:
            from ecoplan.plans.sheet import write_sheet

            written.append(write_sheet(p, args.sheet))
            messages.append(f"Printable sheet written to {args.sheet}")

    if not args.save:
        export(plan)
    else:
        try:
            with PlanStore(args.db) as store:
                plan = store.create(plan, before_commit=export)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        messages.insert(0, f"Saved as plan {plan.id}.")
    print("\n".join(messages))
