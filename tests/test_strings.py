"""Python strings for a run: object columns inside, pandas' own type after, no warning."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from ecoplan import strings
from ecoplan.strings import python_strings


def test_object_columns_inside_and_pandas_type_after():
    before = pd.Series(["gate", "stile"]).dtype
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the switch's deprecation notice does not escape
        with python_strings():
            inside = pd.Series(["gate", "stile"])
            assert inside.dtype == object
            assert list(inside.str.upper()) == ["GATE", "STILE"]
    assert pd.Series(["gate", "stile"]).dtype == before


def test_setting_back_after_an_error():
    before = pd.Series(["gate"]).dtype
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(RuntimeError), python_strings():
            assert pd.Series(["gate"]).dtype == object
            raise RuntimeError("boom")
    assert pd.Series(["gate"]).dtype == before


def test_a_pandas_without_the_switch_runs_unchanged(monkeypatch):
    def gone(*args, **kwargs):
        raise pd.errors.OptionError("No such keys(s): 'future.infer_string'")

    monkeypatch.setattr(strings.pd, "get_option", gone)
    with python_strings():
        assert pd.Series(["a"]).dtype == pd.Series(["b"]).dtype  # whatever pandas infers
