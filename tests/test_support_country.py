"""Which country a point is in (offline), and the advice that follows from it."""

from __future__ import annotations

import math

import pytest

from ecoplan.settings import advice as cfg
from ecoplan.support.country import advice_at, advice_for, country_at, timezone_at


@pytest.mark.parametrize("lon, lat, country, zone", [
    (-1.158, 50.7325, "GB", "Europe/London"),  # Ryde, Isle of Wight
    (-5.93, 54.60, "GB", "Europe/London"),  # Belfast: UK too
    (-3.19, 55.95, "GB", "Europe/London"),  # Edinburgh
    (24.94, 60.17, "FI", "Europe/Helsinki"),  # the built-in demo area
    (-6.26, 53.35, "IE", "Europe/Dublin"),  # Dublin: not the UK
    (13.42, 52.52, "DE", "Europe/Berlin"),  # the recorded Berlin forecast
    (-2.11, 49.21, "JE", "Europe/Jersey"),  # Crown Dependency: own health service
])
def test_country_and_zone_of_real_places(lon, lat, country, zone):
    assert timezone_at(lon, lat) == zone
    assert country_at(lon, lat) == country


@pytest.mark.parametrize("lon, lat", [(-20.0, 45.0), (math.nan, 50.0), (200.0, 10.0),
                                      (0.0, math.inf)])
def test_open_sea_and_invalid_points_have_no_country(lon, lat):
    assert country_at(lon, lat) is None and timezone_at(lon, lat) is None
    assert advice_at(lon, lat) is cfg.NEUTRAL


def test_uk_advice_only_in_the_uk():
    uk = advice_for("GB")
    assert uk.uk and uk.grid_references and "999" in uk.phone_line
    assert "NHS" in uk.confirm_health and "Coastguard" in uk.coast_note
    for code in ("FI", "IE", "JE", None):
        adv = advice_for(code)
        text = " ".join([adv.phone_line, adv.confirm_health, adv.emergency_department,
                         adv.coast_note, *adv.missing.values()])
        assert "112" in text and not adv.grid_references
        for word in ("999", "NHS", "111", "101", "defibfinder", "Coastguard", "A&E"):
            assert word not in text, (code, word)
    assert set(cfg.UK.missing) == set(cfg.NEUTRAL.missing)  # same categories covered
