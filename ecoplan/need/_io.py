"""Reading user tables (CSV, gzip) and shared validation helpers for the need layers."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecoplan.compressed import check_expanded_size, compression_of, open_input
from ecoplan.errors import InputFileError
from ecoplan.settings import need as need_cfg

TableSource: TypeAlias = str | Path | pd.DataFrame

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def norm(col: object) -> str:
    """Header as compared: BOM dropped, lower case, white space collapsed."""
    return " ".join(str(col).replace("\ufeff", "").strip().lower().split())


def read_table(source: TableSource, *, what: str) -> pd.DataFrame:
    """Read a CSV (optionally .gz/.bz2/.xz/.zip) into strings-as-read; ``what`` names it in
    errors.

    ``utf-8-sig`` drops the byte-order mark gov.uk CSV exports carry; ``thousands=","`` reads
    quoted ``"29,199"`` as 29199. Codes are kept as text (``dtype=str`` for the first pass is
    avoided so numbers stay numbers; code columns are cast by the callers). A compressed file
    is first decompressed and counted without keeping anything, then parsed through the
    capped stream of :func:`ecoplan.compressed.open_input`: one that expands past the table
    cap is refused with bounded memory.
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    name = path.name
    if not path.exists():
        raise InputFileError(f"{what}: file not found: {path}. Check the path and try again.")
    if path.is_dir():
        raise InputFileError(f"{what}: {path} is a folder; give the CSV file inside it.")
    if name.lower().endswith(EXCEL_SUFFIXES):
        raise InputFileError(
            f"{what}: {name} is a spreadsheet; ecoplan reads CSV only (no Excel reader is "
            "installed). Open it and save the sheet as 'CSV UTF-8', then use that file."
        )
    try:
        if compression_of(path) is not None:
            # Count first, keeping nothing: a bomb is refused before pandas parses a byte of
            # it (parsing up to the cap would hold ≈ 1.7 × the cap in memory).
            check_expanded_size(path, "table")
        try:
            df = _read_csv(path, "utf-8-sig")
        except UnicodeDecodeError:
            df = _read_csv(path, "cp1252")
    except InputFileError as err:
        raise InputFileError(f"{what}: {err}") from None
    except pd.errors.EmptyDataError as err:
        raise InputFileError(f"{what}: {name} is empty; give the CSV with a header row.") from err
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, csv.Error) as err:
        raise InputFileError(
            f"{what}: {name} could not be read as CSV ({str(err).splitlines()[0]}); "
            "check it is a comma-separated text file (gzip allowed)."
        ) from err
    if df.empty:
        raise InputFileError(f"{what}: {name} has a header but no rows; give the full file.")
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    return df


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    with open_input(path, "table") as stream:
        return pd.read_csv(stream, encoding=encoding, thousands=",", low_memory=False)


def find_column(columns: Iterable[str], *candidates: str, prefix: bool = False) -> str | None:
    """First column whose normalised name equals (or starts with) a normalised candidate."""
    cols = list(columns)
    normed = {c: norm(c) for c in cols}
    for cand in candidates:
        want = norm(cand)
        for col in cols:
            if normed[col] == want or (prefix and normed[col].startswith(want)):
                return col
    return None


def _code_text(v: object) -> object:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = str(v).strip()
    return text or None


def codes_as_text(values: pd.Series) -> pd.Series:
    """Area codes as stripped strings (numbers read from CSV lose their '.0'); missing ones
    NaN (None when no code is left).

    One list comprehension with a fast lane for plain strings rather than ``Series.map``: a
    national IoD file has 33k codes per file (issue 16: 0.1 s of every cold run)."""
    if not (values.dtype == object or values.dtype == "str"):  # e.g. numbers, "string"
        return values.map(_code_text).astype(object)
    mapped = [(v.strip() or None) if type(v) is str else _code_text(v)
              for v in values.to_numpy(dtype=object)]
    arr = np.empty(len(mapped), dtype=object)
    arr[:] = mapped
    return pd.Series(arr, index=values.index, name=values.name).astype(object)


#: ``settings.need.LSOA_CODE`` with ASCII digits, for RE2 (whose ``$`` is the end of the text):
#: every code it matches, ``LSOA_CODE`` matches.
_ASCII_LSOA_CODE = need_cfg.LSOA_CODE.pattern.replace(r"\d", "[0-9]")


