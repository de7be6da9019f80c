"""measure_access end to end on the real Isle of Wight data, plus small code-built edge cases."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from scipy.spatial import cKDTree
from synthetic import layers_from_segments, points, to_lonlat

from ecoplan.access.gaps import equity_table
from ecoplan.access.measure import (
    AccessResult,
    measure_access,
    result_columns,
    variant_columns,
)
from ecoplan.errors import InputFileError
from ecoplan.io import write_csv
from ecoplan.network.graph import build_walk_graph
from ecoplan.settings import access as cfg
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import Sites

SHARED = shared_data_dir()
BOUNDARIES = SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"
FILE1 = SHARED / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
FILE6 = SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
IOD2025 = SHARED / "imd" / "IoD2025_lsoa21_scores_ranks_deciles_humaniverse.csv.gz"
ORIGIN_BASE = ["area_code", "population", "share", "method", "n_sources", "geometry"]


@pytest.fixture(scope="module")
def iow_graph(iow_layers):
    return build_walk_graph(iow_layers)


@pytest.fixture(scope="module")
def iow_areas_2019():
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod

    for p in (BOUNDARIES, FILE1, FILE6):
        require_shared(p)
    return build_areas(read_boundaries(BOUNDARIES), load_iod(FILE1, FILE6))


@pytest.fixture(scope="module")
def iow_result(iow_layers, iow_sites, iow_graph, iow_areas_2019) -> AccessResult:
    return measure_access(iow_layers, iow_sites, iow_areas_2019, graph=iow_graph)


def require_shared(path):
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (see ../shared/data/README.md)")
    return path


def _published_population() -> float:
    """IoW population straight from File 6 with the csv module (codes from the GeoJSON)."""
    codes = {f["properties"]["LSOA11CD"]
             for f in json.loads(BOUNDARIES.read_text())["features"]}
    total = 0.0
    with gzip.open(FILE6, "rt", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        code_i = header.index("LSOA code (2011)")
        pop_i = next(i for i, h in enumerate(header) if h.startswith("Total population"))
        for row in reader:
            if row[code_i] in codes:
                total += float(row[pop_i].replace(",", ""))
    return total


def test_every_area_gets_one_row(iow_result) -> None:
    codes = {f["properties"]["LSOA11CD"]
             for f in json.loads(BOUNDARIES.read_text())["features"]}
    t = iow_result.table()
    assert len(t) == 89 and set(t["area_code"]) == codes
    assert list(t.columns[:len(result_columns())]) == result_columns()
    assert {c + "_incl_unknown" for c in variant_columns()} <= set(t.columns)
    assert set(t["status"]) <= {"ok", "some unmeasured"}
    assert not t["partial"].any() and (t["share_inside_data"] > 0.99).all()
    for col in ("share_walk15_any", "share_park10", "share_ags_local_straight"):
        assert (t[col] <= t[col + "_incl_unknown"] + 1e-12).all()
    assert (t["metres_park"] >= t["metres_any"] - 1e-9).all()
    assert t["minutes_any"].notna().all()
    assert (t["minutes_green"] >= t["minutes_any"] - 1e-9).all()


def test_population_sums_to_published_total(iow_result) -> None:
    published = _published_population()
    assert published == pytest.approx(138_718)  # sanity: the raw file, not our loader
    assert iow_result.table()["population"].sum() == pytest.approx(published)
    assert iow_result.origins["population"].sum() == pytest.approx(published)


def test_network_never_shorter_than_straight_line(iow_result, iow_sites, iow_graph) -> None:
    o = iow_result.origins
    ok = np.isfinite(o["any_m"]).to_numpy()
    assert ok.mean() > 0.99
    # Straight line from each home to the nearest entrance of any accessible site, computed
    # here with a KD-tree: the walk can never be shorter.
    s = iow_sites.sites
    ids = set(s.loc[s["access"].isin(cfg.ACCESSIBLE), "site_id"])
    ents = iow_sites.entrances[iow_sites.entrances["site_id"].isin(ids)]
    exy = shapely.get_coordinates(ents.geometry.to_crs(iow_graph.crs).to_numpy())
    oxy = shapely.get_coordinates(o.geometry.to_crs(iow_graph.crs).to_numpy())
    crow, _ = cKDTree(exy).query(oxy)
    assert (o["any_m"].to_numpy()[ok] >= crow[ok] - 1e-6).all()
    t = iow_result.table()
    for key in cfg.STANDARD_KEYS:
        # Met along the network ⇒ met in a straight line (never the other way round).
        assert not (o[f"{key}_ok"] & ~o[f"{key}_straight_ok"]).any(), key
        assert (t[f"share_{key}"] <= t[f"share_{key}_straight"] + 1e-12).all(), key
    # Bigger standards are easier to meet in a straight line too (monotone in distance).
    assert (t["share_ags_wider_straight"] >= 0).all()


@pytest.mark.parametrize("variant", ["confirmed", "all"])
def test_per_origin_distance_matches_plain_networkx(iow_result, iow_graph, iow_sites,
                                                    variant) -> None:
    from ecoplan.access.variants import with_contract

    g = iow_graph
    G = nx.Graph()
    e = g.edges
    for u, v, w in zip(e["u_idx"], e["v_idx"], e["length_m"], strict=True):
        G.add_edge(int(u), int(v), weight=float(w))
    s = iow_sites.sites
    ids = set(s.loc[s["access"].isin(cfg.ACCESSIBLE), "site_id"])
    ents = with_contract(iow_sites).entrances
    ents = ents[ents["site_id"].isin(ids)]
    if variant == "confirmed":
        ents = ents[ents["confirmed"]]
    row_of = {int(n): i for i, n in enumerate(g.node_ids)}
    for k, ent in enumerate(ents.itertuples()):
        src = ("e", k)
        u, v = row_of.get(_int(ent.edge_u)), row_of.get(_int(ent.edge_v))
        if u is not None and v is not None and G.has_edge(u, v):
            G.add_edge(src, u, weight=ent.snap_m + ent.dist_u_m)
            G.add_edge(src, v, weight=ent.snap_m + ent.dist_v_m)
        elif row_of.get(_int(ent.node_id)) is not None:
            G.add_edge(src, row_of[int(ent.node_id)], weight=float(ent.snap_m or 0))
    sources = [n for n in G.nodes if isinstance(n, tuple)]
    dist = nx.multi_source_dijkstra_path_length(G, sources)

    o = iow_result.origins
    col = "any_m" + cfg.VARIANT_SUFFIX[variant]
    rng = np.random.default_rng(7)
    sample = rng.choice(len(o), 40, replace=False)
    xy = shapely.get_coordinates(o.geometry.iloc[sample].to_crs(g.crs).to_numpy())
    d_snap, row = cKDTree(g.xy).query(xy)
    for i, ds, r in zip(sample, d_snap, row, strict=True):
        expect = ds + dist[int(r)] if int(r) in dist else np.nan
        got = o[col].iloc[i]
        if np.isnan(expect):
            assert np.isnan(got)
        else:
            assert got == pytest.approx(expect, abs=1e-6)


def _int(v) -> int | None:
    try:
        return None if v is None or v != v else int(v)
    except (TypeError, ValueError):
        return None


def test_dense_town_areas_walk_less_than_rural_ones(iow_result) -> None:
    t = iow_result.areas.copy()
    area_km2 = t.to_crs("EPSG:27700").area / 1e6
    t["density"] = t["population"] / area_km2
    t = t.sort_values("density")
    rural, urban = t.head(10), t.tail(10)
    assert urban["minutes_any"].mean() < rural["minutes_any"].mean()
    assert urban["minutes_green"].mean() < rural["minutes_green"].mean()
    # Rural LSOAs are far larger: the ANGSt 500 ha sites are forests and downs out of town —
    # woods without confirmed public access, so this holds including access unknown.
    col = "share_angst_subregional_incl_unknown"
    assert rural[col].mean() > urban[col].mean()


def test_equity_table_for_both_iod_editions(iow_layers, iow_sites, iow_graph, iow_result) -> None:
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod
    from ecoplan.need.population import read_population

    require_shared(IOD2025)
    areas25 = build_areas(read_boundaries(BOUNDARIES), load_iod(IOD2025),
                          population=read_population(FILE6))
    res25 = measure_access(iow_layers, iow_sites, areas25, graph=iow_graph,
                           origins=iow_result.origins[ORIGIN_BASE])
    for res, counts in ((iow_result, {1: 3, 2: 9, 3: 16, 4: 19, 5: 17, 6: 6, 7: 12, 8: 4, 9: 3}),
                        (res25, {1: 3, 2: 15, 3: 17, 4: 15, 5: 14, 6: 12, 7: 7, 8: 5, 9: 1})):
        eq = equity_table(res.table())
        assert list(eq["decile"]) == [*range(1, 11), "all"]
        assert dict(zip(eq["decile"][:10], eq["n_areas"][:10], strict=True)) == {
            **{d: 0 for d in range(1, 11)}, **counts}
        assert eq["population"].iloc[-1] == pytest.approx(138_718)
        assert eq["population"].iloc[:10].sum() == pytest.approx(138_718)
        shares = eq["share_walk15"].dropna()
        assert ((shares >= 0) & (shares <= 1)).all()
    # Same geography and origins: the access figures agree, only the deciles differ.
    assert np.allclose(res25.table()["share_walk15_any"], iow_result.table()["share_walk15_any"])


def test_step_free_and_slower_speed_never_improve_access(iow_layers, iow_sites, iow_result):
    slow = measure_access(iow_layers, iow_sites, iow_result.areas[
        ["area_code", "area_name", "population", "imd_decile", "geometry"]],
        speed_kmh="frail", step_free=True, origins=iow_result.origins[ORIGIN_BASE])
    a, b = iow_result.table(), slow.table()
    assert slow.speed_kmh == 2.3 and slow.step_free
    assert (b["share_walk15_any"] <= a["share_walk15_any"] + 1e-12).all()
    assert (b["share_walk15_any"] < a["share_walk15_any"]).any()
    assert (b["minutes_any"].dropna() >= a.loc[b["minutes_any"].notna(), "minutes_any"]
            - 1e-9).all()


# --- small code-built edge cases --------------------------------------------------------------

COORDS = {1: (0, 0), 2: (100, 0), 3: (210, 0), 4: (400, 0), 5: (1400, 0),
          10: (0, 3000), 11: (100, 3000)}


def _box_m(x0, y0, x1, y1):
    ll = to_lonlat(np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]))
    return shapely.Polygon(ll)


def _sites() -> gpd.GeoDataFrame:
    """One 3.06 ha park with its gate at node 4."""
    return gpd.GeoDataFrame({
        "site_id": ["s1"], "name": ["=Park"], "kind": ["green"], "categories": ["park"],
        "area_ha": [3.06], "access": ["public"]}, geometry=[_box_m(380, 10, 560, 180)],
        crs="EPSG:4326")


def _ents() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "site_id": ["s1"], "entrance_id": ["s1/e1"], "source": ["tagged"], "node_id": [4],
        "edge_u": [None], "edge_v": [None], "dist_u_m": [0.0], "dist_v_m": [0.0],
        "snap_m": [0.0]}, geometry=points([(400, 0)]).to_numpy(), crs="EPSG:4326")


@pytest.fixture(scope="module")
def tiny():
    layers = layers_from_segments(COORDS, [(1, 2), (2, 3), (3, 4), (4, 5), (10, 11)])
    areas = gpd.GeoDataFrame({
        "area_code": ["X", "Y", "Z"], "area_name": ["town", "hamlet", "far away"],
        "population": [100.0, 50.0, 30.0], "imd_decile": [1.0, 2.0, 3.0]},
        geometry=[_box_m(-50, -50, 250, 50), _box_m(-50, 2950, 150, 3050),
                  _box_m(50_000, 0, 50_300, 300)], crs="EPSG:4326")
    origins = gpd.GeoDataFrame({
        "area_code": ["X", "X", "Y", "Z"], "population": [50.0, 50.0, 50.0, 30.0],
        "share": [0.5, 0.5, 1.0, 1.0], "method": "buildings", "n_sources": 1},
        geometry=points([(0, 0), (210, 0), (0, 3000), (50_150, 150)]).to_numpy(),
        crs="EPSG:4326")
    return measure_access(layers, Sites(_sites(), _ents(), "EPSG:32630"), areas, origins=origins)


def test_tiny_network_numbers(tiny) -> None:
    t = tiny.table().set_index("area_code")
    x = t.loc["X"]
    # 400 m and 190 m at 4.8 km/h = 5.0 and 2.375 minutes, half the people each.
    assert x["minutes_any"] == pytest.approx((5.0 + 2.375) / 2)
    assert x["share_ags_doorstep"] == pytest.approx(0.5)
    assert x["share_ags_local"] == pytest.approx(0.5)
    assert x["share_ags_neighbourhood"] == 0  # 3 ha is too small
    assert x["share_walk15_blue"] == 0  # no blue space at all
    assert np.isnan(x["minutes_blue"])
    assert x["status"] == "ok" and x["nearest_site_id"] == "s1"
    assert x["nearest_site_name"] == "=Park"


def test_unreachable_area_is_reported_not_zero(tiny, tmp_path) -> None:
    t = tiny.table().set_index("area_code")
    y = t.loc["Y"]
    assert y["status"] == "unreachable"
    assert np.isnan(y["minutes_any"]) and pd.isna(y["nearest_site_id"])
    assert y["share_walk15_any"] == 0 and y["share_unreachable"] == 1
    z = t.loc["Z"]
    assert z["status"] == "outside data"
    assert z["partial"] and z["share_inside_data"] == 0
    # X reaches past the westmost path (x < 0) and below it: 2/3 of its ground is inside.
    assert not t.loc["X", "partial"] and t.loc["X", "share_inside_data"] == pytest.approx(
        2 / 3, abs=0.01)
    assert np.isnan(z["share_walk15_any"]) and np.isnan(z["minutes_any"])
    assert any("outside the OSM data" in w for w in tiny.warnings)
    assert any("no reachable green" in w for w in tiny.warnings)

    out = tmp_path / "access.csv"
    write_csv(out, tiny.table())
    text = out.read_text()
    assert "inf" not in text.lower()
    rows = {r["area_code"]: r for r in csv.DictReader(text.splitlines())}
    assert rows["Y"]["minutes_any"] == "" and rows["Y"]["status"] == "unreachable"
    assert rows["Z"]["share_ags_local"] == "" and rows["Z"]["status"] == "outside data"
    assert rows["X"]["nearest_site_name"] == "'=Park"  # formula-safe


def test_areas_in_another_crs_give_the_same_answer(tiny) -> None:
    areas = tiny.areas[["area_code", "area_name", "population", "imd_decile", "geometry"]]
    layers = layers_from_segments(COORDS, [(1, 2), (2, 3), (3, 4), (4, 5), (10, 11)])
    sites = Sites(_sites(), _ents(), "EPSG:32630")
    again = measure_access(layers, sites, areas.to_crs("EPSG:27700"),
                           origins=tiny.origins[ORIGIN_BASE])
    # Areas go through a projection round trip: ground shares agree to 1e-4.
    pd.testing.assert_frame_equal(again.table(), tiny.table(), rtol=1e-4)


def test_duplicate_area_codes_rejected(tiny) -> None:
    from ecoplan.errors import AreaError

    areas = pd.concat([tiny.areas, tiny.areas.iloc[:1]])
    layers = layers_from_segments(COORDS, [(1, 2), (2, 3), (3, 4)])
    with pytest.raises(AreaError, match="unique"):
        measure_access(layers, Sites(_sites(), _ents(), "x"), areas)


def test_cache_round_trip_and_corrupt_entry_rebuilt(tiny) -> None:
    from ecoplan.access import cache

    calls = []

    def compute():
        calls.append(1)
        return tiny

    parts = {"source": "tiny", "speed": 4.8}
    first, hit1 = cache.cached_access(parts, compute)
    second, hit2 = cache.cached_access(parts, compute)
    assert (hit1, hit2) == (False, True) and len(calls) == 1
    pd.testing.assert_frame_equal(second.table(), tiny.table(), check_dtype=False)
    assert second.warnings == tiny.warnings and second.standards == tiny.standards
    assert second.info["cache"] == "hit"

    key = cache.cache_key(parts)
    (cache.entry_path(key) / "areas.parquet").write_bytes(b"not parquet")
    third, hit3 = cache.cached_access(parts, compute)
    assert not hit3 and len(calls) == 2  # corrupt entry ignored and rebuilt
    assert cache.load_result(key) is not None
    assert cache.cache_key({**parts, "speed": 3.0}) != key


def _two_sites(access2: str, confirmed: list[bool] | None = None) -> Sites:
    """The park, plus a wood of ``access2`` at node 10 (the hamlet Y)."""
    sites = pd.concat([_sites(), gpd.GeoDataFrame({
        "site_id": ["s2"], "name": ["Wood"], "kind": ["green"], "categories": ["wood"],
        "area_ha": [3.0], "access": [access2]}, geometry=[_box_m(-20, 3010, 160, 3190)],
        crs="EPSG:4326")], ignore_index=True)
    ents = pd.concat([_ents(), gpd.GeoDataFrame({
        "site_id": ["s2"], "entrance_id": ["s2/e1"], "source": ["crossing"], "node_id": [10],
        "edge_u": [None], "edge_v": [None], "dist_u_m": [0.0], "dist_v_m": [0.0],
        "snap_m": [0.0]}, geometry=points([(0, 3000)]).to_numpy(), crs="EPSG:4326")],
        ignore_index=True)
    if confirmed is not None:
        ents["confirmed"] = confirmed
    return Sites(gpd.GeoDataFrame(sites, crs="EPSG:4326"),
                 gpd.GeoDataFrame(ents, crs="EPSG:4326"), "EPSG:32630")


def test_unknown_access_counts_only_in_the_including_unknown_variant(tiny) -> None:
    layers = layers_from_segments(COORDS, [(1, 2), (2, 3), (3, 4), (4, 5), (10, 11)])
    areas = tiny.areas[["area_code", "area_name", "population", "imd_decile", "geometry"]]
    res = measure_access(layers, _two_sites("unknown"), areas,
                         origins=tiny.origins[ORIGIN_BASE])
    y = res.table().set_index("area_code").loc["Y"]
    assert y["status"] == "unreachable" and y["share_walk15_any"] == 0
    assert y["status_incl_unknown"] == "ok" and y["share_walk15_any_incl_unknown"] == 1
    # A public right of way into the wood (the sites step sets ``confirmed``): it counts.
    res = measure_access(layers, _two_sites("unknown", [True, True]), areas,
                         origins=tiny.origins[ORIGIN_BASE])
    assert res.table().set_index("area_code").loc["Y", "share_walk15_any"] == 1
    # X's park is a park (fallback from its category): the parks measure finds it.
    x = res.table().set_index("area_code").loc["X"]
    assert x["minutes_park"] == pytest.approx(x["minutes_any"])


def test_cache_key_changes_with_the_sites_model(monkeypatch):
    """A new sites model (access evidence, parks…) must not be served old cached results."""
    from ecoplan.access import cache
    from ecoplan.settings import osm as osm_cfg

    parts = {"source": "tiny", "speed": 4.8}
    key = cache.cache_key(parts)
    monkeypatch.setattr(osm_cfg, "SITES_VERSION", osm_cfg.SITES_VERSION + "-next")
    assert cache.cache_key(parts) != key


def test_variants_measured_in_a_child_equal_the_sequential_run(iow_layers, iow_sites, iow_graph,
                                                              iow_areas_2019, iow_result) -> None:
    # ecoplan.parallel: the CLI measures the second access variant in a forked child; the
    # tables must be the same to the last digit (issue 16).
    from ecoplan import parallel

    with parallel.allowed():
        res = measure_access(iow_layers, iow_sites, iow_areas_2019, graph=iow_graph)
    pd.testing.assert_frame_equal(pd.DataFrame(res.areas), pd.DataFrame(iow_result.areas),
                                  check_exact=True)
    pd.testing.assert_frame_equal(pd.DataFrame(res.origins), pd.DataFrame(iow_result.origins),
                                  check_exact=True)


RYDE_BBOX = (-1.18, 50.715, -1.14, 50.735)


def _ryde_inputs(deprivation: Path = FILE1) -> tuple[Any, Any]:
    from ecoplan.access.pipeline import AccessInputs
    from ecoplan.osm.pbf import read_pbf

    pbf = require_shared(SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf")
    inputs = AccessInputs(source=str(pbf), areas=str(BOUNDARIES),
                          deprivation=(str(deprivation),), population=str(FILE6))
    return inputs, lambda: read_pbf(pbf, bbox=RYDE_BBOX)


def test_a_cold_run_with_forked_steps_equals_the_sequential_run():
    """The command's cold run (need files, half the read, the sites and a variant in forked
    children; issue 16) gives the sequential run's numbers to the last digit."""
    from ecoplan.access.pipeline import run_access

    require_shared(FILE1)
    inputs, load = _ryde_inputs()
    seq = run_access(inputs, load, use_cache=False, parallel=False)
    par = run_access(inputs, load, use_cache=False, parallel=True)
    pd.testing.assert_frame_equal(pd.DataFrame(par.result.areas),
                                  pd.DataFrame(seq.result.areas), check_exact=True)
    pd.testing.assert_frame_equal(pd.DataFrame(par.result.origins),
                                  pd.DataFrame(seq.result.origins), check_exact=True)
    assert par.result.info["cache_key"] == seq.result.info["cache_key"]


