"""Issue 15, property: a mutated pool (bytes, quoting, lengths, encodings) gives either valid
associations or one error line with a known exit code, never a traceback."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asnsql.cli import main
from asnsql.io import validate_file

from ._hardening import EXAMPLE_POOL

BASE = EXAMPLE_POOL.read_bytes()
LINES = BASE.split(b"\n")

#: Exit codes of asnsql's own errors (errors.py): pool 2, rules 3, query 4, output 5.
KNOWN_CODES = {0, 2, 3, 4, 5}

_field_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(['"', '""', '"a|b"', 'a"b', "'", "|", "\\", "\0", "\r", "\t", " ",
                     "null", "", "#", "[('o001', 'observation')]", "[(", "../x", "/",
                     "\u00e9", "\U0001f600", "\x7f", "--help"]),
    st.integers(0, 300_000).map(lambda n: "y" * n),
)


@st.composite
def mutated_pools(draw) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["field", "bytes", "truncate", "encoding", "line",
                                     "duplicate", "delete"]))
        row = draw(st.integers(0, len(lines) - 1))
        if kind == "field":
            fields = lines[row].split(b"|")
            index = draw(st.integers(0, len(fields) - 1))
            fields[index] = draw(_field_text).encode("utf-8", "surrogatepass")
            lines[row] = b"|".join(fields)
        elif kind == "bytes":
            at = draw(st.integers(0, len(lines[row])))
            lines[row] = lines[row][:at] + draw(st.binary(min_size=1, max_size=8)) \
                + lines[row][at:]
        elif kind == "truncate":
            lines[row] = lines[row][:draw(st.integers(0, len(lines[row])))]
        elif kind == "encoding":
            codec = draw(st.sampled_from(["latin-1", "utf-16", "cp1252"]))
            text = lines[row].decode("utf-8", "replace").replace("NIRCam", "NIRCam\u00e9")
            lines[row] = text.encode(codec, "replace")
        elif kind == "line":
            lines.insert(row, draw(st.binary(max_size=60)))
        elif kind == "duplicate":
            lines.insert(row, lines[row])
        elif kind == "delete" and len(lines) > 2:
            del lines[row]
    return b"\n".join(lines)


def _check(tmp_path_factory, capsys, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("prop")
    pool = folder / "pool.csv"
    pool.write_bytes(data)
    out = folder / "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(["generate", str(pool), "-p", str(out), "-q", "--version-id", "v0"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code in KNOWN_CODES, err[:2000]
    if code == 0:
        assert err == ""
        for path in out.glob("*.json"):
            assert validate_file(path) == [], path
    else:
        lines = err.strip("\n").splitlines()
        assert len(lines) == 1 and lines[0].startswith("asnsql: error: "), err[:2000]
        assert len(lines[0]) < 2200
        assert not out.exists()


_SETTINGS = dict(deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(max_examples=12, **_SETTINGS)
@given(data=mutated_pools())
def test_mutated_pool_gives_output_or_one_line(tmp_path_factory, capsys, data):
    _check(tmp_path_factory, capsys, data)


@pytest.mark.slow
@settings(max_examples=150, **_SETTINGS)
@given(data=mutated_pools())
def test_many_mutated_pools_give_output_or_one_line(tmp_path_factory, capsys, data):
    _check(tmp_path_factory, capsys, data)
