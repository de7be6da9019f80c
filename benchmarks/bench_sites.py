"""Load + site extraction for the whole Isle of Wight: pyrosm PBF path vs osmnx XML path.

Run: ``.venv/bin/python benchmarks/bench_sites.py`` (needs ../shared/data). The XML file is made
from the same PBF with pyosmium first (not timed), so both paths read identical data.
Prints one table and the XML/PBF time ratio measured in this run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from osm_extract import extract_xml  # noqa: E402

from ecoplan.osm.pbf import read_pbf  # noqa: E402
from ecoplan.osm.xml import read_xml  # noqa: E402
from ecoplan.settings.paths import shared_data_dir  # noqa: E402
from ecoplan.sites.build import build_sites  # noqa: E402


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> int:
    pbf = shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.exists():
        print(f"skipped: {pbf} not found")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        xml = extract_xml(pbf, Path(tmp) / "iow.osm", None)
        size_mb = xml.stat().st_size / 1e6
        layers_p, t_read_p = timed(read_pbf, pbf)
        sites_p, t_sites_p = timed(build_sites, layers_p)
        layers_x, t_read_x = timed(read_xml, xml)
        sites_x, t_sites_x = timed(build_sites, layers_x)
    rows = [
        ("PBF (pyrosm)", pbf.stat().st_size / 1e6, t_read_p, t_sites_p, len(sites_p.sites),
         len(sites_p.entrances)),
        ("XML (osmnx)", size_mb, t_read_x, t_sites_x, len(sites_x.sites),
         len(sites_x.entrances)),
    ]
    print(f"{'path':<14}{'file MB':>9}{'load s':>9}{'sites s':>9}{'total s':>9}"
          f"{'sites':>7}{'entr.':>7}")
    for name, mb, tr, ts, ns, ne in rows:
        print(f"{name:<14}{mb:>9.1f}{tr:>9.2f}{ts:>9.2f}{tr + ts:>9.2f}{ns:>7}{ne:>7}")
    ratio = (t_read_x + t_sites_x) / (t_read_p + t_sites_p)
    print(f"XML path / PBF path, load + sites: {ratio:.1f}x "
          f"(load alone {t_read_x / t_read_p:.1f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
