"""The per_group query shape, on a few rows."""

from __future__ import annotations

import dataclasses

import pytest

from asnsql.compile import compile_rule, decode_found, rule_sql
from asnsql.compile.layout import Cte
from asnsql.compile.results import RESULT_COLUMNS, ResultRow
from asnsql.errors import CompileError
from asnsql.model import ExptypeTest, Key, Role

from .compile_rules import image_rule, row, rule, run

ROWS = [row(0), row(1, pupil="p1"), row(2, pupil="p2"), row(3, filter="f2"),
        row(4, exp_type="nis_image")]


def ctes(query) -> list[str]:
    return [cte.alias for cte in query.ctes]


def test_shape():
    query = compile_rule(image_rule())
    assert ctes(query) == [Cte.RULE_ROWS, Cte.ROLE_ROWS, Cte.KEY_VECTORS, Cte.MAXIMAL_VECTORS,
                           Cte.MAXIMAL_DATED, Cte.ASSOCIATIONS, Cte.GROUP_MEMBERS]
    assert tuple(query.named_selects) == RESULT_COLUMNS


def test_wildcards_join_the_maximal_vectors_created_after_them():
    rows = [ResultRow(*r) for r in run(rule_sql(image_rule()), ROWS)]
    # (rule, run, gid, created, pos): the wildcard row 0 starts the p1 association (row 1
    # refines it); row 2 starts its own, after row 0; f2 is a partition of its own
    assert [(r.gid, r.created, r.pos, r.role, r.phase) for r in rows] == [
        (1, 0, 0, "science", 0), (1, 0, 1, "science", 0), (2, 2, 2, "science", 0),
        (3, 3, 3, "science", 0)]
    assert [decode_found(r.found) if r.found else None for r in rows] == [
        {"program": ["1"], "opt_elem": ["f1"], "opt_elem2": ["p1"]}, None,
        {"program": ["1"], "opt_elem": ["f1"], "opt_elem2": ["p2"]},
        {"program": ["1"], "opt_elem": ["f2"], "opt_elem2": []}]


def test_a_file_name_takes_part_once_per_run():
    # spec 1.5: rows 0 and 2 are one file (the first counts: row 2's f2 makes nothing);
    # in run 1 the same file is a row of its own, and row 3 (no file name) counts once
    named = [row(0), row(1), row(2, filter="f2"), row(5, filter="f2", run=1)]
    named[2] = named[2][:2] + ("f0.fits",) + named[2][3:]
    named[3] = named[3][:2] + ("f0.fits",) + named[3][3:]
    unnamed = [row(6, run=2), row(7, run=2, filter="f2")]
    unnamed = [r[:2] + (None,) + r[3:] for r in unnamed]
    rows = [ResultRow(*r) for r in run(rule_sql(image_rule()), named + unnamed)]
    assert sorted((r.run, r.pos) for r in rows) == [(0, 0), (0, 1), (1, 5), (2, 6)]


def test_replayed_roles_join_earlier_associations():
    late = image_rule(roles=[Role("science", when=ExptypeTest(("science",), base=True)),
                             Role("background", when=ExptypeTest(("background",), base=True),
                                  creates=False, replay="nonscience")])
    rows = run(rule_sql(late), [row(0, base="background"), row(1)])
    assert [(r[4], r[5], r[7]) for r in rows] == [(1, "science", 0), (0, "background", 2)]


def test_same_observation_members():
    obs = image_rule(record=[Key("obs_num", ("obs_num",), lock=False)],
                     roles=[Role("science", when=ExptypeTest(("science",), base=True)),
                            Role("target_acquisition", joins="same_obs_num", creates=False,
                                 replay="existing",
                                 when=ExptypeTest(("target_acquisition",), base=True))])
    query = compile_rule(obs)
    assert ctes(query)[-3:] == [Cte.OBSERVATIONS, Cte.OBS_MEMBERS, Cte.MEMBERS]
    rows = run(rule_sql(obs), [row(0, base="target_acquisition", obs_num="2"),
                               row(1, base="target_acquisition", obs_num="3"),
                               row(2, obs_num="2")])
    assert [(r[4], r[5], r[7]) for r in rows] == [(2, "science", 0),
                                                   (0, "target_acquisition", 1)]


