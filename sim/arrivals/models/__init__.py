"""The arrival models, one module each; :mod:`sim.arrivals.registry` finds them by tag."""
