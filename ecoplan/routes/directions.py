"""Short turn-by-turn directions for a node path: names, turns, landmarks, distances.

Consecutive edges with the same name (or, unnamed, the same kind of way — "footpath",
"track", "bridleway") merge into one step; unnamed stretches shorter than
``DIRECTIONS_MIN_STEP_M`` (a link across a road) fold into the next step. The turn at each
change comes from the bearings over ``TURN_BEARING_SPAN_M`` before and after the junction, so
a kink mapped right at the junction does not read as a turn. Landmarks passed during a step
(toilets, named site entrances, benches) are mentioned in it. Text is plain (OSM names are
untrusted): whoever shows it in HTML must escape it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecoplan.routes.model import Step
from ecoplan.settings import routes as routes_cfg

_COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west",
            "north-west")


@dataclass
class _Seg:
    key: str  # what merges: the name, or the generic label
    label: str  # text: "Esplanade", "the footpath"
    first: int  # path index where it starts
    last: int  # path index where it ends
    length: float


def edge_labels(edges: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(merge key, display label) of each edge row: its name, ref (after its kind on a path:
    "footpath A20"), or kind of way."""
    name = edges["name"].fillna("").astype(str).str.strip()
    ref = (edges["ref"].fillna("").astype(str).str.strip() if "ref" in edges
           else pd.Series("", index=edges.index))
    hw = edges["highway"].fillna("").astype(str)
    generic = hw.map(routes_cfg.UNNAMED_LABELS).fillna("road").astype(str)
    key = np.where(name != "", name, np.where(ref != "", ref, "~" + generic))
    # a footpath's rights-of-way code alone ("A20") reads as a main road: name the kind too
    path_ref = hw.isin(routes_cfg.REF_WITH_KIND_HIGHWAYS)
    refs = np.where(path_ref, generic + " " + ref, ref)
    label = np.where(name != "", name, np.where(ref != "", refs, "the " + generic))
    return key.astype(object), label.astype(object)


def step_distance(m: float, space: str = " ") -> str:
    """A step's distance as every output prints it (terminal, PDF, app), so they agree
    (issue #8): exact metres under 10 m, then to 10 m, then km to 0.1; "" under 0.5 m
    (which rounds to nothing)."""
    if not m or not np.isfinite(m) or m < 0.5:
        return ""
    if m < 10:
        return f"{m:.0f}{space}m"
    if m < 1000:
        return f"{round(m / 10) * 10:.0f}{space}m"
    return f"{m / 1000:.1f}{space}km"


def directions(net, path: np.ndarray, *, is_loop: bool = False) -> list[Step]:
    """Steps for ``path`` (node rows of ``net.graph``), ending with the arrival."""
    path = np.asarray(path, dtype=np.int64)
    if len(path) < 2:
        return []
    g = net.graph
    rows = g.edge_rows(path)
    key_all, label_all = edge_labels(g.edges)
    keys, labels = key_all[rows], label_all[rows]
    lengths = net.length[rows]
    segs = _merge(keys, labels, lengths)
    segs = _fold_short(segs)
    passed = net.landmarks.passed(path)
    steps: list[Step] = []
    for i, seg in enumerate(segs):
        if i == 0:
            head = _compass(_bearing(g.xy, path, seg.first, seg.last, forward=True))
            text = f"Start on {seg.label} heading {head}"
        else:
            prev = segs[i - 1]
            b_in = _bearing(g.xy, path, prev.first, prev.last, forward=False)
            b_out = _bearing(g.xy, path, seg.first, seg.last, forward=True)
            text = f"{_turn(b_out - b_in)} onto {seg.label}"
        extra = _landmark_text(passed, seg.first, seg.last)
        if extra:
            text += f"; {extra}"
        steps.append(Step(text, float(seg.length)))
    end = "Arrive back at the start" if is_loop else "Arrive at the destination"
    steps.append(Step(end, 0.0))
    return steps


def _merge(keys: np.ndarray, labels: np.ndarray, lengths: np.ndarray) -> list[_Seg]:
    segs: list[_Seg] = []
    for i, (k, lab, ln) in enumerate(zip(keys, labels, lengths, strict=True)):
        if segs and segs[-1].key == k:
            segs[-1].last = i + 1
            segs[-1].length += float(ln)
        else:
            segs.append(_Seg(str(k), str(lab), i, i + 1, float(ln)))
    return segs