def non_lsoa_codes(codes: pd.Series) -> list[str]:
    r"""Codes that do not look like E01…/W01… LSOA codes (``settings.need.LSOA_CODE``).

    Why two passes: pyarrow's RE2 tests all 33k codes of a national file at once with
    :data:`_ASCII_LSOA_CODE`, whose matches ``LSOA_CODE`` matches too; Python's ``re`` then
    judges only the rest (its ``\d`` also takes other scripts' digits, its ``$`` a final
    newline), so the answer is ``LSOA_CODE``'s (issue 16: 0.04 s a file)."""
    match = need_cfg.LSOA_CODE.match
    filled = codes.fillna("").to_numpy(dtype=object)
    try:
        text = pa.array(filled, type=pa.string())
    except (pa.ArrowException, TypeError):  # not all text: Python's re judges every code
        ok = np.zeros(len(filled), dtype=bool)
    else:
        ok = pc.match_substring_regex(text, _ASCII_LSOA_CODE).to_numpy(
            zero_copy_only=False).astype(bool)
    for i in np.flatnonzero(~ok):
        c = filled[i]
        ok[i] = match(c) is not None if type(c) is str else bool(match(str(c)))
    return [str(c) for c in codes[~ok]]


def in_table(codes: pd.Series, among: pd.Series) -> pd.Series:
    """``codes.isin(among)``, through pandas' object hash table: the str dtype's own ``isin``
    builds one pyarrow scalar per value of ``among`` (0.1 s for the 33k codes of a national
    IoD table, twice per cold run; issue 16). Codes are never missing on the table side."""
    return codes.astype(object).isin(among.astype(object))


def examples(items: Iterable[object], n: int = 5) -> str:
    """'a, b, c (+12 more)' for messages."""
    items = list(items)
    shown = ", ".join(str(i) for i in items[:n])
    return shown + (f" (+{len(items) - n} more)" if len(items) > n else "")


def to_number(values: pd.Series, *, what: str, column: str) -> pd.Series:
    """Numbers from a column, raising when non-empty cells are not numeric or not finite
    ('inf', '1e400'); empty cells stay NaN, meaning unknown."""
    if pd.api.types.is_bool_dtype(values):
        raise InputFileError(f"{what}: column '{column}' holds true/false values, not numbers; "
                             "choose another column.")
    if pd.api.types.is_numeric_dtype(values):
        out = values.astype(float)
    else:
        text = values.astype(object).map(
            lambda v: str(v).replace(",", "").strip() if v is not None
            and not (isinstance(v, float) and pd.isna(v)) else None)
        out = pd.to_numeric(text, errors="coerce")
        bad = text.notna() & (text != "") & out.isna()
        if bad.any():
            raise InputFileError(
                f"{what}: column '{column}' must be numeric but has text such as "
                f"{examples(sorted(set(text[bad].astype(str))), 3)}; fix those cells or choose "
                "another column."
            )
        out = out.astype(float)
    infinite = np.isinf(out.to_numpy(float))
    if infinite.any():
        rows = [int(i) + 2 for i in np.flatnonzero(infinite)]  # + header, 1-based
        raise InputFileError(
            f"{what}: column '{column}' has {int(infinite.sum())} infinite value(s) (e.g. "
            f"'inf' or a number too large, in row {examples(rows, 3)}); fix those cells."
        )
    return out


def check_counts(values: pd.Series, *, what: str, column: str) -> pd.Series:
    """``values`` (from :func:`to_number`) as head counts: none may be negative."""
    negative = values < 0
    if negative.any():
        raise InputFileError(
            f"{what}: column '{column}' has {int(negative.sum())} negative value(s) such as "
            f"{examples(sorted(set(values[negative])), 3)}; a population cannot be negative — "
            "check the column and the file."
        )
    return values


def decile_from_rank(rank: pd.Series, n_ranked: int) -> pd.Series:
    """IoD deciles are rank bands of N/10: decile = ceil(rank * 10 / N) (1 = most deprived)."""
    return pd.Series(np.clip(np.ceil(rank.to_numpy(float) * need_cfg.N_DECILES / n_ranked), 1,
                             need_cfg.N_DECILES), index=rank.index, dtype=float)
