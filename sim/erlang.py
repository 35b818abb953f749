"""Exact Erlang B, Erlang C and Erlang A (M/M/N+M) queueing references.

These closed-form and quadrature results serve as oracles for the discrete-event simulator and
as the objective for staffing searches.  Conventions used throughout:

* ``agents`` (N) is a whole number of servers.
* ``load`` (A) is the offered load in Erlangs, ``A = arrival rate x mean handling time``.
* Times (``aht_seconds``, ``answer_within_seconds``, ``patience_seconds``) are in seconds.
* ``rate_per_hour`` is the arrival rate in inquiries per hour.

Every quantity is evaluated in log space so that 5,000 agents and loads of several thousand
Erlangs neither overflow nor need factorials.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, optimize, special

__all__ = [
    "ErlangA",
    "erlang_a",
    "erlang_a_agents",
    "erlang_b",
    "erlang_c",
    "erlang_c_agents",
    "erlang_c_asa",
    "erlang_c_service_level",
]

_SECONDS_PER_HOUR = 3600.0
# Below this the regularised gamma function has lost too many digits (or underflowed) to take
# its logarithm, so Erlang B switches to a series that only converges quickly in that regime.
_CDF_FLOOR = 1e-200
# Integrands are truncated where they fall below exp(-_TAIL_LOG) of their peak; that discards
# far less than double-precision rounding of the retained mass.
_TAIL_LOG = 60.0
_QUAD_EPSREL = 1e-11
_QUAD_LIMIT = 200


# --------------------------------------------------------------------------------------------
# Argument handling
# --------------------------------------------------------------------------------------------


def _float_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, got {value!r}") from exc
    if np.isnan(arr).any():
        raise ValueError(f"{name} must not be NaN")
    return arr


def _check_agents_array(agents: ArrayLike) -> NDArray[np.float64]:
    arr = _float_array(agents, "agents")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError("agents must be finite and >= 0")
    if (arr != np.floor(arr)).any():
        raise ValueError("agents must be whole numbers")
    return arr


def _check_nonnegative_array(
    value: ArrayLike, name: str, *, allow_inf: bool = False
) -> NDArray[np.float64]:
    arr = _float_array(value, name)
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0")
    if not allow_inf and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    return arr


def _check_positive_array(value: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = _float_array(value, name)
    if not np.isfinite(arr).all() or (arr <= 0).any():
        raise ValueError(f"{name} must be finite and > 0")
    return arr


def _scalar(value: object, name: str) -> float:
    arr = _float_array(value, name)  # type: ignore[arg-type]
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar")
    return float(arr)


def _check_target(target: object) -> float:
    value = _scalar(target, "target")
    if not 0.0 < value < 1.0:
        raise ValueError(f"target must lie strictly between 0 and 1, got {value!r}")
    return value


def _check_scalar_agents(agents: object) -> int:
    if isinstance(agents, bool):
        raise ValueError("agents must be a whole number, not a bool")
    value = _scalar(agents, "agents")
    if not math.isfinite(value) or value < 1 or value != math.floor(value):
        raise ValueError(f"agents must be a whole number >= 1, got {agents!r}")
    return int(value)


def _as_result(arr: NDArray[np.float64]) -> float | NDArray[np.float64]:
    return float(arr) if arr.ndim == 0 else arr


# --------------------------------------------------------------------------------------------
# Erlang B / Erlang C
# --------------------------------------------------------------------------------------------


def _log_erlang_b_series(n: int, a: float) -> float:
    """Return log B(n, a) from 1/B = sum_{j=0..n} prod_{i<j} (n - i)/a, for a > n.

    Only used where the Poisson cdf underflows, which implies a >> n; the terms then decay at
    least geometrically with ratio n/a, so a short prefix of the sum suffices.
    """
    if n == 0:
        return 0.0
    ratio = n / a
    # Terms are bounded by ratio**j; stop once that bound is below exp(-50).
    length = min(n, math.ceil(50.0 / -math.log(ratio)) + 1) if ratio < 1.0 else n
    ratios = np.arange(n, n - length, -1, dtype=np.float64) / a
    return -math.log1p(float(np.cumprod(ratios).sum()))


def _log_erlang_b(agents: NDArray[np.float64], load: NDArray[np.float64]) -> NDArray[np.float64]:
    """Elementwise log of Erlang B, ``log(pmf_Poisson(N; A) / cdf_Poisson(N; A))``."""
    n, a = np.broadcast_arrays(agents, load)
    shape = n.shape
    n = n.astype(np.float64).ravel()
    a = a.astype(np.float64).ravel()
    cdf = special.gammaincc(n + 1.0, a)  # P(Poisson(a) <= n)
    usable = cdf > _CDF_FLOOR
    # xlogy gives 0*log(0) = 0, so N = 0, A = 0 yields B = 1 and N > 0, A = 0 yields B = 0.
    log_pmf = special.xlogy(n, a) - a - special.gammaln(n + 1.0)
    out = np.where(usable, log_pmf - np.log(np.where(usable, cdf, 1.0)), 0.0)
    for i in np.flatnonzero(~usable):
        out[i] = _log_erlang_b_series(int(n[i]), float(a[i]))
    # Rounding can push log B a hair above 0 when A >> N; B is a probability.
    return np.minimum(out, 0.0).reshape(shape)


def erlang_b(agents: ArrayLike, load: ArrayLike) -> float | NDArray[np.float64]:
    """Erlang B blocking probability of the M/M/N/N loss system.

    ``B(N, A) = (A^N / N!) / sum_{k=0..N} A^k / k!``, evaluated as
    ``exp(log pmf_Poisson(N; A) - log cdf_Poisson(N; A))``.

    Args:
        agents: number of servers N (whole number >= 0), scalar or array.
        load: offered load A in Erlangs (>= 0), scalar or array; broadcast against ``agents``.

    Returns:
        The probability that an arrival is blocked: a float if both inputs are scalars,
        otherwise an ndarray of the broadcast shape.
    """
    n = _check_agents_array(agents)
    a = _check_nonnegative_array(load, "load")
    return _as_result(np.exp(_log_erlang_b(n, a)))


def _erlang_c_array(n: NDArray[np.float64], a: NDArray[np.float64]) -> NDArray[np.float64]:
    n, a = np.broadcast_arrays(n, a)
    stable = a < n
    # Substitute harmless values off the stable region so no division by zero is evaluated.
    n_s = np.where(stable, n, 1.0)
    a_s = np.where(stable, a, 0.0)
    b = np.exp(_log_erlang_b(n_s, a_s))
    c = n_s * b / (n_s - a_s * (1.0 - b))
    return np.where(stable, np.minimum(c, 1.0), 1.0)


def erlang_c(agents: ArrayLike, load: ArrayLike) -> float | NDArray[np.float64]:
    """Erlang C probability of waiting in the M/M/N queue.

    ``C(N, A) = N B(N, A) / (N - A (1 - B(N, A)))`` for ``A < N``; the queue is unstable for
    ``A >= N`` and every arrival waits, so 1.0 is returned there.

    Args:
        agents: number of agents N (whole number >= 0), scalar or array.
        load: offered load A in Erlangs (>= 0), scalar or array; broadcast against ``agents``.

    Returns:
        P(an arrival waits), as a float for scalar inputs and an ndarray otherwise.
    """
    n = _check_agents_array(agents)
    a = _check_nonnegative_array(load, "load")
    return _as_result(_erlang_c_array(n, a))


def erlang_c_service_level(
    agents: ArrayLike,
    load: ArrayLike,
    aht_seconds: ArrayLike,
    answer_within_seconds: ArrayLike,
) -> float | NDArray[np.float64]:
    """Erlang C service level, the probability of being answered within T seconds.

    ``P(W <= T) = 1 - C(N, A) exp(-(N - A) T / AHT)`` for ``A < N``; 0.0 where ``A >= N``.

    Args:
        agents: number of agents N (whole number >= 0).
        load: offered load A in Erlangs (>= 0).
        aht_seconds: mean handling time in seconds (> 0).
        answer_within_seconds: service-level threshold T in seconds (>= 0; ``inf`` allowed).

    All arguments broadcast together; the result is a float for scalar inputs, else an ndarray.
    """
    n = _check_agents_array(agents)
    a = _check_nonnegative_array(load, "load")
    aht = _check_positive_array(aht_seconds, "aht_seconds")
    t = _check_nonnegative_array(answer_within_seconds, "answer_within_seconds", allow_inf=True)
    n, a, aht, t = np.broadcast_arrays(n, a, aht, t)
    stable = a < n
    c = _erlang_c_array(n, a)
    decay = np.exp(-np.where(stable, n - a, 1.0) * t / aht)
    return _as_result(np.where(stable, 1.0 - c * decay, 0.0))


def erlang_c_asa(
    agents: ArrayLike, load: ArrayLike, aht_seconds: ArrayLike
) -> float | NDArray[np.float64]:
    """Erlang C average speed of answer in seconds, averaged over all callers.

    ``ASA = C(N, A) AHT / (N - A)`` for ``A < N``; ``inf`` where ``A >= N``.

    Args:
        agents: number of agents N (whole number >= 0).
        load: offered load A in Erlangs (>= 0).
        aht_seconds: mean handling time in seconds (> 0).

    All arguments broadcast together; the result is a float for scalar inputs, else an ndarray.
    """
    n = _check_agents_array(agents)
    a = _check_nonnegative_array(load, "load")
    aht = _check_positive_array(aht_seconds, "aht_seconds")
    n, a, aht = np.broadcast_arrays(n, a, aht)
    stable = a < n
    c = _erlang_c_array(n, a)
    asa = c * aht / np.where(stable, n - a, 1.0)
    return _as_result(np.where(stable, asa, np.inf))


def _smallest_meeting(meets: Callable[[int], bool], known_fail: int, first_try: int) -> int:
    """Smallest integer n > known_fail with meets(n), for a predicate monotone in n.

    Doubles the step until the predicate holds, then bisects, so the cost is logarithmic in the
    distance from ``first_try`` to the answer.
    """
    lo = known_fail
    hi = max(first_try, known_fail + 1)
    step = max(1, hi - lo)
    while not meets(hi):
        lo = hi
        hi += step
        step *= 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if meets(mid):
            hi = mid
        else:
            lo = mid
    return hi


def erlang_c_agents(
    load: float, aht_seconds: float, answer_within_seconds: float, target: float
) -> int:
    """Fewest agents N (with N > A) whose Erlang C service level meets ``target``.

    Finds the smallest whole N > A with ``1 - C(N, A) exp(-(N - A) T / AHT) >= target``.  The
    service level is increasing in N, so an exponential search followed by bisection is used.

    Args:
        load: offered load A in Erlangs (>= 0).
        aht_seconds: mean handling time in seconds (> 0).
        answer_within_seconds: service-level threshold T in seconds (>= 0).
        target: required service level, strictly between 0 and 1.
    """
    a = float(_check_nonnegative_array(_scalar(load, "load"), "load"))
    aht = float(_check_positive_array(_scalar(aht_seconds, "aht_seconds"), "aht_seconds"))
    t = float(
        _check_nonnegative_array(
            _scalar(answer_within_seconds, "answer_within_seconds"), "answer_within_seconds"
        )
    )
    goal = _check_target(target)

    def meets(n: int) -> bool:
        return float(erlang_c_service_level(n, a, aht, t)) >= goal

    smallest_stable = math.floor(a) + 1
    # The square-root staffing rule puts the answer a few sqrt(A) above A.
    guess = smallest_stable + math.ceil(math.sqrt(a))
    return _smallest_meeting(meets, smallest_stable - 1, guess)


# --------------------------------------------------------------------------------------------
# Erlang A (M/M/N+M)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErlangA:
    """Steady-state results of the M/M/N+M (Palm / Erlang A) queue.

    Attributes:
        p_wait: P(an arrival finds all agents busy), i.e. P(V > 0) for the offered wait V.
        p_abandon: P(an arrival abandons before being answered), P(tau <= V).
        service_level: P(answered with a wait <= T) over all arrivals, i.e.
            (answered within T) / (answered + abandoned) = P(V <= T, V < tau).
        asa_seconds: mean wait of answered inquiries only, E[V | V < tau], in seconds.
        mean_wait_seconds: mean time in queue over all arrivals, answered and abandoned,
            E[min(V, tau)], in seconds.
        occupancy: fraction of agent time busy, arrival_rate (1 - p_abandon) AHT / N
            (1.0 for the unstable no-abandonment queue).
    """

    p_wait: float
    p_abandon: float
    service_level: float
    asa_seconds: float
    mean_wait_seconds: float
    occupancy: float


# Taylor coefficients (-1)^k / k! for k = 2..11 of exp(-y) - 1 + y, highest order first.
_E1_COEFFS = tuple((-1.0) ** k / math.factorial(k) for k in range(11, 1, -1))


def _e1(y: float) -> float:
    """Return ``exp(-y) - 1 + y`` without the cancellation of the direct form near y = 0."""
    if abs(y) >= 0.1:
        return math.expm1(-y) + y
    acc = 0.0
    for coeff in _E1_COEFFS:
        acc = acc * y + coeff
    return acc * y * y


@dataclass(frozen=True)
class _Exponent:
    """``phi(x) = lam H(x) - rate x`` with ``H(x) = (1 - exp(-theta x)) / theta``, ``theta > 0``.

    ``phi`` is concave with ``phi(0) = 0`` and maximiser ``peak``.  Offsets ``u = x - peak`` are
    used because ``phi`` itself can reach 1e10 (tiny theta, overload), where rounding in
    ``phi(x) - phi_max`` would swamp the integrand; instead the exact rearrangement
    ``phi(peak + u) - phi_max = -slope u - c e1(theta u) / theta`` with ``c = lam
    exp(-theta peak)``, ``slope = rate - c >= 0`` and ``e1(y) = exp(-y) - 1 + y`` is evaluated.
    ``[lo, hi]`` (offsets) bracket where ``phi >= phi_max - _TAIL_LOG``.
    """

    theta: float
    peak: float
    phi_max: float
    c: float
    slope: float
    lo: float
    hi: float

    def rel(self, u: float) -> float:
        return -self.slope * u - self.c * _e1(self.theta * u) / self.theta


def _exponent(lam: float, rate: float, theta: float) -> _Exponent:
    if lam > rate:
        ratio = lam / rate
        peak = math.log(ratio) / theta
        c, slope = rate, 0.0
        phi_max = rate / theta * ((ratio - 1.0) - math.log(ratio))
    else:
        peak, c, slope, phi_max = 0.0, lam, rate - lam, 0.0

    def excess(u: float) -> float:
        return -slope * u - c * _e1(theta * u) / theta + _TAIL_LOG

    # Start from the local width of the peak so the bracketing loops take few steps.
    width = min(
        _TAIL_LOG / slope if slope > 0 else math.inf,
        math.sqrt(2.0 * _TAIL_LOG / (c * theta)),
    )
    inner, outer = 0.0, width
    while excess(outer) > 0:
        inner, outer = outer, 2.0 * outer
    hi = optimize.brentq(excess, inner, outer, xtol=1e-12 * outer, rtol=1e-12)

    lo = -peak
    if peak > 0 and excess(-peak) < 0:
        inner, outer = 0.0, max(-width, -peak)
        while excess(outer) > 0:
            inner, outer = outer, max(2.0 * outer, -peak)
        lo = optimize.brentq(excess, outer, inner, xtol=-1e-12 * outer, rtol=1e-12)
    return _Exponent(theta, peak, phi_max, c, slope, lo, hi)


def _phi_max_gap(lam: float, rate: float, theta: float) -> float:
    """Return ``max(phi with rate + theta) - max(phi with rate)``, which is <= 0.

    By the envelope theorem the derivative of ``max phi`` in ``rate`` is ``-peak(rate) =
    -max(log(lam / rate), 0) / theta``; integrating that over ``[rate, rate + theta]`` in closed
    form avoids subtracting two maxima that can each be ~1e10.  ``rate + theta`` is never formed:
    when theta is tiny its rounding error, divided by theta, would dominate the result.
    """
    if lam <= rate:
        return 0.0
    excess = lam - rate
    if excess >= theta:
        q = theta / rate
        return -math.log(lam / rate) + math.log1p(q) - 1.0 + math.log1p(q) / q
    return -(excess - rate * math.log1p(excess / rate)) / theta


def _integral(
    ex: _Exponent, weight: Callable[[float], float] | None = None, upper: float = math.inf
) -> float:
    """``int_0^upper weight(x) exp(phi(x) - phi_max) dx`` over the non-negligible window."""
    lo, hi = ex.lo, min(ex.hi, upper - ex.peak)
    if hi <= lo:
        return 0.0
    rel, peak = ex.rel, ex.peak
    if weight is None:

        def integrand(u: float) -> float:
            return math.exp(rel(u))
    else:

        def integrand(u: float) -> float:
            return weight(peak + u) * math.exp(rel(u))

    points = [0.0] if lo < 0.0 < hi else None
    value, _ = integrate.quad(
        integrand, lo, hi, points=points, epsabs=0.0, epsrel=_QUAD_EPSREL, limit=_QUAD_LIMIT
    )
    return value


def _erlang_a_without_abandonment(n: int, load: float, aht: float, t: float) -> ErlangA:
    if load >= n:
        return ErlangA(1.0, 0.0, 0.0, math.inf, math.inf, 1.0)
    c = float(_erlang_c_array(np.float64(n), np.float64(load)))
    sl = 1.0 - c * math.exp(-(n - load) * t / aht)
    asa = c * aht / (n - load)
    return ErlangA(c, 0.0, sl, asa, asa, load / n)


def erlang_a(
    agents: int,
    rate_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    answer_within_seconds: float,
) -> ErlangA:
    """Exact steady state of the M/M/N+M (Erlang A) queue.

    With arrival rate lam, service rate mu = 1/AHT, abandonment rate theta = 1/patience,
    ``H(x) = (1 - exp(-theta x)) / theta`` and ``g(x) = lam H(x) - N mu x``, the offered wait V
    (the wait an infinitely patient arrival would have) has an atom ``P(V = 0) = pi S`` and
    density ``pi lam exp(g(x))`` on x > 0, where ``S = 1 / B(N - 1, lam/mu)`` and
    ``pi = 1 / (S + lam J)``, ``J = int_0^inf exp(g)``.  An arrival with patience
    tau ~ Exp(theta) is answered iff V < tau, giving

    * ``p_wait = lam J / (S + lam J)``
    * ``p_abandon = pi lam int_0^inf exp(g(x)) (1 - exp(-theta x)) dx``
    * ``service_level = pi (S + lam int_0^T exp(g(x) - theta x) dx)``
    * ``asa_seconds = pi lam int_0^inf x exp(g(x) - theta x) dx / (1 - p_abandon)``
    * ``mean_wait_seconds = pi lam int_0^inf exp(g(x)) H(x) dx = p_abandon / theta``

    Integrals are evaluated relative to the maximum of their exponent and combined as ratios,
    so S and lam J (each beyond 1e300 at thousands of agents) never appear un-logged.

    Args:
        agents: number of agents N (whole number >= 1).
        rate_per_hour: arrival rate in inquiries per hour (>= 0).
        aht_seconds: mean handling time in seconds (> 0).
        patience_seconds: mean patience in seconds (>= 0).  ``math.inf`` means nobody abandons
            (Erlang C, unstable when the load reaches N); 0 means an inquiry that cannot be
            answered at once is lost (Erlang B).
        answer_within_seconds: service-level threshold T in seconds (>= 0).

    Returns:
        An :class:`ErlangA` record; times are in seconds.
    """
    n = _check_scalar_agents(agents)
    rate = float(_check_nonnegative_array(_scalar(rate_per_hour, "rate_per_hour"), "rate_per_hour"))
    aht = float(_check_positive_array(_scalar(aht_seconds, "aht_seconds"), "aht_seconds"))
    patience = float(
        _check_nonnegative_array(
            _scalar(patience_seconds, "patience_seconds"), "patience_seconds", allow_inf=True
        )
    )
    t = float(
        _check_nonnegative_array(
            _scalar(answer_within_seconds, "answer_within_seconds"),
            "answer_within_seconds",
            allow_inf=True,
        )
    )

    lam = rate / _SECONDS_PER_HOUR
    mu = 1.0 / aht
    load = lam / mu
    if lam == 0.0:
        return ErlangA(0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
    if math.isinf(patience):
        return _erlang_a_without_abandonment(n, load, aht, t)
    if patience == 0.0:
        # Nobody waits: the M/M/N/N loss system, where a blocked arrival abandons at once.
        b = float(np.exp(_log_erlang_b(np.float64(n), np.float64(load))))
        return ErlangA(b, b, 1.0 - b, 0.0, 0.0, load * (1.0 - b) / n)

    theta = 1.0 / patience
    nmu = n * mu
    log_b_prev = float(_log_erlang_b(np.float64(n - 1), np.float64(load)))  # log(1/S)

    # g(x) and g(x) - theta x have the same form with the linear rate shifted by theta.
    g = _exponent(lam, nmu, theta)
    g_theta = _exponent(lam, nmu + theta, theta)

    j = _integral(g)
    k = _integral(g, lambda x: -math.expm1(-theta * x))
    j_theta = _integral(g_theta)
    j_theta_t = _integral(g_theta, upper=t)
    m_theta = _integral(g_theta, lambda x: x)
    # Ratios of integrals taken against g_theta's peak need g's peak factored back in.
    theta_scale = math.exp(_phi_max_gap(lam, nmu, theta))

    log_odds = math.log(lam) + g.phi_max + math.log(j) + log_b_prev  # log(lam J / S)
    p_wait = float(special.expit(log_odds))
    p_no_wait = float(special.expit(-log_odds))
    p_abandon = p_wait * k / j
    # Summed from its own parts rather than 1 - p_abandon, which cancels when nearly all abandon.
    p_answered = p_no_wait + p_wait * theta_scale * j_theta / j
    service_level = p_no_wait + p_wait * theta_scale * j_theta_t / j
    asa = p_wait * theta_scale * m_theta / j / p_answered
    mean_wait = p_abandon / theta
    occupancy = load * p_answered / n
    return ErlangA(
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=min(service_level, 1.0),
        asa_seconds=asa,
        mean_wait_seconds=mean_wait,
        occupancy=min(occupancy, 1.0),
    )


def erlang_a_agents(
    rate_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    answer_within_seconds: float,
    target: float,
) -> int:
    """Fewest agents N >= 1 whose Erlang A ``service_level`` meets ``target``.

    ``service_level`` (answered within T over all arrivals) increases with N, so the search
    doubles its step until the target is met and then bisects: O(log N) evaluations.

    Args:
        rate_per_hour: arrival rate in inquiries per hour (>= 0).
        aht_seconds: mean handling time in seconds (> 0).
        patience_seconds: mean patience in seconds (>= 0, ``math.inf`` allowed).
        answer_within_seconds: service-level threshold T in seconds (>= 0).
        target: required service level, strictly between 0 and 1.
    """
    goal = _check_target(target)
    rate = float(_check_nonnegative_array(_scalar(rate_per_hour, "rate_per_hour"), "rate_per_hour"))
    aht = float(_check_positive_array(_scalar(aht_seconds, "aht_seconds"), "aht_seconds"))
    load = rate / _SECONDS_PER_HOUR * aht

    def meets(n: int) -> bool:
        result = erlang_a(n, rate, aht, patience_seconds, answer_within_seconds)
        return result.service_level >= goal

    # Abandonment relieves the queue, so the answer is usually near or below the load itself.
    return _smallest_meeting(meets, 0, max(1, math.ceil(load)))
