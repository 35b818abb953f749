"""Write the named agents of the shipped promotion scenarios (``agents_<scenario>.csv``).

    python scenarios/make_agents.py

Each scenario's team is a list of groups (how many agents, the pools they can staff, their
contract) sized from the scenario's requirements (about the agent-hours ``plan`` asks for,
at three to four shifts per agent in the event), plus a few agents whose carry-in or
availability differs: rest and working days carried in from the day before the horizon,
hours already worked in the week, days off, late starts, team leads on a higher rate.
Names are made up from common surnames and given names. Everything here is a fixed rule,
so running the script again gives the same files (a test checks the shipped ones).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from anywhere without installing

from surgeplan.io import atomic_write_text  # noqa: E402

COLUMNS = [
    "agent", "pools", "contract", "cost_per_hour", "available_from", "available_to",
    "days_off", "last_shift_end", "hours_this_week", "consecutive_days",
]  # fmt: skip

PINYIN_SURNAMES = [
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
    "xu", "sun", "ma", "zhu", "hu", "guo", "he", "lin", "gao", "luo",
    "zheng", "liang", "xie", "song", "tang", "han", "feng", "deng", "cao", "peng",
]  # fmt: skip
PINYIN_GIVEN = [
    "wei", "fang", "na", "min", "jing", "lei", "qiang", "jun", "yang", "yong", "yan", "jie",
    "tao", "ming", "chao", "xiu", "xia", "ping", "gang", "hui", "ling", "bo", "hong", "xin",
    "yu", "hao", "yun", "lan", "kai", "rui", "ting", "fei", "jia",
]  # fmt: skip
US_LAST = [
    "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez",
    "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor",
    "moore", "jackson", "martin", "lee", "perez", "thompson", "white", "harris", "sanchez",
    "clark", "ramirez", "lewis", "robinson",
]  # fmt: skip
US_FIRST = [
    "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david",
    "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas",
    "sarah", "chris", "karen", "daniel", "lisa", "matthew", "nancy", "anthony", "betty",
    "mark", "sandra", "maria", "ashley", "kevin", "emily", "brian",
]  # fmt: skip


@dataclass(frozen=True)
class Team:
    """Groups of ``(count, pools, contract)`` and special cells by agent number (from 0)."""

    groups: list[tuple[int, str, str]]
    special: dict[int, dict[str, str]] = field(default_factory=dict)
    names: str = "pinyin"  # or "us"


def _names(style: str, n: int) -> list[str]:
    first, last = (PINYIN_GIVEN, PINYIN_SURNAMES) if style == "pinyin" else (US_FIRST, US_LAST)
    # Surname and given name by two co-prime strides: n < len(first) * len(last) distinct pairs.
    assert n <= len(first) * len(last)
    names = []
    for k in range(n):
        a, b = last[k % len(last)], first[(k + k // len(last)) % len(first)]
        names.append(f"{a}.{b}" if style == "pinyin" else f"{b}.{a}")
    assert len(set(names)) == n
    return names


def agents_csv(team: Team) -> str:
    """The agents file: one row per agent, groups in order."""
    total = sum(count for count, _, _ in team.groups)
    names = iter(_names(team.names, total))
    rows = [",".join(COLUMNS)]
    k = 0
    for count, pools, contract in team.groups:
        for _ in range(count):
            cells = {"agent": next(names), "pools": pools, "contract": contract}
            cells.update(team.special.get(k, {}))
            rows.append(",".join(cells.get(column, "") for column in COLUMNS))
            k += 1
    return "\n".join(rows) + "\n"


# 11.11 (10 Nov 20:00 - 14 Nov 00:00): chat is the biggest team; e-mail agents also take
# chats, VIP agents also take ordinary calls.
DOUBLE11 = Team(
    groups=[
        (150, "chat", "full_time"),
        (60, "chat", "part_time"),
        (80, "phone", "full_time"),
        (30, "phone", "part_time"),
        (12, "vip_desk|phone", "full_time"),
        (36, "email_desk|chat", "full_time"),
        (24, "complaints_desk", "full_time"),
    ],
    special={
        3: {"last_shift_end": "2026-11-10 18:30"},  # worked the day shift on the 10th
        8: {"last_shift_end": "2026-11-10 12:00", "hours_this_week": "16"},
        17: {"days_off": "2026-11-13"},
        25: {"available_from": "2026-11-11 08:00"},  # back from leave on the 11th
        40: {"cost_per_hour": "55"},  # team lead
        77: {"last_shift_end": "2026-11-09 22:00", "consecutive_days": "6"},
        161: {"available_to": "2026-11-12 18:00"},
        215: {"cost_per_hour": "55"},
        230: {"last_shift_end": "2026-11-10 19:30", "hours_this_week": "24"},
        300: {"cost_per_hour": "60"},  # VIP lead
        330: {"days_off": "2026-11-11"},
        370: {"last_shift_end": "2026-11-09 23:00", "consecutive_days": "2"},
    },
)

# 618 (17 Jun 18:00 - 19 Jun 00:00): two working days at most per agent.
SIX18 = Team(
    groups=[
        (95, "chat", "full_time"),
        (35, "chat", "part_time"),
        (32, "phone", "full_time"),
        (12, "phone", "part_time"),
        (8, "complaints_desk", "full_time"),
    ],
    special={
        5: {"last_shift_end": "2026-06-17 12:00", "consecutive_days": "5"},
        50: {"days_off": "2026-06-18"},
        101: {"available_from": "2026-06-18 08:00"},
        140: {"cost_per_hour": "55"},  # team lead
        150: {"last_shift_end": "2026-06-17 10:30", "hours_this_week": "16"},
    },
)

# Black Friday weekend (27-29 Nov, New York): the US team, on hourly pay.
BLACK_FRIDAY = Team(
    names="us",
    groups=[
        (165, "chat", "full_time"),
        (50, "chat", "part_time"),
        (45, "phone", "full_time"),
        (15, "phone", "part_time"),
        (20, "email_desk|chat", "full_time"),
    ],
    special={
        2: {"hours_this_week": "16", "last_shift_end": "2026-11-25 17:00"},  # before Thanksgiving
        12: {"days_off": "2026-11-29"},
        60: {"available_from": "2026-11-27 06:00"},
        150: {"cost_per_hour": "30"},  # team lead
        200: {"available_to": "2026-11-28 22:00"},
        230: {"hours_this_week": "24", "last_shift_end": "2026-11-26 13:00"},
    },
)

# An ordinary Wednesday: one shift per agent at most.
WEEKDAY = Team(
    groups=[
        (55, "chat", "full_time"),
        (15, "chat", "part_time"),
        (50, "phone", "full_time"),
        (15, "phone", "part_time"),
        (9, "vip_desk|phone", "full_time"),
        (13, "email_desk|chat", "full_time"),
        (13, "complaints_desk", "full_time"),
    ],
    special={
        3: {"last_shift_end": "2026-10-20 18:30", "consecutive_days": "6"},
        20: {"days_off": "2026-10-21"},
        70: {"available_from": "2026-10-21 12:00"},
        110: {"cost_per_hour": "55"},
    },
)

TEAMS = {"double11": DOUBLE11, "618": SIX18, "black_friday": BLACK_FRIDAY, "weekday": WEEKDAY}


def main() -> None:
    for name, team in TEAMS.items():
        path = HERE / f"agents_{name}.csv"
        atomic_write_text(path, agents_csv(team))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
