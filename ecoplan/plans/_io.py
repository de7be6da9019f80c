"""Output checks for exports (files are written with :func:`ecoplan.io.write_atomic`).

``check_target`` runs before any slow work so a bad ``--ics``/``--sheet`` path is refused
before a plan is assessed or saved.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ecoplan.errors import InputFileError


def check_target(path: str | Path, what: str = "file") -> Path:
    """Refuse an output path that cannot be written (missing folder, a folder, read-only…),
    by really creating and removing a temporary file beside it."""
    p = Path(path)
    if p.is_dir():
        raise InputFileError(f"{p} is a folder; give a file name for the {what}")
    parent = p.parent
    if not parent.is_dir():
        raise InputFileError(f"cannot write the {what} to {p}: folder {parent} does not exist "
                             "— create it first or choose another path")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{p.name}.", suffix=".probe")
        os.close(fd)
        os.unlink(tmp)
    except OSError as err:
        raise InputFileError(f"cannot write the {what} to {p} ({err.strerror or err}); choose "
                             "another folder") from None
    return p
