"""Grouped rows -> association dicts; no SQL text here.

The SQL (:mod:`asnsql.compile`) decides which exposures belong to which association. This
module spells the result as jwst 3.0.0 does: members and their names (spec sections 7.3,
10.5), product names (10.3, 10.4), metadata (8.1, 9.1, 11.1) and file names (10.1).
Finalisation (validity, hooks, pruning, numbering) is :mod:`asnsql.finalize`. It works on
whole associations, never on pool rows against associations. Spec sections are those of
docs/ASSOCIATION_SPEC.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING

from . import naming
from .model import Rule

if TYPE_CHECKING:
    from .profiles import Naming, Profile

__all__ = ["Association", "AssociationDict", "Member", "RunInfo", "build", "decode_found",
           "hook_positions", "member_positions", "to_dicts"]

DEGRADED_OK = "No known degraded exposures in association."
DEGRADED_NOT_OK = ("One or more members have an error associated with them."
                   "\nDetails can be found in the member.exposerr attribute.")


class Member(dict):
    """A product member as written (``expname``, ``exptype``...), remembering the pool
    values of its exposure in ``item`` (the reference's Member.item, ``None`` for members
    made in finalisation), which finalisation reads."""

    # (a slot, not an instance dict: archive runs make millions of members)
    __slots__ = ("item",)

    def copy_as(self, **changes) -> "Member":
        """A copy with some fields changed, of the same pool row."""
        member = Member(self, **changes)
        member.item = self.item
        return member

    @classmethod
    def made(cls, expname: str, exptype: str) -> "Member":
        """A member made in finalisation, of no pool row."""
        member = cls(expname=expname, exptype=exptype)
        member.item = None
        return member


class AssociationDict(dict):
    """An association as written to JSON, with its file name stem in ``.name``.

    It is a plain ``dict`` of the association's content (``json.dumps`` writes it as the
    reference does); ``name`` is the file name without ``.json``, e.g.
    ``jw00623-o001_image2_00001_asn``.
    """

    name: str = ""


@dataclass(frozen=True)
class RunInfo:
    """One generator run: a candidate's sub-pool, or the discovery pass.

    ``order`` is the position of the run's associations in the reference's list before
    finalisation: discovered associations first, then candidates in enumeration order.
    """

    run: int
    kind: str          # 'candidate' or 'discover'
    cand_id: str
    cand_type: str
    order: int
    pool_id: int = 0

    @property
    def asn_candidate(self) -> str:
        """The rewritten ``asn_candidate`` text of the run's members (spec section 6.2.2)."""
        return f"[('{self.cand_id}', '{self.cand_type}')]"


@dataclass(slots=True)
class Association:
    """An association under assembly (one product until merged)."""

    rule: Rule
    run: RunInfo
    created: int
    members: list[dict]
    found_text: str
    creator: dict
    sequence: int = 0
    data: AssociationDict = field(default_factory=AssociationDict)

    _found: dict | None = None

    @property
    def found(self) -> dict[str, list[str]]:
        """Key name -> values found in the members (decoded on first use)."""
        if self._found is None:
            self._found = decode_found(self.found_text)
        return self._found

    @property
    def candidate_type(self) -> str:
        """The run's candidate type, lower-case; ``discovered`` for the discovery pass."""
        return self.run.cand_type.lower() if self.run.kind == "candidate" else "discovered"

    @property
    def level(self) -> int:
        return self.rule.level

    @property
    def asn_id(self) -> str:
        return self.data["asn_id"]

    @property
    def order_key(self) -> tuple:
        return (self.run.pool_id, self.run.order, self.created, self.rule.index)

    def product(self) -> dict:
        return self.data["products"][0]


# --- building -------------------------------------------------------------------------------

