"""Independent random streams, one per random source, from one seed.

Each stream is keyed by its name (``"arrivals/general"``) rather than by its position in a
spawn order, so adding an inquiry type or a pool leaves every other stream's draws unchanged.
"""

from __future__ import annotations

import zlib

import numpy as np

__all__ = ["stream"]


def stream(seed: int, replication: int, name: str) -> np.random.Generator:
    """Generator for random source ``name`` in replication ``replication`` of run ``seed``."""
    key = (replication, zlib.crc32(name.encode("utf-8")))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))
