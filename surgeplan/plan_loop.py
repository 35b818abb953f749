"""The plan loop: requirements → roster → simulated verification → repair.

A roster that covers Erlang-style requirements can still miss the service level once breaks,
whole shifts and the surge's dynamics meet the queue. :func:`run_plan` closes the loop:

1. staffing requirements of the scenario (``staff``, ISA by default);
2. a roster for them (:func:`optimize.roster.plan_roster`) with the scenario's ``roster:``
   section, or without one the defaults of :mod:`optimize.roster.defaults` sized from the
   requirements of the round;
3. the roster simulated (:func:`rostered_staffing`): the heads each shift puts on duty in each
   interval, less those on their rostered break, less the pool's shrinkage and absenteeism;
4. the requirements moved both ways (:mod:`surgeplan.requirement_moves`): raised where an
   interval missed the target, lowered where every inquiry type the pool serves beat it beyond
   doubt (the lower end of the 95 % confidence interval above the target); and the roster
   solved again, up to ``rounds`` times, stopping when nothing moves.

Every round's verification uses the same seed (common random numbers), so rounds are compared
on the same customers. The plan's goal is the target met in ``goal`` of the intervals with
inquiries (the scenario's ``service_level.intervals_meeting``, 1 by default: every one), every
e-mail channel's ``target`` share of replies within its deadline and complaints closed within
72 h at the service-quality target. Once a round meets it, later rounds only lower. The
plan returned is the cheapest round (roster cost) meeting the goal; when none does, the one
with the fewest intervals below target, then the cheapest; the earliest among equals. What a
later round tries can therefore never make the result worse than a round before it; a repair
round that finds no roster within the time limit ends the loop with the best round so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from optimize.roster import NoRosterFound, RosterPlan, default_roster_section, plan_roster
from optimize.roster import requirements_from_staffing as roster_requirements
from optimize.staffing import Targets, staff
from optimize.workforce import agents_from_classes
from sim import Scenario, SimulationResult, simulate
from sim.metrics import point_value
from sim.scenario.roster import RosterSection

from .requirement_moves import lower_requirements, note_floors, raise_requirements
from .roster_staffing import rostered_staffing

__all__ = [
    "ROUND_COLUMNS",
    "PlanResult",
    "deadline_goals",
    "lower_requirements",
    "raise_requirements",
    "roster_cost",
    "rostered_staffing",
    "run_plan",
]

ROUND_COLUMNS = [
    "round",
    "status",
    "cost",
    "objective",
    "gap",
    "agents_rostered",
    "shifts",
    "roster_shortfall_agent_hours",
    "intervals_with_inquiries",
    "intervals_below_target",
    "intervals_meeting_share",
    "service_level",
    "requirement_raised_agent_intervals",
    "requirement_lowered_agent_intervals",
    "email_within_deadline",
    "complaints_closed_within_72h",
    "meets_goal",
    "kept",
]


_WHOLE_NUMBERS = (
    "round",
    "agents_rostered",
    "shifts",
    "intervals_with_inquiries",
    "intervals_below_target",
    "requirement_raised_agent_intervals",
    "requirement_lowered_agent_intervals",
)


@dataclass(frozen=True)
class PlanResult:
    """The best round: its requirements, roster and verification, and every round's line."""

    requirements: pd.DataFrame  # interval_start, pool, required
    roster: RosterPlan
    section: RosterSection
    scenario: Scenario  # what was simulated: the scenario plus any cross-trained pools
    verification: SimulationResult
    rounds: pd.DataFrame  # ROUND_COLUMNS
    method: str


MONEY = ("pay", "overtime", "temporary_hires", "outsourced")


def roster_cost(costs: dict[str, float]) -> float:
    """What a roster costs in money: pay, overtime, temporary hires and outsourcing. The
    solver's objective adds penalties (shortfall, fairness) that depend on the round's
    requirements, so rounds are compared by this."""
    return float(sum(costs.get(name, 0.0) for name in MONEY))


def email_within_deadline(result: SimulationResult, scenario: Scenario) -> dict[str, float]:
    """Each e-mail channel's share of replies sent within its deadline (counted intervals,
    every replication); a channel that sent none is left out."""
    table = result.channels
    shares = {}
    for name, channel in scenario.channels.items():
        if channel.kind != "email":
            continue
        rows = table[table["channel"] == name]
        sent = rows["answered"].sum()
        if sent > 0:
            shares[name] = float((rows["answered"] * rows["answered_within_deadline"]).sum() / sent)
    return shares


def deadline_goals(result: SimulationResult, scenario: Scenario) -> tuple[dict, bool]:
    """The round's e-mail and complaint figures and whether they meet the scenario's targets:
    each e-mail channel's ``target`` share of replies within its deadline, and complaints
    closed within 72 h at the service-quality target (``closed_within_72h_target``)."""
    email = email_within_deadline(result, scenario)
    meets = all(share >= scenario.channels[name].target - 1e-12 for name, share in email.items())
    complaints = result.summary.get("complaints")
    closed = None
    if complaints:
        closed = point_value(complaints.get("closed_within_72h"))
        if closed is not None:
            meets = meets and closed >= complaints["closed_within_72h_target"] - 1e-12
    figures = {
        "email_within_deadline": min(email.values()) if email else None,
        "complaints_closed_within_72h": closed,
    }
    return figures, meets


