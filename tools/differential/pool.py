"""Pools as text tables: read, write, and each column's observed vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: The pool column holding the candidate list, e.g. ``[('o001', 'observation')]``.
CANDIDATE_COLUMN = "asn_candidate"
#: Columns a mutation never changes: the exposure's identity.
FIXED_COLUMNS = ("filename",)
NULL = "null"


@dataclass
class Pool:
    """A ``|``-delimited pool: its header (names lower-cased) and rows of text fields.

    Comment lines (``#``) and blank lines are dropped on reading; both generators ignore
    them.
    """

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    name: str = "pool"

    @classmethod
    def read(cls, path: str | Path) -> "Pool":
        """Read a pool file.

        Parameters
        ----------
        path : path
            A ``|``-delimited pool file.

        Returns
        -------
        Pool

        Raises
        ------
        ValueError
            When a row has a different number of fields than the header.
        """
        path = Path(path)
        lines = [line.rstrip("\r\n") for line in path.read_text().splitlines()]
        lines = [line for line in lines if line.strip() and not line.startswith("#")]
        header = [name.strip().lower() for name in lines[0].split("|")]
        rows = [line.split("|") for line in lines[1:]]
        for number, row in enumerate(rows, 2):
            if len(row) != len(header):
                raise ValueError(f"{path}: row {number} has {len(row)} fields, the header "
                                 f"{len(header)}")
        return cls(header, rows, path.stem)

    def text(self) -> str:
        """The pool as file text."""
        return "\n".join("|".join(row) for row in [self.header, *self.rows]) + "\n"

    def write(self, path: str | Path) -> Path:
        """Write the pool to ``path`` and return it."""
        path = Path(path)
        path.write_text(self.text())
        return path

    def subset(self, indexes) -> "Pool":
        """A pool of the rows at ``indexes`` (in pool order)."""
        keep = sorted(set(indexes))
        return Pool(list(self.header), [list(self.rows[i]) for i in keep], self.name)

    def copy(self) -> "Pool":
        """A deep copy."""
        return self.subset(range(len(self.rows)))

    def column(self, name: str) -> int:
        """Index of column ``name`` (lower case)."""
        return self.header.index(name)

    def vocabulary(self) -> dict[str, list[str]]:
        """Each column's distinct values (as written, first-seen order), ``null`` included.

        Columns in :data:`FIXED_COLUMNS` and the candidate column are left out: their
        values identify an exposure or are mutated as candidate lists.
        """
        out: dict[str, list[str]] = {}
        for index, name in enumerate(self.header):
            if name in FIXED_COLUMNS or name == CANDIDATE_COLUMN:
                continue
            seen = dict.fromkeys(row[index] for row in self.rows)
            out[name] = list(seen)
        return out
