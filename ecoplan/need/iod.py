"""English Indices of Deprivation loaders (IoD 2019 Files 1/2/6, IoD 2025) → one tidy table.

Which file is which is told from its header, so users can hand over whatever they downloaded.
Tidy schema (one row per LSOA, ``attrs['warnings']`` lists what was odd but usable)::

    area_code, area_name, lad_code, lad_name, imd_rank, imd_decile, imd_score,
    population, edition, <domain>_rank, <domain>_decile, <domain>_score ...

``imd_score`` is NaN for IoD 2019 (Files 1/2 carry ranks and deciles only); ``population`` is
NaN unless a population file (IoD 2019 File 6) was given. Rank 1 / decile 1 = most deprived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.messages import LOOKUP, hinted
from ecoplan.need._io import (
    TableSource,
    check_counts,
    codes_as_text,
    examples,
    find_column,
    non_lsoa_codes,
    norm,
    read_table,
    to_number,
)
from ecoplan.settings import need as need_cfg

WHAT = "Deprivation file"
CORE_COLUMNS = ["area_code", "area_name", "lad_code", "lad_name", "imd_rank", "imd_decile",
                "imd_score", "population", "edition"]

EXPECTED = (
    "expected IoD 2019 File 1 or File 2 ('LSOA code (2011)', 'Index of Multiple Deprivation "
    "(IMD) Rank', '... Decile'), IoD 2019 File 6 ('Total population: mid 2015 ...') or IoD 2025 "
    "('lsoa21_code', 'IMD_rank', 'IMD_decile', 'IMD_score'); download them from gov.uk "
    "'English indices of deprivation' (File 1, 2 or 6) as CSV"
)

_GOVUK_CODE = re.compile(r"^lsoa code \((20\d\d)\)$")
_GOVUK_NAME = re.compile(r"^lsoa name \((20\d\d)\)$")
_HUMANIVERSE_CODE = re.compile(r"^lsoa(\d\d)_code$")


@dataclass(frozen=True)
class IodFile:
    """One IoD file, normalised. ``kind`` is 'ranks' or 'population'."""

    kind: str
    edition: str  # 'IoD2019' | 'IoD2025'
    layout: str  # e.g. 'IoD2019 File 2', for messages
    table: pd.DataFrame
    warnings: tuple[str, ...] = ()

    @property
    def vintage(self) -> str:
        """LSOA vintage of the codes ('2011' | '2021')."""
        return need_cfg.EDITION_VINTAGE[self.edition]


def read_iod_file(source: TableSource, *, name: str | None = None) -> IodFile:
    """Read one IoD CSV (or DataFrame), detect its layout from the header and normalise it."""
    label = name or (Path(source).name if isinstance(source, str | Path) else "table")
    df = read_table(source, what=WHAT)
    cols = list(df.columns)
    govuk_code = next((c for c in cols if _GOVUK_CODE.match(norm(c))), None)
    hv_code = next((c for c in cols if _HUMANIVERSE_CODE.match(norm(c))), None)
    if govuk_code is not None:
        year = _GOVUK_CODE.match(norm(govuk_code)).group(1)  # type: ignore[union-attr]
        edition = _edition_for_vintage(year, label)
        out, kind, layout = _govuk(df, govuk_code, edition)
    elif hv_code is not None:
        year = "20" + _HUMANIVERSE_CODE.match(norm(hv_code)).group(1)  # type: ignore[union-attr]
        edition = _edition_for_vintage(year, label)
        out, kind, layout = _humaniverse(df, hv_code, edition, label)
    else:
        raise InputFileError(
            f"{WHAT} {label}: no LSOA code column found (columns: {examples(cols, 6)}); "
            f"{EXPECTED}."
        )
    warnings = _validate_codes(out, label)
    out["edition"] = edition
    out = _order(out)
    out.attrs["warnings"] = list(warnings)
    return IodFile(kind=kind, edition=edition, layout=layout, table=out,
                   warnings=tuple(warnings))


def load_iod(*sources: TableSource) -> pd.DataFrame:
    """Read one or more IoD files of one edition and return the tidy table.

    Give a ranks file (File 1, File 2 or IoD 2025) and optionally a population file of the
    same LSOA vintage (File 6 for IoD 2019). With File 1 and File 2 both given, File 2's domain
    columns are added. Population on another vintage (File 6 with IoD 2025) must go through
    :func:`ecoplan.need.areas.build_areas` with the ONS lookup instead.
    """
    if not sources:
        raise InputFileError(f"{WHAT}: no file given; {EXPECTED}.")
    files = [read_iod_file(s) for s in sources]
    ranks = [f for f in files if f.kind == "ranks"]
    pops = [f for f in files if f.kind == "population"]
    if not ranks:
        raise InputFileError(
            f"{WHAT}: only population files were given ({', '.join(f.layout for f in pops)}); "
            "add the ranks file too (IoD 2019 File 1 or 2, or IoD 2025)."
        )
    editions = {f.edition for f in ranks}
    if len(editions) > 1:
        raise InputFileError(
            f"{WHAT}: files from different editions ({', '.join(sorted(editions))}); load one "
            "edition at a time."
        )
    # Most columns first (File 2 beats File 1), then add what others bring.
    ranks.sort(key=lambda f: -f.table.notna().sum().sum())
    table = ranks[0].table
    warnings = list(ranks[0].warnings)
    for extra in ranks[1:]:
        new = [c for c in extra.table.columns if c not in table.columns or
               table[c].isna().all()]
        if new:
            table = table.drop(columns=[c for c in new if c in table.columns]).merge(
                extra.table[["area_code", *new]], on="area_code", how="left")
        warnings.extend(extra.warnings)
    for pop in pops:
        if pop.vintage != ranks[0].vintage:
            raise hinted(InputFileError(
                f"{WHAT}: population file {pop.layout} uses LSOA {pop.vintage} codes but "
                f"{ranks[0].layout} uses LSOA {ranks[0].vintage}; the population must be "
                "matched through the ONS LSOA 2011→2021 lookup"), LOOKUP)
        merged = table.drop(columns=["population"]).merge(
            pop.table[["area_code", "population"]], on="area_code", how="left")
        missing = merged["population"].isna().sum()
        if missing:
            warnings.append(f"{missing} areas have no population in {pop.layout}; their "
                            "population is left unknown (NaN).")
        table = merged
        warnings.extend(pop.warnings)
    table = _order(table)
    table.attrs["warnings"] = warnings
    return table


# --- layouts ----------------------------------------------------------------------------------


def _edition_for_vintage(year: str, label: object) -> str:
    for edition, vintage in need_cfg.EDITION_VINTAGE.items():
        if vintage == year:
            return edition
    raise InputFileError(
        f"{WHAT} {label}: LSOA {year} codes are not a known IoD edition; {EXPECTED}."
    )


def _govuk(df: pd.DataFrame, code_col: str, edition: str) -> tuple[pd.DataFrame, str, str]:
    """gov.uk CSV exports: Files 1/2 (ranks, deciles) and File 6 (population denominators)."""
    cols = list(df.columns)
    out = pd.DataFrame({"area_code": codes_as_text(df[code_col])})
    name_col = next((c for c in cols if _GOVUK_NAME.match(norm(c))), None)
    out["area_name"] = df[name_col].astype(object) if name_col else None
    lad_code = find_column(cols, "local authority district code", prefix=True)
    lad_name = find_column(cols, "local authority district name", prefix=True)
    out["lad_code"] = df[lad_code].astype(object) if lad_code else None
    out["lad_name"] = df[lad_name].astype(object) if lad_name else None
    rank = find_column(cols, need_cfg.IOD2019_IMD_RANK, prefix=True)
    decile = find_column(cols, need_cfg.IOD2019_IMD_DECILE, prefix=True)
    pop = find_column(cols, need_cfg.IOD2019_POPULATION, "total population", prefix=True)
    label = f"{edition} File"
    if rank and decile:
        out["imd_rank"] = to_number(df[rank], what=WHAT, column=rank)
        out["imd_decile"] = to_number(df[decile], what=WHAT, column=decile)
        score = find_column(cols, "index of multiple deprivation (imd) score", prefix=True)
        out["imd_score"] = to_number(df[score], what=WHAT, column=score) if score else np.nan
        out["population"] = np.nan
        n_domains = 0
        for prefix, key in need_cfg.IOD2019_DOMAINS.items():
            for part in ("rank", "decile", "score"):
                col = find_column(cols, f"{prefix} {part}", prefix=True)
                if col:
                    out[f"{key}_{part}"] = to_number(df[col], what=WHAT, column=col)
                    n_domains += 1
        _check_ranks(out, rank, decile, edition)
        return out, "ranks", f"{label} {'2' if n_domains else '1'}"
    if pop:
        out["population"] = to_number(df[pop], what=WHAT, column=pop)
        check_counts(out["population"], what=WHAT, column=pop)
        return out, "population", f"{label} 6"
    raise InputFileError(
        f"{WHAT}: has LSOA codes but neither the IMD rank/decile nor a total population column "
        f"(columns: {examples(cols, 8)}); {EXPECTED}."
    )


def _humaniverse(df: pd.DataFrame, code_col: str, edition: str,
                 label: object) -> tuple[pd.DataFrame, str, str]:
    """humaniverse/IMD CSV conversions: ``lsoa21_code``, ``IMD_rank/_decile/_score``, domains."""
    cols = list(df.columns)
    rank = find_column(cols, "IMD_rank")
    decile = find_column(cols, "IMD_decile")
    if not (rank and decile):
        raise InputFileError(
            f"{WHAT} {label}: has '{code_col}' but no 'IMD_rank'/'IMD_decile' columns (this looks "
            f"like a sub-domain or indicator table, columns: {examples(cols, 6)}); {EXPECTED}."
        )
    out = pd.DataFrame({"area_code": codes_as_text(df[code_col])})
    name_col = find_column(cols, code_col.replace("code", "name"))
    out["area_name"] = df[name_col].astype(object) if name_col else None
    out["lad_code"] = None
    out["lad_name"] = None
    out["imd_rank"] = to_number(df[rank], what=WHAT, column=rank)
    out["imd_decile"] = to_number(df[decile], what=WHAT, column=decile)
    score = find_column(cols, "IMD_score")
    out["imd_score"] = to_number(df[score], what=WHAT, column=score) if score else np.nan
    out["population"] = np.nan
    for prefix, key in need_cfg.IOD2025_DOMAINS.items():
        for part in ("rank", "decile", "score"):
            col = find_column(cols, f"{prefix}_{part}")
            if col:
                out[f"{key}_{part}"] = to_number(df[col], what=WHAT, column=col)
    _check_ranks(out, rank, decile, edition)
    return out, "ranks", f"{edition} (humaniverse)"


def _check_ranks(out: pd.DataFrame, rank: str, decile: str, edition: str) -> None:
    dec = out["imd_decile"].dropna()
    if len(dec) and (~dec.isin(range(1, need_cfg.N_DECILES + 1))).any():
        bad = sorted(set(dec[~dec.isin(range(1, 11))]))
        raise InputFileError(
            f"{WHAT}: '{decile}' must hold deciles 1-10 but has {examples(bad, 3)}; is this the "
            "right column?"
        )
    rk = out["imd_rank"].dropna()
    if len(rk) and ((rk < 1) | (rk > need_cfg.N_RANKED[edition])).any():
        raise InputFileError(
            f"{WHAT}: '{rank}' must hold ranks 1-{need_cfg.N_RANKED[edition]:,} for {edition}; "
            "check the file is the IoD table."
        )


def _validate_codes(out: pd.DataFrame, label: object) -> list[str]:
    warnings: list[str] = []
    missing = out["area_code"].isna()
    if missing.all():
        raise InputFileError(f"{WHAT} {label}: the LSOA code column is empty.")
    if missing.any():
        warnings.append(f"{int(missing.sum())} rows without an LSOA code were dropped.")
        out.drop(index=out.index[missing], inplace=True)
    dup = out["area_code"][out["area_code"].duplicated()]
    if len(dup):
        raise InputFileError(
            f"{WHAT} {label}: LSOA codes appear more than once ({examples(sorted(set(dup)))}); "
            "give the original one-row-per-LSOA file."
        )
    bad = non_lsoa_codes(out["area_code"])
    if len(bad) == len(out):
        raise InputFileError(
            f"{WHAT} {label}: no code looks like an LSOA code (E01…/W01…), e.g. "
            f"{examples(bad, 3)}; check the code column."
        )
    if bad:
        warnings.append(f"{len(bad)} codes do not look like LSOA codes (E01…/W01…): "
                        f"{examples(bad)}; they are kept but will match no boundaries.")
    return warnings


def _order(table: pd.DataFrame) -> pd.DataFrame:
    for col in CORE_COLUMNS:
        if col not in table.columns:
            table[col] = np.nan if col in ("imd_rank", "imd_decile", "imd_score",
                                           "population") else None
    extra = [c for c in table.columns if c not in CORE_COLUMNS]
    out = table[CORE_COLUMNS + extra].reset_index(drop=True)
    return out
