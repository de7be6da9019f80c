"""Decompression bombs: compressed inputs are capped on what they expand to, with bounded
memory, a clear message naming the cap and how to raise it, and no temporary file left."""

from __future__ import annotations

import bz2
import gzip
import lzma
import subprocess
import sys
import tempfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from ecoplan import compressed
from ecoplan.errors import InputFileError
from ecoplan.settings import limits

HEADER = b"area_code,population\n"
ROW = b"E01000001,1500\n"
MB = 1 << 20


def bomb(path: Path, mb: int, opener=gzip.open, head: bytes = HEADER, line: bytes = ROW) -> Path:
    """``path`` compressed, expanding to ``mb`` MB of CSV rows."""
    block = line * (MB // len(line))
    with opener(path, "wb") as fh:
        fh.write(head)
        for _ in range(mb):
            fh.write(block)
    return path


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


@pytest.fixture
def low_cap(monkeypatch):
    monkeypatch.setenv(limits.ENV_VAR, "2")


def test_a_gzip_bomb_is_refused_with_bounded_memory(tmp_path, low_cap):
    from ecoplan.need.population import read_population

    path = bomb(tmp_path / "pop.csv.gz", 200)  # 200 MB of rows in ≈ 0.2 MB
    assert path.stat().st_size < MB
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError) as err:
            read_population(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    msg = str(err.value)
    assert "expands to more than 2 MB" in msg and limits.ENV_VAR in msg and "\n" not in msg
    # Parsing all 200 MB would hold > 1 GB of rows; refusing at the cap holds a few MB.
    assert peak < 40 * MB, peak


def test_bomb_refusal_keeps_process_memory_small(tmp_path):
    """Resident memory of a fresh process reading a bomb under a low cap, against the same
    process reading a small good table: the refusal costs little more than the import."""
    good = tmp_path / "good.csv"
    good.write_bytes(HEADER + ROW * 10)
    path = bomb(tmp_path / "pop.csv.gz", 300)
    code = ("import resource, sys\n"
            "from ecoplan.need.population import read_population\n"
            "from ecoplan.errors import InputFileError\n"
            "try:\n    read_population(sys.argv[1])\nexcept InputFileError as e:\n"
            "    print('refused', e)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")

    def peak_kb(p: Path) -> tuple[int, str]:
        env = {k: v for k, v in __import__("os").environ.items() if k != limits.ENV_VAR}
        proc = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True,
                              text=True, timeout=300, env=env)  # the default cap
        assert proc.returncode == 0, proc.stderr
        lines = proc.stdout.strip().splitlines()
        return int(lines[-1]), lines[0]

    cap = limits.MAX_DECOMPRESSED_MB["table"]
    base, _ = peak_kb(good)
    peak, said = peak_kb(path)
    assert said.startswith("refused") and f"{cap} MB" in said
    # Parsing even the first `cap` MB would take ≈ 1.7 × cap of memory; counting takes none.
    assert peak - base < 60 * 1024, (base, peak)  # < 60 MB more than a good small read


@pytest.mark.parametrize("opener,suffix", [(gzip.open, ".csv.gz"), (bz2.open, ".csv.bz2"),
                                           (lzma.open, ".csv.xz")])
def test_every_compression_is_capped(tmp_path, low_cap, opener, suffix):
    from ecoplan.need._io import read_table

    path = bomb(tmp_path / f"t{suffix}", 5, opener)
    with pytest.raises(InputFileError, match="expands to more than 2 MB, the limit for tables"):
        read_table(path, what="Population file")
    small = bomb(tmp_path / f"s{suffix}", 1, opener)  # 1 MB: under the cap, read
    assert len(read_table(small, what="Population file")) > 60_000


