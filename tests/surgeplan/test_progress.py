"""The progress bar shows on a terminal and stays out of pipes and files."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [
    sys.executable,
    "run_sim.py",
    "simulate",
    "scenarios/weekday.yaml",
    "--replications",
    "3",
]


def run_on_terminal(args: list[str]) -> str:
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout and stderr are the pseudo-terminal
        os.chdir(ROOT)
        os.execv(args[0], args)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode("utf-8", errors="replace")


def test_bar_on_a_terminal(tmp_path):
    output = run_on_terminal([*COMMAND, "--out", str(tmp_path / "a")])
    assert "simulating:" in output and "interval/s" in output


def test_no_bar_when_quiet_on_a_terminal(tmp_path):
    output = run_on_terminal([*COMMAND, "--out", str(tmp_path / "b"), "--quiet"])
    assert output.strip() == ""


def test_no_bar_in_a_pipe(tmp_path):
    done = subprocess.run(
        [*COMMAND, "--out", str(tmp_path / "c")], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "simulating:" not in done.stderr and done.stderr == ""
