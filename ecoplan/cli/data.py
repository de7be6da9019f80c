"""``ecoplan data``: get the data for an English local authority, and see what was downloaded.

    ecoplan data get --la "Isle of Wight"     # or --la E06000046
    ecoplan data list                         # authorities downloaded, with their files
    ecoplan data authorities wight            # search the ONS list of authority names
    ecoplan data sources                      # the data catalogue: URLs, publishers, licences
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("data", help="download the data for a local authority",
                       description="Download an English local authority's OpenStreetMap "
                                   "extract, LSOA boundaries, deprivation and population files "
                                   "into the data folder; then analysis commands take --la.")
    dsub = p.add_subparsers(dest="data_command", metavar="ACTION")
    get = dsub.add_parser("get", help="download (or update) the files for one authority")
    get.add_argument("--la", required=True, metavar="NAME|CODE",
                     help="authority name (close spellings are suggested) or GSS code, e.g. "
                          "E06000046")
    get.add_argument("--offline", action="store_true",
                     help="use only files downloaded before; name what is missing")
    get.add_argument("--refresh", action="store_true",
                     help="download again even when a copy is cached")
    get.add_argument("--catalogue", metavar="FILE",
                     help="a data catalogue replacing the built-in one (data/catalogue.toml)")
    get.add_argument("--quiet", action="store_true", help="no progress bars")
    get.set_defaults(run=run_get)
    lst = dsub.add_parser("list", help="authorities downloaded so far")
    lst.set_defaults(run=run_list)
    auth = dsub.add_parser("authorities", help="search the list of authority names and codes")
    auth.add_argument("text", nargs="?", default="", help="part of a name (all when empty)")
    auth.set_defaults(run=run_authorities)
    src = dsub.add_parser("sources", help="the data catalogue: every source and its licence")
    src.add_argument("--catalogue", metavar="FILE", help="another catalogue file")
    src.set_defaults(run=run_sources)
    p.set_defaults(run=lambda args: _help(p))


def _help(p: argparse.ArgumentParser) -> int:
    p.print_help()
    return 1


class _Bars:
    """One tqdm bar per file on stderr (the callback of ecoplan.fetch.download)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bars: dict[str, Any] = {}  # tqdm bars

    def __call__(self, label: str, done: int, total: int | None) -> None:
        if self.quiet:
            return
        from tqdm import tqdm

        bar = self.bars.get(label)
        if bar is None:
            unit = "rows" if label.endswith((".geojson", "lsoa_lookup.csv")) else "B"
            bar = tqdm(total=total, desc=label[:40], unit=unit, unit_scale=unit == "B",
                       file=sys.stderr, leave=True, dynamic_ncols=True)
            self.bars[label] = bar
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def run_get(args: argparse.Namespace) -> int:
    from ecoplan.fetch.get import get_la_data

    bars = _Bars(args.quiet)
    try:
        man = get_la_data(args.la, offline=args.offline, refresh=args.refresh,
                          catalogue=args.catalogue, progress=bars,
                          step=lambda msg: None if args.quiet else print(f"· {msg}",
                                                                          file=sys.stderr))
    finally:
        bars.close()
    print(f"{man.name} ({man.code}): {len(man.files)} files in {man.folder}")
    for key, rec in man.files.items():
        rows = f", {rec['rows']:,} rows" if rec.get("rows") is not None else ""
        print(f"  {key:14} {rec['path']} ({rec['size']:,} bytes{rows}; sha256 "
              f"{rec['sha256'][:12]}…; {rec['licence']})")
    if man.osm:
        print(f"  OSM extract: {man.osm['extract_name']} from Geofabrik "
              f"({man.osm['extract_km2']:,.0f} km²)")
    for note in man.notes:
        print(f"note: {note}")
    print(f"manifest: {man.folder / 'manifest.json'}")
    print(f"next: ecoplan access --la {man.code}   (or gaps, rank, whatif, sites … --la)")
    return 0


def run_list(args: argparse.Namespace) -> int:  # noqa: ARG001
    from ecoplan.fetch.manifest import downloaded, downloads_root

    have = downloaded()
    if not have:
        print(f"nothing downloaded yet (folder {downloads_root()}); try: ecoplan data get --la "
              "\"Isle of Wight\"")
        return 0
    for man in have:
        extract = man.osm.get("extract_name", "?")
        print(f"{man.code}  {man.name:30} {len(man.files)} files, OSM extract {extract}, "
              f"got {man.created[:10]}")
    return 0


def run_authorities(args: argparse.Namespace) -> int:
    import pandas as pd

    from ecoplan.errors import EcoplanError
    from ecoplan.fetch.authorities import normalise, suggest
    from ecoplan.fetch.manifest import national_dir

    listed = national_dir() / "authorities.csv"
    if not listed.is_file():
        raise EcoplanError("the list of authorities comes with the first `ecoplan data get` "
                           "(it is derived from the ONS LSOA lookup) — run one, or give a GSS "
                           "code such as E06000046")
    table = pd.read_csv(listed, dtype=str)
    want = normalise(args.text)
    hits = table[table["name"].map(normalise).str.contains(want, regex=False)] if want else table
    if hits.empty:
        close = suggest(args.text, table)
        print(f"no authority name contains '{args.text}'"
              + (f"; closest: {'; '.join(close)}" if close else ""))
        return 1
    for row in hits.itertuples(index=False):
        print(f"{row.code}  {row.name}")
    return 0


def run_sources(args: argparse.Namespace) -> int:
    from ecoplan.fetch.catalogue import load_catalogue, mirror_base

    cat = load_catalogue(getattr(args, "catalogue", None))
    print(f"catalogue: {cat.path}")
    base = mirror_base()
    if base:
        print(f"mirror: {base} (ECOPLAN_DATA_MIRROR)")
    for src in cat.sources.values():
        print(f"{src.id}: {src.title}\n  {src.url}\n  {src.publisher}; {src.licence}; "
              f"\"{src.attribution}\"")
    return 0