def _constraints_text(rule: Rule, found_text: str) -> str:
    """A readable stand-in for the reference's ``str(constraints)``: the rule and the values
    its keys took (``Asn_Lv2Image: program=623; instrument=miri; ...``). The reference's own
    text prints function addresses and hash-ordered sets and cannot be reproduced (spec
    section 11.1); comparison tools ignore it."""
    values = found_text.replace("\x1f", ",").replace("\x1e", "; ")
    return f"{rule.name}: {values}" if values else rule.name


def decode_found(text: str) -> dict[str, list[str]]:
    """Found values as the rule queries encode them (see :mod:`asnsql.compile`)."""
    found: dict[str, list[str]] = {}
    if text:
        for part in text.split("\x1e"):
            name, _, values = part.partition("=")
            found[name] = values.split("\x1f") if values else []
    return found


def _locked_tso(found_text: str) -> bool:
    """Whether the ``is_tso`` key locked to exactly ``t`` (spec section 7.3: ``== 't'``;
    ``true``, as make-pool writes FITS logicals, is not ``t``)."""
    at = found_text.find("is_tso=t")
    if at < 0:
        return False
    end = at + len("is_tso=t")
    return (at == 0 or found_text[at - 1] == "\x1e") and \
        (end == len(found_text) or found_text[end] in "\x1e\x1f")


def build(rows, rules: dict[str, Rule], runs: dict[int, RunInfo],
          items: dict[int, dict], pool_names: dict[int, str],
          version_id: str | None, names: Naming) -> list[Association]:
    """Turn the rule queries' rows into associations, in the reference's creation order.

    Parameters
    ----------
    rows : iterable of tuple
        Rows of the compiled rule queries, one per member: ``(rule, run, gid, created, pos,
        role, exptype, phase, found)`` (:mod:`asnsql.compile`), as the queries give them:
        each association's rows together, in member order (main pass, then replays; by
        row).
    rules : dict
        Rule name -> Rule.
    runs : dict
        Run number -> RunInfo.
    items : dict
        Pool row number -> the pool values assembly needs (``filename``, ``exp_type``,
        ``exposerr``, ``targetid``, ``program``, ``asn_candidate`` and the integration flags).
    pool_names : dict
        Pool unit -> ``asn_pool`` value.
    version_id : str or None
        ``version_id`` value.
    names : Naming
        The profile's naming (:class:`asnsql.profiles.Naming`).

    Returns
    -------
    list of Association
        In creation order (discovered first, then candidates; within a run by creating row,
        then rule registry order).
    """
    asns = []
    for (rule_name, run_id, _gid), rows_of_one in groupby(rows, key=_ASSOCIATION):
        group = list(rows_of_one)
        rule = rules[rule_name]
        run = runs[run_id]
        # one row of the association carries its found values (asnsql.compile)
        found_text = ""
        for row in group:
            if row[8] is not None:
                found_text = row[8]
                break
        members, degraded = _members(rule, run, group, items,
                                     rule.level == 2 and _locked_tso(found_text))
        created = group[0][3]
        creator = items.get(created) or items[group[0][4]]
        asn = Association(rule=rule, run=run, created=created, members=members,
                          found_text=found_text, creator=creator)
        asn.data = _data(asn, pool_names[run.pool_id], version_id, degraded, names)
        asns.append(asn)
    asns.sort(key=_CREATION_ORDER)
    return asns


#: The association of a rule query's row: (rule, run, gid).
_ASSOCIATION = itemgetter(0, 1, 2)
_CREATION_ORDER = attrgetter("order_key")


