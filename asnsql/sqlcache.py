"""A small on-disk cache of generated SQL text.

Building SQL with sqlglot costs more than running it on a typical pool, and a command-line
run starts a fresh process, so generated SQL is kept in ``$ASNSQL_CACHE`` (default
``$XDG_CACHE_HOME/asnsql`` or ``~/.cache/asnsql``), keyed by a hash of what it was built
from, asnsql's version and sqlglot's. The cache only saves time: any failure to read or
write it is ignored, and ``ASNSQL_CACHE=off`` disables it.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Callable

__all__ = ["cached_sql", "cache_dir", "rule_text", "screen_text"]


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
