"""Open-Meteo forecast: fetch (with timeouts, retries, on-disk cache), parse, or enter by hand.

The service is free but can be down or slow, and a walk leader may be offline in a car park, so
every path ends in a :class:`Forecast` whose ``source`` says where the numbers came from
('live', 'cache', 'file', 'manual') and whose ``notes`` say what is missing or how old it is.
Missing variables stay NaN — rules skip them and say so — never a made-up value.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
import requests

from ecoplan import messages, net
from ecoplan.errors import EcoplanError, InputFileError, NotInCacheError, ServiceError
from ecoplan.io import write_atomic
from ecoplan.messages import hinted
from ecoplan.plans.validate import (
    check_column,
    check_schema,
    check_value,
    load_json,
    numbers,
    words,
)
from ecoplan.settings import paths
from ecoplan.settings import weather as weather_cfg

#: Keys accepted by ``--conditions k=v,...`` → hourly column they fill.
CONDITION_KEYS: dict[str, str] = {
    "temp_c": "temperature_2m",
    "apparent_c": "apparent_temperature",
    "rain_mm": "precipitation",
    "rain_prob": "precipitation_probability",
    "wind_kmh": "wind_speed_10m",
    "gust_kmh": "wind_gusts_10m",
    "uv": "uv_index",
    "weather_code": "weather_code",
}


def _words(variables: list[str]) -> str:
    return words(variables)


class ForecastUnreachable(ServiceError):
    """Open-Meteo could not be reached or kept failing (network, timeout, 5xx, 429)."""


@dataclass
class Forecast:
    """A parsed forecast: hourly rows (tz-aware ``time`` column) and daily sunrise/sunset."""

    latitude: float | None
    longitude: float | None
    timezone: str
    hourly: pd.DataFrame
    daily: pd.DataFrame
    source: str  # 'live' | 'cache' | 'file' | 'manual'
    fetched_at: datetime | None = None
    notes: list[str] = field(default_factory=list)
    raw: dict[str, Any] | None = None
    conditions: dict[str, float] | None = None
    attribution: str = weather_cfg.ATTRIBUTION

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_manual(self) -> bool:
        return self.source == "manual"

    def dates(self) -> list[date]:
        """Calendar dates the forecast has any data for (hourly or daily)."""
        ds: set[date] = set()
        if len(self.hourly):
            ds |= {t.date() for t in self.hourly["time"].dropna()}
        if len(self.daily):
            ds |= set(self.daily["date"])
        return sorted(ds)

    def daily_row(self, day: date) -> pd.Series | None:
        if not len(self.daily):
            return None
        hit = self.daily[self.daily["date"] == day]
        return None if hit.empty else hit.iloc[0]

    def age(self, now: datetime | None = None) -> timedelta | None:
        if self.fetched_at is None:
            return None
        return (now or datetime.now(UTC)) - self.fetched_at

    # --- persistence in saved plans ----------------------------------------------------------

    def to_snapshot(self) -> dict[str, Any]:
        """JSON-able snapshot: the raw response (or the hand-entered conditions) plus provenance."""
        return {
            "source": self.source,
            "timezone": self.timezone,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "fetched_at": self.fetched_at.isoformat() if self.fetched_at else None,
            "notes": list(self.notes),
            "raw": self.raw,
            "conditions": self.conditions,
            "attribution": self.attribution,
        }

    @classmethod
    def from_snapshot(cls, snap: Mapping[str, Any]) -> Forecast:
        fetched = snap.get("fetched_at")
        fetched_at = datetime.fromisoformat(fetched) if fetched else None
        if snap.get("conditions") is not None and snap.get("raw") is None:
            fc = cls.from_conditions(tz=snap.get("timezone") or weather_cfg.DEFAULT_TIMEZONE,
                                     lat=snap.get("latitude"), lon=snap.get("longitude"),
                                     **snap["conditions"])
        else:
            fc = parse_forecast(snap.get("raw") or {}, source=snap.get("source", "file"),
                                fetched_at=fetched_at, error_cls=InputFileError)
        fc.notes = list(snap.get("notes") or fc.notes)
        return fc

    # --- manual conditions -------------------------------------------------------------------

    @classmethod
    def from_conditions(
        cls, *, tz: str = weather_cfg.DEFAULT_TIMEZONE, lat: float | None = None,
        lon: float | None = None, **conditions: float | None,
    ) -> Forecast:
        """Expected conditions typed in by the leader; they apply to any session time."""
        unknown = set(conditions) - set(CONDITION_KEYS)
        if unknown:
            raise EcoplanError(
                f"unknown condition(s) {', '.join(sorted(unknown))}; use any of "
                f"{', '.join(CONDITION_KEYS)} (e.g. temp_c=3,gust_kmh=40,rain_mm=0.5)")
        given: dict[str, float] = {}
        for k, v in conditions.items():
            if v is None:
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise EcoplanError(f"condition {k}={v!r} is not a number; e.g. {k}=3") from None
            given[k] = check_value(CONDITION_KEYS[k], f, "", EcoplanError,
                                   label=f"condition {k}")
        row: dict[str, Any] = {"time": pd.NaT}
        for key, col in CONDITION_KEYS.items():
            row[col] = given.get(key, np.nan)
        if "apparent_c" not in given and "temp_c" in given:
            row["apparent_temperature"] = np.nan  # no fake wind chill: rules use temp_c
        hourly = pd.DataFrame([row])
        hourly["time"] = pd.Series([pd.NaT], dtype=f"datetime64[ns, {tz}]")
        missing = [k for k in CONDITION_KEYS if k not in given]
        notes = [f"Conditions entered by hand; not given: "
                 f"{_words([CONDITION_KEYS[k] for k in missing])}."] if missing else [
                 "Conditions entered by hand."]
        return cls(latitude=lat, longitude=lon, timezone=_check_tz(tz), hourly=hourly,
                   daily=_empty_daily(), source="manual", notes=notes, conditions=given,
                   attribution="")


def parse_conditions(text: str) -> dict[str, float]:
    """Parse ``temp_c=3,gust_kmh=40`` (CLI ``--conditions``) into numbers, strictly."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, val = part.partition("=")
        key = key.strip()
        if not sep or key not in CONDITION_KEYS:
            raise EcoplanError(
                f"bad condition '{part}'; write key=value pairs separated by commas using "
                f"{', '.join(CONDITION_KEYS)}")
        if key in out:  # which one was meant? never keep one silently
            raise EcoplanError(f"condition {key} is given twice; give each once")
        try:
            out[key] = float(val)
        except ValueError:
            raise EcoplanError(f"condition {key}='{val}' is not a number; e.g. {key}=3") from None
    if not out:
        raise EcoplanError("no conditions given; e.g. --conditions temp_c=3,gust_kmh=40")
    return out


