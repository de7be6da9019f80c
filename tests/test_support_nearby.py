"""Support around real Isle of Wight sites, with walking distances recounted independently."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod, Transformer
from scipy.spatial import cKDTree

from ecoplan.errors import AreaError, EcoplanError
from ecoplan.network.walkable import walkable_mask
from ecoplan.settings import support as cfg
from ecoplan.support.report import prepare, support_around

NEWPORT_SITE = "w4570983"  # Litten Park, Newport
RYDE_SITE = "w115478780"  # Vernon Square Garden, Ryde
RYDE_BEACH = "w305921244"  # Ryde West Sands (beach;coast)


@pytest.fixture(scope="module")
def data(iow_layers):
    return prepare(iow_layers)


@pytest.fixture(scope="module")
def reports(iow_layers, iow_sites, data):
    out = {}
    for sid in (NEWPORT_SITE, RYDE_SITE, RYDE_BEACH):
        out[sid] = support_around(iow_layers, sites=iow_sites.sites,
                                  entrances=iow_sites.entrances, site_id=sid, data=data)
    return out


@pytest.fixture(scope="module")
def recount_graph(iow_layers):
    """A walk graph built here from layers.ways with networkx and geodesic lengths."""
    ways = iow_layers.ways[walkable_mask(iow_layers.ways).to_numpy()]
    geod = Geod(ellps="WGS84")
    g = nx.Graph()
    for u, v, geom in zip(ways["u"].to_numpy(), ways["v"].to_numpy(), ways.geometry,
                          strict=True):
        if u == v:
            continue
        length = geod.geometry_length(geom)
        if not g.has_edge(u, v) or g[u][v]["w"] > length:
            g.add_edge(int(u), int(v), w=length)
    ids = np.array(list(g.nodes), dtype=np.int64)
    pts = iow_layers.nodes.geometry.reindex(ids)
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    xy = np.column_stack(tr.transform(pts.x.to_numpy(), pts.y.to_numpy()))
    return g, ids, cKDTree(xy), tr


def _recount(recount_graph, entrances, lon, lat):
    g, ids, tree, tr = recount_graph
    h = g  # the source node is removed again below
    src = "SRC"
    edges = []
    for _, e in entrances.iterrows():
        u, v = e["edge_u"], e["edge_v"]
        snap = float(e["snap_m"]) if pd.notna(e["snap_m"]) else 0.0
        if pd.notna(u) and pd.notna(v) and h.has_edge(int(u), int(v)):
            edges += [(src, int(u), snap + float(e["dist_u_m"])),
                      (src, int(v), snap + float(e["dist_v_m"]))]
        elif pd.notna(e["node_id"]) and int(e["node_id"]) in h:
            edges.append((src, int(e["node_id"]), snap))
    for a, b, w in edges:
        if not h.has_edge(a, b) or h[a][b]["w"] > w:
            h.add_edge(a, b, w=w)
    try:
        dist = nx.single_source_dijkstra_path_length(h, src, cutoff=6000, weight="w")
    finally:
        h.remove_node(src)
    x, y = tr.transform(lon, lat)
    d, i = tree.query([x, y])
    return d + dist.get(int(ids[i]), np.inf)


@pytest.mark.parametrize("sid", [NEWPORT_SITE, RYDE_SITE])
def test_town_sites_list_community_and_health(reports, sid):
    rep = reports[sid]
    assert rep.walking
    cats = set(rep.community["category"])
    # what the 2015 extract holds within 1 km walk of both town-centre sites
    assert {"cafes", "worship", "libraries"} <= cats
    assert {"pharmacy", "gp", "phone", "toilets", "police"} <= set(rep.help["category"])
    assert (rep.community["distance_m"] <= 1000).all()
    walked = rep.community[rep.community["basis"] == "walk"]
    assert len(walked) >= 10
    assert (walked["minutes"] > 0).all()


def test_newport_names(reports):
    rep = reports[NEWPORT_SITE]
    libs = rep.community[rep.community["category"] == "libraries"]
    assert "Lord Louis Library" in set(libs["name"])
    ed = rep.help[rep.help["category"] == "emergency_department"]
    assert list(ed["name"]) == ["St Marys Hospital"]  # tagged emergency=yes in the extract
    assert ed["detail"].iloc[0] == "tagged emergency=yes in OpenStreetMap"
    assert ed["label"].iloc[0] == ("A&E (emergency department) — from OpenStreetMap, confirm "
                                   "on the NHS website before relying on it")
    assert ed["basis"].iloc[0] == "walk"  # ~2 km, within the walking limit


def test_ryde_hospital_is_straight_line_beyond_walking_range(reports):
    ed = reports[RYDE_SITE].help
    ed = ed[ed["category"] == "emergency_department"]
    assert ed["basis"].iloc[0] == "straight line"
    assert ed["distance_m"].iloc[0] > cfg.NETWORK_LIMIT_M
    assert ed["minutes"].isna().all()


@pytest.mark.parametrize("sid", [NEWPORT_SITE, RYDE_SITE])
def test_walking_distances_reproduced_by_independent_recount(reports, iow_sites,
                                                              recount_graph, sid):
    rep = reports[sid]
    ents = iow_sites.entrances[iow_sites.entrances["site_id"] == sid]
    rows = pd.concat([rep.community, rep.help])
    rows = rows[rows["basis"] == "walk"]
    assert len(rows) >= 15
    for _, r in rows.iterrows():
        want = _recount(recount_graph, ents, r["lon"], r["lat"])
        # UTM (ours) vs geodesic (recount) lengths differ < 0.1 %; distances are rounded to 1 m
        assert abs(want - r["distance_m"]) <= 0.005 * want + 1.5, (r["name"], want)


def test_walk_never_shorter_than_straight_line(iow_layers, iow_sites, data):
    from ecoplan.support.nearby import measure, reach_from, site_origin

    origin = site_origin(iow_sites.sites, iow_sites.entrances, NEWPORT_SITE)
    reach = reach_from(data.graph, origin)
    m = measure(data.features, origin, reach)
    ok = m["status"] == "walk"
    assert ok.sum() > 40
    assert (m.loc[ok, "walk_m"] >= m.loc[ok, "straight_m"] - 1.0).all()


def test_no_defibrillator_is_said_not_silenced(reports, data):
    # the 2015 extract maps no defibrillator at all
    assert not (data.features["category"] == "defibrillator").any()
    for rep in reports.values():
        assert any(m.startswith("No defibrillator mapped within 1 km") and "The Circuit" in m
                   for m in rep.missing)


def test_coastal_site_gets_coastguard_note(reports):
    note = "In an emergency on the coast call 999 or 112 and ask for the Coastguard."
    assert reports[RYDE_BEACH].advice.uk and note in reports[RYDE_BEACH].notes
    assert note not in reports[NEWPORT_SITE].notes


def test_meeting_points_have_grid_refs_and_street_names(reports):
    mp = reports[RYDE_SITE].meeting_points
    assert len(mp) == 2
    assert mp["grid_ref"].str.match(r"^SZ \d{4} \d{4}$").all()
    assert mp["lat"].between(50.7, 50.8).all()
    # named after the street each entrance is on, not an id like 'w3026366/e1'
    assert set(mp["name"]) == {"Entrance on Vernon Square"}  # the square the garden is in
    assert not mp["name"].str.contains("/e").any()


def test_point_query_and_radius(iow_layers, data):
    small = support_around(iow_layers, lat=50.7005, lon=-1.2925, radius_m=300, data=data)
    big = support_around(iow_layers, lat=50.7005, lon=-1.2925, radius_m=1500, data=data)
    assert small.origin.kind == "point"
    assert (small.community["distance_m"] <= 300).all()
    assert len(big.community) > len(small.community) > 0
    assert set(small.community["name"]) - {""} <= set(big.community["name"])


def test_bad_input(iow_layers, iow_sites, data):
    with pytest.raises(AreaError, match="outside the data"):
        support_around(iow_layers, lat=51.5, lon=-0.12, data=data)  # London
    with pytest.raises(AreaError, match="from any mapped path"):
        support_around(iow_layers, lat=50.765, lon=-1.20, data=data)  # the Solent
    for r in (50, 6000, float("nan")):
        with pytest.raises(AreaError, match="radius"):
            support_around(iow_layers, lat=50.7005, lon=-1.2925, radius_m=r, data=data)
    with pytest.raises(AreaError, match="no site with id"):
        support_around(iow_layers, sites=iow_sites.sites, entrances=iow_sites.entrances,
                       site_id="w1", data=data)
    with pytest.raises(EcoplanError):
        support_around(iow_layers, data=data)


def test_empty_result_in_the_countryside(iow_layers, data):
    # a downland point with nothing mapped within 100 m
    rep = support_around(iow_layers, lat=50.6235, lon=-1.3060, radius_m=100, data=data)
    assert rep.community.empty and rep.empty
    assert len(rep.missing) >= 3


def test_an_unnamed_site_is_called_as_the_site_list_describes_it(iow_layers, iow_sites, data):
    """The sheet was headed "Support around site w305954047"; now as the app lists it."""
    from ecoplan.sites.describe import describe_unnamed

    sites = iow_sites.sites
    unnamed = sites[sites["name"].fillna("") == ""].sort_values("area_ha", ascending=False)
    row = unnamed.index[0]
    rep = support_around(iow_layers, sites=sites, entrances=iow_sites.entrances,
                         site_id=str(sites.loc[row, "site_id"]), data=data)
    label = describe_unnamed(sites, iow_layers).loc[row]
    assert rep.origin.name == label and (" near " in label or " by " in label)
    assert rep.title == f"Support around {label}"


def test_meeting_points_are_different_places(iow_layers, iow_sites, data):
    """A gate and the crossings beside it are one place to meet: the sheet for w3026366 listed
    'Entrance on Rink Road' three times within a metre (SZ 5997 9228 / 9229 / 9230)."""
    from ecoplan.settings.osm import ENTRANCE_MERGE_M
    from ecoplan.support.help import _metres

    mp = support_around(iow_layers, sites=iow_sites.sites, entrances=iow_sites.entrances,
                        site_id="w3026366", radius_m=800, data=data).meeting_points
    assert len(mp) >= 2
    pts = list(zip(mp["lat"], mp["lon"], strict=True))
    gaps = [_metres(*a, *b) for i, a in enumerate(pts) for b in pts[i + 1:]]
    assert min(gaps) >= ENTRANCE_MERGE_M
    assert mp["grid_ref"].is_unique
