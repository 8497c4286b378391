"""A :class:`Plan`: the compiled SQL of a ruleset, ready to run on any pool.

Building SQL with sqlglot costs more than running it on a typical pool, and a command-line
run starts a fresh process, so a plan's SQL is kept on disk in ``$ASNSQL_CACHE`` (default
``$XDG_CACHE_HOME/asnsql`` or ``~/.cache/asnsql``; ``ASNSQL_CACHE=off`` disables it). The
key hashes everything that shapes the SQL: the compiler's and the IR's source, the
profile's vocabulary, pool layout, macro and rule files, the rules themselves and the
options, and the versions of asnsql, sqlglot and DuckDB. A plan read from the cache imports
neither sqlglot nor the compiler. The cache only saves time: any failure to read or write it
is ignored.

Plans built in one process are also remembered by key (the last few), so repeated calls
compile once even with the cache off. A plan is plain data (it pickles): a worker process
can run it on a table (:func:`asnsql.pipeline.run_unit`) without rule files or sqlglot.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .model import Rule, Ruleset
from .options import Options
from .profiles import Profile, get_profile

__all__ = ["Plan", "cache_dir", "rule_columns"]


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is off (``ASNSQL_CACHE=off``)."""
    setting = os.environ.get("ASNSQL_CACHE")
    if setting and setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asnsql"


@dataclass(frozen=True)
class Plan:
    """The compiled SQL of a ruleset for one profile and set of options.

    Attributes
    ----------
    rules : Ruleset
        The rules, in registry order (assembly reads them).
    options : Options
        The generator options (:class:`asnsql.options.Options`) the plan was made for.
    profile : Profile
        The observatory.
    queries : dict
        Rule name -> the SQL text of its query (rules that make associations).
    screen : str
        The screen query (:func:`asnsql.compile.screen_sql`), or ``""`` without such rules.
    columns : dict
        Rule name -> the pool columns its query reads.
    pool_sql : str
        The statements making the pool tables (:func:`asnsql.pool.pool_tables_sql`) with
        the columns the queries and the screen read.
    """

    rules: Ruleset
    options: Options
    profile: Profile
    queries: dict[str, str] = field(default_factory=dict)
    screen: str = ""
    columns: dict[str, frozenset[str]] = field(default_factory=dict)
    pool_sql: str = ""

    @classmethod
    def build(cls, rules: Ruleset | None = None, options: Options | None = None,
              profile: Profile | str | None = None) -> "Plan":
        """Compile (or read from the cache) the SQL of ``rules``.

        Parameters
        ----------
        rules : Ruleset, optional
            Default: the profile's default rules.
        options : Options, optional
            Default: the defaults; ``finalize`` and
            ``split_programs`` shape the SQL, the others are kept for the run.
        profile : Profile or str, optional
            The observatory (default: JWST).

        Returns
        -------
        Plan

        Raises
        ------
        CompileError
            When a rule cannot be compiled.
        """
        profile = get_profile(profile)
        options = options or Options()
        options.mode()
        if rules is None:
            from .ruleset import default_ruleset, load_rules

            rules = (default_ruleset() if profile is get_profile()
                     else load_rules(profile=profile))
        active = tuple(r for r in rules if r.makes_associations)
        columns = {r.name: frozenset(rule_columns(r, profile)) for r in active}
        read = set().union(*columns.values()) | (set(profile.vocabulary.screen_columns)
                                                  - set(profile.reserved_columns))
        # (the rule IR holds tuples, strings and frozen dataclasses only: its repr is the
        # same in every process)
        key = "\n".join([_fingerprint(), profile.fingerprint(), repr(rules),
                         repr((options.finalize, options.split_programs, sorted(read)))])
        text = _cached(key, lambda: _compile(active, options, profile, read))
        return cls(rules=rules, options=options, profile=profile, queries=text["queries"],
                   screen=text["screen"], columns=columns, pool_sql=text["pool_sql"])


def _compile(active: tuple[Rule, ...], options: Options, profile: Profile,
             read: set[str]) -> dict:
    """The SQL texts of a plan (imports sqlglot and the compiler)."""
    from .compile import compile_rule, screen_sql
    from .pool import pool_tables_sql, table_columns

    vocabulary = profile.vocabulary
    queries = {r.name: compile_rule(r, options.finalize, vocabulary).sql(dialect="duckdb",
                                                                         copy=False)
               for r in active}
    screen = screen_sql(active, options.finalize, vocabulary) if active else ""
    tables = table_columns(profile, set(profile.pool.standard) | read, read)
    return {"queries": queries, "screen": screen,
            "pool_sql": pool_tables_sql(profile, *tables, options.split_programs)}


#: The SQL of the plans built in this process, by cache key and folder (oldest first).
_MEMO: dict[tuple[str, str], dict] = {}
_MEMO_SIZE = 8


def _cached(key: str, build) -> dict:
    """The SQL texts cached under ``key``: from this process's memo, from the cache folder,
    or ``build()`` and stored in both."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
    memo = (digest, str(cache_dir()))
    if memo in _MEMO:
        return _MEMO[memo]
    value = _from_disk(digest, build)
    _MEMO[memo] = value
    while len(_MEMO) > _MEMO_SIZE:
        del _MEMO[next(iter(_MEMO))]
    return value


def _from_disk(digest: str, build) -> dict:
    """The SQL texts of the cache folder's ``plan-<digest>.json``, or ``build()`` and
    written there (nothing on disk with ``ASNSQL_CACHE=off``)."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"plan-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(value, handle)
        os.replace(tmp, path)
    except OSError:
        pass
    return value


#: Modules whose source shapes the SQL besides the compiler (``compile.py`` or the
#: ``compile/`` package, all hashed).
_SQL_SOURCES = ("model.py", "ruleset.py", "rulecheck.py", "ruleconditions.py",
                "ruleresolve.py", "pool.py", "plan.py", "profiles/base.py")


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """asnsql's, sqlglot's and DuckDB's versions, and a hash of the source that makes SQL
    (read once per process; sqlglot's version from its metadata, without importing it)."""
    import sys
    from importlib.metadata import PackageNotFoundError, version

    import duckdb

    try:
        sqlglot_version = version("sqlglot")
    except PackageNotFoundError:   # pragma: no cover - sqlglot is a dependency
        sqlglot_version = "unknown"
    versions = (f"asnsql {sys.modules[__package__].__version__} sqlglot {sqlglot_version} "
                f"duckdb {duckdb.__version__}")
    root = Path(__file__).parent
    files = [root / name for name in _SQL_SOURCES] + [root / "compile.py"]
    files += sorted((root / "compile").rglob("*.py"))
    source = hashlib.sha256()
    for path in files:
        if path.is_file():
            source.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return versions + " " + source.hexdigest()


def rule_columns(rule: Rule, profile: Profile | None = None) -> set[str]:
    """The pool columns a rule's query reads (tests, keys, predicates, joins): those of
    :func:`asnsql.compile.reads.pool_columns` (pure Python; no sqlglot) with the profile's
    vocabulary (default: JWST).
    """
    from .compile.reads import pool_columns

    return pool_columns(rule, get_profile(profile).vocabulary)
