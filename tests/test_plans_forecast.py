"""Open-Meteo client against a local HTTP server replaying the recorded responses."""

from __future__ import annotations

import copy
import json
import math
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoplan.errors import EcoplanError, InputFileError, NotInCacheError, ServiceError
from ecoplan.plans.forecast import (
    Forecast,
    ForecastUnreachable,
    cache_path,
    fetch_forecast,
    load_forecast,
    load_forecast_file,
    parse_conditions,
    parse_forecast,
)
from ecoplan.settings import paths

BERLIN = "open-meteo_forecast_berlin_2021-11-24_cold-drizzle_cropped.json"
NL = "open-meteo_forecast_netherlands_2026-10-03_dry-calm_cropped.json"


def weather_file(name: str) -> Path:
    p = paths.shared_data_dir() / "weather" / name
    if not p.is_file():
        pytest.skip(f"recorded forecast {name} not available in shared data")
    return p


@pytest.fixture(scope="module")
def berlin() -> dict:
    return json.loads(weather_file(BERLIN).read_text(encoding="utf-8"))


class Server:
    """Replays a script of responses; each request takes the next step (last one repeats)."""

    def __init__(self) -> None:
        self.script: list[tuple] = []
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.requests.append(self.path)
                step = outer.script[min(len(outer.requests) - 1, len(outer.script) - 1)]
                kind = step[0]
                if kind == "sleep":
                    time.sleep(step[1])
                    status, body, headers = 200, b"{}", {}
                elif kind == "json":
                    status, body, headers = step[1], json.dumps(step[2]).encode(), {}
                else:  # raw
                    status, body = step[1], step[2]
                    headers = step[3] if len(step) > 3 else {}
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *a: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1/forecast"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


NOW = datetime(2021, 11, 24, 10, 17, tzinfo=UTC)


def _http(server: Server, sleeps: list[float] | None = None, **kw):
    sleeps = sleeps if sleeps is not None else []
    return {"base_url": server.url, "sleep": sleeps.append, "backoff_s": 0.5,
            "timeout": (2.0, 2.0)} | kw


def test_live_fetch_parses_and_writes_cache(server, berlin, tmp_path):
    server.script = [("json", 200, berlin)]
    fc = load_forecast(52.52, 13.42, tz="Europe/Berlin", cache_root=tmp_path, now=NOW,
                       **_http(server))
    assert fc.source == "live"
    assert fc.attribution == "Weather data by Open-Meteo.com"
    assert len(fc.hourly) == 168
    assert str(fc.hourly["time"].dt.tz) == "Europe/Berlin"
    assert fc.hourly["time"].iloc[0].isoformat() == "2021-11-24T00:00:00+01:00"
    assert fc.hourly["temperature_2m"].iloc[0] == 6.9
    assert "latitude=52.5200" in server.requests[0]
    assert "wind_gusts_10m" in server.requests[0] and "timezone=Europe%2FBerlin" in server.requests[0]
    path = cache_path(52.52, 13.42, "Europe/Berlin", NOW, tmp_path)
    assert path.is_file()
    assert json.loads(path.read_text())["response"]["latitude"] == 52.52
    assert not list(tmp_path.glob("*.tmp"))  # atomic write leaves no temp file
    # the same hour is answered from the cache without a request
    again = load_forecast(52.52, 13.42, tz="Europe/Berlin", cache_root=tmp_path,
                          now=NOW + timedelta(minutes=20), **_http(server))
    assert again.source == "cache" and len(server.requests) == 1
    assert len(again.hourly) == 168


def test_retries_on_5xx_with_exponential_backoff(server, berlin, tmp_path):
    server.script = [("raw", 500, b"oops"), ("raw", 503, b"busy"), ("json", 200, berlin)]
    sleeps: list[float] = []
    fc = load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW, **_http(server, sleeps))
    assert fc.source == "live"
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


def test_429_honours_retry_after_capped(server, berlin):
    server.script = [("raw", 429, b"slow down", {"Retry-After": "3"}), ("json", 200, berlin)]
    sleeps: list[float] = []
    data = fetch_forecast(52.52, 13.42, **_http(server, sleeps))
    assert data["latitude"] == 52.52
    assert 3.0 in sleeps and len(server.requests) == 2


