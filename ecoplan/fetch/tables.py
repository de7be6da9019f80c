"""National tables (IoD spreadsheets and CSVs) → checked CSV → the rows of one authority.

gov.uk publishes IoD 2019 Files 1, 2 and 6 as spreadsheets; ecoplan's readers take CSV, so a
downloaded sheet is converted once (openpyxl, read-only streaming) into a national CSV kept
beside it. Every national table is checked against the catalogue's expected ``columns`` before
use, so a renamed column upstream gives a message naming the source instead of a wrong
result. Cutting keeps the rows whose LSOA code belongs to the authority, as text, unchanged.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ecoplan.errors import ServiceError
from ecoplan.fetch.catalogue import Source
from ecoplan.io import atomic_path
from ecoplan.need._io import examples, find_column, norm

#: Rows searched for the header when a sheet starts with a title (our choice).
HEADER_SEARCH_ROWS = 10


def xlsx_to_csv(source: Source, xlsx: Path, dest: Path) -> Path:
    """Write the sheet holding ``source.code_column`` as CSV (UTF-8) at ``dest``, atomically."""
    import openpyxl  # imported here: only spreadsheet sources need it

    try:
        book = openpyxl.load_workbook(xlsx, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - zip/XML errors of a damaged download
        raise ServiceError(f"{source.title} ({source.id}): the downloaded file is not a "
                           f"readable spreadsheet ({type(err).__name__}) — download it again "
                           "with --refresh") from None
    try:
        names = ([source.sheet] if source.sheet in book.sheetnames else []) + [
            n for n in book.sheetnames if n != source.sheet]
        for name in names:
            rows = book[name].iter_rows(values_only=True)
            head = _find_header(rows, source.code_column)
            if head is None:
                continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(dest) as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
                out = csv.writer(fh)
                out.writerow(head)
                width = len(head)
                for row in rows:
                    if row is None or all(v is None for v in row):
                        continue
                    out.writerow([_cell(v) for v in row[:width]])
            return dest
    finally:
        book.close()
    raise ServiceError(f"{source.title} ({source.id}): no sheet has the column "
                       f"'{source.code_column}' (sheets: {', '.join(book.sheetnames)}) — the "
                       "publisher may have changed the file; check the data catalogue")


def _find_header(rows: Iterable[tuple], code_column: str) -> list[str] | None:
    want = norm(code_column)
    for _, row in zip(range(HEADER_SEARCH_ROWS), rows, strict=False):
        cells = ["" if v is None else str(v) for v in row]
        if any(norm(c) == want for c in cells):
            while cells and cells[-1] == "":
                cells.pop()
            return cells
    return None


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_national(source: Source, path: Path) -> pd.DataFrame:
    """A national CSV as text, its header checked against ``source.columns``."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                         low_memory=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError,
            OSError) as err:
        raise ServiceError(f"{source.title} ({source.id}): the downloaded file is not a "
                           f"readable CSV ({type(err).__name__}) — download it again with "
                           "--refresh") from None
    check_columns(source, list(df.columns))
    return df


def check_columns(source: Source, columns: list[str]) -> None:
    """Raise naming the source when an expected column (prefix match) is absent."""
    expected = list(source.columns) + ([source.code_column] if source.code_column else [])
    missing = [c for c in expected if find_column(columns, c, prefix=True) is None]
    if missing:
        raise ServiceError(
            f"{source.title} ({source.id}): expected column(s) "
            f"{', '.join(repr(c) for c in dict.fromkeys(missing))} not found — the publisher "
            f"may have renamed them (columns now: {examples(columns, 6)}); update 'columns' "
            "in the data catalogue or report it")


def cut(source: Source, national: pd.DataFrame, codes: Iterable[str], dest: Path) -> int:
    """Write the rows of ``national`` whose code is in ``codes`` to ``dest``; return the count."""
    col = find_column(national.columns, source.code_column, prefix=True)
    assert col is not None  # checked by read_national
    wanted = set(codes)
    part = national[national[col].str.strip().isin(wanted)]
    if part.empty:
        raise ServiceError(f"{source.title} ({source.id}) has no row for any of the "
                           f"{len(wanted)} LSOAs of this authority — is it the right edition?")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        part.to_csv(tmp, index=False, encoding="utf-8")
    return len(part)


__all__ = ["check_columns", "cut", "read_national", "xlsx_to_csv"]
