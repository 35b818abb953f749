"""Write ``double11_2025_calls.csv``: last year's 11.11 phone calls per 15 minutes.

    python notebooks/data/make_history.py

The history ``notebooks/arrival_models.ipynb`` fits its arrival models to: a mid-sized
shop's phone line from 10 November 2025 22:00 to 12 November 2025 00:00, Beijing time, in
15-minute records with two count columns, ``payment`` and ``after_sales``. The calls are
Poisson counts of a rate built as follows (a fixed seed, so running the script again gives
the same file):

* an ordinary day's shape (``scenarios/weekday.yaml``'s, linear between its hourly values)
  times the level of the day;
* a pre-sale build-up, a Gaussian wave centred on midnight;
* the two launches, at 00:00 and 20:00 on the 11th. Calls do not jump at the launch
  instant: customers order and pay first and call when something fails, so each launch's
  excess rises with a time constant of several minutes and then decays,
  ``(e^(−s/decay) − e^(−s/rise))``, scaled so that its top is ``peak − 1`` times the base.
  The built-in ``promo_surge`` model has no rise; the notebook shows what that costs.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "double11_2025_calls.csv"

START = datetime(2025, 11, 10, 22, 0)
END = datetime(2025, 11, 12, 0, 0)
RECORD = timedelta(minutes=15)
STEP_SECONDS = 10.0  # the rate is averaged over 10-second steps within each record
SEED = 20251111

# column: (calls per hour by clock hour on an ordinary day, the day's level on that shape,
#          build-up wave multiplier, [(launch hours after START, peak, rise min, decay min)])
# The ordinary day is scenarios/weekday.yaml's (its profile_per_hour of the type).
CALLS = {
    "payment": (
        [70, 45, 30, 20, 18, 20, 30, 52, 90, 128, 150, 150,
         142, 142, 150, 150, 142, 135, 142, 158, 188, 195, 165, 112],
        1.15,
        2.5,
        [(2.0, 30.0, 9.0, 40.0), (22.0, 3.0, 6.0, 50.0)],
    ),
    "after_sales": (
        [35, 22, 15, 10, 10, 10, 15, 25, 45, 65, 75, 75,
         70, 70, 75, 75, 70, 68, 70, 80, 95, 98, 82, 55],
        1.3,
        2.0,
        [(2.0, 10.0, 12.0, 45.0), (22.0, 2.0, 8.0, 70.0)],
    ),
}  # fmt: skip
WAVE_AT_HOURS = 2.0  # midnight
WAVE_WIDTH_HOURS = 80 / 60


def pulse(s_hours: np.ndarray, rise_minutes: float, decay_minutes: float) -> np.ndarray:
    """A launch's shape after it (``s`` hours since the launch): 0 before, top 1."""
    rise, decay = rise_minutes / 60, decay_minutes / 60
    top_at = np.log(decay / rise) * rise * decay / (decay - rise)
    top = np.exp(-top_at / decay) - np.exp(-top_at / rise)
    s = np.maximum(s_hours, 0.0)
    return np.where(s_hours > 0, (np.exp(-s / decay) - np.exp(-s / rise)) / top, 0.0)


def rate_per_hour(hours: np.ndarray, profile, level, wave, launches) -> np.ndarray:
    """Calls per hour ``hours`` after START."""
    clock = (START.hour + START.minute / 60 + hours) % 24
    # Linear between the hourly values, centred on the half hours: a day has no steps.
    base = level * np.interp(clock, np.arange(-0.5, 25), [profile[-1], *profile, profile[0]])
    lift = (wave - 1) * np.exp(-((hours - WAVE_AT_HOURS) ** 2) / (2 * WAVE_WIDTH_HOURS**2))
    for at, peak, rise, decay in launches:
        lift = lift + (peak - 1) * pulse(hours - at, rise, decay)
    return base * (1 + lift)


def main() -> None:
    rng = np.random.default_rng(SEED)
    n = int((END - START) / RECORD)
    steps = int(RECORD.total_seconds() / STEP_SECONDS)
    # Midpoints of the 10-second steps, in hours after START, one row per record.
    hours = (np.arange(n * steps) + 0.5).reshape(n, steps) * STEP_SECONDS / 3600
    record_hours = RECORD / timedelta(hours=1)
    counts = {
        name: rng.poisson(rate_per_hour(hours, *spec).mean(axis=1) * record_hours)
        for name, spec in CALLS.items()
    }
    lines = ["timestamp," + ",".join(CALLS)]
    for k in range(n):
        stamp = START + k * RECORD
        lines.append(f"{stamp:%Y-%m-%d %H:%M}," + ",".join(str(counts[c][k]) for c in CALLS))
    temporary = OUT.with_suffix(".csv.tmp")  # written whole, then renamed: never half a file
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, OUT)
    print(f"wrote {OUT.name}: {n} records, " + ", ".join(f"{c} {counts[c].sum():,}" for c in CALLS))


if __name__ == "__main__":
    main()
