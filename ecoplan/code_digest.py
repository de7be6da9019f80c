"""One digest of our own source code, for cache keys that must change when the code does.

Cached results (access results, the app's sites on disk) are only valid for the code that
made them: a new version of the rules or a local edit must never serve old numbers. Each cache
names the packages whose code decides its answer; the digest covers their ``.py`` files,
paths included, in a fixed order.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


@functools.cache
def code_digest(packages: tuple[str, ...]) -> str:
    """16 hex characters of SHA-256 over every ``.py`` file of ``packages`` (under ecoplan/)."""
    h = hashlib.sha256()
    for pkg in packages:
        for f in sorted((_ROOT / pkg).rglob("*.py")):
            h.update(f.relative_to(_ROOT).as_posix().encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:16]
