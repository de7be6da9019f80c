"""Typed weight tables: a score made of named parts whose weights sum to 1.

A weight read as ``p["natural"]`` fails only when that line runs; as ``p.natural`` a typo is a
mypy error, and a table whose parts stop summing to 1 fails at import.
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass


@dataclass(frozen=True)
class Parts:
    """Base of the frozen parts tables (subclasses declare one float field per part)."""

    def __post_init__(self) -> None:
        total = math.fsum(float(v) for v in astuple(self))
        if not math.isclose(total, 1.0):
            raise ValueError(f"{type(self).__name__}: parts sum to {total:g}, not 1")
