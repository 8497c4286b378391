"""Transitional: ``asnsql/compile.py`` still imports :func:`cached_sql`.

The SQL cache is now the :class:`asnsql.plan.Plan`'s, whose key hashes everything that
shapes the SQL; the compiler is pure and builds afresh. Delete this module when the
compiler package (issue 13, item 1) lands: it no longer imports it.
"""

from __future__ import annotations

from typing import Callable

__all__ = ["cached_sql"]


def cached_sql(key: str, build: Callable[[], str]) -> str:
    """Return ``build()`` (``key`` is ignored: no cache here, see :mod:`asnsql.plan`)."""
    return build()
