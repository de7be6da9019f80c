"""Benchmark the access step on the whole Isle of Wight: our one-pass engine vs networkx
(multi-source, and a per-origin loop) vs pandana (if installed), same graph, same entrances,
same origins, one run. Prints times and ratios.

    .venv/bin/python benchmarks/bench_access.py [--entrances 20] [--origins 1000] [--loop 20]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from contextlib import contextmanager

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.network.graph import build_walk_graph
from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir

TIMES: dict[str, float] = {}


@contextmanager
def timed(name: str):
    t = time.perf_counter()
    yield
    TIMES[name] = time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entrances", type=int, default=20)
    ap.add_argument("--origins", type=int, default=1000)
    ap.add_argument("--loop", type=int, default=20, help="origins timed in the per-origin loop")
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()

    path = shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"
    if not path.exists():
        print(f"missing {path}")
        return 1
    with timed("read PBF (all layers, pyrosm)"):
        layers = read_pbf(path)
    with timed("build walk graph"):
        g = build_walk_graph(layers)
    with timed("build step-free graph"):
        build_walk_graph(layers, step_free=True)

    rng = np.random.default_rng(args.seed)
    main_rows = np.flatnonzero(g.component == 0)
    ent_rows = rng.choice(main_rows, args.entrances, replace=False)
    ent = gpd.GeoDataFrame({
        "site_id": [f"s{i % 7}" for i in range(args.entrances)],
        "entrance_id": [f"e{i}" for i in range(args.entrances)],
        "node_id": g.node_ids[ent_rows], "snap_m": 0.0,
    }, geometry=shapely.points(g.lonlat[ent_rows]), crs=4326)
    o_rows = rng.choice(main_rows, args.origins, replace=False)
    o_xy = g.xy[o_rows] + rng.uniform(-30, 30, size=(args.origins, 2))
    origins = gpd.GeoSeries(shapely.points(o_xy), crs=g.crs).to_crs(4326)

    # --- ours --------------------------------------------------------------------------------
    with timed("ours: nearest_site (one pass, all nodes)"):
        res = nearest_site(g, ent)
    with timed("ours: origin_distances (snap + lookup)"):
        out = origin_distances(g, res, origins, main_component=True)
    ours_total = TIMES["ours: nearest_site (one pass, all nodes)"] + TIMES[
        "ours: origin_distances (snap + lookup)"]
    snapped_nodes = g.node_ids[out.row.to_numpy()]

    # --- networkx ----------------------------------------------------------------------------
    with timed("networkx: build Graph from edges"):
        G = nx.Graph()
        G.add_weighted_edges_from(zip(g.edges.u.tolist(), g.edges.v.tolist(),
                                      g.edges.length_m.tolist(), strict=True))
    sources = g.node_ids[ent_rows].tolist()
    with timed("networkx: multi_source_dijkstra (one pass)"):
        nx_d = nx.multi_source_dijkstra_path_length(G, sources)
    diff_nx = max(abs(nx_d[int(n)] - res.dist_m[g.node_index[int(n)]]) for n in snapped_nodes)

    sample = snapped_nodes[: args.loop]
    src_set = set(sources)
    t = time.perf_counter()
    loop_d = []
    for o in sample:  # the naive way: a full search from each home, min over entrances
        d = nx.single_source_dijkstra_path_length(G, int(o))
        loop_d.append(min(d[s] for s in src_set if s in d))
    per_origin = (time.perf_counter() - t) / len(sample)
    TIMES[f"networkx: per-origin loop (x{args.origins}, from {len(sample)})"] = (
        per_origin * args.origins)
    diff_loop = max(abs(a - res.dist_m[g.node_index[int(n)]]) for a, n in zip(
        loop_d, sample, strict=True))

    # --- pandana -----------------------------------------------------------------------------
    pandana_note = ""
    try:
        import pandana
    except ImportError:
        pandana = None
        pandana_note = "pandana not installed"
    diff_pd = float("nan")
    if pandana is not None:
        maxdist = float(np.nanmax(res.dist_m[np.isfinite(res.dist_m)])) + 1.0
        with timed("pandana: build Network (contraction hierarchy)"):
            net = pandana.Network(pd.Series(g.xy[:, 0], index=g.node_ids),
                                  pd.Series(g.xy[:, 1], index=g.node_ids),
                                  pd.Series(g.edges.u.to_numpy()), pd.Series(g.edges.v.to_numpy()),
                                  pd.DataFrame({"w": g.edges.length_m.to_numpy()}), twoway=True)
        with timed("pandana: set_pois + nearest_pois (all nodes)"):
            net.set_pois("ent", maxdist + 10.0, 1, pd.Series(g.xy[ent_rows, 0]),
                         pd.Series(g.xy[ent_rows, 1]))
            near = net.nearest_pois(maxdist, "ent", num_pois=1)
        pd_d = near[1].reindex(snapped_nodes).to_numpy()
        diff_pd = float(np.nanmax(np.abs(pd_d - res.dist_m[g.rows(snapped_nodes)])))
        pandana_note = f"pandana {pandana.__version__}"

    # --- report ------------------------------------------------------------------------------
    print(f"Isle of Wight walk graph: {g.n_nodes:,} nodes, {g.n_edges:,} edges, "
          f"{g.edges.length_m.sum() / 1000:,.0f} km; {args.entrances} entrances, "
          f"{args.origins} origins; {pandana_note}")
    base = TIMES["ours: nearest_site (one pass, all nodes)"]
    print(f"{'step':58s} {'seconds':>10s} {'× ours':>9s}   (× = time / ours one pass)")
    for name, sec in TIMES.items():
        ratio = sec / base if (name.startswith(("networkx: multi", "networkx: per",
                                                       "pandana: set"))) else float("nan")
        r = f"{ratio:9.1f}" if np.isfinite(ratio) else " " * 9
        print(f"{name:58s} {sec:10.4f} {r}")
    print(f"{'ours total (one pass + origins)':58s} {ours_total:10.4f}")
    print(f"max |ours - networkx multi-source| at origins: {diff_nx:.2e} m; "
          f"per-origin loop: {diff_loop:.2e} m; pandana: {diff_pd:.2e} m")
    ok = out.network_m.to_numpy() >= out.straight_line_m.to_numpy() - 1e-6
    print(f"network >= straight line for {ok.sum()}/{len(ok)} origins; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
