"""Python's cyclic garbage collector paused for bulk work (cold runs, issue 16).

Why: a cold access run holds a few hundred thousand tracked objects (the OSM layers and
pyrosm's parse of the file) while it allocates millions of short-lived ones (tags, strings,
geometries). Every full collection walks all the live ones, and the allocation sets off
many: measured on the Isle of Wight, 0.2 s of the sites step's 2 s, and about 0.5 s of CPU
over the whole run. Nothing the run builds needs the collector — reference counting frees
it — and whatever cycles it leaves are collected once the collector is back on.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off inside the block, back to its former state after it (also on an
    error); nested blocks leave it off until the outermost one ends."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
