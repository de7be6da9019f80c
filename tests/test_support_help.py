"""Help lists: labels that say what the data says, and absence claimed only within the data."""

from __future__ import annotations

import pandas as pd

from ecoplan.settings.advice import NEUTRAL, UK
from ecoplan.support.help import absence, help_lists, lower_first


def test_lower_first_keeps_acronyms():
    assert lower_first("GP surgeries") == "GP surgeries"  # not "gP surgeries"
    assert lower_first("A&E (emergency department)") == "A&E (emergency department)"
    assert lower_first("Pharmacies") == "pharmacies"


def test_absence_is_claimed_only_where_the_data_reaches():
    assert absence("Pharmacies", 2000, None) == "No pharmacies mapped within 2 km"
    assert absence("Pharmacies", 2000, 2500) == "No pharmacies mapped within 2 km"
    assert absence("Pharmacies", 2000, 1234) == (
        "Pharmacies: not mapped within the area covered by the data (1.2 km)")
    assert absence("GP surgeries", 2000, 0) == (
        "GP surgeries: not mapped within the area covered by the data (0 m)")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["category", "name", "distance_m", "basis", "status", "label"])


def test_missing_sentences_follow_the_country_and_the_data():
    _rows, uk = help_lists(_empty(), UK, covered_m=10_000)
    text = "\n".join(uk)
    assert "No GP surgeries mapped within 2 km — note the NHS 111 number" in text
    assert "No A&E (emergency department) mapped within 25 km" not in text  # data < 25 km
    assert "A&E (emergency department): not mapped within the area covered by the data " \
           "(10 km) — look up the nearest A&E on the NHS website" in text
    assert "call 999 in an emergency, 101 otherwise" in text
    assert "Other hospitals" not in text  # nothing to tell a leader about those
    _rows, elsewhere = help_lists(_empty(), NEUTRAL, covered_m=None)
    text = "\n".join(elsewhere)
    assert "No emergency department mapped within 25 km" in text
    assert "call 112 in an emergency" in text
    for uk_word in ("NHS", "999", "111", "101", "defibfinder", "A&E"):
        assert uk_word not in text
