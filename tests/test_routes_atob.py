"""A-to-B routes and the bad-input messages shared with loops, on hand-made networks."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from synthetic import layers_from_segments, to_lonlat

from ecoplan.errors import AreaError, EcoplanError
from ecoplan.routes.atob import plan_route
from ecoplan.routes.loops import plan_loops
from ecoplan.routes.network import NoStepFreeRouteError, RouteError

# A 500 m square with nodes every 125 m (ids 1..16), start at the south-west corner (1).
SIDE, STEP = 500.0, 125.0


def _square(tags_by_edge=None, barriers=None, extra=()):
    pts = []
    for k in range(16):
        d = k * STEP
        if d < SIDE:
            pts.append((d, 0))
        elif d < 2 * SIDE:
            pts.append((SIDE, d - SIDE))
        elif d < 3 * SIDE:
            pts.append((3 * SIDE - d, SIDE))
        else:
            pts.append((0, 4 * SIDE - d))
    coords = {i + 1: p for i, p in enumerate(pts)}
    coords.update({c[0]: c[1] for c in extra})
    tags_by_edge = tags_by_edge or {}
    segs = [(i, i % 16 + 1, tags_by_edge.get(i, {})) for i in range(1, 17)]
    return layers_from_segments(coords, segs, barriers=barriers)


def _ll(x, y):
    return tuple(to_lonlat(np.array([[x, y]]))[0])


def test_loop_round_square_and_atob():
    layers = _square()
    # 2 km square walked at 4 km/h = 30 min
    routes = plan_loops(layers, None, _ll(0, 0), 30, speed_kmh=4.0)
    assert routes[0].length_m == pytest.approx(2000, rel=0.01)
    assert routes[0].scores["share_retraced"] == 0
    r = plan_route(layers, None, _ll(0, 0), _ll(SIDE, SIDE), speed_kmh=4.0)
    assert r.length_m == pytest.approx(1000, rel=0.01)
    assert not r.is_loop and r.directions[-1].text == "Arrive at the destination"


def test_atob_prefers_green_over_busy_road():
    # south and east sides are a primary road; north and west a footpath: same length
    busy = {i: {"highway": "primary", "name": "Main Road"} for i in range(1, 9)}
    layers = _square(busy)
    r = plan_route(layers, None, _ll(0, 0), _ll(SIDE, SIDE))
    assert r.scores["share_on_roads"] == 0
    base = plan_route(layers, None, _ll(0, 0), _ll(SIDE, SIDE), preferences=False)
    assert base.length_m == pytest.approx(r.length_m, rel=0.01)


def test_target_too_long_says_how_long_network_is():
    with pytest.raises(RouteError, match=r"too long .* 2\.0 km"):
        plan_loops(_square(), None, _ll(0, 0), 60, speed_kmh=4.0)


def test_start_far_from_paths_says_distance():
    with pytest.raises(RouteError, match=r"is 3\d\d m from the nearest walkable path"):
        plan_loops(_square(), None, _ll(-320, 0), 30, speed_kmh=4.0)


def test_start_outside_data():
    with pytest.raises(AreaError, match="outside the map data"):
        plan_loops(_square(), None, (0.5, 52.0), 30, speed_kmh=4.0)


def test_too_short_target():
    with pytest.raises(EcoplanError, match="between 5 and"):
        plan_loops(_square(), None, _ll(0, 0), 4)


def test_no_step_free_loop_offers_alternative():
    layers = _square(barriers={9: "stile"})
    with pytest.raises(NoStepFreeRouteError, match="No step-free loop") as info:
        plan_loops(layers, None, _ll(0, 0), 30, speed_kmh=4.0, step_free=True)
    alt = info.value.alternatives
    assert alt and not alt[0].step_free and alt[0].scores["obstacles"] >= 1


def test_no_step_free_atob_offers_alternative():
    layers = _square({4: {"highway": "steps"}, 12: {"highway": "steps"}})
    with pytest.raises(NoStepFreeRouteError) as info:
        plan_route(layers, None, _ll(0, 0), _ll(SIDE, SIDE), step_free=True)
    assert info.value.alternatives[0].scores["obstacles"] == 1


def test_step_free_failure_for_another_reason_gives_that_reason_once():
    """Issue #5: a start far from any path is not a step-free problem."""
    layers = _square(barriers={9: "stile"})
    for plan in (lambda: plan_loops(layers, None, _ll(-320, 0), 30, speed_kmh=4.0,
                                    step_free=True),
                 lambda: plan_route(layers, None, _ll(-320, 0), _ll(SIDE, SIDE),
                                    step_free=True)):
        with pytest.raises(RouteError) as info:
            plan()
        msg = str(info.value)
        assert not isinstance(info.value, NoStepFreeRouteError)
        assert "step-free" not in msg
        assert msg.startswith("The start (") and "m from the nearest walkable path" in msg
    # too long a walk for the network: the length is the reason, with or without step-free
    with pytest.raises(RouteError) as info:
        plan_loops(layers, None, _ll(0, 0), 60, speed_kmh=4.0, step_free=True)
    assert "step-free" not in str(info.value) and "too long" in str(info.value)


def test_lit_only_without_lit_paths_is_clear():
    with pytest.raises(RouteError, match="No lit paths"):
        plan_loops(_square(), None, _ll(0, 0), 30, speed_kmh=4.0, lit_only=True)


def test_unconnected_destination():
    coords = {1: (0, 0), 2: (200, 0), 3: (2000, 2000), 4: (2100, 2000)}
    layers = layers_from_segments(coords, [(1, 2), (3, 4)])
    with pytest.raises(RouteError, match="not connected"):
        plan_route(layers, None, _ll(0, 0), _ll(2050, 2000))


def test_end_beside_a_path_fragment_snaps_to_the_real_network():
    # a 40 m path fragment (nodes 9001-9002) lies 20 m from the destination; the square's
    # corner is about 63 m away: the route must end on the square, not fail as "not connected"
    frag = layers_from_segments({9001: (SIDE + 80, SIDE), 9002: (SIDE + 80, SIDE + 40)},
                                [(9001, 9002)])
    square = _square()
    layers = replace(square, ways=pd.concat([square.ways, frag.ways], ignore_index=True),
                     nodes=pd.concat([square.nodes, frag.nodes]))
    r = plan_route(layers, None, _ll(0, 0), _ll(SIDE + 60, SIDE + 20), speed_kmh=4.0)
    assert r.length_m == pytest.approx(1000, rel=0.02)


def test_residential_and_service_streets_count_as_roads_but_not_busy_roads():
    # the whole square is residential (south, east) and service (north, west) streets
    tags = {i: {"highway": "residential" if i <= 8 else "service", "name": f"Street {i // 4}"}
            for i in range(1, 17)}
    r = plan_route(_square(tags), None, _ll(0, 0), _ll(SIDE, SIDE))
    assert r.scores["share_any_road"] == pytest.approx(1.0)
    assert r.scores["share_on_roads"] == 0  # busy roads only: what the ranking penalises
    footpaths = plan_route(_square(), None, _ll(0, 0), _ll(SIDE, SIDE))
    assert footpaths.scores["share_any_road"] == 0