def test_a_bad_need_file_fails_the_same_with_forked_steps(tmp_path):
    """A need file read in a child that fails is read again here, so the user sees the same
    one-line error (and no child is left behind)."""
    from ecoplan import parallel
    from ecoplan.access.pipeline import run_access

    bad = tmp_path / "iod.csv"
    bad.write_text("code,score\nE01017282,3\n", encoding="utf-8")
    inputs, load = _ryde_inputs(bad)
    errors = []
    for fork in (False, True):
        with pytest.raises(InputFileError) as err:
            run_access(inputs, load, use_cache=False, parallel=fork)
        errors.append(str(err.value))
    assert errors[0] == errors[1]
    assert not parallel._PENDING


def test_a_bbox_reaching_past_the_file_counts_only_ground_with_data(iow_pbf) -> None:
    """``--bbox`` extent = the box within the box the file declares (header), so areas
    beyond the extract's edge are not "inside the data" just because the box reaches there."""
    from ecoplan.access.pipeline import clip_extent

    bbox = {"bbox": "-2.5,50.6,-1.2,50.7"}  # reaches 0.84° west of the island's extract
    assert clip_extent(bbox).bounds == pytest.approx((-2.5, 50.6, -1.2, 50.7))
    assert clip_extent(bbox, str(iow_pbf)).bounds == pytest.approx(
        (-1.6591, 50.6, -1.2, 50.7), abs=1e-4)
    inside = {"bbox": "-1.3,50.65,-1.2,50.7"}
    assert clip_extent(inside, str(iow_pbf)).bounds == pytest.approx((-1.3, 50.65, -1.2, 50.7))
    demo = clip_extent({"bbox": "24.9,60.16,24.94,60.17"}, "demo").bounds
    assert demo == pytest.approx((24.9352, 60.1642, 24.94, 60.17), abs=1e-4)
    assert clip_extent({}, str(iow_pbf)) is None
