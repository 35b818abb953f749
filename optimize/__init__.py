"""Staffing requirements and shift rosters (Pyomo + HiGHS). Populated by later work."""

__all__: list[str] = []
