"""Small Playwright helpers for driving a Streamlit page, shared by the e2e tests."""

from __future__ import annotations

import contextlib
from pathlib import Path


def settle(page, ms: int = 800, *, wait_start: bool = False) -> None:
    """Let Streamlit finish its rerun (the status widget disappears) before asserting.

    ``wait_start`` first waits briefly for a rerun to begin, for actions whose rerun may
    start late (file uploads, downloads).
    """
    status = page.locator('[data-testid="stStatusWidget"]')
    if wait_start:
        with contextlib.suppress(Exception):  # a quick rerun may be over already
            status.wait_for(state="visible", timeout=1_500)
    else:
        page.wait_for_timeout(300)
    status.wait_for(state="hidden", timeout=90_000)
    page.wait_for_timeout(ms)


def check(page, target, *, attempts: int = 4) -> None:
    """Check a radio button or checkbox, clicking again after the rerun if it did not take.

    A rerun a map component starts just after the page settles re-renders the widget under
    the click, which then changes nothing (Playwright: "Clicking the checkbox did not change
    its state"); that failed the journey on a busy machine.
    """
    for attempt in range(attempts):
        try:
            target.check(force=True, timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            settle(page, 500)


def shot(page, path: Path, *, max_height: int = 6000) -> None:
    """Whole-page screenshot: Streamlit scrolls inside its main block, not the window, so the
    viewport is made as tall as the content first, then put back."""
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('section, main, "
                           "[data-testid=stMain]')].map(e => e.scrollHeight), 900)")
    page.set_viewport_size({"width": 1280, "height": min(int(height) + 40, max_height)})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def uploader(page, label: str):
    """The hidden file input of the file uploader whose label contains ``label``."""
    return page.locator('[data-testid="stFileUploader"]').filter(has_text=label) \
        .locator('input[type="file"]')


def upload(page, label: str, paths: list[Path], *, timeout_ms: int = 60_000) -> None:
    """Upload ``paths`` to one uploader and wait until each is listed and the rerun is done.

    One uploader at a time: a second upload sent while the first one's rerun is running can
    be dropped by the browser on a busy machine.
    """
    uploader(page, label).set_input_files([str(p) for p in paths])
    for p in paths:
        page.locator(f'[data-testid="stFileChipName"][title="{p.name}"]').first.wait_for(
            timeout=timeout_ms)
    page.locator('[data-testid="stFileChipIconSpinner"]').first.wait_for(
        state="detached", timeout=timeout_ms)
    settle(page, 300, wait_start=True)


#: Size of the per-page screenshots kept as test artifacts (issue 14: 1400 × 1000).
SHOT_SIZE = {"width": 1400, "height": 1000}


def page_shot(page, path: Path) -> None:
    """A 1400 × 1000 screenshot of what a user sees first on the page (``artifacts/``)."""
    before = page.viewport_size
    page.set_viewport_size(SHOT_SIZE)
    page.wait_for_timeout(800)
    page.screenshot(path=str(path))
    if before:
        page.set_viewport_size(before)
