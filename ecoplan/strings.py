"""Text held as Python strings (NumPy object columns) for bulk work (cold runs, issue 16).

Why: pandas 3 stores text in Arrow-backed ``str`` columns. A cold access run reads the OSM
layers and builds the sites with hundreds of small masks, comparisons and ``.str`` calls on
tag columns of a few thousand to 50,000 rows, and each one converts between Arrow and NumPy.
With text inferred as Python strings instead, the read and sites steps took about 0.4 s less
CPU on the Isle of Wight (``benchmarks/bench_cold_steps.py``) and every output stayed the
same to the byte (the values are the same strings; only the column type differs).

pandas 3 documents the switch (``future.infer_string``) for code moving to the new type and
warns that pandas 4 removes it; there this block does nothing and the run is as before.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd

_SWITCH = "future.infer_string"


@contextmanager
def python_strings() -> Iterator[None]:
    """Frames made inside the block infer text as object columns; pandas' own setting is back
    after it (also on an error). Where pandas no longer has the switch, nothing changes."""
    before = _switch(False)
    try:
        yield
    finally:
        if before is not None:
            _switch(before)


def _switch(value: bool) -> bool | None:
    """Set pandas' text inference switch; its former value, or None where it is gone. Its
    deprecation notice is for this very use, not the user's concern, so it is not shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            before = bool(pd.get_option(_SWITCH))
            pd.set_option(_SWITCH, value)
        except (KeyError, pd.errors.OptionError):  # pandas 4: the switch is gone
            return None
    return before
