"""``ecoplan.cli``: how the command leaves (exit handlers, flushed output, the exit code)."""

from __future__ import annotations

import subprocess
import sys

LEAVE = """
import atexit, sys
from ecoplan.cli import leave
atexit.register(lambda: print("handler ran"))
print("partial line, not flushed", end="")
sys.stderr.write("to stderr")
leave(3)
print("never printed")
"""


def test_leave_runs_exit_handlers_flushes_and_keeps_the_code():
    res = subprocess.run([sys.executable, "-c", LEAVE], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 3
    assert res.stdout == "partial line, not flushedhandler ran\n"
    assert res.stderr == "to stderr"


def test_a_usage_error_still_exits_2_with_one_line():
    res = subprocess.run([sys.executable, "-m", "ecoplan.cli", "access", "--no-such-option"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1
