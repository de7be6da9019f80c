"""Downloads through pooch + ecoplan.net: resume after a dropped connection, restart when the
server ignores Range, checksum mismatch keeps nothing, offline names what is missing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from fixtures_http import LoopbackServer, Reply, no_internet  # noqa: F401
from fixtures_mirror import IOW_PBF, PBF_PATH, DataMirror, require_shared

from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch.catalogue import load_catalogue
from ecoplan.fetch.download import fetch_file, sha256_of

pytestmark = pytest.mark.usefixtures("no_internet")
URL = "https://download.geofabrik.de" + PBF_PATH[len("/download.geofabrik.de"):]


@pytest.fixture
def src():
    return load_catalogue()["osm_extract"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "x.osm.pbf")


def test_dropped_connection_is_resumed_with_range_and_verified(tmp_path, src, monkeypatch):
    pbf = require_shared(IOW_PBF).read_bytes()
    md5 = hashlib.md5(pbf).hexdigest()  # noqa: S324 - Geofabrik's published checksum is MD5
    seen: list[tuple[int, int | None]] = []
    with DataMirror(faults={PBF_PATH: ["drop"]}) as m:
        monkeypatch.setenv("ECOPLAN_DATA_MIRROR", m.url)
        rec = fetch_file(src, URL, tmp_path / "x.osm.pbf", root=tmp_path,
                         known_hash=f"md5:{md5}", progress=lambda _l, d, t: seen.append((d, t)))
        ranges = [h.get("Range") for p, _, h in m.requests if p == PBF_PATH]
        base = m.url
    assert ranges[0] is None and ranges[1].startswith("bytes=") and ranges[1] != "bytes=0-"
    assert (tmp_path / "x.osm.pbf").read_bytes() == pbf
    assert rec.sha256 == hashlib.sha256(pbf).hexdigest() == sha256_of(tmp_path / "x.osm.pbf")
    assert rec.size == len(pbf) and rec.path == "x.osm.pbf" and rec.url == URL
    assert rec.fetched_from.startswith(base) and rec.licence == "ODbL 1.0"
    assert seen[-1] == (len(pbf), len(pbf)) and all(d <= len(pbf) for d, _ in seen)
    assert _leftovers(tmp_path) == []


def test_server_that_ignores_range_restarts_from_zero(tmp_path, src):
    body = bytes(range(256)) * 8192  # 2 MiB
    half = body[: len(body) // 2]

    # LoopbackServer always sends the whole body, so this server is by hand: the first answer
    # is cut short, the second ignores the Range header and sends the whole file again.
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    got_ranges: list[str] = []

    def serve() -> None:
        for i in range(2):
            conn, _ = listener.accept()
            head = conn.recv(65536).decode()
            got_ranges.append(next((ln for ln in head.split("\r\n") if ln.lower().startswith(
                "range:")), ""))
            payload = half if i == 0 else body  # the 2nd answer ignores Range: a full 200
            conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {len(body)}\r\n"
                         "Connection: close\r\n\r\n".encode() + payload)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    rec = fetch_file(src, f"http://127.0.0.1:{port}/f.bin", tmp_path / "x.osm.pbf",
                     root=tmp_path, known_hash="sha256:" + hashlib.sha256(body).hexdigest())
    t.join(5)
    listener.close()
    assert got_ranges[0] == "" and got_ranges[1].lower().startswith("range: bytes=")
    assert (tmp_path / "x.osm.pbf").read_bytes() == body and rec.size == len(body)


def test_checksum_mismatch_names_the_source_and_keeps_nothing(tmp_path, src):
    wrong = r"\(osm_extract\): the downloaded file does not match its published checksum"
    with (LoopbackServer([Reply(200, b"not the extract")]) as srv,
          pytest.raises(ServiceError, match=wrong)):
        fetch_file(src, srv.url + "/x.osm.pbf", tmp_path / "x.osm.pbf", root=tmp_path,
                   known_hash="md5:" + "0" * 32)
    assert list(tmp_path.iterdir()) == []


def test_http_error_and_offline_name_the_source(tmp_path, src):
    with LoopbackServer([Reply(404)]) as srv, pytest.raises(ServiceError, match="HTTP 404"):
        fetch_file(src, srv.url + "/x.osm.pbf", tmp_path / "x.osm.pbf", root=tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(NotInCacheError, match=r"offline mode is on and OpenStreetMap extract.*"
                                              r"\(osm_extract\) has not been downloaded"):
        fetch_file(src, URL, tmp_path / "x.osm.pbf", root=tmp_path, offline=True)


def test_cached_file_is_reused_without_a_request(tmp_path, src):
    (tmp_path / "x.osm.pbf").write_bytes(b"cached")
    with LoopbackServer([Reply(500)]) as srv:
        rec = fetch_file(src, srv.url + "/x.osm.pbf", tmp_path / "x.osm.pbf", root=tmp_path)
        assert srv.requests == []
    assert rec.sha256 == hashlib.sha256(b"cached").hexdigest()
    off = fetch_file(src, URL, tmp_path / "x.osm.pbf", root=tmp_path, offline=True)
    assert off.fetched_from == "(cache)" and off.sha256 == rec.sha256
