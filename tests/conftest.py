"""Shared fixtures: the real Isle of Wight extract and the demo area, loaded once per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecoplan.settings.paths import shared_data_dir

SHARED = shared_data_dir()
IOW_PBF = SHARED / "osm" / "isle-of-wight_2015-01-01.osm.pbf"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Caches and user data go to temp folders: tests never touch a real profile."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", os.fspath(base / "cache"))
    monkeypatch.setenv("ECOPLAN_DATA_DIR", os.fspath(base / "data"))


def require_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared test data not found at {path} (see ../shared/data/README.md)")
    return path


@pytest.fixture(scope="session")
def iow_pbf() -> Path:
    return require_shared(IOW_PBF)


@pytest.fixture(scope="session")
def iow_layers(iow_pbf):
    from ecoplan.osm.pbf import read_pbf

    return read_pbf(iow_pbf)


@pytest.fixture(scope="session")
def iow_sites(iow_layers):
    from ecoplan.sites.build import build_sites

    return build_sites(iow_layers)


@pytest.fixture(scope="session")
def demo_layers():
    from ecoplan.osm.demo import demo_layers as load

    return load()
