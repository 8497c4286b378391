"""Shared fixtures: the corpus (tests/data), its parity scorer, and small pool builders."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Tests compile SQL afresh: no on-disk SQL cache (asnsql.plan), unless a test asks.
os.environ["ASNSQL_CACHE"] = "off"
EXAMPLE_POOL = ROOT / "examples" / "jw88600_20171108T051731_pool.csv"


#: Test data shipped with the repository: the corpus (public JWST pools and the reference's
#: outputs for them, laid out as tests/data/corpus/<pool>/<pool>.csv, truth/, modes/, meta.json)
#: and the scorer tools/parity.py.
DATA = ROOT / "tests" / "data"


def corpus_dir() -> Path:
    """The corpus: ``$ASNSQL_CORPUS`` when set, else the copy in ``tests/data/corpus``."""
    given = os.environ.get("ASNSQL_CORPUS")
    return Path(given) if given else DATA / "corpus"


def _missing(what: Path) -> None:
    source = ("ASNSQL_CORPUS=" + os.environ["ASNSQL_CORPUS"]
              if os.environ.get("ASNSQL_CORPUS") else "tests/data/corpus (shipped with the "
              "repository: is the checkout complete?)")
    pytest.fail(f"test data missing: {what} is not in the corpus {source}", pytrace=False)


def corpus_path(*parts: str) -> Path:
    """A file or folder of the corpus; fails the test with one clear line when it is missing.

    Every test reads the corpus through this helper (or the ``corpus`` fixture), never by a
    path of its own, so that a missing file is a readable failure and not a raw
    ``FileNotFoundError``.
    """
    path = corpus_dir().joinpath(*parts)
    if not path.exists():
        _missing(path)
    return path


def corpus_pool(name: str) -> Path:
    """The pool file ``<corpus>/<name>/<name>.csv`` (see :func:`corpus_path`)."""
    return corpus_path(name, f"{name}.csv")


def corpus_pools() -> list[str]:
    """Every pool of the corpus, by name (empty when the corpus is missing)."""
    folder = corpus_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / f"{p.name}.csv").is_file())


#: The corpus pools the default selection runs (the rest are marked ``slow``): imaging and
#: spectroscopy, Level 2 and 3, backgrounds, TSO, wavefront sensing, candidates of every
#: type with the generator modes, duplicates, every exp_type, and the example pool.
REPRESENTATIVE = frozenset({
    "jw88600_20171108T051731_pool",       # the example pool (NIRCam, NIRISS imaging)
    "jw00632_dups",                       # duplicate products
    "jw00711_20181027T043250_pool",       # NIRCam imaging, 75 associations
    "jw82600_20171108T041350_pool",       # the largest real pool: coronagraphy, focus, LED
    "pool_001_candidates",                # observation, background and c-candidates; modes
    "pool_004_wfs",                       # wavefront sensing
    "pool_009_spec_miri_lv2bkg",          # MIRI spectroscopy, Level-2 backgrounds; modes
    "pool_018_all_exptypes",              # every exp_type
    "pool_021_tso",                       # time series
    "pool_023_nirspec_msa_3nod",          # NIRSpec MOS, nods
})


def corpus_param(pool: str, *marks, id: str | None = None):
    """A ``pytest.param`` of a corpus case, marked ``slow`` unless its pool is in
    :data:`REPRESENTATIVE` (``pytest -m slow`` runs the rest of the corpus)."""
    if pool not in REPRESENTATIVE:
        marks = marks + (pytest.mark.slow,)
    return pytest.param(pool, marks=marks, id=id or pool)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden .sql snapshots from the current compiler")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The corpus folder (see :func:`corpus_dir`); fails clearly when it is missing."""
    return corpus_path()


@pytest.fixture(scope="session")
def parity_tool(corpus):
    """The scorer ``tools/parity.py`` beside the corpus (shipped as tests/data/tools/): its
    product criteria are the bar."""
    path = corpus.parent / "tools" / "parity.py"
    if not path.is_file():
        path = DATA / "tools" / "parity.py"
    spec = importlib.util.spec_from_file_location("shared_parity", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_pool(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a small ``|``-delimited pool file."""
    lines = ["|".join(header)] + ["|".join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def load_json_folder(folder: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*_asn.json"))}
