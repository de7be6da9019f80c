"""``--la NAME|CODE`` on the analysis commands: fill SOURCE, --areas, --deprivation, --population
and --lookup from the authority's download manifest (``ecoplan data get``), and clip the OSM
data to the authority plus the farthest standard's distance (:mod:`ecoplan.fetch.clip`).

Only arguments the user left empty are filled, so ``--la X --population my.csv`` works.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ecoplan.errors import InputFileError

#: With --la, the IoD files each edition uses (catalogue ids) and its boundaries (manifest keys).
EDITION_FILES: dict[str, dict[str, Any]] = {
    "2019": {"areas": "lsoa2011", "deprivation": ["iod2019_file2"],
             "population": "iod2019_file6", "lookup": None},
    # IoD 2025 is on LSOA 2021; population (File 6, mid-2015) is on LSOA 2011 and is carried
    # across with the ONS lookup (ecoplan.need.lookup).
    "2025": {"areas": "lsoa2021", "deprivation": ["iod2025"],
             "population": "iod2019_file6", "lookup": "lookup"},
}


def apply_la(args: argparse.Namespace) -> None:
    """Fill ``args`` from the manifest when ``--la`` is given; else check SOURCE/--areas."""
    if not hasattr(args, "source") or "la" not in vars(args):
        return
    if not args.la:
        if args.source is None:
            raise InputFileError("give SOURCE (an .osm.pbf/.osm file or 'demo'), or --la NAME "
                                 "for an authority fetched with `ecoplan data get`")
        if getattr(args, "areas_required", False) and not args.areas:
            raise InputFileError("give --areas FILE (area boundaries, e.g. LSOAs), or --la NAME "
                                 "to use an authority's downloads")
        if getattr(args, "iod_edition", None):
            raise InputFileError("--iod-edition only applies with --la")
        return
    from ecoplan.fetch.clip import buffer_m, osm_buffer_m
    from ecoplan.fetch.get import authority_area
    from ecoplan.fetch.manifest import find_manifest

    man = find_manifest(args.la)
    edition = args.iod_edition or "2019"
    plan = EDITION_FILES[edition]
    used: list[str] = []
    if args.source is None:
        args.source = str(man.path_of("osm"))
        used.append(man.path_of("osm").name)
    if hasattr(args, "areas") and not args.areas:
        args.areas = str(man.path_of(str(plan["areas"])))
        used.append(f"LSOA {'2011' if edition == '2019' else '2021'} boundaries")
    if hasattr(args, "deprivation") and not args.deprivation:
        args.deprivation = [str(man.path_of(k)) for k in plan["deprivation"]]
        used.append(f"IoD {edition}")
    if hasattr(args, "population") and not args.population:
        args.population = str(man.path_of(str(plan["population"])))
        used.append("population (IoD 2019 File 6, mid-2015)")
    if hasattr(args, "lookup") and not args.lookup and plan["lookup"]:
        args.lookup = str(man.path_of(str(plan["lookup"])))
        used.append("ONS LSOA 2011→2021 lookup")
    speed = getattr(args, "speed", None) or getattr(args, "profile", None)
    reach = osm_buffer_m(speed)
    args.la_area = buffer_m(authority_area(man.path_of("lsoa2011")), reach)
    args.la_key = f"{man.code}+{reach:.0f}m"
    print(f"note: {man.name} ({man.code}) from `ecoplan data get`: {', '.join(used)}; OSM data "
          f"clipped to the authority plus {reach / 1000:g} km (the farthest standard measured)",
          file=sys.stderr)
    for note in man.notes:
        print(f"note: {note}", file=sys.stderr)
