"""Saved session plans in a real database (SQLite by default, any SQLAlchemy URL by config).

Safety for concurrent writers: SQLite runs in WAL mode with a long ``busy_timeout`` and every
transaction starts with ``BEGIN IMMEDIATE`` (writers queue instead of failing mid-way);
updates carry an optimistic ``version`` so two editors never silently overwrite each other.
The schema is versioned per component in ``schema_version`` (other components — e.g. a
directory of services — add their own rows and tables) and migrated when a store opens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError

from ecoplan.errors import EcoplanError
from ecoplan.messages import DATABASE, hinted
from ecoplan.settings import paths
from ecoplan.settings import plans as pcfg


class PlanNotFoundError(EcoplanError):
    """No saved plan with that id."""


class PlanConflictError(EcoplanError):
    """Someone else changed the plan since it was read."""


class StoreError(EcoplanError):
    """The plans database cannot be opened or written."""


#: First 16 bytes of every SQLite 3 database file (sqlite.org/fileformat.html, §1.3.1).
SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_path(url: str) -> Path | None:
    """The file behind a ``sqlite:///path`` URL (None for memory or other databases)."""
    if not url.startswith("sqlite:///") or len(url) <= len("sqlite:///"):
        return None
    path = url.removeprefix("sqlite:///").split("?", 1)[0]
    return None if path in (":memory:", "") else Path(path)


def check_sqlite_file(path: Path) -> None:
    """Refuse, untouched, a file that is not an SQLite database (never overwrite it)."""
    if path.is_dir():
        raise hinted(StoreError(f"the plans database path {path} is a folder, not a file"),
                     DATABASE)
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as err:
        raise StoreError(f"cannot read the plans database {path} ({err.strerror or err}); "
                         "check its permissions") from None
    if head and head != SQLITE_MAGIC:
        raise hinted(StoreError(f"{path} is not an ecoplan plans database (it is not SQLite); "
                                "it was left untouched"), DATABASE)
    if not head:
        return  # an empty file is an empty SQLite database: ours to set up
    # Look, read-only, before our connection switches the file to WAL mode (which rewrites its
    # header): another program's database must stay byte-for-byte as it was.
    import sqlite3

    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as err:
        raise StoreError(f"cannot open the plans database {path} ({err}); it is damaged or "
                         "not an ecoplan database — it was left untouched") from None
    if tables and "schema_version" not in tables:
        raise hinted(StoreError(f"{path} is a database but not an ecoplan one (it has tables "
                                f"{', '.join(sorted(tables)[:3])} and no ecoplan schema); it was "
                                "left untouched"), DATABASE)


@dataclass(frozen=True)
class DamagedRow:
    """A saved plan that cannot be read (e.g. malformed JSON); listed, never dropped silently."""

    id: int
    problem: str

    def __str__(self) -> str:
        return (f"plan {self.id} is damaged ({self.problem}) and was skipped; delete it with "
                f"'ecoplan plans delete {self.id}'")


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("component", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("applied_at", String(40), nullable=False),
)

plans_table = Table(
    "plans", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(64), nullable=False, default=""),
    Column("site_name", Text, nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("start", String(40), nullable=False),  # ISO 8601 with UTC offset
    Column("timezone", String(64), nullable=False),
    Column("minutes", Integer, nullable=False),
    Column("group_json", Text, nullable=False, default="{}"),
    Column("notes", Text, nullable=False, default=""),
    Column("forecast_json", Text),
    Column("assessment_json", Text),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("version", Integer, nullable=False, default=1),
)


def _migrate_1(conn: Connection) -> None:
    plans_table.create(conn, checkfirst=True)


#: (version, step) for the 'plans' component; append, never edit, to change the schema.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _migrate_1),)
SCHEMA_VERSION = MIGRATIONS[-1][0]


@dataclass
class Plan:
    site_id: str
    site_name: str
    start: datetime  # tz-aware
    minutes: int
    lat: float | None = None
    lon: float | None = None
    group: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    forecast: dict[str, Any] | None = None
    assessment: dict[str, Any] | None = None
    id: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    version: int = 0

    @property
    def timezone(self) -> str:
        tz = self.start.tzinfo
        return getattr(tz, "key", None) or str(tz)


