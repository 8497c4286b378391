"""Roman's compiled queries as reviewed snapshots (tests/golden/roman/*.sql), as the JWST
rules' are (`pytest --update-golden` rewrites them), and `asnsql explain --roman`."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from click.testing import CliRunner

from asnsql.cli import cli
from asnsql.profiles.roman import overlap, queries, skymap
from asnsql.profiles.roman.rules import load_rules

GOLDEN = Path(__file__).parent / "golden" / "roman"


def _queries() -> dict[str, str]:
    rules = load_rules()
    out = {"overlap": overlap.overlap_sql(),
           "overlap_fix_south_cap": overlap.overlap_sql(fix_south_cap=True),
           "skycell_wcs_info": skymap.skycell_wcs_info_sql(),
           "multiband": queries.multiband_query(rules)}
    for product_type in ("visit", "pass", "full", "daily", "user"):
        out[f"skycell_{product_type}"] = queries.skycell_query(rules, product_type, "r00001",
                                                               "p")
    return out


@pytest.mark.parametrize("name", sorted(_queries()))
def test_golden_roman_sql(name, request):
    """Every Roman query is reviewed as a snapshot and parses back as DuckDB SQL."""
    text = _queries()[name].rstrip() + "\n"
    path = GOLDEN / f"{name}.sql"
    if request.config.getoption("--update-golden"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"no snapshot {path.name}: run pytest --update-golden and review"
    assert text == path.read_text(), f"{name}: SQL changed; review, then --update-golden"
    sqlglot.parse_one(text, read="duckdb")


def test_explain_roman_prints_every_roman_query():
    result = CliRunner().invoke(cli, ["explain", "--roman"])
    assert result.exit_code == 0, result.output
    assert result.output.count("-- roman: ") == 4
    assert overlap.overlap_sql().strip() in result.output
