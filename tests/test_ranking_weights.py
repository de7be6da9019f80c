"""Weights: parsing, validation, purposes' defaults, normalisation, dropped components."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.errors import EcoplanError
from ecoplan.ranking.weights import parse_weights, resolve_weights
from ecoplan.settings import ranking as cfg


def test_parse_weights_reads_pairs():
    assert parse_weights(" calm=2, privacy = 0.5 ,") == {"calm": 2.0, "privacy": 0.5}
    assert parse_weights(None) == {} and parse_weights("  ") == {}


@pytest.mark.parametrize("text, needle", [
    ("quiet=1", "unknown weight name(s) 'quiet': use reach, nature, calm"),
    ("calm=-1", "must be 0 or a positive number"),
    ("calm=abc", "is not a number"),
    ("calm", "has no value"),
    ("calm=nan", "must be 0 or a positive number"),
])
def test_parse_weights_rejects_bad_input_with_clear_message(text, needle):
    with pytest.raises(EcoplanError, match=None) as err:
        parse_weights(text)
    assert needle in str(err.value)


def test_every_purpose_is_documented_and_normalised():
    for purpose in cfg.PURPOSES:
        w = resolve_weights(purpose)
        assert set(w.values) == set(cfg.COMPONENTS)
        assert sum(w.values.values()) == pytest.approx(1.0)
    ph = resolve_weights("public-health").values
    assert ph["reach"] == max(ph.values()) and ph["reach"] > 0.5  # reach dominates
    th = resolve_weights("therapy").values
    assert min(th["calm"], th["privacy"], th["nature"]) > max(th["reach"], th["paths"])
    gw = resolve_weights("group-walk").values
    assert gw["facilities"] >= gw["nature"] and gw["paths"] > 0 and gw["accessibility"] > 0


def test_unknown_purpose_lists_valid_ones():
    with pytest.raises(EcoplanError, match="therapy, group-walk, public-health"):
        resolve_weights("picnic")


def test_missing_reach_is_dropped_and_others_renormalised():
    w = resolve_weights("public-health", available=[c for c in cfg.COMPONENTS if c != "reach"])
    assert w.dropped == ("reach",)
    assert w.values["reach"] == 0
    assert sum(w.values.values()) == pytest.approx(1.0)
    base = cfg.PURPOSE_WEIGHTS["public-health"]
    rest = sum(v for k, v in base.items() if k != "reach")
    assert w.values["accessibility"] == pytest.approx(base["accessibility"] / rest)


def test_all_zero_weights_is_an_error():
    zero = {c: 0 for c in cfg.COMPONENTS}
    with pytest.raises(EcoplanError, match="all weights are 0"):
        resolve_weights("therapy", zero)


@given(st.dictionaries(st.sampled_from(cfg.COMPONENTS),
                       st.floats(min_value=0.01, max_value=100), min_size=1))
def test_overrides_keep_their_ratios(over):
    w = resolve_weights("therapy", over).values
    keys = list(over)
    for a in keys:
        for b in keys:
            assert w[a] * over[b] == pytest.approx(w[b] * over[a], rel=1e-9, abs=1e-12)
    assert sum(w.values()) == pytest.approx(1.0)


def test_one_per_place_keeps_the_best_piece_of_each_named_place():
    import geopandas as gpd
    from shapely.geometry import Point

    from ecoplan.ranking.rank import SiteScores, rank_scores
    from ecoplan.settings import ranking as rcfg

    comps = [c for c in rcfg.COMPONENTS if c != "reach"]
    rows = []
    for i, (sid, name, value) in enumerate([("w1-1", "River Medina", 0.9),
                                             ("w1-2", "River Medina", 0.8),
                                             ("w2", "", 0.7), ("w3", "", 0.6),
                                             ("w1-3", "River Medina", 0.5)]):
        rows.append({"site_id": sid, "name": name, "categories": "river",
                     **{c: value for c in comps}, **{f"why_{c}": "" for c in comps},
                     "geometry": Point(i, 0)})
    table = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    scores = SiteScores(table=table, available=tuple(comps), notes=(), minutes=15,
                        speed_kmh=4.8, limit_m=1200, deciles=3, attributions=())
    ranked = rank_scores(scores, "therapy", one_per_place=True).table
    assert ranked.site_id.tolist() == ["w1-1", "w2", "w3"]  # unnamed pieces stay separate
    assert ranked.more_pieces.tolist() == [2, 0, 0]
    assert ranked["rank"].tolist() == [1, 2, 3]
    assert len(rank_scores(scores, "therapy").table) == 5
