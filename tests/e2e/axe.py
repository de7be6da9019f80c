"""axe-core accessibility checks injected by Playwright (``make axe`` installs it into .axe/).

Every frame of the page is checked (Streamlit's page and each map's component iframe, which
axe cannot enter from outside). Only ``serious`` and ``critical`` violations fail a test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
AXE_JS = REPO / ".axe" / "node_modules" / "axe-core" / "axe.min.js"
FAIL_IMPACTS = ("serious", "critical")


def axe_violations(page, *, impacts: tuple[str, ...] = FAIL_IMPACTS) -> list[dict]:
    """Serious/critical violations in every frame: ``{frame, id, impact, help, targets}``."""
    if not AXE_JS.is_file():
        pytest.skip(f"axe-core not installed at {AXE_JS} (run `make axe`)")
    source = AXE_JS.read_text(encoding="utf-8")
    found: list[dict] = []
    for frame in page.frames:
        try:
            if not frame.evaluate("() => typeof window.axe !== 'undefined'"):
                frame.evaluate(source + "\n;0")
            result = frame.evaluate(
                "async () => JSON.stringify((await axe.run(document, "
                "{resultTypes: ['violations']})).violations)")
        except Exception as err:  # noqa: BLE001 - a frame that went away mid-check
            if "detached" in str(err).lower() or "destroyed" in str(err).lower():
                continue
            raise
        for v in json.loads(result):
            if v.get("impact") in impacts:
                found.append({"frame": frame.url[:80], "id": v["id"], "impact": v["impact"],
                              "help": v["help"],
                              "targets": [n["target"] for n in v["nodes"]][:5],
                              "html": [n["html"][:120] for n in v["nodes"]][:5],
                              "why": [n.get("failureSummary", "")[-160:] for n in v["nodes"]][:2]})
    return found


def assert_accessible(page, where: str) -> None:
    bad = axe_violations(page)
    assert not bad, f"axe-core on {where}:\n" + "\n".join(json.dumps(b) for b in bad)
