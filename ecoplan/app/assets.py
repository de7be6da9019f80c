"""Serve Leaflet and its plugins from installed Python packages, so maps work offline.

folium points every map at CDNs (Leaflet, jQuery, Bootstrap, Font-Awesome, awesome-markers);
without network the map stays blank. Instead the app copies the files it needs from installed
wheels into ``static/vendor/`` next to its main script at start-up, and Streamlit's static
file serving (``server.enableStaticServing = true``) serves them at ``/app/static/vendor/``.

Sources (no third-party JS is committed; ``static/`` is git-ignored):

* Leaflet 1.9.3 (css, js, images) — ``xstatic-leaflet``
* jQuery 3.7.1 — ``xstatic-jquery`` (folium's map template calls ``$(document).ready`` when a
  layer must stay in front)
* Font-Awesome 6 css + webfonts — ``xstatic-font-awesome`` (only for icon markers; optional)
* Leaflet.draw 1.0.4 — ``django-leaflet`` ships it (no PyPI package ships it standalone);
  optional: when absent, :func:`draw_available` is False and pages fall back to adding
  polygon corners by clicking the map.

Files are *copied*, not symlinked: Streamlit resolves symlinks and refuses files whose real
path lies outside ``static/``.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ecoplan.errors import EcoplanError
from ecoplan.io import atomic_path
from ecoplan.settings import app as app_cfg


class AssetError(EcoplanError):
    """A package that provides map files is missing or broken."""


@dataclass(frozen=True)
class AssetGroup:
    """Files one library needs, copied from one installed package."""

    name: str  # folder under static/vendor/
    package: str  # distribution name, for messages
    locate: Callable[[], Path | None]  # folder holding the files, None if not installed
    files: tuple[str, ...]  # paths relative to that folder (folders are copied whole)
    required: bool = True


def _xstatic_dir(module: str) -> Callable[[], Path | None]:
    def locate() -> Path | None:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            return None
        return Path(mod.BASE_DIR)

    return locate


def _dist_dir(dist: str, subdir: str) -> Callable[[], Path | None]:
    """Folder inside an installed distribution, found without importing it (django-leaflet's
    ``leaflet`` package needs configured Django settings to import)."""

    def locate() -> Path | None:
        try:
            d = importlib.metadata.distribution(dist)
        except importlib.metadata.PackageNotFoundError:
            return None
        path = Path(str(d.locate_file(subdir)))
        return path if path.is_dir() else None

    return locate


GROUPS: tuple[AssetGroup, ...] = (
    AssetGroup("leaflet", "xstatic-leaflet", _xstatic_dir("xstatic.pkg.leaflet"),
               ("leaflet.js", "leaflet.css", "images")),
    AssetGroup("jquery", "xstatic-jquery", _xstatic_dir("xstatic.pkg.jquery"),
               ("jquery.min.js",)),
    AssetGroup("fontawesome", "xstatic-font-awesome", _xstatic_dir("xstatic.pkg.font_awesome"),
               ("css/all.min.css", "webfonts"), required=False),
    AssetGroup("leaflet-draw", "django-leaflet",
               _dist_dir("django-leaflet", "leaflet/static/leaflet/draw"),
               ("leaflet.draw.js", "leaflet.draw.css", "images"), required=False),
)
_BY_NAME = {g.name: g for g in GROUPS}


@dataclass
class AssetReport:
    """What :func:`ensure_static_assets` did: groups available, files copied this time."""

    static_dir: Path
    available: set[str] = field(default_factory=set)
    missing: dict[str, str] = field(default_factory=dict)  # group -> package to install
    copied: int = 0


def ensure_static_assets(static_dir: str | Path) -> AssetReport:
    """Copy the map libraries into ``static_dir/vendor``; cheap when already up to date.

    Call once at app start with the ``static`` folder next to the main script. Raises
    :class:`AssetError` if Leaflet itself is missing; optional groups are reported instead.
    """
    static_dir = Path(static_dir)
    report = AssetReport(static_dir)
    for group in GROUPS:
        src = group.locate()
        if src is None or not all((src / f).exists() for f in group.files):
            if group.required:
                raise AssetError(
                    f"Map files for {group.name} not found: install the '{group.package}' "
                    "package (pip install -e .) and restart the app."
                )
            report.missing[group.name] = group.package
            continue
        dest = static_dir / app_cfg.VENDOR_SUBDIR / group.name
        for rel in group.files:
            report.copied += _sync(src / rel, dest / rel)
        report.available.add(group.name)
    return report


def _sync(src: Path, dest: Path) -> int:
    """Copy a file or folder when size or mtime differ; returns files copied."""
    if src.is_dir():
        return sum(_sync(p, dest / p.name) for p in sorted(src.iterdir()))
    if dest.is_file() and not dest.is_symlink():
        s, d = src.stat(), dest.stat()
        if s.st_size == d.st_size and int(s.st_mtime) == int(d.st_mtime):
            return 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    # Atomic: another app session may be reading the file while we refresh it.
    with atomic_path(dest) as tmp:
        shutil.copy2(src, tmp)
    return 1


def installed(group: str) -> bool:
    """Whether the package providing ``group`` is installed (no copying)."""
    g = _BY_NAME[group]
    src = g.locate()
    return src is not None and all((src / f).exists() for f in g.files)


def draw_available() -> bool:
    """Leaflet.draw can be served offline (else use the click-to-add-points fallback)."""
    return installed("leaflet-draw")


def url(group: str, rel: str, prefix: str | None = None) -> str:
    """URL of a vendored file as the browser sees it (``/app/static/vendor/<group>/<rel>``)."""
    if group not in _BY_NAME:
        raise KeyError(group)
    base = (app_cfg.STATIC_URL_PREFIX if prefix is None else prefix).rstrip("/")
    return f"{base}/{app_cfg.VENDOR_SUBDIR}/{group}/{rel}"


def map_js(prefix: str | None = None) -> list[tuple[str, str]]:
    """(name, url) pairs replacing ``folium.Map.default_js``: Leaflet and jQuery only."""
    return [("leaflet", url("leaflet", "leaflet.js", prefix)),
            ("jquery", url("jquery", "jquery.min.js", prefix))]


def map_css(prefix: str | None = None) -> list[tuple[str, str]]:
    """(name, url) pairs replacing ``folium.Map.default_css``: Leaflet's stylesheet only
    (Bootstrap, glyphicons and awesome-markers are dropped: our maps use none of them)."""
    return [("leaflet_css", url("leaflet", "leaflet.css", prefix))]


def icon_css(prefix: str | None = None) -> list[tuple[str, str]]:
    """Font-Awesome stylesheet, for maps that use icon markers."""
    return [("fontawesome_css", url("fontawesome", "css/all.min.css", prefix))]


def draw_js(prefix: str | None = None) -> list[tuple[str, str]]:
    return [("leaflet_draw_js", url("leaflet-draw", "leaflet.draw.js", prefix))]


def draw_css(prefix: str | None = None) -> list[tuple[str, str]]:
    return [("leaflet_draw_css", url("leaflet-draw", "leaflet.draw.css", prefix))]
