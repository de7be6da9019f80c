"""A user's own need layer: any polygons with an id and a numeric need value.

For users outside England (Scottish SIMD, Welsh WIMD, a council's own index, a health measure):
the user names the id column, the need column and whether higher values mean more need. Areas
are ranked (rank 1 = most in need) and banded into deciles by rank exactly as the IoD does
(decile = ceil(rank·10 / N), 1 = most in need 10 %), so the rest of the pipeline treats the
layer like IMD deciles. Note the deciles are *within the areas given*, not national.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ecoplan.errors import InputFileError
from ecoplan.need._io import (
    check_counts,
    codes_as_text,
    decile_from_rank,
    examples,
    find_column,
    to_number,
)
from ecoplan.need.areas import AREA_COLUMNS, AreasResult
from ecoplan.need.boundaries import clean_polygons, read_frame

WHAT = "Need layer"


def need_ranks(values: pd.Series, *, higher_is_worse: bool) -> tuple[pd.Series, pd.Series]:
    """(rank, decile) with rank 1 = most in need; NaN stays NaN. Tied areas share the best
    rank, and the decile of the tie group's middle rank: equal need cannot put a whole group
    in the most needy decile (11 areas all scoring 5 were all "decile 1", every one of them
    deprived), and a 0/1 need flag still bands the flagged areas together."""
    asc = not higher_is_worse
    rank = values.rank(method="min", ascending=asc, na_option="keep")
    n = int(values.notna().sum())
    if n == 0:
        return rank, rank.copy()
    middle = values.rank(method="average", ascending=asc, na_option="keep")
    return rank, decile_from_rank(middle, n)


def read_generic_need(source: str | Path | gpd.GeoDataFrame, *, id_column: str,
                      need_column: str, higher_is_worse: bool, name_column: str | None = None,
                      population_column: str | None = None,
                      assume_crs: str | None = None) -> AreasResult:
    """Read a polygon need layer into the areas schema (see :mod:`ecoplan.need.areas`).

    ``imd_score`` holds the need value as given, ``imd_rank``/``imd_decile`` its rank and
    decile; ``need_source`` is ``'generic:<need_column>'``. Areas with an empty need value are
    kept with NaN rank/decile and reported.
    """
    gdf, _, warnings = read_frame(source, what=WHAT, assume_crs=assume_crs)
    cols = [c for c in gdf.columns if c != gdf.geometry.name]

    def col(name: str | None, role: str) -> str | None:
        if name is None:
            return None
        found = find_column(cols, name)
        if found is None:
            raise InputFileError(
                f"{WHAT}: no {role} column '{name}' (columns: {examples(cols, 10)}); choose "
                "one of these."
            )
        return found

    id_col = col(id_column, "id")
    need_col = col(need_column, "need")
    assert need_col is not None  # need_column is required
    name_col = col(name_column, "name")
    pop_col = col(population_column, "population")
    codes = codes_as_text(gdf[id_col])
    if codes.isna().any():
        rows = [int(i) + 1 for i in np.flatnonzero(codes.isna().to_numpy())]
        raise InputFileError(
            f"{WHAT}: {len(rows)} feature(s) have no id in '{id_col}' (feature number "
            f"{examples(rows)}); fill them in or choose another id column."
        )
    dup = codes[codes.duplicated(keep=False)]
    if len(dup):
        raise InputFileError(
            f"{WHAT}: ids in '{id_col}' must be unique but {examples(sorted(set(dup)))} appear "
            "more than once; merge those features or choose another id column."
        )
    need = to_number(gdf[need_col], what=WHAT, column=need_col)
    if need.notna().sum() == 0:
        raise InputFileError(f"{WHAT}: column '{need_col}' has no values; choose another.")
    missing = need.isna()
    if missing.any():
        warnings.append(f"{int(missing.sum())} area(s) have no value in '{need_col}': "
                        f"{examples(list(codes[missing]))}; their decile is unknown.")
    rank, decile = need_ranks(need, higher_is_worse=higher_is_worse)
    if pop_col:
        population = to_number(gdf[pop_col], what=WHAT, column=pop_col)
        check_counts(population, what=WHAT, column=pop_col)
        no_pop = population.isna()
        if no_pop.any():
            warnings.append(f"{int(no_pop.sum())} area(s) have no population in '{pop_col}'; "
                            "left unknown (NaN).")
    else:
        population = pd.Series(np.nan, index=gdf.index)
        warnings.append("No population column given: population is unknown (NaN), so results "
                        "cannot be weighted by people; name a population column if you have one.")
    areas = gpd.GeoDataFrame({
        "area_code": codes.to_numpy(),
        "area_name": (gdf[name_col].astype(object).to_numpy() if name_col
                      else [None] * len(gdf)),
        "population": population.to_numpy(float),
        "imd_decile": decile.to_numpy(float),
        "imd_rank": rank.to_numpy(float),
        "imd_score": need.to_numpy(float),
        "need_source": f"generic:{need_col}",
    }, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)
    areas, n_fixed, notes = clean_polygons(areas, what=WHAT)
    warnings.extend(notes)
    areas = areas[AREA_COLUMNS].reset_index(drop=True)
    direction = "higher" if higher_is_worse else "lower"
    warnings.append(f"Deciles rank the {len(areas)} areas given by '{need_col}' ({direction} = "
                    "more need); decile 1 = the most in need 10 % of these areas.")
    return AreasResult(areas=areas, warnings=tuple(warnings), unmatched_areas=(),
                       n_need_outside=0, n_fixed=n_fixed)
