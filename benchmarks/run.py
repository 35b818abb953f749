"""Speed benchmark: surgeplan's simulation engine against peer simulators.

Run from the repository root::

    python benchmarks/run.py              # full run (3 repeats), writes docs/benchmarks.md
    python benchmarks/run.py --repeats 5  # more repeats
    python benchmarks/run.py --quick      # smoke run: small sizes, 1 repeat, no docs

Every single measurement runs in a fresh Python process (one engine, one
case, one repeat), one after the other, never two at a time.  Inside that
process the timed region is the whole call that produces an answer from
parameters: for surgeplan ``Scenario.from_dict`` + ``simulate`` (sampling,
simulation and the per-interval summary); for the textbook SimPy model the
sampling, the model set-up and ``env.run()``; for Ciw building the network,
``simulate_until_max_time`` and counting the records.  The wall time of the
whole process (interpreter start-up and imports included) is recorded too.

Repeats of the same case run with the same seed, so each repeat does the
same work and the spread between repeats is timing noise only.  Repeats are
interleaved across engines (engine A, B, C, then A, B, C again…) so a slow
patch of the machine does not land on one engine only.

The big day is also run as whole processes, as a user runs them: the command
``python run_sim.py simulate BIG_DAY.yaml --out DIR --seed 1 --quiet`` against
the textbook model run as a process of its own (``benchmarks/peers.py
textbook``), alternating which goes first, wall time from launch to exit.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOCS = ROOT / "docs" / "benchmarks.md"
RESULT_MARK = "BENCH_RESULT "

AHT_S = 240.0
PATIENCE_S = 180.0
INTERVAL_S = 900.0  # surgeplan reporting interval (15 min); horizons are whole intervals
SEED = 1
HORIZON_AGENTS = 10  # pool size of the horizon-length cases

ENGINE_LABEL = {
    "surgeplan": "surgeplan",
    "textbook": "textbook SimPy",
    "ciw": "Ciw",
}

# Agreement check: answered/abandoned shares of offered from different engines
# on the same parameters must be within this many percentage points
# (an absolute floor plus a relative part for the larger of the two shares).
AGREE_ABS_PP = 1.0
AGREE_REL = 0.05


# ----------------------------------------------------------------------------- worker side


def _worker(spec: dict) -> dict:
    """Run one measurement in this (fresh) process and return its numbers."""
    t_import = time.perf_counter()
    engine = spec["engine"]
    if engine == "surgeplan":
        sys.path.insert(0, str(ROOT))
        # Import cost is measured separately. sim may load its names on first use, so ask
        # for the ones the timed region uses here, and with them the engine and pandas.
        from sim import Scenario, simulate  # noqa: F401

        fn = _run_surgeplan
    elif engine == "textbook":
        import peers

        fn = peers.textbook_simpy
    elif engine == "ciw":
        import peers

        fn = peers.ciw_model
    else:
        raise SystemExit(f"unknown engine {engine!r}")
    if engine != "surgeplan":
        # Same heavy imports the peers use, outside the timed region.
        import numpy  # noqa: F401
        import simpy  # noqa: F401

        if engine == "ciw":
            import ciw  # noqa: F401
    import_s = time.perf_counter() - t_import

    kwargs = dict(
        rate_per_hour=spec["rate_per_hour"],
        agents=spec["agents"],
        aht_s=spec["aht_s"],
        patience_s=spec["patience_s"],
        horizon_s=spec["horizon_s"],
        seed=spec["seed"],
    )
    t0 = time.perf_counter()
    counts = fn(**kwargs)
    run_s = time.perf_counter() - t0

    try:
        import resource

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    except Exception:  # pragma: no cover - non-Unix
        peak_mb = float("nan")
    out = {"import_s": import_s, "run_s": run_s, "peak_rss_mb": peak_mb}
    out.update({k: (int(v) if float(v).is_integer() else float(v)) for k, v in counts.items()})
    return out


def surgeplan_scenario(
    rate_per_hour: float, agents: int, aht_s: float, patience_s: float, horizon_s: float
) -> dict:
    """The benchmark system as a surgeplan scenario (the YAML shape)."""
    start = datetime(2026, 11, 11, 0, 0)
    end = start + timedelta(seconds=horizon_s)
    return {
        "name": "bench",
        "horizon": {
            "start": start.strftime("%Y-%m-%d %H:%M"),
            "end": end.strftime("%Y-%m-%d %H:%M"),
            "interval": f"{int(INTERVAL_S // 60)}min",
        },
        "warmup": "0s",
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {"patience": {"dist": "exponential", "mean": f"{patience_s:g}s"}}},
        "inquiry_types": {
            "general": {
                "channel": "phone",
                "arrivals": {"rate_per_hour": float(rate_per_hour)},
                "handle_time": {"dist": "exponential", "mean": f"{aht_s:g}s"},
            }
        },
        "pools": {"agents": {"skills": ["general"], "agents": int(agents)}},
    }


def _run_surgeplan(rate_per_hour, agents, aht_s, patience_s, horizon_s, seed) -> dict:
    from sim import Scenario, simulate

    scenario = Scenario.from_dict(
        surgeplan_scenario(rate_per_hour, agents, aht_s, patience_s, horizon_s)
    )
    result = simulate(scenario, seed=seed)
    summary = result.summary
    return {
        "offered": float(summary["offered"]),
        "answered": float(summary["answered"]),
        "abandoned": float(summary["abandoned"]),
    }


# ----------------------------------------------------------------------------- plan


@dataclass
class Case:
    group: str  # "big", "small", "scaling" or "horizon"
    key: str
    agents: int
    rate_per_hour: float
    horizons_h: dict  # engine -> horizon in hours (engines missing here are not run)
    skipped: dict = field(default_factory=dict)  # engine -> reason

    @property
    def load_erlang(self) -> float:
        return self.rate_per_hour * AHT_S / 3600.0


def _horizon_for(target_inquiries: float, rate_per_hour: float) -> float:
    """Horizon in hours, a whole number of reporting intervals, giving about ``target``."""
    step_h = INTERVAL_S / 3600.0
    hours = target_inquiries / rate_per_hour
    return max(step_h, round(hours / step_h) * step_h)


def build_plan(quick: bool) -> list[Case]:
    cases: list[Case] = []

    # Big day: M/M/n+M, 45,000/h, AHT 240 s, patience 180 s, 2,950 agents, 22 h.
    big_h = 1.0 if quick else 22.0
    cases.append(
        Case(
            "big",
            "big",
            2950,
            45000.0,
            {"surgeplan": big_h, "textbook": big_h},
            {
                "ciw": "not run. Its cost per event grows with the number of servers (see the "
                "scaling table); at 2,950 agents a 1-million-inquiry day would take on the "
                "order of 15-20 minutes per repeat"
            },
        )
    )

    # Small day: 100 agents, offered load 0.95 x 100 Erlangs, ~50,000 inquiries.
    small_rate = 0.95 * 100 * 3600.0 / AHT_S  # 1,425/h
    small_h = _horizon_for(5_000 if quick else 50_000, small_rate)
    cases.append(
        Case(
            "small",
            "small",
            100,
            small_rate,
            {"surgeplan": small_h, "textbook": small_h, "ciw": small_h},
        )
    )

    # Scaling: cost per inquiry vs agents at offered load 0.98 x agents.
    if quick:
        sizes = [10, 100, 1000]
        targets = {"surgeplan": 20_000, "textbook": 20_000}
        ciw_targets = {10: 5_000, 100: 5_000}
    else:
        sizes = [10, 100, 1000, 2950]
        targets = {"surgeplan": 200_000, "textbook": 200_000}
        ciw_targets = {10: 200_000, 100: 100_000, 1000: 30_000}
    for n in sizes:
        rate = 0.98 * n * 3600.0 / AHT_S
        horizons = {eng: _horizon_for(t, rate) for eng, t in targets.items()}
        skipped = {}
        if n in ciw_targets:
            horizons["ciw"] = _horizon_for(ciw_targets[n], rate)
        else:
            skipped["ciw"] = (
                "not run; at this size Ciw would need minutes per repeat "
                "(its cost per inquiry grows about linearly with agents "
                "once the pool is large)"
            )
        cases.append(Case("scaling", f"scale-{n}", n, rate, horizons, skipped))

    # Horizon length: same pool and rate, longer and longer horizons.  Arrivals, events
    # and results all scale with the number of inquiries, so an engine whose cost per
    # inquiry is independent of the horizon shows a flat row here.  A small pool keeps
    # the inquiries per reporting interval low, so per-interval costs show up clearly.
    rate = 0.98 * HORIZON_AGENTS * 3600.0 / AHT_S
    for days in (2, 8) if quick else (7, 14, 28):
        cases.append(
            Case(
                "horizon",
                f"horizon-{days}d",
                HORIZON_AGENTS,
                rate,
                {"surgeplan": 24.0 * days, "textbook": 24.0 * days},
            )
        )
    return cases


# ----------------------------------------------------------------------------- parent side


def _process_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), str(HERE), env.get("PYTHONPATH", "")) if p
    )
    # Keep numeric libraries single-threaded so the engines are compared on
    # equal terms (and nothing else competes for the second core).
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def _spawn(spec: dict, timeout: float) -> dict:
    cmd = [sys.executable, str(HERE / "run.py"), "--worker", json.dumps(spec)]
    env = _process_env()
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_MARK):
            out = json.loads(line[len(RESULT_MARK) :])
            out["process_s"] = wall
            return out
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": " | ".join(tail) or f"exit code {proc.returncode}"}


def surgeplan_available() -> tuple[bool, str]:
    code = "import sim; sim.Scenario; sim.simulate"
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if proc.returncode == 0:
        return True, ""
    tail = proc.stderr.strip().splitlines()
    return False, tail[-1] if tail else f"exit code {proc.returncode}"


def _model_kwargs(case: Case, engine: str) -> dict:
    return {
        "rate_per_hour": case.rate_per_hour,
        "agents": case.agents,
        "aht_s": AHT_S,
        "patience_s": PATIENCE_S,
        "horizon_s": case.horizons_h[engine] * 3600.0,
        "seed": SEED,
    }


def _timed_process(cmd: list[str], timeout: float) -> tuple[float, str] | dict:
    """Wall time of ``cmd`` from launch to exit, and its standard output."""
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=_process_env(), capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit code {proc.returncode}"}
    return wall, proc.stdout


def _simulate_process(case: Case, timeout: float) -> dict:
    """``python run_sim.py simulate`` on the case written as a scenario file, as a user runs it."""
    import yaml

    horizon_s = case.horizons_h["surgeplan"] * 3600.0
    data = surgeplan_scenario(case.rate_per_hour, case.agents, AHT_S, PATIENCE_S, horizon_s)
    with tempfile.TemporaryDirectory(prefix="surgeplan-bench-") as tmp:
        scenario = Path(tmp) / f"{case.key}_day.yaml"
        scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        out = Path(tmp) / "out"
        cmd = [sys.executable, str(ROOT / "run_sim.py"), "simulate", str(scenario)]
        cmd += ["--out", str(out), "--seed", str(SEED), "--quiet"]
        done = _timed_process(cmd, timeout)
        if isinstance(done, dict):
            return done
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    counts = {k: summary[k] for k in ("offered", "answered", "abandoned")}
    return {"process_s": done[0], **counts}


def _textbook_process(case: Case, timeout: float) -> dict:
    """The textbook model as a process of its own: interpreter, its imports and the run."""
    cmd = [sys.executable, str(HERE / "peers.py"), "textbook"]
    done = _timed_process([*cmd, json.dumps(_model_kwargs(case, "textbook"))], timeout)
    if isinstance(done, dict):
        return done
    return {"process_s": done[0], **json.loads(done[1])}


def run_whole_processes(case: Case, repeats: int, timeout: float, log=print) -> dict:
    """Both whole processes ``repeats`` times, alternating which goes first."""
    runners = {"surgeplan": _simulate_process, "textbook": _textbook_process}
    results: dict = {eng: [] for eng in runners}
    for rep in range(repeats):
        for eng in list(runners)[:: 1 if rep % 2 == 0 else -1]:
            out = runners[eng](case, timeout)
            results[eng].append(out)
            what = "run_sim.py simulate" if eng == "surgeplan" else "textbook process"
            if "error" in out:
                log(f"  {case.key:<11} {what:<19} repeat {rep + 1}: FAILED {out['error']}")
            else:
                log(
                    f"  {case.key:<11} {what:<19} repeat {rep + 1}: "
                    f"{out['offered']:>9,} offered, whole process {out['process_s']:7.2f} s"
                )
    return results


def run_plan(
    cases: list[Case], repeats: int, engines: list[str], timeout: float, log=print
) -> dict:
    """Run every (case, engine) ``repeats`` times; returns {case.key: {engine: [runs]}}."""
    results: dict = {c.key: {} for c in cases}
    for case in cases:
        order = [e for e in ENGINE_LABEL if e in case.horizons_h and e in engines]
        for rep in range(repeats):
            for eng in order:
                out = _spawn({"engine": eng, **_model_kwargs(case, eng)}, timeout)
                results[case.key].setdefault(eng, []).append(out)
                if "error" in out:
                    log(
                        f"  {case.key:<11} {ENGINE_LABEL[eng]:<15} repeat {rep + 1}: "
                        f"FAILED {out['error']}"
                    )
                else:
                    log(
                        f"  {case.key:<11} {ENGINE_LABEL[eng]:<15} repeat {rep + 1}: "
                        f"{out['offered']:>9,} offered in {out['run_s']:7.2f} s "
                        f"({out['offered'] / out['run_s']:>10,.0f}/s; "
                        f"process {out['process_s']:.2f} s)"
                    )
    return results


# ----------------------------------------------------------------------------- statistics


@dataclass
class Stat:
    ok: bool
    error: str = ""
    offered: int = 0
    answered_pct: float = float("nan")
    abandoned_pct: float = float("nan")
    run_s: float = float("nan")  # median
    run_min: float = float("nan")
    run_max: float = float("nan")
    rate: float = float("nan")  # median inquiries per second
    us_per_inquiry: float = float("nan")
    process_s: float = float("nan")
    import_s: float = float("nan")
    peak_mb: float = float("nan")
    n: int = 0


def summarize(runs: list[dict]) -> Stat:
    good = [r for r in runs if "error" not in r]
    if not good:
        return Stat(ok=False, error=runs[0]["error"] if runs else "not run")
    first = good[0]
    offered = first["offered"]
    rates = [r["offered"] / r["run_s"] for r in good]
    times = [r["run_s"] for r in good]
    return Stat(
        ok=True,
        offered=int(offered),
        answered_pct=100.0 * first["answered"] / offered if offered else float("nan"),
        abandoned_pct=100.0 * first["abandoned"] / offered if offered else float("nan"),
        run_s=statistics.median(times),
        run_min=min(times),
        run_max=max(times),
        rate=statistics.median(rates),
        us_per_inquiry=1e6 / statistics.median(rates),
        process_s=statistics.median(r["process_s"] for r in good),
        import_s=statistics.median(r["import_s"] for r in good),
        peak_mb=max(r["peak_rss_mb"] for r in good),
        n=len(good),
    )


@dataclass
class ProcessStat:
    ok: bool
    error: str = ""
    offered: int = 0
    answered_pct: float = float("nan")
    abandoned_pct: float = float("nan")
    process_s: float = float("nan")  # median wall time, launch to exit
    low: float = float("nan")
    high: float = float("nan")
    n: int = 0


def summarize_processes(runs: list[dict]) -> ProcessStat:
    good = [r for r in runs if "error" not in r]
    if not good:
        return ProcessStat(ok=False, error=runs[0]["error"] if runs else "not run")
    first = good[0]
    offered = first["offered"]
    walls = [r["process_s"] for r in good]
    return ProcessStat(
        ok=True,
        offered=int(offered),
        answered_pct=100.0 * first["answered"] / offered if offered else float("nan"),
        abandoned_pct=100.0 * first["abandoned"] / offered if offered else float("nan"),
        process_s=statistics.median(walls),
        low=min(walls),
        high=max(walls),
        n=len(good),
    )


def agreement(stats: dict) -> tuple[float, float, bool]:
    """Largest spread (pp) of answered and abandoned shares across engines, and verdict."""
    ok = [s for s in stats.values() if s.ok]
    if len(ok) < 2:
        return float("nan"), float("nan"), True
    ans = [s.answered_pct for s in ok]
    abn = [s.abandoned_pct for s in ok]
    d_ans = max(ans) - min(ans)
    d_abn = max(abn) - min(abn)
    ok_ans = d_ans <= AGREE_ABS_PP + AGREE_REL * max(ans)
    ok_abn = d_abn <= AGREE_ABS_PP + AGREE_REL * max(abn)
    agree = ok_ans and ok_abn
    return d_ans, d_abn, agree


# ----------------------------------------------------------------------------- report


def _fmt_rate(x: float) -> str:
    return "—" if math.isnan(x) else f"{x:,.0f}"


def _fmt(x: float, spec: str = ".2f") -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _day_table(case: Case, stats: dict) -> list[str]:
    tb = stats.get("textbook")
    lines = [
        "| engine | offered | answered | abandoned | run time, median (min–max) | "
        "inquiries/s | whole process | speed vs textbook SimPy |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for eng, label in ENGINE_LABEL.items():
        if eng in case.skipped:
            lines.append(f"| {label} | — | — | — | not run (see below) | — | — | — |")
            continue
        s = stats.get(eng)
        if s is None:
            continue
        if not s.ok:
            lines.append(f"| {label} | — | — | — | failed: {s.error} | — | — | — |")
            continue
        ratio = f"{s.rate / tb.rate:.1f}×" if tb is not None and tb.ok else "—"
        lines.append(
            f"| {label} | {s.offered:,} | {s.answered_pct:.2f} % | {s.abandoned_pct:.2f} % | "
            f"{s.run_s:.2f} s ({s.run_min:.2f}–{s.run_max:.2f}) | {_fmt_rate(s.rate)} | "
            f"{s.process_s:.2f} s | {ratio} |"
        )
    for eng, why in case.skipped.items():
        lines.append("")
        lines.append(f"{ENGINE_LABEL[eng]}: {why}.")
    d_ans, d_abn, agree = agreement(stats)
    if not math.isnan(d_ans):
        lines.append("")
        lines.append(
            f"Agreement: answered shares differ by at most {d_ans:.2f} pp and abandoned shares "
            f"by at most {d_abn:.2f} pp across engines — "
            + ("**consistent**." if agree else "**MISMATCH**, check the models.")
        )
    return lines


# The target for the whole ``run_sim.py simulate`` process on the big day.
WHOLE_PROCESS_TARGET = 15.0


def _whole_process_section(case: Case, whole: dict, timed: Stat | None) -> list[str]:
    sp, tb = whole["surgeplan"], whole["textbook"]
    hours = case.horizons_h["surgeplan"]
    lines = [
        "",
        "### Whole process: `run_sim.py simulate` against the textbook model's process",
        "",
        f"Each repeat runs the big day ({hours:g} h) as two processes, alternating which goes "
        "first, timed from launch to exit: `python run_sim.py simulate big_day.yaml --out DIR "
        "--seed 1 --quiet` (the big day written as a scenario file: interpreter start-up, "
        "imports, reading and validating the scenario, the simulation, the interval tables "
        "and the four output files) and the textbook model as a process of its own "
        "(`python benchmarks/peers.py textbook '{...}'`: interpreter start-up, numpy and "
        "simpy, sampling and `env.run()`).",
        "",
        "| process | offered | answered | abandoned | wall time, median (min–max) | "
        "speed vs textbook process |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, st in (("`run_sim.py simulate`", sp), ("textbook SimPy model", tb)):
        if not st.ok:
            lines.append(f"| {label} | — | — | — | failed: {st.error} | — |")
            continue
        ratio = f"{tb.process_s / st.process_s:.1f}×" if tb.ok else "—"
        lines.append(
            f"| {label} | {st.offered:,} | {st.answered_pct:.2f} % | {st.abandoned_pct:.2f} % | "
            f"{st.process_s:.2f} s ({st.low:.2f}–{st.high:.2f}) | {ratio} |"
        )
    if not (sp.ok and tb.ok):
        return lines
    d_ans, d_abn, agree = agreement({"surgeplan": sp, "textbook": tb})
    lines += [
        "",
        f"Agreement: answered shares differ by {d_ans:.2f} pp, abandoned shares by "
        f"{d_abn:.2f} pp — " + ("**consistent**." if agree else "**MISMATCH**, check the models."),
    ]
    if timed is not None and timed.ok:
        lines += [
            "",
            f"Of the `run_sim.py simulate` process's {sp.process_s:.2f} s, about "
            f"{timed.run_s:.2f} s is the simulation itself (surgeplan's timed region above, "
            f"median); the other {max(sp.process_s - timed.run_s, 0.0):.2f} s are interpreter "
            "start-up, imports, and writing the tables and files.",
        ]
    ratio = tb.process_s / sp.process_s
    verdict = "met" if ratio >= WHOLE_PROCESS_TARGET else "NOT met"
    lines += [
        "",
        f"**Whole process, textbook SimPy / `run_sim.py simulate` on the big day: "
        f"{ratio:.1f}×** (target ≥ {WHOLE_PROCESS_TARGET:g}×: {verdict}).",
        "",
        "Reproduce this comparison alone (printed, this file untouched): "
        "`python benchmarks/run.py --only big --docs -`.",
    ]
    return lines


def _stat_cell(s, what: str) -> str:
    """One table cell of a measured statistic: µs/inquiry, offered count or abandoned %."""
    if s is None:
        return "—"
    if not s.ok:
        return "failed"
    if what == "us":
        return f"{s.us_per_inquiry:,.1f}"
    if what == "n":
        return f"{s.offered:,}"
    return f"{s.abandoned_pct:.2f} %"


def _speed_ratio(surgeplan, textbook) -> str:
    """Textbook cost over surgeplan cost per inquiry, or a dash where either is missing."""
    if surgeplan is None or textbook is None or not (surgeplan.ok and textbook.ok):
        return "—"
    return f"{textbook.us_per_inquiry / surgeplan.us_per_inquiry:.1f}×"


def _scaling_table(cases: list[Case], stats: dict) -> list[str]:
    lines = [
        "| agents | offered load | horizon (sp, tb) | surgeplan µs/inquiry | "
        "textbook SimPy µs/inquiry | Ciw µs/inquiry | textbook / surgeplan | "
        "inquiries (sp / tb / Ciw) | abandoned (sp / tb / Ciw) | agree |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for case in cases:
        st = stats[case.key]

        def cell(eng, what, st=st, case=case):
            if eng in case.skipped or st.get(eng) is None:
                return "skipped" if what == "us" else "—"
            return _stat_cell(st[eng], what)

        sp, tb = st.get("surgeplan"), st.get("textbook")
        ratio = _speed_ratio(sp, tb)
        _, _, agree = agreement(st)
        lines.append(
            f"| {case.agents:,} | {case.load_erlang:,.1f} Erl | {_horizon_txt(case)} | "
            f"{cell('surgeplan', 'us')} | "
            f"{cell('textbook', 'us')} | {cell('ciw', 'us')} | {ratio} | "
            f"{cell('surgeplan', 'n')} / {cell('textbook', 'n')} / {cell('ciw', 'n')} | "
            f"{cell('surgeplan', 'a')} / {cell('textbook', 'a')} / {cell('ciw', 'a')} | "
            f"{'yes' if agree else '**no**'} |"
        )
    notes = sorted(
        {f"Ciw at {c.agents:,} agents: {c.skipped['ciw']}." for c in cases if "ciw" in c.skipped}
    )
    if notes:
        lines.append("")
        lines.extend(f"- {n}" for n in notes)
    return lines


def _horizon_txt(case: Case) -> str:
    h = case.horizons_h.get("surgeplan", case.horizons_h.get("textbook"))
    if h is None:
        return "—"
    return f"{h:,.0f} h ({round(h * 3600 / INTERVAL_S):,} intervals)"


def _horizon_table(cases: list[Case], stats: dict) -> list[str]:
    lines = [
        "| horizon | intervals | inquiries (sp / tb) | surgeplan µs/inquiry | "
        "textbook SimPy µs/inquiry | textbook / surgeplan | abandoned (sp / tb) | agree |",
        "|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for case in cases:
        st = stats[case.key]
        sp, tb = st.get("surgeplan"), st.get("textbook")
        h = case.horizons_h.get("surgeplan", case.horizons_h.get("textbook"))

        f = _stat_cell
        ratio = _speed_ratio(sp, tb)
        _, _, agree = agreement(st)
        lines.append(
            f"| {h / 24:g} d | {round(h * 3600 / INTERVAL_S):,} | {f(sp, 'n')} / {f(tb, 'n')} | "
            f"{f(sp, 'us')} | {f(tb, 'us')} | {ratio} | {f(sp, 'a')} / {f(tb, 'a')} | "
            f"{'yes' if agree else '**no**'} |"
        )
    return lines


def _horizon_interpretation(cases: list[Case], stats: dict) -> list[str]:
    out = []
    for eng, label in ENGINE_LABEL.items():
        pts = [
            (c.horizons_h[eng] * 3600.0 / INTERVAL_S, stats[c.key][eng])
            for c in cases
            if eng in stats[c.key] and stats[c.key][eng].ok
        ]
        if len(pts) < 2:
            continue
        # Growth of the total run time with the horizon: 1 = linear (constant cost per
        # inquiry, as arrivals grow in proportion to the horizon), 2 = quadratic.
        b = _growth_exponent([(k, st.run_s) for k, st in pts])
        (k0, s0), (k1, s1) = pts[0], pts[-1]
        if b < 0.9:
            verdict = (
                "total run time grows no faster than the horizon (fixed start-up costs "
                "are spread over more inquiries), so longer horizons cost nothing extra "
                "per inquiry"
            )
        elif b <= 1.15:
            verdict = (
                "total run time grows in proportion to the horizon, so the cost per "
                "inquiry does not depend on the horizon length"
            )
        elif b <= 1.5:
            verdict = "total run time grows somewhat faster than the horizon"
        else:
            verdict = (
                "total run time grows much faster than the horizon (a slope of 2 would "
                "be quadratic): the signature of work repeated every reporting interval "
                "over data that spans the whole horizon"
            )
        out.append(
            f"**{label}**: {s0.us_per_inquiry:,.1f} µs per inquiry over {k0:,.0f} intervals, "
            f"{s1.us_per_inquiry:,.1f} µs over {k1:,.0f} intervals "
            f"(×{s1.us_per_inquiry / s0.us_per_inquiry:.2f}); log-log slope of total run "
            f"time against the number of intervals {b:.2f} — {verdict}."
        )
    return out


def _growth_exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(cost) on log(agents)."""
    if len(points) < 2:
        return float("nan")
    xs = [math.log(a) for a, _ in points]
    ys = [math.log(c) for _, c in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return float("nan")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


MECHANISM = {
    "textbook": (
        "Each caller is a generator process that creates a fixed handful of events "
        "(process start, resource request, patience timeout, the condition joining them, "
        "service timeout, release), so the work per inquiry is nearly constant; what grows "
        "with the system is the event heap (one pending timeout per caller in the system) "
        "and SimPy's list-based request queue, from which every abandoning caller's request "
        "is removed by a linear search."
    ),
    "ciw": (
        "Ciw recomputes the next event of a node by scanning every server "
        "(`Node.update_next_end_service_with_server`) and every individual present "
        "(`Node.update_next_renege_time`) after each event: a term linear in the number of "
        "agents that is small next to the fixed per-event cost in a small pool and "
        "dominates in a large one."
    ),
}


def _shape(b: float, ratio: float) -> str:
    if b < -0.1:
        return "falling as the pool grows"
    if b < 0.1:
        return "flat" if abs(ratio - 1) <= 0.25 else "nearly flat"
    if b < 0.35:
        return "growing slowly, far below proportional to the number of agents"
    if b < 0.7:
        return "growing clearly, but less than in proportion to the number of agents"
    return "growing roughly in proportion to the number of agents"


def _interpretation(cases: list[Case], stats: dict) -> list[str]:
    out = []
    for eng, label in ENGINE_LABEL.items():
        rows = [c for c in cases if eng in stats[c.key] and stats[c.key][eng].ok]
        pts = [(c.agents, stats[c.key][eng].us_per_inquiry) for c in rows]
        if len(pts) < 2:
            continue
        values = ", ".join(f"{cost:,.1f}" for _, cost in pts)
        sizes = ", ".join(f"{a:,}" for a, _ in pts)
        text = f"**{label}**: {values} µs per inquiry at {sizes} agents."
        first_step = pts[0][1] / pts[1][1]
        if len(pts) >= 3 and (first_step > 2 or first_step < 0.5):
            rest = pts[1:]
            b = _growth_exponent(rest)
            text += (
                f" From {rest[0][0]:,} to {rest[-1][0]:,} agents the cost is "
                f"{_shape(b, rest[-1][1] / rest[0][1])} (log-log slope {b:.2f}); the "
                f"{pts[0][0]:,}-agent row is out of line at ×{first_step:.1f} the "
                f"{rest[0][0]:,}-agent one."
            )
            longest = max(cases, key=lambda c: c.horizons_h.get(eng, 0.0))
            if longest is rows[0]:
                k = round(longest.horizons_h[eng] * 3600.0 / INTERVAL_S)
                text += (
                    f" That row also has by far the longest horizon ({k:,} intervals, to "
                    "reach the same number of inquiries with a small pool); the "
                    "horizon-length table below separates the two effects."
                )
        else:
            b = _growth_exponent(pts)
            ratio = pts[-1][1] / pts[0][1]
            text += (
                f" Overall {_shape(b, ratio)} (×{ratio:.2f} for "
                f"×{pts[-1][0] / pts[0][0]:,.0f} agents; log-log slope {b:.2f})."
            )
        if eng in MECHANISM:
            text += " " + MECHANISM[eng]
        out.append(text)
    return out


def _machine() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        usable = os.cpu_count()
    return [
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.release()} {platform.machine()}",
        f"- `platform.processor()`: `{platform.processor() or '(empty)'}`"
        + (f"; CPU model: {cpu}" if cpu else ""),
        f"- cores (nproc): {usable} usable, {os.cpu_count()} present",
    ]