def _fold_short(segs: list[_Seg]) -> list[_Seg]:
    """Fold short stretches between two parts of the same way into it, short unnamed
    stretches and very short named ones (a way's end across a junction, issue #8) into the
    next step; re-merge equal neighbours."""
    sandwiched: list[_Seg] = []
    for i, seg in enumerate(segs):
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if (sandwiched and nxt is not None and seg.length < routes_cfg.DIRECTIONS_MIN_STEP_M
                and sandwiched[-1].key == nxt.key):
            sandwiched[-1].last = seg.last
            sandwiched[-1].length += seg.length
            continue
        if sandwiched and sandwiched[-1].key == seg.key:
            sandwiched[-1].last = seg.last
            sandwiched[-1].length += seg.length
            continue
        sandwiched.append(_Seg(seg.key, seg.label, seg.first, seg.last, seg.length))
    segs = sandwiched
    out: list[_Seg] = []
    carry: _Seg | None = None
    for seg in segs:
        if carry is not None:
            seg = _Seg(seg.key, seg.label, carry.first, seg.last, seg.length + carry.length)
            carry = None
        short = (seg.length < routes_cfg.DIRECTIONS_MIN_STEP_M and seg.key.startswith("~")
                 or seg.length < routes_cfg.DIRECTIONS_MIN_NAMED_STEP_M)
        if short and seg is not segs[-1]:
            carry = seg
            continue
        if out and out[-1].key == seg.key:
            out[-1].last = seg.last
            out[-1].length += seg.length
        else:
            out.append(seg)
    if carry is not None:  # pragma: no cover - the last segment is never carried
        out.append(carry)
    return out


def _bearing(xy: np.ndarray, path: np.ndarray, first: int, last: int, *,
             forward: bool) -> float:
    """Compass bearing (degrees) over up to TURN_BEARING_SPAN_M of path[first..last], from the
    start (``forward``) or towards the end."""
    pts = xy[path[first:last + 1]]
    if not forward:
        pts = pts[::-1]
    step = np.hypot(*(pts[1:] - pts[:-1]).T)
    cum = np.concatenate([[0.0], np.cumsum(step)])
    j = int(np.searchsorted(cum, routes_cfg.TURN_BEARING_SPAN_M))
    j = min(max(j, 1), len(pts) - 1)
    d = pts[j] - pts[0]
    if not forward:
        d = -d
    return float(np.degrees(np.arctan2(d[0], d[1])) % 360)


def _compass(bearing: float) -> str:
    return _COMPASS[int(((bearing % 360) + 22.5) // 45) % 8]


def _turn(delta: float) -> str:
    d = (delta + 180.0) % 360.0 - 180.0  # right turns are positive (bearings run clockwise)
    side = "right" if d > 0 else "left"
    a = abs(d)
    if a <= routes_cfg.TURN_STRAIGHT_DEG:
        return "Continue"
    if a <= routes_cfg.TURN_SLIGHT_DEG:
        return f"Bear {side}"
    if a <= routes_cfg.TURN_BACK_DEG:
        return f"Turn {side}"
    return f"Turn sharp {side}"


def _landmark_text(passed: pd.DataFrame, first: int, last: int) -> str:
    """'pass toilets; enter Ryde Sands' for landmarks first reached within this step."""
    if passed.empty:
        return ""
    here = passed[(passed["pos"] >= first) & (passed["pos"] < max(last, first + 1))]
    bits: list[str] = []
    entered: set[str] = set()
    for row in here.itertuples(index=False):
        if row.kind == "toilets" and not any(b.startswith("pass toilets") for b in bits):
            bits.append("pass toilets" + (f" ({row.name})" if row.name else ""))
        elif row.kind == "entrance" and row.name and row.name not in entered:
            entered.add(row.name)
            bits.append(f"by {row.name}")
    benches = int((here["kind"] == "bench").sum())
    if benches:
        bits.append("bench" if benches == 1 else f"{benches} benches")
    return "; ".join(bits[:3])
