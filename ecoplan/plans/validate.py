"""Checks a forecast and a session must pass before any rule reads them.

Why a separate step: a rule that reads ``inf`` gusts or a forecast for Berlin would give a
confident verdict for the wrong reason. Every value is checked against its physical range
(``settings.weather.PHYSICAL_RANGES``) and every JSON document against the Open-Meteo shape and
a size cap before use; a forecast for another place, or a session in the past, is refused with
one line saying what to do. Nothing is clipped or guessed.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.settings import plans as pcfg
from ecoplan.settings import weather as weather_cfg

#: Plain words for each forecast variable, for messages a leader reads.
VARIABLE_WORDS: dict[str, str] = {
    "temperature_2m": "temperature", "apparent_temperature": "feels-like temperature",
    "precipitation": "rain amount", "precipitation_probability": "chance of rain",
    "wind_speed_10m": "wind speed", "wind_gusts_10m": "gusts", "uv_index": "UV index",
    "weather_code": "weather type (thunder, fog, snow)", "is_day": "daylight flag",
}


def words(variables: list[str] | tuple[str, ...]) -> str:
    return ", ".join(VARIABLE_WORDS.get(v, v) for v in variables)


# --- JSON documents ---------------------------------------------------------------------------


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number")


def load_json(payload: bytes | str, what: str, error_cls: type[EcoplanError]) -> Any:
    """Parse a forecast JSON document: size-capped, no NaN/Infinity, bounded nesting."""
    size = len(payload.encode("utf-8") if isinstance(payload, str) else payload)
    if size > weather_cfg.MAX_FORECAST_BYTES:
        raise error_cls(f"{what} is {size / 1e6:.1f} MB, over the "
                        f"{weather_cfg.MAX_FORECAST_BYTES / 1e6:.0f} MB limit for a forecast; save "
                        "only the Open-Meteo response")
    if isinstance(payload, bytes):
        try:
            payload = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise error_cls(f"{what} is not UTF-8 text; save the Open-Meteo response "
                            "again") from None
    try:
        return json.loads(payload, parse_constant=_no_constant)
    except RecursionError:
        raise error_cls(f"{what} is nested too deeply to be a forecast; save the Open-Meteo "
                        "response again") from None
    except ValueError as err:  # JSONDecodeError is a ValueError; so are NaN/Infinity
        raise error_cls(f"{what} is not valid JSON ({str(err).split(':')[0]}); save the "
                        "Open-Meteo response again") from None


def _show(v: Any) -> str:
    """A value as JSON would write it, cut short (it may be hostile or huge)."""
    try:
        text = json.dumps(v, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(v: Any) -> bool:
    """A JSON number that fits a float (JSON integers can be arbitrarily long)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return False
    try:
        float(v)
    except OverflowError:
        return False
    return True


def check_schema(data: Any, error_cls: type[EcoplanError]) -> None:
    """The parts of an Open-Meteo response we read have the right types and sizes."""
    if not isinstance(data, dict):
        raise error_cls("forecast is not a JSON object; fetch again or enter conditions by hand")
    for key in ("latitude", "longitude"):
        v = data.get(key)
        lim = 90 if key == "latitude" else 180
        if v is not None and not (_is_number(v) and math.isfinite(float(v)) and -lim <= v <= lim):
            raise error_cls(f"forecast '{key}' is {_show(v)}, not a number within "
                            f"±{lim}; the file is damaged — fetch the forecast again")
    tz = data.get("timezone")
    if tz is not None and not (isinstance(tz, str) and 0 < len(tz) <= 64):
        raise error_cls(f"forecast 'timezone' is {_show(tz)}, not a time zone name such "
                        "as Europe/London; the file is damaged — fetch the forecast again")
    for section in ("hourly", "daily", "current", "hourly_units", "daily_units"):
        v = data.get(section)
        if v is not None and not isinstance(v, dict):
            raise error_cls(f"forecast '{section}' is not an object; the file is not an "
                            "Open-Meteo /v1/forecast response — fetch it again")
    for section in ("hourly", "daily"):
        block = data.get(section) or {}
        times = block.get("time")
        if times is not None and not isinstance(times, list):
            raise error_cls(f"forecast {section} 'time' is not a list; fetch the forecast again")
        if times is not None and len(times) > weather_cfg.MAX_FORECAST_ROWS:
            raise error_cls(f"forecast {section} has {len(times):,} rows, more than the "
                            f"{weather_cfg.MAX_FORECAST_ROWS:,} an Open-Meteo forecast can hold")
        if times is not None and not all(isinstance(t, str) and len(t) <= 40 for t in times):
            raise error_cls(f"forecast {section} 'time' holds values that are not dates; "
                            "fetch the forecast again")


