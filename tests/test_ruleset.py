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
