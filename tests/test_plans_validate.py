"""Place, time and range checks a forecast and a session pass before any rule reads them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.errors import EcoplanError, InputFileError
from ecoplan.plans.validate import (
    check_not_past,
    check_place,
    check_value,
    distance_km,
    load_json,
)
from ecoplan.settings import weather as cfg


def test_place_check_refuses_far_forecasts_and_forecasts_with_no_place():
    check_place(52.52, 13.42, False, 52.60, 13.30)  # ≈ 12 km: a neighbouring grid cell
    with pytest.raises(EcoplanError, match=r"52.52, 13.42, 1,0\d\d km from the site"):
        check_place(52.52, 13.42, False, 50.70, -1.16)
    with pytest.raises(EcoplanError, match="does not say which place"):
        check_place(None, None, False, 50.70, -1.16)
    check_place(None, None, True, 50.70, -1.16)  # conditions entered by hand: the site's


def test_distance_km_against_a_known_distance():
    # London (51.5074, -0.1278) to Paris (48.8566, 2.3522): 343.5 km great circle
    assert distance_km(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343.5, abs=1.0)


def test_past_sessions_are_refused():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    check_not_past(now + timedelta(minutes=1), now)
    with pytest.raises(EcoplanError, match="in the past"):
        check_not_past(now - timedelta(days=400), now)


@given(var=st.sampled_from(sorted(cfg.PHYSICAL_RANGES)), x=st.floats(allow_nan=True))
def test_check_value_accepts_exactly_the_physical_range(var, x):
    unit, lo, hi, _src = cfg.PHYSICAL_RANGES[var]
    ok = x == x and lo <= x <= hi and (var != "weather_code" or x == int(x))
    if ok:
        assert check_value(var, x, "", EcoplanError) == x
    else:
        with pytest.raises(EcoplanError):
            check_value(var, x, "", EcoplanError)


def test_json_loading_limits():
    with pytest.raises(InputFileError, match="not valid JSON"):
        load_json(b'{"a": NaN}', "f", InputFileError)
    with pytest.raises(InputFileError, match="nested too deeply"):
        load_json("[" * 100_000 + "]" * 100_000, "f", InputFileError)
    with pytest.raises(InputFileError, match="over the 5 MB limit"):
        load_json(b" " * (cfg.MAX_FORECAST_BYTES + 1), "f", InputFileError)
    with pytest.raises(InputFileError, match="not UTF-8"):
        load_json(b"\xff\xfe{}", "f", InputFileError)
    assert load_json(b'\xef\xbb\xbf{"ok": 1}', "f", InputFileError) == {"ok": 1}
