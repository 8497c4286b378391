"""The built wheel carries rules/ and sql/ and runs `generate` without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import EXAMPLE_POOL, ROOT, corpus_path


@pytest.mark.slow
@pytest.mark.wheel
def test_wheel_runs_generate(tmp_path, corpus):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    (wheel,) = dist.glob("asnsql-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "asnsql/_data/rules/jwst/level2b.yaml" in names
    assert "asnsql/_data/sql/macros.sql" in names
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    env = dict(os.environ, PYTHONPATH=str(target))
    run = tmp_path / "run"
    run.mkdir()
    where = subprocess.run([sys.executable, "-c", "import asnsql; print(asnsql.__file__)"],
                           cwd=run, env=env, capture_output=True, text=True, check=True)
    assert where.stdout.strip().startswith(str(target))
    result = subprocess.run([sys.executable, "-m", "asnsql", "generate", str(EXAMPLE_POOL),
                             "-p", "out", "--version-id", "v0"],
                            cwd=run, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    truth = corpus_path(EXAMPLE_POOL.stem, "truth")
    assert sorted(os.listdir(run / "out")) == sorted(os.listdir(truth))