@pytest.mark.parametrize("obs_first", [False, True])
def test_a_row_in_a_group_role_and_an_observation_role_keeps_the_first(obs_first):
    # every row may join in "any" (its observation has a member); a science row joins
    # through both roles and is a member once, in the role listed first
    science = Role("science", when=ExptypeTest(("science",), base=True))
    anyone = Role("any", joins="same_obs_num", creates=False)
    obs = image_rule(record=[Key("obs_num", ("obs_num",), lock=False)],
                     roles=[anyone, science] if obs_first else [science, anyone])
    rows = run(rule_sql(obs), [row(1), row(2, obs_num="2"), row(3, base="background")])
    first = "any" if obs_first else "science"
    assert sorted((r[2], r[4], r[5]) for r in rows) == [
        (1, 1, first), (1, 2, first), (1, 3, "any")]


def test_errors_name_the_rule():
    with pytest.raises(CompileError, match="no role can start"):
        compile_rule(rule(roles=[Role("science", creates=False)]))
    with pytest.raises(CompileError, match="needs a record named obs_num"):
        compile_rule(rule(roles=[Role("science"), Role("ta", joins="same_obs_num")]))


def test_the_vocabulary_decides_which_runs_and_associations_are_read():
    from asnsql.compile.vocabulary import DEFAULT, Vocabulary

    mine = Vocabulary({"only_mosaic": (True, ("mosaic",))}, {"needs_psf": "psf"}, {},
                      frozenset())
    assert hash(mine) != hash(DEFAULT) and mine == Vocabulary(**vars(mine))
    valid = image_rule(validity=("only_mosaic", "needs_psf"))
    assert run(rule_sql(valid, vocabulary=mine), ROWS) == []    # observation runs only
    assert len(run(rule_sql(valid), ROWS)) == 4                 # JWST knows neither test
    text = rule_sql(valid, vocabulary=mine, finalized=False)
    assert "'mosaic'" not in text and "'psf'" not in text


def _locking_rule(locks=()):
    import dataclasses

    # as at Level 3, the rule's keys apply to its science role only
    obs = rule(keys=[Key("program", ("program",)),
                     Key("opt_elem", ("filter",), roles=("science",)),
                     Key("opt_elem2", ("pupil",), optional=True, roles=("science",))],
               record=[Key("obs_num", ("obs_num",), lock=False)],
               roles=[Role("science", when=ExptypeTest(("science",), base=True)),
                      Role("target_acquisition", joins="same_obs_num", creates=False,
                           when=ExptypeTest(("target_acquisition",), base=True))])
    return dataclasses.replace(obs, locks=locks)


LOCK_ROWS = [row(0), row(1, base="target_acquisition", pupil="p9"), row(2, pupil="p1")]


def test_a_locking_role_locks_an_open_key():
    # spec 3.5: the acquisition (row 1) locks the open opt_elem2 of row 0's association
    # to p9, so row 2 (p1) starts its own; the acquisition's value names the first
    rule = _locking_rule(locks=(("target_acquisition", ("opt_elem2",)),))
    assert Cte.LOCKED_VECTORS in ctes(compile_rule(rule))
    rows = [ResultRow(*r) for r in run(rule_sql(rule), LOCK_ROWS)]
    assert [(r.gid, r.created, r.pos, r.role) for r in rows] == [
        (1, 0, 0, "science"), (1, 0, 1, "target_acquisition"), (2, 2, 2, "science")]
    assert decode_found(rows[0].found)["opt_elem2"] == ["p9"]
    assert decode_found(rows[2].found)["opt_elem2"] == ["p1"]


def test_without_locks_the_acquisition_leaves_keys_open():
    rows = [ResultRow(*r) for r in run(rule_sql(_locking_rule()), LOCK_ROWS)]
    assert [(r.gid, r.created, r.pos, r.role) for r in rows] == [
        (1, 0, 0, "science"), (1, 0, 1, "target_acquisition"), (1, 0, 2, "science")]
    assert decode_found(rows[0].found)["opt_elem2"] == ["p1"]


def test_a_key_defined_before_the_acquisition_is_not_locked_again():
    rule = _locking_rule(locks=(("target_acquisition", ("opt_elem2",)),))
    rows = [ResultRow(*r) for r in run(rule_sql(rule), [row(0, pupil="p1"), *LOCK_ROWS[1:]])]
    assert [(r.gid, r.pos) for r in rows] == [(1, 0), (1, 1), (1, 2)]


