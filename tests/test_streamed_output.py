"""The batch path of ``generate_files`` (``--by-program``, large pool files): each part of
the associations is written into the staging folder as it comes and let go, and the folder
is published once, with the same files as when every association is held."""

from __future__ import annotations

import importlib
import json

import pyarrow.parquet as pq
import pytest

import asnsql
from asnsql import asnwrite
from asnsql.asnwrite import write_associations
from asnsql.errors import QueryError
from asnsql.generate import Options, generate_files
from asnsql.publish import STAGING_MARK
from asnsql.tables import TABLES, to_tables
from benchmarks.archive import make_archive_pool
from .conftest import corpus_dir

generate_module = importlib.import_module("asnsql.generate")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """An archive pool of many programs (copies of the corpus's real pools)."""
    path = tmp_path_factory.mktemp("archive") / "archive_pool.csv"
    make_archive_pool(corpus_dir(), 1500, path)
    return path


@pytest.fixture(scope="module")
def held(archive):
    """The associations of every program, all held (``generate``)."""
    return asnsql.generate(archive, version_id="v0", split_programs=True)


@pytest.fixture
def small_parts(monkeypatch):
    """Parts of 40 associations, and a count of the parts written."""
    monkeypatch.setattr(generate_module, "WRITE_PART", 40)
    parts = []
    add = asnwrite.StagedWriter.add

    def counting(self, associations):
        parts.append(len(associations))
        return add(self, associations)

    monkeypatch.setattr(asnwrite.StagedWriter, "add", counting)
    return parts


def _options():
    return Options(version_id="v0", split_programs=True)


def test_parquet_tables_written_in_parts_equal_the_held_ones(archive, held, tmp_path,
                                                             small_parts):
    out = tmp_path / "out"
    result = generate_files(archive, out, options=_options(), fmt="parquet",
                            keep_associations=False)
    assert len(small_parts) > 3 and sum(small_parts) == len(held)
    assert result.associations == [] and result.runs == []
    expected_counts: dict[str, int] = {}
    for asn in held:
        expected_counts[asn["asn_type"]] = expected_counts.get(asn["asn_type"], 0) + 1
    assert result.type_counts() == expected_counts
    expected = to_tables(held)
    for name in TABLES:
        assert pq.read_table(out / f"{name}.parquet").equals(expected[name]), name


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_files_written_in_parts_equal_the_held_ones(archive, held, tmp_path, small_parts,
                                                    fmt):
    write_associations(held, tmp_path / "held", fmt=fmt)
    result = generate_files(archive, tmp_path / "parts", options=_options(), fmt=fmt,
                            keep_associations=False)
    assert len(small_parts) > 3
    held_files = sorted(p.name for p in (tmp_path / "held").iterdir())
    assert sorted(p.name for p in (tmp_path / "parts").iterdir()) == held_files
    for name in held_files:
        assert (tmp_path / "parts" / name).read_bytes() == \
            (tmp_path / "held" / name).read_bytes(), name
    assert sum(result.type_counts().values()) == len(held)


def test_kept_associations_are_returned_and_written(archive, held, tmp_path, small_parts):
    result = generate_files(archive, tmp_path / "out", options=_options(), fmt="parquet")
    assert [dict(a) for a in result.associations] == [dict(a) for a in held]
    assert [a.name for a in result.associations] == [a.name for a in held]
    assert result.counted is None


@pytest.mark.slow  # (~20 s: the closest rule of every orphan, twice)
def test_orphans_file_as_on_the_held_path(archive, tmp_path, small_parts):
    # The --db path holds every association (one transaction with the files).
    generate_files(archive, tmp_path / "held", options=_options(), save_orphans="orph.csv",
                   database=tmp_path / "a.duckdb")
    result = generate_files(archive, tmp_path / "parts", options=_options(),
                            save_orphans="orph.csv", keep_associations=False)
    assert (tmp_path / "parts" / "orph.csv").read_text() == \
        (tmp_path / "held" / "orph.csv").read_text()
    assert result.orphans