# --- parsing ----------------------------------------------------------------------------------


def _check_tz(name: str) -> str:
    """``name`` if it is an IANA time zone; else a one-line error."""
    if not isinstance(name, str) or not name or len(name) > 64:
        raise EcoplanError(f"unknown time zone {str(name)[:40]!r}; use an IANA name such as "
                           "Europe/London")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise EcoplanError(f"unknown time zone '{name}'; use an IANA name such as "
                           "Europe/London") from None
    return name


def _empty_daily() -> pd.DataFrame:
    return pd.DataFrame({"date": pd.Series([], dtype=object),
                         "sunrise": pd.Series([], dtype=object),
                         "sunset": pd.Series([], dtype=object)})


def _localize(values: list[Any], tz: str) -> pd.Series:
    naive = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
    if getattr(naive.dt, "tz", None) is not None:
        return naive.dt.tz_convert(tz)
    try:
        return naive.dt.tz_localize(tz, ambiguous="infer", nonexistent="shift_forward")
    except Exception:  # noqa: BLE001 — non-monotonic times around a DST change
        return naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")


def check_tz(name: Any) -> str:
    """Public alias of the time-zone check (CLI ``--tz``, the app)."""
    return _check_tz(name)


def _renamed(section: Mapping[str, Any]) -> dict[str, Any]:
    return {weather_cfg.LEGACY_NAMES.get(k, k): v for k, v in section.items()}