def test_persistent_5xx_gives_up_after_bounded_attempts(server, tmp_path):
    server.script = [("raw", 500, b"down")]
    with pytest.raises(ForecastUnreachable, match="after 3 attempts: HTTP 500.*cached or saved forecast"):
        load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW,
                      **_http(server, max_attempts=3))
    assert len(server.requests) == 3


def test_timeout_raises_clear_service_error(server):
    server.script = [("sleep", 1.5)]
    with pytest.raises(ServiceError, match=r"no answer within 0.2 s \(timeout\)"):
        fetch_forecast(52.52, 13.42, base_url=server.url, timeout=(1.0, 0.2), max_attempts=2,
                       sleep=lambda s: None)
    assert len(server.requests) == 2


def test_connection_refused_is_unreachable():
    with pytest.raises(ForecastUnreachable, match="connection failed"):
        fetch_forecast(52.52, 13.42, base_url="http://127.0.0.1:9/v1/forecast",
                       timeout=(0.5, 0.5), max_attempts=2, sleep=lambda s: None)


def test_malformed_json_is_service_error(server):
    server.script = [("raw", 200, b"{not json")]
    with pytest.raises(ServiceError, match="malformed"):
        fetch_forecast(52.52, 13.42, **_http(server))
    assert len(server.requests) == 1  # a broken answer is not retried


def test_error_json_reason_is_reported(server, tmp_path):
    reason = "Latitude must be in range of -90 to 90°. Given: 152.0."
    server.script = [("json", 400, {"error": True, "reason": reason})]
    with pytest.raises(ServiceError, match="Latitude must be in range"):
        load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW, **_http(server))
    with pytest.raises(ServiceError, match="Latitude must be in range"):
        parse_forecast({"error": True, "reason": reason})


def test_offline_uses_cache_and_says_how_old(server, berlin, tmp_path):
    with pytest.raises(NotInCacheError, match="no cached forecast"):
        load_forecast(52.52, 13.42, offline=True, cache_root=tmp_path)
    server.script = [("json", 200, berlin)]
    load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW, **_http(server))
    fc = load_forecast(52.52, 13.42, offline=True, cache_root=tmp_path,
                       now=NOW + timedelta(hours=5))
    assert fc.source == "cache"
    assert any("cached 5.0 h ago" in n for n in fc.notes)
    assert len(server.requests) == 1
    # a nearby point (same 2-dp cell) hits the same cache; another place does not
    assert load_forecast(52.521, 13.419, offline=True, cache_root=tmp_path).source == "cache"
    with pytest.raises(NotInCacheError):
        load_forecast(51.5, -0.12, offline=True, cache_root=tmp_path)


def test_unreachable_falls_back_to_older_cache(server, berlin, tmp_path):
    server.script = [("json", 200, berlin)]
    load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW, **_http(server))
    server.script = [("raw", 502, b"bad gateway")]
    server.requests.clear()
    fc = load_forecast(52.52, 13.42, cache_root=tmp_path, now=NOW + timedelta(hours=3),
                       **_http(server, max_attempts=2))
    assert fc.source == "cache"
    assert any("HTTP 502" in n and "cached 3.0 h ago" in n for n in fc.notes)


def test_default_cache_dir_from_settings(server, berlin, tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path))
    server.script = [("json", 200, berlin)]
    load_forecast(52.52, 13.42, now=NOW, **_http(server))
    assert list((tmp_path / "forecast").glob("*.json"))


def test_legacy_names_nulls_and_undefined_units(berlin):
    data = copy.deepcopy(berlin)
    h = data["hourly"]
    h["weathercode"] = h.pop("weather_code")
    h["windgusts_10m"] = h.pop("wind_gusts_10m")
    h["windspeed_10m"] = h.pop("wind_speed_10m")
    h["temperature_2m"][5] = None
    h["uv_index"] = [None] * len(h["time"])
    data["hourly_units"]["uv_index"] = "undefined"
    fc = parse_forecast(data)
    ref = parse_forecast(berlin)
    assert fc.hourly["weather_code"].tolist() == ref.hourly["weather_code"].tolist()
    assert fc.hourly["wind_gusts_10m"].max() == pytest.approx(36.9)
    assert math.isnan(fc.hourly["temperature_2m"].iloc[5])
    assert fc.hourly["uv_index"].isna().all()
    assert any("UV index" in n for n in fc.notes)


