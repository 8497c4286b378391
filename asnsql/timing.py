"""Per-phase wall times of a generator run, returned to the caller (the CLI's ``-v``).

The library only measures: the caller passes a dict, and each phase adds its seconds to
the entry of its name. Nothing is printed here.
"""

from __future__ import annotations

import time

__all__ = ["PhaseClock"]


class PhaseClock:
    """Adds the time since the last lap to a named phase of ``timings``.

    Parameters
    ----------
    timings : dict of str to float, optional
        Phase name -> seconds, accumulated across laps (and across calls: several pools or
        chunks add up). ``None`` measures nothing.

    Notes
    -----
    ``asn_generate -v`` logs its progress at INFO level; asnsql's CLI prints these phase
    times instead (``asnsql generate -v``).
    """

    def __init__(self, timings: dict[str, float] | None):
        self.timings = timings
        self.start = time.perf_counter()

    def lap(self, phase: str) -> None:
        """Add the seconds since the last lap (or restart) to ``phase``."""
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.start
        self.start = now

    def restart(self) -> None:
        """Start the next lap now (time spent elsewhere, e.g. by a consumer, not counted)."""
        self.start = time.perf_counter()