def test_dry_run_writes_nothing(archive, held, tmp_path, small_parts):
    result = generate_files(archive, tmp_path / "out", options=_options(), dry_run=True,
                            keep_associations=False)
    assert not (tmp_path / "out").exists() and small_parts == []
    assert sum(result.type_counts().values()) == len(held)


@pytest.mark.parametrize("error", [QueryError("disk full"), KeyboardInterrupt()])
def test_failure_half_way_leaves_the_old_folder(archive, tmp_path, small_parts, monkeypatch,
                                                error):
    out = tmp_path / "out"
    out.mkdir()
    (out / "old_asn.json").write_text(json.dumps({"old": 1}))
    monkeypatch.setattr(generate_module, "WRITE_PART", 5)
    calls = []
    real = generate_module.iter_batch

    def failing(*args, **kwargs):
        for result in real(*args, **kwargs):
            calls.append(result)
            if len(calls) > 10:  # (after several parts were written into the staging folder)
                raise error
            yield result

    monkeypatch.setattr(generate_module, "iter_batch", failing)
    with pytest.raises(type(error)):
        generate_files(archive, out, options=_options(), fmt="json", keep_associations=False)
    assert len(small_parts) > 1
    assert [p.name for p in out.iterdir()] == ["old_asn.json"]
    assert not [p for p in tmp_path.iterdir() if STAGING_MARK in p.name]


def test_a_bad_pool_is_reported_before_the_output_folder(tmp_path):
    pool = tmp_path / "p.csv"
    pool.write_text("filename|program|exp_type\na.fits|1\n")
    target = tmp_path / "out"
    target.write_text("a file")
    with pytest.raises(Exception) as info:
        generate_files(pool, target, options=_options(), keep_associations=False)
    assert "p.csv" in str(info.value) and target.read_text() == "a file"


def test_one_large_unit_is_written_in_parts(archive, tmp_path, small_parts, monkeypatch):
    # (a pool file over LARGE_POOL_BYTES takes the batch path as one unit)
    monkeypatch.setattr(generate_module, "large_pools", lambda pools: True)
    whole = asnsql.generate(archive, version_id="v0")
    out = tmp_path / "out"
    result = generate_files(archive, out, options=Options(version_id="v0"), fmt="parquet",
                            keep_associations=False)
    assert len(small_parts) > 3 and max(small_parts) <= 40
    assert sum(result.type_counts().values()) == len(whole)
    expected = to_tables(whole)
    for name in TABLES:
        assert pq.read_table(out / f"{name}.parquet").equals(expected[name]), name


def test_a_large_lone_unit_takes_its_query_results_one_by_one(archive, tmp_path,
                                                               monkeypatch):
    """A lone large chunk (a big pool run as one unit): each rule query's result is taken
    out of DuckDB (as Arrow) as soon as its query has run, two queries at a time on one
    DuckDB thread each, its rows made rule by rule, and DuckDB's memory limit lowered
    while the unit is assembled; the thread and memory settings are restored after: the
    same tables as the held path."""
    from asnsql import batch, pipeline
    from asnsql.engine import Engine

    whole = asnsql.generate(archive, version_id="v0")
    monkeypatch.setattr(generate_module, "large_pools", lambda pools: True)
    monkeypatch.setattr(batch, "ONE_BY_ONE_ROWS", 0)
    made = []
    ready = pipeline._Ready.__init__

    def counting(self, pending):
        made.append(1)
        ready(self, pending)

    threads = []
    run_parallel = Engine.run_parallel

    def recording(self, queries, workers=None, seconds=None, take=None):
        threads.append((self.scalar("SELECT current_setting('threads')"), workers, take))
        return run_parallel(self, queries, workers, seconds, take)

    monkeypatch.setattr(pipeline._Ready, "__init__", counting)
    monkeypatch.setattr(Engine, "run_parallel", recording)
    out = tmp_path / "out"
    generate_files(archive, out, options=Options(version_id="v0"), fmt="parquet",
                   keep_associations=False)
    assert len(made) > 5 and threads == [(1, 2, pipeline._Ready)]
    expected = to_tables(whole)
    for name in TABLES:
        assert pq.read_table(out / f"{name}.parquet").equals(expected[name]), name
    with Engine.for_pools([archive]) as engine:
        settings = "SELECT current_setting('memory_limit'), current_setting('threads')"
        before = engine.rows(settings)
        assert len(list(batch.iter_batch(engine, [archive], options=Options(version_id="v0"))))
        assert engine.rows(settings) == before


