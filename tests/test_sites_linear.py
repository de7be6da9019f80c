"""Blue lines → pieces → bank strips: the same geometry, to the bit, as cutting each line with
``shapely.ops.substring`` and buffering each piece alone (how sites were built before)."""

from __future__ import annotations

import math

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiLineString
from shapely.ops import substring

from ecoplan.settings import osm as osm_cfg
from ecoplan.sites.linear import bank_strips, cut_pieces


def _one_by_one(geoms, max_len: float) -> tuple[list, list]:
    pieces, owner = [], []
    for i, geom in enumerate(geoms):
        for line in getattr(geom, "geoms", [geom]):
            n = max(1, math.ceil(line.length / max_len))
            step = line.length / n
            for k in range(n):
                pieces.append(substring(line, k * step, (k + 1) * step))
                owner.append(i)
    return pieces, owner


def _wkb(geoms) -> np.ndarray:
    return shapely.to_wkb(np.asarray(geoms, dtype=object))


def test_island_blue_lines_bit_for_bit(iow_layers, iow_sites):
    from ecoplan.sites.classify import classify

    feats = classify(iow_layers.features).to_crs(iow_sites.crs)
    lines = feats[feats.category.isin(["river", "canal", "stream", "coast"])
                  & feats.geom_type.isin(["LineString", "MultiLineString"])]
    geoms = lines.geometry.to_numpy()
    pieces, owner = cut_pieces(geoms, osm_cfg.LINEAR_PIECE_M)
    want, want_owner = _one_by_one(geoms, osm_cfg.LINEAR_PIECE_M)
    assert len(pieces) > 300
    assert (_wkb(pieces) == _wkb(want)).all()
    assert owner.tolist() == want_owner
    cats = lines["category"].to_numpy()[owner]
    strips = bank_strips(pieces, cats)
    alone = []
    for piece, cat in zip(want, cats, strict=True):
        line = shapely.set_precision(piece, osm_cfg.GRID_M)
        alone.append(line.buffer(osm_cfg.COAST_STRIP_M, single_sided=True, cap_style="flat")
                     if cat == "coast" else
                     line.buffer(osm_cfg.BANK_WIDTH_M.get(cat, 10.0), cap_style="flat"))
    assert (_wkb(strips) == _wkb(alone)).all()


def test_short_empty_and_multi_lines():
    geoms = np.array([LineString([(0, 0), (2500, 0)]), LineString([(0, 0), (0, 0)]),
                      MultiLineString([[(0, 0), (10, 0), (10, 10)], [(50, 50), (50, 1500)]]),
                      LineString(), LineString([(0, 0), (1000, 0)])], dtype=object)
    pieces, owner = cut_pieces(geoms, 1000.0)
    want, want_owner = _one_by_one(geoms, 1000.0)
    assert (_wkb(pieces) == _wkb(want)).all()
    assert owner.tolist() == want_owner == [0, 0, 0, 1, 2, 2, 2, 3, 4]
    assert pieces[0].equals(LineString([(0, 0), (2500 / 3, 0)]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.tuples(st.floats(-3e3, 3e3), st.floats(-3e3, 3e3)),
                         min_size=2, max_size=30), min_size=1, max_size=5),
       st.floats(10, 2000))
def test_random_lines(coords, max_len):
    geoms = np.array([LineString(c) for c in coords], dtype=object)
    pieces, owner = cut_pieces(geoms, max_len)
    want, want_owner = _one_by_one(geoms, max_len)
    assert (_wkb(pieces) == _wkb(want)).all()
    assert owner.tolist() == want_owner
