"""ONS LSOA 2011 ↔ 2021 lookup: carry IoD values and population between the two vintages.

IoD 2019 and File 6 population are on LSOA 2011 codes, IoD 2025 on LSOA 2021; boundaries may
be either. Most LSOAs are unchanged (change code U); others were split (S: one 2011 → several
2021), merged (M: several 2011 → one 2021) or redrawn (X: many-to-many).

Rules (the same in both directions; a *target* area gathers the *source* areas it maps to):

* Deprivation values (``*_rank``, ``*_decile``, ``*_score``): one source → copied unchanged.
  Several sources → the mean of the parts' ranks (rounded) and scores; the decile is recomputed
  from that rank with the edition's national rank bands (decile = ceil(rank·10 / N)). No
  population by part is published for the new vintage, so the mean is unweighted.
* Counts (population): each source area's count is shared equally among the targets it maps
  to, then summed per target. Merges therefore add up exactly; splits get equal shares (ONS
  splits areas into parts of similar population, so this is an estimate — reported).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.need._io import TableSource, codes_as_text, decile_from_rank, examples, find_column
from ecoplan.need._io import read_table as _read
from ecoplan.settings import need as need_cfg

WHAT = "LSOA lookup"
VINTAGES = ("2011", "2021")

#: Accepted spellings: humaniverse/geographr names and the ONS portal's own headers.
_ALIASES = {
    "lsoa11_code": ("lsoa11_code", "LSOA11CD"),
    "lsoa21_code": ("lsoa21_code", "LSOA21CD"),
    "change_code": ("change_code", "CHGIND", "CHNGIND"),
    "lsoa11_name": ("lsoa11_name", "LSOA11NM"),
    "lsoa21_name": ("lsoa21_name", "LSOA21NM"),
    "lad_code": ("ltla22_code", "LAD22CD"),
    "lad_name": ("ltla22_name", "LAD22NM"),
}


@dataclass(frozen=True)
class Carried:
    """A table moved onto the other vintage, with what did not move."""

    table: pd.DataFrame
    unmatched: tuple[str, ...]  # source codes absent from the lookup
    warnings: tuple[str, ...]


def load_lookup(source: TableSource) -> pd.DataFrame:
    """Read the ONS LSOA 2011→2021 lookup: ``lsoa11_code, lsoa21_code, change_code`` (+ names)."""
    df = _read(source, what=WHAT)
    out = pd.DataFrame(index=df.index)
    for key, names in _ALIASES.items():
        col = find_column(df.columns, *names)
        if col is not None:
            out[key] = codes_as_text(df[col]) if key.endswith("code") else df[col].astype(object)
    missing = [c for c in ("lsoa11_code", "lsoa21_code") if c not in out.columns]
    if missing:
        raise InputFileError(
            f"{WHAT}: missing column(s) {', '.join(missing)} (columns: "
            f"{examples(df.columns, 6)}); use the ONS 'LSOA (2011) to LSOA (2021) to LAD (2022) "
            "Lookup for England and Wales' CSV (LSOA11CD, LSOA21CD, CHGIND)."
        )
    if "change_code" not in out.columns:
        out["change_code"] = None
    out = out.dropna(subset=["lsoa11_code", "lsoa21_code"]).drop_duplicates(
        ["lsoa11_code", "lsoa21_code"]).reset_index(drop=True)
    if out.empty:
        raise InputFileError(f"{WHAT}: no rows with both codes; check the file.")
    return out


def infer_vintage(codes: pd.Series | list[str], lookup: pd.DataFrame) -> str | None:
    """'2011' or '2021' when the codes fit one vintage better; None when both fit equally."""
    codes = pd.Series(list(codes), dtype=object)
    in11 = int(codes.isin(lookup["lsoa11_code"]).sum())
    in21 = int(codes.isin(lookup["lsoa21_code"]).sum())
    if in11 == in21:
        return None
    return "2011" if in11 > in21 else "2021"


def _pairs(lookup: pd.DataFrame, from_vintage: str, to_vintage: str) -> pd.DataFrame:
    if {from_vintage, to_vintage} != set(VINTAGES):
        raise ValueError(f"vintages must be 2011 and 2021, got {from_vintage}→{to_vintage}")
    src, tgt = f"lsoa{from_vintage[2:]}_code", f"lsoa{to_vintage[2:]}_code"
    cols = [src, tgt, "change_code"]
    name = f"lsoa{to_vintage[2:]}_name"
    if name in lookup.columns:
        cols.append(name)
    pairs = lookup[cols].rename(columns={src: "source", tgt: "target", name: "target_name"})
    pairs["n_targets"] = pairs.groupby("source")["target"].transform("size")
    return pairs


def carry_iod(iod: pd.DataFrame, lookup: pd.DataFrame, *, to_vintage: str) -> Carried:
    """Move a tidy IoD table (see :mod:`ecoplan.need.iod`) onto ``to_vintage`` codes."""
    editions = set(iod["edition"].dropna())
    if len(editions) != 1:
        raise InputFileError("Deprivation table must hold exactly one edition to be carried.")
    edition = editions.pop()
    from_vintage = need_cfg.EDITION_VINTAGE[edition]
    if from_vintage == to_vintage:
        return Carried(iod.copy(), (), ())
    pairs = _pairs(lookup, from_vintage, to_vintage)
    unmatched = tuple(sorted(set(iod["area_code"]) - set(pairs["source"])))
    joined = pairs.merge(iod, left_on="source", right_on="area_code", how="inner")
    value_cols = [c for c in iod.columns if c.endswith(("_rank", "_decile", "_score"))]
    groups = joined.groupby("target", sort=True)
    n_src = groups["source"].nunique()
    out = groups[[c for c in value_cols if not c.endswith("_decile")]].mean()
    n_ranked = need_cfg.N_RANKED[edition]
    for col in value_cols:
        if col.endswith("_rank"):
            out[col] = out[col].round()
    for col in value_cols:
        if not col.endswith("_decile"):
            continue
        first = groups[col].first()
        rank_col = col[: -len("_decile")] + "_rank"
        if rank_col in out.columns:
            recomputed = decile_from_rank(out[rank_col], n_ranked)
            out[col] = np.where(n_src > 1, recomputed, first)
        else:
            out[col] = np.where(n_src > 1, groups[col].mean().round(), first)
    pop = iod[["area_code", "population"]] if "population" in iod.columns else iod[
        ["area_code"]].assign(population=np.nan)
    out["population"] = carry_counts(
        pop, lookup, from_vintage=from_vintage,
        to_vintage=to_vintage).table.set_index("area_code")["population"].reindex(out.index)
    out["edition"] = edition
    name = groups["target_name"].first() if "target_name" in joined.columns else None
    out["area_name"] = name if name is not None else None
    for col in ("lad_code", "lad_name"):
        if col in joined.columns:
            out[col] = groups[col].first()
    changes = joined[["target", "change_code"]].dropna().drop_duplicates().sort_values(
        ["target", "change_code"])
    out["lookup_change"] = changes.groupby("target")["change_code"].agg("".join).reindex(
        out.index).fillna("")
    out["n_source_areas"] = n_src
    out = out.rename_axis("area_code").reset_index()
    order = [c for c in iod.columns if c in out.columns] + ["lookup_change", "n_source_areas"]
    out = out[order]
    warnings = []
    multi = int((n_src > 1).sum())
    if multi:
        warnings.append(
            f"{multi} LSOA {to_vintage} areas combine several LSOA {from_vintage} areas; their "
            f"{edition} rank/score is the mean of the parts and the decile was recomputed "
            "from that rank."
        )
    if unmatched:
        warnings.append(f"{len(unmatched)} {edition} codes are not in the lookup and were "
                        f"dropped: {examples(unmatched)}.")
    out.attrs["warnings"] = warnings
    return Carried(out, unmatched, tuple(warnings))


def carry_counts(counts: pd.DataFrame, lookup: pd.DataFrame, *, from_vintage: str,
                 to_vintage: str, column: str = "population") -> Carried:
    """Move counts (``area_code``, ``column``) onto the other vintage (equal split, then sum)."""
    if from_vintage == to_vintage:
        return Carried(counts.copy(), (), ())
    pairs = _pairs(lookup, from_vintage, to_vintage)
    unmatched = tuple(sorted(set(counts["area_code"]) - set(pairs["source"])))
    joined = pairs.merge(counts, left_on="source", right_on="area_code", how="inner")
    joined["share"] = joined[column] / joined["n_targets"]
    summed = joined.groupby("target", sort=True)["share"].sum(min_count=1)
    has_nan = joined["share"].isna().groupby(joined["target"], sort=True).any()
    summed[has_nan] = np.nan
    out = summed.rename(column).rename_axis("area_code").reset_index()
    warnings = []
    n_split = int(joined.loc[joined["n_targets"] > 1, "target"].nunique())
    if n_split:
        warnings.append(
            f"{n_split} LSOA {to_vintage} areas come from splitting an LSOA {from_vintage} "
            f"area; each part got an equal share of its {column} (an estimate)."
        )
    if unmatched:
        warnings.append(f"{len(unmatched)} {column} codes are not in the lookup: "
                        f"{examples(unmatched)}.")
    return Carried(out, unmatched, tuple(warnings))
