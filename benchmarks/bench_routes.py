"""Route generation time on the Isle of Wight graph (issue #6).

Prints graph/network build times separately from loop planning (30/45/60 min loops at 3 km/h
from Ryde sea front and Newport), and compares the loop search with a simple baseline that
runs the same number of shortest-path queries with networkx (one ``single_source_dijkstra``
per Dijkstra pass our search makes), so the ratio shows what the scipy CSR approach buys.

Run: .venv/bin/python benchmarks/bench_routes.py
"""

from __future__ import annotations

import time

import networkx as nx
import numpy as np

from ecoplan.routes.loops import plan_loops
from ecoplan.routes.planner import RoutePlanner
from ecoplan.settings.paths import shared_data_dir

STARTS = {"Ryde": (-1.158, 50.733), "Newport": (-1.293, 50.700)}
MINUTES = (30, 45, 60)
SPEED = 3.0


def main() -> None:
    from ecoplan.osm.pbf import read_pbf
    from ecoplan.sites.build import build_sites

    pbf = shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    t = time.perf_counter()
    layers = read_pbf(pbf)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    sites = build_sites(layers)
    t_sites = time.perf_counter() - t
    planner = RoutePlanner(layers, sites)
    t = time.perf_counter()
    net = planner.network()
    t_net = time.perf_counter() - t
    print(f"read PBF {t_read:.2f} s, build sites {t_sites:.2f} s, walk graph + route network "
          f"{t_net:.2f} s ({net.graph.n_nodes:,} nodes, {net.graph.n_edges:,} edges)")

    rows = []
    first = True
    for name, start in STARTS.items():
        for m in MINUTES:
            t = time.perf_counter()
            routes = plan_loops(layers, sites, start, m, speed_kmh=SPEED, planner=planner)
            dt = time.perf_counter() - t
            rows.append((name, m, dt, routes[0], first))
            first = False
    print("\nstart    min  time_s  best_km  green  roads  retraced  (first call includes the "
          "one-off loop-core build)")
    for name, m, dt, r, _ in rows:
        s = r.scores
        print(f"{name:8} {m:3d}  {dt:6.2f}  {r.length_m / 1000:7.2f}  {s['share_green_blue']:5.0%}"
              f"  {s['share_on_roads']:5.0%}  {s['share_retraced']:8.0%}")
    warm = [dt for _name, _m, dt, _r, first_call in rows if not first_call]
    mean_ours = float(np.mean(warm))

    # Baseline: networkx single-source Dijkstra, as many passes as our search makes per request
    # (1 + 2 × 12 headings + tree passes ≈ 25 full passes; we count 25 for one request).
    g = nx.Graph()
    e = net.graph.edges
    g.add_weighted_edges_from(zip(e["u_idx"].tolist(), e["v_idx"].tolist(),
                                  e["length_m"].tolist(), strict=True))
    src = int(net.graph.kdtree.query(net.graph.project(np.array([STARTS["Newport"]])))[1][0])
    passes = 25
    t = time.perf_counter()
    for _ in range(passes):
        nx.single_source_dijkstra(g, src, weight="weight")
    t_nx = time.perf_counter() - t
    print(f"\nmean warm loop request (3 alternatives, scored): {mean_ours:.2f} s")
    print(f"networkx baseline, {passes} single-source Dijkstra passes: {t_nx:.2f} s")
    print(f"ratio networkx-passes / our full loop search: {t_nx / mean_ours:.1f}x")


if __name__ == "__main__":
    main()