def test_a_plain_file_over_the_cap_is_refused_before_reading(tmp_path, low_cap):
    from ecoplan.need._io import read_table

    path = tmp_path / "big.csv"
    path.write_bytes(HEADER + ROW * (3 * MB // len(ROW)))
    with pytest.raises(InputFileError, match="is larger than 2 MB"):
        read_table(path, what="Population file")


def test_the_cap_can_be_raised(tmp_path, monkeypatch):
    from ecoplan.need._io import read_table

    path = bomb(tmp_path / "t.csv.gz", 3)
    monkeypatch.setenv(limits.ENV_VAR, "2")
    with pytest.raises(InputFileError):
        read_table(path, what="x")
    monkeypatch.setenv(limits.ENV_VAR, "4")
    assert len(read_table(path, what="x")) > 200_000
    monkeypatch.setenv(limits.ENV_VAR, "-1")
    with pytest.raises(InputFileError, match="positive number"):
        read_table(path, what="x")


def test_zip_members_share_one_cap(tmp_path, low_cap):
    path = tmp_path / "areas.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("a.shp", "a.dbf"):
            z.writestr(name, b"\0" * (3 * MB // 2))  # 1.5 MB each, 3 MB together
    with pytest.raises(InputFileError, match="expands to more than 2 MB"):
        compressed.check_expanded_size(path, "boundaries")
    with pytest.raises(InputFileError, match="expands to more than 2 MB"):  # as an upload
        compressed.check_expanded_size(path.read_bytes(), "boundaries", name="areas.zip")
    ok = tmp_path / "ok.zip"
    with zipfile.ZipFile(ok, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.shp", b"\0" * MB)
    assert compressed.check_expanded_size(ok, "boundaries") == MB


def test_a_zipped_table_must_hold_one_file(tmp_path):
    from ecoplan.need._io import read_table

    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.csv", HEADER + ROW)
        z.writestr("b.csv", HEADER + ROW)
    with pytest.raises(InputFileError, match="holds 2 files"):
        read_table(path, what="Population file")
    one = tmp_path / "one.zip"
    with zipfile.ZipFile(one, "w") as z:
        z.writestr("a.csv", HEADER + ROW)
    assert read_table(one, what="Population file")["population"].tolist() == [1500]


@pytest.mark.parametrize("name,content,message", [
    ("t.csv.gz", b"area_code,population\n", "not a readable gzip file"),
    ("t.csv.bz2", b"BZh9 not really", "not a readable bzip2 file"),
    ("t.csv.gz", _half(gzip.compress(HEADER + ROW * 5000)), "truncated"),
    ("t.csv.bz2", _half(bz2.compress(HEADER + ROW * 5000)), "truncated"),
    ("t.zip", b"PK\x03\x04 broken", "not a readable zip file"),
])
def test_damaged_archives_say_what_is_wrong(tmp_path, name, content, message):
    from ecoplan.need._io import read_table

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_table(path, what="Population file")


def test_osm_xml_bomb_leaves_no_temporary_copy(tmp_path, monkeypatch, low_cap):
    from ecoplan.osm.xml import read_xml

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = bomb(tmp_path / "big.osm.gz", 8, head=b"<?xml version='1.0'?><osm version='0.6'>",
                line=b"<!-- filler -->\n")
    with pytest.raises(InputFileError, match="limit for OSM XML"):
        read_xml(path)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_upload_bombs_are_refused_before_saving(tmp_path, low_cap):
    from ecoplan.app import uploads

    data = bomb(tmp_path / "iod.csv.gz", 10).read_bytes()
    assert len(data) < MB
    with pytest.raises(InputFileError, match="expands to more than 2 MB"):
        uploads.save_upload("iod.csv.gz", data, "table", root=tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").rglob("*.gz"))
    osm = bomb(tmp_path / "a.osm.bz2", 4, bz2.open, head=b"<osm version='0.6'>",
               line=b"<!-- x -->\n").read_bytes()
    with pytest.raises(InputFileError, match="limit for OSM XML"):
        uploads.save_upload("a.osm.bz2", osm, "osm", root=tmp_path / "cache")
