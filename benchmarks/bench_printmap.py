"""Time the A4 route map: whole-island layers vs layers pre-cut to the route's area.

render_route_pdf selects by spatial index and clips to the page before drawing, so handing it
the whole Isle of Wight should cost little more than handing it a small extract. Prints both
times and their ratio (one run, same process). Run: .venv/bin/python benchmarks/bench_printmap.py
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path

import networkx as nx
import numpy as np
from shapely.geometry import LineString, Point

from ecoplan.osm.pbf import read_pbf
from ecoplan.routes.gpx import route_to_gpx
from ecoplan.routes.model import Route, geodesic_length_m
from ecoplan.routes.printmap import render_route_pdf
from ecoplan.settings import paths

warnings.filterwarnings("ignore")
PBF = paths.shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"
STOPS = [(-1.1605, 50.7320), (-1.1440, 50.7280), (-1.1560, 50.7240), (-1.1640, 50.7285),
         (-1.1605, 50.7320)]


def ryde_route(layers) -> Route:
    g = nx.Graph()
    for u, v, w in zip(layers.ways["u"], layers.ways["v"], layers.ways["length_m"], strict=True):
        g.add_edge(int(u), int(v), w=float(w))
    xs, ys = layers.nodes.geometry.x.to_numpy(), layers.nodes.geometry.y.to_numpy()
    ids = [int(layers.nodes.index[np.argmin(np.hypot(xs - x, ys - y))]) for x, y in STOPS]
    path = [ids[0]]
    for a, b in zip(ids, ids[1:], strict=False):
        path += nx.shortest_path(g, a, b, weight="w")[1:]
    line = LineString([layers.nodes.geometry.loc[n].coords[0] for n in path])
    length = geodesic_length_m(line)
    return Route(line, length, length / 50, 3.0, False, Point(line.coords[0]),
                 title="Ryde sea front", is_loop=True)


def best_of(fn, n: int = 3) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    t = time.perf_counter()
    island = read_pbf(PBF)
    print(f"read whole island: {time.perf_counter() - t:.1f} s, {len(island.ways)} way segments, "
          f"{len(island.features)} features, {len(island.buildings)} buildings")
    small = read_pbf(PBF, bbox=(-1.19, 50.712, -1.13, 50.74))
    route = ryde_route(small)
    out = Path(tempfile.mkdtemp()) / "bench.pdf"
    t_small = best_of(lambda: render_route_pdf(route, small, out))
    t_island = best_of(lambda: render_route_pdf(route, island, out))
    t_gpx = best_of(lambda: route_to_gpx(route), 5)
    print(f"route {route.length_m:.0f} m, {len(route.geometry.coords)} points")
    print(f"render PDF, Ryde extract layers:  {t_small:.2f} s")
    print(f"render PDF, whole-island layers:  {t_island:.2f} s")
    print(f"ratio island/extract: {t_island / t_small:.2f}")
    print(f"GPX: {t_gpx * 1000:.1f} ms")


if __name__ == "__main__":
    main()
