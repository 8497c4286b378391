"""The rule IR: frozen dataclasses that rule files parse into.

A rule of the reference (a class in ``jwst.associations.lib.rules_level2b`` /
``rules_level3``) is a constraint tree evaluated statefully, exposure by exposure. asnsql
describes the same rule as data with a small vocabulary that compiles to SQL
(:mod:`asnsql.compile`):

``where``
    A :data:`Condition` on the exposure alone. Rows failing it never take part in the rule
    (SQL ``WHERE``).
``keys``
    :class:`Key` objects: "all members share this value" constraints, the reference's locked
    attribute constraints. The first defined value locks an association, so keys become
    group keys; an *optional* key lets an exposure with no value join every association
    (a join, spec section 15).
``record``
    :class:`Key` objects with ``lock=False``: values collected from the members for naming
    and finalisation (the reference's found values of unlocked constraints).
``roles``
    :class:`Role` objects tried in order for each exposure and association, as the branches
    of the reference's ``ANY`` constraints: how the exposure joins (forms a group, is the one
    science exposure of its own association, attaches to every association, or joins
    associations sharing an observation number).

The IR is deliberately small; ETL code may build the same objects in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union

__all__ = [
    "AttrTest",
    "CandidateTest",
    "Composite",
    "Condition",
    "ExptypeTest",
    "Key",
    "PredicateTest",
    "Role",
    "Rule",
    "Ruleset",
    "EXPTYPE_FUNCTIONS",
    "JOIN_KINDS",
    "PRODUCT_KINDS",
    "PRODUCT_NAMES",
    "REPLAYS",
    "VALIDITY_TESTS",
    "CANDIDATE_TYPE_TESTS",
    "MEMBER_TYPE_TESTS",
    "SCREEN_COLUMNS",
    "PREDICATES",
    "PREDICATE_ARGUMENTS",
    "walk",
]

#: Exposure-type functions (spec section 7.2). Each names how a member's ``exptype`` is
#: derived from the exposure's base exposure type (spec section 7.1).
EXPTYPE_FUNCTIONS = {
    "level2": "base type, with psf read as science (DMSLevel2bBase)",
    "level2_special": "always science (AsnMixin_Lv2Special); a role may override it",
    "level2_wfss": "level2, with science images read as direct_image (AsnMixin_Lv2WFSS)",
    "level3": "base type unchanged (DMS_Level3_Base)",
    "level3_aux": "target_acquisition kept, everything else science (AsnMixin_AuxData)",
}

#: How an exposure in a role joins associations.
JOIN_KINDS = {
    "group": "forms and joins associations by key values (one association per distinct keys)",
    "own": "forms its own association; at most one such exposure per association "
    "(Constraint_Single_Science)",
    "all": "attaches to every association whose keys it matches",
    "same_obs_num": "joins associations holding a member of the same observation number; "
    "never forms one (the Level-3 acq_check branch)",
}

#: When the reference offers an exposure again to associations created after it.
REPLAYS = {
    "none": "only associations existing when the exposure is processed",
    "existing": "every association of the rule (EXISTING reprocess pass)",
    "nonscience": "every association of the rule (NONSCIENCE reprocess pass, last)",
}

PRODUCT_KINDS = {
    "per_group": "one association per group of key values",
    "per_science": "one association per exposure in a role that joins 'own'",
}

#: Product-name templates (spec section 10.3, 10.4).
PRODUCT_NAMES = {
    "level2": "science member's exposure name without suffix",
    "default": "jw{program}-{acid}_{target}_{instrument}_{opt}[-{slits}][-{subarray}]",
    "wfss": "as default (a WFSS product holds all sources)",
    "noopt": "jw{program}-{acid}_{target}_{instrument}",
    "sources": "jw{program}-{acid}_{{source_id}}_{instrument}_{opt}[-{slits}][-{subarray}]",
    "nrsfs_sources": "jw{program}-{acid}_{target}-{{source_id}}_{instrument}_{opt}-{{slit_name}}"
    "[-{subarray}]",
    "coronimage": "jw{program}-{acid}_{target}_{instrument}_{opt}[-{subarray}]-image3",
    "wfscmb": "{default}-{detector}_{{suffix}}-{act_id:02}",
}

#: Validity tests applied at finalisation (spec sections 8.1, 9.5).
VALIDITY_TESTS = {
    "has_science": "some member has exptype science",
    "allowed_candidates": "observation candidate, or background candidate with a "
    "background member",
    "has_psf": "some member has exptype psf",
    "has_pair": "at least two members",
    "is_type_mosaic": "the candidate type is mosaic",
    "is_type_observation": "the candidate type is observation",
    "is_not_group": "the candidate type is not group",
}

#: The part of each validity test decided by the run's candidate type alone: test name ->
#: ``(allowed, types)``: the (lower-case) candidate type must be one of ``types`` when
#: ``allowed``, none of them otherwise. The discovery pass has type ``discovered``. A run
#: failing one of these never yields a valid association of the rule, so with finalisation
#: the rule's query leaves it out (spec sections 8.1, 9.5).
CANDIDATE_TYPE_TESTS = {
    "allowed_candidates": (True, ("observation", "background")),
    "is_type_mosaic": (True, ("mosaic",)),
    "is_type_observation": (True, ("observation",)),
    "is_not_group": (False, ("group",)),
}

#: Validity tests that need a member of some ``exptype``: test name -> that exptype. With
#: finalisation, a rule's query leaves out the associations without one (finalisation would
#: drop them; spec sections 8.1, 9.5).
MEMBER_TYPE_TESTS = {
    "has_science": "science",
    "has_psf": "psf",
}

#: ``run_items`` columns with few distinct values in a chunk of an archive pool, which
#: the screen (:func:`asnsql.compile.screen_sql`) reads. ``patttype`` lets it skip the
#: WFS&C rules and ``asn_candidate`` (a candidate run's single candidate; spec section
#: 6.2.2) the pure-parallel WFSS rule on the pools that have none of theirs.
SCREEN_COLUMNS = frozenset(
    """exp_type base_exptype instrume pntgtype detector subarray visitype tsovisit is_psf
    is_imprt bkgdtarg opmode lamp filter pupil grating fxd_slit channel band cand_kind
    cand_type patttype asn_candidate""".split())

#: Named per-exposure predicates, implemented as DuckDB macros in ``sql/macros.sql``
#: (spec section 7.4).
PREDICATES = {
    "nrsfss_valid": "NIRSpec fixed-slit detector/slit/grating/filter combination is valid",
    "nrsifu_valid": "NIRSpec IFU detector/grating/filter combination is valid",
    "nrslamp_valid": "NIRSpec lamp exposure combination is valid",
    "nrccoron_valid": "NIRCam coronagraphic exposure is on an occulted detector",
    "nissoss_calibrated": "NIRISS SOSS filter is calibrated",
    "tso": "Constraint_TSO: pointing is science and the exposure is time-series",
}

#: Columns passed to each predicate macro of ``sql/macros.sql``.
PREDICATE_ARGUMENTS = {
    "nrsfss_valid": ("detector", "filter", "grating", "fxd_slit"),
    "nrsifu_valid": ("exp_type", "detector", "filter", "grating"),
    "nrslamp_valid": ("detector", "grating", "opmode", "lamp"),
    "nrccoron_valid": ("detector", "subarray", "pupil"),
    "nissoss_calibrated": ("exp_type", "filter"),
}


@dataclass(frozen=True)
class AttrTest:
    """A test of a pool column (the reference's ``DMSAttrConstraint`` without lock).

    Parameters
    ----------
    sources : tuple of str
        Columns looked up in order; the first *defined* value is tested (spec section 2.3).
    op : {'defined', 'match', 'not_contains'}
        ``defined``: the value is defined (not in the EMPTY set, spec section 1.3).
        ``match``: the value matches the reference regex (spec section 2.1).
        ``not_contains``: the value does not contain ``patterns[0]`` (the reference's
        look-ahead pattern ``((?!X).)*``).
    patterns : tuple of str
        Alternatives, joined with ``|`` into one reference pattern.
    optional : bool
        An undefined value passes (the reference's ``required=False``).
    negate : bool
        For ``defined``: require the value to be undefined.
    """

    sources: tuple[str, ...]
    op: str
    patterns: tuple[str, ...] = ()
    optional: bool = False
    negate: bool = False


@dataclass(frozen=True)
class ExptypeTest:
    """Compare an exposure type: the rule's (``base=False``) or the base one (spec 7.1)."""

    values: tuple[str, ...]
    base: bool = False
    negate: bool = False


@dataclass(frozen=True)
class PredicateTest:
    """A named per-exposure predicate from :data:`PREDICATES`, expected true or false."""

    name: str
    expect: bool = True


@dataclass(frozen=True)
class CandidateTest:
    """Test the candidate type of the run (observation, background, discovered...)."""

    types: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True)
class Composite:
    """``all`` / ``any`` / ``not_any`` / ``not_all`` of child conditions (spec section 3.4)."""

    op: str
    children: tuple["Condition", ...]


Condition = Union[AttrTest, ExptypeTest, PredicateTest, CandidateTest, Composite]


def walk(cond: Condition | None) -> Iterator[Condition]:
    """Every node of a condition tree, parents before their children (none for ``None``).

    Parameters
    ----------
    cond : Condition or None
        A condition of a rule (``None`` stands for "always true").

    Yields
    ------
    Condition
        ``cond`` itself, then the nodes under each child of a :class:`Composite`, in order.
    """
    if cond is None:
        return
    stack = [cond]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Composite):
            stack.extend(reversed(node.children))


