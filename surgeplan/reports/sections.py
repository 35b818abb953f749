"""What the report says, section by section, from what the run directory holds."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sim.metrics import point_value

from . import plan_figures as plans
from . import queue_figures as queues
from .page import Section, figure_block, image_block, table_block, text_block
from .run_files import RunFiles

__all__ = ["build_sections"]


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def _mood(value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    return "good" if value >= target - 1e-12 else "bad"


def glance_section(files: RunFiles) -> Section:
    """The scenario and the run's headline numbers."""
    glance = files.glance
    summary = files.json.get("summary", {})
    section = Section("glance", "At a glance", glance.get("description", ""))
    level = glance.get("service_level", {})
    target = level.get("target", summary.get("service_level_target"))
    if glance:
        section.tile(f"{glance['expected_inquiries']:,.0f}", "inquiries expected (forecast)")
    if summary:
        sl = point_value(summary.get("service_level"))
        within = level.get("answer_within_seconds", summary.get("answer_within_seconds"))
        section.tile(
            _share(sl),
            f"service level over the run (target {target:.0%} in {within:g} s)",
            _mood(sl, target),
        )
        meeting = point_value(summary.get("intervals_meeting_target"))
        goal = summary.get("plan", {}).get("goal_intervals_meeting", level.get("intervals_meeting"))
        section.tile(_share(meeting), "intervals meeting the target", _mood(meeting, goal))
        section.tile(_share(point_value(summary.get("abandon_rate"))), "abandoned")
        asa = point_value(summary.get("asa_seconds"))
        section.tile("–" if asa is None else f"{asa:.0f} s", "average speed of answer")
        containment = point_value(summary.get("containment_rate"))
        if containment is not None:
            section.tile(_share(containment), "bot containment")
        complaints = summary.get("complaints")
        if complaints and point_value(complaints.get("closed_within_72h")) is not None:
            closed = point_value(complaints["closed_within_72h"])
            section.tile(
                _share(closed),
                "complaints closed within 72 h",
                _mood(closed, complaints.get("closed_within_72h_target")),
            )
    needs = files.table("requirements")
    if files.command == "staff" and needs is not None and "agents" in needs:
        main = needs[needs["method"] == needs["method"].iloc[0]] if "method" in needs else needs
        hours = main["agents"].sum() * (glance.get("interval_minutes") or 15) / 60
        section.tile(f"{hours:,.0f}", "agent-hours required (available to answer)")
        section.tile(f"{main.groupby('interval_start')['agents'].sum().max():,}", "peak agents")
    solve, audit = files.json.get("solve"), files.record.get("audit")
    if solve:
        section.tile(f"{solve.get('agents_rostered', 0):,}", "agents rostered")
        section.tile(f"{solve.get('shifts', 0):,}", "shifts")
        rounds = files.table("rounds")
        if rounds is not None and rounds["kept"].any():
            cost = rounds.loc[rounds["kept"], "cost"].iloc[0]
            section.tile(f"{cost:,.0f}", "roster cost (pay, overtime, temps, outsourcing)")
    if audit is not None:
        count = audit["violations"]
        section.tile(
            "none" if count == 0 else f"{count:,}",
            "labour-rule violations (independent audit)",
            "good" if count == 0 else "bad",
        )
    if glance:
        section.blocks.append(table_block(_facts(glance), "The scenario", header=False))
        types = pd.DataFrame(glance.get("inquiry_types", []))
        if not types.empty:
            types = types.rename(
                columns={
                    "name": "inquiry type",
                    "expected": "expected inquiries",
                    "peak_per_hour": "peak per hour",
                }
            )
            for column in ("expected inquiries", "peak per hour"):
                types[column] = types[column].map("{:,.0f}".format)
            section.blocks.append(table_block(types, "Inquiries"))
        pools = pd.DataFrame(glance.get("pools", []))
        if not pools.empty:
            pools["serves"] = pools["serves"].map(", ".join)
            pools = pools.rename(columns={"name": "pool", "agents": "agents in the scenario file"})
            section.blocks.append(table_block(pools, "Pools"))
    else:
        section.blocks.append(
            text_block(
                "This directory has no run.json, so the scenario is not described here; "
                "figures use the tables as they are."
            )
        )
    return section


