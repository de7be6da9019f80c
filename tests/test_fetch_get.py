"""``ecoplan data get --la "Isle of Wight"`` end to end against a loopback mirror of the live
sources (tests/fixtures_mirror.py: real shared data under Geofabrik-, ONS- and gov.uk-shaped
paths, with a dropped connection and a 503 on the way), then ``ecoplan access --la`` against
the long form with explicit files. No live calls: the no_internet guard refuses anything else.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pandas as pd
import pytest
from fixtures_http import no_internet  # noqa: F401
from fixtures_mirror import (
    FILE2_PATH,
    FILE6_PATH,
    INDEX_PATH,
    IOD2025_PATH,
    IOW_PBF,
    LOOKUP_PATH,
    PBF_PATH,
    SHARED,
    DataMirror,
    require_shared,
)

from ecoplan.cli import main
from ecoplan.errors import NotInCacheError, ServiceError
from ecoplan.fetch.catalogue import builtin_path
from ecoplan.fetch.get import get_la_data
from ecoplan.fetch.manifest import downloads_root, find_manifest

pytestmark = [pytest.mark.usefixtures("no_internet"), pytest.mark.slow]

LONG_FORM = ["--areas", str(SHARED / "boundaries" / "lsoa2011_bsc_isle-of-wight.geojson"),
             "--deprivation", str(SHARED / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"),
             "--population", str(SHARED / "imd" / "File_6_-_IoD2019_Population_Denominators.csv.gz")]


@pytest.fixture(scope="module")
def got(tmp_path_factory):
    """One `ecoplan data get` run into a module data folder, through the mirror."""
    require_shared(IOW_PBF)
    base = tmp_path_factory.mktemp("dataget")
    with DataMirror(faults={PBF_PATH: ["drop"], FILE2_PATH: [503]}) as mirror, \
            pytest.MonkeyPatch.context() as mp:
        mp.setenv("ECOPLAN_DATA_DIR", str(base / "data"))
        mp.setenv("ECOPLAN_CACHE_DIR", str(base / "cache"))
        mp.setenv("ECOPLAN_DATA_MIRROR", mirror.url)
        import io
        from contextlib import redirect_stderr, redirect_stdout

        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["data", "get", "--la", "Isle of Wight"])
        yield {"base": base, "mirror": mirror, "code": code, "out": out.getvalue(),
               "err": err.getvalue(), "requests": list(mirror.requests)}


@pytest.fixture
def env(got, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(got["base"] / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(got["base"] / "cache"))
    monkeypatch.setenv("ECOPLAN_DATA_MIRROR", got["mirror"].url)
    got["mirror"].requests.clear()
    return got


def test_get_records_every_file_in_the_manifest(env):
    assert env["code"] == 0, env["err"]
    man = find_manifest("E06000046")
    assert (man.code, man.name) == ("E06000046", "Isle of Wight")
    assert set(man.files) == {"lookup", "lsoa2011", "lsoa2021", "iod2019_file1",
                              "iod2019_file2", "iod2019_file6", "iod2025", "osm"}
    for key, rec in man.files.items():
        path = man.path_of(key)
        assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest(), key
        assert rec["size"] == path.stat().st_size and rec["downloaded_at"], key
        assert rec["licence"] and rec["attribution"] and rec["url"].startswith("https://"), key
        if key != "osm":
            assert rec["rows"] == 89, key  # the island's LSOAs, 2011 and 2021 alike
    osm = man.files["osm"]
    assert man.path_of("osm").read_bytes() == IOW_PBF.read_bytes()
    assert osm["checksum"].startswith("md5 ") and osm["url"].endswith(
        "england/isle-of-wight-latest.osm.pbf")
    assert man.osm["extract_id"] == "isle-of-wight"  # not England or Europe, which also cover
    assert set(man.national) >= {"lsoa_lookup", "iod2019_file1", "iod2019_file2",
                                 "iod2019_file6", "iod2025", "geofabrik_index"}
    assert man.catalogue["path"] == str(builtin_path())
    assert "next: ecoplan access --la E06000046" in env["out"]


def test_the_503_and_the_dropped_connection_were_survived(env):
    reqs = env["requests"]
    assert sum(1 for p, _, _ in reqs if p == FILE2_PATH) == 2  # 503, then the file
    ranges = [h.get("Range") for p, _, h in reqs if p == PBF_PATH]
    assert ranges[0] is None and ranges[1].startswith("bytes=")  # resumed, not restarted
    leftovers = [p for p in downloads_root().rglob("*") if p.name.startswith(("tmp", "."))]
    assert leftovers == []


def test_national_files_are_cut_to_the_authority(env):
    man = find_manifest("isle of wight")
    f2 = pd.read_csv(man.path_of("iod2019_file2"))
    ref = pd.read_csv(SHARED / "imd" / "File_2_-_IoD2019_Domains_of_Deprivation.csv.gz",
                      encoding="utf-8-sig", thousands=",")
    ref = ref[ref["Local Authority District code (2019)"] == "E06000046"]
    assert sorted(f2["LSOA code (2011)"]) == sorted(ref["LSOA code (2011)"])
    merged = f2.merge(ref, on="LSOA code (2011)", suffixes=("", "_ref"))
    col = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
    assert (merged[col] == merged[col + "_ref"]).all()
    national = pd.read_csv(downloads_root() / "national" / "lsoa_lookup.csv", dtype=str)
    assert len(national) == 35_795  # cached once, whole
    iod25 = pd.read_csv(man.path_of("iod2025"))
    assert iod25["LSOA code (2021)"].str.startswith("E01").all() and len(iod25) == 89


def test_access_la_gives_the_same_numbers_as_the_long_form(env, tmp_path, capsys):
    assert main(["access", "--la", "Isle of Wight", "--out", str(tmp_path / "la.csv")]) == 0
    la_out, la_err = capsys.readouterr()
    assert main(["access", str(IOW_PBF), *LONG_FORM, "--out", str(tmp_path / "long.csv")]) == 0
    long_out, _ = capsys.readouterr()
    la, long = pd.read_csv(tmp_path / "la.csv"), pd.read_csv(tmp_path / "long.csv")
    assert len(la) == 89
    pd.testing.assert_frame_equal(la, long)
    strip = lambda text: [ln for ln in text.splitlines() if not ln.startswith(("took", "wrote"))]  # noqa: E731
    assert strip(la_out) == strip(long_out)
    assert "clipped to the authority plus 10 km" in la_err
    # the same printed figures (compared above), and the AGS local one is there
    assert any(ln.startswith("  AGS local") and " %" in ln for ln in la_out.splitlines())
    assert env["mirror"].requests == []  # --la reads the downloads only


def test_iod_2025_edition_uses_lsoa_2021_and_the_lookup(env, capsys):
    assert main(["gaps", "--la", "E06000046", "--iod-edition", "2025", "--top", "3"]) == 0
    out, err = capsys.readouterr()
    assert "IoD 2025" in err and "ONS LSOA 2011→2021 lookup" in err
    table = out.split("Access by deprivation decile")[1].split("\n\n")[0]
    rows = {int(ln.split()[0]): int(ln.split()[1]) for ln in table.splitlines()[2:]
            if ln.split() and ln.split()[0].isdigit() and int(ln.split()[1])}
    # IMD 2025 deciles of the island's 89 LSOA21 (shared/data/README.md)
    assert rows == {1: 3, 2: 15, 3: 17, 4: 15, 5: 14, 6: 12, 7: 7, 8: 5, 9: 1}


def test_rank_and_sites_take_la_too(env, tmp_path, capsys):
    assert main(["rank", "--la", "Isle of Wight", "--purpose", "public-health", "--top", "3"]) == 0
    out, _ = capsys.readouterr()
    assert "reach: walking" in out and "  1. " in out
    assert main(["sites", "--la", "Isle of Wight", "--out", str(tmp_path / "s.geojson")]) == 0
    assert (tmp_path / "s.geojson").is_file()


def test_second_get_reuses_the_cache(env):
    man = get_la_data("Isle of Wight")
    paths = {p for p, _, _ in env["mirror"].requests}
    assert paths == {PBF_PATH + ".md5"}  # only the published checksum is re-read
    assert man.files["osm"]["sha256"] == hashlib.sha256(IOW_PBF.read_bytes()).hexdigest()


def test_offline_names_exactly_what_is_missing(env):
    national = downloads_root() / "national"
    moved = national / Path(IOD2025_PATH).name
    keep = moved.read_bytes()
    moved.unlink()
    try:
        with pytest.raises(NotInCacheError, match=r"not downloaded yet: English Indices of "
                                                  r"Deprivation 2025.*\(iod2025\) — go online"):
            get_la_data("Isle of Wight", offline=True)
        assert env["mirror"].requests == []
    finally:
        moved.write_bytes(keep)
    man = get_la_data("Isle of Wight", offline=True)
    assert man.files["osm"]["fetched_from"] == "(cache)"
    assert env["mirror"].requests == []


def test_offline_with_nothing_downloaded_names_the_lookup(tmp_path, monkeypatch):
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "c"))
    with pytest.raises(NotInCacheError, match=r"\(lsoa_lookup\) has not been downloaded.*list "
                                              "of authorities"):
        get_la_data("Isle of Wight", offline=True)


def test_changed_upstream_file_is_named_and_keeps_the_old_copy(env):
    pbf = downloads_root() / "osm" / "isle-of-wight-latest.osm.pbf"
    before = pbf.read_bytes()
    env["mirror"].md5 = "0" * 32  # Geofabrik now publishes another checksum
    try:
        with pytest.raises(ServiceError, match=r"\(osm_extract\): the downloaded file does not "
                                               "match its published checksum"):
            get_la_data("Isle of Wight")
    finally:
        env["mirror"].md5 = None
    assert pbf.read_bytes() == before
    assert not [p for p in pbf.parent.iterdir() if p.name.startswith("tmp")]


def test_renamed_columns_are_named_with_their_source(env, tmp_path):
    text = builtin_path().read_text(encoding="utf-8").replace(
        '"Total population: mid 2015"', '"Total population: mid 2016"')
    mine = tmp_path / "catalogue.toml"
    mine.write_text(text, encoding="utf-8")
    with pytest.raises(ServiceError, match=r"File 6.*\(iod2019_file6\): expected column\(s\) "
                                           r"'Total population: mid 2016' not found"):
        get_la_data("Isle of Wight", catalogue=mine)


def test_unknown_names_suggest_and_la_without_download_says_what_to_do(env, capsys):
    assert main(["data", "get", "--la", "Isle of Wite"]) == 2
    assert "Did you mean: Isle of Wight;" in capsys.readouterr().err
    assert main(["access", "--la", "Hartlepool"]) == 2
    err = capsys.readouterr().err
    assert "no data has been downloaded for Hartlepool (E06000001)" in err
    assert "ecoplan data get --la E06000001" in err and "Traceback" not in err
    assert main(["access"]) == 2
    assert "give SOURCE" in capsys.readouterr().err
    assert main(["access", str(IOW_PBF)]) == 2
    assert "give --areas FILE" in capsys.readouterr().err


def test_data_list_authorities_and_sources(env, capsys):
    assert main(["data", "list"]) == 0
    assert "E06000046  Isle of Wight" in capsys.readouterr().out
    assert main(["data", "authorities", "wight"]) == 0
    assert capsys.readouterr().out.strip() == "E06000046  Isle of Wight"
    assert main(["data", "sources"]) == 0
    out = capsys.readouterr().out
    assert "iod2019_file2:" in out and "Open Government Licence v3.0" in out
    assert f"mirror: {env['mirror'].url}" in out
    assert env["mirror"].requests == []


def test_live_urls_are_the_default(monkeypatch):
    monkeypatch.delenv("ECOPLAN_DATA_MIRROR", raising=False)
    from ecoplan.fetch.catalogue import load_catalogue, mirror_url

    cat = load_catalogue()
    assert mirror_url(cat["geofabrik_index"].url) == "https://download.geofabrik.de/index-v1.json"
    assert "https://" + LOOKUP_PATH.lstrip("/") == cat["lsoa_lookup"].url
    assert "https://" + FILE6_PATH.lstrip("/") == cat["iod2019_file6"].url
    assert "https://" + INDEX_PATH.lstrip("/") == cat["geofabrik_index"].url
    assert os.environ.get("ECOPLAN_DATA_MIRROR") is None


def test_a_failed_download_says_what_to_do(tmp_path, monkeypatch):
    """After its retries, a failure names the source and the remedy for its kind: a busy
    service (HTTP 503 every time) → try later; no connection → the connection or a mirror."""
    require_shared(IOW_PBF)
    monkeypatch.setenv("ECOPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECOPLAN_CACHE_DIR", str(tmp_path / "cache"))
    with DataMirror(faults={LOOKUP_PATH: [503] * 10}) as mirror:
        monkeypatch.setenv("ECOPLAN_DATA_MIRROR", mirror.url)
        with pytest.raises(ServiceError) as busy:
            get_la_data("Isle of Wight", sleep=lambda s: None)
    text = str(busy.value)
    assert "(lsoa_lookup)" in text and "HTTP 503" in text and "try again later" in text
    assert "Files already downloaded are kept" in text
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("ECOPLAN_DATA_MIRROR", f"http://127.0.0.1:{port}")
    with pytest.raises(ServiceError) as down:
        get_la_data("Isle of Wight", sleep=lambda s: None)
    assert "internet connection" in str(down.value) and "ECOPLAN_DATA_MIRROR" in str(down.value)


def test_failure_advice_by_kind():
    from ecoplan.fetch.get import failure
    from ecoplan.net import HttpFailure

    gone = failure(HttpFailure("IoD 2025 (iod2025)", "status", "HTTP 404", 1, status=404))
    assert "moved or is no longer published" in str(gone) and "HTTP 404" in str(gone)
    slow = failure(HttpFailure("x (y)", "timeout", "no answer within 15 s (timeout)", 4))
    assert "internet connection" in str(slow)
