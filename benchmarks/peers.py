"""Reference M/M/n+M simulators that surgeplan's engine is timed against.

Both peers model the same system as the benchmark scenarios:

* Poisson arrivals at ``rate_per_hour`` over ``[0, horizon_s)`` seconds,
* ``agents`` identical servers, first-come first-served,
* exponential handle (service) time with mean ``aht_s`` seconds,
* exponential patience with mean ``patience_s`` seconds; a caller who has
  not reached an agent when their patience runs out abandons.

Every function returns a plain dict with ``offered``, ``answered`` and
``abandoned`` counts, so the harness can compare outcomes across engines.

``python benchmarks/peers.py textbook '{"rate_per_hour": ..., ...}'`` runs the textbook
model as a process of its own (this module, numpy and simpy are all it imports) and prints
its counts as JSON: the peer of a whole ``run_sim.py simulate`` process.
"""

from __future__ import annotations

import json
import random
import sys


def textbook_simpy(
    rate_per_hour: float,
    agents: int,
    aht_s: float,
    patience_s: float,
    horizon_s: float,
    seed: int = 1,
) -> dict:
    """The textbook SimPy model: one process per caller racing a request
    against a patience timeout on a ``simpy.Resource``.

    Random numbers are drawn up front with a numpy ``Generator`` (arrival
    epochs of a Poisson process on the horizon, handle times, patience
    times); the event logic is the classic process-per-caller pattern.
    Arrivals stop at the end of the horizon; callers already in the system
    are followed until they are answered and served, or abandon.
    """
    import numpy as np
    import simpy

    rng = np.random.default_rng(seed)
    n = int(rng.poisson(rate_per_hour * horizon_s / 3600.0))
    arrivals = np.sort(rng.uniform(0.0, horizon_s, n))
    gaps = np.diff(arrivals, prepend=0.0).tolist()
    services = rng.exponential(aht_s, n).tolist()
    patiences = rng.exponential(patience_s, n).tolist()

    env = simpy.Environment()
    agents_res = simpy.Resource(env, capacity=agents)
    counts = {"answered": 0, "abandoned": 0}

    def caller(service: float, patience: float):
        with agents_res.request() as req:
            result = yield req | env.timeout(patience)
            if req not in result:
                counts["abandoned"] += 1
                return
            counts["answered"] += 1
            yield env.timeout(service)

    def source():
        for gap, service, patience in zip(gaps, services, patiences, strict=True):
            yield env.timeout(gap)
            env.process(caller(service, patience))

    env.process(source())
    env.run()
    return {"offered": n, "answered": counts["answered"], "abandoned": counts["abandoned"]}


def ciw_model(
    rate_per_hour: float,
    agents: int,
    aht_s: float,
    patience_s: float,
    horizon_s: float,
    seed: int = 1,
) -> dict:
    """The same system in Ciw 3 (``reneging_time_distributions``).

    Ciw samples with Python's ``random`` module, seeded through
    ``ciw.seed``.  ``simulate_until_max_time`` stops the clock at the
    horizon, so callers still queued or in service at that instant have no
    completed record; they are counted as ``in_system``.
    """
    import ciw

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=rate_per_hour / 3600.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / aht_s)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / patience_s)],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon_s)
    offered = sim.nodes[0].number_of_individuals
    # Reneging callers are recorded as "renege"; a caller who reached an
    # agent before the horizon has a "service" record (completed) or is
    # still being served at the horizon.
    records = sim.get_all_records(only=["service", "renege"])
    served = sum(1 for r in records if r.record_type == "service")
    reneged = sum(1 for r in records if r.record_type == "renege")
    in_service = sum(sum(1 for s in node.servers if s.busy) for node in sim.transitive_nodes)
    answered = served + in_service
    return {
        "offered": offered,
        "answered": answered,
        "abandoned": reneged,
        "in_system": offered - answered - reneged,
    }


def _selfcheck() -> None:  # pragma: no cover - manual smoke test
    import time

    for fn in (textbook_simpy, ciw_model):
        t0 = time.perf_counter()
        out = fn(rate_per_hour=1425, agents=100, aht_s=240, patience_s=180, horizon_s=4 * 3600)
        dt = time.perf_counter() - t0
        print(fn.__name__, out, f"{dt:.2f}s", f"{out['offered'] / dt:,.0f}/s")


if __name__ == "__main__":
    if sys.argv[1:2] == ["textbook"]:
        print(json.dumps(textbook_simpy(**json.loads(sys.argv[2]))))
    else:
        random.seed(0)
        _selfcheck()
