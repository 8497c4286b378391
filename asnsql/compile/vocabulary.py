"""The catalogs the compiler reads: which validity tests a run's candidate type or a member's
exptype decides, the columns each predicate macro takes, the columns the screen reads.

The compiler's entry points take a :class:`Vocabulary` (default :data:`DEFAULT`, built from
the JWST catalogs of :mod:`asnsql.model`), so an observatory profile can bring its own: a
:class:`~asnsql.profiles.base.Profile` holds one (this module imports no sqlglot).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .. import model

__all__ = ["Vocabulary", "DEFAULT"]


@dataclass(frozen=True)
class Vocabulary:
    """What the compiler needs to know about an observatory's tests and macros.

    Attributes
    ----------
    candidate_type_tests : mapping
        Validity test name -> ``(allowed, types)``, the part of the test decided by the
        run's candidate type (:data:`asnsql.model.CANDIDATE_TYPE_TESTS`).
    member_type_tests : mapping
        Validity test name -> the member exptype it needs
        (:data:`asnsql.model.MEMBER_TYPE_TESTS`).
    predicate_arguments : mapping
        Predicate name -> the ``run_items`` columns passed to its macro ``asn_<name>``
        (:data:`asnsql.model.PREDICATE_ARGUMENTS`).
    screen_columns : frozenset of str
        ``run_items`` columns with few distinct values per chunk, which the screen reads
        (:data:`asnsql.model.SCREEN_COLUMNS`).
    predicates : mapping
        Predicate name -> what it tests, in words (:data:`asnsql.model.PREDICATES`), for
        the checks' labels.
    validity_tests : mapping
        Validity test name -> what it tests, in words (:data:`asnsql.model.VALIDITY_TESTS`);
        rule files are checked against these names.

    Notes
    -----
    Hashable (by content), so compiled SQL can be memoised per vocabulary.
    """

    candidate_type_tests: Mapping[str, tuple[bool, tuple[str, ...]]]
    member_type_tests: Mapping[str, str]
    predicate_arguments: Mapping[str, tuple[str, ...]]
    screen_columns: frozenset[str]
    predicates: Mapping[str, str] = field(default_factory=dict)
    validity_tests: Mapping[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.candidate_type_tests.items())),
                     tuple(sorted(self.member_type_tests.items())),
                     tuple(sorted(self.predicate_arguments.items())),
                     self.screen_columns,
                     tuple(sorted(self.predicates.items())),
                     tuple(sorted(self.validity_tests.items()))))


#: The JWST vocabulary (:mod:`asnsql.model`'s catalogs).
DEFAULT = Vocabulary(
    candidate_type_tests=model.CANDIDATE_TYPE_TESTS,
    member_type_tests=model.MEMBER_TYPE_TESTS,
    predicate_arguments=model.PREDICATE_ARGUMENTS,
    screen_columns=model.SCREEN_COLUMNS,
    predicates=model.PREDICATES,
    validity_tests=model.VALIDITY_TESTS,
)
