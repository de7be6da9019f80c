"""What the input guards cost, and what they save.

1. Reading the real IoD 2019 File 2 (.csv.gz) through the capped stream vs pandas reading the
   same file directly: the cost of counting every decompressed byte (ratio, one run each, same
   process, best of 3).
2. The multipolygon check (one pyosmium pass over ways and relations) against the whole PBF
   read it belongs to, Isle of Wight.
3. A 2 MB .csv.gz decompression bomb (expands to 1 GB) read in a fresh process with the
   default 200 MB cap and with a 16 MB cap: refused, with the time and the peak resident
   memory above a process that only imports ecoplan.
Run: .venv/bin/python benchmarks/bench_inputs.py
"""

from __future__ import annotations

import gzip
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from ecoplan.need._io import read_table
from ecoplan.osm.pbf import read_pbf
from ecoplan.osm.relations import incomplete_multipolygons
from ecoplan.settings import limits, paths

warnings.filterwarnings("ignore")
DATA = paths.shared_data_dir()
FILE2 = DATA / "imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
PBF = DATA / "osm/isle-of-wight_2015-01-01.osm.pbf"
MB = 1 << 20


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    capped = best_of(3, lambda: read_table(FILE2, what="x"))
    direct = best_of(3, lambda: pd.read_csv(FILE2, encoding="utf-8-sig", thousands=",",
                                            low_memory=False))
    print(f"IoD 2019 File 2 (3.7 MB CSV): capped stream {capped * 1000:.0f} ms, pandas direct "
          f"{direct * 1000:.0f} ms, ratio {capped / direct:.2f}")

    check = best_of(3, lambda: incomplete_multipolygons(PBF))
    whole = best_of(1, lambda: read_pbf(PBF))
    print(f"multipolygon check {check * 1000:.0f} ms of a {whole:.1f} s PBF read "
          f"({100 * check / whole:.0f} %), Isle of Wight")

    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.csv.gz"
        row = b"E01000001,1500\n"
        with gzip.open(bomb, "wb", compresslevel=9) as fh:
            fh.write(b"area_code,population\n")
            block = row * (MB // len(row))
            for _ in range(1024):
                fh.write(block)
        size = bomb.stat().st_size / MB
        base = child_peak("pass\n", bomb, None)
        for cap in (limits.MAX_DECOMPRESSED_MB["table"], 16):
            said, took, peak = child_peak(READ, bomb, cap)
            print(f"bomb: {size:.1f} MB .csv.gz expanding to 1024 MB, cap {cap} MB: {said} "
                  f"after {took:.1f} s; peak resident memory {peak - base[2]:,.0f} MB above a "
                  "process that only imports ecoplan")


READ = ("from ecoplan.need._io import read_table\n"
        "from ecoplan.errors import InputFileError\n"
        "try:\n    read_table(sys.argv[1], what='x'); said = 'READ'\n"
        "except InputFileError:\n    said = 'refused'\n")


def child_peak(code: str, path: Path, cap: int | None) -> tuple[str, float, float]:
    """Run ``code`` in a fresh process; (what it said, seconds, peak RSS in MB)."""
    import os
    import subprocess
    import sys

    script = ("import resource, sys, time\nimport ecoplan.need._io\nsaid = ''\n"
              "t0 = time.perf_counter()\n" + code +
              "print(said, time.perf_counter() - t0, "
              "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\n")
    env = {**os.environ, **({limits.ENV_VAR: str(cap)} if cap else {})}
    out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True,
                         text=True, check=True, env=env).stdout.split()
    return (out[0] if len(out) == 3 else ""), float(out[-2]), float(out[-1])


if __name__ == "__main__":
    main()
