"""Shared fixtures: one loaded pipeline, and schema validation of every document a test produces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar.schema import validate

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "dev"
EXAMPLE = ROOT / "examples" / "kharkiv-2022-09-10-abc.txt"


def assert_valid(document: dict) -> dict:
    """Every fogofwar/v1 document produced in the test suite goes through here."""
    problems = validate(document)
    assert not problems, problems[:5]
    return document


@pytest.fixture(scope="session")
def pipeline():
    from fogofwar.pipeline import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def run(pipeline):
    """Analyse texts or Articles with the shared pipeline; the document is validated."""
    import fogofwar

    def _run(items, **meta):
        result = fogofwar.analyze(items, pipeline=pipeline, **meta)
        assert_valid(result.to_dict())
        return result

    return _run


@pytest.fixture(scope="session")
def example_result(run):
    from fogofwar.ingest import read_inputs

    (article,) = list(read_inputs([str(EXAMPLE)]))
    return run([article])


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- store / API databases


@pytest.fixture(scope="session")
def pg_server():
    """URL of a real PostgreSQL server: $FOGOFWAR_TEST_PG_URL, or a private cluster started here.

    Without PostgreSQL binaries the Postgres tests are skipped, except under CI (env CI set), where they fail.
    """
    import os

    from pg_cluster import Cluster, find_bin

    if os.environ.get("FOGOFWAR_TEST_PG_URL"):
        yield os.environ["FOGOFWAR_TEST_PG_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
        return
    bin_dir = find_bin()
    if bin_dir is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl) not found: install the `postgresql` package "
                  "or set FOGOFWAR_TEST_PG_URL")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = Cluster(bin_dir)
    url = cluster.start()
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database of each kind: a SQLite file in tmp_path, a fresh database on the Postgres server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fogofwar.db'}"
        return
    from pg_cluster import create_database, drop_database

    server = request.getfixturevalue("pg_server")
    url = create_database(server)
    yield url
    drop_database(server, url)
