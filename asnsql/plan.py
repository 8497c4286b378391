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

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .model import Rule, Ruleset
from .options import Options
from .profiles import Profile, get_profile

__all__ = ["Plan", "cache_dir", "default_rules", "rule_columns", "rules_from_json",
           "rules_to_json", "write_cache_file"]


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is off (``ASNSQL_CACHE=off``, ``0``,
    ``no`` or ``false``). ``ASNSQL_CACHE`` names the folder; ``on``, ``1``, ``yes`` and
    ``true`` keep the default (``$XDG_CACHE_HOME/asnsql``, else ``~/.cache/asnsql``)."""
    setting = os.environ.get("ASNSQL_CACHE")
    if setting and setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting and setting.lower() not in ("on", "1", "yes", "true"):
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
    unlocked : dict
        Rule name -> ``(screen column, SQL text)`` for the rules with ``locks``: the
        rule's query compiled without them, which gives the same rows where the screen's
        column is false (:func:`asnsql.compile.screen.lock_test`) and plans faster.
    screen : str
        The screen query (:func:`asnsql.compile.screen_sql`), or ``""`` without such rules.
    columns : dict
        Rule name -> the pool columns its query reads.
    pool_sql : str
        The statements making the pool tables (:func:`asnsql.pooltables.pool_tables_sql`) with
        the columns the queries and the screen read.
    """

    rules: Ruleset
    options: Options
    profile: Profile
    queries: dict[str, str] = field(default_factory=dict)
    unlocked: dict[str, tuple[str, str]] = field(default_factory=dict)
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
            rules = default_rules(profile)
        # The same (immutable) ruleset again in this process, with the same profile
        # content and cache folder: the SQL made last time, without spelling out the rules
        # for the cache key (most of the time this method takes).
        again = (id(rules), profile.fingerprint(), str(cache_dir()), options.finalize,
                 options.split_programs)
        built = _BUILT.get(again)
        if built is not None and built[0] is rules:
            columns, text = built[1], built[2]
        else:
            columns, text = _texts(rules, options, profile)
            with _BUILT_LOCK:  # (threads may build plans at once)
                _BUILT[again] = (rules, columns, text)
                while len(_BUILT) > _MEMO_SIZE:
                    del _BUILT[next(iter(_BUILT))]
        return cls(rules=rules, options=options, profile=profile, queries=text["queries"],
                   unlocked={name: tuple(pair)
                             for name, pair in text.get("unlocked", {}).items()},
                   screen=text["screen"], columns=columns, pool_sql=text["pool_sql"])


def _texts(rules: Ruleset, options: Options, profile: Profile) -> tuple[dict, dict]:
    """The columns each rule reads, and the SQL texts of the plan (compiled, or from the
    caches of :func:`_cached`)."""
    active = tuple(r for r in rules if r.makes_associations)
    columns = {r.name: frozenset(rule_columns(r, profile)) for r in active}
    read = set().union(*columns.values()) | (set(profile.vocabulary.screen_columns)
                                              - set(profile.reserved_columns))
    # (the rule IR holds tuples, strings and frozen dataclasses only: its repr is the same
    # in every process)
    key = "\n".join([_fingerprint(), profile.fingerprint(), repr(rules),
                     repr((options.finalize, options.split_programs, sorted(read)))])
    return columns, _cached(key, lambda: _compile(active, options, profile, read))


#: Plans built in this process, by the identity of their (immutable) ruleset, the profile's
#: fingerprint, the cache folder and the options that shape the SQL: -> (ruleset, columns,
#: texts), oldest first (the ruleset held, so that its identity is not reused).
_BUILT: dict[tuple, tuple] = {}
_BUILT_LOCK = threading.Lock()