@dataclass(frozen=True)
class Key:
    """A "same value" constraint (locked attribute constraint of the reference).

    Parameters
    ----------
    name : str
        The reference constraint name (``opt_elem``, ``target``...); product names read keys
        by name.
    sources : tuple of str
        Columns looked up in order; a lock remembers the column that supplied the value.
    optional : bool
        An exposure without a value joins any association (``required=False``).
    match : tuple of str
        Alternatives the value must match (joined with ``|``, reference regex semantics).
    when : Condition or None
        The key applies only to exposures satisfying this; other exposures join regardless
        of it (the reference's ``onlyif``, or a lock inside an ``ANY`` branch).
    roles : tuple of str
        Roles the key applies to; empty means every role.
    constant : str or None
        Value used instead of the column when ``constant_when`` holds.
    constant_when : Condition or None
        Where the constant applies (the Level-3 ``acdirect`` branch of Constraint_Target).
    lock : bool
        ``False`` for recorded values that do not constrain membership.
    """

    name: str
    sources: tuple[str, ...]
    optional: bool = False
    match: tuple[str, ...] = ()
    when: Condition | None = None
    roles: tuple[str, ...] = ()
    constant: str | None = None
    constant_when: Condition | None = None
    lock: bool = True


@dataclass(frozen=True)
class Role:
    """How an exposure joins an association; roles are tried in order (reference ``ANY``).

    Parameters
    ----------
    name : str
        A member role (``science``, ``background``, ``target_acquisition``...).
    when : Condition or None
        Which exposures may take this role.
    joins : str
        One of :data:`JOIN_KINDS`.
    creates : bool
        Whether an exposure in this role may start an association.
    replay : str
        One of :data:`REPLAYS`.
    exptype : str or None
        Member exptype for exposures of this role that the rule's exposure-type function
        calls ``science`` (the reference's ``get_exposure_type`` overrides).
    not_containing_owner : str or None
        A column whose value must not contain the association owner's value of the same
        column (the reference's pattern ``((?!X).)*`` with X the locked value).
    reports_match : bool
        Whether joining in this role counts as the association accepting the exposure
        (default). ``False`` is the reference's ``force_match`` constraint
        (Asn_Lv2MIRLRSFixedSlitNod's background): the exposure joins, but the check
        reports "no match", so the exposure may still start an association of its own;
        and an exposure can never start one through this role.

    An exposure whose first role is ``own`` starts its own association unless an
    association of the rule created at an earlier row accepts it through an ``all`` role
    listed after the ``own`` one with ``reports_match`` set (spec 5.2 step 2: a rule one of
    whose associations accepted the item does not create one from it); it then only joins
    other associations. Keys that apply to attached roles only (not to the owner) lock to
    the first exposure attached, as the reference's locks inside an attach branch do.
    """

    name: str
    when: Condition | None = None
    joins: str = "group"
    creates: bool = True
    replay: str = "none"
    exptype: str | None = None
    not_containing_owner: str | None = None
    reports_match: bool = True


