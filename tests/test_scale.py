"""Streaming analysis on several processes: same results, same order, nothing lost (real model, real pool)."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from fogofwar import report
from fogofwar.evaluate.gold import gold_to_article, load_gold
from fogofwar.ingest import read_inputs
from fogofwar.models import Article, ErrorRecord
from fogofwar.scale import workers as W
from fogofwar.scale.cli import analyze_items, stream_json
from fogofwar.stories import build

from conftest import DEV, EXAMPLE, ROOT, assert_valid

GOLD = ROOT / "tests" / "data" / "gold"


def corpus() -> list[Article]:
    paths = [GOLD] + ([DEV] if DEV.is_dir() else [])
    return [gold_to_article(g) for g in load_gold(paths)]


@pytest.fixture(scope="module")
def reference(pipeline):
    """The single-process pipeline's documents, article by article."""
    articles = corpus()
    return articles, [r.to_dict() for r in pipeline.run(articles)]


def test_one_worker_and_two_workers_give_the_pipelines_results_in_input_order(reference, pipeline):
    articles, expected = reference
    bad = ErrorRecord(file="in.jsonl", line=3, reason="not valid JSON: x")
    items = articles[:2] + [bad] + articles[2:]
    for workers in (1, 2):
        out = list(W.analyze_stream(items, workers=workers, batch_size=2,
                                    pipeline=pipeline if workers == 1 else None))
        assert len(out) == len(items)
        assert out[2] is bad  # input error records keep their place
        got = [o.to_dict() for o in out if not isinstance(o, ErrorRecord)]
        assert [g["id"] for g in got] == [a.id for a in articles]
        assert got == expected, f"workers={workers} changed the output"


def test_auto_workers_stays_in_process_for_small_inputs(pipeline):
    (article,) = list(read_inputs([str(EXAMPLE)]))
    (result,) = list(W.analyze_stream([article], workers=0, pipeline=pipeline))
    assert result.events and W.resolve_workers(0) == W.cpu_workers() and W.resolve_workers(3) == 3


def _crash_on_marker(articles):
    """Worker function for the test: a native crash (the process exits at once) on one article."""
    if any(a.id == "kills-its-worker" for a in articles):
        os._exit(7)
    return W._work(articles)


def test_an_article_that_kills_its_worker_becomes_an_error_record_and_the_rest_goes_on(reference):
    articles, expected = reference
    killer = Article(id="kills-its-worker", text="Ukrainian forces retook Izyum.", file="big.jsonl", line=5)
    items = articles[:3] + [killer] + articles[3:]
    out = list(W.map_ordered(items, _crash_on_marker, workers=2, batch_size=2,
                             initializer=W._init_worker, initargs=(None, 2)))
    assert len(out) == len(items)
    error = out[3]
    assert isinstance(error, ErrorRecord) and error.file == "big.jsonl" and error.line == 5
    assert "worker process died" in error.reason
    assert [o.to_dict() for o in out if not isinstance(o, ErrorRecord)] == expected


def test_streamed_json_equals_the_in_memory_document(tmp_path, pipeline):
    articles = corpus()
    lines = [json.dumps({"id": a.id, "text": a.text, "published": a.published, "outlet": a.outlet,
                         "title": a.title}) for a in articles]
    lines.insert(1, "{not json")
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    buf = io.StringIO()
    n_articles, n_errors = stream_json(read_inputs([str(path)]), buf, workers=1, batch_size=4)
    assert (n_articles, n_errors) == (len(articles), 1)

    result = analyze_items(read_inputs([str(path)]), workers=1, batch_size=4)
    expected = report.to_json(result.to_dict()) + "\n"
    assert buf.getvalue() == expected
    document = assert_valid(json.loads(buf.getvalue()))
    assert document["errors"][0]["line"] == 2 and document["stories"]


def test_packed_results_come_back_whole_and_give_the_same_stories(reference, pipeline):
    articles, expected = reference
    full = list(pipeline.run(articles))
    blobs = [W.pack(r) for r in full]
    back = [W.unpack(b) for b in blobs]
    assert [r.to_dict() for r in back] == expected
    assert sum(map(len, blobs)) < sum(len(json.dumps(e)) for e in expected) / 2
    s_full, l_full = build(full)
    s_back, l_back = build(back)
    assert s_full and [s.to_dict() for s in s_back] == [s.to_dict() for s in s_full]
    assert [x.to_dict() for x in l_back] == [x.to_dict() for x in l_full]


