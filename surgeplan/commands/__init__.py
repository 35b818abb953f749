"""The commands of ``run_sim.py``, one module each, over the shared :mod:`.options`.

Each command module has ``register(commands)``, which adds its sub-parser and sets ``run`` as
the parser's default, and ``run(args) -> exit status``. At its top a command module imports
only what its parser needs; ``run`` imports the rest, so that ``--help``, a bad argument and
every other command cost no more than argparse and the command that runs pays only for what
it uses. A new command is a new module here plus its name in :data:`COMMANDS`.
"""

from __future__ import annotations

__all__ = ["COMMANDS"]

# In the order ``run_sim.py --help`` lists them.
COMMANDS = (
    "validate",
    "arrivals",
    "simulate",
    "staff",
    "audit",
    "roster",
    "plan_command",
    "sweep",
    "report",
)
