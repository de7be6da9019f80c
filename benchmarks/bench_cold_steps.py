"""CPU seconds of each step of a cold access run, one process, no forking (issue 16).

    .venv/bin/python benchmarks/bench_cold_steps.py [--repeat 2] [--checkout DIR]

Why CPU and not wall time: on a machine shared with other work the wall time of a step swings
by 2× from run to run, its CPU time much less; this shows what each step costs and what a code
change saved, apart from what running steps side by side (``ecoplan.parallel``) saves, which
``bench_cold.py`` measures as wall time. Each repeat reads the Isle of Wight extract in a fresh
process (empty pyrosm cache) and runs read → need files → sites → graph → origins + standards
exactly as ``ecoplan access --no-cache`` does, sequentially (text held as Python strings,
as the command holds it: ``ecoplan.strings``). With ``--checkout DIR`` the steps
of another checkout (e.g. an older commit unpacked with ``git archive``) are timed in the same
session, alternately with this one's; ``measure`` there includes origins.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

STEPS = """
import json, sys, time, warnings
warnings.simplefilter("ignore")
d, out = sys.argv[1], {}
def step(name, f):
    c = time.process_time(); r = f(); out[name] = time.process_time() - c; return r
from ecoplan.access.pipeline import AccessInputs, load_areas
from ecoplan.access.measure import measure_access
from ecoplan.network.graph import build_walk_graph
from ecoplan.osm.pbf import read_pbf
from ecoplan.sites.build import build_sites
try:  # as the command holds text (older checkouts: pandas' default)
    from ecoplan.strings import python_strings
    python_strings().__enter__()
except ImportError:
    pass
inputs = AccessInputs(source=d + "/osm/isle-of-wight_2015-01-01.osm.pbf",
    areas=d + "/boundaries/lsoa2011_bsc_isle-of-wight.geojson",
    deprivation=(d + "/imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",),
    population=d + "/imd/File_6_-_IoD2019_Population_Denominators.csv.gz")
layers = step("read OSM", lambda: read_pbf(inputs.source))
areas = step("need files", lambda: load_areas(inputs))
sites = step("sites", lambda: build_sites(layers))
graph = step("graph", lambda: build_walk_graph(layers))
try:
    from ecoplan.access.measure import origins_for
    origins = step("origins", lambda: origins_for(areas, layers))
except ImportError:
    origins = None
step("standards" if origins is not None else "measure",
     lambda: measure_access(layers, sites, areas, graph=graph, origins=origins))
print(json.dumps(out))
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--checkout", metavar="DIR", help="also time another checkout")
    args = ap.parse_args()
    here = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(here))
    from ecoplan.settings.paths import shared_data_dir

    d = shared_data_dir()
    if not (d / "osm/isle-of-wight_2015-01-01.osm.pbf").exists():
        print(f"missing {d}/osm/isle-of-wight_2015-01-01.osm.pbf")
        return 1
    roots = [here] + ([Path(args.checkout).resolve()] if args.checkout else [])
    best: dict[Path, dict[str, float]] = {r: {} for r in roots}
    for _ in range(args.repeat):
        for root in roots:
            env = {**os.environ, "PYTHONPATH": str(root), "ECOPLAN_PARALLEL": "0",
                   "TMPDIR": tempfile.mkdtemp(prefix="ecoplan-bench-tmp-"),
                   "ECOPLAN_CACHE_DIR": tempfile.mkdtemp(prefix="ecoplan-bench-")}
            res = subprocess.run([sys.executable, "-c", STEPS, str(d)], env=env, cwd=root,
                                 capture_output=True, text=True, check=True)
            got = json.loads(res.stdout.strip().splitlines()[-1])
            for k, v in got.items():
                best[root][k] = min(v, best[root].get(k, v))
    print(f"CPU seconds per step, best of {args.repeat}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for root in roots:
        steps = best[root]
        print(f"  {root}: " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items())
              + f"; total {sum(steps.values()):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
