"""asnsql from-list and asnsql.tools.fromlist.from_list.

Expected texts and values were produced by jwst 3.0.0's ``asn_from_list`` on the same
arguments and are written here by hand.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from asnsql.cli import cli, main
from asnsql.errors import AsnsqlWarning, AssociationError
from asnsql.tools.fromlist import from_list, split_exptype

# asn_from_list -o l3.json --product-name MyMosaic a_cal.fits b_cal.fits c.fits
LEVEL3_TEXT = """{
    "asn_type": "None",
    "asn_rule": "DMS_Level3_Base",
    "version_id": null,
    "code_version": "3.0.0",
    "degraded_status": "No known degraded exposures in association.",
    "program": "noprogram",
    "constraints": "No constraints",
    "asn_id": "a3001",
    "target": "none",
    "asn_pool": "none",
    "products": [
        {
            "name": "MyMosaic",
            "members": [
                {
                    "expname": "a_cal.fits",
                    "exptype": "science"
                },
                {
                    "expname": "b_cal.fits",
                    "exptype": "science"
                },
                {
                    "expname": "c.fits",
                    "exptype": "science"
                }
            ]
        }
    ]
}"""

# asn_from_list -o r5.yaml -f yaml --product-name P a_rate.fits b.fits
YAML_TEXT = """asn_id: a3001
asn_pool: none
asn_rule: DMS_Level3_Base
asn_type: None
code_version: 3.0.0
constraints: No constraints
degraded_status: No known degraded exposures in association.
products:
- members:
  - expname: a_rate.fits
    exptype: science
  - expname: b.fits
    exptype: science
  name: P
