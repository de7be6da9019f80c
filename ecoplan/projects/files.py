"""Need files kept by a project: copied into the app's data folder under a content name.

Uploads live in the cache (which may be cleared) and typed paths may move; a project keeps
its own copy so reopening it — or adding the population file weeks later — needs no
re-upload. The copy is named by content (the same file is stored once) and written
atomically; the user's own file name is kept beside it in the project (:class:`FileRef`).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from ecoplan.compressed import unreadable
from ecoplan.io import atomic_path
from ecoplan.projects.model import FileRef
from ecoplan.settings.paths import data_dir

SUBDIR = "project_files"
_CHUNK = 1 << 20


def files_dir(root: Path | None = None) -> Path:
    return (root or data_dir()) / SUBDIR


def keep(path: str | Path, shown_name: str, *, root: Path | None = None) -> FileRef:
    """Copy ``path`` into the project files folder (once per content); return its reference."""
    from ecoplan.app.uploads import safe_name  # one sanitiser for every stored name

    src = Path(path)
    digest = hashlib.sha256()
    try:
        with src.open("rb") as fh:
            for block in iter(lambda: fh.read(_CHUNK), b""):
                digest.update(block)
    except OSError as err:
        raise unreadable(src, err) from None
    folder = files_dir(root)
    dest = folder / f"{digest.hexdigest()[:16]}-{safe_name(shown_name)}"
    if not (dest.is_file() and dest.stat().st_size == src.stat().st_size):
        folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(dest) as tmp, src.open("rb") as fh, tmp.open("wb") as out:
            shutil.copyfileobj(fh, out, _CHUNK)
    return FileRef(name=str(shown_name), path=str(dest))
