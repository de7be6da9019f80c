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
- parks, every entrance, straight line (homes to the nearest park entrance as the crow flies);
- parks, every entrance, with people placed along residential streets instead of
  ``place_origins`` (how much the origin model matters);
- ONS's class: parks plus *private* playing fields (pitches and recreation grounds that
  ecoplan leaves out as restricted: school grounds, clubs, ``access=private``), because OS
  Open Greenspace "Playing Field" counts them whoever may use them; straight line;
- parks, straight line to the park outline (0 inside): the shortest any access-point
  distance can be, so where it is far above ONS's figure OS maps a park OSM 2015 lacks;
- parks of at least 0.5 ha only (sensitivity: tiny "parks" in OSM — planted corners,
  playgrounds tagged as parks — that OS would not call a park).

Origins: ``place_origins`` puts people at mapped homes, else on street nodes, in both cases
inside residential land (``landuse=residential``) where the area has it (issue 11.3: spreading
people along every country lane put rural LSOAs' homes far from the parks ONS finds near
their addresses). ``homes on residential streets`` is an independent check of that model.

Which distance ONS publishes: its tables give no routing. OS, who computed it for ONS, describe
a postcode-based analysis of the nearest greenspace and of counts "in a 1000m radius"
(Ordnance Survey blog, "Analysing access to greenspaces during a pandemic", 2020), and the
tables' companion column is "Average number of Parks, Public Gardens, or Playing Fields within
1,000 m radius": a straight-line measure. The closest variant to ONS's definition is therefore
"straight line" (homes to the nearest park entrance as the crow flies), not the walk.

    .venv/bin/python benchmarks/bench_ons_parks.py   # from a worktree: PYTHONPATH=. first
    # another English place: its extract, LSOA 2011 boundaries and ONS's table as CSV
    .venv/bin/python benchmarks/bench_ons_parks.py --pbf place.osm.pbf --areas lsoa.geojson \
        --population File_6.csv.gz --ons ons_parks.csv

Validation, not a target: the constants are not tuned to this island.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from _common import island_network
from scipy.stats import spearmanr

from ecoplan.access.engine import nearest_site, origin_distances
from ecoplan.need.origins import describe_methods
from ecoplan.settings.need import RESIDENTIAL_LANDUSE, RESIDENTIAL_STREETS
from ecoplan.sites.build import build_sites

#: OS Open Greenspace "Playing Field" (technical specification v1.2) in ecoplan's categories.
FIELD_CATEGORIES = frozenset({"pitch", "recreation_ground"})


def per_lsoa(origins: pd.DataFrame, metres: np.ndarray) -> pd.Series:
    """Population-weighted mean distance per area, over origins that reached a park."""
    df = pd.DataFrame({"area": origins["area_code"].to_numpy(),
                       "w": origins["share"].to_numpy(float), "m": metres})
    df = df[np.isfinite(df["m"])]
    df["wm"] = df["w"] * df["m"]
    g = df.groupby("area")
    return g["wm"].sum() / g["w"].sum()


