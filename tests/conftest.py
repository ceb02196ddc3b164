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
