"""Arguments and loading shared by the sub-commands that read an OSM source."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from shapely.geometry import box

from ecoplan.errors import AreaError
from ecoplan.osm.layers import Derive, OsmLayers, Prepare

if TYPE_CHECKING:
    import pandas as pd


def add_source_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="SOURCE", nargs="?", default=None,
                   help="OSM file (.osm.pbf, .osm, .osm.bz2, .osm.gz) or 'demo' (optional "
                        "with --la)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--la", metavar="NAME|CODE",
                       help="an English local authority fetched with `ecoplan data get`: its "
                            "OSM extract (clipped to it plus the farthest standard's distance), "
                            "LSOA boundaries, IoD and population fill the other arguments")
    where.add_argument("--place", metavar="NAME",
                       help="clip to a named place (looked up in the file, else online)")
    where.add_argument("--bbox", metavar="W,S,E,N", help="clip to a lon/lat box")
    p.add_argument("--offline", action="store_true",
                   help="never use the network (place lookups use the cache only)")
    p.add_argument("--iod-edition", choices=("2019", "2025"), default=None,
                   help="with --la: IoD 2019 on LSOA 2011 (default) or IoD 2025 on LSOA 2021")


@dataclass
class Loaded:
    layers: OsmLayers
    seconds: float


def load_from_args(args: argparse.Namespace,
                   derive: Derive | None = None, prepare: Prepare | None = None,
                   margin_m: float = 0.0) -> Loaded:
    """Load the OSM source named on the command line, clipped as asked (``derive``,
    ``prepare``: see :func:`ecoplan.osm.load.load_layers`).

    ``margin_m`` > 0 (access runs): a ``--bbox`` or ``--place`` is read with a margin that
    wide around it, and the layers' ``source.extent`` is the box or place itself. Why: people
    near the clip's edge walk to parks beyond it, and the ANGSt standards look 5 and 10 km
    away; cut at the edge, areas wholly inside the box lost them (ANGSt district 95.9 % →
    68.7 % on an Isle of Wight box). As ``--la`` does (:mod:`ecoplan.fetch.clip`).
    """
    from ecoplan.osm.load import load_layers

    t0 = time.perf_counter()
    bbox = None
    if args.bbox:
        from ecoplan.osm.geocode import parse_clip_bbox

        bbox = parse_clip_bbox(args.bbox)
    if args.place is not None and not args.place.strip():
        raise AreaError("--place needs a place name, e.g. --place Newport (or leave it out)")
    if getattr(args, "la_area", None) is not None:
        from ecoplan.fetch.clip import clip_keep_whole

        layers = clip_keep_whole(load_layers(args.source), args.la_area)
        if len(layers.ways) == 0 and len(layers.features) == 0:
            raise AreaError(f"{args.source} holds no data around {args.la}")
        _print_notes(layers)
        return Loaded(layers, time.perf_counter() - t0)
    # With a margin the file is read whole and cut once, keeping what the grown area touches
    # whole (a reader's own clip differs inside the box too: relations, cut outlines).
    layers = load_layers(args.source, bbox=None if margin_m > 0 else bbox, derive=derive,
                         prepare=prepare)
    area = box(*bbox) if bbox is not None else None
    if args.place:
        from ecoplan.osm.places import find_place

        area = find_place(layers, args.place)
        if area is None:
            from ecoplan.osm.geocode import geocode_place

            area = geocode_place(args.place, offline=args.offline)
    if area is not None:
        if margin_m > 0:
            from ecoplan.access.pipeline import within_file
            from ecoplan.fetch.clip import clip_keep_whole
            from ecoplan.geometry import grow

            layers = clip_keep_whole(layers, grow(area, margin_m))
            layers = replace(layers, source=replace(
                layers.source, extent=within_file(area, args.source)))
            held = bool(layers.ways.intersects(area).any()
                        or layers.features.intersects(area).any())
        else:
            layers = layers.clip(area) if args.place else layers
            held = len(layers.ways) > 0 or len(layers.features) > 0
        if not held and args.place:
            raise AreaError(f"{args.place!r} lies outside the data in {args.source}")
        if not held:
            raise AreaError(f"the bbox {args.bbox} lies outside the data in {args.source}; "
                            f"{_extent_of(args.source)}")
    _print_notes(layers)
    return Loaded(layers, time.perf_counter() - t0)


def _print_notes(layers: OsmLayers) -> None:
    for note in layers.source.warnings:  # what the reader left out, e.g. broken multipolygons
        print(f"note: {note}")


def _extent_of(source: str) -> str:
    """Where the unclipped source's data lies, for a message — from its header (the clipped
    layers are empty by then, and reading the whole file again only to say so is too slow)."""
    from ecoplan.osm.load import declared_bounds

    bounds = declared_bounds(source)
    if bounds is None:
        return "its header does not say which area it covers (try a bbox inside its towns)"
    w, s, e, n = bounds
    return f"it covers W,S,E,N {w:.4f},{s:.4f},{e:.4f},{n:.4f}"


def add_need_args(p: argparse.ArgumentParser) -> None:
    """Where people live and who needs access most: boundaries with the IoD files, or a need
    layer of the user's own (any country) — the same options on every command that reads
    them, loaded by the one loader (:func:`ecoplan.need.load.load_need_areas`)."""
    p.add_argument("--areas", metavar="FILE",
                   help="area boundaries (GeoJSON/GeoPackage/shapefile, any CRS), e.g. LSOAs; "
                        "or a generic need layer with --need-column")
    # "extend": `--deprivation A B` and `--deprivation A --deprivation B` both keep A and B
    p.add_argument("--deprivation", nargs="+", action="extend", default=[], metavar="FILE",
                   help="IoD 2019 File 1/2/6 or IoD 2025 CSV(s)")
    p.add_argument("--population", metavar="FILE",
                   help="population per area (IoD 2019 File 6 or area_code,population CSV)")
    p.add_argument("--lookup", metavar="FILE", help="ONS LSOA 2011→2021 lookup CSV")
    p.add_argument("--id-column", metavar="COL", help="area code column in --areas")
    p.add_argument("--name-column", metavar="COL", help="area name column in --areas")
    p.add_argument("--need-column", metavar="COL",
                   help="generic need layer: the numeric need column in --areas")
    worse = p.add_mutually_exclusive_group()
    worse.add_argument("--higher-is-worse", dest="higher_is_worse", action="store_true",
                       default=None, help="generic layer: higher values = more need")
    worse.add_argument("--lower-is-worse", dest="higher_is_worse", action="store_false",
                       help="generic layer: lower values = more need")
    p.add_argument("--population-column", metavar="COL",
                   help="generic layer: population column in --areas")


def check_need_column(args: argparse.Namespace) -> None:
    """A need layer's direction must be said: a guess would rank the areas upside down."""
    if args.need_column and args.higher_is_worse is None:
        from ecoplan.errors import InputFileError

        raise InputFileError("--need-column needs --higher-is-worse or --lower-is-worse.")


def with_labels(table: pd.DataFrame, descriptions: pd.Series) -> pd.DataFrame:
    """``table`` with a ``label`` column (after ``rank`` if any, else first): what the terminal
    and the app show — the OSM name, else a description ("Coast near Ryde"), else kind and id —
    so exported files keep the names people read; ``name`` stays the raw OSM name (empty when
    OSM has none). ``descriptions``: :func:`ecoplan.sites.describe.describe_unnamed`."""
    from ecoplan.ranking.explain import display_name

    blank = [""] * len(table)
    cats = table["categories"] if "categories" in table.columns else blank
    shown = [descriptions.loc[i] or display_name(n, s, c) for i, n, s, c in
             zip(table.index, table["name"], table["site_id"], cats, strict=True)]
    out = table.drop(columns="label", errors="ignore").copy()
    out.insert(list(out.columns).index("rank") + 1 if "rank" in out.columns else 0, "label",
               shown)
    return out


__all__ = ["add_need_args", "add_source_args", "check_need_column", "load_from_args", "Loaded",
           "box", "with_labels"]

