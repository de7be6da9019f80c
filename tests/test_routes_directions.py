"""Turn-by-turn directions on small hand-made networks (metres east/north of Newport)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synthetic import layers_from_segments

from ecoplan.routes.directions import _compass, _turn, directions, edge_labels
from ecoplan.routes.network import prepare_network

#  4 ---- 3          1→5→2 "High Street" (east), 2→3 unnamed footway (north),
#  |      |          3→4 "Park Lane" (west), 4→1 bridleway (south)
#  1 --5- 2
COORDS = {1: (0, 0), 5: (100, 0), 2: (200, 0), 3: (200, 200), 4: (0, 200)}
STREET = {"highway": "residential", "name": "High Street"}
SEGS = [(1, 5, STREET), (5, 2, STREET), (2, 3), (3, 4, {"highway": "residential",
                                                        "name": "Park Lane"}),
        (4, 1, {"highway": "bridleway"})]


@pytest.fixture(scope="module")
def net():
    return prepare_network(layers_from_segments(COORDS, SEGS), None)


def _path(net, ids):
    return net.graph.rows(ids)


def test_loop_directions_merge_names_and_turn_left(net):
    steps = directions(net, _path(net, [1, 5, 2, 3, 4, 1]), is_loop=True)
    texts = [s.text for s in steps]
    assert texts == [
        "Start on High Street heading east",
        "Turn left onto the footpath",
        "Turn left onto Park Lane",
        "Turn left onto the bridleway",
        "Arrive back at the start",
    ]
    assert [round(s.distance_m) for s in steps] == [200, 200, 200, 200, 0]


def test_reverse_direction_turns_right(net):
    steps = directions(net, _path(net, [4, 3, 2, 5, 1]))
    assert steps[0].text == "Start on Park Lane heading east"
    assert steps[1].text == "Turn right onto the footpath"
    assert steps[2].text == "Turn right onto High Street"
    assert steps[-1].text == "Arrive at the destination"


def test_short_unnamed_link_folds_into_next_step():
    coords = {1: (0, 0), 2: (300, 0), 3: (308, 0), 4: (308, 300)}
    segs = [(1, 2, {"highway": "residential", "name": "Mill Road"}), (2, 3),
            (3, 4, {"highway": "track"})]
    net = prepare_network(layers_from_segments(coords, segs), None)
    steps = directions(net, net.graph.rows([1, 2, 3, 4]))
    assert [s.text for s in steps[:-1]] == ["Start on Mill Road heading east",
                                            "Turn left onto the track"]
    assert steps[1].distance_m == pytest.approx(308, abs=1)


def test_labels_use_ref_then_kind(net):
    import pandas as pd

    edges = pd.DataFrame({"name": ["", None, "Esplanade"], "ref": ["A3055", None, None],
                          "highway": ["primary", "steps", "footway"]})
    key, label = edge_labels(edges)
    assert list(label) == ["A3055", "the steps", "Esplanade"]
    assert key[1].startswith("~")


def test_very_short_named_stretch_folds_into_the_next_step():
    """Issue #8: 0.6 m of a named road at a junction is no step ("Bear left onto Colwell
    Road" with the PDF saying 10 m and the terminal nothing)."""
    coords = {1: (0, 0), 2: (300, 0), 3: (300.6, 0), 4: (300.6, 300)}
    segs = [(1, 2, {"highway": "residential", "name": "Mill Road"}),
            (2, 3, {"highway": "residential", "name": "Colwell Road"}),
            (3, 4, {"highway": "track"})]
    net = prepare_network(layers_from_segments(coords, segs), None)
    steps = directions(net, net.graph.rows([1, 2, 3, 4]))
    assert [s.text for s in steps[:-1]] == ["Start on Mill Road heading east",
                                            "Turn left onto the track"]
    assert sum(s.distance_m for s in steps) == pytest.approx(600.6, abs=0.5)


@pytest.mark.parametrize(("m", "text"), [(0.3, ""), (0.6, "1 m"), (3.2, "3 m"), (9.6, "10 m"),
                                         (14.0, "10 m"), (483.0, "480 m"),
                                         (1028.0, "1.0 km")])
def test_step_distance_is_one_format_for_terminal_and_pdf(m, text):
    from ecoplan.routes.directions import step_distance
    from ecoplan.routes.printmap import _fmt_dist

    assert step_distance(m) == text
    assert _fmt_dist(m) == text.replace(" ", "\u00a0")


def test_footpath_ref_is_not_read_as_a_road():
    """Issue #6: rights-of-way codes ("A20", "B16") on paths read like A and B roads; the
    kind of way goes first. A road's ref stays as it is."""
    import pandas as pd

    edges = pd.DataFrame({"name": [None, "", None, None, "Mill Lane"],
                          "ref": ["A20", "B16", "A3055", "R54", "N1"],
                          "highway": ["footway", "bridleway", "primary", "track", "path"]})
    key, label = edge_labels(edges)
    assert list(label) == ["footpath A20", "bridleway B16", "A3055", "track R54", "Mill Lane"]
    assert list(key[:4]) == ["A20", "B16", "A3055", "R54"]


@given(st.floats(-720, 720, allow_nan=False))
def test_turn_side_matches_sign(delta):
    d = (delta + 180.0) % 360.0 - 180.0
    text = _turn(delta)
    if abs(d) <= 30:
        assert text == "Continue"
    else:
        assert text.endswith("right" if d > 0 else "left")


def test_compass_points():
    assert [_compass(b) for b in (0, 44, 46, 90, 180, 270, 359)] == [
        "north", "north-east", "north-east", "east", "south", "west", "north"]
