"""Finalisation's pieces against their definitions (spec section 6.5 of
docs/ASSOCIATION_SPEC.md); the corpus and golden pools check them end to end."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from asnsql.finalize import _membership_key

_members = st.lists(st.fixed_dictionaries({
    "expname": st.sampled_from(["a_cal.fits", "b_cal.fits", "c_cal.fits"]),
    "exptype": st.sampled_from(["science", "background"]),
}), max_size=4)


def _identical_membership(product: dict):
    """Stage A's definition: the set of (expname, exptype) pairs of a product whose
    members all have different names; a product with a repeated name equals nothing."""
    names = [m["expname"] for m in product["members"]]
    if len(set(names)) != len(names):
        return None
    return frozenset((m["expname"], m["exptype"]) for m in product["members"])


@settings(max_examples=400, deadline=None)
@given(left=_members, right=_members)
def test_membership_key_equal_exactly_for_identical_memberships(left, right):
    a, b = {"members": left}, {"members": right}
    key_a, key_b = _membership_key(a), _membership_key(b)
    assert (key_a is None) == (_identical_membership(a) is None)
    if key_a is not None and key_b is not None:
        assert (key_a == key_b) == (_identical_membership(a) == _identical_membership(b))
