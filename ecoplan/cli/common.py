"""Arguments and loading shared by the sub-commands that read an OSM source."""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from shapely.geometry import box

from ecoplan.errors import AreaError
from ecoplan.osm.layers import Derive, OsmLayers, Prepare


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
                   derive: Derive | None = None, prepare: Prepare | None = None
                   ) -> Loaded:
    """Load the OSM source named on the command line, clipped as asked (``derive``,
    ``prepare``: see :func:`ecoplan.osm.load.load_layers`)."""
    from ecoplan.osm.load import load_layers

    t0 = time.perf_counter()
    bbox = None
    if args.bbox:
        from ecoplan.osm.geocode import parse_bbox

        bbox = parse_bbox(args.bbox)
    if args.place is not None and not args.place.strip():
        raise AreaError("--place needs a place name, e.g. --place Newport (or leave it out)")
    if getattr(args, "la_area", None) is not None:
        from ecoplan.fetch.clip import clip_keep_whole

        layers = clip_keep_whole(load_layers(args.source), args.la_area)
        if len(layers.ways) == 0 and len(layers.features) == 0:
            raise AreaError(f"{args.source} holds no data around {args.la}")
        _print_notes(layers)
        return Loaded(layers, time.perf_counter() - t0)
    layers = load_layers(args.source, bbox=bbox, derive=derive, prepare=prepare)
    if bbox is not None and len(layers.ways) == 0 and len(layers.features) == 0:
        raise AreaError(f"the bbox {args.bbox} lies outside the data in {args.source}; "
                        f"the file covers {_fmt(layers)}")
    if args.place:
        from ecoplan.osm.places import find_place

        area = find_place(layers, args.place)
        if area is None:
            from ecoplan.osm.geocode import geocode_place

            area = geocode_place(args.place, offline=args.offline)
        clipped = layers.clip(area)
        if len(clipped.ways) == 0 and len(clipped.features) == 0:
            raise AreaError(f"{args.place!r} lies outside the data in {args.source}")
        layers = clipped
    _print_notes(layers)
    return Loaded(layers, time.perf_counter() - t0)


def _print_notes(layers: OsmLayers) -> None:
    for note in layers.source.warnings:  # what the reader left out, e.g. broken multipolygons
        print(f"note: {note}")


def _fmt(layers: OsmLayers) -> str:
    try:
        w, s, e, n = layers.bounds
    except ValueError:
        return "nothing"
    return f"{w:.4f},{s:.4f},{e:.4f},{n:.4f}"


__all__ = ["add_source_args", "load_from_args", "Loaded", "box"]
