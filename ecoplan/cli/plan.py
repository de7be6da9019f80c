"""``ecoplan plan``: can we go, where, and what do we tell people — for one session."""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as cfg


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "plan", help="weather-sensitive go / care / rethink for one outdoor session",
        description="Assess a session at a site: forecast for its hours, site features, group.")
    where = p.add_argument_group("where (a site from a source file, or a point)")
    where.add_argument("--site", help="site id from 'ecoplan sites' (e.g. w123456)")
    where.add_argument("--source", help=".osm.pbf extract (or a sites .geojson/.gpkg) "
                       "holding the site")
    where.add_argument("--lat", type=float)
    where.add_argument("--lon", type=float)
    where.add_argument("--categories", default="",
                       help="with --lat/--lon: site kind, e.g. 'wood' or 'beach;cliff'")
    where.add_argument("--name", default="", help="with --lat/--lon: a name for the place")
    when = p.add_argument_group("when")
    when.add_argument("--date", required=True, help="YYYY-MM-DD")
    when.add_argument("--start", required=True, help="HH:MM local time")
    when.add_argument("--minutes", required=True, type=int, help="session length")
    when.add_argument("--tz", default=None,
                      help=f"time zone (default: the forecast's, else {cfg.DEFAULT_TIMEZONE})")
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


def load_sites(source: str) -> Any:
    """Sites from a sites file (.geojson/.gpkg) or by building them from a PBF extract."""
    path = Path(source)
    if not path.is_file():
        raise InputFileError(f"source file {path} not found; give an .osm.pbf extract")
    if path.suffix.lower() in (".geojson", ".gpkg", ".json"):
        import geopandas as gpd

        try:
            return gpd.read_file(path)
        except Exception as err:  # noqa: BLE001 — any reader failure is a bad file
            raise InputFileError(f"cannot read sites from {path} ({err.__class__.__name__}); "
                                 "give a sites GeoJSON/GeoPackage or an .osm.pbf") from None
    try:
        from ecoplan.osm.pbf import read_pbf
        from ecoplan.sites.build import build_sites
    except ImportError as err:
        raise EcoplanError(f"building sites from a PBF is not available in this version "
                           f"({err}); use --lat/--lon instead") from None
    sites = build_sites(read_pbf(path))
    return getattr(sites, "sites", sites)  # build_sites returns Sites(sites, entrances, crs)


def _site_row(sites: Any, site_id: str) -> Any:
    hit = sites[sites["site_id"].astype(str) == str(site_id)]
    if hit.empty:
        sample = ", ".join(map(str, sites["site_id"].head(5)))
        raise EcoplanError(f"unknown site id '{site_id}' in this source; ids look like: "
                           f"{sample} (list them with 'ecoplan sites')")
    return hit.iloc[0]


def parse_start(day: str, hhmm: str, tz: str) -> datetime:
    try:
        d = date.fromisoformat(day)
    except ValueError:
        raise EcoplanError(f"date '{day}' is not YYYY-MM-DD; e.g. --date 2026-10-03") from None
    try:
        t = time.fromisoformat(hhmm)
    except ValueError:
        raise EcoplanError(f"start '{hhmm}' is not HH:MM; e.g. --start 10:30") from None
    return datetime.combine(d, t, tzinfo=ZoneInfo(tz))


def format_report(a: Any, alternatives: list[Any]) -> str:
    from ecoplan.plans.alternatives import describe

    lines = [f"{a.site['name']}: {a.session['start'][:16].replace('T', ' ')} for "
             f"{a.session['minutes']} min — {a.level.upper()}"]
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
    lines.append(a.attribution)
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from ecoplan.plans.alternatives import suggest_alternatives
    from ecoplan.plans.forecast import (
        Forecast,
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

    sites = None
    if args.site:
        if not args.source:
            raise EcoplanError("--site needs --source (the .osm.pbf the site came from)")
        sites = load_sites(args.source)
        site = SiteContext.from_site_row(_site_row(sites, args.site))
    elif args.lat is not None and args.lon is not None:
        if not (-90 <= args.lat <= 90 and -180 <= args.lon <= 180):
            raise EcoplanError(f"--lat {args.lat} --lon {args.lon} out of range")
        site = SiteContext.from_categories(args.categories, name=args.name or
                                           f"{args.lat:.4f}, {args.lon:.4f}",
                                           lat=args.lat, lon=args.lon)
    else:
        raise EcoplanError("say where: --site ID --source FILE, or --lat and --lon")
    if site.lat is None or site.lon is None:
        raise EcoplanError(f"site {args.site} has no geometry; use --lat/--lon")
    tz = args.tz
    if args.forecast:
        fc = load_forecast_file(args.forecast)
    elif args.conditions:
        fc = Forecast.from_conditions(tz=tz or cfg.DEFAULT_TIMEZONE, lat=site.lat, lon=site.lon,
                                      **parse_conditions(args.conditions))
    else:
        fc = load_forecast(site.lat, site.lon, tz=tz or cfg.DEFAULT_TIMEZONE,
                           offline=args.offline)
    start = parse_start(args.date, args.start, tz or fc.timezone)
    session = Session(start, args.minutes)
    group = Group(size=args.group_size, leaders=args.leaders, profile=args.profile)
    a = assess(fc, session, site, group)
    alts = []
    if sites is not None:
        alts = suggest_alternatives(session_weather(fc, session), session, group, site, sites)
    print(format_report(a, alts))
    if args.save or args.ics or args.sheet:
        from ecoplan.plans.store import Plan, PlanStore

        plan = Plan(site_id=site.site_id, site_name=site.label, start=session.start,
                    minutes=session.minutes, lat=site.lat, lon=site.lon, group=group.to_dict(),
                    notes=args.notes, forecast=fc.to_snapshot(), assessment=a.to_dict())
        if args.save:
            with PlanStore(args.db) as store:
                plan = store.create(plan)
            print(f"Saved as plan {plan.id}.")
        if args.ics:
            from ecoplan.plans.ics import write_ics

            print(f"Calendar event written to {write_ics(plan, args.ics)}")
        if args.sheet:
            from ecoplan.plans.sheet import write_sheet

            print(f"Printable sheet written to {write_sheet(plan, args.sheet)}")
    return 0
