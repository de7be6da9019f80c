"""The work folder of a partitioned run: the plan, the cut PBFs and each finished partition.

Why on disk, one file per partition: a run killed half-way (or a partition that failed) keeps
everything finished so far, and the same command started again computes only what is missing.
Every file is written under a temporary name and renamed when complete, so a file that exists
is whole. GeoParquet, not pickle: a stored result can never run code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd

from ecoplan.io import atomic_path, write_atomic
from ecoplan.partition.task import PartitionResult


class RunStore:
    """Files of one partitioned run under ``root`` (one folder per inputs + partitioning)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def pbf(self, pid: int) -> Path:
        return self.root / f"cut-{pid:04d}.osm.pbf"

    def _areas(self, pid: int) -> Path:
        return self.root / f"part-{pid:04d}.areas.parquet"

    def _origins(self, pid: int) -> Path:
        return self.root / f"part-{pid:04d}.origins.parquet"

    def _stats(self, pid: int) -> Path:
        return self.root / f"part-{pid:04d}.json"

    def open(self, plan: dict[str, Any]) -> None:
        """Create the folder, or check that it holds the same plan (else start afresh)."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "plan.json"
        if path.exists():
            try:
                same = json.loads(path.read_text()) == plan
            except (OSError, ValueError):
                same = False
            if same:
                return
            for f in self.root.iterdir():  # a different plan under the same key: not ours
                if f.is_file():
                    f.unlink()
        _write_json(path, plan)

    def done(self, pid: int) -> bool:
        """A partition is done when its areas file exists (it is written last)."""
        return self._areas(pid).exists()

    def save(self, res: PartitionResult) -> None:
        _write_json(self._stats(res.pid), {"pid": res.pid, "seconds": res.seconds,
                                           "peak_mb": res.peak_mb, "start_mb": res.start_mb,
                                           "steps": res.steps,
                                           "warnings": list(res.warnings),
                                           "n_areas": len(res.areas)})
        _write_parquet(self._origins(res.pid), res.origins)
        _write_parquet(self._areas(res.pid), res.areas)

    def stats(self, pid: int) -> dict[str, Any]:
        return json.loads(self._stats(pid).read_text())

    def areas(self, pid: int) -> gpd.GeoDataFrame:
        return gpd.read_parquet(self._areas(pid))

    def origins(self, pid: int) -> gpd.GeoDataFrame:
        return gpd.read_parquet(self._origins(pid))


def _write_json(path: Path, data: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True, default=str))


def _write_parquet(path: Path, gdf: gpd.GeoDataFrame) -> None:
    with atomic_path(path) as tmp:
        _parquet_safe(gdf).to_parquet(tmp)


def _parquet_safe(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Object columns mixing types (None and str, bools with NA) stored as strings/nullable."""
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name or out[col].dtype != object:
            continue
        vals = out[col].dropna()
        if len(vals) and vals.map(type).nunique() > 1:
            out[col] = out[col].map(lambda v: None if v is None else str(v))
    return out


__all__ = ["RunStore"]