def residential_street_origins(layers, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Midpoints of residential streets in each area, ``share`` by street length."""
    metric = areas.estimate_utm_crs()
    ways = layers.ways
    streets = ways[ways["highway"].isin(RESIDENTIAL_STREETS)].to_crs(metric)
    pts = gpd.GeoDataFrame({"weight": streets.geometry.length.to_numpy()},
                           geometry=streets.geometry.interpolate(0.5, normalized=True).to_numpy(),
                           crs=metric)
    hit = gpd.sjoin(pts, areas[["area_code", "geometry"]].to_crs(metric), predicate="within")
    hit = hit[~hit.index.duplicated()]
    hit["share"] = hit["weight"] / hit.groupby("area_code")["weight"].transform("sum")
    return gpd.GeoDataFrame(hit[["area_code", "share"]], geometry=hit.geometry,
                            crs=metric).to_crs("EPSG:4326").reset_index(drop=True)


#: Bootstrap resamples of LSOAs for the Spearman interval (fixed seed: reruns print the same).
BOOTSTRAP = 2000


def spearman_interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """95 % percentile-bootstrap interval of Spearman's rho over LSOAs: with 88 areas a
    difference of a few hundredths between variants is noise."""
    rng = np.random.default_rng(11)
    idx = rng.integers(0, len(a), size=(BOOTSTRAP, len(a)))
    rhos = [spearmanr(a[i], b[i]).statistic for i in idx]
    lo, hi = np.percentile(rhos, [2.5, 97.5])
    return float(lo), float(hi)


def compare(mine: pd.Series, ons: pd.Series) -> dict[str, str]:
    both = pd.concat([mine.rename("ecoplan"), ons.rename("ons")], axis=1, join="inner")
    rho = spearmanr(both["ecoplan"], both["ons"]).statistic
    lo, hi = spearman_interval(both["ecoplan"].to_numpy(), both["ons"].to_numpy())
    med_e, med_o = both["ecoplan"].median(), both["ons"].median()
    return {"LSOAs": f"{len(both)}", "Spearman": f"{rho:.3f}", "95% interval": f"{lo:.2f}-{hi:.2f}",
            "median ecoplan (m)": f"{med_e:.0f}", "median ONS (m)": f"{med_o:.0f}",
            "median ratio": f"{med_e / med_o:.2f}"}


def private_fields(sites: gpd.GeoDataFrame) -> set[str]:
    """Restricted sites made only of pitches and recreation grounds: playing fields that OS
    Open Greenspace counts and ecoplan leaves out (school grounds, clubs, private)."""
    cats = sites["categories"].str.split(";").map(set)
    hit = sites["access"].eq("restricted") & cats.map(lambda c: c <= FIELD_CATEGORIES)
    return set(sites.loc[hit, "site_id"])


def outline_distance(origins: gpd.GeoDataFrame, parks: gpd.GeoDataFrame
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Metres from each origin to the nearest park outline as the crow flies (0 inside), and
    that park's row in ``parks``."""
    metric = origins.estimate_utm_crs()
    o = origins[["geometry"]].to_crs(metric)
    hit = gpd.sjoin_nearest(o, parks[["geometry"]].reset_index(drop=True).to_crs(metric),
                            distance_col="d")
    hit = hit[~hit.index.duplicated()].reindex(o.index)
    return hit["d"].to_numpy(float), hit["index_right"].to_numpy()


def nearest_parks_where_osm_is_nearer(origins: gpd.GeoDataFrame, nearest: np.ndarray,
                                      parks: gpd.GeoDataFrame, codes: pd.Index) -> None:
    """For LSOAs where OSM finds a park much nearer than ONS: the park most of their people
    are nearest to (usually something OS files as a play space, bowling green or court)."""
    df = pd.DataFrame({"area": origins["area_code"].to_numpy(), "park": nearest,
                       "w": origins["share"].to_numpy(float)})
    df = df[df["area"].isin(codes)]
    top = df.groupby(["area", "park"])["w"].sum().reset_index().sort_values("w")
    top = top.drop_duplicates("area", keep="last")
    p = parks.reset_index(drop=True)
    for row in top.itertuples():
        site = p.iloc[int(row.park)]
        print(f"    {row.area}: {site['name'] or '(unnamed)'} [{site['categories']}, "
              f"{site['area_ha']:.2f} ha] for {row.w:.0%} of its people")


def explain(outline: pd.Series, ons: pd.Series, areas: gpd.GeoDataFrame) -> pd.Index:
    """Why the two differ, in counts: where even the outline lower bound is far from ONS,
    no network, entrance or origin model can close the gap (the park data differ). Returns
    the LSOAs where OSM's nearest park is much nearer than ONS's."""
    both = pd.concat([outline.rename("osm"), ons.rename("ons")], axis=1, join="inner")
    r = both["osm"] / both["ons"]
    ha = areas.set_index("area_code").to_crs(areas.estimate_utm_crs()).area / 10_000
    small = ha.reindex(both.index) < 100
    print(f"\nparks, straight line to the outline vs ONS, per LSOA ({len(both)}; in brackets "
          f"those under 100 ha, towns, where homes are close together and origins matter "
          f"little): {(r > 1.5).sum()} ({(small & (r > 1.5)).sum()}) more than 1.5x ONS "
          f"(OS maps a park nearer than any OSM 2015 park, or homes lie elsewhere), "
          f"{(r < 1 / 1.5).sum()} ({(small & (r < 1 / 1.5)).sum()}) under 1/1.5x (OSM counts "
          f"a park OS does not, or OS's access points lie farther), {((r >= 1 / 1.5) & (r <= 1.5)).sum()} within 1.5x either way")
    for town, part in both.groupby(small):
        rho = spearmanr(part["osm"], part["ons"]).statistic
        print(f"  LSOAs {'under' if town else 'of at least'} 100 ha ({len(part)}): "
              f"Spearman {rho:.3f}, median ratio {part['osm'].median() / part['ons'].median():.2f}")
    return both.index[r < 1 / 1.5]


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description="ecoplan's parks distance against ONS's, per LSOA "
                                             "(default: the Isle of Wight from ../shared/data)")
    ap.add_argument("--pbf", help="the place's .osm.pbf extract")
    ap.add_argument("--areas", help="LSOA 2011 boundaries of the place (ONS's table is on "
                                    "LSOA 2011 codes)")
    ap.add_argument("--population", help="population per LSOA (IoD 2019 File 6)")
    ap.add_argument("--ons", help="ONS's table as CSV: LSOA code + average distance columns")
    args = ap.parse_args()
    own = [args.pbf, args.areas, args.ons]
    if any(own) and not all(own):
        ap.error("give --pbf, --areas and --ons together (or none: the Isle of Wight)")
    if all(own):
        from _common import place_network

        from ecoplan.access.pipeline import AccessInputs

        isl = place_network(Path(args.pbf), AccessInputs(
            source=args.pbf, areas=args.areas, population=args.population), Path(args.ons))
        place = Path(args.pbf).name
    else:
        isl = island_network()
        place = "Isle of Wight"
    if isl is None:
        return 1
    layers, graph, origins, ons = isl.layers, isl.graph, isl.origins, isl.ons
    areas = isl.areas.areas
    # Restricted land too, for ONS's class (private playing fields); the other sites and
    # their entrances are the same as ``build_sites(layers)``'s.
    built = build_sites(layers, include_restricted=True)
    sites, ents = built.sites, built.entrances

    is_park = sites["park"].astype(bool)
    parks = set(sites.loc[is_park, "site_id"])
    fields = private_fields(sites)
    variants = {
        "parks, every entrance": ents["site_id"].isin(parks),
        "parks, confirmed entrances": ents["site_id"].isin(parks) & ents["confirmed"],
        "ONS's class: parks + private playing fields":
            ents["site_id"].isin(parks | fields),
        "parks >= 0.5 ha": ents["site_id"].isin(
            set(sites.loc[is_park & (sites["area_ha"] >= 0.5), "site_id"])),
    }
    rows = {}
    for label, mask in variants.items():
        res = nearest_site(graph, ents[mask.to_numpy()])
        found = origin_distances(graph, res, origins)
        # ONS's figure is a straight-line distance (module docstring); the walk is ecoplan's.
        measures = {"walk": found["network_m"], "straight line": found["straight_line_m"]}
        if label != "parks, every entrance":
            measures = {"straight line": found["straight_line_m"]}
        if label == "parks, confirmed entrances":
            measures = {"walk": found["network_m"]}
        for how, metres in measures.items():
            name = f"{label} ({how})"
            rows[name] = compare(per_lsoa(origins, metres.to_numpy(float)), ons)
            rows[name]["park sites"] = f"{ents.loc[mask, 'site_id'].nunique()}"
    outline, nearest = outline_distance(origins, sites[is_park])
    name = "parks, straight line to the outline (lower bound)"
    rows[name] = compare(per_lsoa(origins, outline), ons)
    rows[name]["park sites"] = f"{len(parks)}"
    # Another origin model, to see how much "where people live" matters: points along
    # residential streets, weighted by street length (houses line them), in every LSOA.
    street_homes = residential_street_origins(layers, areas)
    mask = variants["parks, every entrance"]
    res = nearest_site(graph, ents[mask.to_numpy()])
    found = origin_distances(graph, res, street_homes)["network_m"].to_numpy(float)
    name = "parks, every entrance (walk; homes on residential streets)"
    rows[name] = compare(per_lsoa(street_homes, found), ons)
    rows[name]["park sites"] = f"{ents.loc[mask, 'site_id'].nunique()}"
    print(f"{place}: {len(origins):,} origins in {origins['area_code'].nunique()} LSOAs; "
          f"{describe_methods(origins)}")
    print(f"private playing fields (restricted pitches / recreation grounds): {len(fields)}")
    land = layers.features[layers.features["landuse"].isin(RESIDENTIAL_LANDUSE)]
    with_land = gpd.sjoin(areas[["area_code", "geometry"]], land[["geometry"]],
                          predicate="intersects")["area_code"].nunique()
    print(f"residential land (landuse=residential): {len(land)} polygons, in {with_land} of "
          f"{len(areas)} LSOAs")
    with pd.option_context("display.width", 200):
        print(pd.DataFrame(rows).T.to_string())
    nearer = explain(per_lsoa(origins, outline), ons, areas)
    print("  where OSM's nearest park is much nearer than ONS's, the park most people are "
          "nearest to:")
    nearest_parks_where_osm_is_nearer(origins, nearest, sites[is_park], nearer)
    # Where the two disagree most (first variant): usually a park OS maps and OSM 2015 lacks.
    res = nearest_site(graph, ents[variants["parks, every entrance"].to_numpy()])
    walk = per_lsoa(origins, origin_distances(graph, res, origins)["network_m"].to_numpy(float))
    both = pd.concat([walk.rename("ecoplan_m"), ons.rename("ons_m")], axis=1, join="inner")
    both["ratio"] = both["ecoplan_m"] / both["ons_m"]
    print("\nlargest ratios (parks, every entrance, walk):")
    print(both.sort_values("ratio", ascending=False).head(5).round(2).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