def numbers(values: Any, n: int, name: str, error_cls: type[EcoplanError]) -> np.ndarray:
    """A forecast field as floats: null → NaN (missing); anything but a number is an error."""
    if values is None:
        return np.full(n, np.nan)
    if not isinstance(values, list):
        raise error_cls(f"forecast field '{name}' is not a list; the response is malformed — "
                        "fetch again or enter conditions by hand")
    if len(values) != n:
        raise error_cls(f"forecast field '{name}' has {len(values)} values for {n} times; the "
                        "response is malformed — fetch again or enter conditions by hand")
    bad = [v for v in values if v is not None and not _is_number(v)]
    if bad:
        raise error_cls(f"forecast field '{name}' holds {_show(bad[0])}, not a number; "
                        "the file is damaged — fetch the forecast again")
    return pd.Series(values, dtype=object).astype(float).to_numpy()


# --- physical ranges --------------------------------------------------------------------------


def _range(var: str) -> tuple[str, float, float, str]:
    if var == "precipitation_sum":
        return weather_cfg.DAILY_PRECIP_RANGE
    return weather_cfg.PHYSICAL_RANGES[weather_cfg.DAILY_RANGE_OF.get(var, var)]


def check_value(var: str, value: float, where: str, error_cls: type[EcoplanError],
                label: str | None = None) -> float:
    """``value`` if finite and physically possible for ``var``; else a one-line error."""
    unit, lo, hi, _src = _range(var)
    name = label or VARIABLE_WORDS.get(var, var)
    u = f" {unit}" if unit and unit != "WMO code" else ""
    if not math.isfinite(value):
        raise error_cls(f"{name} {where}is {value}, not a finite number; give a value between "
                        f"{lo:g} and {hi:g}{u}")
    if not lo <= value <= hi:
        raise error_cls(f"{name} {where}is {value:g}{u}, outside the possible range "
                        f"{lo:g}–{hi:g}{u}; check the value")
    if var == "weather_code" and value != int(value):
        raise error_cls(f"{name} {where}is {value:g}, not a whole WMO weather code")
    return value


def check_column(values: np.ndarray, var: str, times: Any, error_cls: type[EcoplanError]) -> None:
    """Every non-missing value of one column is finite and within range."""
    arr = np.asarray(values, dtype=float)
    unit, lo, hi, _src = _range(var)
    bad = np.isinf(arr) | (~np.isnan(arr) & ((arr < lo) | (arr > hi)))
    if var == "weather_code":
        bad |= ~np.isnan(arr) & np.isfinite(arr) & (arr != np.round(arr))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        when = times[i] if times is not None and i < len(times) else f"row {i}"
        check_value(var, float(arr[i]), f"at {when} ", error_cls,
                    label=f"forecast {VARIABLE_WORDS.get(var, var)}")


# --- place and time ---------------------------------------------------------------------------


EARTH_RADIUS_M = 6_371_008.8  # IUGG mean Earth radius


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, a))) / 1000


def check_place(fc_lat: float | None, fc_lon: float | None, manual: bool,
                site_lat: float | None, site_lon: float | None) -> None:
    """A forecast is used only for the place it was made for."""
    if manual or site_lat is None or site_lon is None:
        return
    if fc_lat is None or fc_lon is None:
        raise EcoplanError("the forecast does not say which place it is for (no latitude/"
                           "longitude); fetch a forecast for the site, or enter the expected "
                           "conditions by hand")
    far = distance_km(site_lat, site_lon, fc_lat, fc_lon)
    if far > weather_cfg.FORECAST_FAR_KM:
        raise EcoplanError(
            f"this forecast is for {fc_lat:.2f}, {fc_lon:.2f}, {far:,.0f} km from the site "
            f"({site_lat:.2f}, {site_lon:.2f}) — more than {weather_cfg.FORECAST_FAR_KM:.0f} km, "
            f"so it "
            "is for somewhere else; fetch a forecast for the site or enter the expected "
            "conditions by hand")


def check_not_past(start: datetime, now: datetime | None = None) -> None:
    """Plans are for sessions to come, and not so far ahead that the date is surely a typo
    (``settings.plans.MAX_DAYS_AHEAD``); a saved plan can still be viewed after the day."""
    now = now or datetime.now(UTC)
    if start < now:
        raise EcoplanError(
            f"the session starts {start:%Y-%m-%d %H:%M}, which is in the past; plan a session "
            "to come (saved plans stay viewable: 'ecoplan plans show ID')")
    ahead = (start - now).days
    if ahead > pcfg.MAX_DAYS_AHEAD:
        raise EcoplanError(
            f"the session starts {start:%Y-%m-%d}, {ahead:,} days ahead; plan sessions up to "
            f"{pcfg.MAX_DAYS_AHEAD} days ahead (check the date)")
