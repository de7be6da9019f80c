"""Entrances to open land (issue 11.4): the old entrance model (gates, path crossings, flagged
fallback) against open edges, on the whole Isle of Wight, in one run. Same graph, same
origins (homes), same sites; only the entrances differ. Prints:

- entrances per source and the time to find them, the one-pass Dijkstra to the nearest green
  or blue space and ``measure_access`` (every standard), medians of interleaved runs;
- the walk / straight-line ratio per home (network distance to the nearest site's entrance
  over the straight line to the nearest site's edge; homes inside a site left out);
- the island's headline shares (15-minute walk, AGS local) and mean minutes, population
  weighted as ``ecoplan access`` prints them;
- agreement with ONS "Access to public parks and playing fields" (2020) for the parks class
  (``sites.park``; ``benchmarks/bench_ons_parks.py`` compares it in more ways): Spearman rank
  correlation per LSOA and the ratio of medians.

    .venv/bin/python benchmarks/bench_entrances.py
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from _common import island_network
from scipy.stats import spearmanr

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.access.measure import measure_access
from ecoplan.settings import access as acfg
from ecoplan.sites.build import build_sites
from ecoplan.sites.entrances import find_entrances

REPEATS = 5

def weighted(values: np.ndarray, weights: np.ndarray) -> float:
    ok = np.isfinite(values) & np.isfinite(weights)
    return float(np.sum(values[ok] * weights[ok]) / np.sum(weights[ok]))


def main() -> int:
    isl = island_network()
    if isl is None:
        return 1
    layers, graph, origins, ons = isl.layers, isl.graph, isl.origins, isl.ons
    areas = isl.areas

    # Build both models, then time them interleaved (other jobs share the 2 cores: medians of
    # alternating runs compare like with like).
    built, t_sites, t_ents, t_dijk, t_measure = {}, {}, {}, {}, {}
    models = (("old: gates + crossings", False), ("new: + open edges", True))
    for label, open_edges in models:
        built[label] = build_sites(layers, open_edges=open_edges)
        t_sites[label], t_ents[label], t_dijk[label], t_measure[label] = [], [], [], []
    crs = built[models[0][0]].crs
    for _ in range(REPEATS):
        for label, open_edges in models:
            sites = built[label]
            t = time.perf_counter()
            build_sites(layers, open_edges=open_edges)
            t_sites[label].append(time.perf_counter() - t)
            t = time.perf_counter()
            find_entrances(sites.sites.to_crs(crs), layers, crs, open_edges=open_edges)
            t_ents[label].append(time.perf_counter() - t)
            ok = sites.sites[sites.sites["access"].isin(acfg.ACCESSIBLE)]
            any_ents = sites.entrances[sites.entrances["site_id"].isin(ok["site_id"])]
            for _ in range(5):
                t = time.perf_counter()
                nearest_site(graph, any_ents)
                t_dijk[label].append(time.perf_counter() - t)
            t = time.perf_counter()
            measure_access(layers, sites, areas, graph=graph, origins=origins)
            t_measure[label].append(time.perf_counter() - t)

    rows = {}
    for label, _open_edges in models:
        sites = built[label]
        ents = sites.entrances
        res = measure_access(layers, sites, areas, graph=graph, origins=origins)
        o = res.origins
        net = o["any_m"].to_numpy(float)
        crow = o["any_straight_m"].to_numpy(float)
        use = np.isfinite(net) & np.isfinite(crow) & (crow > 0)
        ratio = net[use] / crow[use]
        far = use & (crow >= 100)
        t_ = res.areas
        pop = t_["population"].to_numpy(float)

        parks = sites.sites[sites.sites["park"].astype(bool)
                            & sites.sites["access"].isin(acfg.ACCESSIBLE)]
        pres = nearest_site(graph, ents[ents["site_id"].isin(parks["site_id"])])
        pd_ = origin_distances(graph, pres, origins)
        per = pd.DataFrame({"area": origins["area_code"].to_numpy(),
                            "w": origins["share"].to_numpy(float) if "share" in origins
                            else 1.0, "m": pd_["network_m"].to_numpy(float)})
        per = per[np.isfinite(per["m"])]
        lsoa = per.groupby("area").apply(lambda g: np.average(g["m"], weights=g["w"]),
                                         include_groups=False)
        both = pd.concat([lsoa.rename("ecoplan"), ons.rename("ons")], axis=1, join="inner")
        rho = spearmanr(both["ecoplan"], both["ons"]).statistic
        rows[label] = {
            "entrances": f"{len(ents):,}",
            "  by source": ", ".join(f"{k} {v:,}" for k, v in
                                     ents["source"].value_counts().items()),
            "open / gated sites": (f"{(sites.sites['entry'] == 'open').sum()} / "
                                   f"{(sites.sites['entry'] == 'gated').sum()}"),
            "build_sites (s)": f"{np.median(t_sites[label]):.2f}",
            "  of which entrances (s)": f"{np.median(t_ents[label]):.2f}",
            "Dijkstra, any class (ms)": f"{1000 * np.median(t_dijk[label]):.1f}",
            "measure_access, 12 passes (s)": f"{np.median(t_measure[label]):.2f}",
            "homes measured": f"{use.sum():,}",
            "walk/straight median": f"{np.median(ratio):.2f}",
            "walk/straight p75": f"{np.quantile(ratio, 0.75):.2f}",
            "walk/straight p90": f"{np.quantile(ratio, 0.90):.2f}",
            "  median, homes ≥100 m away": f"{np.median(net[far] / crow[far]):.2f}",
            "median walk to nearest (m)": f"{np.median(net[np.isfinite(net)]):.0f}",
            "15-minute walk share": f"{100 * weighted(t_['share_walk15_any'].to_numpy(float), pop):.1f} %",
            "AGS local share": f"{100 * weighted(t_['share_ags_local'].to_numpy(float), pop):.1f} %",
            "WHO 0.5 ha ≤300 m share": f"{100 * weighted(t_['share_who_300m'].to_numpy(float), pop):.1f} %",
            "mean minutes, any": f"{weighted(t_['minutes_any'].to_numpy(float), pop):.2f}",
            "parks vs ONS: Spearman": f"{rho:.3f} (n={len(both)})",
            "parks median / ONS median": (f"{both['ecoplan'].median():.0f} / "
                                               f"{both['ons'].median():.0f} m = "
                                               f"{both['ecoplan'].median() / both['ons'].median():.2f}"),
        }
    table = pd.DataFrame(rows)
    old, new = (label for label, _ in models)
    for what, times in (("entrances", t_ents), ("Dijkstra", t_dijk),
                        ("measure_access", t_measure)):
        ratio = np.median(times[new]) / np.median(times[old])
        table.loc[f"{what} time new/old", new] = f"{ratio:.2f}×"
    table = table.fillna("")
    with pd.option_context("display.max_colwidth", 80, "display.width", 160):
        print(f"Isle of Wight, {len(origins):,} origin points, {graph.n_nodes:,} nodes")
        print(table.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
