"""Partitioned runs: the same figures as the whole run, resumable after a kill, failures by id.

Real data: the Isle of Wight extract and IoD 2019 (89 LSOAs) in 4 partitions on a local Dask
cluster. Slow (a whole run plus a killed and a resumed partitioned run).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ecoplan.settings.paths import shared_data_dir

pytestmark = pytest.mark.slow

D = shared_data_dir()
AREAS = ["--areas", str(D / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"),
         "--deprivation", str(D / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),
         "--population", str(D / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz")]
ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ecoplan.cli", "access", *args]


def _env() -> dict[str, str]:
    # the worktree's ecoplan in the CLI and in the Dask workers it spawns
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def whole_csv(iow_pbf, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "whole.csv"
    subprocess.run(_cli(str(iow_pbf), *AREAS, "--no-cache", "--out", str(out)), check=True,
                   cwd=ROOT, env=_env(), capture_output=True, timeout=900)
    return out


@pytest.fixture(scope="module")
def resumed(iow_pbf, tmp_path_factory):
    """Start a 4-partition run on one worker, kill it (and its workers) once a partition is
    stored, then run the same command again to the end."""
    tmp = tmp_path_factory.mktemp("parts")
    work, out = tmp / "work", tmp / "parts.csv"
    cmd = _cli(str(iow_pbf), *AREAS, "--partitions", "4", "--work-dir", str(work),
               "--out", str(out))
    first = subprocess.Popen([*cmd, "--workers", "1"], cwd=ROOT, env=_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    deadline = time.monotonic() + 900
    try:
        while not list(work.glob("part-*.areas.parquet")):
            assert first.poll() is None, first.stdout.read().decode()
            assert time.monotonic() < deadline, "no partition finished in time"
            time.sleep(0.5)
    finally:
        os.killpg(first.pid, signal.SIGKILL)  # the run and its Dask workers, like a kill -9
        first.wait()
    done = {p.name: p.stat().st_mtime_ns for p in work.glob("part-*.areas.parquet")}
    assert not out.exists()
    second = subprocess.run([*cmd, "--workers", "2"], cwd=ROOT, env=_env(),
                            capture_output=True, text=True, timeout=1800)
    assert second.returncode == 0, second.stdout + second.stderr
    return work, out, done, second.stdout


def test_resume_computes_only_the_missing_partitions(resumed) -> None:
    work, out, done, stdout = resumed
    assert 1 <= len(done) < 4
    assert f"{len(done)} done earlier, {4 - len(done)} to compute" in stdout
    for name, mtime in done.items():
        assert (work / name).stat().st_mtime_ns == mtime  # kept, not recomputed
    assert len(list(work.glob("part-*.areas.parquet"))) == 4
    assert "4 partitions" in stdout and f"wrote {out}" in stdout


def test_partitioned_run_equals_the_whole_run(resumed, whole_csv) -> None:
    """Default buffer = the largest standard distance (10 km): every standard is covered, so
    every per-LSOA figure is the same, to the last digit written."""
    _, out, _, _ = resumed
    whole = pd.read_csv(whole_csv, dtype=str, keep_default_na=False)
    parts = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(parts.columns) == list(whole.columns)
    assert len(parts) == len(whole) == 89
    pd.testing.assert_frame_equal(parts, whole)


def test_a_failing_partition_is_reported_by_id_while_others_complete(iow_pbf, tmp_path):
    from ecoplan.access.pipeline import AccessInputs, load_areas
    from ecoplan.fetch.clip import buffer_m
    from ecoplan.partition.cut import cut_pbf
    from ecoplan.partition.run import compute
    from ecoplan.partition.store import RunStore

    areas = load_areas(AccessInputs(source=str(iow_pbf), areas=AREAS[1])).areas
    groups = {0: areas.iloc[[0]], 1: areas.iloc[[1]]}
    store = RunStore(tmp_path / "work")
    store.open({"test": 1})
    cut_pbf(iow_pbf, [buffer_m(groups[0].geometry.iloc[0], 1000)], [store.pbf(0)])
    store.pbf(1).write_bytes(b"this is not a PBF file")
    failed = compute(store, [0, 1], groups, 4.8, False, workers=1)
    assert list(failed) == [1]
    assert "InputFileError" in failed[1]
    assert store.done(0) and not store.done(1)
    assert len(store.areas(0)) == 1
