"""pytest-benchmark timings of the pipeline (not collected by default: run ``pytest tests/bench_pipeline.py``).

Speed is measured here, never asserted in tests. Each benchmark checks only that its run produced results.
"""

from __future__ import annotations

import pytest

from fogofwar.scale.bench import make_corpus

ARTICLES = make_corpus(24)


@pytest.fixture(scope="module")
def nlp():
    from fogofwar.nlp import load_nlp

    return load_nlp()


def test_bare_spacy_pipe(benchmark, nlp):
    import spacy

    from fogofwar.scale.bench import _package_of

    bare = spacy.load(_package_of(nlp))
    docs = benchmark(lambda: list(bare.pipe([a.text for a in ARTICLES], batch_size=16)))
    assert len(docs) == len(ARTICLES)


def test_fogofwar_one_worker(benchmark, pipeline):
    from fogofwar.scale.workers import analyze_stream

    out = benchmark(lambda: list(analyze_stream(ARTICLES, workers=1, pipeline=pipeline)))
    assert len(out) == len(ARTICLES) and all(hasattr(o, "events") for o in out)


def test_fogofwar_stages_only(benchmark, pipeline, nlp):
    from fogofwar.pipeline import analyze_doc

    docs = list(nlp.pipe([a.text for a in ARTICLES], batch_size=16))
    gazetteer = pipeline._gazetteer()
    results = benchmark(lambda: [analyze_doc(a, d, gazetteer=gazetteer) for a, d in zip(ARTICLES, docs)])
    assert sum(len(r.events) for r in results) > 0


def test_fogofwar_all_workers(benchmark):
    from fogofwar.scale.workers import WorkerPool

    with WorkerPool(None) as pool:
        list(pool.analyze(ARTICLES[:4]))  # start-up (model loads) outside the timing
        out = benchmark.pedantic(lambda: list(pool.analyze(ARTICLES)), rounds=2, iterations=1)
    assert len(out) == len(ARTICLES)
