"""Access evidence on the whole Isle of Wight (issue 19): sites and hectares per access level,
the evidence behind each, entrances confirmed, and the parks class.

    .venv/bin/python benchmarks/bench_access_evidence.py

Run from another checkout (``cd ../main && python <this file>``) it prints the same table for
that checkout's ``build_sites``, to compare before and after (columns it lacks print as n/a).
"""

from __future__ import annotations

import sys

import pandas as pd

from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import build_sites


def main() -> int:
    pbf = shared_data_dir() / "osm/isle-of-wight_2015-01-01.osm.pbf"
    if not pbf.exists():
        print(f"missing {pbf}")
        return 1
    built = build_sites(read_pbf(pbf))
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
        along = s["access"].isin(["unknown", "restricted"]) & s["site_id"].map(
            sites_conf).fillna(False).astype(bool)
        print(f"\nentrances: {len(e):,}, confirmed {int(e['confirmed'].sum()):,}; "
              f"unknown sites open along a path: {int(along.sum())} "
              f"({s.loc[along, 'area_ha'].sum():,.0f} ha)")
    else:
        print("\nconfirmed: n/a")
    if "park" in s.columns:
        p = s[s["park"].astype(bool)]
        print(f"parks class: {len(p)} sites, {p.area_ha.sum():,.0f} ha; by access "
              f"{p['access'].value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
