"""Projects in the plans database (SQLite by default, any SQLAlchemy URL).

The engine, URL rules, SQLite pragmas (WAL, ``BEGIN IMMEDIATE``) and the refusal of foreign
databases come from :class:`ecoplan.plans.store.PlanStore`, so projects and plans share one
file and one safety story. The ``projects`` component versions its own schema in the shared
``schema_version`` table; it never touches the ``plans`` table, so no plan can be lost by it.
Every write is one transaction: :meth:`ProjectStore.patch` reads, merges and writes under
the write lock, so two tabs saving different settings never lose each other's changes.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import update as sa_update
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ecoplan.errors import EcoplanError
from ecoplan.plans.store import PlanStore, StoreError, component_version, migrate_component
from ecoplan.projects.model import Project

SCHEMA_COMPONENT = "projects"  # row in the shared schema_version table
NAME_MAX_CHARS = 120  # same cap as upload names (settings.app.UPLOAD_NAME_MAX_CHARS)


class ProjectNotFoundError(EcoplanError):
    """No project with that id."""


class ProjectConflictError(EcoplanError):
    """The project changed since it was read."""


metadata = MetaData()
projects_table = Table(
    "projects", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("data_json", Text, nullable=False, default="{}"),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("opened_at", String(40), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)


def _migrate_1(conn: Connection) -> None:
    projects_table.create(conn, checkfirst=True)


#: (version, step); append, never edit, to change the schema.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _migrate_1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_id() -> str:
    """A short id that is safe in a URL (``?project=…``) and hard to guess."""
    return secrets.token_hex(6)


def clean_name(name: str) -> str:
    text = " ".join(str(name or "").split())[:NAME_MAX_CHARS]
    if not text:
        raise EcoplanError("Give the project a name.")
    return text


class ProjectStore:
    """Create, get, list (most recently opened first), patch, rename and delete projects."""

    def __init__(self, url: str | None = None) -> None:
        self._plans = PlanStore(url)
        self.url = self._plans.url
        self.engine = self._plans.engine
        migrate_component(self.engine, SCHEMA_COMPONENT, SCHEMA_VERSION, MIGRATIONS,
                          what=f"the projects in '{self.url}'")

    def close(self) -> None:
        self._plans.close()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return component_version(self.engine, SCHEMA_COMPONENT)

    def _run(self, fn: Callable[[Connection], Any]) -> Any:
        try:
            with self.engine.begin() as conn:
                return fn(conn)
        except OperationalError as err:
            raise StoreError(f"the projects could not be saved ({err.orig}); try again — "
                             "nothing was changed") from None

    @staticmethod
    def _from_row(row: Any) -> Project:
        m = row._mapping
        try:
            data = json.loads(m["data_json"] or "{}")
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (ValueError, RecursionError):
            raise StoreError(f"project {m['id']} is damaged (its data is not valid JSON); "
                             "delete it and start a new one") from None
        known = {k: data[k] for k in Project.DATA_FIELDS if k in data}
        return Project(name=m["name"], source=m["source"], id=m["id"],
                       created_at=m["created_at"], updated_at=m["updated_at"],
                       version=int(m["version"]), **known)

    def create(self, project: Project) -> Project:
        now = _now()
        pid = project.id or new_id()
        values = {"id": pid, "name": clean_name(project.name), "source": project.source,
                  "data_json": json.dumps(project.data()), "created_at": now,
                  "updated_at": now, "opened_at": now, "version": 1}
        self._run(lambda conn: conn.execute(insert(projects_table).values(**values)))
        return replace(project, id=pid, name=str(values["name"]), created_at=now, updated_at=now,
                       version=1)

    def get(self, project_id: str) -> Project:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(projects_table).where(
                    projects_table.c.id == str(project_id))).first()
        except SQLAlchemyError as err:
            raise StoreError(f"the projects could not be read ({err.__class__.__name__})") \
                from None
        if row is None:
            raise ProjectNotFoundError(f"no project with id {str(project_id)[:40]!r}; it may "
                                       "have been deleted — choose one under Recent projects")
        return self._from_row(row)

    def recent(self, limit: int = 10) -> list[Project]:
        """Projects, most recently opened or changed first; damaged ones are left out."""
        q = select(projects_table).order_by(projects_table.c.opened_at.desc()).limit(limit)
        with self.engine.connect() as conn:
            rows = list(conn.execute(q))
        out = []
        for r in rows:
            try:
                out.append(self._from_row(r))
            except StoreError:
                continue
        return out

    def opened(self, project_id: str) -> None:
        """Move a project to the top of the recent list."""
        self._run(lambda conn: conn.execute(sa_update(projects_table).where(
            projects_table.c.id == str(project_id)).values(opened_at=_now())))

    def patch(self, project_id: str, *, expected_version: int | None = None,
              **changes: Any) -> Project:
        """Change some fields in one transaction (read, merge, write under the write lock).

        ``settings`` and ``route`` are merged key by key, so two tabs changing different
        settings keep both; with ``expected_version`` a change since that version is refused.
        """
        bad = set(changes) - {"name", "source", *Project.DATA_FIELDS}
        if bad:
            raise ValueError(f"unknown project fields {sorted(bad)}")

        def do(conn: Connection) -> Project:
            row = conn.execute(select(projects_table).where(
                projects_table.c.id == str(project_id))).first()
            if row is None:
                raise ProjectNotFoundError(f"no project with id {str(project_id)[:40]!r}")
            cur = self._from_row(row)
            if expected_version is not None and cur.version != expected_version:
                raise ProjectConflictError(
                    f"project '{cur.name}' was changed elsewhere (now version {cur.version}); "
                    "reload it — nothing was overwritten")
            new = replace(cur)
            for key, value in changes.items():
                if key in ("settings", "route") and isinstance(value, dict):
                    value = {**getattr(cur, key), **value}
                setattr(new, key, value)
            new.name = clean_name(new.name)
            now = _now()
            conn.execute(sa_update(projects_table).where(
                projects_table.c.id == cur.id).values(
                name=new.name, source=new.source, data_json=json.dumps(new.data()),
                updated_at=now, opened_at=now, version=cur.version + 1))
            return replace(new, updated_at=now, version=cur.version + 1)

        return self._run(do)

    def delete(self, project_id: str) -> None:
        def do(conn: Connection) -> None:
            if conn.execute(sa_delete(projects_table).where(
                    projects_table.c.id == str(project_id))).rowcount != 1:
                raise ProjectNotFoundError(f"no project with id {str(project_id)[:40]!r}")

        self._run(do)
