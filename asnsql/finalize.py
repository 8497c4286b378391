"""Finalisation: validity, the profile's hooks, pruning and numbering (spec sections 4.3,
6.4 - 6.7, 8.5, 9.4 of docs/ASSOCIATION_SPEC.md).

Works on :class:`~asnsql.assemble.Association` objects made by :func:`asnsql.assemble.build`;
the observatory's hooks come from its :class:`~asnsql.profiles.Profile`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from . import naming
from .assemble import Association

if TYPE_CHECKING:
    from .model import Rule
    from .profiles import Profile, Vocabulary

__all__ = ["finalize", "is_valid", "loosely_equal", "merge_level2", "number_unfinalized",
           "prune", "resequence"]


def is_valid(asn: Association, vocabulary: Vocabulary) -> bool:
    """The rule's validity tests (spec sections 4.3, 8.1, 9.5); the parts decided by the
    candidate type alone are the vocabulary's ``candidate_type_tests``, those needing a
    member of some exptype its ``member_type_tests``."""
    return _passes(asn, _validity(asn.rule.validity, vocabulary))


def _validity(tests: tuple[str, ...], vocabulary: Vocabulary) -> tuple:
    """A rule's validity tests sorted by what they read: ``(candidate type tests as
    (allowed, candidate types), exptypes some member must have, allowed_candidates,
    has_pair)``."""
    by_candidate, by_member = vocabulary.candidate_type_tests, vocabulary.member_type_tests
    return ([by_candidate[t] for t in tests if t in by_candidate],
            [by_member[t] for t in tests if t in by_member],
            "allowed_candidates" in tests, "has_pair" in tests)


def _passes(asn: Association, validity: tuple) -> bool:
    """Whether ``asn`` passes the tests of :func:`_validity` (every one must hold)."""
    by_candidate, member_types, allowed_candidates, has_pair = validity
    if by_candidate:
        ctype = asn.candidate_type
        for allowed, candidate_types in by_candidate:
            if (ctype in candidate_types) != allowed:
                return False
    if not (member_types or allowed_candidates or has_pair):
        return True
    members = asn.product()["members"]
    if member_types or allowed_candidates:
        types = {m["exptype"] for m in members}
        if not types.issuperset(member_types):
            return False
        if allowed_candidates and asn.candidate_type == "background" and \
                "background" not in types:
            return False
    return not (has_pair and len(members) < 2)


def _steps(rule: Rule, profile: Profile, steps: dict) -> tuple:
    """The rule's finalisation steps: ``(hooks before validity, validity tests
    (:func:`_validity`), hooks after)``, made once per rule and kept in ``steps``."""
    step = steps.get(rule.name)
    if step is None:
        named = [h for h in profile.hooks if h.name in rule.finalize]
        step = steps[rule.name] = ([h for h in named if h.before_validity],
                                   _validity(rule.validity, profile.vocabulary),
                                   [h for h in named if not h.before_validity])
    return step


def _finalize_one(asn: Association, step: tuple) -> list[Association]:
    """The rule's hooks (in the profile's order; those marked ``before_validity`` first)
    and validity tests (spec sections 6.4, 8.5, 9.4): ``step`` is :func:`_steps`'."""
    before, validity, after = step
    out = [asn]
    for hook in before:
        out = [done for a in out for done in hook.apply(a)]
    out = [a for a in out if _passes(a, validity)]
    for hook in after:
        out = [done for a in out for done in hook.apply(a)]
    return out


def _membership_key(product: dict):
    """Signature for strict identical membership (spec section 6.5, stage A): equal for
    products with the same (expname, exptype) pairs, ``None`` (equal to nothing) for a
    product with duplicate members."""
    members = product["members"]
    if len(members) == 1:
        # (most products: the pair itself, which equals no set, as a one-member product
        # can equal no product of another size)
        member = members[0]
        return member["expname"], member["exptype"]
    names = [m["expname"] for m in members]
    if len(set(names)) != len(names):
        return None    # a product with duplicate members equals nothing
    return frozenset((m["expname"], m["exptype"]) for m in members)


def _strict_diff(left: dict, right: dict, strict: bool = True) -> set[str]:
    """Kinds of difference between two products' memberships (the reference's diff)."""
    munge = (lambda n: n) if strict else (lambda n: naming.stem_without_suffix(n))
    kinds: set[str] = set()
    for product in (left, right):
        names = [m["expname"] for m in product["members"]]
        if len(set(names)) != len(names):
            kinds.add("duplicate")
    if len(left["members"]) != len(right["members"]):
        kinds.add("length")
    remaining = list(right["members"])
    unaccounted_left = 0
    for lm in left["members"]:
        for rm in remaining:
            if munge(lm["expname"]) != munge(rm["expname"]):
                continue
            if lm["exptype"] != rm["exptype"]:
                kinds.add("mismatch")
            remaining.remove(rm)
            break
        else:
            unaccounted_left += 1
    if unaccounted_left or remaining:
        kinds.add("unaccounted")
    if kinds == {"length", "unaccounted"}:
        kinds.add("subset")
    return kinds


def _components(name: str) -> set[str]:
    return set(re.split("[_-]", name))


def _loose_key(asn: Association) -> tuple:
    """What :func:`loosely_equal` associations share: an index key for it (equal keys are
    necessary, not sufficient)."""
    products = sorted(tuple(sorted(_components(p["name"]))) for p in asn.data["products"])
    return asn.data["asn_type"], asn.asn_id[:1], tuple(products)