def test_stories_from_packed_slim_inputs_in_small_batches_equal_build(reference, pipeline):
    """What `analyze` keeps: a packed story input per article (smaller than the packed result); stories
    formed from them batch by batch (a budget of a few members forces many passes) are build's."""
    from fogofwar.stories import build_packed, story_input

    articles, _ = reference
    stories_corpus = [gold_to_article(g) for g in load_gold([ROOT / "tests" / "data" / "stories"])]
    full = list(pipeline.run(articles + stories_corpus + stories_corpus[:2]))  # copies and linked stories
    expected_stories, expected_ledgers = build(full)
    slim = [W.pack(story_input(r)) for r in full]
    assert sum(map(len, slim)) < sum(len(W.pack(r)) for r in full)
    for budget in (1, 7, 10**6):
        got_stories, got_ledgers = build_packed(slim, W.unpack, member_budget=budget)
        assert got_stories == [s.to_dict() for s in expected_stories]
        assert got_ledgers == [x.to_dict() for x in expected_ledgers]
    assert any(s.copies for s in expected_stories) and any(s.linked for s in expected_stories) and expected_ledgers


def test_analyze_command_streams_jsonl_with_two_workers(tmp_path, reference, pipeline):
    from typer.testing import CliRunner

    from fogofwar.cli import app

    articles, expected = reference
    path = tmp_path / "news.jsonl"
    rows = [json.dumps({"id": a.id, "text": a.text, "published": a.published, "outlet": a.outlet,
                        "title": a.title, "url": a.url, "language": a.language}) for a in articles]
    path.write_text("\n".join(rows[:2] + ['{"id": "no-text"}'] + rows[2:]) + "\n", encoding="utf-8")
    out = tmp_path / "out" / "result.json"
    result = CliRunner().invoke(app, ["analyze", str(path), "--workers", "2", "--batch-size", "2", "-o", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert not Path(str(out) + ".part").exists()
    document = assert_valid(json.loads(out.read_text(encoding="utf-8")))
    assert [a["id"] for a in document["articles"]] == [a.id for a in articles]
    assert [a["events"] for a in document["articles"]] == [e["events"] for e in expected]
    assert [a["places"] for a in document["articles"]] == [e["places"] for e in expected]
    assert [(e["file"], e["line"]) for e in document["errors"]] == [(str(path), 3)]
    stories, _ = build(list(pipeline.run(articles)))
    assert document["stories"] == [s.to_dict() for s in stories]


def _newline_starts_by_token_pass(doc) -> list[int]:
    """The original definition: a token starts a sentence when the text before it, from the previous token on,
    holds a line break."""
    return [i for i, tok in enumerate(doc) if i == 0 or "\n" in doc[i - 1].text_with_ws]


def test_newline_boundaries_match_the_token_by_token_definition():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fogofwar.nlp import load_nlp, newline_boundaries

    tokenizer = load_nlp().tokenizer
    pieces = st.sampled_from(["Kyiv", "said", ".", " ", "\n", "\n\n", " \n ", "\t", "\"", "Izyum's", "-", "e.g.", "2022"])

    @settings(max_examples=200, deadline=None)
    @given(st.lists(pieces, max_size=40))
    def check(parts):
        doc = newline_boundaries(tokenizer("".join(parts)))
        assert [t.i for t in doc if t.is_sent_start] == _newline_starts_by_token_pass(doc)

    check()


def test_line_and_sentence_indexes_match_their_token_by_token_definitions():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from fogofwar.models import Sentence
    from fogofwar.nlp import load_nlp, sentence_index
    from fogofwar.pipeline import _line_index

    tokenizer = load_nlp().tokenizer
    pieces = st.sampled_from(["Kyiv", "said", ".", " ", "\n", "\n\n", " \n ", "Izyum's", "2022"])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, max_size=40), st.lists(st.integers(0, 200), max_size=6))
    def check(parts, cuts):
        text = "".join(parts)
        doc = tokenizer(text)
        assert _line_index(doc) == [text.count("\n", 0, t.idx) for t in doc]
        starts = sorted({0, *(c for c in cuts if c < len(text))})
        sentences = [Sentence(index=i, start=s, end=s + 1) for i, s in enumerate(starts)]
        expected = [max([k for k, s in enumerate(sentences) if s.start <= t.idx] or [0]) for t in doc]
        assert sentence_index(doc, sentences) == expected

    check()


def test_a_text_spacy_refuses_costs_only_itself(pipeline):
    """spaCy raises on a text over ``nlp.max_length`` inside ``nlp.pipe``: the rest of the batch is still analysed."""
    (good,) = list(read_inputs([str(EXAMPLE)]))
    huge = Article(id="huge", text="Kyiv. " * (pipeline.nlp.max_length // 6 + 10), file="dump.jsonl", line=9)
    out = W.run_chunk(pipeline, [good, huge, good])
    assert [type(o).__name__ for o in out] == ["ArticleResult", "ErrorRecord", "ArticleResult"]
    assert out[1].file == "dump.jsonl" and out[1].line == 9 and "analysis failed" in out[1].reason
    assert out[0].to_dict() == out[2].to_dict() and out[0].events
