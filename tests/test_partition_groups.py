"""Areas split into compact, equal groups; local authorities kept whole when named."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ecoplan.errors import InputFileError
from ecoplan.partition.groups import bisect, split_areas


def _grid(nx: int, ny: int) -> gpd.GeoDataFrame:
    """nx × ny squares of 1 km on the British National Grid, as EPSG:4326 areas."""
    cells = [box(400_000 + i * 1000, 100_000 + j * 1000, 401_000 + i * 1000, 101_000 + j * 1000)
             for j in range(ny) for i in range(nx)]
    return gpd.GeoDataFrame({"area_code": [f"A{k:03d}" for k in range(len(cells))]},
                            geometry=cells, crs=27700).to_crs(4326)


def test_bisection_gives_equal_groups_that_do_not_overlap() -> None:
    areas = _grid(8, 4)
    labels = split_areas(areas, 4)
    assert sorted(np.bincount(labels)) == [8, 8, 8, 8]
    boxes = [box(*areas[labels == k].to_crs(27700).total_bounds) for k in range(4)]
    for a in range(4):
        for b in range(a + 1, 4):
            assert boxes[a].intersection(boxes[b]).area < 1  # m²: compact blocks, no interleaving


def test_uneven_counts_differ_by_at_most_one() -> None:
    xy = np.random.default_rng(1).random((101, 2))
    counts = np.bincount(bisect(xy, np.ones(101), 7))
    assert len(counts) == 7 and counts.max() - counts.min() <= 1


def test_local_authorities_are_kept_whole() -> None:
    areas = _grid(6, 2)
    lad = pd.Series(["L1"] * 4 + ["L2"] * 4 + ["L3"] * 4, index=areas.index)
    labels = split_areas(areas, 3, lad)
    for code in ("L1", "L2", "L3"):
        assert len(set(labels[lad.eq(code).to_numpy()])) == 1
    assert len(set(labels)) == 3


def test_fewer_authorities_than_partitions_splits_the_largest() -> None:
    areas = _grid(6, 2)
    lad = pd.Series(["BIG"] * 9 + ["SMALL"] * 3, index=areas.index)
    labels = split_areas(areas, 4, lad)
    assert len(set(labels)) == 4
    assert len(set(labels[lad.eq("SMALL").to_numpy()])) == 1  # the small one stays whole
    assert len(set(labels[lad.eq("BIG").to_numpy()])) == 3
    assert not set(labels[lad.eq("SMALL").to_numpy()]) & set(labels[lad.eq("BIG").to_numpy()])


@pytest.mark.parametrize("n", [0, 13])
def test_impossible_partition_counts_are_refused(n) -> None:
    with pytest.raises(InputFileError, match="partitions"):
        split_areas(_grid(4, 3), n)
