"""Access evidence on the whole Isle of Wight (issue 19): sites and hectares per access level,
the evidence behind each, entrances confirmed, the parks class, and the island's headline
shares (``measure_access``, population weighted over LSOAs) counting every accessible site
("including access unknown") and only confirmed entrances ("confirmed public access").

    .venv/bin/python benchmarks/bench_access_evidence.py

Run from another checkout (``cd ../main && python <this file>``) it prints the same table for
that checkout's ``build_sites``, to compare before and after (columns it lacks print as n/a).
"""

from __future__ import annotations

import sys
from dataclasses import replace

import numpy as np
import pandas as pd
from _common import island_files, island_inputs

from ecoplan.access.measure import measure_access
from ecoplan.access.pipeline import load_areas
from ecoplan.network.graph import build_walk_graph
from ecoplan.osm.pbf import read_pbf
from ecoplan.sites.build import build_sites


def main() -> int:
    files = island_files()
    if files is None:
        return 1
    pbf = files["pbf"]
    layers = read_pbf(pbf)
    built = build_sites(layers)
    s, e = built.sites, built.entrances
    lead = s["categories"].str.split(";").str[0]
    by = s.groupby("access").agg(sites=("site_id", "size"), ha=("area_ha", "sum"))
    by["ha"] = by["ha"].round(0).astype(int)
    print(f"Isle of Wight: {len(s):,} sites, {s.area_ha.sum():,.0f} ha")
    print(by.to_string())
    unknown = s[s["access"] == "unknown"]
    print("\nunknown sites by lead category:", lead[unknown.index].value_counts().to_dict())
    if "access_evidence" in s.columns:
        ev = s.groupby(["access", "access_evidence"]).agg(
            sites=("site_id", "size"), ha=("area_ha", "sum")).round(0)
        with pd.option_context("display.max_rows", 200, "display.width", 160):
            print("\n" + ev.to_string())
    else:
        print("\naccess_evidence: n/a")
    if "confirmed" in e.columns:
        sites_conf = e.groupby("site_id")["confirmed"].any()
        along = s["access_evidence"].str.endswith("access along the path only")
        reached = along & s["site_id"].map(sites_conf).fillna(False).astype(bool)
        print(f"\nentrances: {len(e):,}, confirmed {int(e['confirmed'].sum()):,}; "
              f"unknown sites open along a path only: {int(along.sum())} "
              f"({s.loc[along, 'area_ha'].sum():,.0f} ha), {int(reached.sum())} of them "
              "with a confirmed entrance")
    else:
        print("\nconfirmed: n/a")
    if "park" in s.columns:
        p = s[s["park"].astype(bool)]
        print(f"parks class: {len(p)} sites, {p.area_ha.sum():,.0f} ha; by access "
              f"{p['access'].value_counts().to_dict()}")
    if "confirmed" in e.columns:
        headline(layers, built)
    return 0


def headline(layers, built) -> None:
    """Island shares both ways, population weighted over LSOAs as ``ecoplan access``."""
    files = island_files()
    assert files is not None  # main() checked them
    inputs = island_inputs(files, source="")
    areas = load_areas(inputs)
    graph = build_walk_graph(layers)
    confirmed = replace(built, entrances=built.entrances[built.entrances["confirmed"]])
    rows = {}
    for label, sites in (("including access unknown", built),
                         ("confirmed public access", confirmed)):
        t = measure_access(layers, sites, areas, graph=graph).areas
        pop = t["population"].to_numpy(float)
        rows[label] = {key: f"{100 * _wmean(t[col].to_numpy(float), pop):.1f} %"
                       for key, col in (("15-minute walk, any size", "share_walk15_any"),
                                        ("AGS local (2 ha, 300 m)", "share_ags_local"),
                                        ("WHO 0.5 ha, 300 m", "share_who_300m"))}
    print("\nIsle of Wight, share of people (population-weighted over LSOAs):")
    print(pd.DataFrame(rows).to_string())


def _wmean(values: np.ndarray, weights: np.ndarray) -> float:
    ok = np.isfinite(values) & np.isfinite(weights)
    return float(np.sum(values[ok] * weights[ok]) / np.sum(weights[ok]))


if __name__ == "__main__":
    sys.exit(main())