def to_base_units(arr: np.ndarray, var: str, unit: Any,
                  error_cls: type[EcoplanError]) -> np.ndarray:
    """Values of ``var`` in km/h, °C or mm, whatever Open-Meteo unit option was used: a
    forecast fetched with ``wind_speed_unit=mph`` read as km/h would turn a 90 km/h gust into
    "25 km/h". A unit we do not know is refused, never guessed."""
    kind = weather_cfg.UNIT_KIND.get(var)
    if kind is None or unit is None:
        return arr
    if unit == "undefined":  # Open-Meteo's marker for a variable it has no model for
        return np.full(len(arr), np.nan)
    scales = weather_cfg.UNIT_SCALES[kind]
    key = str(unit).strip()
    found = scales.get(key) or scales.get(key.lower())
    if found is None:
        raise error_cls(f"forecast field '{var}' is in '{str(unit)[:20]}', a unit ecoplan does "
                        f"not read; fetch the forecast again in {weather_cfg.BASE_UNITS[kind]} "
                        f"(or {', '.join(k for k in scales if k != weather_cfg.BASE_UNITS[kind])})")
    scale, offset = found
    return arr if (scale, offset) == (1.0, 0.0) else arr * scale + offset


def parse_forecast(
    data: Any, *, source: str = "file", fetched_at: datetime | None = None,
    tz: str | None = None, error_cls: type[EcoplanError] = ServiceError,
) -> Forecast:
    """Turn an Open-Meteo JSON response into a :class:`Forecast` (legacy names accepted).

    The shape, types, sizes and physical range of every value are checked first
    (:mod:`ecoplan.plans.validate`): a damaged response is refused, never half-used.
    """
    check_schema(data, error_cls)
    if data.get("error"):
        raise ServiceError(f"Open-Meteo refused the request: {data.get('reason', 'no reason')}; "
                           "check latitude/longitude and dates")
    hourly_in = data.get("hourly")
    if not isinstance(hourly_in, dict) or not isinstance(hourly_in.get("time"), list):
        raise error_cls("forecast has no hourly 'time' list; it is not an Open-Meteo "
                        "/v1/forecast response — fetch again or enter conditions by hand")
    tzname = data.get("timezone") or tz or "UTC"
    if tzname in ("GMT", "UTC"):
        tzname = "UTC"
    try:
        ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise error_cls(f"forecast time zone '{tzname}' is unknown; request an IANA zone "
                        "such as Europe/London") from None
    hourly_in = _renamed(hourly_in)
    units = _renamed(data.get("hourly_units") or {})
    times = hourly_in["time"]
    n = len(times)
    hourly = pd.DataFrame({"time": _localize(times, tzname)})
    notes: list[str] = []
    missing: list[str] = []
    for var in weather_cfg.HOURLY_VARS:
        arr = numbers(hourly_in.get(var), n, var, error_cls)
        if units.get(var) == "undefined":
            arr = np.full(n, np.nan)
        else:
            arr = to_base_units(arr, var, units.get(var), error_cls)
        check_column(arr, var, times, error_cls)
        hourly[var] = arr
        if n and np.isnan(arr).all():
            missing.append(var)
    if missing:
        notes.append(f"Forecast has no {_words(missing)} at all.")
    current = data.get("current")
    if isinstance(current, dict) and isinstance(current.get("time"), str):
        cur = _renamed(current)
        cur_units = _renamed(data.get("current_units") or {})
        ct = _localize([cur["time"]], tzname).iloc[0]
        if pd.notna(ct) and not (hourly["time"] == ct).any():
            row = {"time": ct}
            for var in weather_cfg.HOURLY_VARS:
                v = to_base_units(numbers([cur.get(var)], 1, f"current {var}", error_cls),
                                  var, cur_units.get(var), error_cls)
                check_column(v, var, [cur["time"]], error_cls)
                row[var] = float(v[0])
            hourly = pd.concat([hourly, pd.DataFrame([row])], ignore_index=True)
    hourly = hourly.dropna(subset=["time"]).sort_values("time", ignore_index=True)
    daily = _parse_daily(data.get("daily"), tzname, error_cls,
                         _renamed(data.get("daily_units") or {}))
    lat, lon = data.get("latitude"), data.get("longitude")  # numbers: see check_schema
    return Forecast(latitude=float(lat) if lat is not None else None,
                    longitude=float(lon) if lon is not None else None, timezone=tzname,
                    hourly=hourly, daily=daily, source=source, fetched_at=fetched_at,
                    notes=notes, raw=data)


