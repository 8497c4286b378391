"""Shared fixtures: the shared corpus, its parity scorer, and small pool builders."""

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


def corpus_dir() -> Path:
    """The shared corpus (``../shared/corpus`` beside the repository, or $ASNSQL_CORPUS)."""
    return Path(os.environ.get("ASNSQL_CORPUS", ROOT.parent / "shared" / "corpus"))


def corpus_pools() -> list[str]:
    folder = corpus_dir()
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / f"{p.name}.csv").is_file())


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite the golden .sql snapshots from the current compiler")


@pytest.fixture(scope="session")
def corpus() -> Path:
    folder = corpus_dir()
    if not folder.is_dir():
        pytest.fail(f"the shared corpus is missing at {folder}: clone ../shared beside the "
                    "repository or set ASNSQL_CORPUS")
    return folder


@pytest.fixture(scope="session")
def parity_tool(corpus):
    """The shared scorer ``tools/parity.py``: its product criteria are the bar."""
    path = corpus.parent / "tools" / "parity.py"
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
