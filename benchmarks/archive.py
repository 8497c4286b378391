"""Synthetic archive pools: the corpus's real JWST pools copied under fresh programs.

An archive pool holds many programs in one file. :func:`make_archive_pool` repeats the real
``jw*`` pools of the corpus, each copy under a new program number (file names, ``obs_id``,
``visit_id`` and ``program`` rewritten consistently), until the pool has the rows asked for.
Generated with ``split_programs=True``, each program must give what it gives alone.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["real_pools", "make_archive_pool", "FIRST_PROGRAM"]

#: Programs of the copies start here (and increase by one per copy).
FIRST_PROGRAM = 10000
#: Columns that carry the program number, and how they spell it.
_PROGRAM_COLUMNS = ("filename", "obs_id", "visit_id")


def real_pools(corpus: Path) -> list[Path]:
    """The corpus's real JWST pools (``jw*``), in name order."""
    return sorted(p / f"{p.name}.csv" for p in Path(corpus).iterdir()
                  if p.name.startswith("jw") and (p / f"{p.name}.csv").is_file())


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    lines = [line.rstrip("\n").rstrip("\r") for line in path.read_text().splitlines()]
    lines = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    header = [h.strip().lower() for h in lines[0].split("|")]
    return header, [line.split("|") for line in lines[1:]]


def make_archive_pool(corpus: Path, rows: int, path: Path) -> dict:
    """Write an archive pool of at least ``rows`` rows to ``path``.

    Parameters
    ----------
    corpus : pathlib.Path
        The shared corpus folder.
    rows : int
        Rows wanted; whole program copies are added until reached.
    path : pathlib.Path
        The pool file to write (``|``-delimited, one header).

    Returns
    -------
    dict
        ``rows``, ``programs`` and ``copies`` (original pool name per program).
    """
    sources = [(p.stem, *_read(p)) for p in real_pools(corpus)]
    if not sources:
        raise ValueError(f"no real JWST pools (jw*/jw*.csv) in {corpus} to copy")
    header: list[str] = []
    for _, cols, _ in sources:
        header += [c for c in cols if c not in header]
    written, program = 0, FIRST_PROGRAM
    copies = {}
    with open(path, "w") as out:
        out.write("# synthetic archive pool made by benchmarks/archive.py\n")
        out.write("|".join(header) + "\n")
        while written < rows:
            for name, cols, data in sources:
                if written >= rows:
                    break
                index = {c: i for i, c in enumerate(cols)}
                old = data[0][index["program"]].strip()
                old5 = f"{int(old):05d}"
                new5 = f"{program:05d}"
                for values in data:
                    row = []
                    for column in header:
                        value = values[index[column]] if column in index else ""
                        if column == "program":
                            value = str(program)
                        elif column in _PROGRAM_COLUMNS:
                            value = re.sub(old5, new5, value, count=1)
                        row.append(value)
                    out.write("|".join(row) + "\n")
                written += len(data)
                copies[str(program)] = name
                program += 1
    return {"rows": written, "programs": len(copies), "copies": copies}