def loosely_equal(a: Association, b: Association) -> bool:
    """Association equality of the reference (``compare_asns``, suffix-insensitive)."""
    if a.data["asn_type"] != b.data["asn_type"]:
        return False
    if a.asn_id[:1] != b.asn_id[:1]:
        return False
    left, right = a.data["products"], list(b.data["products"])
    if len(left) != len(right):
        return False
    for lp in left:
        for rp in right:
            if _components(rp["name"]) != _components(lp["name"]):
                continue
            if _strict_diff(lp, rp, strict=False):
                return False
            right.remove(rp)
            break
        else:
            return False
    return not right


def _asn_id(asn: Association) -> str:
    return asn.data["asn_id"]


def prune(asns: list[Association]) -> list[Association]:
    """Remove duplicate associations as the reference does (spec section 6.5)."""
    # Stage A: identical memberships; the association popped first (highest asn_id, then
    # latest created) is kept.
    ordered = sorted(asns, key=_asn_id)
    kept: list[Association] = []
    seen: set = set()
    # (asn.product() spelt out in the two loops over every association)
    for asn in reversed(ordered):
        key = _membership_key(asn.data["products"][0])
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        kept.append(asn)
    # Stage B: duplicate product names.
    names = Counter([a.data["products"][0]["name"] for a in kept])
    dups = [n for n, c in names.items() if c > 1]
    if not dups:
        return kept
    ordered = sorted(kept, key=_asn_id)
    by_name = defaultdict(list)
    for asn in ordered:
        by_name[asn.product()["name"]].append(asn)
    full_prune: list[Association] = []
    # The pruned associations by _loose_key: the reference compares each association with
    # every one pruned so far, of every program; only those of the same key can be equal.
    pruned_by_key: dict[tuple, list[Association]] = defaultdict(list)
    for name in dups:
        group = by_name[name]
        to_keep = list(group)
        for asn in group:
            if any(loosely_equal(asn, p) for p in pruned_by_key.get(_loose_key(asn), ())):
                continue
            to_prune = []
            for entrant in to_keep:
                if loosely_equal(entrant, asn):
                    continue
                kinds = _strict_diff(asn.product(), entrant.product())
                if not kinds:
                    to_prune.append(entrant)
                elif "subset" in kinds:
                    if len(entrant.product()["members"]) > len(asn.product()["members"]):
                        asn, entrant = entrant, asn
                    to_prune.append(entrant)
            full_prune.extend(to_prune)
            for gone in to_prune:
                pruned_by_key[_loose_key(gone)].append(gone)
            for gone in to_prune:
                for i, candidate in enumerate(to_keep):
                    if loosely_equal(candidate, gone):
                        del to_keep[i]
                        break
    pruned_ids = {id(a) for a in full_prune}
    return [a for a in ordered if id(a) not in pruned_ids]


def resequence(asns: list[Association]) -> None:
    """Number associations 1, 2, ... per (asn_id, asn_type) in list order (spec 6.6)."""
    counters: Counter = Counter()
    for asn in asns:
        key = (asn.asn_id, asn.data["asn_type"])
        counters[key] += 1
        asn.sequence = counters[key]


def finalize(asns: list[Association], profile: Profile) -> list[Association]:
    """Level-2 then Level-3 finalisation, pruning and numbering (spec section 6.4).

    Parameters
    ----------
    asns : list of Association
        In creation order.
    profile : Profile
        Its hooks and validity vocabulary.

    Returns
    -------
    list of Association
        All Level-2 associations, then all Level-3 ones, in the reference's output order.
    """
    out = []
    steps: dict = {}
    for level in (2, 3):
        done: list[Association] = []
        keep = done.append
        for asn in asns:
            if asn.rule.level != level:
                continue
            step = _steps(asn.rule, profile, steps)
            before, validity, after = step
            if before or after:
                done += _finalize_one(asn, step)
            elif _passes(asn, validity):     # (no hooks: most rules)
                keep(asn)
        done = prune(done)
        resequence(done)
        out += done
    return out


def number_unfinalized(asns: list[Association], resequenced: bool = False) -> list[Association]:
    """Sequence numbers without finalisation (``--no-finalize``, spec sections 4.5, 6.6).

    The reference numbers associations as it creates them: one counter shared by all
    Level-2 rules, one per ``asn_type`` at Level 3; candidate runs come before discovery.
    After a discovery pass it renumbers per (asn_id, asn_type) in list order instead.
    """
    if resequenced:
        resequence(asns)
        return asns
    creation = sorted(asns, key=lambda a: (a.run.pool_id, a.run.kind == "discover",
                                           a.order_key))
    # QUIRK: the Level-2 counter is made with start=1 and increments before use, so its
    # first association is number 2; the Level-3 counters start at 0 (first number 1).
    counters: Counter = Counter({"level2": 1})
    for asn in creation:
        key = "level2" if asn.level == 2 else asn.data["asn_type"]
        counters[key] += 1
        asn.sequence = counters[key]
    return asns


def merge_level2(asns: list[Association]) -> list[Association]:
    """``--merge``: one Level-2 association per (asn_type, asn_id) (spec section 6.7).

    The first association of each pair holds the products of the others; a product of the
    same name receives the members it lacks. Non-Level-2 associations come first, then the
    merged ones in order of first appearance; sequence numbers are not changed.
    """
    others = [a for a in asns if a.level != 2]
    merged: dict[str, Association] = {}
    for asn in (a for a in asns if a.level == 2):
        key = f"{asn.data['asn_type']}_{asn.asn_id}"
        container = merged.setdefault(key, asn)
        for product in list(asn.data["products"]):
            same = [p for p in container.data["products"] if p["name"] == product["name"]]
            for target in same:
                present = {m["expname"] for m in target["members"]}
                names = {m["expname"] for m in product["members"]} - present
                target["members"].extend(m for m in product["members"]
                                         if m["expname"] in names)
            if not same:
                container.data["products"].append(product)
    return others + list(merged.values())
