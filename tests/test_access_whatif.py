"""What-if: a hypothetical site or entrance, re-measured and compared, checked by a recount."""

from __future__ import annotations

import csv
import gzip

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import Point

from ecoplan.access.measure import measure_access
from ecoplan.access.speeds import metres
from ecoplan.access.whatif import (
    WhatIfComparison,
    add_entrance,
    add_site,
    changed_area_strings,
    compare,
    rerun,
)
from ecoplan.errors import AreaError
from ecoplan.network.graph import build_walk_graph
from ecoplan.settings import access as access_cfg
from ecoplan.settings import network as net_cfg
from ecoplan.settings.paths import shared_data_dir

SHARED = shared_data_dir()
BOUNDARIES = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = SHARED / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
GAP_AREA = "E01017332"  # Isle of Wight 008D (Newport): decile 1, a walking gap at 2.3 km/h


@pytest.fixture(scope="module")
def world(iow_layers, iow_sites):
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod

    for p in (BOUNDARIES, FILE1, FILE6):
        if not p.exists():
            pytest.skip(f"shared test data not found at {p}")
    graph = build_walk_graph(iow_layers)
    areas = build_areas(read_boundaries(BOUNDARIES), load_iod(FILE1, FILE6))
    before = measure_access(iow_layers, iow_sites, areas, speed_kmh="frail", graph=graph)
    o = before.origins
    lost = o[(o["area_code"] == GAP_AREA) & ~o["walk15_any_ok"]]
    assert len(lost) > 10, "fixture assumption: the area has people beyond 15 minutes"
    centre = lost.to_crs(iow_sites.crs).geometry.union_all().centroid
    poly = gpd.GeoSeries([centre.buffer(80, cap_style=3)], crs=iow_sites.crs)
    after_sites = add_site(iow_sites, iow_layers, poly, "Hypothetical Park")
    after = rerun(before, iow_layers, after_sites, graph=graph)
    return graph, before, after_sites, after


def _deprived_codes(cut: int = 3) -> set[str]:
    with gzip.open(FILE1, "rt", encoding="utf-8-sig", newline="") as f:
        r = csv.DictReader(f)
        dec = next(k for k in r.fieldnames if k.startswith("Index of Multiple Deprivation (IMD) D"))
        return {row["LSOA code (2011)"] for row in r
                if int(row[dec].replace(",", "")) <= cut}


def test_new_site_gets_real_entrances(world) -> None:
    _, _, sites, _ = world
    row = sites.sites.iloc[-1]
    assert row["site_id"] == "whatif-1" and row["access"] == "public"
    assert row["area_ha"] == pytest.approx(2.56, rel=0.01)
    ents = sites.entrances[sites.entrances["site_id"] == "whatif-1"]
    assert len(ents) == row["n_entrances"] > 0
    # A drawn site is open land: entered along edges beside paths too.
    assert set(ents["source"]) <= {"tagged", "crossing", "open_edge", "near_network"}


def test_whatif_gain_matches_an_independent_recount(world) -> None:
    graph, before, sites, after = world
    cmp = compare(before, after)
    gain = cmp.delta()["deprived_share_walk15"]
    assert gain > 0.01

    # Recount: networkx from the new site's entrances only, over the same origin points.
    G = nx.Graph()
    for u, v, w in zip(graph.edges["u_idx"], graph.edges["v_idx"], graph.edges["length_m"],
                       strict=True):
        G.add_edge(int(u), int(v), weight=float(w))
    row_of = {int(n): i for i, n in enumerate(graph.node_ids)}
    ents = sites.entrances[sites.entrances["site_id"] == "whatif-1"]
    for k, e in enumerate(ents.itertuples()):
        u, v = row_of.get(int(e.edge_u)), row_of.get(int(e.edge_v))
        G.add_edge(("new", k), u, weight=e.snap_m + e.dist_u_m)
        G.add_edge(("new", k), v, weight=e.snap_m + e.dist_v_m)
    d_new = nx.multi_source_dijkstra_path_length(G, [("new", k) for k in range(len(ents))])

    o = before.origins
    xy = shapely.get_coordinates(o.geometry.to_crs(graph.crs).to_numpy())
    snap, row = cKDTree(graph.xy).query(xy, distance_upper_bound=net_cfg.ORIGIN_MAX_SNAP_M)
    snapped = np.isfinite(snap)
    limit = metres(15, 2.3)
    new_ok = np.array([s + d_new.get(int(r), np.inf) <= limit if ok else False
                       for s, r, ok in zip(snap, row, snapped, strict=True)])
    old_ok = o["walk15_any_ok"].to_numpy(bool)
    dep = o["area_code"].isin(_deprived_codes()).to_numpy() & snapped
    pop = o["population"].to_numpy(float)
    share_before = pop[dep & old_ok].sum() / pop[dep].sum()
    share_after = pop[dep & (old_ok | new_ok)].sum() / pop[dep].sum()
    assert cmp.before["confirmed"]["deprived_share_walk15"] == pytest.approx(share_before, abs=1e-9)
    assert gain == pytest.approx(share_after - share_before, abs=1e-9)