@dataclass(frozen=True)
class Rule:
    """One association rule (a reference rule class), fully resolved.

    ``index`` is the rule's place in the reference's registry order (spec section 5.3),
    which decides creation order among associations started by the same exposure.
    """

    name: str
    level: int
    asn_type: str
    index: int
    where: Condition | None
    keys: tuple[Key, ...]
    record: tuple[Key, ...]
    roles: tuple[Role, ...]
    product: str = "per_group"
    product_name: str = "default"
    exptype: str = "level3"
    integrations: bool = True
    validity: tuple[str, ...] = ()
    finalize: tuple[str, ...] = ()
    doc: str = ""
    source: str = ""
    #: (role, key names): keys that an exposure joining in the role locks when they are
    #: still open in the association (spec 3.5: the locks taken inside a failing branch
    #: before its failing leaf persist when the whole check matches)
    locks: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def makes_associations(self) -> bool:
        """Whether the rule has a query of its own (``product`` ``per_group`` or
        ``per_science``); a ``none`` rule only names a set of conditions."""
        return self.product in PRODUCT_KINDS

    def role(self, name: str) -> Role:
        """Return the role called ``name``."""
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(name)


@dataclass(frozen=True)
class Ruleset:
    """An ordered collection of rules (the reference's registry)."""

    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def __iter__(self):
        return iter(self.rules)

    def __len__(self):
        return len(self.rules)

    def get(self, name: str) -> Rule:
        """Return the rule ``name`` (with or without ``Asn_`` prefix, case-insensitive)."""
        wanted = name.lower()
        for rule in self.rules:
            if rule.name.lower() in (wanted, "asn_" + wanted):
                return rule
        raise KeyError(name)

    def closest(self, name: str, also: tuple[str, ...] = ()) -> list[str]:
        """The rule names nearest to ``name``, for a "did you mean" hint.

        Parameters
        ----------
        name : str
            A rule name as a user typed it (with or without ``Asn_``, any case).
        also : tuple of str
            Other names the caller accepts (e.g. ``DMS_Level3_Base``).

        Returns
        -------
        list of str
            Exact names: the best match by :class:`difflib.SequenceMatcher` ratio on
            lower-cased names (with and without ``Asn_``), and any within 0.05 of it; empty
            when none reaches 0.6.
        """
        import difflib

        spellings: dict[str, str] = {}
        for full in [r.name for r in self.rules] + list(also):
            spellings.setdefault(full.lower(), full)
            spellings.setdefault(full.lower().removeprefix("asn_"), full)
        wanted = name.lower()
        best: dict[str, float] = {}
        for spelling, full in spellings.items():
            ratio = difflib.SequenceMatcher(None, wanted, spelling).ratio()
            best[full] = max(ratio, best.get(full, 0.0))
        top = max(best.values(), default=0.0)
        if top < 0.6:
            return []
        return sorted((full for full, ratio in best.items() if ratio >= top - 0.05),
                      key=lambda full: -best[full])

    def unknown(self, name: str, also: tuple[str, ...] = ()) -> str:
        """The message for a rule name not in the set: the closest names, if any, and where
        the list is (``also``: other names the caller accepts, see :meth:`closest`)."""
        close = self.closest(name, also)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        return f"no rule {name!r}{hint} (`asnsql rules` lists them)"
