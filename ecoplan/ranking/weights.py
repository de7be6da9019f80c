"""Purposes' default weights, user overrides ("calm=2,privacy=0") and normalisation.

Weights are relative importances: after overrides they are divided by their sum, so "calm=2"
means "calm counts twice as much as a weight of 1", whatever the purpose's other defaults. A
component that cannot be computed (reach without deprivation data) is dropped and the others
are renormalised — the caller reports that in its output.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ecoplan.errors import EcoplanError
from ecoplan.settings import ranking as ranking_cfg


@dataclass(frozen=True)
class Weights:
    """Normalised weights (sum 1 over ``values``) and what was dropped or changed."""

    purpose: str
    values: dict[str, float]
    dropped: tuple[str, ...] = ()  # components with a weight but no data
    overridden: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = [f"{k} {v:.0%}" for k, v in self.values.items() if v > 0]
        return ", ".join(parts)


def parse_weights(text: str | None) -> dict[str, float]:
    """``"calm=2, privacy=0.5"`` → ``{"calm": 2.0, "privacy": 0.5}`` (validated)."""
    if text is None or not str(text).strip():
        return {}
    out: dict[str, float] = {}
    for item in str(text).split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep:
            raise EcoplanError(f"weight {item!r} has no value: write it as name=number, e.g. "
                               f"calm=2 (names: {', '.join(ranking_cfg.COMPONENTS)})")
        try:
            out[key] = float(value)
        except ValueError:
            raise EcoplanError(f"weight {item!r}: {value.strip()!r} is not a number; write "
                               "name=number, e.g. calm=2") from None
    check_weights(out)
    return out


def check_weights(weights: Mapping[str, float]) -> None:
    """Unknown names, negative or non-finite values → EcoplanError naming the valid ones."""
    unknown = [k for k in weights if k not in ranking_cfg.COMPONENTS]
    if unknown:
        raise EcoplanError(f"unknown weight name(s) {', '.join(map(repr, unknown))}: use "
                           f"{', '.join(ranking_cfg.COMPONENTS)}")
    for k, v in weights.items():
        if not math.isfinite(float(v)) or float(v) < 0:
            raise EcoplanError(f"weight {k}={v}: weights must be 0 or a positive number")


def resolve_weights(purpose: str, overrides: Mapping[str, float] | None = None, *,
                    available: Iterable[str] = ranking_cfg.COMPONENTS) -> Weights:
    """The purpose's defaults, with ``overrides`` applied, restricted to ``available``
    components and normalised to sum 1."""
    key = str(purpose).strip().lower()
    if key not in ranking_cfg.PURPOSE_WEIGHTS:
        raise EcoplanError(f"unknown purpose {purpose!r}: use one of "
                           f"{', '.join(ranking_cfg.PURPOSES)}")
    overrides = dict(overrides or {})
    check_weights(overrides)
    raw = {**ranking_cfg.PURPOSE_WEIGHTS[key], **{k: float(v) for k, v in overrides.items()}}
    avail = set(available)
    dropped = tuple(k for k in ranking_cfg.COMPONENTS if raw.get(k, 0) > 0 and k not in avail)
    kept = {k: (raw.get(k, 0.0) if k in avail else 0.0) for k in ranking_cfg.COMPONENTS}
    total = sum(kept.values())
    if total <= 0:
        hint = (f" ({', '.join(dropped)} cannot be computed without deprivation data)"
                if dropped else "")
        raise EcoplanError(f"all weights are 0{hint}: give at least one positive weight, "
                           f"e.g. --weights nature=1")
    return Weights(purpose=key, values={k: v / total for k, v in kept.items()},
                   dropped=dropped, overridden=tuple(overrides))
