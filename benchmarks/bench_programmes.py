"""Time building the issue's 8-week winter programme on the Isle of Wight, and printing it.

``build_programme`` prepares the step-free route network once and plans every candidate's loop
on it; the naive way — what running ``ecoplan route --site ID --step-free`` once per candidate
would do — prepares the network again for every site. Prints both times (one run, same
process, same candidates, same loops) and their ratio, then the leaflet and calendar times.
Run: .venv/bin/python benchmarks/bench_programmes.py
"""

from __future__ import annotations

import contextlib
import time
import warnings
from datetime import date, timedelta
from datetime import time as clock

from ecoplan.errors import EcoplanError
from ecoplan.osm.pbf import read_pbf
from ecoplan.programmes.export import programme_to_ics
from ecoplan.programmes.leaflet import leaflet_pdf
from ecoplan.programmes.model import ProgrammeSpec
from ecoplan.programmes.pool import speed_for
from ecoplan.programmes.season import build_programme
from ecoplan.routes.loops import plan_loops
from ecoplan.routes.planner import RoutePlanner, site_starts
from ecoplan.settings import paths
from ecoplan.sites.build import build_sites

warnings.filterwarnings("ignore")
PBF = paths.shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"


def first_winter_thursday(today: date) -> date:
    d = date(today.year, 12, 1)
    if d <= today:
        d = date(today.year + 1, 12, 1)
    return d + timedelta(days=(3 - d.weekday()) % 7)


def main() -> None:
    t = time.perf_counter()
    layers = read_pbf(PBF)
    sites = build_sites(layers)
    print(f"load + sites (not timed below): {time.perf_counter() - t:.1f} s, "
          f"{len(sites.sites)} sites")
    spec = ProgrammeSpec(name="Winter walks", first=first_winter_thursday(date.today()),
                         sessions=8, start=clock(10, 0), minutes=60, group_size=12,
                         profile="older-adults", step_free=True)

    t = time.perf_counter()
    prog = build_programme(spec, layers, sites)
    built = time.perf_counter() - t
    usable = [p for p in prog.pool if p.usable]
    print(f"build_programme (ranking, step-free network once, {len(prog.pool)} candidate "
          f"loops, meeting points, choice, daylight): {built:.1f} s → {len(prog.sessions)} "
          f"sessions at {len({s.site_id for s in prog.sessions})} sites, "
          f"{len(usable)}/{len(prog.pool)} candidates with a loop")

    # The naive way for the same candidates: a fresh planner (network preparation) per site.
    t = time.perf_counter()
    for p in prog.pool:
        planner = RoutePlanner(layers, sites)
        (lon, lat), name = site_starts(sites, p.site_id, limit=1)[0]
        with contextlib.suppress(EcoplanError):  # a site without a loop still costs its search
            plan_loops(layers, sites, (lon, lat), spec.minutes, speed_kmh=speed_for(spec),
                       step_free=True, n_alternatives=1, planner=planner, start_name=name)
    naive = time.perf_counter() - t
    print(f"naive loops only (fresh network per candidate, like {len(prog.pool)} × "
          f"`ecoplan route`): {naive:.1f} s")
    print(f"ratio naive / build_programme: {naive / built:.1f}×")

    t = time.perf_counter()
    pdf = leaflet_pdf(prog, layers)
    print(f"leaflet A4 (cover + {len(prog.sessions)} map pages): {time.perf_counter() - t:.1f} s,"
          f" {len(pdf) / 1024:.0f} KB")
    t = time.perf_counter()
    ics = programme_to_ics(prog)
    print(f"calendar: {1000 * (time.perf_counter() - t):.0f} ms, {len(ics)} bytes")


if __name__ == "__main__":
    main()