def engine_fingerprint() -> str:
    """Short hash of the engine's source (``sim/*.py``), to tell engine versions apart."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted((ROOT / "sim").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _git_rev(paths: tuple[str, ...] = ("sim",)) -> str:
    """Short commit of the checkout, noting uncommitted changes under ``paths``."""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return ""
    if proc.returncode != 0:
        return ""
    rev = proc.stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", *paths], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    where = " or ".join(f"{path}/" for path in paths)
    return f"{rev} + uncommitted changes in {where}" if dirty else rev


def _versions(
    dists: tuple[str, ...] = ("surgeplan", "simpy", "ciw", "numpy", "pandas", "pydantic"),
) -> str:
    from importlib import metadata

    parts = []
    for dist in dists:
        try:
            parts.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            if dist == "surgeplan":
                parts.append("surgeplan (source tree, not installed)")
            else:
                parts.append(f"{dist} (not installed)")
    return ", ".join(parts)


def render(
    cases: list[Case],
    stats: dict,
    args,
    total_s: float,
    sp_note: str,
    fingerprints: tuple[str, str] = ("", ""),
    whole: dict | None = None,
) -> str:
    by_group = {
        g: [c for c in cases if c.group == g] for g in ("big", "small", "scaling", "horizon")
    }
    cmd = "python benchmarks/run.py" + ("" if args.repeats == 3 else f" --repeats {args.repeats}")
    if args.quick:
        cmd += " --quick"
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = ["# Benchmarks", ""]
    L += [
        "How fast surgeplan's simulation engine (`sim.simulate`) runs an M/M/n+M call-centre "
        "day, against two peers simulating the same system in the same session: the textbook "
        "SimPy model (one process per caller, `simpy.Resource`, request raced against a "
        "patience timeout; `benchmarks/peers.py`) and Ciw (`reneging_time_distributions`).",
        "",
        "## Reproduce",
        "",
        "From the repository root:",
        "",
        "```",
        cmd,
        "```",
        "",
        f"This run: {stamp}, {args.repeats} repeat(s) per engine and case, "
        f"{total_s / 60:.1f} minutes in total.",
        "",
        "## Machine and versions",
        "",
        *_machine(),
        f"- packages: {_versions()}",
        f"- surgeplan source: git {_git_rev() or '(no commit yet)'}, `sim/*.py` sha256 "
        f"`{fingerprints[0]}`",
        "",
        "## Method",
        "",
        "- System: Poisson arrivals, one FCFS pool of identical agents, exponential handle "
        f"time (mean {AHT_S:g} s), exponential patience (mean {PATIENCE_S:g} s); callers who "
        "are not answered before their patience runs out abandon.",
        "- Each measurement is a fresh Python process running one engine once; measurements "
        "run one at a time, repeats interleaved across engines, same seed on every repeat.",
        "- Timed region: everything that turns parameters into counts — surgeplan "
        "`Scenario.from_dict` + `simulate` + reading `result.summary` (sampling and the "
        "per-interval tables included); textbook SimPy sampling with "
        "numpy, model set-up and `env.run()`; Ciw `create_network`, `Simulation`, "
        "`simulate_until_max_time` and record counting. *Whole process* is the wall time of "
        "the worker process including interpreter start-up and imports.",
        "- inquiries/s = offered inquiries / timed seconds, median over repeats; "
        "µs/inquiry is its inverse.",
        "- The big day is also measured as whole processes, the way a user runs it: "
        "`python run_sim.py simulate` on the scenario file against the textbook model as a "
        "process of its own, interleaved (see below).",
        "- Arrivals stop at the end of the horizon. surgeplan and the textbook model follow "
        "callers still present until they leave; Ciw stops the clock at the horizon, so its "
        "callers in service then count as answered and the (few) still waiting count as "
        "neither.",
        f"- Agreement check: answered and abandoned shares of offered must agree across "
        f"engines within {AGREE_ABS_PP:g} percentage point + {AGREE_REL:.0%} of the share.",
    ]
    if fingerprints[0] != fingerprints[1]:
        L += [
            "",
            f"**Warning: the engine source changed during this run** (`sim/*.py` sha256 "
            f"`{fingerprints[0]}` at the start, `{fingerprints[1]}` at the end); "
            "the surgeplan rows mix two versions. Run again.",
        ]
    if sp_note:
        L += [
            "",
            f"**surgeplan's engine was not available for this run** ({sp_note}); "
            "only the peers were measured.",
        ]

    for g, title, blurb in (
        (
            "big",
            "Big day",
            "2,950 agents, 45,000 inquiries/h (3,000 Erlangs offered, "
            "slightly overloaded), {h:g} h horizon.",
        ),
        (
            "small",
            "Small day",
            "100 agents, 1,425 inquiries/h (95 Erlangs, 0.95 per agent), {h:g} h horizon.",
        ),
    ):
        for case in by_group[g]:
            h = next(iter(case.horizons_h.values()))
            L += ["", f"## {title}", "", blurb.format(h=h), ""]
            L += _day_table(case, stats[case.key])
            sp, tb = stats[case.key].get("surgeplan"), stats[case.key].get("textbook")
            if g == "big" and sp is not None and tb is not None and sp.ok and tb.ok:
                ratio = sp.rate / tb.rate
                L += [
                    "",
                    f"**surgeplan / textbook SimPy on the big day: {ratio:.1f}×** "
                    f"(target ≥ 10×: {'met' if ratio >= 10 else 'NOT met'}).",
                ]
            if g == "big" and whole is not None:
                L += _whole_process_section(case, whole, sp)
    if by_group["scaling"]:
        L += [
            "",
            "## Scaling with the number of agents",
            "",
            "Offered load 0.98 Erlang per agent, patience 180 s. Cost per inquiry = "
            "timed seconds / offered inquiries (median over repeats). The horizon of each "
            "row is chosen to give the stated number of inquiries (so smaller pools get longer "
            "horizons); Ciw gets fewer inquiries where it is slow.",
            "",
        ]
        L += _scaling_table(by_group["scaling"], stats)
        interp = _interpretation(by_group["scaling"], stats)
        if interp:
            L += ["", "### How cost grows with agents", ""]
            for para in interp:
                L += [para, ""]
            L.pop()
    if by_group["horizon"]:
        L += [
            "",
            "## Horizon length",
            "",
            f"{HORIZON_AGENTS} agents, {0.98 * HORIZON_AGENTS * 3600 / AHT_S:,.0f} "
            "inquiries/h (0.98 Erlang per agent), patience 180 s, 15-minute reporting "
            "intervals; only the length of the horizon changes, so the number of inquiries "
            "grows in proportion to it.",
            "",
        ]
        L += _horizon_table(by_group["horizon"], stats)
        interp = _horizon_interpretation(by_group["horizon"], stats)
        if interp:
            L += [""]
            for para in interp:
                L += [para, ""]
            L.pop()
    return "\n".join(L) + "\n"


# Sections other benchmark scripts own in docs/benchmarks.md, kept when this one rewrites it.
_SECTION = re.compile(r"<!-- ([\w.-]+): begin -->\n.*?<!-- \1: end -->\n", re.S)


def kept_sections(path: Path) -> str:
    """The marked sections of ``path`` (empty if it does not exist), in their order."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    return "".join("\n" + match.group(0) for match in _SECTION.finditer(text))


