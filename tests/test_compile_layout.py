"""The layout pass: a rule's keys, records and roles by position, and their column names."""

from __future__ import annotations

import dataclasses

import pytest

from asnsql.compile.layout import Layout, applies, has_source, is_fixed
from asnsql.errors import CompileError
from asnsql.model import AttrTest, Key, Role

from .compile_rules import image_rule, rule, science_rule


def test_fixed_and_loose_keys():
    layout = Layout.of(image_rule(record=[Key("obs_num", ("obs_num",), lock=False)]))
    assert [k.name for k in layout.keys] == ["program", "opt_elem", "opt_elem2"]
    assert layout.fixed == (0, 1) and layout.loose == (2,)
    assert [k.name for k in layout.records] == ["obs_num"]


def test_unlocked_keys_are_not_group_keys():
    layout = Layout.of(rule(keys=[Key("a", ("x",)), Key("b", ("y",), lock=False)]))
    assert [k.name for k in layout.keys] == ["a"]


def test_key_kinds():
    when = AttrTest(("x",), "defined")
    assert is_fixed(Key("a", ("x",)))
    assert not is_fixed(Key("a", ("x",), optional=True))
    assert not is_fixed(Key("a", ("x",), when=when))
    assert not is_fixed(Key("a", ("x",), roles=("science",)))
    assert not has_source(Key("a", ("x",)))
    assert has_source(Key("a", ("x", "y")))
    assert has_source(Key("a", ("x",), constant="c", constant_when=when))
    assert applies(Key("a", ("x",)), Role("science"))
    assert not applies(Key("a", ("x",), roles=("background",)), Role("science"))


def test_column_names_are_distinct():
    layout = Layout.of(image_rule(record=[Key("obs_num", ("obs_num",), lock=False)]))
    names = ([layout.key_value(i) for i in range(3)] + [layout.key_source(i) for i in range(3)]
             + [layout.record_value(0), layout.role_ok(0), layout.owner_value("filter")])
    assert len(set(names)) == len(names)


def test_role_indexes():
    layout = Layout.of(science_rule())
    assert layout.roles_joining("own") == [0]
    assert layout.roles_joining("all") == [1]
    assert layout.roles_of_key(layout.keys[0]) == [0, 1]


def test_layout_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Layout.of(image_rule()).fixed = ()


def test_rules_without_associations_have_no_layout():
    none = rule(product="none", roles=())
    assert not none.makes_associations and image_rule().makes_associations
    with pytest.raises(CompileError, match="makes no associations"):
        Layout.of(none)
