"""Offline map assets: copied from installed packages, refreshed only when changed."""

from __future__ import annotations

import os

import pytest

from ecoplan.app import assets
from ecoplan.settings import app as app_cfg


def test_copies_leaflet_and_jquery(tmp_path):
    report = assets.ensure_static_assets(tmp_path)
    vendor = tmp_path / app_cfg.VENDOR_SUBDIR
    js = (vendor / "leaflet" / "leaflet.js").read_text()
    assert "Leaflet 1.9" in js[:300]
    assert (vendor / "leaflet" / "leaflet.css").stat().st_size > 10_000
    assert (vendor / "leaflet" / "images" / "layers.png").exists()  # leaflet.css refers to it
    assert "jQuery" in (vendor / "jquery" / "jquery.min.js").read_text()[:200]
    assert {"leaflet", "jquery"} <= report.available
    assert report.copied > 3
    # Real files, not symlinks: Streamlit refuses paths that resolve outside static/.
    assert not any(p.is_symlink() for p in vendor.rglob("*"))


def test_second_run_copies_nothing_and_repairs_changes(tmp_path):
    assets.ensure_static_assets(tmp_path)
    again = assets.ensure_static_assets(tmp_path)
    assert again.copied == 0
    target = tmp_path / app_cfg.VENDOR_SUBDIR / "leaflet" / "leaflet.js"
    target.write_text("broken")
    fixed = assets.ensure_static_assets(tmp_path)
    assert fixed.copied == 1
    assert "Leaflet" in target.read_text()[:300]


def test_missing_leaflet_is_a_clear_error(tmp_path, monkeypatch):
    broken = assets.AssetGroup("leaflet", "xstatic-leaflet", lambda: None, ("leaflet.js",))
    monkeypatch.setattr(assets, "GROUPS", (broken,))
    with pytest.raises(assets.AssetError, match="install the 'xstatic-leaflet'"):
        assets.ensure_static_assets(tmp_path)


def test_missing_optional_group_is_reported(tmp_path, monkeypatch):
    gone = assets.AssetGroup("leaflet-draw", "django-leaflet", lambda: None,
                             ("leaflet.draw.js",), required=False)
    monkeypatch.setattr(assets, "GROUPS", (gone,))
    report = assets.ensure_static_assets(tmp_path)
    assert report.missing == {"leaflet-draw": "django-leaflet"}
    assert not report.available


def test_draw_files_when_installed(tmp_path):
    if not assets.draw_available():
        pytest.skip("django-leaflet (provider of Leaflet.draw) not installed")
    assets.ensure_static_assets(tmp_path)
    draw = tmp_path / app_cfg.VENDOR_SUBDIR / "leaflet-draw"
    assert "Leaflet.draw" in (draw / "leaflet.draw.js").read_text()[:300]
    assert (draw / "images" / "spritesheet.svg").exists()


def test_urls_are_local():
    urls = [u for _, u in assets.map_js() + assets.map_css() + assets.draw_js()
            + assets.draw_css() + assets.icon_css()]
    assert all(u.startswith(app_cfg.STATIC_URL_PREFIX + "/") for u in urls)
    assert assets.url("leaflet", "leaflet.js", "/base/app/static/") == (
        "/base/app/static/vendor/leaflet/leaflet.js")
    with pytest.raises(KeyError):
        assets.url("bootstrap", "x.js")


def test_every_url_maps_to_a_copied_file(tmp_path):
    report = assets.ensure_static_assets(tmp_path)
    pairs = assets.map_js() + assets.map_css()
    if "leaflet-draw" in report.available:
        pairs += assets.draw_js() + assets.draw_css()
    if "fontawesome" in report.available:
        pairs += assets.icon_css()
    for _, url in pairs:
        rel = url.removeprefix(app_cfg.STATIC_URL_PREFIX + "/")
        assert (tmp_path / rel).is_file(), url
    assert os.listdir(tmp_path) == [app_cfg.VENDOR_SUBDIR]