def default_url() -> str:
    """``ECOPLAN_DB_URL`` if set, else SQLite in the user data directory."""
    env = os.environ.get(pcfg.DB_URL_ENV)
    if env:
        return env
    return f"sqlite:///{paths.data_dir() / pcfg.DB_FILENAME}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(pcfg.SQLITE_BUSY_TIMEOUT_MS)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class PlanStore:
    """Create, list, get, update (version-checked) and delete saved plans."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_url()
        self.damaged: list[DamagedRow] = []  # rows the last list() skipped
        try:
            path = _sqlite_path(self.url)
            if path is not None:
                check_sqlite_file(path)
                path.parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, future=True)
        except (ArgumentError, OSError) as err:
            raise hinted(StoreError(f"cannot open the plans database '{self.url}' ({err})"),
                         DATABASE) from None
        except ImportError as err:
            raise StoreError(f"no database driver for '{self.url}' ({err}); install it or "
                             f"unset {pcfg.DB_URL_ENV} to use SQLite") from None
        if self.engine.dialect.name == "sqlite":
            _sqlite_setup(self.engine)
        self._migrate()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> PlanStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        try:
            with self.engine.begin() as conn:
                tables = set(inspect(conn).get_table_names())
                if tables and "schema_version" not in tables:
                    raise hinted(StoreError(
                        f"'{self.url}' is a database but not an ecoplan one (it has tables "
                        f"{', '.join(sorted(tables)[:3])} and no ecoplan schema); it was left "
                        "untouched"), DATABASE)
                schema_version.create(conn, checkfirst=True)
        except DatabaseError as err:
            raise StoreError(f"cannot open the plans database '{self.url}' ({err.orig}); it "
                             "is not an ecoplan database or it is damaged — it was left "
                             "untouched") from None
        migrate_component(self.engine, pcfg.SCHEMA_COMPONENT, SCHEMA_VERSION, MIGRATIONS,
                          what=f"the plans database '{self.url}'")

    def schema_version(self) -> int:
        return component_version(self.engine, pcfg.SCHEMA_COMPONENT)

    # --- CRUD --------------------------------------------------------------------------------

    @staticmethod
    def _values(plan: Plan) -> dict[str, Any]:
        if plan.start.tzinfo is None:
            raise EcoplanError("plan start has no time zone; give a tz-aware start time")
        return {
            "site_id": plan.site_id or "", "site_name": plan.site_name or "",
            "lat": plan.lat, "lon": plan.lon, "start": plan.start.isoformat(),
            "timezone": plan.timezone, "minutes": int(plan.minutes),
            "group_json": json.dumps(plan.group), "notes": plan.notes or "",
            "forecast_json": json.dumps(plan.forecast) if plan.forecast is not None else None,
            "assessment_json": (json.dumps(plan.assessment)
                                if plan.assessment is not None else None),
        }

    @staticmethod
    def _from_row(row: Any) -> Plan:
        """A Plan from a row; ValueError/TypeError (with the field) when the row is damaged."""
        m = row._mapping
        try:
            tz: Any = ZoneInfo(m["timezone"])
        except (KeyError, ValueError, TypeError, OSError):
            tz = None
        for key in ("group_json", "forecast_json", "assessment_json"):
            try:
                ok = not m[key] or isinstance(json.loads(m[key]), dict)
            except (ValueError, TypeError, RecursionError):
                ok = False
            if not ok:
                raise ValueError(f"its {key.removesuffix('_json')} is not valid JSON")
        try:
            start = datetime.fromisoformat(m["start"])
        except (ValueError, TypeError):
            raise ValueError(f"start {str(m['start'])[:30]!r} is not a date and time") from None
        if tz is not None:
            start = start.astimezone(tz)
        return Plan(
            id=m["id"], site_id=m["site_id"], site_name=m["site_name"], lat=m["lat"],
            lon=m["lon"], start=start, minutes=m["minutes"], group=json.loads(m["group_json"]),
            notes=m["notes"],
            forecast=json.loads(m["forecast_json"]) if m["forecast_json"] else None,
            assessment=json.loads(m["assessment_json"]) if m["assessment_json"] else None,
            created_at=m["created_at"], updated_at=m["updated_at"], version=m["version"])

    def _run(self, fn: Callable[[Connection], Any]) -> Any:
        try:
            with self.engine.begin() as conn:
                return fn(conn)
        except OperationalError as err:
            raise StoreError(f"the plans database could not be written ({err.orig}); try again "
                             "— your plan was not saved") from None

    def create(self, plan: Plan, *, before_commit: Callable[[Plan], None] | None = None) -> Plan:
        """Save a new plan. ``before_commit(saved)`` runs inside the transaction (e.g. to write
        the plan's .ics and sheet): if it raises, nothing is saved — no duplicate on retry."""
        now = _now()
        values = self._values(plan) | {"created_at": now, "updated_at": now, "version": 1}

        def do(conn: Connection) -> Plan:
            new_id = conn.execute(  # type: ignore[index]
                insert(plans_table).values(**values)).inserted_primary_key[0]
            saved = replace(plan, id=int(new_id), created_at=now, updated_at=now, version=1)
            if before_commit is not None:
                before_commit(saved)
            return saved

        return self._run(do)

    def get(self, plan_id: int) -> Plan:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(select(plans_table).where(plans_table.c.id == plan_id)).first()
        except SQLAlchemyError as err:
            raise StoreError(f"the plans database could not be read ({err}); check it") from None
        if row is None:
            raise PlanNotFoundError(f"no saved plan with id {plan_id}; see 'ecoplan plans list'")
        try:
            return self._from_row(row)
        except ValueError as err:
            raise StoreError(str(DamagedRow(plan_id, str(err)))) from None

    def list(self, limit: int | None = None) -> list[Plan]:
        """Every readable plan; damaged rows are skipped and kept in :attr:`damaged`."""
        q = select(plans_table).order_by(plans_table.c.start, plans_table.c.id)
        if limit:
            q = q.limit(limit)
        try:
            with self.engine.connect() as conn:
                rows = list(conn.execute(q))
        except SQLAlchemyError as err:
            raise StoreError(f"the plans database could not be read ({err.__class__.__name__})"
                             "; check it") from None
        plans, self.damaged = [], []
        for r in rows:
            try:
                plans.append(self._from_row(r))
            except ValueError as err:
                self.damaged.append(DamagedRow(int(r._mapping["id"]), str(err)))
        return plans

    def count(self) -> int:
        with self.engine.connect() as conn:
            return len(conn.execute(select(plans_table.c.id)).all())

    def update(self, plan: Plan) -> Plan:
        """Save changes if nobody else saved since ``plan.version`` was read."""
        if plan.id is None:
            raise EcoplanError("this plan has not been saved yet; create it first")
        now = _now()
        values = self._values(plan) | {"updated_at": now, "version": plan.version + 1}

        def do(conn: Connection) -> int:
            res = conn.execute(update(plans_table).where(
                plans_table.c.id == plan.id, plans_table.c.version == plan.version).values(
                **values))
            if res.rowcount == 1:
                return 1
            cur = conn.execute(select(plans_table.c.version).where(
                plans_table.c.id == plan.id)).first()
            if cur is None:
                raise PlanNotFoundError(f"no saved plan with id {plan.id}; it may have been "
                                        "deleted — save it as a new plan")
            raise PlanConflictError(
                f"plan {plan.id} was changed by someone else (now version {cur[0]}, you edited "
                f"version {plan.version}); reload it and apply your changes again — nothing "
                "was overwritten")

        self._run(do)
        return replace(plan, updated_at=now, version=plan.version + 1)

    def delete(self, plan_id: int, version: int | None = None) -> None:
        def do(conn: Connection) -> None:
            q = delete(plans_table).where(plans_table.c.id == plan_id)
            if version is not None:
                q = q.where(plans_table.c.version == version)
            if conn.execute(q).rowcount != 1:
                exists = conn.execute(select(plans_table.c.id).where(
                    plans_table.c.id == plan_id)).first()
                if exists is None:
                    raise PlanNotFoundError(f"no saved plan with id {plan_id}; see "
                                            "'ecoplan plans list'")
                raise PlanConflictError(f"plan {plan_id} was changed since you read it; "
                                        "reload it before deleting")

        self._run(do)


def component_version(engine, component: str) -> int:
    """Schema version of one component (plans, directory, …) of the shared database."""
    with engine.connect() as conn:
        row = conn.execute(select(schema_version.c.version).where(
            schema_version.c.component == component)).first()
    return int(row[0]) if row else 0


def migrate_component(engine, component: str, target: int, migrations, *, what: str) -> None:
    """Apply ``migrations`` ((version, step) pairs) newer than the stored version, in one
    transaction, and record ``target``; each component of the database versions itself."""
    try:
        with engine.begin() as conn:
            row = conn.execute(select(schema_version.c.version).where(
                schema_version.c.component == component)).first()
            have = row[0] if row else 0
            if have > target:
                raise StoreError(f"{what} is schema v{have}, newer than this ecoplan "
                                 f"(v{target}); upgrade ecoplan")
            for version, step in migrations:
                if version > have:
                    step(conn)
            if have == 0:
                conn.execute(insert(schema_version).values(
                    component=component, version=target, applied_at=_now()))
            elif have < target:
                conn.execute(update(schema_version).where(
                    schema_version.c.component == component).values(
                    version=target, applied_at=_now()))
    except OperationalError as err:
        raise StoreError(f"cannot open {what} ({err.orig}); check the path and "
                         "permissions") from None


class ComponentStore:
    """Tables of their own in the plans database (the directory, programmes): one file to back
    up and the same safety for concurrent writers. The engine, URL resolution, driver errors and
    SQLite pragmas come from :class:`PlanStore`; each subclass names its schema component, its
    migrations and what its rows are called in error messages."""

    component: str
    migrations: tuple[tuple[int, Callable[[Connection], None]], ...]
    noun: str  # "the directory", "the programmes": how errors name what could not be written

    def __init__(self, url: str | None = None) -> None:
        self._plans = PlanStore(url)
        self.url = self._plans.url
        self.engine = self._plans.engine
        migrate_component(self.engine, self.component, self.migrations[-1][0], self.migrations,
                          what=f"{self.noun} in '{self.url}'")

    def close(self) -> None:
        self._plans.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        return component_version(self.engine, self.component)

    def _run(self, fn: Callable[[Connection], Any]) -> Any:
        """``fn`` in one transaction; a locked or read-only database is one clear error."""
        try:
            with self.engine.begin() as conn:
                return fn(conn)
        except OperationalError as err:
            raise StoreError(f"{self.noun} could not be written ({err.orig}); try again — "
                             "nothing was saved") from None