program: noprogram
target: none
version_id: null
"""

LEVEL2_KEYS = ["asn_type", "asn_rule", "version_id", "code_version", "degraded_status",
               "program", "constraints", "asn_id", "asn_pool", "products"]

# Rules asn_from_list cannot make valid from one science file (checked for every rule).
INVALID_WITH_ONE_SCIENCE = {"Asn_Lv3AMI", "Asn_Lv3ImageMosaic", "Asn_Lv3MIRCoron",
                            "Asn_Lv3NRCCoron", "Asn_Lv3TSO", "Asn_Lv3WFSCMB"}


def run(tmp_path, *args):
    """Run ``asnsql from-list`` in tmp_path; return (exit code, output, written text)."""
    out = tmp_path / "asn.json"
    result = CliRunner().invoke(cli, ["from-list", "-o", str(out), *args])
    text = out.read_text() if out.exists() else None
    return result.exit_code, result.output, text


def test_level3_default_rule_is_byte_identical(tmp_path):
    code, _, text = run(tmp_path, "--product-name", "MyMosaic", "a_cal.fits", "b_cal.fits",
                        "c.fits")
    assert code == 0
    assert text == LEVEL3_TEXT


def test_level3_named_rule_ignores_id(tmp_path):
    with pytest.warns(AsnsqlWarning, match="ignored"):
        code, _, text = run(tmp_path, "-r", "Asn_Lv3Image", "--product-name", "Foo",
                            "a_cal.fits", "-i", "c1000")
    assert code == 0
    data = json.loads(text)
    assert data["asn_rule"] == "Asn_Lv3Image"
    assert data["asn_id"] == "a3001"
    assert data["asn_type"] == "None"
    assert data["products"] == [{"name": "Foo", "members": [
        {"expname": "a_cal.fits", "exptype": "science"}]}]


def test_level2_one_product_per_file(tmp_path):
    with pytest.warns(AsnsqlWarning, match="folder"):
        code, _, text = run(tmp_path, "-r", "DMSLevel2bBase", "jw001_nrca1_rate.fits",
                            "dir/jw002_uncal.fits", "x.y.fits", "noext")
    assert code == 0
    data = json.loads(text)
    assert list(data) == LEVEL2_KEYS
    assert data["asn_rule"] == "DMSLevel2bBase"
    assert data["asn_id"] == "a3001"
    assert data["asn_pool"] == "none"
    # The reference keeps the folder in the product name.
    assert [p["name"] for p in data["products"]] == ["jw001_nrca1", "dir/jw002", "x.y",
                                                     "noext"]
    assert [p["members"] for p in data["products"]][1] == [
        {"expname": "dir/jw002_uncal.fits", "exptype": "science"}]


def test_level2_rule_with_observation_id(tmp_path):
    code, _, text = run(tmp_path, "-r", "Asn_Lv2Image", "a_rate.fits", "b_rateints.fits",
                        "-i", "o002")
    assert code == 0
    data = json.loads(text)
    assert data["asn_rule"] == "Asn_Lv2Image"
    assert data["asn_id"] == "a3001"
    assert [p["name"] for p in data["products"]] == ["a", "b"]


def test_yaml_format(tmp_path):
    out = tmp_path / "asn.yaml"
    with pytest.warns(AsnsqlWarning, match="deprecated"):
        result = CliRunner().invoke(cli, ["from-list", "-o", str(out), "-f", "yaml",
                                          "--product-name", "P", "a_rate.fits", "b.fits"])
    assert result.exit_code == 0
    assert out.read_text() == YAML_TEXT


@pytest.mark.parametrize("args, message", [
    (["a_cal.fits"], "product name"),
    (["-r", "Asn_Lv2Image", "a_rate.fits", "-i", "x1000"], "must start with o"),
    (["-r", "Asn_Lv2Image", "a_rate.fits", "-i", "c1000"], "background member"),
    (["-r", "Asn_Lv3TSO", "--product-name", "P", "a_rate.fits"], "observation candidates"),
    (["-r", "Asn_Lv3AMI", "--product-name", "P", "a_rate.fits"], "psf"),
    (["-r", "Asn_Lv3WFSCMB", "--product-name", "P", "a_rate.fits"], "two members"),
    (["-r", "NoSuch", "--product-name", "P", "a_rate.fits"], "no rule 'NoSuch'"),
    (["--product-name", "P", "a_rate.fits:sciense"], "unknown exptype 'sciense'"),
    (["--product-name", "P", "a_rate.fits", "--psf", ""], None),
])
def test_errors_write_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "asn.json"
    code = main(["from-list", "-o", str(out), *args])
    err = capsys.readouterr().err
    if message is None:          # an empty file name is still a name (as the reference)
        assert code == 0
        return
    assert code == 6
    assert not out.exists()
    assert err.count("\n") == 1 and err.startswith("asnsql: error: ")
    assert message in err


def test_missing_output_folder(tmp_path, capsys):
    code = main(["from-list", "-o", str(tmp_path / "no" / "asn.json"), "--product-name", "P",
                 "a.fits"])
    assert code == 5
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("acid", ["o999", "c1000"])
def test_validity_of_every_rule_as_the_reference(acid):
    from asnsql.ruleset import default_ruleset

    for rule in default_ruleset():
        if rule.level == 3:
            expected = rule.name not in INVALID_WITH_ONE_SCIENCE
        else:
            expected = acid == "o999" or rule.name == "Asn_Lv2WFSSParallel"
        try:
            from_list(["a_rate.fits"], rule.name, product_name="P", acid=acid)
            valid = True
        except AssociationError:
            valid = False
        assert valid == expected, rule.name


def test_level2_roles_join_every_product(tmp_path):
    code, output, text = run(tmp_path, "-r", "Asn_Lv2Spec", "-i", "c1000",
                             "s1_rate.fits", "s2_rate.fits", "bkg2_rate.fits:background",
                             "--background", "bkg_rate.fits", "--imprint", "imp_rate.fits")
    assert code == 0, output
    products = json.loads(text)["products"]
    assert [p["name"] for p in products] == ["s1", "s2"]
    assert products[1]["members"] == [
        {"expname": "s2_rate.fits", "exptype": "science"},
        {"expname": "bkg2_rate.fits", "exptype": "background"},
        {"expname": "bkg_rate.fits", "exptype": "background"},
        {"expname": "imp_rate.fits", "exptype": "imprint"},
    ]


def test_level3_roles_and_typed_files(tmp_path):
    code, output, text = run(tmp_path, "-r", "Asn_Lv3NRCCoron", "--product-name", "coron",
                             "a_calints.fits", "p_calints.fits:PSF", "b_calints.fits",
                             "--target-acquisition", "ta_cal.fits")
    assert code == 0, output
    members = json.loads(text)["products"][0]["members"]
    assert [(m["expname"], m["exptype"]) for m in members] == [
        ("a_calints.fits", "science"), ("p_calints.fits", "psf"),
        ("b_calints.fits", "science"), ("ta_cal.fits", "target_acquisition")]


def test_split_exptype_keeps_colons_in_names():
    assert split_exptype("x:1.fits") == ("x:1.fits", None)
    assert split_exptype("a.fits:target_acquisition") == ("a.fits", "target_acquisition")


def test_api_level2_keywords():
    # asn_from_list(["a_rate.fits", "b_rate.fits"], rule=DMSLevel2bBase,
    #               meta={"program": "00001", "asn_type": "image2"},
    #               product_name_func=lambda item, idx: "p1" if idx == 1 else 1/0)
    asn = from_list(["a_rate.fits", "b_rate.fits"], "DMSLevel2bBase",
                    meta={"program": "00001", "asn_type": "image2"},
                    product_name_func=lambda item, idx: "p1" if idx == 1 else 1 / 0)
    assert asn["program"] == "00001" and asn["asn_type"] == "image2"
    assert [p["name"] for p in asn["products"]] == ["p1", "b"]


def test_api_with_exptype_pairs():
    # Level 2b: a product per item, "undefined" without a science member; "" is science.
    asn = from_list([("a.fits", "science"), ("b.fits", "background"), ("c_cal.fits", "")],
                    "DMSLevel2bBase", with_exptype=True, acid="c1000")
    assert [p["name"] for p in asn["products"]] == ["a", "undefined", "c"]
    assert asn["products"][2]["members"] == [{"expname": "c_cal.fits", "exptype": "science"}]
    asn = from_list([("a.fits", "science"), ("p.fits", "psf")], "Asn_Lv3AMI",
                    product_name="P", with_exptype=True)
    assert asn["products"][0]["members"][1] == {"expname": "p.fits", "exptype": "psf"}
    with pytest.raises(AssociationError, match="pairs"):
        from_list(["a.fits"], product_name="P", with_exptype=True)


def test_ruledefs_find_user_rules(tmp_path, capsys):
    rules = tmp_path / "mine.yaml"
    rules.write_text("level: 2\nrules:\n  - name: Asn_MyLv2\n    asn_type: image2\n"
                     "    keys: [{name: exp_type, attr: exp_type, match: [nrc_image]}]\n")
    code, output, text = run(tmp_path, "--ruledefs", str(rules), "-r", "Asn_MyLv2",
                             "a_rate.fits")
    assert code == 0, output
    data = json.loads(text)
    assert data["asn_rule"] == "Asn_MyLv2" and "target" not in data
    assert [p["name"] for p in data["products"]] == ["a"]
    rules.write_text("level: [unclosed\n")
    assert main(["from-list", "-o", str(tmp_path / "b.json"), "--ruledefs", str(rules),
                 "-r", "Asn_MyLv2", "a.fits"]) == 3
    assert not (tmp_path / "b.json").exists()
    assert "not valid YAML" in capsys.readouterr().err
