"""Why an exposure is, or is not, in an association (``asnsql why``, ``--save-orphans``).

The answer is computed in SQL: every rule's conditions (:func:`asnsql.compile.rule_checks`:
the top ``where`` split at its ``all`` nodes, the keys every member needs, "takes one of the
roles") are evaluated as booleans over ``run_items``, the rows the rule queries read, for
the chosen pool rows and every candidate run they belong to. The first condition that fails
is the reason a rule does not take the exposure. Membership comes from a generator run on
the same pool. Nothing re-runs the matching in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .engine import Engine
from .errors import PoolError
from .ruleset import Ruleset, default_ruleset

__all__ = ["RuleVerdict", "Membership", "Explanation", "explain", "closest_rules",
           "finalisation_note", "verdicts"]


@dataclass
class RuleVerdict:
    """How one rule sees one exposure, in the candidate run where it got furthest.

    Attributes
    ----------
    rule : str
        Rule name.
    passed : int
        Checks passed before the first failure (all of them when ``failed`` is 0).
    total : int
        Number of checks of the rule.
    failed : int
        1-based index of the first failing check; 0 when every check passes.
    reason : str
        The failing check in words ("" when all pass).
    values : str
        The values that check read (``col=value, ...``; ``undefined`` for EMPTY values).
    cand_id, cand_type : str
        The candidate of the run (``a3001`` / ``discovered`` for discovery).
    fits : bool
        The exposure passes every check of the rule that reads its exposure type
        (:data:`asnsql.compile.EXPTYPE_COLUMNS`): the rule is one for this kind of exposure.
    note : str
        What else explains the verdict (:func:`finalisation_note`; ``--save-orphans``
        also says when no rule fits the exposure type); "" when nothing.
    """

    rule: str
    passed: int
    total: int
    failed: int
    reason: str = ""
    values: str = ""
    cand_id: str = ""
    cand_type: str = ""
    fits: bool = True
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def describe(self) -> str:
        """One line: passes, or the first failing check with the values it read; then
        the note, if any."""
        where = f"candidate {self.cand_id} ({self.cand_type})"
        if self.ok:
            text = f"passes all {self.total} checks in {where}"
        else:
            text = (f"fails check {self.failed}/{self.total} in {where}: expected "
                    f"{self.reason}; found {self.values or 'no value'}")
        return f"{text}; {self.note}" if self.note else text


@dataclass
class Membership:
    """An association (and product) an exposure is a member of."""

    association: str
    asn_type: str
    rule: str
    product: str
    exptype: str


@dataclass
class Explanation:
    """Everything ``asnsql why`` says about one pool row."""

    pool_row: int
    lineno: int | None
    filename: str
    exp_type: str
    memberships: list[Membership] = field(default_factory=list)
    rules: list[RuleVerdict] = field(default_factory=list)
    note: str = ""


def verdicts(engine: Engine, rules: Ruleset, positions: list[int],
             best_only: bool = False) -> dict[int, list[RuleVerdict]]:
    """Evaluate every rule's checks on pool rows (``run_items`` must hold their runs).

    Parameters
    ----------
    engine : Engine
        After a generator run, with ``run_items`` built for the rows' pool units.
    rules : Ruleset
    positions : list of int
        Global pool row numbers (``pos``).
    best_only : bool
        Keep, per row, only the rule that came closest.

    Returns
    -------
    dict
        ``pos`` -> verdicts, one per rule (the run where the rule got furthest), in registry
        order; with ``best_only`` a single verdict.
    """
    from .compile import checks_sql, rule_checks

    labels = {r.name: [c.label for c in rule_checks(r)] for r in rules
              if r.makes_associations}
    out: dict[int, dict[str, RuleVerdict]] = {}
    for (pos, _index, rule, _run, cand_id, cand_type, n, failed, passed, value,
         fits) in engine.rows(checks_sql(rules, best_only=best_only),
                              {"positions": list(positions)}):
        verdict = RuleVerdict(rule, passed, n, failed,
                              labels[rule][failed - 1] if failed else "", value or "",
                              cand_id, cand_type, bool(fits))
        best = out.setdefault(pos, {}).get(rule)
        if best is None or (verdict.passed, verdict.ok) > (best.passed, best.ok):
            out[pos][rule] = verdict
    return {pos: list(by_rule.values()) for pos, by_rule in out.items()}


def finalisation_note(found: list[RuleVerdict], memberships: list[Membership],
                      rules: Ruleset) -> str:
    """Why a rule whose every check passes made no association with the exposure.

    Parameters
    ----------
    found : list of RuleVerdict
        An exposure's verdicts (all rules for ``asnsql why``, the closest for orphans).
    memberships : list of Membership
        The association products the exposure joined.
    rules : Ruleset
        The rules of the verdicts (their validity tests are named).

    Returns
    -------
    str
        "" unless some rule passes every check yet the exposure is in no association:
        then finalisation dropped them (the rule's validity tests,
        spec sections 4.3 and 6.4, or duplicate pruning) or another exposure of the same
        name was taken.
    """
    passing = [v.rule for v in found if v.ok]
    if not passing or memberships:
        return ""
    tests = dict.fromkeys(t for name in passing for t in rules.get(name).validity)
    return (f"passing every check of {', '.join(passing)} but in none of its associations "
            f"means finalisation dropped them (validity tests: {', '.join(tests) or 'none'}, "
            "e.g. no science member; or duplicate pruning), or another exposure of the "
            "same name was taken")


def _build_runs(engine: Engine) -> None:
    """``run_items`` for every loaded pool unit (a generator run keeps its last chunk's)."""
    from .pipeline import build_runs

    last = engine.scalar("SELECT max(pool_id) FROM pool")
    build_runs(engine, 0, last if last is not None else 0)


def closest_rules(engine: Engine, rules: Ruleset | None,
                  positions: list[int]) -> dict[int, RuleVerdict]:
    """For each pool row, the rule that came closest to taking it (``--save-orphans``).

    Parameters
    ----------
    engine : Engine
        After :func:`asnsql.batch.run_generator` (its candidate runs are read).
    rules : Ruleset or None
        Default: the JWST rules.
    positions : list of int
        Pool rows (``pos``), e.g. the orphans.

    Returns
    -------
    dict
        ``pos`` -> :class:`RuleVerdict` of the closest rule among those that fit the
        exposure type (see :attr:`RuleVerdict.fits`); when none fits, the closest overall,
        its note saying so. Closest: most checks passed; ties go to the earlier rule in
        registry order. The note adds :func:`finalisation_note`.
    """
    if not positions:
        return {}
    rules = rules or default_ruleset()
    _build_runs(engine)
    found = verdicts(engine, rules, positions, best_only=True)
    out = {}
    for pos, (verdict,) in found.items():
        notes = [] if verdict.fits else [
            "no rule is one for this exposure type (each fails a check reading exp_type); "
            "closest rule overall"]
        notes.append(finalisation_note([verdict], [], rules))
        verdict.note = "; ".join(n for n in notes if n)
        out[pos] = verdict
    return out


def _find_row(engine: Engine, info, which: Any) -> tuple[int, int | None, str, str]:
    """The global ``pos``, line, file name and exp_type of a row given by number or name."""
    base = ("SELECT p.pos, p.lineno, d.filename, d.exp_type, "
            "p.pos - (SELECT min(pos) FROM pool WHERE src = p.src) AS pool_row "
            "FROM pool AS p JOIN pool_raw AS d USING (pos) ")
    text = str(which).strip()
    if text.isdigit():
        rows = engine.rows(base + "WHERE pool_row = $n ORDER BY p.pos", {"n": int(text)})
        if not rows:
            raise PoolError(f"{info.where} has no row {text} (rows are numbered from 0 to "
                            f"{info.rows - 1})")
    else:
        from .naming import stem_without_suffix

        wanted = text.lower().rsplit("/", 1)[-1]
        rows = engine.rows(base + "WHERE lower(d.filename) = $name ORDER BY p.pos",
                           {"name": wanted})
        if not rows:
            stem = stem_without_suffix(wanted)
            candidates = engine.rows(base + "WHERE starts_with(lower(d.filename), $stem) "
                                     "ORDER BY p.pos", {"stem": stem})
            rows = [r for r in candidates if stem_without_suffix(r[2]) == stem]
        if not rows:
            raise PoolError(f"{info.where} has no exposure named {text!r} (give the pool's "
                            "filename value, an exposure name, or a row number)")
    pos, lineno, filename, exp_type, _ = rows[0]
    return pos, lineno, filename, exp_type


def explain(pool: Any, which: Any, rules: Ruleset | None = None, **options) -> Explanation:
    """Explain what the rules make of one exposure of a pool.

    Parameters
    ----------
    pool : path, astropy Table, pyarrow Table or DuckDB relation
        As for :func:`asnsql.generate`.
    which : int or str
        The pool row (0-based, as ``pool_row`` in :mod:`asnsql.session` tables), or the
        exposure's ``filename`` (an exposure name with another suffix also finds it).
    rules : Ruleset, optional
        Default: the JWST rules.
    **options
        Generator options (:class:`asnsql.options.Options` fields).

    Returns
    -------
    Explanation
        The associations the exposure joined (with rule, product and exptype) and, for every
        rule, the first condition it fails or that it passes every one.

    Raises
    ------
    PoolError
        When the pool cannot be read or has no such row.
    """
    from .batch import run_generator
    from .options import Options

    rules = rules or default_ruleset()
    opts = Options(**options)
    with Engine.for_pools([pool]) as engine:
        result = run_generator(engine, pool, rules, opts)
        pos, lineno, filename, exp_type = _find_row(engine, result.pool, which)
        first = engine.scalar("SELECT min(pos) FROM pool WHERE src = "
                              "(SELECT src FROM pool WHERE pos = $p)", {"p": pos})
        found = Explanation(pos - first, lineno, filename, exp_type)
        for asn in result.associations:
            for product in asn["products"]:
                for member in product["members"]:
                    item = getattr(member, "item", None)
                    if item is not None and item.get("pos") == pos:
                        found.memberships.append(Membership(
                            getattr(asn, "name", ""), asn.get("asn_type", ""),
                            asn.get("asn_rule", ""), product.get("name", ""),
                            member.get("exptype", "")))
        _build_runs(engine)
        found.rules = verdicts(engine, rules, [pos]).get(pos, [])
        found.note = finalisation_note(found.rules, found.memberships, rules)
    return found
