"""Saved programmes with their history, in the plans database.

Why the plans database: one file to back up and the same safety for concurrent writers — the
engine comes from :class:`ecoplan.plans.store.PlanStore` (URL from ``ECOPLAN_DB_URL`` or SQLite
in the data directory; WAL, busy timeout, ``BEGIN IMMEDIATE``). This module owns two tables and
its own ``programmes`` row in the shared ``schema_version``:

* ``programmes`` — one row per programme (unique name), the current content as JSON and an
  optimistic ``version``;
* ``programme_history`` — one row per version: when, what changed (a sentence) and the full
  content, so any earlier state can be read back.

Every change writes both in one transaction: a failure leaves neither (nothing half-saved).
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ecoplan.errors import EcoplanError
from ecoplan.plans.store import ComponentStore, StoreError
from ecoplan.programmes.model import Programme
from ecoplan.settings import programmes as programmes_cfg


class ProgrammeNotFoundError(EcoplanError):
    """No programme with that name or id."""


class ProgrammeConflictError(EcoplanError):
    """The programme changed since it was read, or the name is taken."""


metadata = MetaData()

programmes_table = Table(
    "programmes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("source_key", Text, nullable=False, default=""),  # its area (a project's source)
    Column("first_start", String(40), nullable=False),
    Column("sessions", Integer, nullable=False),
    Column("content_json", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)

history_table = Table(
    "programme_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("at", String(40), nullable=False),
    Column("action", String(40), nullable=False),  # created | weather | swap | edit
    Column("summary", Text, nullable=False, default=""),
    Column("content_json", Text, nullable=False),
    Index("ix_programme_history_programme", "programme_id", "version", unique=True),
)


def _migrate_1(conn: Connection) -> None:
    programmes_table.create(conn, checkfirst=True)
    history_table.create(conn, checkfirst=True)


#: (version, step) for the 'programmes' component; append, never edit, to change the schema.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _migrate_1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    at: str
    action: str
    summary: str
    content: dict[str, Any]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class ProgrammeStore(ComponentStore):
    """Create, list, get (by name or id), update (version-checked, with history) and delete."""

    component = programmes_cfg.SCHEMA_COMPONENT
    migrations = MIGRATIONS
    noun = "the programmes database"

    # --- rows ------------------------------------------------------------------------------

    @staticmethod
    def _values(p: Programme) -> dict[str, Any]:
        first = p.sessions[0].start.isoformat() if p.sessions else ""
        return {"name": p.name, "source_key": str(p.source.get("key") or ""),
                "first_start": first, "sessions": len(p.sessions),
                "content_json": json.dumps(p.content(), ensure_ascii=False)}

    @staticmethod
    def _from_row(row: Any) -> Programme:
        m = row._mapping
        try:
            content = json.loads(m["content_json"])
            return Programme.from_content(content, id=m["id"], version=m["version"],
                                          created_at=m["created_at"],
                                          updated_at=m["updated_at"])
        except (ValueError, KeyError, TypeError) as err:
            raise StoreError(f"programme {m['id']} ('{m['name']}') is unreadable in the "
                             f"database ({err.__class__.__name__}); restore it from its "
                             "history or delete it") from None

    def _where(self, ref: str | int):
        ref = str(ref).strip()
        if ref.isdigit():
            return programmes_table.c.id == int(ref)
        return programmes_table.c.name == ref

    # --- API -------------------------------------------------------------------------------

    def create(self, programme: Programme, *, summary: str = "created") -> Programme:
        """Save a new programme (and its first history entry) in one transaction."""
        now = _now()
        values = self._values(programme)

        def do(conn: Connection) -> int:
            try:
                new_id = conn.execute(insert(programmes_table).values(  # type: ignore[index]
                    **values, created_at=now, updated_at=now, version=1)).inserted_primary_key[0]
            except IntegrityError:
                raise ProgrammeConflictError(
                    f"a programme named '{programme.name}' already exists; choose another "
                    "--name, or delete the old one with 'ecoplan programme delete'") from None
            conn.execute(insert(history_table).values(
                programme_id=new_id, version=1, at=now, action="created", summary=summary,
                content_json=values["content_json"]))
            return int(new_id)

        new_id = self._run(do)
        return replace(programme, id=new_id, version=1, created_at=now, updated_at=now)

    def get(self, ref: str | int) -> Programme:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(programmes_table).where(self._where(ref))).first()
        except SQLAlchemyError as err:
            raise StoreError(f"the programmes database could not be read ({err}); check "
                             "it") from None
        if row is None:
            raise ProgrammeNotFoundError(f"no programme '{ref}'; see 'ecoplan programme list'")
        return self._from_row(row)

    def list(self) -> list[dict[str, Any]]:
        """One summary per programme (id, name, first start, sessions, version, updated)."""
        cols = [programmes_table.c[k] for k in ("id", "name", "first_start", "sessions",
                                                 "version", "updated_at", "source_key")]
        q = select(*cols).order_by(programmes_table.c.first_start, programmes_table.c.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    def update(self, programme: Programme, *, action: str, summary: str) -> Programme:
        """Save a new version if nobody else saved since ``programme.version`` was read."""
        if programme.id is None:
            raise EcoplanError("this programme has not been saved yet; create it first")
        now = _now()
        values = self._values(programme)
        new_version = programme.version + 1

        def do(conn: Connection) -> None:
            res = conn.execute(update(programmes_table).where(
                programmes_table.c.id == programme.id,
                programmes_table.c.version == programme.version).values(
                **values, updated_at=now, version=new_version))
            if res.rowcount != 1:
                cur = conn.execute(select(programmes_table.c.version).where(
                    programmes_table.c.id == programme.id)).first()
                if cur is None:
                    raise ProgrammeNotFoundError(f"programme {programme.id} was deleted; "
                                                 "nothing was saved")
                raise ProgrammeConflictError(
                    f"programme '{programme.name}' was changed by someone else (now version "
                    f"{cur[0]}, you edited version {programme.version}); reload it and apply "
                    "your change again — nothing was overwritten")
            conn.execute(insert(history_table).values(
                programme_id=programme.id, version=new_version, at=now, action=action,
                summary=summary, content_json=values["content_json"]))

        try:
            self._run(do)
        except IntegrityError:
            raise ProgrammeConflictError(f"a programme named '{programme.name}' already "
                                         "exists; choose another name") from None
        return replace(programme, version=new_version, updated_at=now)

    def history(self, ref: str | int) -> builtins.list[HistoryEntry]:
        p = self.get(ref)
        q = select(history_table).where(history_table.c.programme_id == p.id).order_by(
            history_table.c.version)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [HistoryEntry(r.version, r.at, r.action, r.summary, json.loads(r.content_json))
                for r in rows]

    def at_version(self, ref: str | int, version: int) -> Programme:
        """The programme as it was at ``version`` (from its history)."""
        p = self.get(ref)
        assert p.id is not None  # a stored programme has an id
        for h in self.history(p.id):
            if h.version == version:
                return Programme.from_content(h.content, id=p.id, version=h.version,
                                              created_at=p.created_at, updated_at=h.at)
        raise ProgrammeNotFoundError(f"programme '{p.name}' has versions 1–{p.version}, not "
                                     f"{version}")

    def delete(self, ref: str | int) -> Programme:
        """Delete a programme and its history (one transaction); returns what was deleted."""
        p = self.get(ref)

        def do(conn: Connection) -> None:
            conn.execute(delete(history_table).where(history_table.c.programme_id == p.id))
            if conn.execute(delete(programmes_table).where(
                    programmes_table.c.id == p.id)).rowcount != 1:
                raise ProgrammeNotFoundError(f"programme '{p.name}' was already deleted")

        self._run(do)
        return p

    def count_history(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(history_table)).scalar_one())
