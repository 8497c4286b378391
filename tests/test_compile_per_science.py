"""The per_science query shape and its attached members, on a few rows."""

from __future__ import annotations

import dataclasses

import pytest

from asnsql.compile import compile_rule, rule_sql
from asnsql.compile.layout import Cte
from asnsql.compile.results import RESULT_COLUMNS
from asnsql.errors import CompileError
from asnsql.model import ExptypeTest, Key, Role

from .compile_rules import row, run, science_rule

SCIENCE = Role("science", when=ExptypeTest(("science",), base=True), joins="own")


def background(creates=False, **more) -> Role:
    return Role("background", when=ExptypeTest(("background",), base=True), joins="all",
                creates=creates, **more)


def members(rule, rows) -> list[tuple]:
    """(gid, created, pos, role, phase) of each result row."""
    return [(r[2], r[3], r[4], r[5], r[7]) for r in run(rule_sql(rule), rows)]


ROWS = [row(0, base="background"), row(1), row(2), row(3, base="background")]


def test_shape():
    query = compile_rule(science_rule())
    assert [c.alias for c in query.ctes] == [
        Cte.RULE_ROWS, Cte.ROLE_ROWS, Cte.FIRST_ROLES, Cte.OWNERS, Cte.FIRST_ATTACHED,
        Cte.OWNED, Cte.ORPHANS, Cte.ASSOCIATIONS, Cte.ATTACHING, Cte.ATTACH_CANDIDATES,
        Cte.ATTACHED, Cte.MEMBERS]
    assert tuple(query.named_selects) == RESULT_COLUMNS
    alone = dataclasses.replace(science_rule(), roles=(SCIENCE,))
    assert Cte.ATTACHED not in [c.alias for c in compile_rule(alone).ctes]


def test_one_association_per_science_exposure():
    # without a replay, the background before every science exposure joins none
    assert members(science_rule(), ROWS) == [
        (1, 1, 1, "science", 0), (1, 1, 3, "background", 0),
        (2, 2, 2, "science", 0), (2, 2, 3, "background", 0)]


def test_replayed_attached_rows_join_later_associations():
    rule = dataclasses.replace(science_rule(), roles=(SCIENCE, background(replay="nonscience")))
    assert members(rule, ROWS) == [
        (1, 1, 1, "science", 0), (1, 1, 3, "background", 0), (1, 1, 0, "background", 2),
        (2, 2, 2, "science", 0), (2, 2, 3, "background", 0), (2, 2, 0, "background", 2)]


def test_a_creating_attached_row_before_every_owner_starts_the_association():
    rule = dataclasses.replace(science_rule(), roles=(SCIENCE, background(creates=True)))
    # the background at row 0 created the association that science row 1 then owns
    assert members(rule, ROWS[:2]) == [(1, 0, 0, "background", 0), (1, 0, 1, "science", 0)]
    # with no owner, the attached rows make an association of their own (gid < 0)
    assert members(rule, [ROWS[0]]) == [(-1, 0, 0, "background", 0)]


def test_a_key_of_attached_roles_locks_to_the_first_attached():
    rule = dataclasses.replace(
        science_rule(), keys=(Key("program", ("program",)),
                              Key("filter", ("filter",), roles=("background",))))
    rows = [row(1), row(2, base="background", filter="a"),
            row(3, base="background", filter="b")]
    assert members(rule, rows) == [(1, 1, 1, "science", 0), (1, 1, 2, "background", 0)]


def test_roles_must_own_or_attach():
    with pytest.raises(CompileError, match="per_science rules take one role joining 'own'"):
        compile_rule(dataclasses.replace(science_rule(), roles=(background(),)))
    with pytest.raises(CompileError, match="per_science"):
        compile_rule(dataclasses.replace(science_rule(), roles=(SCIENCE, Role("x"))))


def _two_role_rule(**attach) -> object:
    """Science owns; a science exposure may also attach (as ``extra``) to another one."""
    extra = Role("extra", when=ExptypeTest(("science",), base=True), joins="all",
                 creates=False, **attach)
    return dataclasses.replace(
        science_rule(), keys=(Key("program", ("program",)), Key("filter", ("filter",))),
        roles=(SCIENCE, extra))


