"""Start-up benchmark: how long the command line takes before it starts working.

Run from the repository root::

    python benchmarks/startup.py              # 7 repeats, rewrites the Start-up section
    python benchmarks/startup.py --repeats 11
    python benchmarks/startup.py --docs -     # print the section only

Every measurement is a fresh Python process, and the cases are interleaved (each case once,
then each case again…) so a slow patch of the machine does not land on one case only. The
cases: the interpreter alone (``python -c pass``), ``run_sim.py --help``, ``run_sim.py
validate`` on each shipped scenario, and for each command the imports of everything its code
imports unconditionally (found in its module in ``surgeplan/commands/``, so a new command is
measured without changing this script), after ``surgeplan.cli``. The section it writes into
docs/benchmarks.md is kept when ``benchmarks/run.py`` rewrites the file.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "startup"
COMMAND = "python benchmarks/startup.py"
# Libraries that take a tenth of a second or more to import, reported per command.
HEAVY = ("pandas", "scipy.stats", "matplotlib", "pyomo", "highspy", "openpyxl", "icalendar")

_IMPORTS_CHILD = """\
import json, sys, time
started = time.perf_counter()
import surgeplan.cli
{imports}
seconds = time.perf_counter() - started
print(json.dumps({{"import_seconds": seconds, "modules": sorted(sys.modules)}}))
"""


@dataclass
class Case:
    label: str
    argv: list[str]
    imports: bool = False  # the child reports its import time and modules
    wall: list[float] = field(default_factory=list)
    import_seconds: list[float] = field(default_factory=list)
    heavy: list[str] = field(default_factory=list)


# -- what a command imports -----------------------------------------------------------------


def _is_type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")


def _import_nodes(body: list[ast.stmt], package: str) -> list[ast.stmt]:
    """Import statements of ``body`` and of the bodies of its functions, made absolute."""
    found = []
    for node in body:
        if isinstance(node, ast.FunctionDef):
            found += _import_nodes(node.body, package)
        elif isinstance(node, ast.Import):
            found.append(node)
        elif isinstance(node, ast.ImportFrom) and node.module != "__future__":
            module = node.module or ""
            if node.level:
                module = importlib.util.resolve_name("." * node.level + module, package)
            found.append(ast.ImportFrom(module=module, names=node.names, level=0))
    return found


def command_imports(module_name: str) -> list[str]:
    """The import statements a command's code runs whatever its options (those at its top
    and directly in its functions' bodies; not those under a condition such as --roster)."""
    path = ROOT / "surgeplan" / "commands" / f"{module_name}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    body = [node for node in tree.body if not _is_type_checking(node)]
    statements = [ast.unparse(node) for node in _import_nodes(body, "surgeplan.commands")]
    return list(dict.fromkeys(statements))


def commands() -> list[tuple[str, str]]:
    """(command name, module name) of every registered command, in ``--help`` order."""
    from surgeplan.commands import COMMANDS

    found = []
    for module_name in COMMANDS:
        subcommands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"surgeplan.commands.{module_name}").register(subcommands)
        found += [(name, module_name) for name in subcommands.choices]
    return found


def build_cases() -> list[Case]:
    python = sys.executable
    cases = [
        Case("`python -c pass` (the interpreter alone)", [python, "-c", "pass"]),
        Case("`run_sim.py --help`", [python, "run_sim.py", "--help"]),
    ]
    for scenario in sorted((ROOT / "scenarios").glob("*.yaml")):
        where = scenario.relative_to(ROOT).as_posix()
        cases.append(
            Case(f"`run_sim.py validate {where}`", [python, "run_sim.py", "validate", where])
        )
    for name, module_name in commands():
        code = _IMPORTS_CHILD.format(imports="\n".join(command_imports(module_name)))
        cases.append(Case(f"imports of `{name}`", [python, "-c", code], imports=True))
    return cases


def loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    """The packages of ``packages`` found in ``modules`` (a package or any module inside it)."""
    return [p for p in packages if any(m == p or m.startswith(p + ".") for m in modules)]


# -- measuring --------------------------------------------------------------------------------


def measure(cases: list[Case], repeats: int, log=print) -> None:
    """Run every case ``repeats`` times, interleaved, each run a fresh process."""
    for repeat in range(repeats):
        for case in cases:
            started = time.perf_counter()
            proc = subprocess.run(case.argv, cwd=ROOT, capture_output=True, text=True)
            case.wall.append(time.perf_counter() - started)
            if proc.returncode != 0:
                raise SystemExit(f"{case.label} failed ({proc.returncode}):\n{proc.stderr}")
            if case.imports:
                report = json.loads(proc.stdout.splitlines()[-1])
                case.import_seconds.append(report["import_seconds"])
                case.heavy = loaded(report["modules"], HEAVY)
        log(f"repeat {repeat + 1}/{repeats} done")


# -- report -----------------------------------------------------------------------------------


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f})"


def render(cases: list[Case], repeats: int, total_s: float) -> str:
    from run import _git_rev, _machine, _versions

    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    dists = ("surgeplan", "numpy", "pandas", "scipy", "pydantic", "matplotlib", "pyomo")
    lines = [
        "## Start-up",
        "",
        "How long the command line takes before it starts working: `--help`, `validate` on "
        "each shipped scenario, and for each command the import of the modules its code "
        "always imports, the parser (`surgeplan.cli`) included. Imports under an option (such "
        "as `simulate --roster`'s roster reader) and those the functions it calls make later "
        "(such as scipy.stats inside `staff`'s staffing methods) are not counted. *Wall time*: "
        "a fresh process, interpreter start-up included; *imports*: the import time measured "
        "inside that process.",
        "",
        "### Reproduce",
        "",
        "```",
        COMMAND,
        "```",
        "",
        f"This run: {stamp}, {repeats} run(s) per case, interleaved, {total_s:.1f} s in total.",
        "",
        "### Machine and versions",
        "",
        *_machine(),
        f"- packages: {_versions(dists)}",
        f"- surgeplan source: git {_git_rev(('sim', 'optimize', 'surgeplan'))}",
        "",
        "### Results",
        "",
        "| what | wall time, median (min–max) | imports, median | slow imports among them |",
        "|---|---:|---:|---|",
    ]
    for case in cases:
        imports = heavy = "—"
        if case.imports:
            imports = f"{statistics.median(case.import_seconds):.2f} s"
            heavy = ", ".join(case.heavy) or "none"
        lines.append(f"| {case.label} | {_seconds(case.wall)} | {imports} | {heavy} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs per case (7; at least 5)")
    parser.add_argument(
        "--docs",
        default=str(DOCS),
        help=f"the Markdown file to add the section to (default {DOCS.relative_to(ROOT)}); "
        "'-' to only print it",
    )
    args = parser.parse_args(argv)
    if args.repeats < 5:
        parser.error("--repeats must be at least 5 for a median worth reporting")
    sys.path[:0] = [str(ROOT), str(HERE)]  # surgeplan from this checkout; run.py's helpers
    from run import with_section, write_atomic

    cases = build_cases()
    print(f"{len(cases)} cases, {args.repeats} runs each")
    started = time.perf_counter()
    measure(cases, args.repeats)
    total_s = time.perf_counter() - started
    report = render(cases, args.repeats, total_s)
    print()
    print(report)
    if args.docs != "-":
        path = Path(args.docs)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        write_atomic(path, with_section(text, SECTION, report))
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
