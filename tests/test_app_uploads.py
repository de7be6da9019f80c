"""Upload checks: size limits, file types, content sniffing, safe names, content-hashed saving."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.app import uploads
from ecoplan.errors import InputFileError
from ecoplan.settings import app as app_cfg

PBF_HEAD = b"\x00\x00\x00\x0e\n\tOSMHeader\x18\xb3\x01" + b"\x00" * 40


def test_oversized_upload_is_refused_with_the_limit_in_the_message():
    limit = app_cfg.MAX_UPLOAD_MB["forecast"]
    with pytest.raises(InputFileError, match=rf"over the {limit} MB limit"):
        uploads.check_upload("forecast.json", (limit + 1) * uploads.MB, "forecast")
    uploads.check_upload("forecast.json", limit * uploads.MB, "forecast")  # at the limit: ok


def test_every_kind_has_a_limit_within_the_server_cap():
    # .streamlit/config.toml maxUploadSize must not cut a file the code would accept.
    text = (__import__("pathlib").Path(__file__).parents[1] / ".streamlit" / "config.toml") \
        .read_text()
    cap = int(text.split("maxUploadSize =")[1].split()[0])
    assert max(app_cfg.MAX_UPLOAD_MB.values()) <= cap
    assert set(app_cfg.MAX_UPLOAD_MB) == set(app_cfg.UPLOAD_SUFFIXES)


@pytest.mark.parametrize("name,size,kind,msg", [
    ("area.shp", 10, "osm", "not an accepted file type"),
    ("area.osm.pbf", 0, "osm", "empty"),
    ("scores.xlsx", 10, "table", "not an accepted file type"),
])
def test_bad_uploads_say_what_to_do(name, size, kind, msg):
    with pytest.raises(InputFileError, match=msg):
        uploads.check_upload(name, size, kind)


@pytest.mark.parametrize("name,head", [
    ("x.osm.pbf", b"hello world, not a pbf at all"),
    ("x.osm", b"<html><body>404</body></html>"),
    ("x.osm.gz", b"<osm>"),
    ("x.osm.bz2", b"\x1f\x8b\x08"),
    ("x.gpkg", b"{}"),
    ("forecast.json", b"<!doctype html>"),
    ("iod.csv", b"a,b\x00\x00"),
])
def test_sniff_rejects_content_that_does_not_match_the_name(name, head):
    with pytest.raises(InputFileError, match="does not look like"):
        uploads.sniff(name, head, "osm")


@pytest.mark.parametrize("name,head", [
    ("x.osm.pbf", PBF_HEAD),
    ("x.osm", b"<?xml version='1.0'?>\n<osm version='0.6'>"),
    ("x.osm.gz", gzip.compress(b"<osm/>")[:10]),
    ("b.geojson", b"\xef\xbb\xbf  {\"type\": \"FeatureCollection\"}"),
    ("iod.csv", b"LSOA code (2011),x\n"),
])
def test_sniff_accepts_real_headers(name, head):
    assert uploads.sniff(name, head, "osm") is None  # raises InputFileError if refused


def test_real_pbf_header_passes(iow_pbf):
    with open(iow_pbf, "rb") as fh:
        assert uploads.sniff(iow_pbf.name, fh.read(4096), "osm") is None


@given(st.text(max_size=300))
def test_safe_name_never_escapes_the_upload_folder(name):
    out = uploads.safe_name(name)
    assert out and "/" not in out and "\\" not in out and not out.startswith(".")
    assert len(out) <= 120


def test_safe_name_drops_paths():
    assert uploads.safe_name("../../etc/passwd") == "passwd"
    assert uploads.safe_name("C:\\Users\\me\\my area.osm.pbf") == "my_area.osm.pbf"


def test_save_upload_is_content_addressed(tmp_path):
    data = b"<osm version='0.6'></osm>"
    p1 = uploads.save_upload("../a.osm", data, "osm", root=tmp_path)
    p2 = uploads.save_upload("a.osm", data, "osm", root=tmp_path)
    assert p1 == p2 and p1.parent == tmp_path / app_cfg.UPLOAD_SUBDIR
    assert p1.read_bytes() == data and p1.name.endswith("-a.osm")
    p3 = uploads.save_upload("a.osm", data + b" ", "osm", root=tmp_path)
    assert p3 != p1


def test_save_upload_refuses_garbage_and_writes_nothing(tmp_path):
    with pytest.raises(InputFileError):
        uploads.save_upload("area.osm.pbf", b"garbage" * 10, "osm", root=tmp_path)
    assert not (tmp_path / app_cfg.UPLOAD_SUBDIR).exists()


def test_check_local_path(tmp_path):
    with pytest.raises(InputFileError, match="Type the path"):
        uploads.check_local_path("  ", "osm")
    with pytest.raises(InputFileError, match="not a file"):
        uploads.check_local_path(str(tmp_path / "missing.osm.pbf"), "osm")
    f = tmp_path / "a.osm"
    f.write_text("<osm></osm>")
    assert uploads.check_local_path(f'"{f}"', "osm") == f.resolve()
    g = tmp_path / "a.txt"
    g.write_text("x")
    with pytest.raises(InputFileError, match="accepted file type"):
        uploads.check_local_path(str(g), "osm")


@pytest.mark.parametrize("suffix", [".osm.pbf", ".osm.bz2", ".csv.gz", ".geojson", ".OSM.PBF"])
def test_long_names_keep_their_type(suffix):
    out = uploads.safe_name("Isle of Wight " * 20 + suffix)
    assert len(out) == app_cfg.UPLOAD_NAME_MAX_CHARS and out.endswith(suffix)
    assert out.startswith("Isle_of_Wight_")


def test_a_valid_pbf_with_a_long_name_is_read(iow_pbf, tmp_path):
    from ecoplan.osm.load import load_layers

    name = "isle-of-wight-" + "2015-01-01-" * 20 + "extract.osm.pbf"
    assert len(name) > 200
    path = uploads.save_upload(name, iow_pbf.read_bytes(), "osm", root=tmp_path)
    assert path.name.endswith(".osm.pbf")
    assert len(load_layers(path, bbox=(-1.17, 50.72, -1.15, 50.735)).ways) > 100


def test_an_unreadable_local_path_is_said_so(tmp_path, monkeypatch):
    from pathlib import Path

    f = tmp_path / "a.osm.pbf"
    f.write_bytes(PBF_HEAD)

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(InputFileError, match="permission denied"):
        uploads.check_local_path(str(f), "osm")
