"""Score components on hand-made measures: ranges, formulas, words; the ranking's weight maths."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from ecoplan.ranking import components as C
from ecoplan.ranking import explain as fmt
from ecoplan.ranking.rank import SiteScores, rank_scores
from ecoplan.ranking.reach import gaussian_decay
from ecoplan.settings import ranking as cfg


def measures(**over) -> pd.DataFrame:
    base = {
        "area_ha": [0.5, 12.0, 250.0], "n_entrances": [4, 3, 30], "toilets": [0, 1, 3],
        "benches": [0, 2, 12], "shelters": [0, 0, 1], "drinking_water": [0, 0, 1],
        "parking": [0, 1, 4], "natural_share": [0.0, 0.4, 0.7], "mown_share": [1.0, 0.5, 0.0],
        "natural_kinds": ["", "wood", "wood;heath"], "blue": [False, True, False],
        "nature_reserve": [False, False, True], "quiet_share": [0.0, 0.5, 1.0],
        "road_m": [20.0, 300.0, np.inf], "aerodrome_share": [0.0, 0.0, 0.5],
        "quiet_corner_share": [0.2, 1.0, 1.0], "busy_spots": [2, 0, 0],
        "secluded_share": [0.0, 0.3, 0.9], "path_m": [0.0, 800.0, 5000.0],
        "step_free_share": [0.0, 1.0, 0.5], "surfaced_share": [0.0, 0.5, 0.1],
        "lit_share": [0.0, 1.0, 0.0], "loops": [0, 0, 3], "bus_m": [np.inf, 120.0, 600.0],
        "bus_gate": ["", "north", "west"], "reach_deprived_people": [0.0, 3870.0, 150.0],
        "reach_deprived_weighted": [0.0, 2000.0, 60.0], "reach_total_people": [0.0, 9000.0, 700],
        "reach_total_weighted": [0.0, 5000.0, 300.0], "reach_entrances_placed": [0, 3, 30],
    }
    base.update(over)
    return pd.DataFrame(base, index=pd.Index(["a", "b", "c"], name="site_id"))


def test_gaussian_decay_is_one_at_gate_zero_at_limit_and_falls():
    d = np.array([0.0, 300.0, 600.0, 1199.9, 1200.0, 1500.0, np.inf])
    g = gaussian_decay(d, 1200.0)
    assert g[0] == 1.0 and g[4] == pytest.approx(0.0) and g[5] == 0 and g[6] == 0
    assert np.all(np.diff(g) <= 0)
    # Dai (2010) formula at half the limit
    e = math.exp(-0.5)
    assert g[2] == pytest.approx((math.exp(-0.125) - e) / (1 - e))


def test_every_component_is_in_unit_interval_with_words():
    m = measures()
    frames = [f(m) for f in C.SITE_COMPONENTS.values()]
    frames.append(C.reach(m, deciles=3, minutes=15))
    for f in frames:
        name = f.columns[0]
        assert f[name].between(0, 1).all(), name
        assert f[f"why_{name}"].str.len().gt(0).all(), name


def test_reach_is_normalised_by_the_best_site_and_explains_itself():
    r = C.reach(measures(), deciles=3, minutes=15)
    assert r.loc["b", "reach"] == pytest.approx(1.0)
    expected = (1 - cfg.REACH_TOTAL_SHARE) * 60 / 2000 + cfg.REACH_TOTAL_SHARE * 300 / 5000
    assert r.loc["c", "reach"] == pytest.approx(expected)
    assert r.loc["b", "why_reach"] == ("Reaches 3,900 people in the 30 % most deprived "
                                      "neighbourhoods within 15 minutes (9,000 people in all)")
    assert "No mapped entrance" in r.loc["a", "why_reach"] and r.loc["a", "reach"] == 0


def test_facilities_follow_their_parts():
    f = C.facilities(measures())
    assert f.loc["a", "facilities"] == 0
    assert f.loc["c", "facilities"] == pytest.approx(1.0)
    parts = cfg.FACILITY_PARTS
    expected = parts["toilets"][0] + parts["benches"][0] * 2 / 5 + parts["parking"][0]
    assert f.loc["b", "facilities"] == pytest.approx(expected)
    assert f.loc["b", "why_facilities"] == "1 toilet, 2 benches, 1 car park"
    assert "no toilets" in f.loc["a", "why_facilities"]


def test_nature_reserve_unmapped_ground_counts_natural():
    n = C.nature(measures())
    assert "100 % natural cover" in n.loc["c", "why_nature"]  # 0.7 mapped + 0.3 reserve
    assert "40 % natural cover (wood)" in n.loc["b", "why_nature"]
    assert n.loc["c", "nature"] > n.loc["b", "nature"] > n.loc["a", "nature"]


def test_calm_and_accessibility_words_match_numbers():
    m = measures()
    c = C.calm(m)
    assert c.loc["a", "why_calm"].startswith(
        "0 % of the site over 100 m from busy roads, railways and industry (nearest busy road "
        "20 m")
    assert "no busy road in the data" in c.loc["c", "why_calm"]
    assert "50 % within 1.0 km of an airfield" in c.loc["c", "why_calm"]
    a = C.accessibility(m)
    assert "bus stop 120 m from the north entrance" in a.loc["b", "why_accessibility"]
    assert "step-free paths" in a.loc["b", "why_accessibility"]
    assert "no mapped paths inside" in a.loc["a", "why_accessibility"]
    assert "no bus stop within 400 m" in a.loc["c", "why_accessibility"]


def test_formatters():
    assert fmt.people(3870) == "3,900" and fmt.people(11416) == "11,000"
    assert fmt.people(42.4) == "42" and fmt.people(156) == "160"
    assert fmt.metres(123) == "120 m" and fmt.metres(1730) == "1.7 km"
    assert fmt.pct(0.626) == "63 %" and fmt.hectares(892.4) == "892 ha"
    assert [fmt.pct(x) for x in (0, 0.001, 0.006, 0.994, 0.996, 1)] == [
        "0 %", "<1 %", "1 %", "99 %", ">99 %", "100 %"]
    assert fmt.display_name("", "w1-2", "coast;beach") == "unnamed coast (w1-2)"


# --- the ranking's weight maths on synthetic component tables ----------------------------------

def scores_from(values: np.ndarray) -> SiteScores:
    n = len(values)
    table = pd.DataFrame(values, columns=list(cfg.COMPONENTS))
    for c in cfg.COMPONENTS:
        table[f"why_{c}"] = c
    table["site_id"] = [f"s{i}" for i in range(n)]
    table["name"] = ""
    table["categories"] = ""
    gdf = gpd.GeoDataFrame(table, geometry=[Point(0, 0)] * n, crs="EPSG:4326")
    return SiteScores(table=gdf, available=cfg.COMPONENTS, notes=(), minutes=15,
                      speed_kmh=4.8, deciles=3, limit_m=1200, attributions=())


def ranks_with_tolerance(table: pd.DataFrame) -> pd.Series:
    s = table.set_index("site_id")["score"]
    v = s.to_numpy()
    return pd.Series([1 + int((v > x + 1e-9).sum()) for x in v], index=s.index)


unit = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(unit, min_size=7, max_size=7), min_size=2, max_size=12),
       st.lists(st.floats(min_value=0, max_value=5), min_size=7, max_size=7),
       st.sampled_from(cfg.COMPONENTS), st.floats(min_value=0.01, max_value=10))
def test_raising_a_weight_never_lowers_the_best_site_on_that_component(rows, w, k, delta):
    """Score = weighted mean, so every difference moves towards the component difference."""
    if sum(w) == 0:
        w[0] = 1.0
    scores = scores_from(np.array(rows))
    before = dict(zip(cfg.COMPONENTS, w, strict=True))
    after = {**before, k: before[k] + delta}
    r0 = rank_scores(scores, "therapy", before).table
    r1 = rank_scores(scores, "therapy", after).table
    best = scores.table.loc[scores.table[k] == scores.table[k].max(), "site_id"]
    k0, k1 = ranks_with_tolerance(r0), ranks_with_tolerance(r1)
    for sid in best:
        assert k1[sid] <= k0[sid]
    # and each pairwise difference moved monotonically towards the component difference
    s0, s1 = r0.set_index("site_id")["score"], r1.set_index("site_id")["score"]
    c = scores.table.set_index("site_id")[k]
    a, b = s0.index[0], s0.index[-1]
    d0, d1, dc = s0[a] - s0[b], s1[a] - s1[b], c[a] - c[b]
    assert min(d0, dc) - 1e-9 <= d1 <= max(d0, dc) + 1e-9


def test_rank_scores_sorts_explains_and_cuts():
    vals = np.array([[0, 1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 0], [0, 0.5, 0.5, 0, 0, 0, 0]],
                    dtype=float)
    sc = scores_from(vals)
    r = rank_scores(sc, "therapy", {c: 0 for c in cfg.COMPONENTS} | {"calm": 1}).table
    assert list(r.site_id) == ["s1", "s2", "s0"] and list(r["rank"]) == [1, 2, 3]
    assert r.loc[0, "explanation"] == "calm"  # only weighted components are explained
    top = rank_scores(sc, "therapy", top=2).table
    assert len(top) == 2


def test_railway_and_industry_make_a_site_less_quiet():
    from layers_factory import feature, make_layers, rect
    from shapely.geometry import LineString

    from ecoplan.network.graph import build_walk_graph
    from ecoplan.ranking.measures import measure_sites
    from ecoplan.sites.build import build_sites

    park = feature(rect(0, 0, 200, 200), 1, leisure="park")
    path = ([1, 2], [(100, -50), (100, 100)], {"highway": "footway"})

    def quiet(*extra):
        layers = make_layers(features=[park, *extra], paths=[path])
        s = build_sites(layers)
        m = measure_sites(s.sites, s.entrances, s.crs, layers, build_walk_graph(layers))
        return float(m["quiet_share"].iloc[0])

    rail = feature(LineString([(-100, 50), (300, 50)]), 9, railway="rail")
    works = feature(rect(210, 0, 300, 200), 8, landuse="industrial")
    assert quiet() == 1.0
    assert quiet(rail) < 0.5      # a line through the middle: most of the park within 100 m
    assert 0.4 < quiet(works) < 0.7  # industry along the east edge


def test_a_fact_two_components_note_is_said_once():
    """Accessibility and paths both note a site without paths: the line says it once, and a
    phrase with a comma in brackets stays whole."""
    scores = pd.DataFrame({"accessibility": [0.5], "paths": [0.2], "nature": [0.4]})
    whys = pd.DataFrame({
        "why_accessibility": ["no mapped paths inside, no bus stop within 400 m of an entrance"],
        "why_paths": ["no mapped paths inside"],
        "why_nature": ["3.1 ha, 20 % natural cover (lake, scrub)"]})
    line = fmt.combine(scores, whys, {"accessibility": 1.0, "paths": 1.0, "nature": 1.0})[0]
    assert line.count("no mapped paths inside") == 1
    assert line == ("no mapped paths inside, no bus stop within 400 m of an entrance · "
                    "3.1 ha, 20 % natural cover (lake, scrub)")
