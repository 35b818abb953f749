"""Arrival models: how inquiries arrive over a promotion, and exact sampling of them.

* :mod:`.protocol` — what a model is (``problems``, ``bind``) and what its rate gives
  (``rate_per_hour(t)``, ``expected(a, b)``);
* :mod:`.models` — the models, one module each (``piecewise``, ``promo_surge``,
  ``historical``, ``custom``), found by :mod:`.registry`;
* :mod:`.process` — a rate compiled for one horizon: expected counts per interval, the
  non-homogeneous Poisson sampler, rates on a fine grid for the staffing methods.
"""

from .process import ArrivalProcess, compile_rate, poisson_arrivals
from .protocol import ArrivalModel, Clock, Rate
from .registry import ARRIVAL_MODELS, ArrivalsEntry

__all__ = [
    "ARRIVAL_MODELS",
    "ArrivalModel",
    "ArrivalProcess",
    "ArrivalsEntry",
    "Clock",
    "Rate",
    "compile_rate",
    "poisson_arrivals",
]