def test_malformed_structures_are_errors(berlin):
    bad = copy.deepcopy(berlin)
    bad["hourly"]["temperature_2m"] = bad["hourly"]["temperature_2m"][:10]
    with pytest.raises(ServiceError, match="has 10 values for 168 times"):
        parse_forecast(bad)
    with pytest.raises(ServiceError, match="no hourly 'time'"):
        parse_forecast({"latitude": 1, "hourly": {}})
    with pytest.raises(ServiceError, match="not a JSON object"):
        parse_forecast([1, 2])


def test_forecast_files(tmp_path):
    fc = load_forecast_file(weather_file(NL))
    assert fc.source == "file" and fc.timezone == "Europe/Amsterdam"
    # the 'current' block (12:30) is kept as a row next to the 3 hourly steps
    assert len(fc.hourly) == 4
    assert fc.daily["sunset"].iloc[0].isoformat() == "2026-10-03T19:05:00+02:00"
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InputFileError, match="not valid JSON"):
        load_forecast_file(bad)
    with pytest.raises(InputFileError, match="not found"):
        load_forecast_file(tmp_path / "missing.json")


def test_manual_conditions():
    assert parse_conditions("temp_c=3, gust_kmh=40,weather_code=61") == {
        "temp_c": 3.0, "gust_kmh": 40.0, "weather_code": 61.0}
    for bad in ("temp=3", "temp_c=warm", "", "gust_kmh"):
        with pytest.raises(EcoplanError):
            parse_conditions(bad)
    fc = Forecast.from_conditions(temp_c=3, gust_kmh=40)
    assert fc.source == "manual" and fc.is_manual
    assert fc.hourly["wind_gusts_10m"].iloc[0] == 40
    assert math.isnan(fc.hourly["uv_index"].iloc[0])  # not given → NaN, never a default
    assert any("not given" in n and "UV index" in n and "uv_index" not in n for n in fc.notes)
    with pytest.raises(EcoplanError, match="unknown condition"):
        Forecast.from_conditions(snow_cm=3)


def test_snapshot_round_trip(berlin):
    fc = parse_forecast(berlin, source="live", fetched_at=NOW)
    back = Forecast.from_snapshot(json.loads(json.dumps(fc.to_snapshot())))
    assert back.source == "live" and back.fetched_at == NOW
    assert back.hourly["temperature_2m"].tolist() == fc.hourly["temperature_2m"].tolist()
    man = Forecast.from_conditions(temp_c=30, uv=8)
    back = Forecast.from_snapshot(json.loads(json.dumps(man.to_snapshot())))
    assert back.is_manual and back.hourly["uv_index"].iloc[0] == 8


# --- hostile forecasts (issue 13 point 5): only EcoplanError, never a crash ------------------


_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**400, 10**400),
                       st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12))