def _parse_daily(section: Any, tzname: str, error_cls: type[EcoplanError],
                 units: Mapping[str, Any] | None = None) -> pd.DataFrame:
    if not isinstance(section, dict) or not isinstance(section.get("time"), list):
        return _empty_daily()
    section = _renamed(section)
    days = pd.to_datetime(pd.Series(section["time"], dtype=object), errors="coerce")
    n = len(days)
    out = pd.DataFrame({"date": [d.date() if pd.notna(d) else None for d in days]})
    for key in ("sunrise", "sunset"):
        vals = section.get(key)
        if isinstance(vals, list) and len(vals) == n:
            loc = _localize(vals, tzname)
            out[key] = [t.to_pydatetime() if pd.notna(t) else None for t in loc]
        else:
            out[key] = None
    for var in weather_cfg.DAILY_FALLBACK_VARS:
        out[var] = to_base_units(numbers(section.get(var), n, var, error_cls), var,
                                 (units or {}).get(var), error_cls) if isinstance(
            section.get(var), list) and len(section[var]) == n else np.full(n, np.nan)
        check_column(out[var].to_numpy(), var, section["time"], error_cls)
    return out.dropna(subset=["date"]).reset_index(drop=True)


def load_forecast_file(path: str | Path) -> Forecast:
    """A recorded Open-Meteo response saved as JSON (``--forecast FILE.json``)."""
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"forecast file {p} not found; give the path to a saved "
                             "Open-Meteo JSON response")
    try:
        size = p.stat().st_size
        if size > weather_cfg.MAX_FORECAST_BYTES:  # refuse before reading it into memory
            raise InputFileError(f"forecast file {p} is {size / 1e6:.1f} MB, over the "
                                 f"{weather_cfg.MAX_FORECAST_BYTES / 1e6:.0f} MB limit for a "
                                 f"forecast; "
                                 "save only the Open-Meteo response")
        payload = p.read_bytes()
    except OSError as err:
        raise InputFileError(f"cannot read forecast file {p} ({err.strerror or err}); check "
                             "the path and permissions") from None
    data = load_json(payload, f"forecast file {p}", InputFileError)
    return parse_forecast(data, source="file", error_cls=InputFileError)


# --- HTTP client ------------------------------------------------------------------------------


def request_params(lat: float, lon: float, tz: str) -> dict[str, str]:
    return {
        "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}",
        "hourly": ",".join(weather_cfg.HOURLY_VARS), "daily": ",".join(weather_cfg.DAILY_VARS),
        "timezone": tz, "forecast_days": str(weather_cfg.FORECAST_DAYS),
    }


