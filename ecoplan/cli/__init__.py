"""The ``ecoplan`` command line: one module per sub-command, each a thin layer over the library.

Each module in :data:`COMMANDS` defines ``add_parser(subparsers)`` and ``run(args) -> int``.
User errors (:class:`ecoplan.errors.EcoplanError`, usage errors, and file-system errors such as
a folder that turned read-only) are printed as one line on stderr with exit code 2 and no
traceback; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from ecoplan import __version__
from ecoplan.cli import (
    access,
    data,
    gaps,
    plan,
    plans,
    programme,
    rank,
    route,
    sites,
    support,
    whatif,
)
from ecoplan.errors import EcoplanError
from ecoplan.messages import word

#: Sub-command modules under ``ecoplan.cli``, in the order of the data flow.
COMMANDS: tuple[ModuleType, ...] = (
    data, sites, access, gaps, rank, whatif, plan, plans, route, support, programme,
)


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (what was wrong, where to read more), like every
    other ecoplan error; sub-command parsers are made of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ecoplan",
        description="Green and blue space from OpenStreetMap: sites, access, plans, routes.",
    )
    parser.add_argument("--version", action="version", version=f"ecoplan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


#: Options whose comma-separated values may start with a minus sign (west of Greenwich):
#: argparse would take "--bbox -1.2,50.7,…" for two options, so join them as "--bbox=…".
NEGATIVE_LIST_OPTIONS = frozenset({"--bbox", "--start", "--to"})


def _join_negative_values(argv: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if arg in NEGATIVE_LIST_OPTIONS and nxt is not None and nxt.startswith("-") and (
                "," in nxt):
            out.append(f"{arg}={nxt}")
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(_join_negative_values(list(sys.argv[1:] if argv is None else argv)))
    if not getattr(args, "run", None):
        parser.print_help()
        return 1
    try:
        from ecoplan.cli.la import apply_la

        apply_la(args)
        return int(args.run(args) or 0)
    except EcoplanError as err:
        print(f"ecoplan {args.command}: error: {_one_line(word(err, 'cli'))}", file=sys.stderr)
        return 2
    except OSError as err:
        # The file system refused something no check foresaw (a folder made read-only, a disk
        # filling up mid-run): the user's to fix, so one line, not a traceback.
        from ecoplan.io import os_error_reason

        where = f" {err.filename}" if err.filename else ""
        print(f"ecoplan {args.command}: error: cannot use{where}: {os_error_reason(err)} — "
              "check the path and its permissions, then try again.", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ecoplan: interrupted", file=sys.stderr)
        return 130


def _one_line(text: str) -> str:
    """Messages can quote file content or OSM names: never let them break the line."""
    return " ".join(text.split())


def run_command() -> NoReturn:
    """The ``ecoplan`` command: :func:`main`, then leave without tearing the interpreter down.

    Why: after a cold access run, Python spends about 0.4 s freeing its objects one by one at
    exit (measured on the island: ``benchmarks/bench_cold.py``, issue 16), time the user waits
    for nothing. Exit handlers still run (temporary files, forked children, logging), and
    the output streams are flushed; every file a command writes is closed by then (atomic
    writes, ``ecoplan.io``). Errors and ``--help`` leave the usual way.
    """
    code = main()
    leave(code)


def leave(code: int) -> NoReturn:
    """Exit now with ``code``, after the exit handlers and a flush of stdout and stderr."""
    import atexit
    import os
    from contextlib import suppress

    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):  # a closed pipe (`| head`) or stream
                stream.flush()
        os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run_command()
