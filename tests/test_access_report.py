"""The printed forms of the gap priorities (``ecoplan.access.report``)."""

from __future__ import annotations

import pandas as pd

from ecoplan.access.report import priority_title


def test_priority_title_counts_and_reads_as_a_sentence_when_empty() -> None:
    two = priority_title(pd.DataFrame({"area_code": ["a", "b"]}), "confirmed", 3)
    assert "2 area(s) in tiers 1–2" in two and "decile ≤ 3" in two
    assert two.endswith(":")  # the list follows
    none = priority_title(pd.DataFrame({"area_code": []}), "all", 2)
    assert "no area in tiers 1–2" in none and "decile ≤ 2" in none
    assert none.endswith(".") and "0 area" not in none