def test_a_key_a_member_locked_before_the_acquisition_stays_locked():
    # row 0 starts the association with opt_elem2 open, row 1 (p1) locks it; the
    # acquisition (row 2) comes too late to lock it to p9, so row 3 (p9) starts its own
    # and row 0's association holds p1
    rule = _locking_rule(locks=(("target_acquisition", ("opt_elem2",)),))
    rows = [ResultRow(*r) for r in run(rule_sql(rule), [
        row(0), row(1, pupil="p1"), row(2, base="target_acquisition", pupil="p9"),
        row(3, pupil="p9")])]
    assert [(r.gid, r.created, r.pos) for r in rows if r.role == "science"] == [
        (1, 0, 0), (1, 0, 1), (2, 3, 3)]
    assert decode_found(rows[0].found)["opt_elem2"] == ["p1"]


def test_an_acquisition_of_another_observation_locks_nothing():
    # the acquisition (observation 2) follows no member of its observation: it does not
    # join row 0's association, which stays open, and row 2 (p1) joins it
    rule = _locking_rule(locks=(("target_acquisition", ("opt_elem2",)),))
    rows = [ResultRow(*r) for r in run(rule_sql(rule), [
        row(0), row(1, base="target_acquisition", pupil="p9", obs_num="2"),
        row(2, pupil="p1")])]
    assert [(r.gid, r.created, r.pos, r.role) for r in rows] == [
        (1, 0, 0, "science"), (1, 0, 2, "science")]
    assert decode_found(rows[0].found)["opt_elem2"] == ["p1"]


def test_the_repeated_file_column_is_reserved_and_made_by_run_items():
    from asnsql.compile.rows import REPEATED
    from asnsql.profiles.base import CORE_COLUMNS
    from asnsql.resources import sql_statements

    assert REPEATED in CORE_COLUMNS  # a pool column of that name is refused
    assert f"AS {REPEATED}" in sql_statements("candidates.sql")["run_items"]


def _by_column_rule(**more):
    """opt_elem2 read from pupil, then filter (optional): the first defined value counts."""
    return rule(keys=[Key("program", ("program",)),
                      Key("opt_elem2", ("pupil", "filter"), optional=True)], **more)


def _associations(rows):
    found = {}
    for r in (ResultRow(*r) for r in run(rule_sql(_by_column_rule()), rows)):
        found.setdefault(r.gid, []).append(r.pos)
        if r.found:
            found[r.gid, "found"] = decode_found(r.found)["opt_elem2"]
    return found


def test_a_value_locks_the_column_it_came_from():
    # spec 3.2 step 6: row 0 locks opt_elem2 on pupil; row 1 is undefined there (its
    # first value, f2, comes from filter) and joins; the value found is p1 alone
    assert _associations([row(0, pupil="p1"), row(1, filter="f2")]) == {
        1: [0, 1], (1, "found"): ["p1"]}
    # the mirror: row 0 locks on filter (f1); row 1, compared on filter alone, joins
    assert _associations([row(0, filter="f1"), row(1, pupil="p2", filter="f1")]) == {
        1: [0, 1], (1, "found"): ["f1"]}
    # another filter: row 1 starts an association of its own, locked on its pupil
    assert _associations([row(0, filter="f1"), row(1, pupil="p2", filter="f2")]) == {
        1: [0], (1, "found"): ["f1"], 2: [1], (2, "found"): ["p2"]}


def test_which_keys_compare_by_column():
    from asnsql.compile.rows import RuleQuery

    # per_group: the optional keys read from several columns
    assert RuleQuery(_by_column_rule()).by_column == [1]
    required = rule(keys=[Key("program", ("program",)),
                          Key("opt_elem2", ("pupil", "filter"))])
    assert RuleQuery(required).by_column == []
    # per_science: every key read from several columns, required ones too
    owned = [Role("science", joins="own")]
    assert RuleQuery(_by_column_rule(product="per_science", roles=owned)).by_column == [1]
    assert RuleQuery(dataclasses.replace(required, product="per_science",
                                         roles=tuple(owned))).by_column == [1]


def test_a_row_before_its_refining_vector_starts_that_association():
    # row 0 starts an association (f1, p1); row 1 (f2, pupil open) joins none, so it starts
    # its own, which row 2 (f2, p2) joins and refines: one association created at row 1,
    # though its maximal vector is row 2's and not the partition's first (spec 3.2)
    both = rule(keys=[Key("program", ("program",)),
                      Key("opt_elem", ("filter",), optional=True),
                      Key("opt_elem2", ("pupil",), optional=True)])
    rows = [ResultRow(*r) for r in run(rule_sql(both), [
        row(0, pupil="p1"), row(1, filter="f2"), row(2, filter="f2", pupil="p2")])]
    assert [(r.gid, r.created, r.pos) for r in rows] == [(1, 0, 0), (2, 1, 1), (2, 1, 2)]
