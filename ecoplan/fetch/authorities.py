"""English local authorities by name or GSS code, from the ONS LSOA lookup (OGL v3).

The list is not typed by hand: it is the distinct (``LAD22CD``, ``LAD22NM``) pairs of the ONS
"LSOA (2011) to LSOA (2021) to Local Authority District (2022)" lookup that ``ecoplan data
get`` downloads anyway (English codes only: E06, E07, E08, E09 — the IoD covers England). So
the names match the LSOAs we cut the data to, and the list is as current as that lookup
(LAD 2022: before the April 2023 mergers in Cumbria, North Yorkshire and Somerset).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

import pandas as pd

from ecoplan.errors import EcoplanError
from ecoplan.settings import fetch as fetch_cfg

_GSS = re.compile(r"^[EWSN]\d{8}$")


class UnknownAuthorityError(EcoplanError):
    """No authority matches; ``suggestions`` holds the closest names."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


@dataclass(frozen=True)
class Authority:
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def authorities_from_lookup(lookup: pd.DataFrame) -> pd.DataFrame:
    """``code, name`` of the English authorities in an ONS lookup (``LAD22CD``/``LAD22NM``)."""
    cols = {c.upper(): c for c in lookup.columns}
    code_col = cols.get("LAD22CD") or cols.get("LTLA22_CODE")
    name_col = cols.get("LAD22NM") or cols.get("LTLA22_NAME")
    if code_col is None or name_col is None:
        raise EcoplanError("the LSOA lookup has no LAD22CD/LAD22NM columns, so the list of "
                           "authorities cannot be made — check 'fields' of lsoa_lookup in the "
                           "data catalogue")
    table = (lookup[[code_col, name_col]].dropna().astype(str)
             .rename(columns={code_col: "code", name_col: "name"})
             .drop_duplicates("code"))
    table = table[table["code"].str.startswith(fetch_cfg.ENGLISH_LAD_PREFIXES)]
    return table.sort_values("name", key=lambda s: s.str.casefold()).reset_index(drop=True)


def normalise(text: str) -> str:
    """Name as compared: case-folded, '&' → 'and', punctuation dropped, spaces collapsed."""
    text = str(text).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def resolve(query: str, table: pd.DataFrame) -> Authority:
    """The authority ``query`` names (a GSS code, or a name typed loosely), else an error that
    says why and suggests the closest names."""
    text = " ".join(str(query).split())
    if not text:
        raise UnknownAuthorityError("give a local authority name or code, e.g. --la "
                                    "\"Isle of Wight\" or --la E06000046")
    codes = dict(zip(table["code"], table["name"], strict=True))
    if _GSS.match(text.upper()):
        code = text.upper()
        if code in codes:
            return Authority(code, codes[code])
        if not code.startswith(fetch_cfg.ENGLISH_LAD_PREFIXES):
            raise UnknownAuthorityError(
                f"{code} is not an English local authority district code (E06…, E07…, E08…, "
                "E09…) — the English Indices of Deprivation cover England only")
        raise UnknownAuthorityError(
            f"no English local authority has the code {code} in the ONS lookup (LAD 2022) — "
            "check the code, or give the name")
    by_norm = {normalise(n): (c, n) for c, n in codes.items()}
    by_norm.update({short: by_norm[k] for k in list(by_norm)
                    if (short := _short(k)) != k and short not in by_norm})
    want = normalise(text)
    if want in by_norm:
        code, name = by_norm[want]
        return Authority(code, name)
    # A part of a name is never taken silently ("Hampshire" is not "East Hampshire"): say which
    # names contain it.
    hits = sorted({by_norm[k] for k in by_norm if want and want in k}, key=lambda t: t[1])
    if hits:
        names = tuple(n for _, n in hits)
        shown = "; ".join(f"{n} ({c})" for c, n in hits[:8])
        more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
        raise UnknownAuthorityError(f"'{text}' is part of the name of {shown}{more} — give the "
                                    "full name or the code", names)
    close = suggest(text, table)
    hint = f" Did you mean: {'; '.join(close)}?" if close else ""
    raise UnknownAuthorityError(
        f"no English local authority is called '{text}'.{hint} (A GSS code such as E06000046 "
        "works too; `ecoplan data authorities` lists them.)", tuple(close))


_SUFFIXES = (" city of", " county of")


def _short(key: str) -> str:
    """'bristol city of' → 'bristol': ONS writes some names as 'Bristol, City of'."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def suggest(text: str, table: pd.DataFrame, n: int = fetch_cfg.SUGGESTIONS) -> list[str]:
    """The closest authority names to ``text`` (best first)."""
    names = list(table["name"])
    by_norm = {normalise(x): x for x in names}
    close = difflib.get_close_matches(normalise(text), list(by_norm), n=n,
                                      cutoff=fetch_cfg.SUGGEST_CUTOFF)
    return [by_norm[c] for c in close]


__all__ = ["Authority", "UnknownAuthorityError", "authorities_from_lookup", "normalise",
           "resolve", "suggest"]
