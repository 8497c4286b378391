"""The result rows of the rule queries, and the encoding of an association's found values.

Pure Python (no sqlglot): the assembly reads rows and decodes found values with it.

Every rule query returns one row per member of each association, with the columns
:data:`RESULT_COLUMNS` in that order (:class:`ResultRow` names them). ``found`` is set on
one member row of each association (NULL on the others): the values the association's keys
and records took, as text: ``name=v1<US>v2<RS>name=...`` with :data:`VALUE_SEPARATOR`
(US, chr(31)) between the values of one name and :data:`NAME_SEPARATOR` (RS, chr(30))
between names. Values are sorted; an empty list is written ``name=``.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["RESULT_COLUMNS", "ResultRow", "NAME_SEPARATOR", "VALUE_SEPARATOR",
           "encode_found", "decode_found", "found_display", "found_first"]

#: Between the ``name=values`` parts of the found text (ASCII record separator).
NAME_SEPARATOR = chr(30)
#: Between the values of one name (ASCII unit separator).
VALUE_SEPARATOR = chr(31)


class ResultRow(NamedTuple):
    """One result row of a rule query: a member of an association.

    Attributes
    ----------
    rule : str
        The rule's name.
    run : int
        The run (a candidate's sub-pool, or the discovery pass).
    gid : int
        The association within the run.
    created : int
        The pool row at which the reference creates the association (spec section 6.6).
    pos : int
        The member's pool row.
    role : str
        The member's role.
    exptype : str
        The member's exptype.
    phase : int
        0 for the main pass, 1 and 2 for the EXISTING / NONSCIENCE replays.
    found : str or None
        The association's found values (:func:`decode_found`), on one row only.
    """

    rule: str
    run: int
    gid: int
    created: int
    pos: int
    role: str
    exptype: str
    phase: int
    found: str | None


#: The result columns, in order.
RESULT_COLUMNS = ResultRow._fields


def encode_found(found: dict[str, list[str]]) -> str:
    """The text of found values as the queries build it (the inverse of
    :func:`decode_found`)."""
    return NAME_SEPARATOR.join(f"{name}={VALUE_SEPARATOR.join(values)}"
                               for name, values in found.items())


def decode_found(text: str | None) -> dict[str, list[str]]:
    """Found values from their text: name -> values (empty text: no values)."""
    found: dict[str, list[str]] = {}
    if text:
        for part in text.split(NAME_SEPARATOR):
            name, _, values = part.partition("=")
            found[name] = values.split(VALUE_SEPARATOR) if values else []
    return found


def found_display(text: str | None) -> str:
    """Found values for people: ``name=v1,v2; name=...``."""
    return (text or "").replace(VALUE_SEPARATOR, ",").replace(NAME_SEPARATOR, "; ")


def found_first(text: str | None, name: str) -> str | None:
    """The first (smallest) value found for ``name``, ``None`` when there is none."""
    values = decode_found(text).get(name)
    return values[0] if values else None
