"""The scenario file, validated into frozen models: one module per section.

========================  ===========================================================
``root``                  :class:`Scenario`: top-level fields, reading and cross-checks
``horizon``               ``horizon:`` — the simulated period and its intervals
``service_level``         ``service_level:`` — the answer-within target
``channels``              ``channels:`` — phone, chat or email, with what each kind needs
``inquiry_types``         ``inquiry_types:`` — channel, arrivals (:mod:`sim.arrivals`), handle time
``pools``                 ``pools:`` — skills, agents, shrinkage, absenteeism
``bots``                  ``bots:`` — chatbots: share, capacity, session time, outcomes
``busyness``              ``busyness:`` — the day-to-day volume factor
``complaints``            ``complaints:`` — levels, categories, desk tasks, deadlines
``incidents``             ``incidents:`` — outages, order anomalies, staff shortages
``roster``                ``roster:`` — contracts, shifts, labour rules, costs, agents
``roster_checks``         the roster section checked against the horizon and the pools
========================  ===========================================================
"""

from .._types import TIMESTAMP_FORMAT, parse_timestamp
from .._values import MAX_AGENTS, MAX_RATE_PER_HOUR, per_interval_array
from ..calendar import WorkingCalendar
from .bots import Bot
from .busyness import Busyness
from .channels import Channel, ChatChannel, EmailChannel, PhoneChannel
from .complaints import CATEGORY_CODES, ComplaintsSection, Deadline, LevelDeadlines
from .horizon import Horizon
from .incidents import (
    ArrivalWave,
    BotOutage,
    ChannelOutage,
    Incident,
    StaffShortage,
)
from .inquiry_types import InquiryType
from .pools import Pool
from .root import Scenario
from .roster import RosterSection
from .service_level import ServiceLevel

__all__ = [
    "CATEGORY_CODES",
    "MAX_AGENTS",
    "MAX_RATE_PER_HOUR",
    "TIMESTAMP_FORMAT",
    "ArrivalWave",
    "Bot",
    "BotOutage",
    "Busyness",
    "Channel",
    "ChannelOutage",
    "ChatChannel",
    "ComplaintsSection",
    "Deadline",
    "EmailChannel",
    "Horizon",
    "Incident",
    "InquiryType",
    "LevelDeadlines",
    "PhoneChannel",
    "Pool",
    "RosterSection",
    "Scenario",
    "ServiceLevel",
    "StaffShortage",
    "WorkingCalendar",
    "parse_timestamp",
    "per_interval_array",
]
