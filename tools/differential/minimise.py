"""Delta debugging (Zeller's ddmin) of a failing input down to a 1-minimal subset."""

from __future__ import annotations

from typing import Callable, Sequence


def ddmin(items: Sequence, fails: Callable[[list], bool], max_tests: int = 200) -> list:
    """The smallest subset of ``items`` found that still ``fails``.

    Parameters
    ----------
    items : sequence
        The failing input's parts (pool row indexes); ``fails(list(items))`` is assumed.
    fails : callable
        ``fails(subset)`` is True when the subset (in the original order) still shows the
        failure.
    max_tests : int
        Stop after this many calls of ``fails`` and return the smallest failing subset so
        far.

    Returns
    -------
    list
        A failing subset; 1-minimal (removing any one item makes it pass) unless the test
        budget ran out.

    Notes
    -----
    Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input" (2002): the
    input is split into ``n`` chunks; a failing chunk replaces the input (n = 2), else a
    failing complement does (n - 1), else the granularity doubles, until chunks are single
    items. Results are cached, so a subset is never tested twice.
    """
    current = list(items)
    cache: dict[tuple, bool] = {}
    tests = 0

    def test(subset: list) -> bool:
        nonlocal tests
        key = tuple(subset)
        if key not in cache:
            if tests >= max_tests:
                return False
            tests += 1
            cache[key] = bool(fails(subset))
        return cache[key]

    n = 2
    while len(current) >= 2:
        size = len(current) / n
        chunks = [current[int(i * size):int((i + 1) * size)] for i in range(n)]
        chunks = [c for c in chunks if c]
        for chunk in chunks:
            if test(chunk):
                current, n = chunk, 2
                break
        else:
            for i in range(len(chunks)):
                rest = [x for j, c in enumerate(chunks) if j != i for x in c]
                if test(rest):
                    current, n = rest, max(n - 1, 2)
                    break
            else:
                if n >= len(current):
                    break
                n = min(len(current), n * 2)
        if tests >= max_tests:
            break
    return current
