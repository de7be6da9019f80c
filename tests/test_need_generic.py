"""Generic need layers: ranking direction, deciles, validation messages."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from ecoplan.errors import InputFileError
from ecoplan.need.areas import AREA_COLUMNS
from ecoplan.need.generic import need_ranks, read_generic_need


def _layer(values: list, ids: list | None = None, **extra) -> gpd.GeoDataFrame:
    ids = ids if ids is not None else [f"Z{i}" for i in range(len(values))]
    geoms = [Point(i * 3, 0).buffer(1) for i in range(len(values))]
    return gpd.GeoDataFrame({"zone": ids, "need": values, **extra}, geometry=geoms, crs=4326)


def test_higher_is_worse_true_and_false() -> None:
    layer = _layer(list(range(1, 21)))  # 20 areas, need 1..20
    worse_high = read_generic_need(layer, id_column="zone", need_column="need",
                                   higher_is_worse=True).areas.set_index("area_code")
    assert worse_high.loc["Z19", "imd_rank"] == 1 and worse_high.loc["Z19", "imd_decile"] == 1
    assert worse_high.loc["Z0", "imd_rank"] == 20 and worse_high.loc["Z0", "imd_decile"] == 10
    worse_low = read_generic_need(layer, id_column="zone", need_column="need",
                                  higher_is_worse=False).areas.set_index("area_code")
    assert worse_low.loc["Z0", "imd_decile"] == 1 and worse_low.loc["Z19", "imd_decile"] == 10
    assert worse_low["imd_decile"].value_counts().to_dict() == {d: 2 for d in range(1, 11)}
    assert worse_low.loc["Z3", "imd_score"] == 4.0  # the value as given


def test_schema_population_and_source() -> None:
    res = read_generic_need(_layer([3.0, 1.0], people=[100, 250]), id_column="zone",
                            need_column="need", higher_is_worse=True, population_column="people")
    assert list(res.areas.columns) == AREA_COLUMNS
    assert res.areas["population"].tolist() == [100.0, 250.0]
    assert set(res.areas["need_source"]) == {"generic:need"}
    no_pop = read_generic_need(_layer([3.0, 1.0]), id_column="zone", need_column="need",
                               higher_is_worse=True)
    assert no_pop.areas["population"].isna().all()
    assert any("population is unknown" in w for w in no_pop.warnings)


def test_ties_share_the_most_needy_rank() -> None:
    rank, decile = need_ranks(pd.Series([5.0, 5.0, 1.0, np.nan]), higher_is_worse=True)
    assert rank.tolist()[:3] == [1.0, 1.0, 3.0]
    assert np.isnan(rank.iloc[3]) and np.isnan(decile.iloc[3])


def test_equal_need_is_not_all_most_needy() -> None:
    """Eleven areas of equal need all came out decile 1, so all "deprived": a tie group takes
    the decile of its middle rank; a 0/1 flag on 30 of 100 areas still bands them as needy."""
    _, decile = need_ranks(pd.Series([5.0] * 11), higher_is_worse=True)
    assert set(decile) == {6.0}
    _, decile = need_ranks(pd.Series([1.0] * 30 + [0.0] * 70), higher_is_worse=True)
    assert set(decile[:30]) == {2.0} and set(decile[30:]) == {7.0}


def test_validation_messages() -> None:
    with pytest.raises(InputFileError, match="numeric"):
        read_generic_need(_layer(["1", "high"]), id_column="zone", need_column="need",
                          higher_is_worse=True)
    with pytest.raises(InputFileError, match="no id"):
        read_generic_need(_layer([1, 2], ids=["A", None]), id_column="zone", need_column="need",
                          higher_is_worse=True)
    with pytest.raises(InputFileError, match="unique"):
        read_generic_need(_layer([1, 2], ids=["A", "A"]), id_column="zone", need_column="need",
                          higher_is_worse=True)
    with pytest.raises(InputFileError, match="no need column 'score'.*zone"):
        read_generic_need(_layer([1, 2]), id_column="zone", need_column="score",
                          higher_is_worse=True)
    with pytest.raises(InputFileError, match="no values"):
        read_generic_need(_layer([None, None]), id_column="zone", need_column="need",
                          higher_is_worse=True)


def test_text_numbers_and_missing_values_accepted(tmp_path) -> None:
    layer = _layer(["1,200", "7", ""])
    path = tmp_path / "need.geojson"
    layer.to_file(path)
    res = read_generic_need(path, id_column="zone", need_column="need", higher_is_worse=True)
    areas = res.areas.set_index("area_code")
    assert areas.loc["Z0", "imd_score"] == 1200 and areas.loc["Z0", "imd_rank"] == 1
    assert np.isnan(areas.loc["Z2", "imd_decile"])
    assert any("no value" in w for w in res.warnings)


def test_invalid_polygon_in_generic_layer_fixed() -> None:
    bowtie = Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    layer = gpd.GeoDataFrame({"zone": ["A"], "need": [1.0]}, geometry=[bowtie], crs=4326)
    res = read_generic_need(layer, id_column="zone", need_column="need", higher_is_worse=True)
    assert res.n_fixed == 1 and res.areas.geometry.is_valid.all()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=300),
       st.booleans())
def test_deciles_follow_need_order(values: list[float], higher: bool) -> None:
    s = pd.Series(values)
    rank, decile = need_ranks(s, higher_is_worse=higher)
    assert decile.between(1, 10).all()
    assert rank.min() == 1
    worse = s if higher else -s
    order = np.argsort(-worse.to_numpy(), kind="stable")
    # More need → never a higher (less needy) decile.
    assert (np.diff(decile.to_numpy()[order]) >= 0).all()
    if len(values) >= 10 and len(set(values)) == len(values):
        assert decile.value_counts().to_dict() == {d: len(values) // 10 for d in range(1, 11)} \
            or len(values) % 10
