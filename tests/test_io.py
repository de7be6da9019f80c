"""Atomic writes and spreadsheet-safe CSV."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.errors import OutputFileError
from ecoplan.io import FORMULA_PREFIXES, atomic_path, csv_safe, write_csv, write_text


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "plan.txt"
    write_text(target, "first")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.txt"]


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputFileError, match="does not exist"):
        write_text(tmp_path / "nope" / "x.txt", "x")


def test_formula_cells_are_neutralised(tmp_path):
    df = pd.DataFrame({"name": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "Park"],
                       "n": [1, 2, 3, 4, 5]})
    out = tmp_path / "x.csv"
    write_csv(out, df)
    back = pd.read_csv(out)
    assert back.name.tolist() == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "Park"]
    assert back.n.tolist() == [1, 2, 3, 4, 5]  # numbers untouched


@given(st.text(max_size=30))
def test_no_text_cell_starts_with_a_formula_prefix(value):
    cell = csv_safe(pd.DataFrame({"c": [value]})).c.iloc[0]
    assert not cell.startswith(FORMULA_PREFIXES)
    assert cell.lstrip("'") == value.lstrip("'") or cell == "'" + value
