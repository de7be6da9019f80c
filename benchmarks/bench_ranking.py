"""Ranking the whole Isle of Wight: time per stage, and the limited-Dijkstra speed-up.

Run: .venv/bin/python benchmarks/bench_ranking.py
Prints seconds for measures, reach and each purpose's reweighting, and the ratio of per-site
reach with an unlimited Dijkstra to the limited one actually used (same result inside 15 min).
"""

from __future__ import annotations

import time

from ecoplan.need.areas import build_areas
from ecoplan.need.boundaries import read_boundaries
from ecoplan.need.iod import load_iod
from ecoplan.need.origins import place_origins
from ecoplan.network.graph import build_walk_graph
from ecoplan.osm.pbf import read_pbf
from ecoplan.ranking.measures import measure_sites
from ecoplan.ranking.rank import rank_scores, score_sites
from ecoplan.ranking.reach import origin_table, site_reach
from ecoplan.settings import ranking as cfg
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import build_sites


def main() -> None:
    d = shared_data_dir()
    layers = read_pbf(d / "osm" / "isle-of-wight_2015-01-01.osm.pbf")
    sites = build_sites(layers)
    graph = build_walk_graph(layers)
    areas = build_areas(read_boundaries(d / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"),
                        load_iod(d / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
                                 d / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz")
                        ).areas
    origins = place_origins(areas, layers)
    print(f"{len(sites.sites)} sites, {len(sites.entrances)} entrances, {graph.n_nodes} nodes, "
          f"{len(origins)} origins")

    t = time.perf_counter()
    measure_sites(sites.sites, sites.entrances, sites.crs, layers, graph)
    print(f"measures: {time.perf_counter() - t:.2f} s")
    table = origin_table(graph, origins, areas, deciles=3)
    t = time.perf_counter()
    site_reach(graph, sites.entrances, table, sites.sites.site_id, limit_m=1200.0)
    limited = time.perf_counter() - t
    t = time.perf_counter()
    site_reach(graph, sites.entrances, table, sites.sites.site_id, limit_m=1e12)
    unlimited = time.perf_counter() - t
    print(f"reach: limited {limited:.2f} s, unlimited {unlimited:.2f} s, "
          f"ratio {unlimited / limited:.1f}x")

    t = time.perf_counter()
    scores = score_sites(sites, layers, graph=graph, areas=areas, origins=origins)
    print(f"score_sites (measures + reach): {time.perf_counter() - t:.2f} s")
    for purpose in cfg.PURPOSES:
        t = time.perf_counter()
        ranked = rank_scores(scores, purpose)
        took = time.perf_counter() - t
        names = [n or s for n, s in zip(ranked.table["name"], ranked.table["site_id"],
                                        strict=True)][:10]
        print(f"{purpose}: {took * 1000:.0f} ms; top 10: {'; '.join(names)}")


if __name__ == "__main__":
    main()
