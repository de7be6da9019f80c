"""``ecoplan sites``: OSM file → green and blue sites (+ entrances) as GeoJSON or GeoPackage."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ecoplan.cli.common import add_source_args, load_from_args, with_labels


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sites", help="extract green and blue sites from an OSM file",
                       description="Extract green and blue sites, with entrances and "
                                   "facilities, from an OSM file.")
    add_source_args(p)
    p.add_argument("--out", metavar="FILE",
                   help="write sites to FILE (.geojson or .gpkg); entrances go to a second "
                        "layer (.gpkg) or FILE stem + '.entrances.geojson'")
    p.add_argument("--include-restricted", action="store_true",
                   help="also output private/member-only green space (golf, allotments…)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ecoplan.attribution import export_attribution, with_attribution
    from ecoplan.io import check_output, write_layers
    from ecoplan.sites.build import build_sites
    from ecoplan.sites.describe import describe_unnamed
    from ecoplan.sites.evidence import describe_access

    if args.out:
        check_output(args.out, (".json", ".geojson", ".gpkg"), label="--out")
    loaded = load_from_args(args)
    t0 = time.perf_counter()
    result = build_sites(loaded.layers, include_restricted=args.include_restricted)
    took = time.perf_counter() - t0
    sites = result.sites
    written: list[Path] = []
    if args.out:
        notice = export_attribution()
        labelled = with_labels(sites, describe_unnamed(sites, loaded.layers, result.crs))
        written = write_layers(args.out, {"sites": with_attribution(labelled, notice),
                                          "entrances": with_attribution(result.entrances,
                                                                        notice)})
    by_kind = sites.kind.value_counts().to_dict()
    print(f"{len(sites)} sites ({', '.join(f'{n} {k}' for k, n in sorted(by_kind.items()))}), "
          f"{sites.area_ha.sum():,.1f} ha, {len(result.entrances)} entrances")
    print(describe_access(sites, result.entrances))
    print(f"load {loaded.seconds:.1f} s, sites {took:.1f} s; source "
          f"{loaded.layers.source.name}; {loaded.layers.source.attribution}")
    for path in written:
        print(f"wrote {path}")
    return 0
