"""The data catalogue: the built-in file is data/catalogue.toml, every source is complete, a
mirror maps https://HOST/PATH?QUERY to BASE/HOST/PATH?QUERY, a bad replacement is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoplan.errors import InputFileError
from ecoplan.fetch import catalogue as cat
from ecoplan.settings import overpass, weather

REPO = Path(__file__).resolve().parents[1]


def test_builtin_catalogue_is_the_repository_file():
    assert cat.builtin_path().resolve() == (REPO / "data" / "catalogue.toml").resolve()
    c = cat.load_catalogue()
    assert set(cat.NEEDED) <= set(c.sources)
    for src in c.sources.values():
        assert src.url.startswith("https://") or src.url == "{pbf}", src.id
        assert src.licence and src.attribution and src.publisher
        if src.kind in ("xlsx", "csv"):
            assert src.code_column and src.columns, src.id
        if src.kind.startswith("arcgis"):
            assert src.fields, src.id
    assert len(c.sha256) == 64


def test_services_in_the_catalogue_are_the_endpoints_ecoplan_uses():
    services = cat.load_catalogue().services
    assert services["overpass"]["url"] == overpass.DEFAULT_OVERPASS_URL
    assert services["nominatim"]["url"] == overpass.DEFAULT_NOMINATIM_URL
    assert services["open_meteo"]["url"] == weather.FORECAST_URL
    assert services["open_meteo"]["attribution"] == weather.ATTRIBUTION


def test_mirror_url_keeps_host_path_and_query(monkeypatch):
    url = "https://services1.arcgis.com/A/arcgis/rest/services/L/FeatureServer/0/query?where=1%3D1&f=json"
    assert cat.mirror_url(url) == url
    monkeypatch.setenv("ECOPLAN_DATA_MIRROR", "http://127.0.0.1:8000/m/")
    assert cat.mirror_url(url) == ("http://127.0.0.1:8000/m/services1.arcgis.com/A/arcgis/rest/"
                                   "services/L/FeatureServer/0/query?where=1%3D1&f=json")
    assert cat.mirror_url("https://download.geofabrik.de/index-v1.json") == (
        "http://127.0.0.1:8000/m/download.geofabrik.de/index-v1.json")
    with pytest.raises(InputFileError, match="not an absolute URL"):
        cat.mirror_url("index-v1.json")


def test_a_catalogue_file_replaces_the_builtin(tmp_path, monkeypatch):
    text = cat.builtin_path().read_text(encoding="utf-8").replace(
        "https://download.geofabrik.de/index-v1.json", "https://mirror.example.org/index.json")
    mine = tmp_path / "catalogue.toml"
    mine.write_text(text, encoding="utf-8")
    monkeypatch.setenv("ECOPLAN_DATA_CATALOGUE", str(mine))
    c = cat.load_catalogue()
    assert c.path == mine
    assert c["geofabrik_index"].url == "https://mirror.example.org/index.json"


@pytest.mark.parametrize("edit,message", [
    (lambda t: t.replace('kind = "xlsx"', 'kind = "excel"', 1), "kind 'excel'"),
    (lambda t: t.replace('[sources.iod2025]', '[sources.iod2025_old]'), "lacks the source"),
    (lambda t: t.replace('publisher = "Geofabrik GmbH"\n', '', 1), "has no publisher"),
    (lambda t: t + "\n[sources.x\n", "not valid TOML"),
    (lambda t: t.replace('page_size = 1000', 'page_size = 0', 1), "must be ≥ 1"),
    (lambda t: t.replace('url = "https://download.geofabrik.de/index-v1.json"',
                         'url = "ftp://x/y"'), "must start with https://"),
])
def test_bad_catalogues_are_refused_with_the_file_named(tmp_path, edit, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(edit(cat.builtin_path().read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(InputFileError, match=message) as err:
        cat.load_catalogue(bad)
    assert str(bad) in str(err.value)


def test_missing_catalogue_file_is_one_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="cannot be read"):
        cat.load_catalogue(tmp_path / "nope.toml")