def _facts(glance: dict[str, Any]) -> pd.DataFrame:
    level = glance["service_level"]
    rows = [
        ("period", f"{glance['start']} to {glance['end']} ({glance['time_zone']})"),
        (
            "intervals",
            f"{glance['interval_minutes']:g} min, warm-up {glance['warmup_minutes']:g} min",
        ),
        (
            "service-level target",
            f"{level['target']:.0%} answered within {level['answer_within_seconds']:g} s, in "
            f"{level['intervals_meeting']:.0%} of intervals",
        ),
    ]
    rows += [(f"channel {c['name']}", f"{c['kind']}: {c['detail']}") for c in glance["channels"]]
    for bot in glance.get("bots", []):
        rows.append(
            (
                f"bot {bot['name']}",
                f"serves {', '.join(bot['serves'])}: resolves {bot['resolved']:.0%}, "
                f"escalates {bot['escalated']:.0%}, bounces {bot['bounced']:.0%}",
            )
        )
    if glance.get("complaints_pool"):
        deadlines = "; ".join(
            f"{d['level']} ({d['share']:.0%}): respond {d['response']}, resolve {d['resolution']}"
            for d in glance.get("complaint_deadlines", [])
        )
        rows.append(("complaints", f"desk {glance['complaints_pool']}; {deadlines}"))
    for incident in glance.get("incidents", []):
        rows.append(
            (
                f"incident: {incident['label']}",
                f"{incident['kind']}, {incident['start']} to {incident['end']}",
            )
        )
    return pd.DataFrame(rows, columns=["", "scenario"])


# Sections made of figures: id, title, lead, then each figure's name, drawing function and
# alternative text. A section whose figures all find nothing to draw is left out.
FIGURE_SECTIONS = [
    (
        "load",
        "Arrivals and agents",
        "Inquiries arriving per hour, and for each pool the agents staffed against the work "
        "(busy agents: occupancy × agents; a chat agent's slots count as one agent). "
        "Shaded: incidents.",
        [
            ("arrivals", queues.arrivals_figure, "Arrivals per hour by channel and bot over time"),
            ("load", queues.load_figure, "Agents staffed, required and busy per pool over time"),
        ],
    ),
    (
        "service",
        "Service per interval",
        "Live queues (phone and chat): the share answered within the target time, the "
        "average speed of answer and the share abandoned, each interval by the inquiries "
        "arriving in it; bands are 95 % confidence intervals over the replications.",
        [
            (
                "service",
                queues.service_figure,
                "Service level, ASA and abandonment per interval with bands",
            )
        ],
    ),
    (
        "customers",
        "Customers and the bot",
        "Every customer arriving in the counted intervals ends in one of these "
        "(mean per replication).",
        [("funnel", queues.funnel_figure, "Customer funnel and bot containment over time")],
    ),
    (
        "email",
        "E-mail",
        "Messages waiting for a reply, and the oldest one's age.",
        [("email", queues.email_figure, "E-mail backlog and oldest message age")],
    ),
    (
        "complaints",
        "Complaints",
        "Each level's first-response and resolution deadlines, and how many complaints "
        "were open or overdue over time.",
        [
            (
                "complaints",
                queues.complaints_figure,
                "Complaint deadlines met by level, open and overdue",
            )
        ],
    ),
    (
        "rounds",
        "Plan rounds",
        "Each round rosters the requirements, simulates the roster and moves the "
        "requirements where intervals missed or beat the target; the kept round is the "
        "cheapest that meets the goal.",
        [("rounds", plans.rounds_figure, "Intervals at target and cost by round")],
    ),
    (
        "coverage",
        "Coverage",
        "Agents on the roster (with outsourced capacity) minus agents required, per pool and "
        "interval: blue is spare, red is short.",
        [("coverage", plans.coverage_figure, "Heatmap of rostered minus required agents")],
    ),
]


def figure_sections(files: RunFiles) -> list[Section]:
    """Arrivals and load, service per interval, customers, e-mail, complaints, and a plan's
    rounds and coverage, each with the tables that go under its figures."""
    sections = []
    for section_id, title, lead, figures in FIGURE_SECTIONS:
        section = Section(section_id, title, lead)
        for name, draw, alt in figures:
            figure = draw(files)
            if figure is not None:
                section.blocks.append(figure_block(name, figure, alt))
        if not section.blocks:
            continue
        if section_id == "service":
            worst = _worst_intervals(files)
            if worst is not None:
                section.blocks.append(
                    table_block(worst, folded="The 10 intervals with the lowest service level")
                )
        if section_id == "rounds":
            section.blocks.append(table_block(files.table("rounds"), folded="rounds.csv"))
        sections.append(section)
    return sections


