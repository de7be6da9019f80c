"""Rules for ecoplan/settings/ as a whole: every module constant is Final (rebinding one is a
mypy error), and how things look lives next to what draws them, not here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ecoplan.settings

SETTINGS = Path(ecoplan.settings.__file__).parent
CONSTANT = re.compile(r"_?[A-Z][A-Z0-9_]*")


def _constants(path: Path) -> list[tuple[str, ast.stmt]]:
    out = []
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign):
            out += [(t.id, node) for t in node.targets
                    if isinstance(t, ast.Name) and CONSTANT.fullmatch(t.id)]
        elif (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
              and CONSTANT.fullmatch(node.target.id)):
            out.append((node.target.id, node))
    return out


def _is_final(node: ast.stmt) -> bool:
    if not isinstance(node, ast.AnnAssign):
        return False
    ann = node.annotation
    base = ann.value if isinstance(ann, ast.Subscript) else ann
    return isinstance(base, ast.Name) and base.id == "Final"


def test_every_settings_constant_is_final():
    missing = [f"{p.name}:{node.lineno} {name}" for p in sorted(SETTINGS.glob("*.py"))
               for name, node in _constants(p) if not _is_final(node)]
    assert not missing, missing
    assert len([1 for p in SETTINGS.glob("*.py") for _ in _constants(p)]) > 300  # it looked


def test_a_constant_without_final_is_found(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from typing import Final\nA: Final = 1\nB: int = 2\nC = 3\nlower = 4\n")
    assert [n for n, node in _constants(bad) if not _is_final(node)] == ["B", "C"]


def test_ui_and_print_styling_are_not_settings():
    names = {n for p in SETTINGS.glob("*.py") for n, _ in _constants(p)}
    for moved in ("OKABE_ITO", "MAP_HEIGHT_PX", "SITE_COLORS", "ROUTE_COLORS", "DURATION_MAX",
                  "SHARE_BREAKS_PCT", "TITLE_PT", "BODY_PT", "A4_IN", "PAPER_IN", "STANDARD_PT"):
        assert moved not in names, moved
    assert not (SETTINGS / "app_gaps.py").exists() and not (SETTINGS / "app_route.py").exists()