def run_plan(
    scenario: Scenario,
    *,
    agents_for: Callable[[RosterSection], list] | None = None,
    requirements: pd.DataFrame | None = None,
    method: str = "isa",
    seed: int = 0,
    replications: int = 16,
    rounds: int = 3,
    time_limit: float = 60.0,
    gap: float = 0.01,
    goal: float | None = None,
    workers: int = 1,
    say: Callable[[str], None] = lambda text: None,
) -> PlanResult:
    """Plan ``scenario`` (module docstring). ``agents_for(section)`` gives the agents to
    roster (default: the scenario's agents file or agent classes, or without a ``roster:``
    section the default section's agent classes, named); ``requirements``
    (``interval_start, pool, required``) replaces step 1; ``goal`` (default the scenario's
    ``service_level.intervals_meeting``) is the share of intervals with inquiries that must
    meet the target."""
    goal = scenario.service_level.intervals_meeting if goal is None else goal
    if agents_for is None and scenario.roster is not None:
        # Read once, before any work: a bad agents file stops the plan here.
        from .agents_file import load_agents

        named = load_agents(scenario)

        def agents_for(section: RosterSection) -> list:
            return named

    if requirements is None:
        targets = Targets(scenario.service_level.answer_within, scenario.service_level.target)
        staffing = staff(scenario, method, targets=targets, seed=seed, workers=workers)
        requirements = roster_requirements(staffing.table)
    else:
        method = "given"
    hours = requirements["required"].sum() * scenario.horizon.interval / 3600
    say(
        f"requirements ({method}): {hours:,.0f} agent-hours; goal: the target met in "
        f"{goal:.0%} of intervals"
    )
    lines = []
    best = None
    raised = lowered = 0
    floors: dict = {}
    for k in range(rounds + 1):
        section = scenario.roster or default_roster_section(requirements, scenario.horizon)
        agents = agents_for(section) if agents_for else agents_from_classes(section)
        try:
            plan = plan_roster(
                requirements,
                agents,
                section,
                scenario.horizon,
                time_limit=time_limit,
                gap=gap,
                # The best round so far is lawful for the same agents: a round that cannot
                # share its shifts out in time adapts that one instead of finding nothing.
                start=None if best is None else best[3].roster,
            )
        except NoRosterFound:
            if best is None:
                raise  # nothing to fall back on: the first roster already found none
            # A repair round that finds no roster in time ends the loop; the best round
            # so far stands (nothing already planned is lost).
            lines.append({"round": k, "status": "no roster in time", "kept": False})
            say(f"round {k}: no roster within the time limit; keeping round {best[1]}")
            break
        simulated, heads = rostered_staffing(plan.roster, scenario)
        result = simulate(
            simulated, seed=seed, replications=replications, workers=workers, staffing=heads
        )
        table = result.intervals
        counted = table["service_level"].notna()
        below = int(
            (table.loc[counted, "service_level"] < scenario.service_level.target - 1e-12).sum()
        )
        n_counted = int(counted.sum())
        deadlines, deadlines_met = deadline_goals(result, scenario)
        meets = (n_counted == 0 or (n_counted - below) / n_counted >= goal - 1e-12) and (
            deadlines_met
        )
        cost = roster_cost(plan.costs)
        line = {
            "round": k,
            "status": "verified",
            "cost": cost,
            "objective": plan.report.objective,
            "gap": plan.report.gap,
            "agents_rostered": int(plan.roster["agent"].nunique()),
            "shifts": len(plan.roster),
            "roster_shortfall_agent_hours": float(plan.coverage["shortfall"].sum())
            * scenario.horizon.interval
            / 3600,
            "intervals_with_inquiries": n_counted,
            "intervals_below_target": below,
            "intervals_meeting_share": result.summary["intervals_meeting_target"],
            "service_level": point_value(result.summary.get("service_level")),
            "requirement_raised_agent_intervals": raised,
            "requirement_lowered_agent_intervals": lowered,
            **deadlines,
            "meets_goal": meets,
            "kept": False,
        }
        lines.append(line)
        say(
            f"round {k}: cost {cost:,.0f}, {below} of {n_counted} intervals below target"
            + (" (goal met)" if meets else "")
        )
        # Rounds meeting the goal rank by cost; the others by intervals below target, then
        # cost; the earliest among equals.
        rank = (0, 0, cost) if meets else (1, below, cost)
        if best is None or rank < best[0]:
            best = (rank, k, requirements, plan, section, simulated, result)
        if k == rounds:
            break
        note_floors(floors, requirements, result, scenario)
        # Named agents are fixed, so where they fell short already, more asked is no help;
        # default classes are sized from each round's requirements and grow with them.
        capped = plan.coverage if scenario.roster is not None else None
        if best[0][0] == 0:
            # A round meets the goal, and the kept round is the cheapest that does: asking
            # for more could only buy a dearer one. Only lowering can still pay.
            raised = 0
        else:
            requirements, raised = raise_requirements(requirements, result, scenario, capped)
        requirements, lowered = lower_requirements(
            requirements, result, scenario, plan.coverage, floors
        )
        # Once the goal is met, lowering by less than the shortest shift cannot take a
        # shift away: another round would only solve the same roster again.
        shortest = min(section.shifts.offered_lengths) / scenario.horizon.interval
        if best[0][0] == 0 and lowered < shortest:
            lowered = 0
        if raised == 0 and lowered == 0:
            if best[0][0] == 0:
                why = "the goal is met and no interval is above the target beyond doubt"
            else:
                why = "no interval is above the target beyond doubt" + (
                    ", and those below it are those the agents cannot cover more" if below else ""
                )
            say(f"round {k}: nothing to move: {why}")
            break
    _, kept, requirements, plan, section, simulated, result = best
    lines[kept]["kept"] = True
    return PlanResult(
        requirements=requirements,
        roster=plan,
        section=section,
        scenario=simulated,
        verification=result,
        rounds=pd.DataFrame(lines, columns=ROUND_COLUMNS).astype(
            {name: "Int64" for name in _WHOLE_NUMBERS}
        ),
        method=method,
    )
