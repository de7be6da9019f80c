"""A local directory users extend: peer-support groups, crisis lines, link workers, etc.

Why in the plans database: one file to back up, and the same safety for concurrent writers —
the engine comes from :class:`ecoplan.plans.store.PlanStore` (URL from ``ECOPLAN_DB_URL`` or
SQLite in the data directory; WAL, busy timeout, ``BEGIN IMMEDIATE``). This module owns the
``directory_entries`` table and its own ``directory`` row in the shared ``schema_version``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import (
    Column,
    Connection,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from ecoplan.errors import EcoplanError
from ecoplan.plans.store import ComponentStore, StoreError
from ecoplan.settings import support as support_cfg


class DirectoryError(EcoplanError):
    """A directory entry is invalid or missing."""


metadata = MetaData()

directory_table = Table(
    "directory_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("category", String(200), nullable=False, default=""),
    Column("phone", String(500), nullable=False, default=""),
    Column("url", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("site_id", String(64), nullable=False, default=""),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
)


def _migrate_1(conn: Connection) -> None:
    directory_table.create(conn, checkfirst=True)


#: (version, step) for the 'directory' component; append, never edit, to change the schema.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _migrate_1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class DirectoryEntry:
    """One user entry. ``lat``/``lon`` place it on the map (both or neither); ``site_id`` ties it
    to one site; with neither it is shown for every site (e.g. a crisis line)."""

    name: str
    category: str = "Other"
    phone: str = ""
    url: str = ""
    notes: str = ""
    lat: float | None = None
    lon: float | None = None
    site_id: str = ""
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


def validate(entry: DirectoryEntry) -> DirectoryEntry:
    """Trimmed, checked copy; DirectoryError says which field is wrong and how to fix it."""
    def clean(value: object, field: str, limit: int) -> str:
        s = "" if value is None else str(value).strip()
        if len(s) > limit:
            raise DirectoryError(f"{field} is {len(s)} characters; keep it under {limit}")
        if any(ord(c) < 32 and c not in "\n\t" for c in s):
            raise DirectoryError(f"{field} contains control characters; retype it")
        return s

    name = clean(entry.name, "name", support_cfg.MAX_NAME_LEN)
    if not name:
        raise DirectoryError("a directory entry needs a name; give --name")
    url = clean(entry.url, "url", support_cfg.MAX_FIELD_LEN)
    if url:
        scheme = urlparse(url).scheme.lower()
        if scheme not in support_cfg.URL_SCHEMES:
            raise DirectoryError(f"url '{url[:60]}' must start with "
                                 f"{', '.join(s + ':' for s in support_cfg.URL_SCHEMES)}")
    lat, lon = entry.lat, entry.lon
    if (lat is None) != (lon is None):
        raise DirectoryError("give both latitude and longitude, or neither")
    if lat is not None and lon is not None:
        lat, lon = float(lat), float(lon)
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
                and -180 <= lon <= 180):
            raise DirectoryError(f"({lat}, {lon}) is not a valid latitude/longitude")
    return replace(
        entry, name=name, url=url,
        category=clean(entry.category, "category", support_cfg.MAX_NAME_LEN) or "Other",
        phone=clean(entry.phone, "phone", support_cfg.MAX_FIELD_LEN),
        notes=clean(entry.notes, "notes", support_cfg.MAX_NOTES_LEN),
        site_id=clean(entry.site_id, "site id", 64), lat=lat, lon=lon)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class DirectoryStore(ComponentStore):
    """Create, list, get, update and delete directory entries in the plans database."""

    component = support_cfg.SCHEMA_COMPONENT
    migrations = MIGRATIONS
    noun = "the directory"

    @staticmethod
    def _values(e: DirectoryEntry) -> dict[str, Any]:
        return {"name": e.name, "category": e.category, "phone": e.phone, "url": e.url,
                "notes": e.notes, "lat": e.lat, "lon": e.lon, "site_id": e.site_id}

    @staticmethod
    def _from_row(row: Any) -> DirectoryEntry:
        m = row._mapping
        return DirectoryEntry(
            id=m["id"], name=m["name"], category=m["category"], phone=m["phone"], url=m["url"],
            notes=m["notes"], lat=m["lat"], lon=m["lon"], site_id=m["site_id"],
            created_at=m["created_at"], updated_at=m["updated_at"])

    def add(self, entry: DirectoryEntry) -> DirectoryEntry:
        entry = validate(entry)
        now = _now()
        values = self._values(entry) | {"created_at": now, "updated_at": now}
        new_id = self._run(lambda c: c.execute(
            insert(directory_table).values(**values)).inserted_primary_key[0])  # type: ignore[index]
        return replace(entry, id=int(new_id), created_at=now, updated_at=now)

    def get(self, entry_id: int) -> DirectoryEntry:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(directory_table).where(
                    directory_table.c.id == int(entry_id))).first()
        except SQLAlchemyError as err:
            raise StoreError(f"the directory could not be read ({err}); check it") from None
        if row is None:
            raise DirectoryError(f"no directory entry with id {entry_id}; see "
                                 "'ecoplan directory list'")
        return self._from_row(row)

    def list(self, *, site_id: str | None = None) -> list[DirectoryEntry]:
        """All entries (or those for one site plus the ones tied to no site), by category."""
        q = select(directory_table).order_by(directory_table.c.category,
                                             directory_table.c.name, directory_table.c.id)
        if site_id is not None:
            q = q.where(directory_table.c.site_id.in_([str(site_id), ""]))
        with self.engine.connect() as conn:
            return [self._from_row(r) for r in conn.execute(q)]

    def update(self, entry: DirectoryEntry) -> DirectoryEntry:
        if entry.id is None:
            raise DirectoryError("this entry has not been saved yet; add it first")
        entry = validate(entry)
        now = _now()

        def do(conn: Connection) -> int:
            return conn.execute(update(directory_table).where(
                directory_table.c.id == entry.id).values(
                **self._values(entry), updated_at=now)).rowcount

        if self._run(do) != 1:
            raise DirectoryError(f"no directory entry with id {entry.id}; it may have been "
                                 "deleted — add it again")
        return replace(entry, updated_at=now)

    def delete(self, entry_id: int) -> None:
        n = self._run(lambda c: c.execute(delete(directory_table).where(
            directory_table.c.id == int(entry_id))).rowcount)
        if n != 1:
            raise DirectoryError(f"no directory entry with id {entry_id}; see "
                                 "'ecoplan directory list'")
