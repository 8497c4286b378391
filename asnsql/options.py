"""Generator options (:class:`Options`), shared by the plan, the pipeline and the batch path."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options"]


@dataclass
class Options:
    """Generator options, named after ``asn_generate``'s (spec section 12.1).

    ``ids``, ``discover`` and ``all_candidates`` are mutually exclusive; with none of them
    both discovered and candidate associations are made (spec section 6.1).
    ``split_programs`` takes each program of a pool as a pool of its own (archive pools).
    ``skip_undefined_exptype`` leaves out the rows whose exposure type cannot be determined
    instead of refusing the pool as the reference does (spec section 7.1).
    """

    ids: list[str] | None = None
    discover: bool = False
    all_candidates: bool = False
    dms: bool = False
    version_id: str | None = None
    finalize: bool = True
    merge: bool = False
    delimiter: str = "|"
    pool_format: str | None = None
    pool_name: str | None = None
    split_programs: bool = False
    skip_undefined_exptype: bool = False

    def mode(self) -> tuple[bool, bool]:
        """Return (make candidate associations of all candidates, make discovered ones)."""
        chosen = [bool(self.ids), self.discover, self.all_candidates]
        if sum(chosen) > 1:
            raise ValueError("ids, discover and all_candidates are mutually exclusive")
        if not any(chosen):
            return True, True
        return self.all_candidates, self.discover