def test_comparison_reports_areas_and_equity(world) -> None:
    _, before, _, after = world
    cmp = compare(before, after)
    assert GAP_AREA in set(cmp.changed_areas["area_code"])
    ch = cmp.changed_areas.set_index("area_code").loc[GAP_AREA]
    assert ch["share_walk15_any_after"] > ch["share_walk15_any_before"]
    eq = cmp.equity_change().set_index("decile")
    assert eq.loc[1, "share_walk15_change"] > 0
    assert (eq["share_walk15_change"].dropna() >= -1e-12).all()  # a new site never hurts
    same = compare(before, before)
    for v in ("confirmed", "all"):
        assert all(x == 0 or x != x for x in same.delta(v).values())
    assert same.leave_tier1 == () and same.enter_tier1 == () and len(same.changed_areas) == 0
    # The new public site is confirmed access: both variants gain in the gap area.
    assert ch["share_walk15_any_incl_unknown_after"] >= ch["share_walk15_any_incl_unknown_before"]


def test_extra_entrance_placed_on_a_path_and_never_hurts(world, iow_layers) -> None:
    graph, before, sites, _ = world
    # An extra gate on the west side of the hypothetical park.
    poly = sites.sites.iloc[-1].geometry
    w, s, e, n = poly.bounds
    pt = Point(w, (s + n) / 2)
    more = add_entrance(sites, "whatif-1", pt, layers=iow_layers)
    new = more.entrances.iloc[-1]
    assert new["entrance_id"].startswith("whatif-1/x") and new["snap_m"] <= 200
    assert int(more.sites.iloc[-1]["n_entrances"]) == int(sites.sites.iloc[-1]["n_entrances"]) + 1
    with pytest.raises(AreaError, match="from site"):
        add_entrance(sites, "whatif-1", Point(w - 0.05, s), layers=iow_layers)
    with pytest.raises(AreaError, match="No site"):
        add_entrance(sites, "nope", pt)


def test_bad_whatif_sites_are_refused(iow_layers, iow_sites) -> None:
    with pytest.raises(AreaError, match="outside the OSM data"):
        add_site(iow_sites, iow_layers, shapely.box(-0.2, 51.5, -0.19, 51.51), "London")
    with pytest.raises(AreaError, match="polygon"):
        add_site(iow_sites, iow_layers, shapely.LineString([(-1.29, 50.7), (-1.28, 50.7)]), "x")
    with pytest.raises(AreaError, match="kind"):
        add_site(iow_sites, iow_layers, shapely.box(-1.29, 50.70, -1.288, 50.701), "x",
                 kind="purple")


def _changed(n: int) -> pd.DataFrame:
    """``n`` changed areas as :func:`compare` stores them: the first leaves tier 1, the rest
    gain only a nearer park; the last changes only in the including-unknown variant."""
    rows = []
    for i in range(n):
        row = {"area_code": f"E0{i:07d}", "area_name": f"Area {i}", "imd_decile": 10 - i % 10,
               "population": 1500.0, "tier_before": 1 if i == 0 else 2,
               "tier_after": 0 if i == 0 else 2, "nearest_site_after": "w1"}
        for key, _, _ in access_cfg.WHATIF_CHANGE_MEASURES:
            for sfx in ("", "_incl_unknown"):
                row[f"{key}{sfx}_before"] = row[f"{key}{sfx}_after"] = 0.5
        row["minutes_park_before"], row["minutes_park_after"] = 14.0, 8.0
        if i == 0:
            row["share_walk15_any_before"], row["share_walk15_any_after"] = 0.4, 0.65
        if i == n - 1:
            row["minutes_park_before"] = row["minutes_park_after"] = 9.0
            row["share_park10_incl_unknown_after"] = 1.0
        rows.append(row)
    return pd.DataFrame(rows)


def _comparison(changed: pd.DataFrame) -> WhatIfComparison:
    return WhatIfComparison(before={}, after={}, equity_before=pd.DataFrame(),
                            equity_after=pd.DataFrame(), leave_tier1=("E00000000",),
                            enter_tier1=(), changed_areas=changed)


def test_changed_areas_are_named_with_what_changed() -> None:
    """Issue #9: "4 area(s) change." named only the one leaving tier 1."""
    table = changed_area_strings(_comparison(_changed(4)))
    assert list(table.columns) == ["area", "name", "tier", "what changed"]
    assert set(table["area"]) == {"E00000000", "E00000001", "E00000002", "E00000003"}
    first = table.iloc[0]  # the tier move first
    assert (first["area"], first["name"], first["tier"]) == ("E00000000", "Area 0", "1 → none")
    assert first["what changed"] == ("15 min 40.0 % → 65.0 %; "
                                     "nearest park 14.0 min → 8.0 min")
    assert list(table["area"][1:]) == ["E00000003", "E00000002", "E00000001"]  # most deprived
    last = table.set_index("area").loc["E00000003"]
    assert last["tier"] == "2"
    assert last["what changed"] == "park 10 min 50.0 % → 100.0 % (incl. access unknown)"
    assert changed_area_strings(_comparison(_changed(0))).empty


def test_cli_lists_the_first_changed_areas_then_how_many_more(capsys) -> None:
    from ecoplan.cli.whatif import print_changed

    print_changed(_comparison(_changed(13)), 10)
    out = capsys.readouterr().out
    assert out.startswith("13 area(s) change:\n")
    assert "E00000000" in out and "1 → none" in out and "nearest park 14.0 min" in out
    assert sum(f"E0{i:07d}" in out for i in range(13)) == 10
    assert out.rstrip().endswith("… and 3 more.")
    print_changed(_comparison(_changed(0)), 10)
    assert capsys.readouterr().out == "No area changes.\n"
