"""ecoplan.parallel: a forked child gives the caller's result, or the caller computes it."""

from __future__ import annotations

import os

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from ecoplan import parallel

FORK = hasattr(os, "fork")


def _frame(n: int) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": [f"s{i}" for i in range(n)], "v": [i / 3 for i in range(n)]},
                            geometry=[shapely.Point(i / 7, -i / 11).buffer(0.1) for i in range(n)],
                            crs=4326)


def test_outside_allowed_runs_in_the_caller() -> None:
    job = parallel.start(_frame, 5)
    assert not parallel.enabled()
    pd.testing.assert_frame_equal(job.result(), _frame(5))
    assert not job.in_child


@pytest.mark.skipif(not FORK, reason="no os.fork on this platform")
def test_child_result_is_exactly_the_callers() -> None:
    with parallel.allowed():
        job = parallel.start(_frame, 50)
        assert job.result() is job.result()  # collected once
    got = job.result()
    assert job.in_child and job.seconds >= 0
    pd.testing.assert_frame_equal(got, _frame(50), check_exact=True)
    assert list(got.geometry) == list(_frame(50).geometry)  # WKB doubles, not rounded


def _fails(msg: str) -> None:
    raise ValueError(msg)


@pytest.mark.skipif(not FORK, reason="no os.fork on this platform")
def test_an_error_in_the_child_is_raised_by_the_caller() -> None:
    with parallel.allowed():
        job = parallel.start(_fails, "bad input")
    with pytest.raises(ValueError, match="bad input"):
        job.result()


def _dies_in_child(parent: int) -> int:
    if os.getpid() != parent:
        os._exit(9)  # killed, as by the kernel's OOM killer
    return 42


@pytest.mark.skipif(not FORK, reason="no os.fork on this platform")
def test_a_dead_child_is_recomputed_by_the_caller() -> None:
    with parallel.allowed():
        job = parallel.start(_dies_in_child, os.getpid())
        assert job.result() == 42
    assert not job.in_child


def test_switched_off_by_environment(monkeypatch) -> None:
    monkeypatch.setenv("ECOPLAN_PARALLEL", "0")
    with parallel.allowed():
        assert not parallel.enabled()
        assert parallel.start(sum, [1, 2]).result() == 3


def test_allowed_nests_and_restores() -> None:
    with parallel.allowed():
        with parallel.allowed(False):
            assert not parallel.enabled()
        assert parallel.enabled() == (FORK and os.environ.get("ECOPLAN_PARALLEL", "1") != "0")
    assert not parallel.enabled()


def _sleeps() -> int:
    import time

    time.sleep(60)
    return 1


@pytest.mark.skipif(not FORK, reason="no os.fork on this platform")
def test_a_child_nobody_waits_for_is_stopped_when_the_block_fails(monkeypatch) -> None:
    monkeypatch.setenv("ECOPLAN_PARALLEL", "1")
    with pytest.raises(ValueError), parallel.allowed():
        job = parallel.start(_sleeps)
        pid = job._pid
        raise ValueError("the caller failed before asking for the result")
    assert pid is not None and pid not in parallel._PENDING
    with pytest.raises(ChildProcessError):  # stopped and reaped, not left running
        os.waitpid(pid, os.WNOHANG)
