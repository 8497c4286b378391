"""Comparing the two generators' outputs with the parity scorer's criteria.

As ``/work/shared/tools/parity.py`` (and ``asnsql diff``): associations are split into
single-product associations; a product is its name, ``asn_type``, the first letter of its
``asn_id`` (candidate level) and the multiset of its members' (exposure name, exptype).
File names, sequence numbers, member order, ``asn_rule`` and ``version_id`` are ignored.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from asnsql.tools.diff import exposure_name, separate_products


def product_key(asn: Mapping) -> tuple:
    """The compared identity of a single-product association."""
    (product,) = asn["products"]
    members = Counter((exposure_name(m.get("expname", "")).lower(),
                       str(m.get("exptype", "")).lower()) for m in product.get("members", []))
    return (str(product.get("name", "")).lower(), str(asn.get("asn_type", "")).lower(),
            str(asn.get("asn_id", " "))[:1].lower(), tuple(sorted(members.items())))


def products(asns: Iterable[Mapping]) -> Counter:
    """Counter of :func:`product_key` over every product of ``asns``."""
    return Counter(product_key(single) for asn in asns for single in separate_products(asn))


@dataclass
class Outcome:
    """What one generator did with a case: ``ok`` (with associations), ``error`` or
    ``timeout`` (with a message)."""

    status: str
    asns: list = field(default_factory=list)
    message: str = ""


@dataclass
class Verdict:
    """The comparison of the reference's and asnsql's outcomes on one case.

    ``kind`` is ``agree``, ``differ`` (products on one side only: ``missing`` from asnsql,
    ``extra`` in asnsql), ``reference-error``, ``asnsql-error`` or ``timeout`` (the
    reference did not finish: neither agreement nor disagreement).
    """

    kind: str
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)
    message: str = ""

    @property
    def agrees(self) -> bool:
        """True when both generators made the same products (or both failed)."""
        return self.kind == "agree"

    @property
    def disagrees(self) -> bool:
        """True for a disagreement (a timeout is neither)."""
        return self.kind not in ("agree", "timeout")

    def lines(self) -> list[str]:
        """A readable account, one line per product on one side only."""
        if self.kind != "differ":
            return [f"{self.kind}: {self.message}"] if self.message else [self.kind]
        out = []
        for label, keys in (("only in the reference", self.missing),
                            ("only in asnsql", self.extra)):
            for name, asn_type, level, members in keys:
                listed = ", ".join(f"{e}:{t}" + (f" x{n}" if n > 1 else "")
                                   for (e, t), n in members)
                out.append(f"{label}: {name} [{asn_type}, {level}] {listed}")
        return out


def judge(reference: Outcome, asnsql: Outcome) -> Verdict:
    """Compare two outcomes.

    Parameters
    ----------
    reference, asnsql : Outcome

    Returns
    -------
    Verdict
        Both failing counts as agreement (the pool is one neither generator accepts).
    """
    if reference.status == "timeout":
        return Verdict("timeout", message=reference.message)
    if reference.status == "error" and asnsql.status == "error":
        return Verdict("agree", message="both failed")
    if reference.status == "error":
        return Verdict("reference-error", message=reference.message)
    if asnsql.status == "error":
        return Verdict("asnsql-error", message=asnsql.message)
    ref, got = products(reference.asns), products(asnsql.asns)
    if ref == got:
        return Verdict("agree")
    return Verdict("differ", sorted((ref - got).elements()), sorted((got - ref).elements()))
