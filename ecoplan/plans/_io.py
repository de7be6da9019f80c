"""Atomic file writes for exports: a failure leaves no partial file behind, and is one line.

``check_target`` runs before any slow work so a bad ``--ics``/``--sheet`` path is refused
before a plan is assessed or saved.
"""

from __future__ import annotations

import contextlib
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


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write to a temp file in the same folder, then ``os.replace`` it into place."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=f".{p.name}.", suffix=".tmp")
    except OSError as err:
        raise InputFileError(f"cannot write {p} ({err.strerror or err}); choose another "
                             "folder") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, p)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputFileError(f"cannot write {p} ({err.strerror or err}); nothing was "
                             "written") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return p
