"""Population per area: IoD 2019 File 6 or any CSV with an area code and a count.

Returns ``area_code, population`` (float, NaN where a cell was empty) with
``attrs['vintage']`` = '2011'/'2021' when the file says which LSOA vintage it uses.
"""

from __future__ import annotations

import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.need._io import (
    TableSource,
    check_counts,
    codes_as_text,
    examples,
    find_column,
    read_table,
    to_number,
)
from ecoplan.need.iod import read_iod_file
from ecoplan.settings import need as need_cfg

WHAT = "Population file"
_VALUE_COLUMNS = ("population", "total population", "pop", "usual residents", "count", "value")


def read_population(source: TableSource, *, code_column: str | None = None,
                    value_column: str | None = None) -> pd.DataFrame:
    """Read a population table; IoD File 6 is recognised from its header."""
    df = read_table(source, what=WHAT)
    if code_column is None and value_column is None:
        try:
            iod = read_iod_file(df)
        except InputFileError:
            iod = None
        if iod is not None and iod.kind == "population":
            out = iod.table[["area_code", "population"]].copy()
            out.attrs["vintage"] = iod.vintage
            out.attrs["warnings"] = list(iod.warnings)
            return out
    cols = list(df.columns)
    code = find_column(cols, code_column) if code_column else find_column(
        cols, *need_cfg.BOUNDARY_CODE_COLUMNS, "lsoa code (2011)", "lsoa code (2021)")
    if code is None:
        raise InputFileError(
            f"{WHAT}: no area code column{f' {code_column!r}' if code_column else ''} "
            f"(columns: {examples(cols, 8)}); give a CSV with area_code,population or IoD "
            "2019 File 6."
        )
    value = find_column(cols, value_column) if value_column else find_column(
        cols, *_VALUE_COLUMNS, prefix=True)
    if value is None:
        raise InputFileError(
            f"{WHAT}: no population column{f' {value_column!r}' if value_column else ''} "
            f"(columns: {examples(cols, 8)}); name the column that holds the head count."
        )
    out = pd.DataFrame({"area_code": codes_as_text(df[code]),
                        "population": to_number(df[value], what=WHAT, column=value)})
    out = out.dropna(subset=["area_code"])
    check_counts(out["population"], what=WHAT, column=value)
    dup = out["area_code"][out["area_code"].duplicated()]
    if len(dup):
        raise InputFileError(f"{WHAT}: codes appear more than once ({examples(sorted(set(dup)))});"
                             " give one row per area.")
    low = code.lower()
    out.attrs["vintage"] = ("2011" if "11" in low else "2021" if "21" in low else None)
    out.attrs["warnings"] = []
    return out.reset_index(drop=True)