def _compile(active: tuple[Rule, ...], options: Options, profile: Profile,
             read: set[str]) -> dict:
    """The SQL texts of a plan (imports sqlglot and the compiler)."""
    from dataclasses import replace

    from .compile import compile_rule, screen_sql
    from .compile.screen import LOCKS_COLUMN
    from .pooltables import pool_tables_sql, table_columns

    vocabulary = profile.vocabulary

    def text(rule: Rule) -> str:
        return compile_rule(rule, options.finalize, vocabulary).sql(dialect="duckdb",
                                                                   copy=False)

    queries = {r.name: text(r) for r in active}
    unlocked = {r.name: (LOCKS_COLUMN.format(rule=r.name), text(replace(r, locks=())))
                for r in active if r.locks}
    screen = screen_sql(active, options.finalize, vocabulary) if active else ""
    tables = table_columns(profile, set(profile.pool.standard) | read, read)
    return {"queries": queries, "unlocked": unlocked, "screen": screen,
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
        return json.loads(_read_cache_file(path))
    except (OSError, ValueError):
        pass
    value = build()
    write_cache_file(path, json.dumps(value))
    return value


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """asnsql's, sqlglot's and DuckDB's versions, and a hash of the package's source (every
    module: whichever shapes the SQL or the parsed rules; 0.7 MB, ~3 ms) (read once per
    process; sqlglot's version without importing it, :func:`_sqlglot_version`)."""
    import sys

    from .engine import duckdb_module

    versions = (f"asnsql {sys.modules[__package__].__version__} sqlglot {_sqlglot_version()} "
                f"duckdb {duckdb_module().__version__}")
    root = Path(__file__).parent
    source = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        source.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0"
                      + path.read_bytes())
    return versions + " " + source.hexdigest()


def _sqlglot_version() -> str:
    """sqlglot's version: the text of its ``_version.py``, found without importing sqlglot
    or ``importlib.metadata`` (25 ms on a command-line run); else from its metadata."""
    from importlib.util import find_spec

    spec = find_spec("sqlglot")
    try:
        return Path(spec.origin).with_name("_version.py").read_text(encoding="utf-8")
    except (AttributeError, TypeError, OSError):   # pragma: no cover - sqlglot 30 has it
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("sqlglot")
        except PackageNotFoundError:
            return "unknown"


# --- the default rules, parsed once ---------------------------------------------------------

#: The rule IR classes a cached ruleset may hold (:mod:`asnsql.model`'s dataclasses).
_IR_CLASSES: dict[str, type] = {}


def _ir_classes() -> dict[str, type]:
    if not _IR_CLASSES:
        import dataclasses

        from . import model

        _IR_CLASSES.update({name: cls for name, cls in vars(model).items()
                            if isinstance(cls, type) and dataclasses.is_dataclass(cls)})
    return _IR_CLASSES


def rules_to_json(value):
    """The rule IR (:mod:`asnsql.model` dataclasses, tuples, strings, numbers, booleans,
    ``None``) as JSON-ready data; :func:`rules_from_json` turns it back.

    Raises
    ------
    TypeError
        For a value of any other type.
    """
    import dataclasses

    if dataclasses.is_dataclass(value) and type(value).__name__ in _ir_classes():
        return {"@": type(value).__name__,
                **{f.name: rules_to_json(getattr(value, f.name))
                   for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"@tuple": [rules_to_json(v) for v in value]}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"not rule IR: {type(value).__name__}")


def rules_from_json(data):
    """The rule IR of :func:`rules_to_json`'s data. Only :mod:`asnsql.model`'s classes are
    made; anything else raises ``KeyError`` or ``TypeError``."""
    classes = _ir_classes()

    def hook(obj: dict):
        if "@tuple" in obj:
            return tuple(obj["@tuple"])
        fields = dict(obj)
        return classes[fields.pop("@")](**fields)

    return json.loads(data, object_hook=hook)


