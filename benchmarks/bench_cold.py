"""Cold ``ecoplan access … --no-cache`` on the Isle of Wight against the pyrosm floor.

    .venv/bin/python benchmarks/bench_cold.py [--repeat 2] [--checkout DIR]

The floor is what any run must at least do: pyrosm reading the walking network and the green
and blue polygons from the same file (``OSM(path).get_network("walking")`` and the
``settings.osm.FEATURE_FILTER`` polygons), timed inside a fresh process, imports excluded, with
text held as the command holds it (``ecoplan.strings``), so both sides run pandas alike. The
cold run is the whole command in a fresh process, start-up imports included, as a user waits
for it (ecoplan's bytecode compiled first, as pip compiles pyrosm's and an installed
ecoplan's). Both are measured in this one invocation, alternately (``--repeat`` times, best of
each, so a busy machine does not favour either), each with an empty pyrosm result cache, and
the ratio printed. Peak memory is the
cold run's maximum resident set size. Target (issue #16): ratio ≤ 3.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR = """
import sys, time, warnings
warnings.simplefilter("ignore")
import pyrosm
from ecoplan.settings.osm import FEATURE_FILTER
try:  # text held as the command holds it (ecoplan.strings; older checkouts: pandas' default)
    from ecoplan.strings import python_strings
    python_strings().__enter__()
except ImportError:
    pass
t = time.perf_counter()
osm = pyrosm.OSM(sys.argv[1])
net = osm.get_network("walking")
keys = {k: v for k, v in FEATURE_FILTER.items() if k in ("leisure", "landuse", "natural", "waterway")}
polys = osm.get_data_by_custom_criteria(custom_filter=keys, filter_type="keep", keep_nodes=False)
print(time.perf_counter() - t, len(net), len(polys))
"""


def _children_cpu() -> float:
    """User + system CPU seconds of every finished child (the forked helpers of a run
    included: each process counts the children it waited for)."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--checkout", metavar="DIR",
                    help="time the ecoplan of another checkout (e.g. a worktree of an older "
                         "commit) for a before/after; default: this one")
    args = ap.parse_args()
    here = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(here))
    root = Path(args.checkout).resolve() if args.checkout else here
    from ecoplan.settings.paths import shared_data_dir

    d = shared_data_dir()
    pbf = d / "osm/isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.exists():
        print(f"missing {pbf}")
        return 1
    # Both sides run from bytecode: pyrosm's was compiled when pip installed it, and an
    # installed ecoplan's is too; a checkout on a machine that sets PYTHONDONTWRITEBYTECODE
    # would otherwise compile ~80 modules on every run (0.1 s), which no user's run does.
    compiled = compileall.compile_dir(str(root / "ecoplan"), quiet=1)
    env = {**os.environ, "PYTHONPATH": str(root),
           "ECOPLAN_CACHE_DIR": tempfile.mkdtemp(prefix="ecoplan-bench-")}
    out = Path(tempfile.mkdtemp(prefix="ecoplan-bench-out-")) / "access.csv"
    cmd = [sys.executable, "-m", "ecoplan.cli", "access", str(pbf),
           "--areas", str(d / "boundaries/lsoa2011_bsc_isle-of-wight.geojson"),
           "--deprivation", str(d / "imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),
           "--population", str(d / "imd/File_6_-_IoD2019_Population_Denominators.csv.gz"),
           "--no-cache", "--out", str(out)]
    floors, colds, cpus, steps = [], [], [], ""
    for _ in range(args.repeat):
        # a fresh TMPDIR each time: pyrosm keeps read results on disk under it (keyed by the
        # file), which would make a second read of the same file a cache hit, not cold
        env["TMPDIR"] = tempfile.mkdtemp(prefix="ecoplan-bench-tmp-")
        res = subprocess.run([sys.executable, "-c", FLOOR, str(pbf)], env=env, cwd=root,
                             capture_output=True, text=True, check=True)
        floors.append(float(res.stdout.split()[0]))
        env["TMPDIR"] = tempfile.mkdtemp(prefix="ecoplan-bench-tmp-")
        c, t = _children_cpu(), time.perf_counter()
        res = subprocess.run(cmd, env=env, cwd=root, capture_output=True, text=True,
                             check=True)
        colds.append(time.perf_counter() - t)
        cpus.append(_children_cpu() - c)
        steps = next((ln for ln in res.stdout.splitlines() if ln.startswith("took")), "")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    floor, cold = min(floors), min(colds)
    print(f"ecoplan from {root} (its bytecode compiled first, as an install does"
          f"{'' if compiled else ': FAILED, so it compiles at every start'})")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
          "cores (other work shares them)")
    print(f"pyrosm floor (walking network + green/blue polygons): {floor:.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in floors)})")
    print(f"cold `ecoplan access --no-cache` (wall, start-up included): {cold:.2f} s "
          f"(runs: {', '.join(f'{x:.2f}' for x in colds)})")
    print(f"  last run's own timing: {steps}")
    print(f"  CPU of the cold run, all its processes: {min(cpus):.2f} s (what running steps "
          "side by side cannot save; on 2 free cores the wall time can approach half of it)")
    print(f"ratio cold / floor: {cold / floor:.2f}× (target ≤ 3×)")
    print(f"peak memory (largest child process, max RSS): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
