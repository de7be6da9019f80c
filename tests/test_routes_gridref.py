"""OS National Grid references: published values, the OS worked example, round trips, non-GB."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from ecoplan.routes.gridref import (
    format_grid_ref,
    grid_ref_to_lonlat,
    grid_reference,
    parse_grid_ref,
)

GEOD = Geod(ellps="WGS84")


def test_os_worked_example_grid_letters() -> None:
    # OS "A Guide to Coordinate Systems in Great Britain", Transverse Mercator worked example:
    # E 651409.903, N 313177.270 (Caister water tower) = TG 51409 13177.
    assert format_grid_ref(651409.903, 313177.270, 10) == "TG 51409 13177"
    assert format_grid_ref(651409.903, 313177.270, 6) == "TG 514 131"
    assert format_grid_ref(651409.903, 313177.270, 4) == "TG 51 13"
    assert format_grid_ref(651409.903, 313177.270, 2) == "TG 5 1"
    assert format_grid_ref(651409.903, 313177.270, 0) == "TG"


@pytest.mark.parametrize(
    ("lon", "lat", "ref"),
    [
        # Nelson's Column, Trafalgar Square: 51°30′28″N 0°07′41″W, published TQ 300 804.
        (-0.12806, 51.50778, "TQ 300 804"),
        # Ben Nevis summit: 56°47′49″N 5°00′13″W, OS published summit NN 166 712.
        (-5.00361, 56.79694, "NN 166 712"),
    ],
)
def test_published_references(lon: float, lat: float, ref: str) -> None:
    got = grid_reference(lon, lat, 6)
    assert got.ref == ref
    assert got.reason == ""


def test_ryde_is_in_sz() -> None:
    got = grid_reference(-1.1605, 50.7320, 6)
    assert got.ref is not None and got.ref.startswith("SZ 59")


@pytest.mark.parametrize(
    ("e", "n", "letters"),
    [(0, 0, "SV"), (400_000, 1_200_000, "HP"), (500_000, 100_000, "TQ"), (300_000, 500_000, "NY"),
     (699_999, 0, "TW"), (0, 1_299_999, "HL")],
)
def test_square_letters_at_corners(e: float, n: float, letters: str) -> None:
    assert format_grid_ref(e, n, 0) == letters
    assert parse_grid_ref(letters + " 000 000", centre=False) == (
        e // 100_000 * 100_000, n // 100_000 * 100_000)


@pytest.mark.parametrize(
    ("lon", "lat", "why"),
    [
        (-6.26, 53.35, "Ireland"),      # Dublin
        (-5.93, 54.60, "Ireland"),      # Belfast (Irish Grid)
        (1.85, 50.95, "France"),        # Calais
        (1.60, 50.72, "France"),        # Boulogne-sur-Mer, inside the EPSG:27700 box
        (151.2, -33.9, "outside"),      # Sydney
        (math.nan, 51.0, "not a valid"),
        (0.0, 95.0, "not a valid"),
    ],
)
def test_outside_great_britain_has_no_reference(lon: float, lat: float, why: str) -> None:
    got = grid_reference(lon, lat)
    assert got.ref is None
    assert not got
    assert why in got.reason


@pytest.mark.parametrize(("lon", "lat"), [(-5.72, 50.07), (-4.86, 54.63), (1.40, 51.15),
                                          (-5.78, 55.30), (-6.30, 49.90)])
def test_gb_edges_next_to_the_masks_keep_their_reference(lon: float, lat: float) -> None:
    # Land's End, Mull of Galloway, South Foreland, Mull of Kintyre, Isles of Scilly.
    assert grid_reference(lon, lat).ref is not None


def test_format_outside_grid_and_bad_figures() -> None:
    assert format_grid_ref(-1.0, 10.0) is None
    assert format_grid_ref(700_000, 10.0) is None
    with pytest.raises(ValueError):
        format_grid_ref(1.0, 1.0, 7)
    with pytest.raises(ValueError):
        grid_reference(-1.0, 51.0, 12)


@pytest.mark.parametrize("bad", ["", "S 123 456", "IZ 123 456", "SZ 12 345", "SZ12345",
                                 "SZ 123456 1", "ZZ 000 000"])
def test_malformed_references_raise(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_grid_ref(bad)


def test_parse_accepts_compact_and_lowercase() -> None:
    assert parse_grid_ref("nn166712", centre=False) == (216_600.0, 771_200.0)
    assert parse_grid_ref("NN 166 712") == (216_650.0, 771_250.0)


@given(st.floats(0, 699_999.99), st.floats(0, 1_299_999.99), st.sampled_from([4, 6, 8, 10]))
def test_format_parse_round_trip(e: float, n: float, figures: int) -> None:
    ref = format_grid_ref(e, n, figures)
    assert ref is not None
    ce, cn = parse_grid_ref(ref)
    half_square = 10 ** (5 - figures // 2) / 2
    assert abs(ce - e) <= half_square + 1e-6
    assert abs(cn - n) <= half_square + 1e-6
    assert format_grid_ref(ce, cn, figures) == ref


@settings(max_examples=60, deadline=None)
@given(st.floats(-4.0, 0.5), st.floats(50.8, 55.5))
def test_ten_figure_reference_converts_back_within_a_metre(lon: float, lat: float) -> None:
    got = grid_reference(lon, lat, 10)
    assert got.ref is not None
    back_lon, back_lat = grid_ref_to_lonlat(got.ref)
    _, _, dist = GEOD.inv(lon, lat, back_lon, back_lat)
    assert dist < 1.0
