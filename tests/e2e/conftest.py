"""End-to-end harness: a real Streamlit server driven by Playwright on Debian's Chromium.

Usage (tests marked ``@pytest.mark.e2e``)::

    APP = Path(__file__).resolve().parents[2] / "app.py"

    @pytest.mark.e2e
    def test_home(streamlit_server, page, wait_for_map, artifacts_dir):
        url = streamlit_server(APP)                 # started once per script per session
        page.goto(url)
        map_frame = wait_for_map(page)              # FrameLocator of the first folium map
        page.screenshot(path=artifacts_dir / "home.png", full_page=True)
        assert page.blocked_requests == []          # nothing tried to reach the internet

Fixtures
--------
``streamlit_server``  session-scoped factory ``(script, env=None) -> base URL``; runs
                      ``streamlit run <script>`` headless on 127.0.0.1 on a free port with static
                      serving on, waits for ``/_stcore/health``; servers stop at session end.
                      ``ECOPLAN_CACHE_DIR``/``ECOPLAN_DATA_DIR`` point at a session temp dir.
``browser``           session-scoped Playwright Chromium (``/usr/bin/chromium``; tests skip with
                      a reason if it or Playwright is missing — no browser download).
``page``              a fresh context/page per test; every request not to localhost/127.0.0.1
                      is aborted and its URL appended to ``page.blocked_requests`` (proves the
                      app works offline).
``artifacts_dir``     ``<repo>/artifacts/`` (git-ignored; ``ECOPLAN_ARTIFACTS_DIR`` overrides).
``wait_for_map``      the helper ``wait_for_map(page, index=0)`` → FrameLocator of the
                      ``index``-th folium iframe once ``.leaflet-container`` and a
                      ``path.leaflet-interactive`` exist in it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_TIMEOUT_S = 90
#: streamlit-folium's component iframe (``title`` is the component name).
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def pytest_collection_modifyitems(items):
    """Mark browser tests ``e2e``. They drive a real Chromium against a real server on a
    shared 2-core machine, where a page that misses one rerun can time out although the app
    is right: each gets one retry (pytest-rerunfailures); a second failure is a failure, and
    the report lists every rerun."""
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit not healthy after {STARTUP_TIMEOUT_S}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory) -> Iterator:
    """Factory: start (once) ``streamlit run script`` and return its base URL."""
    running: dict[Path, tuple[str, subprocess.Popen]] = {}
    base = tmp_path_factory.mktemp("streamlit")

    def start(script: str | Path, env: dict[str, str] | None = None) -> str:
        script = Path(script).resolve()
        if script in running:
            return running[script][0]
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        log = base / f"{script.stem}-{port}.log"
        full_env = {**os.environ, "ECOPLAN_CACHE_DIR": str(base / "cache"),
                    "ECOPLAN_DATA_DIR": str(base / "data"), "PYTHONUNBUFFERED": "1",
                    **(env or {})}
        cmd = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.headless=true", "--server.address=127.0.0.1",
               f"--server.port={port}", "--server.enableStaticServing=true",
               "--browser.gatherUsageStats=false", "--server.fileWatcherType=none",
               "--server.runOnSave=false"]
        with open(log, "wb") as fh:
            proc = subprocess.Popen(cmd, cwd=REPO, env=full_env, stdout=fh,  # noqa: S603
                                    stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, proc, log)
        except BaseException:
            proc.terminate()
            proc.wait(10)
            raise
        running[script] = (url, proc)
        return url

    yield start
    for _url, proc in running.values():
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Debian Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so the page fixture knows if the test failed."""
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def page(browser, request):
    """A page that can only reach the local server; ``page.blocked_requests`` lists the rest.
    When the test fails, the page as it was is saved as ``artifacts/failed-<test>.png``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []

    def guard(route):
        url = route.request.url
        host = urlparse(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.blocked_requests = blocked
    pg.set_default_timeout(30_000)
    yield pg
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        folder = Path(os.environ.get("ECOPLAN_ARTIFACTS_DIR") or REPO / "artifacts")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            pg.screenshot(path=folder / f"failed-{request.node.name[:80]}.png", full_page=True)
        except Exception as err:  # noqa: BLE001 - a lost screenshot must not hide the failure
            print(f"no screenshot of the failed page: {err}")
    context.close()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = Path(os.environ.get("ECOPLAN_ARTIFACTS_DIR") or REPO / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wait_for_map(page, index: int = 0, timeout_ms: int = 60_000):
    """FrameLocator of the ``index``-th folium map once Leaflet has drawn vector shapes."""
    page.wait_for_selector(MAP_IFRAME, timeout=timeout_ms, state="attached")
    frame = page.frame_locator(MAP_IFRAME).nth(index)
    frame.locator(".leaflet-container").first.wait_for(timeout=timeout_ms)
    frame.locator("path.leaflet-interactive").first.wait_for(timeout=timeout_ms,
                                                             state="attached")
    return frame


@pytest.fixture(scope="session")
def wait_for_map():
    """``wait_for_map(page, index=0)`` → FrameLocator of a folium map with shapes drawn."""
    return _wait_for_map

