"""Rule files: the default rules load; bad files report every problem at once."""

from __future__ import annotations

import pytest

from asnsql import RuleError, load_rules
from asnsql.model import AttrTest, Composite, Key
from asnsql.ruleset import default_ruleset, parse_rule_file

REGISTRY_ORDER = """Asn_Lv2CoronAsRate Asn_Lv2FGS Asn_Lv2Image Asn_Lv2ImageNonScience
Asn_Lv2ImageSpecial Asn_Lv2ImageTSO Asn_Lv2MIRLRSFixedSlitNod Asn_Lv2NRSFSS Asn_Lv2NRSIFUNod
Asn_Lv2NRSLAMPImage Asn_Lv2NRSLAMPSpectral Asn_Lv2NRSMSA Asn_Lv2Spec Asn_Lv2SpecImprint
Asn_Lv2SpecSpecial Asn_Lv2SpecTSO Asn_Lv2WFSC Asn_Lv2WFSSMIR Asn_Lv2WFSSNIS Asn_Lv2WFSSNRC
Asn_Lv2WFSSParallel Asn_MIRLRSTAConfirm Asn_Lv3ACQ_Reprocess Asn_Lv3AMI Asn_Lv3Image
Asn_Lv3ImageBackground Asn_Lv3ImageMosaic Asn_Lv3MIRCoron Asn_Lv3MIRMRS
Asn_Lv3MIRMRSBackground Asn_Lv3NRCCoron Asn_Lv3NRCCoronImage Asn_Lv3NRSFSS Asn_Lv3NRSIFU
Asn_Lv3NRSIFUBackground Asn_Lv3SlitlessSpectral Asn_Lv3SpecAux Asn_Lv3SpectralSource
Asn_Lv3SpectralTarget Asn_Lv3TSO Asn_Lv3WFSCMB Asn_Lv3WFSSMIR Asn_Lv3WFSSNIS
Asn_Lv3WFSSNRC""".split()


def test_default_rules_follow_registry_order():
    """Spec section 5.3: the order decides creation order among associations."""
    names = [r.name for r in default_ruleset()]
    assert names == [n for n in REGISTRY_ORDER if n in names]
    assert [r.index for r in default_ruleset()] == list(range(len(names)))


def test_level3_rules_are_wrapped():
    rule = default_ruleset().get("Asn_Lv3Image")
    assert [r.name for r in rule.roles] == ["member", "target_acquisition"]
    assert rule.roles[0].replay == "existing"
    assert rule.roles[1].joins == "same_obs_num" and not rule.roles[1].creates
    assert [k.name for k in rule.keys][:2] == ["program", "instrument"]
    assert all(k.roles == ("member",) for k in rule.keys[2:])


def test_lookahead_becomes_not_contains():
    rule = default_ruleset().get("Asn_Lv3Image")
    wfsvisit = next(k for k in rule.keys if k.name == "wfsvisit")
    assert wfsvisit.match == ("((?!wfsc).)*",)


def test_fragments_and_conditions_resolve():
    rule = default_ruleset().get("Asn_Lv2Image")
    assert isinstance(rule.where, Composite)
    key = next(k for k in rule.keys if k.name == "opt_elem")
    assert key == Key(name="opt_elem", sources=("filter", "band"))


