"""Area relations whose member ways are missing from the file, found the same way for every reader.

An extract cut from the planet can keep a multipolygon relation but lose some of its member
ways (cut at the extract's edge). pyrosm then builds a partial polygon — on the Isle of Wight
2015 extract the 87-member "The Solent" water relation, 47 members missing, comes out as a
0.1 ha sliver — while osmnx drops the relation. Both readers now leave such relations out and
say how many, so the PBF and XML readings of one area agree. Two streaming reads with pyosmium
(relations, then only their member ways, no node locations) find them.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from ecoplan.errors import InputFileError
from ecoplan.settings import osm as osm_cfg

#: Relation types that describe areas (osmnx builds these two; pyrosm also these).
AREA_RELATION_TYPES = frozenset({"multipolygon", "boundary"})


@dataclass(frozen=True)
class Incomplete:
    """A multipolygon relation with member ways missing from the file."""

    osm_id: int
    name: str
    missing: int  # member ways not in the file
    members: int  # member ways in all
    kind: str = "multipolygon"  # or "boundary"


def incomplete_multipolygons(path: str | Path, *, label: str | None = None,
                             cut: Collection[int] = ()) -> list[Incomplete]:
    """Area relations (multipolygons, boundaries) that could be features (tags as
    ``settings.osm.FEATURE_FILTER``) and miss at least one member way in ``path`` (.osm.pbf or
    plain .osm XML); ``label`` names the file in errors (a temporary copy's name means nothing
    to the user). Ways in ``cut`` (run past the file's edge, ``osm/edge.py``) count as
    missing: a member drawn in part would draw the area in part."""
    import osmium  # imported here: only the readers need it
    import osmium.filter

    wanted: list[tuple[int, str, list[int], str]] = []
    try:
        # relations first (way blocks skipped), then only their member ways reach Python:
        # libosmium's id filter drops the rest in C++ (29,197 ways → the few hundred members)
        wanted = _wanted((rel.id, rel.tags, [m.ref for m in rel.members if m.type == "w"])
                         for rel in _osm_objects(osmium.FileProcessor(str(path),
                                                                      osmium.osm.RELATION)))
        if not wanted:
            return []
        refs = {ref for _, _, members, _ in wanted for ref in members}
        way_ids = array("q")
        id_filter = osmium.filter.IdFilter(refs)
        id_filter.enable_for(osmium.osm.WAY)
        ways = osmium.FileProcessor(str(path), osmium.osm.WAY).with_filter(id_filter)
        for way in ways:
            way_ids.append(way.id)
    except (RuntimeError, OSError, ValueError) as err:  # libosmium reports bad data as these
        raise InputFileError(
            f"{label or Path(path).name} could not be read as OSM data "
            f"({str(err).strip() or err!r}); it may be truncated or corrupt — download or "
            "export it again") from None
    return _missing(wanted, np.frombuffer(way_ids, dtype=np.int64), cut)


def incomplete_in_parsed(relations: dict[str, np.ndarray], way_ids: np.ndarray,
                         cut: Collection[int] = ()) -> list[Incomplete]:
    """:func:`incomplete_multipolygons` from a file already parsed whole: pyrosm's relation
    arrays (``id``, ``tags`` dicts, ``members`` with ``member_id``/``member_type``) and the
    ids of every way it read. Why: the same answer without reading the file twice more with
    pyosmium (0.2 s of a cold Isle of Wight run, issue 16). Only for an unclipped read: a
    clipped parse lacks the ways outside the clip, which the file does have.
    """
    def members(m: dict[str, np.ndarray]) -> list[int]:
        kinds = np.asarray(m["member_type"])
        return np.asarray(m["member_id"], dtype=np.int64)[
            (kinds == b"way") | (kinds == "way")].tolist()

    wanted = _wanted((int(rid), tags or {}, members(m)) for rid, tags, m in
                     zip(relations["id"], relations["tags"], relations["members"],
                         strict=True))
    return _missing(wanted, np.asarray(way_ids, dtype=np.int64), cut)


def _wanted(relations: Iterable[tuple[int, Any, list[int]]]
            ) -> list[tuple[int, str, list[int], str]]:
    """(id, name, member ways, type) of the area relations that could be features, from
    (id, tags, member way ids); ``tags`` is anything with ``get``."""
    out = []
    for rel_id, tags, members in relations:
        if tags.get("type") not in AREA_RELATION_TYPES or not _is_feature(tags):
            continue
        if members:
            out.append((rel_id, tags.get("name", ""), members, tags.get("type")))
    return out


def _missing(wanted: list[tuple[int, str, list[int], str]], way_ids: np.ndarray,
             cut: Collection[int] = ()) -> list[Incomplete]:
    """The ``wanted`` relations with a member way not among ``way_ids``, or in ``cut``."""
    have = np.unique(way_ids)
    if len(cut):
        have = have[~np.isin(have, np.fromiter(cut, np.int64, len(cut)))]
    out = []
    for rel_id, name, members, kind in wanted:
        found = _present(have, np.asarray(members, dtype=np.int64))
        if not found.all():
            out.append(Incomplete(rel_id, name, int((~found).sum()), len(members), kind))
    # Green and blue space first: what users look for in the note; boundaries after.
    return sorted(out, key=lambda r: (r.kind == "boundary", r.osm_id))


def _osm_objects(processor: Iterable[object]) -> Iterator[Any]:
    """Iterate ``processor`` with its objects typed ``Any``.

    pyosmium types every object a FileProcessor yields as the union of all OSM kinds (node,
    way, relation, area, changeset), but the processor's entity selection decides which kinds
    arrive (here relations only). A cast, not a wrapping generator: no cost per object.
    """
    return cast("Iterator[Any]", iter(processor))


def _present(have: np.ndarray, refs: np.ndarray) -> np.ndarray:
    """Which of ``refs`` are in the sorted ``have``."""
    if len(have) == 0:
        return np.zeros(len(refs), dtype=bool)
    pos = np.minimum(np.searchsorted(have, refs), len(have) - 1)
    return have[pos] == refs


def _is_feature(tags) -> bool:
    for key, values in osm_cfg.FEATURE_FILTER.items():
        value = tags.get(key)
        if value is not None and (values is True or value in values):  # type: ignore[operator]
            return True
    return False


def describe(incomplete: list[Incomplete]) -> str:
    """The note shown beside results when relations were left out."""
    shown = ", ".join(f"r{r.osm_id}" + (f" '{r.name}'" if r.name else "")
                      + f" ({r.missing} of {r.members} missing)" for r in incomplete[:3])
    more = f" and {len(incomplete) - 3} more" if len(incomplete) > 3 else ""
    return (f"{len(incomplete)} area relation(s) miss member ways or parts of them (not in "
            "the file, usually cut at the extract's edge) and were left out rather than drawn "
            f"in part: {shown}{more}. An extract that keeps relations whole (osmium extract "
            "--strategy smart) includes them.")
