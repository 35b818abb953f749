"""Per-pool traffic for the analytic staffing methods: contact rate, handle time, patience.

Each inquiry type's contacts (:mod:`.contacts`: arrivals, or what a bot hands on) are
assigned to the first pool its type is routed to (specialists first, as in the simulator); a
pool's handle time and abandonment rate are the traffic-weighted means of what it receives.
A chat pool's agents hold ``slots`` chats each; e-mail, answered in agents' idle time, and a
complaint desk's tasks enter as their mean work (``deferred_erlangs``). The simulation-based
method (ISA) staffs live traffic from what the simulator observes, and adds the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.model import SimModel

from .contacts import ContactStream, contact_streams

__all__ = ["CONTACT_STEP_SECONDS", "PoolTraffic", "pool_traffic"]

# The grid bot contacts' rates are kept on (a bot's sessions last a minute or two).
CONTACT_STEP_SECONDS = 10.0


@dataclass(frozen=True)
class PoolTraffic:
    """Traffic offered to one pool, per interval of the horizon."""

    pool: str
    rate_per_second: np.ndarray
    aht_seconds: np.ndarray  # traffic-weighted mean handle time (NaN where no traffic)
    patience_seconds: np.ndarray  # 1 / traffic-weighted abandonment rate (inf: nobody leaves)
    types: tuple[int, ...]  # live inquiry types assigned to this pool
    streams: tuple[ContactStream, ...] = ()  # their contact streams
    slots: int = 1  # inquiries an agent holds at once (a chat pool's max_concurrent)
    slowdown: float = 0.0
    # Mean work that can wait for idle time (e-mail) or is a desk's own (complaints), per
    # interval, in Erlangs.
    deferred_erlangs: np.ndarray | None = None

    @property
    def offered_load(self) -> np.ndarray:
        """λ·E[S] per interval (Erlangs), the stationary offered load SIPP staffs to."""
        return np.nan_to_num(self.rate_per_second * self.aht_seconds)

    @property
    def chat_inflation(self) -> float:
        """A chat's mean handle time grows with the chats its agent already holds: taken at
        half the most an agent can hold (an approximation; ISA measures it)."""
        return 1.0 + self.slowdown * (self.slots - 1) / 2.0

    @property
    def deferred_agents(self) -> int:
        """Whole agents for the pool's mean deferrable work over the horizon (e-mail answered
        in the time live work leaves, complaints on the desk): their deadlines, hours or
        days, let them wait for that time."""
        if self.deferred_erlangs is None:
            return 0
        mean = float(np.mean(self.deferred_erlangs))
        return int(np.ceil(mean - 1e-9)) if mean > 0 else 0


def pool_traffic(model: SimModel) -> list[PoolTraffic]:
    """The traffic each pool of ``model`` receives, in pool order."""
    streams = contact_streams(model, CONTACT_STEP_SECONDS)
    assigned: dict[int, list[int]] = {p: [] for p in range(len(model.pools))}
    mail: dict[int, list[int]] = {p: [] for p in range(len(model.pools))}
    for j, kind in enumerate(model.types):
        (assigned if kind.live else mail)[kind.pools[0]].append(j)
    result = []
    dt = model.interval_seconds
    for p, pool in enumerate(model.pools):
        rate = np.zeros(model.n_intervals)
        work = np.zeros(model.n_intervals)
        abandonment = np.zeros(model.n_intervals)
        mine = tuple(s for s in streams if s.kind in assigned[p])
        for stream in mine:
            kind = model.types[stream.kind]
            # Without a bot the stream is the arrivals: their own interval means, exactly.
            stream_rate = kind.rate_per_second if kind.bot is None else stream.interval_rates(dt)
            rate += stream_rate
            work += stream_rate * stream.service.mean
            if kind.patience is not None:
                abandonment += stream_rate / kind.patience.mean
        with np.errstate(invalid="ignore", divide="ignore"):
            aht = np.where(rate > 0, work / rate, np.nan)
            theta = np.where(rate > 0, abandonment / rate, 0.0)
            patience = np.where(theta > 0, 1.0 / theta, np.inf)
        email = None
        if mail[p]:
            email = sum(
                model.types[j].rate_per_second * model.types[j].handle_time.mean for j in mail[p]
            )
        if model.complaints is not None and model.complaints.desk == p:
            email = _complaint_work(model, streams)
        result.append(
            PoolTraffic(
                pool=pool.name,
                rate_per_second=rate,
                aht_seconds=aht,
                patience_seconds=patience,
                types=tuple(assigned[p]),
                streams=mine,
                slots=pool.slots,
                slowdown=pool.slowdown,
                deferred_erlangs=email,
            )
        )
    return result


def _complaint_work(model: SimModel, streams: list[ContactStream]) -> np.ndarray:
    """The complaint desk's mean work per interval (Erlangs): complaints arriving (a share
    of each type's contacts, taken as answered, or their own arrival rate) times the mean
    response and resolution handle times."""
    spec = model.complaints
    dt = model.interval_seconds
    if spec.arrivals is not None:
        rate = spec.arrivals.rate_per_second
    else:
        rate = np.zeros(model.n_intervals)
        for stream in streams:
            rate = rate + spec.from_types[stream.kind] * stream.interval_rates(dt)
    return rate * (spec.response_time.mean + spec.resolution_time.mean)