def _write(tmp_path, text, name="rules.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_every_problem_is_reported(tmp_path):
    path = _write(tmp_path, """
level: 3
rules:
  - name: Asn_Bad
    asn_type: image3
    exptype: level9
    colour: blue
    where:
      - {attr: not_a_column, match: x}
      - {frobnicate: 3}
      - {attr: filter, match: "(open"}
      - {test: is_magic}
    keys:
      - {name: k, attr: filter, match: "(?<=x)y"}
    members:
      - {role: science, joins: sideways}
      - {role: other, joins: own, reports_match: false}
      - {role: more, joins: all, reports_match: maybe}
    locks: {science: [k], ghost: [nokey]}
  - name: Asn_Bad
    asn_type: image3
""")
    with pytest.raises(RuleError) as info:
        load_rules([path], include_default=False)
    problems = info.value.problems
    text = "\n".join(problems)
    for expected in ["unknown field 'colour'", "unknown value 'level9'", "not_a_column",
                     "frobnicate", "bad regular expression '(open'", "is_magic",
                     "look-around", "unknown join 'sideways'", "defined twice",
                     "only a role that joins 'all' can report no match",
                     "expected true or false, got 'maybe'",
                     "only a role that joins 'same_obs_num' of a per_group rule locks keys",
                     "unknown role 'ghost'", "unknown key 'nokey'"]:
        assert expected in text, expected
    assert all(p.startswith(str(path)) for p in problems)
    assert all("rule Asn_Bad" in p for p in problems)


def test_unknown_operator_lists_the_allowed_ones(tmp_path):
    path = _write(tmp_path, "level: 2\nrules:\n  - name: X\n    asn_type: image2\n"
                            "    members: [{role: science, joins: own}]\n"
                            "    product: per_science\n    where: [{nearly: 1}]\n")
    with pytest.raises(RuleError, match=r"allowed forms: \{attr: COLUMN, match: PATTERN\}"):
        load_rules([path], include_default=False)


def test_user_columns_are_declared(tmp_path):
    text = ("level: 3\n{cols}rules:\n  - name: Asn_Mine\n    asn_type: image3\n"
            "    keys: [{{name: colour, attr: colour}}]\n")
    with pytest.raises(RuleError, match="unknown column 'colour'"):
        load_rules([_write(tmp_path, text.format(cols=""))], include_default=False)
    rules = load_rules([_write(tmp_path, text.format(cols="columns: [colour]\n"), "ok.yaml")],
                       include_default=False)
    assert rules.get("Asn_Mine").keys[0].sources == ("colour",)


def test_not_yaml(tmp_path):
    path = _write(tmp_path, "level: [unclosed\n")
    with pytest.raises(RuleError, match="not valid YAML"):
        load_rules([path], include_default=False)


def test_user_rule_replaces_default_in_place(tmp_path):
    path = _write(tmp_path, """
level: 3
rules:
  - name: Asn_Lv3Image
    asn_type: image3
    keys: [{name: exp_type, attr: exp_type, match: [nrc_image]}]
""")
    rules = load_rules([path])
    default = default_ruleset()
    assert [r.name for r in rules] == [r.name for r in default]
    assert rules.get("Asn_Lv3Image").index == default.get("Asn_Lv3Image").index
    assert rules.get("Asn_Lv3Image").source == str(path)


def test_parse_reports_missing_file(tmp_path):
    rules, problems = parse_rule_file(tmp_path / "none.yaml")
    assert rules == [] and "cannot read" in problems[0]


def test_condition_forms(tmp_path):
    path = _write(tmp_path, """
level: 3
conditions:
  science: {exptype: science}
rules:
  - name: Asn_Forms
    asn_type: image3
    where:
      - {attr: [filter, band], defined: false}
      - {attr: visitype, not_contains: WFSC, optional: true}
      - {use: science}
      - not: {candidate_type: [group, mosaic]}
""")
    rule = load_rules([path], include_default=False).get("Asn_Forms")
    member = rule.where
    assert isinstance(member, Composite) and member.op == "all"
    assert member.children[0] == AttrTest(("filter", "band"), "defined", negate=True)
    assert member.children[1] == AttrTest(("visitype",), "not_contains", ("wfsc",),
                                          optional=True)


@pytest.mark.parametrize("text, expected", [
    ("use: [[p]]", "use: expected a part name"),
    ("where: {use: [x]}", "use: expected a condition name"),
    ("keys: [{name: program, attr: program, roles: [[x]]}]", "roles: expected a name"),
    ("locks: {target_acquisition: [[opt_elem]]}", "expected a name"),
    ("members: [{role: s, joins: [all]}]", "unknown join"),
    ("members: [{role: s, replay: {x: 1}}]", "unknown replay"),
    ("where: {test: [nrsfss_valid]}", "unknown predicate"),
    ("members: [{role: s, joins: all, not_containing_owner: [targetid]}]",
     "column names must be strings"),
])
def test_a_malformed_value_is_a_rule_problem_not_a_crash(tmp_path, text, expected):
    """A list or mapping where a name belongs is reported as a problem of the rule file
    (found by a fuzzer of the default rule files: these raised TypeError before)."""
    path = tmp_path / "rules.yaml"
    path.write_text("level: 3\nrules:\n  - name: Asn_Bad\n    asn_type: image3\n"
                    + "".join(f"    {line}\n" for line in text.splitlines()))
    _, problems = parse_rule_file(path)
    assert any(expected in p for p in problems), problems


@pytest.mark.slow  # (~14 s: 200 mutated rule files)
def test_mutated_default_rule_files_give_problems_never_exceptions():
    """Random mutations of the default rule files (values replaced by lists, mappings,
    numbers, other subtrees; fields deleted) are parsed into rules and problems, never an
    exception (seeded, 200 cases)."""
    import copy
    import random

    import yaml

    from asnsql.resources import rules_dir

    files = sorted(rules_dir().glob("jwst/*.yaml"))
    data = {f: yaml.safe_load(f.read_text()) for f in files}
    bad = [None, 7, "zzz", [], {}, ["a", {"use": "nope"}], {"all": []}, [["x"]], {"a": [1]},
           True, {"part": ["p"], "roles": [["a"]]}, {"role": ["x"], "joins": {"a": 1}}]
    rng = random.Random(17)

    def places(node, prefix=()):
        if prefix:
            yield prefix
        items = (node.items() if isinstance(node, dict)
                 else enumerate(node) if isinstance(node, list) else ())
        for k, v in items:
            yield from places(v, prefix + (k,))

    for case in range(200):
        f = rng.choice(files)
        tree = copy.deepcopy(data[f])
        for _ in range(rng.randint(1, 3)):
            where = rng.choice(list(places(tree)))
            parent = tree
            for k in where[:-1]:
                parent = parent[k]
            if rng.random() < 0.3:
                del parent[where[-1]]
            else:
                parent[where[-1]] = copy.deepcopy(rng.choice(bad))
        text = yaml.safe_dump(tree, sort_keys=False)
        try:
            parse_rule_file(f, text=text)
        except Exception as err:   # pragma: no cover - the failure message
            pytest.fail(f"case {case} ({f.name}): {type(err).__name__}: {err}\n{text[:2000]}")