TWO_ROLE_ROWS = [row(1, filter="a"), row(2, filter="a"), row(3, filter="b")]


def test_a_row_an_earlier_association_accepts_starts_none():
    # spec 5.2 step 2: row 2 is accepted (as extra) by row 1's association, so it starts
    # no association of its own; row 3 (another filter) is accepted by none
    assert members(_two_role_rule(), TWO_ROLE_ROWS) == [
        (1, 1, 1, "science", 0), (1, 1, 2, "extra", 0), (3, 3, 3, "science", 0)]


def test_a_role_that_reports_no_match_does_not_stop_creation():
    # force_match: row 2 joins row 1's association but still starts its own
    assert members(_two_role_rule(reports_match=False), TWO_ROLE_ROWS) == [
        (1, 1, 1, "science", 0), (1, 1, 2, "extra", 0), (2, 2, 2, "science", 0),
        (3, 3, 3, "science", 0)]


def test_alternative_owner_roles_and_keys_that_start_open():
    # the first own role a row satisfies starts its association: row 1 has no filter, so
    # it fails `science` and owns through `science_obs`; there the filter (a key of
    # science and background only) starts open and locks to the first background (row 2),
    # so row 3 (another filter) joins neither association
    science_obs = Role("science_obs", when=ExptypeTest(("science",), base=True), joins="own")
    rule = dataclasses.replace(
        science_rule(),
        keys=(Key("program", ("program",)),
              Key("filter", ("filter",), roles=("science", "background"))),
        roles=(SCIENCE, background(), science_obs))
    rows = [row(0, filter="a"), row(1, filter=None), row(2, base="background", filter="a"),
            row(3, base="background", filter="b")]
    assert members(rule, rows) == [
        (0, 0, 0, "science", 0), (0, 0, 2, "background", 0),
        (1, 1, 1, "science_obs", 0), (1, 1, 2, "background", 0)]


def _by_column(optional: bool):
    """opt_elem read from pupil, then filter; backgrounds attach to every association."""
    return dataclasses.replace(science_rule(), keys=(
        Key("program", ("program",)), Key("opt_elem", ("pupil", "filter"), optional=optional)))


@pytest.mark.parametrize("optional", [True, False])
def test_an_attached_row_is_read_in_the_column_of_the_owners_value(optional):
    # spec 3.2 step 6: science row 0 holds opt_elem from filter (f1); background row 1
    # defines pupil too (its first value, p9), but read in filter it is f1 and attaches
    rows = [row(0), row(1, base="background", pupil="p9")]
    assert members(_by_column(optional), rows) == [
        (0, 0, 0, "science", 0), (0, 0, 1, "background", 0)]
    # another filter: it does not
    rows = [row(0), row(1, base="background", pupil="p9", filter="f2")]
    assert members(_by_column(optional), rows) == [(0, 0, 0, "science", 0)]


def test_an_attached_row_undefined_in_the_owners_column_attaches_to_an_optional_key():
    # the science holds p1 from pupil; the background, undefined in pupil, attaches when
    # the key is optional (its filter f1 is not compared) and not when it is required
    rows = [row(0, pupil="p1"), row(1, base="background")]
    assert members(_by_column(True), rows) == [
        (0, 0, 0, "science", 0), (0, 0, 1, "background", 0)]
    assert members(_by_column(False), rows) == [(0, 0, 0, "science", 0)]


def test_an_open_optional_key_locks_to_the_first_attached_value():
    # the science (row 0) leaves opt_elem open; background row 1 attaches and locks it to
    # p1; row 2 (p2) then does not attach, row 3 (undefined) does
    rule = dataclasses.replace(science_rule(), keys=(
        Key("program", ("program",)), Key("opt_elem", ("pupil",), optional=True)))
    rows = [row(0), row(1, base="background", pupil="p1"),
            row(2, base="background", pupil="p2"), row(3, base="background")]
    assert members(rule, rows) == [
        (0, 0, 0, "science", 0), (0, 0, 1, "background", 0), (0, 0, 3, "background", 0)]
