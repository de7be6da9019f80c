"""Numbers as a therapist reads them, and the one-line explanation of a ranked site.

Every formatter is used both to write the explanation and (in tests) to check it, so the
numbers a user reads are always the component inputs, rounded the same documented way.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

SEPARATOR = " · "


def people(x: float) -> str:
    """Whole people below 100, nearest 10 below 1,000, else two significant figures."""
    x = float(x)
    if x < 100:
        return f"{round(x):,}"
    if x < 1000:
        return f"{round(x, -1):,.0f}"
    digits = -int(math.floor(math.log10(x))) + 1
    return f"{round(x, digits):,.0f}"


def pct(share: float) -> str:
    """A share 0..1 as a whole percentage ("62 %"). "0 %" and "100 %" are kept for none and
    all: a sliver reads "<1 %" and almost all ">99 %", so "0 % natural cover (lake, scrub)"
    never names cover it says is not there."""
    s = float(share)
    whole = round(s * 100)
    if whole == 0 and s > 0:
        return "<1 %"
    if whole == 100 and s < 1:
        return ">99 %"
    return f"{whole:d} %"


def metres(m: float) -> str:
    """Nearest 10 m below 1 km, else km to one decimal ("120 m", "1.7 km")."""
    m = float(m)
    if m < 1000:
        return f"{round(m, -1):.0f} m"
    return f"{m / 1000:.1f} km"


def hectares(ha: float) -> str:
    ha = float(ha)
    return f"{ha:.1f} ha" if ha < 10 else f"{ha:,.0f} ha"


def density(x: float) -> str:
    """Two significant figures below 10 ("0.12", "3.4"), else whole numbers."""
    x = float(x)
    return f"{x:.2g}" if x < 10 else f"{x:.0f}"


def count(n: int, one: str, many: str | None = None) -> str:
    n = int(n)
    return f"{n} {one if n == 1 else (many or one + 's')}"


def display_name(name: str | None, site_id: str, categories: str = "") -> str:
    """The site's name, or "unnamed coast (w123-2)" so unnamed pieces can still be told apart."""
    if name:
        return str(name)
    first = str(categories or "").split(";")[0] or "site"
    return f"unnamed {first.replace('_', ' ')} ({site_id})"


def combine(scores: pd.DataFrame, whys: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Per site: the phrases of the weighted components, biggest contribution first."""
    comps = [c for c, w in weights.items() if w > 0 and c in scores.columns]
    if not comps:
        return pd.Series("", index=scores.index)
    contrib = scores[comps].to_numpy(dtype=float) * np.array([weights[c] for c in comps])
    order = np.argsort(-contrib, axis=1, kind="stable")
    why = whys[[f"why_{c}" for c in comps]].to_numpy(dtype=object)
    lines = [_once([why[i, j] for j in order[i] if why[i, j]]) for i in range(len(scores))]
    return pd.Series(lines, index=scores.index)


#: ", " between the phrases of one component, not inside brackets ("cover (lake, scrub)").
_PHRASES = re.compile(r", (?![^(]*\))")


def _once(parts: list[str]) -> str:
    """Components' phrases joined, each said once: two components may note the same fact
    ("no mapped paths inside" under both accessibility and paths)."""
    seen: set[str] = set()
    out = []
    for part in parts:
        bits = [b for b in _PHRASES.split(part) if b not in seen]
        seen.update(bits)
        if bits:
            out.append(", ".join(bits))
    return SEPARATOR.join(out)
