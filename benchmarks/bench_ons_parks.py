"""ecoplan's parks measure against ONS "Access to public parks and playing fields" (April 2020),
on the whole Isle of Wight (issue 11 point 3).

ONS: per LSOA, the mean distance from residential addresses to the nearest access point of a
park, public garden or playing field (OS Open Greenspace 2020). ecoplan: per LSOA, the
population-weighted mean walking distance from its origins (``ecoplan.need.origins``) to the
nearest entrance of a site in the parks class (``sites.park``, see
``ecoplan.settings.public_access.PARK_CATEGORIES``), one multi-source Dijkstra
(``ecoplan.access.engine``). Prints, for each variant, the Spearman rank correlation per LSOA
and the ratio of medians (ecoplan / ONS):

- parks, every entrance (access confirmed or not — OS Open Greenspace counts playing fields
  that may be private, so this is ONS's definition);
- parks, confirmed entrances only (what ``ecoplan access`` reports as confirmed);
- parks, every entrance, straight line (homes to the nearest park entrance as the crow flies).

    .venv/bin/python benchmarks/bench_ons_parks.py

Validation, not a target: the constants are not tuned to this island.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.access.pipeline import AccessInputs, load_areas
from ecoplan.need.origins import describe_methods, place_origins
from ecoplan.network.graph import build_walk_graph
from ecoplan.osm.pbf import read_pbf
from ecoplan.settings.paths import shared_data_dir
from ecoplan.sites.build import build_sites


def per_lsoa(origins: pd.DataFrame, metres: np.ndarray) -> pd.Series:
    """Population-weighted mean distance per area, over origins that reached a park."""
    df = pd.DataFrame({"area": origins["area_code"].to_numpy(),
                       "w": origins["share"].to_numpy(float), "m": metres})
    df = df[np.isfinite(df["m"])]
    df["wm"] = df["w"] * df["m"]
    g = df.groupby("area")
    return g["wm"].sum() / g["w"].sum()


def compare(mine: pd.Series, ons: pd.Series) -> dict[str, str]:
    both = pd.concat([mine.rename("ecoplan"), ons.rename("ons")], axis=1, join="inner")
    rho = spearmanr(both["ecoplan"], both["ons"]).statistic
    med_e, med_o = both["ecoplan"].median(), both["ons"].median()
    return {"LSOAs": f"{len(both)}", "Spearman": f"{rho:.3f}",
            "median ecoplan (m)": f"{med_e:.0f}", "median ONS (m)": f"{med_o:.0f}",
            "median ratio": f"{med_e / med_o:.2f}"}


def main() -> int:
    d = shared_data_dir()
    pbf = d / "osm/isle-of-wight_2015-01-01.osm.pbf"
    ons_csv = d / "ons/ons_parks_playing_fields_lsoa_isle-of-wight.csv"
    if not pbf.exists() or not ons_csv.exists():
        print(f"missing shared data under {d}")
        return 1
    inputs = AccessInputs(
        source=str(pbf), areas=str(d / "boundaries/lsoa2011_bsc_isle-of-wight.geojson"),
        deprivation=(str(d / "imd/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),),
        population=str(d / "imd/File_6_-_IoD2019_Population_Denominators.csv.gz"))
    layers = read_pbf(pbf)
    areas = load_areas(inputs).areas
    graph = build_walk_graph(layers)
    origins = place_origins(areas, layers)
    built = build_sites(layers)
    sites, ents = built.sites, built.entrances
    ons = pd.read_csv(ons_csv).set_index("lsoa11cd")["average_distance"]

    parks = set(sites.loc[sites["park"].astype(bool), "site_id"])
    variants = {
        "parks, every entrance": ents["site_id"].isin(parks),
        "parks, confirmed entrances": ents["site_id"].isin(parks) & ents["confirmed"],
    }
    rows = {}
    for label, mask in variants.items():
        res = nearest_site(graph, ents[mask.to_numpy()])
        found = origin_distances(graph, res, origins)
        measures = {"walk": found["network_m"]}
        if label == "parks, every entrance":
            # ONS's notes do not say its distance follows paths: the straight line to the
            # nearest park entrance, for comparison.
            measures["straight line"] = found["straight_line_m"]
        for how, metres in measures.items():
            name = f"{label} ({how})"
            rows[name] = compare(per_lsoa(origins, metres.to_numpy(float)), ons)
            rows[name]["park sites"] = f"{ents.loc[mask, 'site_id'].nunique()}"
    print(f"Isle of Wight: {len(origins):,} origins in {origins['area_code'].nunique()} LSOAs; "
          f"{describe_methods(origins)}")
    print(pd.DataFrame(rows).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
