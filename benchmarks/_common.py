"""What the island benchmarks share: where the shared Isle of Wight files are and the access
inputs built from them, so every benchmark measures the same files the same way.

Run a benchmark as a script (``.venv/bin/python benchmarks/bench_x.py``): its folder is then
on ``sys.path`` and ``from _common import …`` finds this module. ``ecoplan`` is imported
inside the functions, so a benchmark can set ``ECOPLAN_CACHE_DIR`` or ``sys.path`` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecoplan.access.pipeline import AccessInputs

#: The island files under ``shared_data_dir()`` (see ../shared/data/README.md).
ISLAND_FILES: dict[str, str] = {
    "pbf": "osm/isle-of-wight_2015-01-01.osm.pbf",
    "boundaries": "boundaries/lsoa2011_bsc_isle-of-wight.geojson",
    "domains": "imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
    "imd": "imd/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz",
    "population": "imd/File_6_-_IoD2019_Population_Denominators.csv.gz",
    "ons_parks": "ons/ons_parks_playing_fields_lsoa_isle-of-wight.csv",
}


def island_files(*needed: str) -> dict[str, Path] | None:
    """Paths of every island file; None, after naming the first of ``needed`` (default: the
    PBF) that is absent, so the benchmark can return 1."""
    from ecoplan.settings.paths import shared_data_dir

    d = shared_data_dir()
    files = {name: d / rel for name, rel in ISLAND_FILES.items()}
    for name in needed or ("pbf",):
        if not files[name].exists():
            print(f"missing {files[name]}")
            return None
    return files


def island_inputs(files: dict[str, Path], *, source: str | None = None, imd_file1: bool = False,
                  **options: Any) -> AccessInputs:
    """Access inputs for the island LSOAs: IoD 2019 domains (File 2) with the population file,
    or with ``imd_file1`` File 1 and File 6 as deprivation tables; ``options`` go to
    AccessInputs (speed, step_free…)."""
    from ecoplan.access.pipeline import AccessInputs

    src = str(files["pbf"]) if source is None else source
    if imd_file1:
        return AccessInputs(source=src, areas=str(files["boundaries"]),
                            deprivation=(str(files["imd"]), str(files["population"])),
                            **options)
    return AccessInputs(source=src, areas=str(files["boundaries"]),
                        deprivation=(str(files["domains"]),),
                        population=str(files["population"]), **options)


@dataclass
class IslandNetwork:
    """The island read once for the ONS comparisons: OSM layers, areas (``LoadedAreas``), the
    walking graph, the origins and ONS's park distance per LSOA."""

    layers: Any
    areas: Any
    graph: Any
    origins: Any
    ons: Any


def island_network() -> IslandNetwork | None:
    """Read the island PBF, load the areas, build the graph and place the origins; None (after
    naming the missing file) when the island or ONS files are absent."""
    files = island_files("pbf", "ons_parks")
    if files is None:
        return None
    return place_network(files["pbf"], island_inputs(files), files["ons_parks"])


def place_network(pbf: Path, inputs: AccessInputs, ons_csv: Path) -> IslandNetwork:
    """The same for any place: its PBF, its areas (``inputs``) and an ONS park-distance table
    (:func:`read_ons_parks`)."""
    from ecoplan.access.pipeline import load_areas
    from ecoplan.need.origins import place_origins
    from ecoplan.network.graph import build_walk_graph
    from ecoplan.osm.pbf import read_pbf

    layers = read_pbf(pbf)
    areas = load_areas(inputs)
    return IslandNetwork(layers=layers, areas=areas, graph=build_walk_graph(layers),
                         origins=place_origins(areas.areas, layers),
                         ons=read_ons_parks(ons_csv))


def read_ons_parks(path: Path) -> Any:
    """ONS's average distance to the nearest park, public garden or playing field per LSOA,
    from a CSV of the published table (``ospublicgreenspacereferencetables.xlsx``, sheet "LSOA
    Parks and Playing Fields", saved as CSV) or of the shared island extract: the LSOA code
    column (``lsoa11cd`` / "LSOA code") and the distance column (``average_distance`` /
    "Average distance to nearest Park, Public Garden, or Playing Field (m)")."""
    import pandas as pd

    df = pd.read_csv(path)
    low = {c: str(c).strip().lower() for c in df.columns}
    code = next((c for c, n in low.items() if n in ("lsoa11cd", "lsoa code", "lsoa_code")),
                None)
    dist = next((c for c, n in low.items()
                 if n == "average_distance" or n.startswith("average distance to nearest")),
                None)
    if code is None or dist is None:
        raise SystemExit(f"{path}: needs an LSOA code column (lsoa11cd or 'LSOA code') and "
                         f"the average distance column; found {list(df.columns)}")
    return pd.to_numeric(df.set_index(code)[dist], errors="coerce").dropna()
