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
def ryde_osm(iow_pbf, tmp_path_factory) -> Path:
    """A small real OSM XML extract (Ryde, on the Isle of Wight: streets, parks and a coast
    long enough to be listed in pieces), cut with whole ways from the island's PBF."""
    from osm_extract import extract_xml

    return extract_xml(iow_pbf, tmp_path_factory.mktemp("ryde") / "ryde.osm",
                       (-1.17, 50.725, -1.15, 50.735))


@pytest.fixture(scope="session")
def demo_layers():
    from ecoplan.osm.demo import demo_layers as load

    return load()


@pytest.fixture
def demo_need_args(tmp_path, demo_layers) -> list[str]:
    """CLI options for a need layer of the user's own over the demo area (Helsinki: not
    England, not IoD): four strips west to east, ``zone`` ids, ``need`` (higher = more need;
    the second strip is the neediest, decile 3 of 4 areas) and ``people``."""
    import geopandas as gpd
    import numpy as np
    from shapely.geometry import box

    w, s, e, n = demo_layers.ways.total_bounds
    x = np.linspace(w, e, 5)
    zones = gpd.GeoDataFrame({"zone": ["z1", "z2", "z3", "z4"], "need": [3.0, 7.0, 5.0, 1.0],
                              "people": [500, 800, 600, 400]},
                             geometry=[box(x[i], s, x[i + 1], n) for i in range(4)],
                             crs="EPSG:4326")
    path = tmp_path / "zones.geojson"
    zones.to_file(path, driver="GeoJSON")
    return ["--areas", str(path), "--id-column", "zone", "--need-column", "need",
            "--higher-is-worse", "--population-column", "people"]