def fetch_forecast(
    lat: float, lon: float, *, tz: str = weather_cfg.DEFAULT_TIMEZONE,
    base_url: str = weather_cfg.FORECAST_URL,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = (weather_cfg.CONNECT_TIMEOUT_S, weather_cfg.READ_TIMEOUT_S),
    max_attempts: int = weather_cfg.MAX_ATTEMPTS, backoff_s: float = weather_cfg.BACKOFF_S,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """GET /v1/forecast through :mod:`ecoplan.net` (bounded timeouts, retries with exponential
    backoff honouring Retry-After); returns the JSON."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise EcoplanError(f"latitude/longitude {lat}, {lon} out of range; latitude is -90..90 "
                           "and longitude -180..180")
    params = request_params(lat, lon, tz)
    attempts = max(1, max_attempts)
    policy = net.Policy(connect_timeout_s=timeout[0], read_timeout_s=timeout[1],
                        max_retries=attempts - 1, retry_status=_RETRY_STATUS,
                        retry_network_errors=True, backoff_base_s=backoff_s,
                        backoff_max_s=weather_cfg.MAX_RETRY_AFTER_S,
                        total_wait_max_s=weather_cfg.MAX_RETRY_AFTER_S * attempts)
    try:
        resp = net.request("GET", base_url, what="Open-Meteo forecast", policy=policy,
                           params=params, session=session, sleep=sleep)
    except net.HttpFailure as err:
        raise hinted(ForecastUnreachable(
            f"Open-Meteo could not be reached after {err.attempts} attempts: {err.detail}; "
            "a cached or saved forecast can be used instead"), messages.FORECAST) from None
    try:
        data = resp.json()
    except ValueError:
        raise ServiceError(f"Open-Meteo sent a malformed answer (HTTP {resp.status_code}, "
                           "not JSON); try again later or enter conditions by hand") from None
    if isinstance(data, dict) and data.get("error"):
        raise ServiceError(f"Open-Meteo refused the request: {data.get('reason', '?')}; "
                           "check latitude/longitude and the forecast range")
    if resp.status_code != 200:
        raise ServiceError(f"Open-Meteo answered HTTP {resp.status_code}; try again later "
                           "or enter conditions by hand")
    return data


#: 429 and every 5xx are "try again later" for Open-Meteo.
_RETRY_STATUS: frozenset[int] = frozenset({429, *range(500, 600)})


# --- cache ------------------------------------------------------------------------------------


def _cache_root(root: Path | None) -> Path:
    return Path(root) if root else paths.cache_dir() / weather_cfg.CACHE_SUBDIR


def _cache_prefix(lat: float, lon: float, tz: str) -> str:
    return f"{lat:+.2f}_{lon:+.2f}_{tz.replace('/', '-')}_"


def cache_path(lat: float, lon: float, tz: str, when: datetime, root: Path | None = None) -> Path:
    """One file per place (2 dp ≈ 1 km) and hour of fetch (UTC)."""
    hour = when.astimezone(UTC).strftime("%Y%m%dT%H")
    return _cache_root(root) / f"{_cache_prefix(lat, lon, tz)}{hour}Z.json"


def _read_cache(path: Path) -> Forecast | None:
    try:
        blob = json.loads(path.read_text(encoding="utf-8"))
        fetched_at = datetime.fromisoformat(blob["fetched_at"])
        return parse_forecast(blob["response"], source="cache", fetched_at=fetched_at)
    except (OSError, ValueError, KeyError, TypeError, EcoplanError):
        return None  # unreadable cache entry: treat as absent (a fresh fetch replaces it)


def latest_cached(lat: float, lon: float, tz: str, root: Path | None = None) -> Forecast | None:
    d = _cache_root(root)
    if not d.is_dir():
        return None
    for path in sorted(d.glob(_cache_prefix(lat, lon, tz) + "*Z.json"), reverse=True):
        fc = _read_cache(path)
        if fc is not None:
            return fc
    return None


def _age_text(age: timedelta | None) -> str:
    if age is None:  # a forecast read from the cache always has its fetch time
        return "an unknown time"
    hours = age.total_seconds() / 3600
    return f"{hours * 60:.0f} min" if hours < 1 else (
        f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days")


def load_forecast(
    lat: float, lon: float, *, tz: str | None = None, offline: bool = False,
    cache_root: Path | None = None, now: datetime | None = None, **http: Any,
) -> Forecast:
    """Forecast for a place: this hour's cache, else live (cached), else an older cache entry.

    ``offline=True`` never touches the network. Extra keyword arguments go to
    :func:`fetch_forecast` (``base_url``, ``timeout``, ``max_attempts``, ``backoff_s``, …).
    """
    tz = _check_tz(tz or weather_cfg.DEFAULT_TIMEZONE)
    now = now or datetime.now(UTC)
    if offline:
        fc = latest_cached(lat, lon, tz, cache_root)
        if fc is None:
            raise hinted(NotInCacheError(
                f"offline mode is on and there is no cached forecast for {lat:.2f}, {lon:.2f}; "
                "go online once, or give a saved forecast"), messages.FORECAST_OFFLINE)
        fc.notes.append(f"Offline: using the forecast cached {_age_text(fc.age(now))} ago "
                        f"({fc.fetched_at:%Y-%m-%d %H:%M} UTC).")
        return fc
    path = cache_path(lat, lon, tz, now, cache_root)
    if path.is_file():
        fc = _read_cache(path)
        if fc is not None:
            fc.notes.append(f"From this hour's cache ({_age_text(fc.age(now))} old).")
            return fc
    try:
        data = fetch_forecast(lat, lon, tz=tz, **http)
    except ForecastUnreachable as err:
        fc = latest_cached(lat, lon, tz, cache_root)
        if fc is None:
            raise
        fc.notes.append(f"{err} — so using the forecast cached {_age_text(fc.age(now))} ago.")
        return fc
    fc = parse_forecast(data, source="live", fetched_at=now)
    path.parent.mkdir(parents=True, exist_ok=True)  # our cache folder: ours to create
    write_atomic(path, json.dumps({"fetched_at": now.isoformat(),
                                    "request": {"lat": lat, "lon": lon, "tz": tz},
                                    "response": data}))
    return fc