@pytest.mark.parametrize("by_program", [True, False], ids=["streamed", "held"])
def test_ctrl_c_right_after_the_output_is_in_place_says_it_was_written(tmp_path, monkeypatch,
                                                                       by_program):
    """A Ctrl-C between the folder's publication and the caller's next step (here as the
    writer returns) reports the output written, never "nothing was changed": the
    publication itself notes it, with Ctrl-C held back (publish_folder's on_published)."""
    from asnsql.errors import Interrupted

    name = "stream_associations" if by_program else "write_associations"
    real = getattr(asnwrite, name)

    def then_interrupted(*args, **kwargs):
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(asnwrite, name, then_interrupted)
    pool = corpus_dir() / "pool_002_image_miri" / "pool_002_image_miri.csv"
    out = tmp_path / "out"
    raised = None
    try:
        generate_files(pool, out, options=Options(version_id="v0", split_programs=by_program))
    except KeyboardInterrupt as err:  # (Interrupted is one)
        raised = err
    assert isinstance(raised, Interrupted) and "written into" in str(raised), repr(raised)
    assert sorted(p.name for p in out.iterdir())


@pytest.mark.parametrize("by_program", [True, False], ids=["streamed", "held"])
def test_ctrl_c_after_a_dry_run_says_nothing_was_changed(tmp_path, monkeypatch, by_program):
    """A dry run without a database writes nothing: a Ctrl-C as its engine closes is no
    Interrupted (which would say the associations were stored somewhere)."""
    from asnsql.engine import Engine
    from asnsql.errors import Interrupted

    def interrupted(self):
        raise KeyboardInterrupt

    monkeypatch.setattr(Engine, "close", interrupted)
    pool = corpus_dir() / "pool_002_image_miri" / "pool_002_image_miri.csv"
    raised = None
    try:
        generate_files(pool, tmp_path / "out", dry_run=True,
                       options=Options(version_id="v0", split_programs=by_program))
    except KeyboardInterrupt as err:
        raised = err
    assert raised is not None and not isinstance(raised, Interrupted), repr(raised)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("dry_run", [False, True], ids=["files", "dry-run"])
def test_ctrl_c_before_the_database_commits_leaves_files_and_database(tmp_path, monkeypatch,
                                                                      dry_run):
    """With --db, a Ctrl-C arriving after the files are in place but before the database
    commits is held back until it has: both land, and the message names both."""
    import os
    import signal

    import duckdb

    from asnsql.engine import Engine
    from asnsql.errors import Interrupted

    real = Engine.execute

    def execute(self, sql, *args, **kwargs):
        if sql == "COMMIT":
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, sql, *args, **kwargs)

    monkeypatch.setattr(Engine, "execute", execute)
    pool = corpus_dir() / "pool_002_image_miri" / "pool_002_image_miri.csv"
    out, db = tmp_path / "out", tmp_path / "a.duckdb"
    raised = None
    try:
        generate_files(pool, out, options=Options(version_id="v0"), dry_run=dry_run,
                       database=db)
    except KeyboardInterrupt as err:
        raised = err
    assert isinstance(raised, Interrupted) and f"stored in {db}" in str(raised), repr(raised)
    assert ("written into" in str(raised)) is not dry_run
    assert out.exists() is not dry_run
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM associations").fetchone()[0] > 0
