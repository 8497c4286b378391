"""A small on-disk cache of generated SQL text.

Building SQL with sqlglot costs more than running it on a typical pool, and a command-line
run starts a fresh process, so generated SQL is kept in ``$ASNSQL_CACHE`` (default
``$XDG_CACHE_HOME/asnsql`` or ``~/.cache/asnsql``), keyed by a hash of what it was built
from, asnsql's version and sqlglot's. The cache only saves time: any failure to read or
write it is ignored, and ``ASNSQL_CACHE=off`` disables it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable, Iterator

__all__ = ["cached_sql", "cache_dir", "rule_text", "screen_text", "recording", "preloaded"]

#: SQL texts given by :func:`preloaded` (key -> text), consulted before the disk cache.
_PRELOADED: dict[str, str] = {}
#: Open :func:`recording` dicts; every text :func:`cached_sql` returns is added to each.
_RECORDERS: list[dict[str, str]] = []


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when caching is off."""
    setting = os.environ.get("ASNSQL_CACHE")
    if setting and setting.lower() in ("off", "0", "no", "false"):
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asnsql"


_VERSIONS: str | None = None


def _versions() -> str:
    """asnsql's and sqlglot's versions, and a hash of the modules that build SQL (the
    compiler package and the vocabulary in model.py)."""
    global _VERSIONS
    if _VERSIONS is None:
        from importlib.metadata import PackageNotFoundError, version

        from . import __version__

        try:
            sqlglot_version = version("sqlglot")
        except PackageNotFoundError:   # pragma: no cover - sqlglot is a dependency
            sqlglot_version = "unknown"

        source = hashlib.sha256()
        here = Path(__file__).parent
        for path in [*sorted((here / "compile").glob("*.py")),
                     *(here / name for name in ("model.py", "pool.py", "sqlcache.py"))]:
            source.update(path.read_bytes())
        _VERSIONS = f"asnsql {__version__} sqlglot {sqlglot_version} {source.hexdigest()}"
    return _VERSIONS


def cached_sql(key: str, build: Callable[[], str]) -> str:
    """Return the SQL for ``key`` from the cache, or ``build()`` it and store it."""
    text = _PRELOADED.get(key)
    if text is None:
        text = _cached_sql(key, build)
    for recorder in _RECORDERS:
        recorder[key] = text
    return text


@contextlib.contextmanager
def recording() -> Iterator[dict[str, str]]:
    """Collect (key -> SQL text) every text :func:`cached_sql` returns inside the block.

    What a process built here can be shipped to another one (:func:`preloaded`), e.g. from
    a Spark driver to its workers, which then neither import sqlglot nor compile rules.
    """
    texts: dict[str, str] = {}
    _RECORDERS.append(texts)
    try:
        yield texts
    finally:
        _RECORDERS.remove(texts)


@contextlib.contextmanager
def preloaded(texts: dict[str, str]) -> Iterator[None]:
    """Inside the block, :func:`cached_sql` answers the keys of ``texts`` from them.

    The texts come from :func:`recording` in a process running the same asnsql version;
    a key they lack is built (or read from the disk cache) as usual.
    """
    previous = dict(_PRELOADED)
    _PRELOADED.update(texts)
    try:
        yield
    finally:
        _PRELOADED.clear()
        _PRELOADED.update(previous)


def _cached_sql(key: str, build: Callable[[], str]) -> str:
    folder = cache_dir()
    if folder is None:
        return build()
    digest = hashlib.sha256((_versions() + "\n" + key).encode("utf-8")).hexdigest()
    path = folder / f"{digest}.sql"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    text = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        pass
    return text


def rule_text(rule, pretty: bool = False, finalized: bool = True) -> str:
    """The SQL of a rule (:func:`asnsql.compile.rule_sql`): from the cache, or compiled
    (importing sqlglot only then)."""
    def build():
        from .compile import rule_sql

        return rule_sql(rule, pretty=pretty, finalized=finalized)

    return cached_sql(f"rule {pretty} {finalized} {rule!r}", build)


def screen_text(rules, finalized: bool = True) -> str:
    """The SQL of :func:`asnsql.compile.screen_sql`, from the cache when possible."""
    rules = tuple(r for r in rules if r.product in ("per_group", "per_science"))

    def build():
        from .compile import screen_sql

        return screen_sql(rules, finalized)

    return cached_sql(f"screen {finalized} {rules!r}", build)
