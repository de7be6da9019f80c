"""Loop walks from a start point for a target time: candidate triangles, scored, diverse.

Method (a network version of the GraphHopper "round trip" idea, fitted to exact lengths):

1. **Costs.** Every edge costs ``length × factor``: the factor rises for length outside green
   or blue space and for busy roads (:mod:`ecoplan.routes.network`); ``avoid_roads`` makes
   busy roads ~25× dearer (used only where no other way exists — a bridge or a crossing — and
   the share left is reported); ``lit_only`` drops unlit edges; ``step_free`` plans on the
   step-free graph (no steps, rough paths, stiles, kissing gates or turnstiles). With
   ``preferences=False`` the cost is the plain length — the honest "shortest loop" baseline.
2. **Turning point A.** One Dijkstra from the start S on the costs gives the cheapest tree;
   the *length* along that tree is measured exactly (a second Dijkstra on the tree's edges).
   Around S we take ``LOOP_HEADINGS`` compass sectors and in each pick the node whose tree
   length is about ``LOOP_LEG_SHARE`` of the target and whose cost per metre is lowest — the
   most pleasant way out in that direction. Turning points must lie on a cycle of the network
   (a 2-edge-connected block holding at least ``LOOP_MIN_BLOCK_SHARE`` of the target): a node
   on a dead end or a pier can only be left the way one came.
3. **Turning point B, exact length.** Edges of S→A are made ``RETRACE_FACTOR`` times dearer;
   one Dijkstra from A (A→B leg) and one from S (the return B→S, reversed — the graph is
   symmetric) on those costs give, for every node B, the exact loop length
   ``len(S→A) + len(A→B) + len(B→S)``. Among junctions whose loop length is within a quarter of
   the tolerance of the target (and on a cycle) we keep the cheapest per metre on each side of
   the S–A line.
4. **Clean-up.** Immediate back-and-forth spurs (x → y → x) are cut from the loop. When
   that leaves it far too short (from a start on a dead end the legs retrace each other) the
   whole walk is kept instead, offered only when no loop fits: an out-and-back walk, which
   the outputs call so.
5. **Score.** Each loop is measured (:mod:`ecoplan.routes.scoring`): green/blue share, share
   on busy roads, retraced share, length error, toilets and benches passed, obstacles. Loops
   outside ±``LENGTH_TOLERANCE`` are dropped; the rest are ranked by the weighted score and
   the best ``n_alternatives`` that share at most ``ALTERNATIVE_MAX_OVERLAP`` of their length
   are returned. If too few fit, the leg share is retried at ¼ and 0.4 of the target.

Cost: about 1 + 2 × ``LOOP_HEADINGS`` Dijkstra passes (plus cheap tree passes) per attempt,
~0.5 s on the 48,000-node Isle of Wight graph.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from ecoplan.access.speeds import metres, resolve_speed
from ecoplan.errors import EcoplanError
from ecoplan.osm.layers import OsmLayers
from ecoplan.routes.model import Route
from ecoplan.routes.network import (
    NoStepFreeRouteError,
    RouteError,
    RouteNetwork,
    snap_start,
)
from ecoplan.routes.planner import RoutePlanner, make_route
from ecoplan.routes.scoring import measure, overlap_share, score
from ecoplan.settings import routes as routes_cfg
from ecoplan.sites.build import Sites


class NoLoopFitsError(RouteError):
    """Loops were found around the start but none of the asked length; ``head`` says so
    without advice, for a caller that knows better advice (a length that works)."""

    def __init__(self, message: str, head: str) -> None:
        super().__init__(message)
        self.head = head


@dataclass(frozen=True)
class Candidate:
    """One scored loop: node rows (closed: first == last), its edge rows, measures, score."""

    path: np.ndarray
    rows: np.ndarray
    metrics: dict[str, float]
    score: float


def plan_loops(layers: OsmLayers, sites: Sites | None, start_lonlat: tuple[float, float],
               minutes_: float, *,
               speed_kmh: float | str | None = None, step_free: bool = False,
               lit_only: bool = False, avoid_roads: bool = False, n_alternatives: int = 3,
               preferences: bool = True, planner: RoutePlanner | None = None,
               start_name: str = "Start", title: str = "",
               suggest_minutes: bool = True) -> list[Route]:
    """Up to ``n_alternatives`` loop walks of about ``minutes_`` from ``start_lonlat`` (lon, lat).

    ``suggest_minutes``: when no loop of this length fits, try a few other walk times to name
    one that works in the error (up to ``LOOP_PROBE_TRIES`` more searches; a programme
    builder trying many sites turns it off).

    ``layers``/``sites`` are the OSM layers and the ``build_sites`` result (or None);
    pass a :class:`RoutePlanner` to reuse its prepared networks between calls. Raises
    :class:`RouteError` (an ``EcoplanError``) with a message for the user when no loop fits,
    and :class:`NoStepFreeRouteError` — carrying ``alternatives`` that are not step-free —
    when only a step-free loop was impossible.
    """
    speed = resolve_speed(speed_kmh)
    check_loop_minutes(minutes_)
    if n_alternatives < 1:
        raise ValueError("n_alternatives must be at least 1")
    planner = planner or RoutePlanner(layers, sites)
    target = float(metres(float(minutes_), speed))
    lon, lat = float(start_lonlat[0]), float(start_lonlat[1])
    kw = dict(lit_only=lit_only, avoid_roads=avoid_roads, preferences=preferences)
    min_m = float(metres(routes_cfg.MIN_LOOP_MINUTES, speed))
    try:
        net = planner.network(step_free=step_free)
        cands = (_find_or_advise(net, (lon, lat), float(minutes_), speed, n_alternatives,
                                 dict(kw, min_m=min_m)) if suggest_minutes
                 else find_loops(net, (lon, lat), target, n=n_alternatives, min_m=min_m, **kw))
    except RouteError as err:
        if not step_free:
            raise
        reason = str(err)
        try:
            net = planner.network(step_free=False)
            alt = find_loops(net, (lon, lat), target, n=n_alternatives, min_m=min_m, **kw)
        except EcoplanError as plain:
            # Not step-free's fault: the same request fails without it; say why, once (#5)
            # (the step-free advice when both found loops of other lengths: it fits the ask).
            if isinstance(err, NoLoopFitsError) and isinstance(plain, NoLoopFitsError):
                raise err from None
            raise RouteError(str(plain)) from err
        routes = [make_route(net, c.path, c.metrics, speed=speed, start_name=start_name,
                             title=title, is_loop=True) for c in alt]
        best = routes[0]
        raise NoStepFreeRouteError(
            f"No step-free loop of {float(minutes_):g} min from here ({_lower(reason)}). The "
            f"best loop with obstacles is {best.length_m / 1000:.1f} km with "
            f"{best.scores['obstacles']:.0f} steps/stile/kissing-gate segments: re-run "
            "without step-free to use it, or choose another start.", routes,
        ) from err
    return [make_route(net, c.path, c.metrics, speed=speed, start_name=start_name, title=title,
                       is_loop=True) for c in cands]


def check_loop_minutes(minutes_: float) -> None:
    """Refuse a walk time we do not plan (NaN and infinity included), before any slow work."""
    m = float(minutes_)
    if not routes_cfg.MIN_LOOP_MINUTES <= m <= routes_cfg.MAX_LOOP_MINUTES:
        raise RouteError(
            f"A loop of {m:g} minutes is outside what we plan: choose between "
            f"{routes_cfg.MIN_LOOP_MINUTES:g} and {routes_cfg.MAX_LOOP_MINUTES:g} minutes.")


def _find_or_advise(net: RouteNetwork, start: tuple[float, float], minutes_: float,
                    speed: float, n: int, kw: dict) -> list[Candidate]:
    """:func:`find_loops`; when loops exist but none of this length, the nearest other walk
    time (settings LOOP_PROBE_MINUTES) that gives one is named in the error (issue #1)."""
    try:
        return find_loops(net, start, float(metres(minutes_, speed)), n=n, **kw)
    except NoLoopFitsError as err:
        other = _working_minutes(net, start, minutes_, speed, kw)
        if other is None:
            raise
        m, km = other
        raise NoLoopFitsError(f"{err.head}: a {m:g}-minute loop ({km:.1f} km) works from "
                              "here; choose that, or another start.", err.head) from err


def _working_minutes(net: RouteNetwork, start: tuple[float, float], minutes_: float,
                     speed: float, kw: dict) -> tuple[float, float] | None:
    """(minutes, km) of the nearest probe walk time with a loop that fits, or None."""
    probes = sorted((m for m in routes_cfg.LOOP_PROBE_MINUTES
                     if abs(m - minutes_) > routes_cfg.LENGTH_TOLERANCE * minutes_),
                    key=lambda m: abs(np.log(m / minutes_)))
    for m in probes[:routes_cfg.LOOP_PROBE_TRIES]:
        try:
            found = find_loops(net, start, float(metres(m, speed)), n=1, **kw)
        except RouteError:
            continue
        return float(m), found[0].metrics["length_m"] / 1000
    return None


def _lower(text: str) -> str:
    text = text.rstrip(".")
    return text[:1].lower() + text[1:]


def find_loops(net: RouteNetwork, start_lonlat: tuple[float, float], target_m: float, *,
               n: int = 3, lit_only: bool = False, avoid_roads: bool = False,
               preferences: bool = True, min_m: float = 0.0) -> list[Candidate]:
    """The best ``n`` diverse loop candidates of about ``target_m`` (see module docstring).
    ``min_m``: the shortest loop worth naming in a failure message."""
    cost = net.edge_costs(preferences=preferences, avoid_roads=avoid_roads, lit_only=lit_only)
    usable = _usable_nodes(net, cost)
    if not usable.any():
        raise RouteError("No lit paths in the data: plan without the lit-only option."
                         if lit_only else "No usable paths in the data.")
    s, _snap = snap_start(net, *start_lonlat, allowed=usable,
                          kind="lit" if lit_only else "walkable",
                          min_component_m=target_m * (1 - routes_cfg.LENGTH_TOLERANCE))
    costm = net.cost_matrix(cost)
    d_s, pred_s = dijkstra(costm, indices=s, return_predecessors=True)
    reach = np.isfinite(d_s)
    length = net.length
    e_reach = reach[net.graph.edges["u_idx"].to_numpy()] & np.isfinite(cost)
    total = float(length[e_reach].sum())
    what = "lit paths" if lit_only else "paths"
    if total < target_m * (1 - routes_cfg.LENGTH_TOLERANCE):
        raise RouteError(
            f"The target is too long for the network: the {what} connected to the start "
            f"total only {total / 1000:.1f} km, so the longest possible loop is under "
            f"{total / 1000:.1f} km; choose a shorter walk or another start."
        )
    len_s = _tree_lengths(net, pred_s, s)
    labels, block_len = net.loop_core(np.isfinite(cost), f"lit={lit_only}")
    junction = (labels >= 0) & reach
    junction[junction] = block_len[labels[junction]] >= routes_cfg.LOOP_MIN_BLOCK_SHARE * target_m
    cands: list[Candidate] = []
    for share in (routes_cfg.LOOP_LEG_SHARE, 0.25, 0.4):
        cands += _candidates(net, cost, s, (d_s, pred_s, len_s), junction, target_m, share,
                             preferences)
        # only loops end the search early: walks kept whole are the last resort
        good = [c for c in cands if c.metrics["length_error"] <= routes_cfg.LENGTH_TOLERANCE
                and not _kept_whole(c)]
        if len(_diverse(net, good, n)) >= n:
            break
    good = [c for c in cands if c.metrics["length_error"] <= routes_cfg.LENGTH_TOLERANCE]
    good = [c for c in good if not _kept_whole(c)] or good  # whole walks when no loop fits
    if not good:
        raise NoLoopFitsError(_no_loop_message(cands, target_m, what, min_m),
                              f"No loop within ±{routes_cfg.LENGTH_TOLERANCE:.0%} of "
                              f"{target_m / 1000:.1f} km on the {what} around the start")
    return _diverse(net, good, n)


def _no_loop_message(cands: list[Candidate], target_m: float, what: str, min_m: float) -> str:
    """Why no loop fits, naming only lengths a user can ask for (issue #1): the loops found
    that are at least ``min_m`` long (the shortest walk we plan), never "0.0–0.0 km"."""
    lens = sorted(c.metrics["length_m"] for c in cands if c.metrics["length_m"] >= min_m)
    head = (f"No loop within ±{routes_cfg.LENGTH_TOLERANCE:.0%} of {target_m / 1000:.1f} km "
            f"on the {what} around the start")
    if not lens:
        return f"{head}: try another start."
    return (f"{head} (loops found: {lens[0] / 1000:.1f}–{lens[-1] / 1000:.1f} km): choose a "
            "walk length in that range or another start.")


def _usable_nodes(net: RouteNetwork, cost: np.ndarray) -> np.ndarray:
    edges = net.graph.edges
    ok = np.isfinite(cost)
    out = np.zeros(net.graph.n_nodes, dtype=bool)
    out[edges["u_idx"].to_numpy()[ok]] = True
    out[edges["v_idx"].to_numpy()[ok]] = True
    return out


def _tree_lengths(net: RouteNetwork, pred: np.ndarray, root: int) -> np.ndarray:
    """Length (m) from ``root`` along the predecessor tree to every node (inf if unreached)."""
    child = np.flatnonzero(pred >= 0)
    par = pred[child]
    rows = np.asarray(net.graph.edge_lookup[par, child], dtype=np.int64) - 1
    n = net.graph.n_nodes
    tree = csr_array((net.length[rows], (par, child)), shape=(n, n))
    return dijkstra(tree, directed=True, indices=root)


def _path(pred: np.ndarray, root: int, node: int) -> list[int]:
    out = [node]
    while out[-1] != root:
        p = int(pred[out[-1]])
        if p < 0:
            raise ValueError("node not reached from root")
        out.append(p)
    out.reverse()
    return out


def _cut_spurs(path: list[int]) -> list[int]:
    """Remove immediate back-and-forth (x → y → x becomes x), keeping start and end."""
    stack: list[int] = []
    for node in path:
        if len(stack) >= 2 and stack[-2] == node and len(stack) > 2:
            stack.pop()
            continue
        stack.append(node)
    return stack


def _candidates(net: RouteNetwork, cost: np.ndarray, s: int,
                tree: tuple[np.ndarray, np.ndarray, np.ndarray], junction: np.ndarray,
                target: float, share: float, preferences: bool) -> list[Candidate]:
    d_s, pred_s, len_s = tree
    g = net.graph
    xy = g.xy
    rel = xy - xy[s]
    ang = np.arctan2(rel[:, 1], rel[:, 0])
    leg = share * target
    band = junction & (len_s >= 0.8 * leg) & (len_s <= 1.2 * leg) & np.isfinite(len_s)
    if not band.any():
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(len_s > 0, d_s / np.maximum(len_s, 1e-9), np.inf)
    headings = routes_cfg.LOOP_HEADINGS
    sector = ((ang + np.pi) / (2 * np.pi) * headings).astype(int) % headings
    out: list[Candidate] = []
    for k in range(routes_cfg.LOOP_HEADINGS):
        pick = np.flatnonzero(band & (sector == k))
        if len(pick) == 0:
            continue
        a = int(pick[np.argmin(ratio[pick])])
        out += _loops_via(net, cost, s, a, pred_s, target, ang, preferences, junction)
    return out


def _loops_via(net: RouteNetwork, cost: np.ndarray, s: int, a: int, pred_s: np.ndarray,
               target: float, ang: np.ndarray, preferences: bool,
               turnable: np.ndarray) -> list[Candidate]:
    """Loops S → A → B → S for the best B on each side of the S–A line."""
    leg1 = _path(pred_s, s, a)
    used = net.graph.edge_rows(np.asarray(leg1))
    pen = cost.copy()
    pen[used] *= routes_cfg.RETRACE_FACTOR
    costm = net.cost_matrix(pen)
    d = dijkstra(costm, indices=[a, s], return_predecessors=True)
    (d_a, d_r), (pred_a, pred_r) = d
    len_a = _tree_lengths(net, pred_a, a)
    len_r = _tree_lengths(net, pred_r, s)
    len1 = float(net.length[used].sum())
    est = len1 + len_a + len_r
    tol = routes_cfg.LENGTH_TOLERANCE / 4
    ok = turnable & np.isfinite(est) & (np.abs(est - target) <= tol * target)
    ok[s] = ok[a] = False
    ok[leg1] = False
    if not ok.any():
        return []
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = (d_a + d_r) / np.maximum(len_a + len_r, 1e-9)
    side = np.sin(ang - ang[a]) >= 0
    out = []
    for mask in (ok & side, ok & ~side):
        pick = np.flatnonzero(mask)
        if len(pick) == 0:
            continue
        b = int(pick[np.argmin(ratio[pick])])
        leg2 = _path(pred_a, a, b)
        leg3 = _path(pred_r, s, b)[::-1]
        cand = _loop_candidate(net, leg1 + leg2[1:] + leg3[1:], target, preferences)
        if cand is not None:
            out.append(cand)
    return out


def _loop_candidate(net: RouteNetwork, walk: list[int], target: float,
                    preferences: bool) -> Candidate | None:
    """The walk S→A→B→S with its back-and-forth spurs cut, measured. When cutting leaves it
    far too short — from a start on a dead end the legs retrace each other, and 80-node walks
    became 21 m "loops" (issue #1) — the walk is kept whole: an out-and-back walk of the
    right length, which the outputs call so (settings OUT_AND_BACK_SHARE)."""
    loop = _cut_spurs(walk)
    if len(loop) < 3 or loop[0] != loop[-1]:
        return None
    cand = _measured(net, loop, target, preferences)
    if cand.metrics["length_error"] > routes_cfg.LENGTH_TOLERANCE and len(walk) > len(loop):
        whole = _measured(net, walk, target, preferences)
        if whole.metrics["length_error"] <= routes_cfg.LENGTH_TOLERANCE:
            return whole
    return cand


def _kept_whole(c: Candidate) -> bool:
    """A walk kept with its back-and-forth spurs (:func:`_loop_candidate`): offered only when
    no loop fits."""
    return len(_cut_spurs(c.path.tolist())) < len(c.path)


def _measured(net: RouteNetwork, nodes: list[int], target: float,
              preferences: bool) -> Candidate:
    path = np.asarray(nodes, dtype=np.int64)
    m = measure(net, path, target)
    return Candidate(path, net.graph.edge_rows(path), m, score(m, preferences=preferences))


def _diverse(net: RouteNetwork, cands: list[Candidate], n: int) -> list[Candidate]:
    """Best-scoring candidates that overlap each other by at most ALTERNATIVE_MAX_OVERLAP."""
    ranked = sorted(cands, key=lambda c: -c.score)
    chosen: list[Candidate] = []
    for c in ranked:
        if all(overlap_share(net, c.rows, o.rows) <= routes_cfg.ALTERNATIVE_MAX_OVERLAP
               for o in chosen):
            chosen.append(c)
        if len(chosen) == n:
            break
    return chosen


__all__ = ["Candidate", "plan_loops", "find_loops"]
