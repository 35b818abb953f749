"""The independent labour-rule audit: checks a roster against every rule from its actual times.

It shares only the records of :mod:`optimize.workforce` with the roster model and imports
nothing from :mod:`optimize.roster`, so a roster the model gets wrong — or a manager edits by
hand — is caught by a second, separate reading of the rules (README, "Labour rules"). One
function per rule, each stating the rule in its docstring:

- ``_per_shift``: max_shift_length, break, skill, availability, unknown_agent
- ``_sequence``: min_rest, overlap, shifts_per_day, consecutive_days
- ``_windows``: weekly_rest, hours_7_days, night_shifts (7-day windows from each midnight)
- ``_weeks``: contract_hours, china (calendar weeks and months)
"""

from ._audit import RULES, VIOLATION_COLUMNS, audit
from .roster_file import read_roster_csv

__all__ = ["RULES", "VIOLATION_COLUMNS", "audit", "read_roster_csv"]