def _worst_intervals(files: RunFiles) -> pd.DataFrame | None:
    table = files.table("intervals")
    if table is None or table["service_level"].notna().sum() == 0:
        return None
    worst = table.nsmallest(10, "service_level")
    columns = ["interval_start", "offered", "agents", "service_level", "asa_seconds"]
    worst = worst[columns + ["abandon_rate"]].copy()
    worst["interval_start"] = worst["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    return worst.round({"offered": 1, "service_level": 3, "asa_seconds": 1, "abandon_rate": 3})


def roster_sections(files: RunFiles) -> list[Section]:
    """A plan's roster and its labour rules."""
    sections = []
    roster = files.table("roster")
    if roster is not None and not roster.empty:
        section = Section(
            "roster",
            "Roster",
            f"{roster['agent'].nunique():,} agents, {len(roster):,} shifts: one line per agent "
            "(by pool, then first shift), each shift drawn from start to end with its break as "
            "a gap. roster.xlsx has the same per pool for printing; roster.ics puts each shift "
            "in a calendar.",
        )
        figure = plans.roster_figure(files)
        section.blocks.append(figure_block("roster", figure, "Each agent's shifts over the days"))
        section.blocks.append(
            table_block(plans.roster_days(roster), folded="Agents × days (shift hours)")
        )
        sections.append(section)
        sections.append(_labour_section(files, roster))
    return sections


def _labour_section(files: RunFiles, roster: pd.DataFrame) -> Section:
    audit = files.record.get("audit")
    limits = files.glance.get("labour_rules", [])
    measured = plans.roster_extremes(roster)
    by_rule = (audit or {}).get("by_rule", {})
    rows = [
        {
            "rule": row["rule"],
            "limit": row["limit"],
            "in this roster": measured.get(row["rule"], ""),
            "violations": by_rule.get(row["rule"], 0) if audit is not None else "not audited",
        }
        for row in limits
    ]
    section = Section("labour", "Labour rules")
    if audit is not None:
        verdict = (
            "The independent audit found no violation"
            if audit["violations"] == 0
            else f"The independent audit found {audit['violations']} violation(s)"
        )
        section.lead = (
            f"{verdict} in {audit['shifts']:,} shifts of {audit['agents']:,} agents "
            "(run_sim.py audit checks the same)."
        )
    section.blocks.append(table_block(pd.DataFrame(rows)))
    return section


def staff_sections(files: RunFiles) -> list[Section]:
    """A staff run's comparison figure (the load figure shows its requirements)."""
    png = files.images.get("requirements.png")
    if png is None or files.command != "staff":
        return []
    section = Section("requirements", "Staffing requirements", "requirements.png of the run.")
    section.blocks.append(image_block("requirements", png, "Staffing requirements per pool"))
    return [section]


def sweep_sections(files: RunFiles) -> list[Section]:
    """A sweep's small multiples and its summary per variant."""
    summary = files.table("summary_sweep")
    png = files.images.get("sweep.png")
    if summary is None and png is None:
        return []
    record = files.record
    lead = ""
    if record.get("varied"):
        lead = (
            f"{summary['variant'].nunique() if summary is not None else '?'} variant(s) of "
            f"{', '.join(record['varied'])}, {record.get('replications', '?')} replication(s) "
            f"each, run: {record.get('run', '?')}; bands are 95 % confidence intervals."
        )
    section = Section("sweep", "What-if sweep", lead)
    if png is not None:
        section.blocks.append(image_block("sweep", png, "Each metric against each varied value"))
    if summary is not None:
        section.blocks.append(table_block(summary, folded="summary.csv (mean and 95 % interval)"))
    return [section]


def build_sections(files: RunFiles) -> list[Section]:
    """Every section the directory has something for, in reading order."""
    sections = [glance_section(files)]
    sections += figure_sections(files)
    sections += roster_sections(files)
    sections += staff_sections(files)
    sections += sweep_sections(files)
    return sections
