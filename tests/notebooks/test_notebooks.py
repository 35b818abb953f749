"""Every notebook runs top to bottom against the installed package.

Code cells are executed in order in one namespace (what "Run all" does in a Python
kernel), with a non-interactive plotting backend, from the repository root.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    namespace: dict = {"__name__": "__notebook__"}
    for number, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()), (
            f"{path.name} cell {number}: shell or magic lines cannot run outside Jupyter"
        )
        exec(compile(source, f"{path.name}[cell {number}]", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
