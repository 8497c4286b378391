"""Per-phase wall times of a generator run, returned to the caller (the CLI's ``-v``).

The library only measures: the caller passes a dict, and each phase adds its seconds to
the entry of its name. Nothing is printed here.
"""

from __future__ import annotations

import time
from typing import Callable

__all__ = ["PhaseClock", "PHASE_SHARES"]

#: Each phase's share of a run's work, for progress reports: ``read pool`` and
#: ``candidates`` of every pool row at once, ``rule queries`` and ``assembly`` per chunk.
#: Rough shares of the phase times ``asnsql generate -v`` prints on large corpus pools.
PHASE_SHARES = {"read pool": 0.15, "candidates": 0.1, "rule queries": 0.5, "assembly": 0.25}


class PhaseClock:
    """Adds the time since the last lap to a named phase of ``timings``.

    Parameters
    ----------
    timings : dict of str to float, optional
        Phase name -> seconds, accumulated across laps (and across calls: several pools or
        chunks add up). ``None`` measures nothing.
    progress : callable, optional
        Called as ``progress(done, total)`` at each lap of a phase of
        :data:`PHASE_SHARES` once :meth:`begin` gave the total: ``done`` is the pool rows
        times the share of the phases completed, so the count rises through the phases
        of one pool (not only from chunk to chunk) and ends at ``total``.

    Notes
    -----
    ``asn_generate -v`` logs its progress at INFO level; asnsql's CLI prints these phase
    times instead (``asnsql generate -v``).
    """

    def __init__(self, timings: dict[str, float] | None,
                 progress: Callable[[int, int], None] | None = None):
        self.timings = timings
        self.start = time.perf_counter()
        self.progress = progress
        self.total = 0
        #: Pool rows the next ``rule queries`` and ``assembly`` laps are about (a chunk's).
        self.rows = 0
        self.done = 0.0

    def begin(self, total: int) -> None:
        """Start reporting progress over ``total`` pool rows (all in one chunk until
        :attr:`rows` is set)."""
        self.total = self.rows = total
        self.done = 0.0
        if self.progress is not None:
            self.progress(0, total)

    def lap(self, phase: str) -> None:
        """Add the seconds since the last lap (or restart) to ``phase``."""
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.start
        self.start = now
        if self.progress is not None and self.total and phase in PHASE_SHARES:
            loaded = phase in ("read pool", "candidates")
            self.done += PHASE_SHARES[phase] * (self.total if loaded else self.rows)
            self.progress(min(round(self.done), self.total), self.total)

    def restart(self) -> None:
        """Start the next lap now (time spent elsewhere, e.g. by a consumer, not counted)."""
        self.start = time.perf_counter()
