"""Write the staffing a planner pencils in into a scenario's ``pools`` (``agents:`` lists).

    python scenarios/pencil_staffing.py scenarios/double11.yaml [more.yaml ...]

A shipped scenario's pools carry the staffing it is simulated with by ``simulate``: each hour
staffed at the mean of its quarter-hours' Erlang requirements (``staff --method erlang``:
Erlang A per interval at the interval's mean load, chat agents as ``max_concurrent`` servers,
e-mail and the complaint desk at their mean work), rounded up — what a planner pencils in
from an hourly forecast before rostering. It is right on average over each hour and short in
the first minutes of a surge, which is what ``plan`` (and ``staff --method isa``) fix.

Only the pools whose ``agents:`` line ends with the comment ``# pencilled`` (or a list that
the script wrote before) are rewritten, in place; everything else in the file, comments
included, stays as written. Running the script again on an unchanged file gives the same file
(a test checks the shipped scenarios are up to date).
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from anywhere without installing

from optimize.staffing import Targets, staff  # noqa: E402
from sim import Scenario  # noqa: E402
from surgeplan.io import atomic_write_text  # noqa: E402

MARK = "# pencilled"
# `    agents: 0   # pencilled` or a list this script wrote: `    agents: [  # pencilled ... ]`
AGENTS = re.compile(
    r"^(?P<indent>[ ]+)agents: (?:\[[ ]*" + MARK + r"[^\]]*\]|[^\n#]*" + MARK + r")[^\n]*$",
    re.MULTILINE,
)
PER_LINE = 8


def pencilled(path: Path) -> tuple[dict[str, np.ndarray], Scenario]:
    """Each pencilled pool's agents per interval, from the scenario's own forecast, and the
    scenario staffed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for pool in data["pools"].values():
        pool["agents"] = 0  # whatever is there now plays no part
    scenario = Scenario.from_dict(data, source=path.name, base_dir=path.parent)
    level = scenario.service_level
    table = staff(scenario, "erlang", targets=Targets(level.answer_within, level.target)).table
    per_hour = round(3600 / scenario.horizon.interval)
    out = {}
    for pool, rows in table.groupby("pool", sort=False):
        heads = rows["agents_rostered"].to_numpy(dtype=float)
        hourly = np.ceil(heads.reshape(-1, per_hour).mean(axis=1) - 1e-9)
        out[pool] = np.repeat(hourly, per_hour).astype(int)
    return out, scenario


def _block(values: np.ndarray, indent: str, start, step: timedelta) -> str:
    lines = [f"{indent}agents: [  {MARK} (scenarios/pencil_staffing.py)"]
    for k in range(0, len(values), PER_LINE):
        chunk = ", ".join(str(v) for v in values[k : k + PER_LINE])
        comma = "," if k + PER_LINE < len(values) else ""
        lines.append(f"{indent}  {chunk}{comma}   # {start + k * step:%a %d %H:%M}")
    return "\n".join(lines) + f"\n{indent}]"


def rewrite(path: Path) -> str:
    """The file's text with every pencilled pool's list written afresh."""
    text = path.read_text(encoding="utf-8")
    staffing, scenario = pencilled(path)
    horizon = scenario.horizon
    step = timedelta(seconds=horizon.interval)
    pools = list(yaml.safe_load(text)["pools"])
    pieces, last = [], 0
    for match in AGENTS.finditer(text):
        # The pool is the last key at the indent above this line's.
        head = text[: match.start()]
        indent = match.group("indent")
        keys = re.findall(r"^" + indent[:-2] + r"(\w+):", head, re.MULTILINE)
        pool = next(key for key in reversed(keys) if key in pools)
        values = staffing.get(pool, np.zeros(1, dtype=int))
        pieces += [text[last : match.start()], _block(values, indent, horizon.start, step)]
        last = match.end()
    return "".join(pieces) + text[last:]


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for name in argv:
        path = Path(name)
        atomic_write_text(path, rewrite(path))
        print(f"wrote the pencilled staffing of {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
