"""``fogofwar bench`` runs end to end on the shipped corpus (figures are reported, never asserted on speed)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from fogofwar.cli import app
from fogofwar.scale.bench import base_texts, make_corpus

KEYS = {"articles", "fogofwar_aps", "spacy_aps", "ratio", "speedup_all_workers", "peak_rss_mb"}


def test_the_corpus_is_shipped_and_varied():
    base = base_texts()
    assert len(base) >= 5 and all(b["text"].strip() for b in base)
    corpus = make_corpus(3 * len(base))
    assert len({a.id for a in corpus}) == len(corpus)
    assert len({a.text for a in corpus}) == len(corpus)  # repeats have their paragraphs in another order
    assert sorted(corpus[len(base)].text.split("\n")) == sorted(base[0]["text"].split("\n"))


def test_tiny_bench_prints_json_with_every_key():
    result = CliRunner().invoke(app, ["bench", "--articles", "10", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= figures.keys()
    assert figures["articles"] == 10 and figures["errors"] == 0
    assert figures["fogofwar_aps"] > 0 and figures["spacy_aps"] > 0 and figures["peak_rss_mb"] > 0
    assert figures["ratio"] == round(figures["fogofwar_aps"] / figures["spacy_aps"], 3)
    assert figures["ratio_numpy_blas"] == round(figures["fogofwar_aps"] / figures["spacy_numpy_blas_aps"], 3)