def _members(rule: Rule, run: RunInfo, group: list[tuple], items: dict[int, dict],
             tso_locked: bool) -> tuple[list[Member], bool]:
    """The members of one association from its rows (in member order), and whether one of
    them has an exposure error (spec sections 4.2, 7.3, 10.5).

    A member's name takes ``ints`` for coronagraphy (rules that use integrations), AMI or
    TSO exposures; in a Level-2 association locked to ``TSVISIT=T`` every science-pointing
    member from the one that locked it (the first whose ``tsovisit`` is defined,
    ``locks_tso``) does too. An equal member (name and type) is not added twice.
    """
    level2 = rule.level == 2
    coron_ints = rule.integrations
    # (the lock holds from the first member that sets it: members added before keep their
    # names, as in the reference, which names a member when it is added)
    lockable, locked = level2 and tso_locked, False
    candidate = run.asn_candidate if run.kind == "candidate" else None
    level2_name, level3_name, empty = (naming.level2_member_name, naming.level3_member_name,
                                       naming.EMPTY)
    members: list[Member] = []
    seen = set()
    degraded = False
    for row in group:
        item = items[row[4]]
        exptype = row[6]
        if lockable and not locked:
            locked = item["locks_tso"]
        ints = (item["item_ami"] or item["item_tso"] or (coron_ints and item["item_coron"])
                or (locked and item["science_pointing"]))
        if level2:
            expname = level2_name(item["filename"], ints)
        else:
            expname = level3_name(item["filename"], item["exp_type"], exptype, ints)
        key = (expname, exptype)
        if key in seen:
            continue
        seen.add(key)
        exposerr = item["exposerr"]
        # (item by item: cheaper than keyword arguments, for millions of members)
        member = Member()
        member["expname"] = expname
        member["exptype"] = exptype
        member["exposerr"] = exposerr
        if not level2:
            member["asn_candidate"] = candidate or item["asn_candidate"]
        member.item = item
        members.append(member)
        if not degraded and exposerr not in empty:
            degraded = True
    return members, degraded


def _data(asn: Association, pool_name: str, version_id: str | None, degraded: bool,
          names: Naming) -> dict:
    rule, run = asn.rule, asn.run
    acid = run.cand_id if run.kind == "candidate" else names.discovered_id
    program = str(asn.creator["program"]).rjust(5, "0")
    prefix = "candidate" if run.kind == "candidate" else "discover"
    data = AssociationDict({
        "asn_type": rule.asn_type,
        "asn_rule": f"{prefix}_{rule.name}",
        "version_id": version_id,
        "code_version": names.code_version,
        "degraded_status": DEGRADED_NOT_OK if degraded else DEGRADED_OK,
        "program": program,
        "constraints": None,        # filled in by to_dicts, for the associations kept
        "asn_id": acid,
    })
    if rule.level == 2:
        data["asn_pool"] = pool_name
        data["target"] = asn.creator["targetid"]
        name = naming.level2_product_name(asn.members)
    else:
        data["target"] = naming.level3_target(asn.found)
        data["asn_pool"] = pool_name
        name = naming.level3_product_name(rule.product_name, program, acid, asn.found)
    data["products"] = [{"name": name, "members": asn.members}]
    return data


def member_positions(asns: list[Association]) -> set[int]:
    """Pool rows that are members of the given associations."""
    return {m.item["pos"] for a in asns for p in a.data["products"] for m in p["members"]
            if getattr(m, "item", None) is not None}


def hook_positions(asns: list[Association], profile: Profile) -> set[int]:
    """Pool rows (``pos``) whose hook-only values (:attr:`Profile.hook_only_columns`)
    finalisation may read: the members of the associations whose rule names a hook that
    reads such a column."""
    only = set(profile.hook_only_columns)
    hooked = {h.name for h in profile.hooks if only.intersection(h.columns)}
    return {m.item["pos"] for a in asns if not hooked.isdisjoint(a.rule.finalize)
            for m in a.members}


def to_dicts(asns: list[Association], names: Naming) -> list[AssociationDict]:
    """Association dicts with their file name stems (spec section 10.1)."""
    out = []
    for asn in asns:
        data = asn.data
        if data["constraints"] is None:
            data["constraints"] = _constraints_text(asn.rule, asn.found_text)
        data.name = naming.association_name(data["program"], data["asn_id"],
                                            data["asn_type"], asn.sequence,
                                            data["version_id"], prefix=names.file_prefix)
        out.append(data)
    return out
