"""Where ecoplan keeps caches and user data (overridable with environment variables)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir


def cache_dir() -> Path:
    """HTTP and computation caches; ``ECOPLAN_CACHE_DIR`` overrides (tests point it at tmp)."""
    return Path(os.environ.get("ECOPLAN_CACHE_DIR") or user_cache_dir("ecoplan"))


def data_dir() -> Path:
    """User data (saved plans database); ``ECOPLAN_DATA_DIR`` overrides."""
    return Path(os.environ.get("ECOPLAN_DATA_DIR") or user_data_dir("ecoplan"))


def shared_data_dir() -> Path:
    """Third-party reference data used by tests and benchmarks (``../shared/data``)."""
    env = os.environ.get("ECOPLAN_SHARED_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "data"
