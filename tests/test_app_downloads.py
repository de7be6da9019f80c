"""IoD 2025 download: saved once, clear ServiceError when offline / unreachable / wrong file."""

from __future__ import annotations

import pytest
from fixtures_http import LoopbackServer, Reply, no_internet, refused_url  # noqa: F401

from ecoplan.app import downloads
from ecoplan.errors import ServiceError

CSV = "LSOA code (2021),LSOA name (2021),Index of Multiple Deprivation (IMD) Rank\nE01,x,1\n"


def test_download_saves_the_file_once(tmp_path, no_internet):  # noqa: F811
    with LoopbackServer([Reply.text(CSV, content_type="text/csv")]) as srv:
        p = downloads.download_iod2025(url=srv.url + "/File_7.csv", root=tmp_path)
        assert p.read_text() == CSV
        again = downloads.download_iod2025(url=srv.url + "/File_7.csv", root=tmp_path)
        assert again == p and len(srv.requests) == 1


@pytest.mark.parametrize("reply,msg", [
    (Reply(404), "HTTP 404"),
    (Reply.text("<html>sign in</html>", content_type="text/html"), "not the expected CSV"),
])
def test_bad_answers_leave_no_file(tmp_path, no_internet, reply, msg):  # noqa: F811
    with LoopbackServer([reply]) as srv, pytest.raises(ServiceError, match=msg):
        downloads.download_iod2025(url=srv.url + "/f.csv", root=tmp_path)
    assert not downloads.iod2025_path(tmp_path).exists()


def test_unreachable_and_offline_are_clear_errors(tmp_path, no_internet):  # noqa: F811
    with pytest.raises(ServiceError, match="check the internet connection"):
        downloads.download_iod2025(url=refused_url() + "/f.csv", root=tmp_path,
                                   timeout=(2, 2))
    with pytest.raises(ServiceError, match="Offline mode is on"):
        downloads.download_iod2025(root=tmp_path, offline=True)
