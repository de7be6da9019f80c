"""``ecoplan plans``: list, show, export and delete saved session plans."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ecoplan.settings import plans as pcfg


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("plans", help="list, show, export or delete saved plans")
    p.add_argument("--db", default=None, help=f"SQLAlchemy URL (default ${pcfg.DB_URL_ENV} or "
                   "SQLite in the user data folder)")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    sub.add_parser("list", help="all saved plans")
    show = sub.add_parser("show", help="one plan in full")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true", help="print the stored record as JSON")
    exp = sub.add_parser("export", help="write a saved plan as .ics and/or a printable sheet")
    exp.add_argument("id", type=int)
    exp.add_argument("--ics", metavar="FILE")
    exp.add_argument("--sheet", metavar="FILE.html")
    rm = sub.add_parser("delete", help="delete a plan")
    rm.add_argument("id", type=int)
    p.set_defaults(run=run)


def _line(plan: Any) -> str:
    level = str((plan.assessment or {}).get("level", "-"))
    return (f"{plan.id:>5}  {plan.start:%Y-%m-%d %H:%M %Z}  {plan.minutes:>4} min  "
            f"{level:<13} {plan.site_name or plan.site_id}")


def run(args: argparse.Namespace) -> int:
    from ecoplan.plans.store import PlanStore

    with PlanStore(args.db) as store:
        if args.action == "list":
            _list(store)
        elif args.action == "show":
            _show(store.get(args.id), as_json=args.json)
        elif args.action == "export":
            _export(store.get(args.id), args)
        elif args.action == "delete":
            store.delete(args.id)
            print(f"Deleted plan {args.id}.")
    return 0


def _list(store: Any) -> None:
    plans = store.list()
    if not plans and not store.damaged:
        print("No saved plans. Create one with 'ecoplan plan ... --save'.")
    for plan in plans:
        print(_line(plan))
    for bad in store.damaged:
        print(f"! {bad}", file=sys.stderr)


def _show(plan: Any, *, as_json: bool) -> None:
    if as_json:
        rec = {k: v for k, v in vars(plan).items() if k != "start"}
        rec["start"] = plan.start.isoformat()
        print(json.dumps(rec, indent=1, ensure_ascii=False))
        return
    print(_line(plan))
    a = plan.assessment or {}
    for r in a.get("reasons", []):
        print(f"  [{r['level']}] {r['text']}")
    if a.get("participant_note"):
        print(f"Tell participants: {a['participant_note']}")
    for c in a.get("checklist", []):
        print(f"  [ ] {c}")
    if plan.notes:
        print(f"Notes: {plan.notes}")
    print(f"(version {plan.version}, saved {plan.updated_at})")


def _export(plan: Any, args: argparse.Namespace) -> None:
    if not (args.ics or args.sheet):
        from ecoplan.errors import EcoplanError

        raise EcoplanError("say what to export: --ics FILE and/or --sheet FILE.html")
    from ecoplan.plans._io import check_target

    for target, what in ((args.ics, "calendar event"), (args.sheet, "sheet")):
        if target:
            check_target(target, what)
    if args.ics:
        from ecoplan.plans.ics import write_ics

        print(f"Calendar event written to {write_ics(plan, args.ics)}")
    if args.sheet:
        from ecoplan.plans.sheet import write_sheet

        print(f"Printable sheet written to {write_sheet(plan, args.sheet)}")
