"""Recorded Open-Meteo responses, and copies moved into the future for planning tests.

Plans refuse sessions in the past, and the recorded responses are from 2021 and 2026. A test
that plans with one moves every time in a copy (hourly, daily, current, sunrise/sunset) forward
by whole 52-week steps — same season, same weekday, values untouched — and asks the helper which
calendar day a recorded day became.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from ecoplan.settings import paths

BERLIN = "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json"
NL = "open-meteo_forecast_netherlands_2026-10-03_dry-calm_cropped.json"


def recorded(name: str) -> dict:
    p = paths.shared_data_dir() / "weather" / name
    if not p.is_file():
        pytest.skip(f"recorded forecast {name} not available in shared data")
    return json.loads(p.read_text(encoding="utf-8"))


def weeks_ahead(first_day: date, today: date | None = None, min_days: int = 7) -> int:
    """Days (a multiple of 364) that move ``first_day`` at least ``min_days`` past today."""
    today = today or date.today()
    need = (today - first_day).days + min_days
    return 364 * max(0, math.ceil(need / 364))


def _move(value: str, days: int) -> str:
    fmt = "%Y-%m-%dT%H:%M" if "T" in value else "%Y-%m-%d"
    return (datetime.strptime(value, fmt) + timedelta(days=days)).strftime(fmt)


def shifted(raw: dict, days: int) -> dict:
    """A copy of a response with every time moved ``days`` days (values untouched)."""
    data = copy.deepcopy(raw)
    for section in ("hourly", "daily"):
        block = data.get(section) or {}
        for key in ("time", "sunrise", "sunset"):
            if isinstance(block.get(key), list):
                block[key] = [_move(t, days) if isinstance(t, str) else t for t in block[key]]
    if isinstance(data.get("current"), dict) and isinstance(data["current"].get("time"), str):
        data["current"]["time"] = _move(data["current"]["time"], days)
    return data


class Future:
    """A recorded response moved into the future, written to ``path``."""

    def __init__(self, name: str, folder: Path) -> None:
        raw = recorded(name)
        self.first = date.fromisoformat(raw["hourly"]["time"][0][:10])
        self.days = weeks_ahead(self.first)
        self.raw = shifted(raw, self.days)
        self.path = folder / f"future-{name}"
        self.path.write_text(json.dumps(self.raw), encoding="utf-8")

    def day(self, recorded_day: str) -> str:
        """The ISO date a recorded day (e.g. '2021-11-25') became."""
        return (date.fromisoformat(recorded_day) + timedelta(days=self.days)).isoformat()
