"""Mutations of a pool as real programs vary, and the generator modes a case runs in.

Each case is drawn from its own seeded random generator (``seed:index``), so a case is
reproduced from the seed and its index alone, whichever worker runs it.
"""

from __future__ import annotations

import ast
import random
import re
from dataclasses import dataclass, field

from .pool import CANDIDATE_COLUMN, NULL, Pool

#: The modes of the corpus (``modes/modes.json``) plus ``--no-finalize``, with their weights.
#: name -> (weight, reference arguments, asnsql ``generate`` options); ``ids`` draws its ids.
MODES = {
    "default": (40, [], {}),
    "discover": (10, ["--discover"], {"discover": True}),
    "all-candidates": (15, ["--all-candidates"], {"all_candidates": True}),
    "ids": (15, ["-i"], {}),
    "dms": (8, ["--DMS"], {"dms": True}),
    "merge": (7, ["--merge"], {"merge": True}),
    "no-finalize": (5, ["--no-finalize"], {"finalize": False}),
}

#: Candidate types a new candidate may get when the pool has none besides observations.
CANDIDATE_TYPES = ("background", "group")

_ID = re.compile(r"^([a-z])(\d+)$", re.IGNORECASE)


@dataclass
class Mode:
    """How both generators are run: the reference's arguments and asnsql's options."""

    name: str
    args: list[str] = field(default_factory=list)
    options: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The mode as a JSON-able dict."""
        return {"name": self.name, "args": self.args, "options": self.options}


@dataclass
class Case:
    """One mutated pool and the mode to run it in."""

    index: int
    source: str
    pool: Pool
    mutations: list[str]
    mode: Mode


def parse_candidates(text: str) -> list[tuple[str, str]] | None:
    """The (id, type) pairs of an ``asn_candidate`` field, or None when it is not a list.

    Parameters
    ----------
    text : str
        E.g. ``[('o001', 'observation'), ('c1000', 'background')]``.
    """
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError):
        return None
    if not isinstance(value, (list, tuple)):
        return None
    pairs = []
    for item in value:
        if not (isinstance(item, (list, tuple)) and len(item) == 2):
            return None
        pairs.append((str(item[0]), str(item[1])))
    return pairs


def format_candidates(pairs: list[tuple[str, str]]) -> str:
    """The ``asn_candidate`` text of (id, type) pairs, as pools write it."""
    return "[" + ", ".join(f"('{cid}', '{ctype}')" for cid, ctype in pairs) + "]"


def _candidate_cells(pool: Pool) -> dict[int, list[tuple[str, str]]]:
    """Row index -> its parsed candidates (rows whose field is not a list left out)."""
    if CANDIDATE_COLUMN not in pool.header:
        return {}
    col = pool.column(CANDIDATE_COLUMN)
    out = {}
    for index, row in enumerate(pool.rows):
        pairs = parse_candidates(row[col])
        if pairs is not None:
            out[index] = pairs
    return out


def _unused_id(used: set[str], prefix: str, rng: random.Random) -> str:
    width = 3 if prefix.lower() == "o" else 4
    low = 1 if width == 3 else 1000
    while True:
        candidate = f"{prefix}{rng.randrange(low, low + 200):0{width}d}"
        if candidate.lower() not in used:
            return candidate


def drop_rows(pool: Pool, rng: random.Random) -> str | None:
    """Drop between one row and a third of the rows (at least one row is kept)."""
    n = len(pool.rows)
    if n < 2:
        return None
    k = rng.randint(1, max(1, n // 3))
    dropped = sorted(rng.sample(range(n), k))
    pool.rows = [row for i, row in enumerate(pool.rows) if i not in set(dropped)]
    return f"drop rows {dropped}"


def _pick(pool: Pool, rng: random.Random, columns: list[str]) -> tuple[int, int] | None:
    """A random (row, column index) among ``columns`` (None when there is none)."""
    if not columns or not pool.rows:
        return None
    col = pool.column(rng.choice(columns))
    return rng.randrange(len(pool.rows)), col


def _set(pool: Pool, index: int, col: int, value: str) -> str:
    """Set one cell and describe the change."""
    old = pool.rows[index][col]
    pool.rows[index][col] = value
    return f"row {index} {pool.header[col]}: {old!r} -> {value!r}"


def change_value(pool: Pool, rng: random.Random, vocabulary: dict[str, list[str]]
                 ) -> str | None:
    """Set one cell to another value its column takes in the original pool."""
    picked = _pick(pool, rng, [c for c, values in vocabulary.items()
                               if len(values) > 1 and c in pool.header])
    if picked is None:
        return None
    index, col = picked
    choices = [v for v in vocabulary[pool.header[col]] if v != pool.rows[index][col]]
    if not choices:
        return None
    return _set(pool, index, col, rng.choice(choices))


def null_value(pool: Pool, rng: random.Random, vocabulary: dict[str, list[str]]
               ) -> str | None:
    """Set one defined cell (not the file name nor the candidates) to ``null``."""
    cells = [(i, c) for c, name in enumerate(pool.header) if name in vocabulary
             for i, row in enumerate(pool.rows) if row[c].strip().lower() not in (NULL, "")]
    if not cells:
        return None
    index, col = rng.choice(cells)
    old = pool.rows[index][col]
    pool.rows[index][col] = NULL
    return f"row {index} {pool.header[col]}: {old!r} -> null"


#: Flag columns a program sets on some exposures (``t``) and not on others.
FLAG_COLUMNS = ("bkgdtarg", "is_psf", "is_imprt", "tsovisit")
_UNDEFINED = ("", NULL, "f", "n", "false", "--", "n/a")


def flip_flag(pool: Pool, rng: random.Random) -> str | None:
    """Set a flag column (:data:`FLAG_COLUMNS`) of one row: ``t`` where it is undefined,
    ``f`` where it is set (an exposure marked background, PSF, imprint or TSO, or not)."""
    picked = _pick(pool, rng, [c for c in FLAG_COLUMNS if c in pool.header])
    if picked is None:
        return None
    index, col = picked
    undefined = pool.rows[index][col].strip().lower() in _UNDEFINED
    return _set(pool, index, col, "t" if undefined else "f")


def add_candidate(pool: Pool, rng: random.Random) -> str | None:
    """Add one candidate (one the pool has, or a new one) to one to three rows."""
    cells = _candidate_cells(pool)
    if not cells:
        return None
    known = {pair for pairs in cells.values() for pair in pairs if pair[1] != "observation"}
    used = {cid.lower() for pairs in cells.values() for cid, _ in pairs}
    if known and rng.random() < 0.5:
        pair = rng.choice(sorted(known))
    else:
        types = sorted({t for _, t in known}) or list(CANDIDATE_TYPES)
        pair = (_unused_id(used, "c", rng), rng.choice(types))
    rows = [i for i, pairs in cells.items() if pair not in pairs]
    if not rows:
        return None
    chosen = sorted(rng.sample(rows, min(len(rows), rng.randint(1, 3))))
    col = pool.column(CANDIDATE_COLUMN)
    for i in chosen:
        pool.rows[i][col] = format_candidates(cells[i] + [pair])
    return f"add candidate {pair} to rows {chosen}"


def renumber_candidate(pool: Pool, rng: random.Random) -> str | None:
    """Give a candidate an unused id, in all its rows or (splitting it) in some of them."""
    cells = _candidate_cells(pool)
    ids = sorted({cid for pairs in cells.values() for cid, _ in pairs if _ID.match(cid)})
    if not ids:
        return None
    old = rng.choice(ids)
    used = {cid.lower() for pairs in cells.values() for cid, _ in pairs}
    new = _unused_id(used, old[0], rng)
    rows = [i for i, pairs in cells.items() if any(cid == old for cid, _ in pairs)]
    if len(rows) > 1 and rng.random() < 0.4:
        rows = sorted(rng.sample(rows, rng.randint(1, len(rows) - 1)))
        what = f"renumber candidate {old} -> {new} in rows {rows}"
    else:
        what = f"renumber candidate {old} -> {new}"
    col = pool.column(CANDIDATE_COLUMN)
    for i in rows:
        pool.rows[i][col] = format_candidates(
            [(new if cid == old else cid, ctype) for cid, ctype in cells[i]])
    return what


#: Columns rules read as optical-path keys (Mode, opt_elem, opt_elem2...): the ``borrow``
#: mutation sets them to values other pools hold, so that, for instance, a MIRI exposure
#: gets a ``pupil`` (a column real pools of one instrument define alike).
BORROWED_COLUMNS = ("filter", "band", "pupil", "grating", "subarray", "channel", "fxd_slit",
                    "detector")


def borrowed_vocabulary(pools) -> dict[str, list[str]]:
    """:data:`BORROWED_COLUMNS`' values over ``pools`` (an iterable of Pool), defined ones
    only, sorted (so a seed draws the same values whatever the pools' order)."""
    out: dict[str, set[str]] = {c: set() for c in BORROWED_COLUMNS}
    for pool in pools:
        for column in BORROWED_COLUMNS:
            if column in pool.header:
                index = pool.column(column)
                out[column].update(row[index] for row in pool.rows
                                   if row[index].strip().lower() not in _UNDEFINED)
    return {c: sorted(v) for c, v in out.items() if v}


def borrow_value(pool: Pool, rng: random.Random, borrowed: dict[str, list[str]]
                 ) -> str | None:
    """Set one cell of an optical-path column to a value another pool holds there, or,
    one time in four, to ``null``."""
    picked = _pick(pool, rng, [c for c in borrowed if c in pool.header])
    if picked is None:
        return None
    index, col = picked
    if rng.random() < 0.25:
        value = NULL
    else:
        value = rng.choice(borrowed[pool.header[col]])
    if value == pool.rows[index][col]:
        return None
    return _set(pool, index, col, value)


#: The mutation kinds with their weights (``borrow`` only when asked for, so that the cases
#: of a seed run without it stay as they were).
BORROW_WEIGHT = 30
MUTATIONS = {
    "drop": 30,
    "change": 30,
    "null": 15,
    "flag": 12,
    "add-candidate": 12,
    "renumber-candidate": 13,
}


def mutate(pool: Pool, rng: random.Random, count: int | None = None,
           borrowed: dict[str, list[str]] | None = None) -> tuple[Pool, list[str]]:
    """Apply one to three mutations to a copy of ``pool``.

    Parameters
    ----------
    pool : Pool
        The original pool (left unchanged).
    rng : random.Random
    count : int, optional
        How many mutations (default: drawn from 1 to 3).
    borrowed : dict, optional
        Values of other pools (:func:`borrowed_vocabulary`): adds the ``borrow`` kind
        (weight :data:`BORROW_WEIGHT`).

    Returns
    -------
    (Pool, list of str)
        The mutated pool and one description per mutation applied.
    """
    vocabulary = pool.vocabulary()
    out = pool.copy()
    done: list[str] = []
    count = count or rng.randint(1, 3)
    kinds, weights = zip(*MUTATIONS.items(),
                         *([("borrow", BORROW_WEIGHT)] if borrowed else []))
    attempts = 0
    while len(done) < count and attempts < 20:
        attempts += 1
        kind = rng.choices(kinds, weights)[0]
        if kind == "drop":
            what = drop_rows(out, rng)
        elif kind == "change":
            what = change_value(out, rng, vocabulary)
        elif kind == "null":
            what = null_value(out, rng, vocabulary)
        elif kind == "flag":
            what = flip_flag(out, rng)
        elif kind == "borrow":
            what = borrow_value(out, rng, borrowed)
        elif kind == "add-candidate":
            what = add_candidate(out, rng)
        else:
            what = renumber_candidate(out, rng)
        if what:
            done.append(f"{kind}: {what}")
    return out, done


def choose_mode(pool: Pool, rng: random.Random) -> Mode:
    """Draw a mode (weights of :data:`MODES`); ``ids`` picks one or two of the pool's ids."""
    names = list(MODES)
    name = rng.choices(names, [MODES[n][0] for n in names])[0]
    _, args, options = MODES[name]
    if name == "ids":
        ids = sorted({cid for pairs in _candidate_cells(pool).values() for cid, _ in pairs})
        if not ids:
            return Mode("default")
        chosen = sorted(rng.sample(ids, min(len(ids), rng.randint(1, 2))))
        return Mode(name, ["-i", *chosen], {"ids": chosen})
    return Mode(name, list(args), dict(options))


def make_case(pools: dict[str, Pool], seed: int, index: int,
              borrowed: dict[str, list[str]] | None = None) -> Case:
    """Case ``index`` of a run seeded ``seed``: a source pool, its mutation, a mode.

    Parameters
    ----------
    pools : dict
        Source pool name -> Pool (drawn from in sorted name order).
    seed, index : int
    borrowed : dict, optional
        For the ``borrow`` mutation (:func:`mutate`).

    Returns
    -------
    Case
    """
    rng = random.Random(f"{seed}:{index}")
    source = rng.choice(sorted(pools))
    pool, mutations = mutate(pools[source], rng, borrowed=borrowed)
    return Case(index, source, pool, mutations, choose_mode(pool, rng))