def with_section(text: str, key: str, body: str) -> str:
    """``text`` with the section marked ``key`` replaced by ``body`` (appended if absent)."""
    section = f"<!-- {key}: begin -->\n{body.rstrip()}\n<!-- {key}: end -->\n"
    for match in _SECTION.finditer(text):
        if match.group(1) == key:
            return text[: match.start()] + section + text[match.end() :]
    return text.rstrip("\n") + "\n\n" + section


def publish(body: str, docs: str, key: str) -> None:
    """Print ``body`` (``docs`` is ``-``) or put it in the file ``docs`` as section ``key``."""
    if docs == "-":
        print(body)
        return
    path = Path(docs)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    write_atomic(path, with_section(text, key, body))
    print(f"wrote {path}")


# Runs a command and reports its peak resident memory: a process's RUSAGE_CHILDREN holds the
# largest of its children only, so each measured run gets a parent of its own.
_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run ``command`` (from the repository root): the finished process (its ``stderr``
    without the measurement line), its wall time in seconds and its peak memory in MB."""
    started = time.perf_counter()
    process = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    lines = process.stderr.splitlines()
    peak = [line for line in lines if line.startswith("PEAK_KB")]
    process.stderr = "\n".join(line for line in lines if not line.startswith("PEAK_KB"))
    peak_mb = int(peak[-1].split()[1]) / 1024 if peak else float("nan")
    return process, wall, peak_mb


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ----------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="repeats per engine and case (3)")
    p.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: small sizes, 1 repeat unless --repeats, no docs unless --docs",
    )
    p.add_argument(
        "--only",
        choices=["big", "small", "scaling", "horizon"],
        action="append",
        help="run only these groups (repeatable)",
    )
    p.add_argument(
        "--engines",
        default="surgeplan,textbook,ciw",
        help="comma-separated subset of surgeplan,textbook,ciw",
    )
    p.add_argument(
        "--docs",
        default=None,
        help=f"where to write the report (default {DOCS.relative_to(ROOT)} on a full "
        "run, nowhere on --quick or --only); '-' to skip",
    )
    p.add_argument("--json", default=None, help="also save raw per-run results here")
    p.add_argument("--timeout", type=float, default=1200.0, help="seconds per measurement")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        out = _worker(json.loads(args.worker))
        print(RESULT_MARK + json.dumps(out), flush=True)
        return 0

    if args.quick and "--repeats" not in " ".join(argv if argv is not None else sys.argv):
        args.repeats = 1
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    bad = set(engines) - set(ENGINE_LABEL)
    if bad:
        p.error(f"unknown engine(s): {', '.join(sorted(bad))}")

    sp_ok, sp_why = surgeplan_available()
    sp_note = ""
    if "surgeplan" in engines and not sp_ok:
        sp_note = f"`import sim; sim.simulate` failed: {sp_why}"
        print(f"surgeplan engine not available ({sp_why}); measuring the peers only.")
        engines.remove("surgeplan")

    cases = build_plan(args.quick)
    if args.only:
        cases = [c for c in cases if c.group in args.only]

    print(f"{len(cases)} case(s), {args.repeats} repeat(s), engines: {', '.join(engines)}")
    fp_start = engine_fingerprint()
    t0 = time.perf_counter()
    raw = run_plan(cases, args.repeats, engines, args.timeout)
    big = [c for c in cases if c.group == "big"]
    whole_raw = None
    if big and {"surgeplan", "textbook"} <= set(engines):
        whole_raw = run_whole_processes(big[0], args.repeats, args.timeout)
    total_s = time.perf_counter() - t0
    fp_end = engine_fingerprint()
    if fp_start != fp_end:
        print("WARNING: sim/*.py changed during the run; the surgeplan rows mix versions.")
    stats = {key: {eng: summarize(runs) for eng, runs in per.items()} for key, per in raw.items()}
    whole = None
    if whole_raw is not None:
        whole = {eng: summarize_processes(runs) for eng, runs in whole_raw.items()}
    report = render(cases, stats, args, total_s, sp_note, (fp_start, fp_end), whole)
    print()
    print(report)

    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "raw": raw,
                    "whole_process": whole_raw,
                    "plan": [c.__dict__ for c in cases],
                    "repeats": args.repeats,
                },
                indent=1,
            )
        )
    docs = args.docs
    if docs is None:
        docs = "-" if (args.quick or args.only or set(engines) != set(ENGINE_LABEL)) else str(DOCS)
    if docs != "-":
        write_atomic(Path(docs), report + kept_sections(Path(docs)))
        print(f"wrote {docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
