"""Need files → areas layer: the one loader the CLI (``--areas/--deprivation/--population/
--lookup``) and the app (uploads, ``data get``) both call, so the same files give the same
areas — with the ONS LSOA 2011↔2021 lookup whenever one is given or downloaded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ecoplan.errors import InputFileError
from ecoplan.messages import GENERIC_NEED, NEED_EITHER, hinted
from ecoplan.need.areas import AreasResult


def load_need_areas(areas: str, deprivation: Sequence[str] = (), *,
                    population: str | None = None, lookup: str | None = None,
                    id_column: str | None = None, name_column: str | None = None,
                    need_column: str | None = None, higher_is_worse: bool | None = None,
                    population_column: str | None = None) -> AreasResult:
    """Boundaries + IoD files (+ population, + lookup), or a generic need layer
    (``need_column``), as one :class:`AreasResult`."""
    from ecoplan.need.areas import build_areas
    from ecoplan.need.boundaries import read_boundaries
    from ecoplan.need.population import read_population

    pop = read_population(population) if population else None
    if need_column:
        from ecoplan.need.generic import read_generic_need

        if id_column is None or higher_is_worse is None:
            raise hinted(InputFileError("A need layer of your own needs its area id column "
                                        "and whether higher values mean more need."),
                         GENERIC_NEED)
        if deprivation:
            raise hinted(InputFileError("Deprivation (IoD) files and a need layer of your own "
                                        "were both given; use one of them."), NEED_EITHER)
        res = read_generic_need(areas, id_column=id_column, need_column=need_column,
                                higher_is_worse=higher_is_worse, name_column=name_column,
                                population_column=population_column)
        if pop is None:
            return res
        merged = res.areas.drop(columns="population").merge(pop, on="area_code", how="left")
        merged = merged[res.areas.columns]
        missing = int(merged["population"].isna().sum())
        notes = [w for w in res.warnings if "population" not in w.lower()]
        if missing:
            notes.append(f"{missing} area(s) have no row in {Path(str(population)).name}; "
                         "population left unknown (NaN).")
        return AreasResult(merged, tuple(notes), (), 0, res.n_fixed)
    boundaries = read_boundaries(areas, id_column=id_column, name_column=name_column)
    need = None
    if deprivation:
        from ecoplan.need.iod import load_iod

        need = load_iod(*deprivation)
    table = None
    if lookup:
        from ecoplan.need.lookup import load_lookup

        table = load_lookup(lookup)
    return build_areas(boundaries, need, population=pop, lookup=table)

