"""Walking speed: named profiles (docs/architecture.md#access-standards) or a number, and
metres → minutes."""

from __future__ import annotations

import math

import numpy as np

from ecoplan.errors import EcoplanError
from ecoplan.settings import network as network_cfg


def resolve_speed(profile_or_number: str | float | int | None = None) -> float:
    """A walking speed in km/h from a preset name ('default', 'frail', …) or a number.

    ``None`` gives the planning default (4.8 km/h). Numbers (or numeric strings such as
    "3.5") must lie in ``MIN_SPEED_KMH..MAX_SPEED_KMH``.
    """
    if profile_or_number is None:
        return network_cfg.DEFAULT_SPEED_KMH
    value: float
    if isinstance(profile_or_number, str):
        key = profile_or_number.strip().lower().replace("_", "-").replace(" ", "-")
        if key in network_cfg.SPEED_PRESETS_KMH:
            return network_cfg.SPEED_PRESETS_KMH[key]
        try:
            value = float(key)
        except ValueError:
            names = ", ".join(f"{k} ({v} km/h)" for k, v in network_cfg.SPEED_PRESETS_KMH.items())
            raise EcoplanError(
                f"Unknown walking speed profile {profile_or_number!r}: use one of {names}, "
                "or a number of km/h."
            ) from None
    elif isinstance(profile_or_number, bool):
        raise EcoplanError("Walking speed must be a profile name or a number of km/h.")
    else:
        value = float(profile_or_number)
    low, high = network_cfg.MIN_SPEED_KMH, network_cfg.MAX_SPEED_KMH
    if not math.isfinite(value) or not low <= value <= high:
        raise EcoplanError(
            f"Walking speed {profile_or_number!r} km/h is out of range: give a speed between "
            f"{network_cfg.MIN_SPEED_KMH} and {network_cfg.MAX_SPEED_KMH} km/h."
        )
    return value


def minutes(dist_m: float | np.ndarray, speed_kmh: float) -> float | np.ndarray:
    """Walking minutes for a distance in metres (inf stays inf, NaN stays NaN)."""
    if not speed_kmh > 0:
        raise ValueError("speed_kmh must be positive")
    out = np.asarray(dist_m, dtype=float) * (60.0 / (1000.0 * speed_kmh))
    return float(out) if out.ndim == 0 else out


def metres(minutes_: float | np.ndarray, speed_kmh: float) -> float | np.ndarray:
    """Distance in metres walked in the given minutes (the inverse of :func:`minutes`)."""
    if not speed_kmh > 0:
        raise ValueError("speed_kmh must be positive")
    out = np.asarray(minutes_, dtype=float) * (1000.0 * speed_kmh / 60.0)
    return float(out) if out.ndim == 0 else out
