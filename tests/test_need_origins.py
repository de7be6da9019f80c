"""Origins: population on residential buildings, else street nodes, else one inner point."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from ecoplan.need.origins import (
    METHODS,
    ORIGIN_COLUMNS,
    aggregate_points,
    describe_methods,
    expected_households,
    in_land,
    method_counts,
    place_origins,
    residential_land,
    split_population,
)
from ecoplan.osm.layers import (
    OsmLayers,
    building_columns,
    conform,
    empty_layer,
    feature_columns,
    poi_columns,
    way_columns,
)
from ecoplan.settings.paths import shared_data_dir

UTM = "EPSG:32630"  # Isle of Wight lies in UTM zone 30N
X0, Y0 = 610_000.0, 5_620_000.0


def _m(geoms) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=UTM).to_crs(4326)


def _house(x: float, y: float, side: float) -> object:
    return box(X0 + x, Y0 + y, X0 + x + side, Y0 + y + side)


def _layers(buildings: list[tuple[str, object]], ways: list[tuple[int, int, str]],
            nodes: dict[int, tuple[float, float]]) -> OsmLayers:
    bld = gpd.GeoDataFrame({"osm_id": range(len(buildings)),
                            "building": [b for b, _ in buildings]},
                           geometry=_m([g for _, g in buildings]).to_numpy(), crs=4326)
    node_gdf = gpd.GeoDataFrame(
        geometry=_m([Point(X0 + x, Y0 + y) for x, y in nodes.values()]).to_numpy(),
        index=pd.Index(list(nodes), name="node_id"), crs=4326)
    way_gdf = gpd.GeoDataFrame(
        {"u": [u for u, _, _ in ways], "v": [v for _, v, _ in ways], "osm_id": 1,
         "length_m": 1.0, "highway": [h for _, _, h in ways]},
        geometry=[LineString([node_gdf.geometry[u], node_gdf.geometry[v]]) for u, v, _ in ways],
        crs=4326)
    return OsmLayers(features=empty_layer(feature_columns()),
                     ways=conform(way_gdf, way_columns()), nodes=node_gdf,
                     pois=empty_layer(poi_columns()),
                     buildings=conform(bld, building_columns()))


def _areas(pop: dict[str, float]) -> gpd.GeoDataFrame:
    """Areas A..E, 1 km squares side by side (x offset 0, 1000, 2000 …)."""
    codes = list(pop)
    geoms = [box(X0 + i * 1000, Y0, X0 + i * 1000 + 1000, Y0 + 1000) for i in range(len(codes))]
    return gpd.GeoDataFrame({"area_code": codes, "population": list(pop.values())},
                            geometry=_m(geoms).to_numpy(), crs=4326)


@pytest.fixture(scope="module")
def small():
    buildings = [("house", _house(100, 100, 10)), ("detached", _house(300, 100, 10 * math.sqrt(3))),
                 ("industrial", _house(500, 500, 60)), ("church", _house(600, 100, 30)),
                 ("yes", _house(800, 800, 3)),  # 9 m² shed: too small to be a home
                 ("garage", _house(700, 700, 5))]
    # Area B (x 1000-2000): one residential street (nodes 1-3), a motorway (nodes 4-5).
    # Area C (x 2000-3000): only a farm track (nodes 6, 9).
    nodes = {1: (1100, 100), 2: (1500, 100), 3: (1900, 100), 4: (1100, 900), 5: (1900, 900),
             6: (2500, 500), 9: (2600, 500)}
    ways = [(1, 2, "residential"), (2, 3, "residential"), (4, 5, "motorway"), (6, 9, "track")]
    # Area D (x 3000-4000): 1 house for 1,500 people → too few homes mapped → street nodes.
    buildings.append(("house", _house(3500, 500, 10)))
    nodes |= {7: (3100, 100), 8: (3900, 100)}
    ways.append((7, 8, "residential"))
    layers = _layers(buildings, ways, nodes)
    areas = _areas({"A": 8.0, "B": 300.0, "C": 50.0, "D": 1500.0, "E": np.nan})
    return areas, layers


def test_methods_and_weights(small) -> None:
    areas, layers = small
    origins = place_origins(areas, layers)
    assert list(origins.columns) == ORIGIN_COLUMNS and origins.crs.to_epsg() == 4326
    by = origins.groupby("area_code")
    assert by["method"].first().to_dict() == {
        "A": "buildings", "B": "network_nodes", "C": "network_nodes", "D": "network_nodes",
        "E": "representative_point"}
    a = origins[origins["area_code"] == "A"].sort_values("population")
    # Footprints 100 m² and 300 m²: 2 and 6 people; industrial, church, shed, garage left out.
    assert a["population"].tolist() == pytest.approx([2.0, 6.0])
    b = origins[origins["area_code"] == "B"]
    assert len(b) == 3 and b["population"].sum() == pytest.approx(300.0)  # motorway nodes skipped
    c = origins[origins["area_code"] == "C"]
    assert len(c) == 2  # no populated street: the track's nodes are used
    d = origins[origins["area_code"] == "D"]
    assert len(d) == 2 and (d["method"] == "network_nodes").all()
    e = origins[origins["area_code"] == "E"]
    assert len(e) == 1 and np.isnan(e["population"]).all() and e["share"].sum() == 1.0
    assert method_counts(origins) == {"buildings": 1, "network_nodes": 3,
                                      "representative_point": 1}
    assert "1 areas from mapped residential buildings" in describe_methods(origins)
    # Every origin lies in its own area.
    joined = origins.merge(areas[["area_code", "geometry"]], on="area_code")
    assert all(p.within(poly) for p, poly in zip(joined["geometry_x"], joined["geometry_y"],
                                                 strict=True))


def test_no_layers_uses_representative_points(small) -> None:
    areas, _ = small
    origins = place_origins(areas, None)
    assert set(origins["method"]) == {"representative_point"} and len(origins) == len(areas)
    sums = origins.groupby("area_code")["population"].sum(min_count=1)
    assert sums.drop("E").to_dict() == areas.set_index("area_code")["population"].drop(
        "E").to_dict()


def test_many_buildings_aggregated_and_sum_exact() -> None:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 990, size=(900, 2))
    sides = rng.uniform(6, 14, size=900)
    layers = _layers([("house", _house(x, y, s)) for (x, y), s in zip(xy, sides, strict=True)],
                     [], {})
    areas = _areas({"A": 1234.5})
    origins = place_origins(areas, layers, max_points=50)
    assert 1 < len(origins) <= 50
    assert origins["n_sources"].sum() == 900
    assert math.fsum(origins["population"]) == pytest.approx(1234.5, rel=0, abs=1e-9)
    assert origins["share"].sum() == pytest.approx(1.0)


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 600), st.integers(1, 60), st.integers(0, 10_000),
       st.floats(0, 20_000, allow_nan=False))
def test_aggregation_conserves_weight(n: int, max_points: int, seed: int, pop: float) -> None:
    rng = np.random.default_rng(seed)
    x, y = rng.normal(0, 300, n), rng.normal(0, 300, n)
    w = rng.uniform(0.1, 50, n)
    ax, ay, aw, an = aggregate_points(x, y, w, max_points)
    assert len(ax) <= max(max_points, 1) and an.sum() == n
    assert aw.sum() == pytest.approx(w.sum())
    # Merged points are real input points.
    assert set(zip(ax, ay, strict=True)) <= set(zip(x, y, strict=True))
    share, people = split_population(aw, pop)
    assert share.sum() == pytest.approx(1.0)
    assert math.fsum(people) == pytest.approx(pop, abs=1e-9)


@pytest.fixture(scope="module")
def iow_layers():
    pbf = pytest.importorskip("ecoplan.osm.pbf", reason="ecoplan.osm.pbf not available yet")
    path = shared_data_dir() / "osm" / "isle-of-wight_2015-01-01.osm.pbf"
    if not path.exists():
        pytest.skip("Isle of Wight extract not present")
    return pbf.read_pbf(path)


def test_isle_of_wight_origins(iow_layers) -> None:
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod

    data = shared_data_dir()
    imd = data / "imd"
    areas = build_areas(
        read_boundaries(data / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"),
        load_iod(imd / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
                 imd / "File_6_-_IoD2019_Population_Denominators.csv.gz")).areas
    origins = place_origins(areas, iow_layers)
    sums = origins.groupby("area_code")["population"].sum()
    expected = areas.set_index("area_code")["population"]
    assert sorted(sums.index) == sorted(expected.index)
    assert np.allclose(sums[expected.index], expected, rtol=0, atol=1e-6)
    counts = method_counts(origins)
    assert sum(counts.values()) == 89 and set(counts) == set(METHODS)
    # The 2015 extract maps homes well in some LSOAs only: both methods must occur.
    assert counts["buildings"] > 0 and counts["network_nodes"] > 0
    assert origins.groupby("area_code").size().max() <= 200
    # The reader keeps landuse=residential (124 polygons in the 2015 extract). In the 86
    # LSOAs where it holds most residential streets every origin lies in it (no one is placed
    # on a country lane); in the other 3 the land is taken as partly mapped.
    land = residential_land(iow_layers.features, UTM)
    assert land is not None and len(land.geometries) == 124
    iow = origins.to_crs(UTM).assign(inside=lambda o: in_land(o, land))
    share = iow.groupby("area_code")["inside"].mean()
    assert (share == 1.0).sum() == 86
    assert (share < 1.0).sum() == 3


def test_without_population_lsoas_place_homes_as_with_it(iow_layers) -> None:
    """Issue 11: leaving out the population file must not change how an area's homes are
    placed. With an absolute count (20 buildings) in place of coverage, 15 island LSOAs
    switched method (one area's share with a park within 10 minutes went 0.91 → 0); a typical
    LSOA's households now stand in for the unknown population, so only areas far from the
    typical size can differ."""
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.iod import load_iod

    data = shared_data_dir()
    bounds = read_boundaries(data / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson")
    file1 = data / "imd" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
    file6 = data / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz"
    with_pop = build_areas(bounds, load_iod(file1, file6)).areas
    without = build_areas(bounds, load_iod(file1)).areas
    assert without["population"].isna().all()
    a = place_origins(with_pop, iow_layers).groupby("area_code")["method"].first()
    b = place_origins(without, iow_layers).groupby("area_code")["method"].first()
    assert (a != b[a.index]).sum() <= 2
    # Outside England and Wales's LSOAs nothing typical is known: the count rule stays.
    assert expected_households(np.array([np.nan, 1200.0]), np.array(["Z1", "Z2"]))[1] == 500
    assert np.isnan(expected_households(np.array([np.nan]), np.array(["Z1"]))[0])
    assert expected_households(np.array([np.nan]), np.array(["W01000001"]))[0] == 693


def _with_residential(layers: OsmLayers, polys: list) -> OsmLayers:
    feats = gpd.GeoDataFrame({"osm_type": "way", "osm_id": range(len(polys)),
                              "landuse": "residential"},
                             geometry=_m(polys).to_numpy(), crs=4326)
    return OsmLayers(features=conform(feats, feature_columns()), ways=layers.ways,
                     nodes=layers.nodes, pois=layers.pois, buildings=layers.buildings)


def test_residential_land_keeps_people_in_the_village() -> None:
    # Area A: a village street (nodes 1-3, x 100-300) inside residential land and a long lane
    # (nodes 4-7, x 400-900) outside it. Area B: the same lane pattern, no residential land.
    nodes = {1: (100, 500), 2: (200, 500), 3: (300, 500), 4: (400, 500), 5: (600, 500),
             6: (800, 500), 7: (900, 500), 11: (1100, 500), 12: (1500, 500), 13: (1900, 500)}
    ways = [(1, 2, "residential"), (2, 3, "residential"), (3, 4, "unclassified"),
            (4, 5, "unclassified"), (5, 6, "unclassified"), (6, 7, "unclassified"),
            (11, 12, "unclassified"), (12, 13, "unclassified")]
    base = _layers([], ways, nodes)
    # The village outline stops 8 m short of node 3 (the street at its edge is still in:
    # within RESIDENTIAL_LAND_TOLERANCE_M) and 100 m short of node 4 (out).
    village = box(X0 + 50, Y0 + 400, X0 + 292, Y0 + 600)
    origins = place_origins(_areas({"A": 300.0, "B": 300.0}), _with_residential(base, [village]))
    a = origins[origins.area_code == "A"].to_crs(UTM)
    assert sorted(np.round(a.geometry.x - X0)) == [100, 200, 300]
    assert np.isclose(a["population"].sum(), 300.0)
    b = origins[origins.area_code == "B"].to_crs(UTM)
    assert sorted(np.round(b.geometry.x - X0)) == [1100, 1500, 1900]  # no land: all nodes
    # Without residential land anywhere, area A spreads people along the lane as before.
    before = place_origins(_areas({"A": 300.0, "B": 300.0}), base)
    assert (before.area_code == "A").sum() == 7


def test_partly_mapped_residential_land_is_not_trusted() -> None:
    # Area A: three housing streets; residential land is drawn around the first only (a
    # corner of the area mapped). Crowding all 300 people onto that street would be wrong:
    # every housing street counts, as if there were no land.
    nodes = {1: (100, 100), 2: (200, 100), 3: (100, 500), 4: (200, 500), 5: (100, 900),
             6: (200, 900)}
    ways = [(1, 2, "residential"), (3, 4, "residential"), (5, 6, "living_street")]
    base = _layers([], ways, nodes)
    corner = box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 150)
    origins = place_origins(_areas({"A": 300.0}), _with_residential(base, [corner]))
    assert sorted(np.round(origins.to_crs(UTM).geometry.y - Y0)) == [100, 100, 500, 500,
                                                                      900, 900]
    # Drawn around two of the three streets (most of the housing), the land is trusted.
    most = box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 550)
    origins = place_origins(_areas({"A": 300.0}), _with_residential(base, [most]))
    assert sorted(np.round(origins.to_crs(UTM).geometry.y - Y0)) == [100, 100, 500, 500]


def test_residential_land_drops_farm_buildings() -> None:
    # Area A: four houses in residential land, one large untagged barn outside it.
    houses = [("house", _house(100 + 20 * i, 100, 10)) for i in range(4)]
    barn = ("yes", _house(700, 700, 40))
    nodes = {1: (100, 90), 2: (300, 90)}
    base = _layers([*houses, barn], [(1, 2, "residential")], nodes)
    land = box(X0 + 50, Y0 + 50, X0 + 250, Y0 + 200)
    areas = _areas({"A": 4 * 2.4})
    with_land = place_origins(areas, _with_residential(base, [land]))
    assert set(with_land["method"]) == {"buildings"}
    assert (with_land.to_crs(UTM).geometry.x - X0).max() < 250  # the barn is not a home
    without = place_origins(areas, base)
    assert (without.to_crs(UTM).geometry.x - X0).max() > 700  # before: it took most people