_json = st.recursive(_json_leaf, lambda c: st.one_of(
    st.lists(c, max_size=5), st.dictionaries(st.text(max_size=8), c, max_size=5)),
    max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(junk=_json, key=st.sampled_from(["latitude", "longitude", "timezone", "hourly", "daily",
                                        "current", "hourly_units", "wind_gusts_10m", "time",
                                        "temperature_2m"]))
def test_any_damage_to_a_real_response_is_a_clear_error_or_a_valid_forecast(berlin, junk, key):
    data = copy.deepcopy(berlin)
    if key in ("wind_gusts_10m", "time", "temperature_2m"):
        data["hourly"][key] = junk
    else:
        data[key] = junk
    try:
        fc = parse_forecast(data)
    except EcoplanError as err:
        assert "\n" not in str(err) and len(str(err)) < 400
        return
    for var in ("temperature_2m", "wind_gusts_10m", "precipitation"):
        vals = fc.hourly[var].to_numpy(float)
        assert not np.isinf(vals).any()  # every kept value is finite or missing


def test_forecast_file_size_is_checked_before_reading(tmp_path, monkeypatch):
    from ecoplan.errors import InputFileError
    from ecoplan.plans.forecast import load_forecast_file

    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(InputFileError, match="over the 5 MB limit"):
        load_forecast_file(big)
    assert read == []  # refused from its size alone


# --- units: Open-Meteo's other unit options are converted (or refused), never read as km/h ---

_TO_UNIT = {  # our unit → (Open-Meteo unit string, function converting a value to it)
    "wind": [("m/s", lambda v: v / 3.6), ("mp/h", lambda v: v / 1.609344),
             ("kn", lambda v: v / 1.852)],
    "temperature": [("°F", lambda v: v * 9 / 5 + 32)],
    "precipitation": [("inch", lambda v: v / 25.4)],
}
_VARS = {"wind": ("wind_speed_10m", "wind_gusts_10m"),
         "temperature": ("temperature_2m", "apparent_temperature"),
         "precipitation": ("precipitation",)}
_DAILY_VARS = {"wind": ("wind_gusts_10m_max",), "temperature": ("temperature_2m_min",),
               "precipitation": ("precipitation_sum",)}


def _in_unit(raw: dict, kind: str, unit: str, conv) -> dict:
    """The response as Open-Meteo would send it with that unit option."""
    out = copy.deepcopy(raw)
    for section, names in (("hourly", _VARS[kind]), ("daily", _DAILY_VARS[kind])):
        units = out.setdefault(f"{section}_units", {})
        for var in names:
            if var in out[section]:
                out[section][var] = [None if v is None else conv(v)
                                     for v in out[section][var]]
                units[var] = unit
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choice=st.sampled_from([(k, u, f) for k, opts in _TO_UNIT.items() for u, f in opts]))
def test_other_open_meteo_units_read_the_same_as_the_defaults(berlin, choice):
    kind, unit, conv = choice
    base = parse_forecast(berlin, source="file")
    other = parse_forecast(_in_unit(berlin, kind, unit, conv), source="file")
    for var in _VARS[kind]:
        if var in berlin["hourly"]:
            np.testing.assert_allclose(other.hourly[var].to_numpy(), base.hourly[var].to_numpy(),
                                       atol=1e-6, equal_nan=True)
    for var in _DAILY_VARS[kind]:
        if var in berlin["daily"]:
            np.testing.assert_allclose(other.daily[var].to_numpy(), base.daily[var].to_numpy(),
                                       atol=1e-6, equal_nan=True)


def test_gusts_in_metres_per_second_become_km_per_hour(berlin):
    """The tester's ms.json: 25 m/s gusts were read as 25 km/h (woodland closes at 72)."""
    raw = copy.deepcopy(berlin)
    raw["hourly"]["wind_gusts_10m"] = [25.0 for _ in raw["hourly"]["time"]]
    raw["hourly_units"]["wind_gusts_10m"] = "m/s"
    fc = parse_forecast(raw, source="file")
    assert fc.hourly["wind_gusts_10m"].max() == pytest.approx(90.0)


def test_fahrenheit_december_is_not_a_heatwave(berlin):
    raw = _in_unit(berlin, "temperature", "°F", lambda v: v * 9 / 5 + 32)
    fc = parse_forecast(raw, source="file")
    assert fc.hourly["temperature_2m"].max() < 15  # Berlin in late November, not "39 °C"


@pytest.mark.parametrize("section", ["hourly", "daily"])
def test_a_unit_we_do_not_know_is_refused_in_one_line(berlin, section):
    raw = copy.deepcopy(berlin)
    var = "wind_gusts_10m" if section == "hourly" else "wind_gusts_10m_max"
    raw.setdefault(f"{section}_units", {})[var] = "furlong/fortnight"
    with pytest.raises(InputFileError) as err:
        parse_forecast(raw, source="file", error_cls=InputFileError)
    msg = str(err.value)
    assert "\n" not in msg and var in msg and "furlong/fortnight" in msg and "km/h" in msg
