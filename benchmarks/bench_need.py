"""Need layers on the Isle of Wight: load times, join, origins (methods and counts).

Run: .venv/bin/python benchmarks/bench_need.py
Prints the time of each step in one run, the origin method counts, and the ratio between
placing origins on buildings/streets and the naive one-centroid-per-area approach.
"""

from __future__ import annotations

import time

from ecoplan.need.areas import build_areas
from ecoplan.need.boundaries import read_boundaries
from ecoplan.need.iod import load_iod
from ecoplan.need.lookup import load_lookup
from ecoplan.need.origins import describe_methods, method_counts, place_origins
from ecoplan.need.population import read_population
from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir


def timed(label: str, fn, *args, **kw):
    t = time.perf_counter()
    out = fn(*args, **kw)
    dt = time.perf_counter() - t
    print(f"{label:<42} {dt * 1000:8.0f} ms")
    return out, dt


def main() -> None:
    d = shared_data_dir()
    imd = d / "imd"
    bounds, _ = timed("read boundaries (89 LSOA)", read_boundaries,
                      d / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson")
    iod19, _ = timed("load IoD2019 File 2 + File 6 (England)", load_iod,
                     imd / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
                     imd / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    iod25, _ = timed("load IoD2025 (England)", load_iod,
                     imd / "IoD2025_lsoa21_scores_ranks_deciles_humaniverse.csv.gz")
    pop, _ = timed("read population File 6", read_population,
                   imd / "File_6_-_IoD2019_Population_Denominators.csv.gz")
    lookup, _ = timed("load LSOA11→21 lookup", load_lookup,
                      d / "boundaries" / "lookup_lsoa11_lsoa21_ltla22_ew.csv.gz")
    a19, _ = timed("build areas IoD2019", build_areas, bounds, iod19)
    a25, _ = timed("build areas IoD2025 + lookup + File 6", build_areas, bounds, iod25,
                   population=pop, lookup=lookup)
    layers, _ = timed("read_pbf Isle of Wight", read_pbf,
                      d / "osm" / "isle-of-wight_2015-01-01.osm.pbf")
    print(f"  buildings {len(layers.buildings):,}, nodes {len(layers.nodes):,}")
    origins, t_orig = timed("place origins (buildings/streets)", place_origins, a19.areas, layers)
    naive, t_naive = timed("representative points only", place_origins, a19.areas, None)
    print(f"origins: {len(origins):,} points for {origins['area_code'].nunique()} areas; "
          f"{method_counts(origins)}")
    print(describe_methods(origins))
    print(f"population {a19.areas['population'].sum():,.0f}; "
          f"origins sum {origins['population'].sum():,.3f}")
    print(f"ratio origins/naive time: {t_orig / t_naive:.1f}x; IoD2025 deciles "
          f"{a25.areas['imd_decile'].value_counts().sort_index().to_dict()}")
    del naive


if __name__ == "__main__":
    main()
