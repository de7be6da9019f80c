"""Authority names and codes, from the real ONS lookup (shared data): exact, loose, by code,
ambiguous, misspelt (suggestions), and never a wrong match."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_mirror import SHARED, require_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.fetch.authorities import (
    UnknownAuthorityError,
    authorities_from_lookup,
    normalise,
    resolve,
)


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    path = require_shared(SHARED / "boundaries" / "lookup_lsoa11_lsoa21_ltla22_ew.csv.gz")
    df = pd.read_csv(path, dtype=str).rename(columns={"ltla22_code": "LAD22CD",
                                                      "ltla22_name": "LAD22NM"})
    return authorities_from_lookup(df)


def test_list_is_the_english_districts_of_the_lookup(table):
    assert len(table) == 309  # LAD 2022 in England: 59 E06 + 181 E07 + 36 E08 + 33 E09
    assert table["code"].str[:3].isin(["E06", "E07", "E08", "E09"]).all()
    assert table["code"].is_unique
    assert dict(zip(table["code"], table["name"], strict=True))["E06000046"] == "Isle of Wight"


@pytest.mark.parametrize("query", ["Isle of Wight", "isle of wight", "  ISLE  OF WIGHT ",
                                   "E06000046", "e06000046"])
def test_the_island_by_name_code_or_unique_part(table, query):
    assert resolve(query, table).code == "E06000046"


def test_punctuation_and_ampersands_do_not_matter(table):
    assert resolve("bristol city of", table).name == "Bristol, City of"
    assert resolve("Bristol", table).name == "Bristol, City of"
    assert resolve("Herefordshire", table).name == "Herefordshire, County of"
    assert resolve("Brighton & Hove", table).name == "Brighton and Hove"


def test_misspelt_name_suggests_the_closest(table):
    with pytest.raises(UnknownAuthorityError, match="Did you mean: Isle of Wight") as err:
        resolve("Isle of Wite", table)
    assert err.value.suggestions[0] == "Isle of Wight"


def test_part_of_a_name_is_never_taken_silently(table):
    with pytest.raises(UnknownAuthorityError, match="part of the name of East Hampshire") as err:
        resolve("Hampshire", table)  # the county is not a district
    assert err.value.suggestions == ("East Hampshire",)
    with pytest.raises(UnknownAuthorityError, match=r"Isle of Wight \(E06000046\)"):
        resolve("Wight", table)
    with pytest.raises(UnknownAuthorityError) as err:
        resolve("North", table)
    assert len(err.value.suggestions) > 8 and "more" in str(err.value)


@pytest.mark.parametrize("query,message", [
    ("W06000001", "not an English local authority"),
    ("E06999999", "no English local authority has the code"),
    ("", "give a local authority name or code"),
    ("Atlantis", "no English local authority is called 'Atlantis'"),
])
def test_unknowns_say_why(table, query, message):
    with pytest.raises(UnknownAuthorityError, match=message):
        resolve(query, table)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_listed_name_and_code_resolves_to_itself(table, data):
    row = table.iloc[data.draw(st.integers(0, len(table) - 1))]
    assert resolve(row["name"], table).code == row["code"]
    assert resolve(row["code"].lower(), table).code == row["code"]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40))
def test_any_text_resolves_or_says_why(table, text):
    try:
        got = resolve(text, table)
    except UnknownAuthorityError as err:
        assert str(err)
    else:
        words = normalise(text)
        assert words in (normalise(got.name), normalise(got.name).removesuffix(" city of"),
                         normalise(got.name).removesuffix(" county of")) or (
            text.strip().upper() == got.code)
