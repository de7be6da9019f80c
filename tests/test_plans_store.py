"""Saved plans: CRUD, optimistic versions, restart, concurrent writers (threads and processes)."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ecoplan.plans.store import (
    SCHEMA_VERSION,
    Plan,
    PlanConflictError,
    PlanNotFoundError,
    PlanStore,
    StoreError,
    default_url,
)

TZ = ZoneInfo("Europe/London")


def make_plan(i: int = 0, **kw) -> Plan:
    base = dict(site_id=f"w{i}", site_name=f"Site {i} — \"quoted\" <b>", start=datetime(
        2026, 3, 29, 3, 30, tzinfo=TZ) + timedelta(hours=i), minutes=60, lat=50.7, lon=-1.3,
        group={"size": 12, "leaders": 1, "profile": "older-adults"}, notes=f"note {i}",
        forecast={"source": "manual", "conditions": {"temp_c": 7.5}},
        assessment={"level": "go", "reasons": []})
    return Plan(**(base | kw))


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'plans.sqlite'}"


def test_crud_and_restart(url):
    store = PlanStore(url)
    p = store.create(make_plan(1))
    assert p.id == 1 and p.version == 1 and p.created_at
    store.close()
    again = PlanStore(url)  # "restart": new engine, new object
    got = again.get(p.id)
    assert got.site_name == p.site_name and got.group == p.group
    assert got.start == p.start and got.start.tzinfo.key == "Europe/London"
    assert got.start.isoformat() == "2026-03-29T04:30:00+01:00"  # BST offset kept
    winter = again.create(make_plan(0, start=datetime(2026, 1, 5, 9, 0, tzinfo=TZ)))
    assert again.get(winter.id).start.isoformat() == "2026-01-05T09:00:00+00:00"
    again.delete(winter.id)
    assert got.forecast == {"source": "manual", "conditions": {"temp_c": 7.5}}
    got.notes = "bring flasks"
    upd = again.update(got)
    assert upd.version == 2 and again.get(p.id).notes == "bring flasks"
    assert [x.id for x in again.list()] == [1]
    again.delete(p.id)
    with pytest.raises(PlanNotFoundError, match="plans list"):
        again.get(p.id)
    with pytest.raises(PlanNotFoundError):
        again.delete(p.id)
    assert again.schema_version() == SCHEMA_VERSION
    again.close()


def test_version_conflict_loses_nothing(url):
    store = PlanStore(url)
    p = store.create(make_plan(2))
    a, b = store.get(p.id), store.get(p.id)
    a.notes = "first edit"
    store.update(a)
    b.notes = "second edit"
    with pytest.raises(PlanConflictError, match="reload it"):
        store.update(b)
    assert store.get(p.id).notes == "first edit" and store.get(p.id).version == 2
    with pytest.raises(PlanConflictError):
        store.delete(p.id, version=1)
    assert store.count() == 1


def test_sqlite_pragmas_and_schema_table(url, tmp_path):
    PlanStore(url).close()
    con = sqlite3.connect(tmp_path / "plans.sqlite")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    rows = con.execute("SELECT component, version FROM schema_version").fetchall()
    assert rows == [("plans", SCHEMA_VERSION)]
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"plans", "schema_version"}
    con.close()


def test_newer_schema_is_refused(url, tmp_path):
    PlanStore(url).close()
    con = sqlite3.connect(tmp_path / "plans.sqlite")
    con.execute("UPDATE schema_version SET version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="newer than this"):
        PlanStore(url)


def test_default_url_env(monkeypatch, tmp_path):
    monkeypatch.delenv("ECOPLAN_DB_URL", raising=False)
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    assert default_url() == f"sqlite:///{tmp_path / 'data' / 'plans.sqlite'}"
    with PlanStore() as s:
        s.create(make_plan(3))
    assert (tmp_path / "data" / "plans.sqlite").is_file()
    monkeypatch.setenv("ECOPLAN_DB_URL", "sqlite:///" + str(tmp_path / "other.db"))
    assert PlanStore().count() == 0


def test_bad_url_is_user_error():
    with pytest.raises(StoreError):
        PlanStore("nosuchdialect://x/y")


def test_concurrent_threads(url):
    store = PlanStore(url)
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        try:
            for j in range(15):
                store.create(make_plan(t * 100 + j))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    plans = PlanStore(url).list()
    assert len(plans) == 90
    assert {p.site_id for p in plans} == {f"w{t * 100 + j}" for t in range(6) for j in range(15)}


def _proc_worker(url: str, k: int, n: int) -> None:
    store = PlanStore(url)  # each process opens (and migrates) on its own
    for j in range(n):
        p = store.create(make_plan(1000 * k + j))
        p.notes = f"edited by {k}"
        store.update(p)
    store.close()


def test_concurrent_processes(url):
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    procs = [ctx.Process(target=_proc_worker, args=(url, k, 12)) for k in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    store = PlanStore(url)
    plans = store.list()
    assert len(plans) == 48
    assert all(p.version == 2 and p.notes.startswith("edited by") for p in plans)
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


# --- hostile files and damaged rows (issue 13 point 6) ----------------------------------------


@pytest.mark.parametrize("content", [b"this is a text file, not a database\n" * 20,
                                     b"\x00\x01binary junk" * 100, b"PK\x03\x04zip"])
def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path, content):
    f = tmp_path / "notes.txt"
    f.write_bytes(content)
    with pytest.raises(StoreError, match="not an ecoplan plans database.*left untouched"):
        PlanStore(f"sqlite:///{f}")
    assert f.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no -wal/-shm beside it


def test_another_programs_sqlite_database_is_refused_and_left_untouched(tmp_path):
    f = tmp_path / "other.db"
    con = sqlite3.connect(f)
    con.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO customers (name) VALUES ('Ada')")
    con.commit()
    con.close()
    before = f.read_bytes()
    with pytest.raises(StoreError, match="not an ecoplan one.*customers.*left untouched"):
        PlanStore(f"sqlite:///{f}")
    assert f.read_bytes() == before


def test_a_folder_as_database_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        PlanStore(f"sqlite:///{tmp_path}")


def test_damaged_rows_are_skipped_and_reported_while_the_rest_list(url, tmp_path):
    store = PlanStore(url)
    good = [store.create(make_plan(i)) for i in range(3)]
    con = sqlite3.connect(url.removeprefix("sqlite:///"))
    con.execute("UPDATE plans SET assessment_json = '{\"level\": ' WHERE id = ?", (good[1].id,))
    con.execute("UPDATE plans SET group_json = '[1, 2]' WHERE id = ?", (good[2].id,))
    con.commit()
    con.close()
    listed = store.list()
    assert [p.id for p in listed] == [good[0].id]
    assert [d.id for d in store.damaged] == [good[1].id, good[2].id]
    assert "assessment is not valid JSON" in str(store.damaged[0])
    assert "ecoplan plans delete" in str(store.damaged[0])
    with pytest.raises(StoreError, match=f"plan {good[1].id} is damaged"):
        store.get(good[1].id)
    store.delete(good[1].id)  # a damaged plan can still be deleted
    store.list()
    assert [d.id for d in store.damaged] == [good[2].id]
