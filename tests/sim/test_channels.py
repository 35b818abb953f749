"""Channels and bots against exact results: thinned Poisson streams, N × k chat servers,
Erlang B blocking of a full bot, Little's law, binomial outcome shares, an exact funnel.

Statistical comparisons widen the run's own 95 % interval over replications to 99.9 %
(fixed seeds, so the outcome is deterministic; the width comes from the run).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
from scipy import stats

from sim import Scenario, ScenarioError, simulate
from sim._contact_engine import run_contact_replication
from sim._engine import run_replication
from sim.erlang import erlang_a, erlang_b, erlang_c, erlang_c_service_level
from sim.model import SimModel

AHT = 240.0


def assert_within_ci(summary: dict, metric: str, exact: float, replications: int) -> None:
    value = summary[metric]
    mean = value["mean"]
    low, high = value["ci95"]
    scale = stats.t.ppf(0.9995, replications - 1) / stats.t.ppf(0.975, replications - 1)
    half = (high - low) / 2 * scale + 1e-9
    assert abs(mean - exact) <= half, (
        f"{metric}: simulated {mean:.5f} ± {half:.5f} (99.9 %), exact {exact:.5f}"
    )


def scenario(
    *,
    hours: float = 24,
    warmup: str = "2h",
    channels: dict | None = None,
    types: dict | None = None,
    pools: dict | None = None,
    bots: dict | None = None,
    interval: str = "1h",
) -> Scenario:
    data = {
        "name": "channels",
        "horizon": {
            "start": "2026-11-11 00:00",
            "end": f"2026-11-{11 + int(hours // 24):02d} {int(hours % 24):02d}:00",
            "interval": interval,
        },
        "warmup": warmup,
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": channels or {"phone": {}},
        "inquiry_types": types,
        "pools": pools,
    }
    if bots:
        data["bots"] = bots
    return Scenario.from_dict(data)


def phone_type(rate: float, channel: str = "phone", aht: float = AHT) -> dict:
    return {
        "channel": channel,
        "arrivals": {"rate_per_hour": rate},
        "handle_time": {"dist": "exponential", "mean": f"{aht:g}s"},
    }


# -- a bot thins a Poisson stream ---------------------------------------------------------


def test_a_bot_with_ample_capacity_leaves_a_poisson_stream_for_people():
    """Share 0.8 to the bot, half of its sessions escalated with factor 1: people see a
    Poisson stream of rate λ·(0.2 + 0.8·0.5) (independent thinning, and an infinite-server
    delay of a Poisson stream stays Poisson), so Erlang A at that rate holds."""
    rate, agents, patience = 600.0, 27, 180.0
    s = scenario(
        hours=48,
        channels={"phone": {"patience": {"dist": "exponential", "mean": f"{patience:g}s"}}},
        types={"payment": phone_type(rate)},
        pools={"agents": {"skills": ["payment"], "agents": agents}},
        bots={
            "assistant": {
                "serves": ["payment"],
                "share": 0.8,
                "session_time": {"dist": "lognormal", "mean": "90s", "cv": 1.0},
                "outcomes": {"resolved": 0.5, "escalated": 0.5, "bounced": 0.0},
            }
        },
    )
    reps = 8
    result = simulate(s, seed=21, replications=reps)
    thinned = rate * (0.2 + 0.8 * 0.5)
    exact = erlang_a(agents, thinned, AHT, patience, 20)
    summary = result.summary
    assert_within_ci(summary, "p_wait", exact.p_wait, reps)
    assert_within_ci(summary, "abandon_rate", exact.p_abandon, reps)
    assert_within_ci(summary, "service_level", exact.service_level, reps)
    assert_within_ci(summary, "asa_seconds", exact.asa_seconds, reps)
    offered = result.intervals["offered"].sum() * 3600 / (46 * 3600)
    assert offered == pytest.approx(thinned, rel=0.02)


def test_a_full_bot_turns_away_what_erlang_b_blocks():
    """A bot is an M/G/c/c loss system: the share turned away is Erlang B at its load,
    whatever the session-time law."""
    rate, capacity = 1200.0, 30
    session = 90.0
    s = scenario(
        hours=24,
        types={"payment": phone_type(rate)},
        pools={"agents": {"skills": ["payment"], "agents": 200}},
        bots={
            "assistant": {
                "serves": ["payment"],
                "capacity": capacity,
                "session_time": {"dist": "lognormal", "mean": f"{session:g}s", "cv": 1.5},
                "outcomes": {"resolved": 1.0, "escalated": 0.0, "bounced": 0.0},
            }
        },
    )
    result = simulate(s, seed=4, replications=4)
    bots = result.bots
    turned, sessions = bots["turned_away"].sum(), bots["sessions"].sum()
    blocked = turned / (turned + sessions)
    exact = erlang_b(capacity, rate * session / 3600)
    n = (turned + sessions) * 4
    assert abs(blocked - exact) < 4 * math.sqrt(exact * (1 - exact) / n) + 0.005
    # Those turned away go straight to people, as first attempts.
    assert result.intervals["first_attempts"].sum() == pytest.approx(turned, rel=1e-12)
    assert (bots["utilisation"] <= 1 + 1e-9).all()
    assert bots["utilisation"].mean() == pytest.approx(
        rate * session / 3600 * (1 - exact) / capacity, rel=0.05
    )


def test_bot_outcomes_are_within_their_binomial_bounds():
    outcomes = {"resolved": 0.6, "escalated": 0.25, "bounced": 0.15}
    s = scenario(
        hours=12,
        types={"presale": phone_type(900.0)},
        pools={"agents": {"skills": ["presale"], "agents": 40}},
        bots={
            "assistant": {
                "serves": ["presale"],
                "share": 0.9,
                "session_time": {"dist": "exponential", "mean": "60s"},
                "outcomes": outcomes,
                "bounce": {"returns": 0.5, "delay": {"dist": "exponential", "mean": "10min"}},
            }
        },
    )
    result = simulate(s, seed=8)
    bots = result.bots
    n = bots["sessions"].sum()
    for name, p in outcomes.items():
        assert abs(bots[name].sum() - n * p) <= 4 * math.sqrt(n * p * (1 - p)), name
    # The share offered to the bot, and the escalations and bounce-backs people see.
    arrived = result.summary["funnel"]["inquiries"]
    assert abs(n - 0.9 * arrived) <= 4 * math.sqrt(arrived * 0.09)
    contacts = result.intervals
    escalated = contacts["escalated"].sum()
    assert abs(escalated - n * 0.25) <= 4 * math.sqrt(n * 0.25 * 0.75) + 30  # edges of the day
    back = contacts["bounce_backs"].sum()
    assert abs(back - n * 0.15 * 0.5) <= 4 * math.sqrt(n * 0.075) + 30
    assert result.summary["containment_rate"] == pytest.approx(
        bots["resolved"].sum() / n, rel=1e-12
    )


# -- chat ---------------------------------------------------------------------------------


def chat_scenario(agents: int, slots: int, rate: float, slowdown: float = 0.0, patience=None):
    channel = {"kind": "chat", "max_concurrent": slots, "concurrency_slowdown": slowdown}
    if patience:
        channel["patience"] = {"dist": "exponential", "mean": f"{patience:g}s"}
    return scenario(
        hours=48,
        channels={"chat": channel},
        types={"presale": phone_type(rate, channel="chat")},
        pools={"agents": {"skills": ["presale"], "agents": agents}},
    )


@pytest.mark.parametrize(("agents", "slots", "rho"), [(4, 3, 0.8), (10, 3, 0.9), (20, 2, 0.85)])
def test_chat_without_slowdown_is_n_times_k_servers(agents, slots, rho):
    servers = agents * slots
    load = servers * rho
    rate = load * 3600 / AHT
    reps = 8
    result = simulate(chat_scenario(agents, slots, rate), seed=13, replications=reps)
    summary = result.summary
    assert_within_ci(summary, "p_wait", erlang_c(servers, load), reps)
    exact_sl = erlang_c_service_level(servers, load, AHT, 20)
    assert_within_ci(summary, "service_level", exact_sl, reps)
    assert_within_ci(summary, "occupancy", rho, reps)


def test_chat_with_patience_and_no_slowdown_matches_erlang_a():
    agents, slots, rate, patience = 8, 3, 400.0, 300.0
    reps = 8
    result = simulate(
        chat_scenario(agents, slots, rate, patience=patience), seed=3, replications=reps
    )
    exact = erlang_a(agents * slots, rate, AHT, patience, 20)
    assert_within_ci(result.summary, "abandon_rate", exact.p_abandon, reps)
    assert_within_ci(result.summary, "service_level", exact.service_level, reps)


def test_chat_slowdown_obeys_littles_law():
    """With a slowdown, chats in the system (sampled minute by minute) match Little's law:
    arrival rate × (mean wait + mean handle time as inflated when each chat started), and
    the inflation lies between none and the most a full agent can add."""
    agents, slots, slowdown, rate = 6, 3, 0.3, 160.0
    s = chat_scenario(agents, slots, rate, slowdown=slowdown)  # nobody abandons
    model = SimModel.from_scenario(s)
    run = run_contact_replication(model, 5, 0)
    w = model.warmup_intervals
    seconds = (model.n_intervals - w) * model.interval_seconds
    answered = run.answered[w:].sum()
    inflated = run.busy_seconds[w:].sum() / answered  # slot-time per chat
    wait = run.wait_seconds[w:].sum() / answered
    assert AHT * 1.02 < inflated < AHT * (1 + slowdown * (slots - 1))
    in_system = run.in_system[round(w * model.interval_seconds / 60) :, 0].mean()
    assert in_system == pytest.approx(run.offered[w:].sum() / seconds * (wait + inflated), rel=0.02)


def test_a_chat_goes_to_the_agent_holding_the_fewest():
    """With few chats, agents each hold one before anyone holds two: at one chat per agent or
    fewer the slowdown never applies, so handle times are not inflated."""
    s = chat_scenario(20, 3, 60.0, slowdown=1.0)
    model = SimModel.from_scenario(s)
    run = run_contact_replication(model, 2, 0)
    w = model.warmup_intervals
    per_chat = run.busy_seconds[w:].sum() / run.answered[w:].sum()
    assert per_chat == pytest.approx(AHT, rel=0.05)  # 4 Erlangs on 20 agents


# -- e-mail -------------------------------------------------------------------------------


def email_scenario(phone_rate: float, agents: int, backlog: int = 0, phone_patience=None):
    phone = {} if phone_patience is None else {"patience": phone_patience}
    return scenario(
        hours=48,
        warmup="0s",
        channels={
            "phone": phone,
            "email": {"kind": "email", "deadline": "24h", "backlog": backlog},
        },
        types={
            "payment": phone_type(phone_rate),
            "refund": {
                "channel": "email",
                "arrivals": {"rate_per_hour": 30},
                "handle_time": {"dist": "exponential", "mean": "5min"},
            },
        },
        pools={"agents": {"skills": ["payment", "refund"], "agents": agents}},
    )


def test_email_is_answered_only_when_no_call_waits():
    """Calls without patience beyond capacity: once the first calls have filled every agent
    the queue of calls never empties, so after the first minutes not one e-mail is answered;
    with calls well within capacity, mail is answered as it comes."""
    overloaded = simulate(email_scenario(phone_rate=200.0, agents=10), seed=1)
    mail = overloaded.channels[overloaded.channels["kind"] == "email"]
    assert mail["answered"].iloc[1:].sum() == 0
    assert mail["answered"].iloc[0] <= 3  # taken by agents idle at the very start
    assert mail["backlog"].iloc[-1] == mail["arrived"].sum() - mail["answered"].sum()
    relaxed = simulate(email_scenario(phone_rate=60.0, agents=10), seed=1)
    mail = relaxed.channels[relaxed.channels["kind"] == "email"]
    assert mail["answered"].sum() >= 0.95 * mail["arrived"].sum()
    assert mail["answered_within_deadline"].dropna().eq(1).all()


def test_an_email_backlog_carries_over_midnight():
    """Backlog at each interval's end = the initial backlog + mail received − mail answered
    so far; the count open at 24:00 is the count the next day starts from."""
    s = email_scenario(phone_rate=140.0, agents=10, backlog=500)
    result = simulate(s, seed=6)
    mail = result.channels[result.channels["kind"] == "email"].reset_index(drop=True)
    expected = 500 + (mail["arrived"] - mail["answered"]).cumsum()
    np.testing.assert_allclose(mail["backlog"], expected)
    midnight = mail.index[mail["interval_start"] == "2026-11-12 00:00"][0]
    assert mail["backlog"][midnight - 1] + mail["arrived"][midnight] - mail["answered"][
        midnight
    ] == pytest.approx(mail["backlog"][midnight])
    assert mail["oldest_wait_hours"].max() > 0


# -- retrials ----------------------------------------------------------------------------


def test_retrials_are_counted_apart_from_first_attempts():
    """Each abandonment comes back with probability 0.4: retrials ≈ 0.4 × abandonments."""
    patience = {"dist": "exponential", "mean": "60s"}
    retrial = {"probability": 0.4, "delay": {"dist": "exponential", "mean": "5min"}}
    s = scenario(
        hours=12,
        channels={"phone": {"patience": patience, "retrial": retrial}},
        types={"payment": phone_type(330.0)},
        pools={"agents": {"skills": ["payment"], "agents": 20}},
    )
    result = simulate(s, seed=7, replications=2)
    table = result.intervals
    first, retrials = table["first_attempts"].sum(), table["retrials"].sum()
    abandoned = table["abandoned"].sum()
    assert retrials > 0
    assert abs(retrials - 0.4 * abandoned) <= 4 * math.sqrt(abandoned * 0.24) + 10
    assert table["offered"].sum() == pytest.approx(first + retrials)
    assert table["escalated"].sum() == table["bounce_backs"].sum() == 0
    # Customers: one inquiry each, however often they call.
    assert result.summary["funnel"]["inquiries"]["mean"] == pytest.approx(first, rel=0.01)


# -- the funnel balances, the phone engine is reproduced ---------------------------------------


FUNNEL_SCENARIOS = {
    "bot, retrials, chat, e-mail": dict(
        channels={
            "phone": {
                "patience": {"dist": "exponential", "mean": "90s"},
                "retrial": {"probability": 0.5, "delay": {"dist": "exponential", "mean": "10min"}},
            },
            "chat": {"kind": "chat", "max_concurrent": 3, "concurrency_slowdown": 0.2,
                     "patience": {"dist": "exponential", "mean": "4min"}},
            "email": {"kind": "email", "deadline": "12h",
                      "backlog": {"count": 80, "received_over": "8h"}},
        },
        types={
            "payment": phone_type(400.0),
            "presale": phone_type(500.0, channel="chat", aht=480.0),
            "refund": {"channel": "email", "arrivals": {"rate_per_hour": 30},
                       "handle_time": {"dist": "exponential", "mean": "6min"}},
        },
        pools={"phone": {"skills": ["payment", "refund"], "agents": 18},
               "chat": {"skills": ["presale"], "agents": 12}},
        bots={"assistant": {
            "serves": ["payment", "presale"], "share": 0.85, "capacity": 60,
            "session_time": {"dist": "lognormal", "mean": "90s", "cv": 1.0},
            "outcomes": {"resolved": 0.6, "escalated": 0.25, "bounced": 0.15},
            "escalation": {"handle_time_factor": 1.3},
            "bounce": {"returns": 0.5, "delay": {"dist": "exponential", "mean": "30min"}},
        }},
    ),
    "nobody to answer": dict(
        channels={"phone": {}, "email": {"kind": "email", "deadline": "24h"}},
        types={"payment": phone_type(100.0),
               "refund": {"channel": "email", "arrivals": {"rate_per_hour": 10},
                          "handle_time": {"dist": "exponential", "mean": "6min"}}},
        pools={"agents": {"skills": ["payment", "refund"], "agents": 0}},
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", list(FUNNEL_SCENARIOS))
def test_the_funnel_balances_exactly_in_every_replication(name):
    s = scenario(hours=24, warmup="1h", **copy.deepcopy(FUNNEL_SCENARIOS[name]))
    result = simulate(s, seed=2, replications=3)
    for rep in result.summary["funnel"]["per_replication"]:
        assert rep["inquiries"] > 0
        assert rep["inquiries"] == (
            rep["resolved_by_bot"] + rep["answered"] + rep["lost"] + rep["still_open"]
        ), rep


def test_the_contact_engine_reproduces_the_phone_engine():
    """On a phone-only model both engines see the same draws and give the same counts."""
    s = scenario(
        hours=8,
        warmup="1h",
        interval="15min",
        channels={"phone": {"patience": {"dist": "exponential", "mean": "100s"}}},
        types={"a": phone_type(250.0), "b": phone_type(120.0, aht=400)},
        pools={
            "a_only": {"skills": ["a"], "agents": [12] * 16 + [6] * 16},
            "both": {"skills": ["a", "b"], "agents": [8] * 8 + [14] * 24},
        },
    )
    model = SimModel.from_scenario(s)
    for replication in range(3):
        fast = run_replication(model, 17, replication)
        general = run_contact_replication(model, 17, replication)
        for name in ("offered", "answered", "abandoned", "answered_within", "pool_answered"):
            np.testing.assert_array_equal(getattr(fast, name), getattr(general, name), name)
        np.testing.assert_allclose(fast.wait_seconds, general.wait_seconds)
        np.testing.assert_allclose(fast.busy_seconds, general.busy_seconds)


# -- bad input ------------------------------------------------------------------------------


BOT = {
    "serves": ["payment"],
    "session_time": {"dist": "exponential", "mean": "90s"},
    "outcomes": {"resolved": 0.7, "escalated": 0.2, "bounced": 0.1},
}


def bad(**changes) -> list[str]:
    data = {
        "name": "bad",
        "horizon": {"start": "2026-11-11 00:00", "end": "2026-11-12 00:00"},
        "service_level": {"answer_within": "20s", "target": 0.8},
        "channels": {"phone": {}, "chat": {"kind": "chat", "max_concurrent": 3}},
        "inquiry_types": {
            "payment": phone_type(100.0),
            "presale": phone_type(100.0, channel="chat"),
        },
        "pools": {"agents": {"skills": ["payment"], "agents": 5},
                  "chat": {"skills": ["presale"], "agents": 5}},
        "bots": {"assistant": copy.deepcopy(BOT)},
    }  # fmt: skip
    for path, value in changes.items():
        node = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    with pytest.raises(ScenarioError) as info:
        Scenario.from_dict(data, source="bad.yaml")
    return info.value.lines()


@pytest.mark.parametrize(
    ("changes", "where", "words"),
    [
        ({"bots.assistant.outcomes": {"resolved": 0.7, "escalated": 0.2, "bounced": 0.2}},
         "bots.assistant.outcomes", "must sum to 1, got 1.1"),
        ({"bots.second": {**BOT, "serves": ["payment"]}}, "bots.second.serves",
         "'payment' is already served by bot 'assistant'"),
        ({"bots.assistant.serves": ["refunds"]}, "bots.assistant.serves", "unknown inquiry type"),
        ({"bots.assistant.share": 1.5}, "bots.assistant.share", "must be ≤ 1"),
        ({"bots.assistant.capacity": 0}, "bots.assistant.capacity", "must be ≥ 1"),
        ({"bots.assistant.bounce": {"returns": 0.5}}, "bots.assistant.bounce", "needs delay"),
        ({"channels.phone": {"kind": "fax"}}, "channels.phone", "unknown channel kind 'fax'"),
        ({"channels.chat": {"kind": "chat", "max_concurrent": 0}}, "channels.chat.max_concurrent",
         "must be ≥ 1"),
        ({"channels.chat": {"kind": "chat"}}, "channels.chat.max_concurrent", "required"),
        ({"channels.phone": {"kind": "email", "deadline": "0h"}}, "channels.phone.deadline",
         "must be > 0"),
        ({"channels.phone": {"kind": "email"}}, "channels.phone.deadline", "required"),
        ({"channels.phone": {"kind": "email", "deadline": "24h", "patience":
          {"dist": "exponential", "mean": "60s"}}}, "channels.phone", "unknown key 'patience'"),
        ({"channels.phone": {"retrial": {"probability": 1.5, "delay":
          {"dist": "exponential", "mean": "60s"}}}}, "channels.phone.retrial.probability",
         "must be ≤ 1"),
        ({"pools.agents.skills": ["payment", "presale"]}, "pools.agents.skills",
         "phone or chat, not both"),
    ],
)  # fmt: skip
def test_bad_channels_and_bots_are_named(changes, where, words):
    lines = bad(**changes)
    assert any(line.startswith(f"bad.yaml: {where}:") and words in line for line in lines), lines


def test_a_bad_bot_exits_2_and_writes_nothing(
    run_main, tmp_path, write_yaml, minimal_scenario_dict
):
    data = copy.deepcopy(minimal_scenario_dict)
    data["bots"] = {"assistant": {**BOT, "serves": ["general"], "outcomes": {
        "resolved": 0.5, "escalated": 0.2, "bounced": 0.1}}}  # fmt: skip
    out = tmp_path / "out"
    result = run_main("simulate", write_yaml(data), "--out", out)
    assert result.returncode == 2
    assert (
        "double11.yaml: bots.assistant.outcomes: resolved + escalated + bounced must sum to 1"
        in (result.stderr)
    )
    assert "Traceback" not in result.stderr
    assert not out.exists()