def default_rules(profile: Profile | str | None = None) -> Ruleset:
    """The profile's default rules (:func:`asnsql.ruleset.load_rules`), parsed once: kept
    in the cache folder as JSON keyed by the rule files' bytes and the package's source, so
    that a command-line run reads them in ~4 ms instead of parsing YAML (~35 ms).

    Returns
    -------
    Ruleset

    Raises
    ------
    RuleError
        As :func:`asnsql.ruleset.load_rules` (a faulty file is never cached).
    """
    from .ruleset import default_ruleset, load_rules

    profile = get_profile(profile)
    folder = cache_dir()
    if folder is None:
        return default_ruleset() if profile is get_profile() else load_rules(profile=profile)
    key = hashlib.sha256((_fingerprint() + "\0" + profile.name).encode("utf-8"))
    for path in profile.rule_paths():
        key.update(b"\0" + path.name.encode("utf-8") + b"\0" + path.read_bytes())
    memo = ("rules", key.hexdigest(), str(folder))
    if memo in _MEMO:
        return _MEMO[memo]
    path = folder / f"rules-{key.hexdigest()}.json"
    try:
        rules = rules_from_json(_read_cache_file(path))
        if not isinstance(rules, Ruleset):
            raise TypeError("not a ruleset")
    except (OSError, ValueError, KeyError, TypeError):
        rules = load_rules(profile=profile)
        write_cache_file(path, json.dumps(rules_to_json(rules)))
    _MEMO[memo] = rules
    return rules


#: Cache files of one kind (``plan-*.json``, ``rules-*.json``) kept at most: writing one
#: more removes the least recently used (every change of asnsql, of its dependencies or of
#: a rule file makes new ones, about 1 MB for a plan).
CACHE_FILES_KEPT = 24
#: A cache folder's temporary file (``*.tmp``, a file being written) older than this
#: (seconds) was left by a process killed while writing it, and is removed.
STALE_TEMPORARY_SECONDS = 24 * 3600


def write_cache_file(path: Path, text: str) -> None:
    """Write a cache file atomically, making its folder, and remove the least recently
    used files of its kind beyond :data:`CACHE_FILES_KEPT` (a failure leaves no file and
    is not an error: the value is made again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        return
    _forget_old(path)


def _forget_old(path: Path) -> None:
    """Remove the cache files named like ``path`` (``<kind>-<sha256>.json``) beyond the
    :data:`CACHE_FILES_KEPT` most recently used (:func:`_read_cache_file` marks a file
    used); files named otherwise (Roman's footprints, one per file) are all kept. Another
    process may remove the same files, or still read one: it then makes the value again."""
    kind, dash, _ = path.name.partition("-")
    if not dash:
        return
    aged, stale = [], []
    long_ago = time.time_ns() - STALE_TEMPORARY_SECONDS * 10**9
    try:
        for entry in os.scandir(path.parent):
            name = entry.name
            if not entry.is_file():
                continue
            if name.startswith(kind + "-") and name.endswith(".json"):
                aged.append((entry.stat().st_mtime_ns, name))
            elif name.endswith(".tmp") and entry.stat().st_mtime_ns < long_ago:
                stale.append(name)      # left by a process killed while writing
    except OSError:
        return
    aged.sort(reverse=True)
    for name in [name for _, name in aged[CACHE_FILES_KEPT:]] + stale:
        with contextlib.suppress(OSError):
            os.remove(path.parent / name)


def _read_cache_file(path: Path) -> str:
    """The text of a cache file, marked as used now (its modification time).

    Raises
    ------
    OSError
        When it cannot be read.
    """
    text = path.read_text(encoding="utf-8")
    with contextlib.suppress(OSError):
        os.utime(path)
    return text


def rule_columns(rule: Rule, profile: Profile | None = None) -> set[str]:
    """The pool columns a rule's query reads (tests, keys, predicates, joins): those of
    :func:`asnsql.compile.reads.pool_columns` (pure Python; no sqlglot) with the profile's
    vocabulary (default: JWST).
    """
    from .compile.reads import pool_columns

    return pool_columns(rule, get_profile(profile).vocabulary)
