"""The parse gate: the parser runs only on lines a cheap pass marks as relevant (issue 7, item 2).

Skipping a line must change no place, source, claim or event: the relevant lines are
parsed with the whole document's token vectors, so they get the same trees.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from fogofwar.models import Article
from fogofwar.nlp import LineRelevance, line_relevance, load_nlp, parse_gate, relevance_vocabulary
from fogofwar.pipeline import Pipeline

GOLD = Path(__file__).parent / "data" / "gold"

# Lines that carry nothing fogofwar reads: no name, quotation, trigger or cue.
FILLER = [
    "The weather was mild for the season, and the evenings were long.",
    "Prices at the market rose again this week. Bread is dearer than it was in spring.",
    "Many families keep a small garden behind the house.",
]


@pytest.fixture(scope="module")
def pipelines():
    gated, plain = Pipeline(parse_gate=True), Pipeline(parse_gate=False)
    return gated, plain


def _mixed_articles() -> list[Article]:
    articles = []
    for k, path in enumerate(sorted(GOLD.glob("*.json"))):
        gold = json.loads(path.read_text(encoding="utf-8"))
        lines = gold["text"].split("\n")
        mixed: list[str] = []
        for i, line in enumerate(lines):
            mixed.append(line)
            if i % 2 == 0:
                mixed.append(FILLER[(i // 2) % len(FILLER)])
        articles.append(Article(id=f"mixed-{k}", text="\n".join(mixed), published=gold.get("published")))
    return articles


def _records(pipeline: Pipeline, articles: list[Article]) -> list[dict]:
    out = []
    for result in pipeline.run(articles):
        whole = json.loads(json.dumps(dataclasses.asdict(result), default=str))
        out.append({k: whole[k] for k in ("places", "sources", "claims", "events")})
    return out


def test_irrelevant_lines_are_skipped_and_change_no_result(pipelines):
    gated, plain = pipelines
    articles = _mixed_articles()
    expected = _records(plain, articles)
    gate = gated.nlp.get_pipe("fogofwar_parse_gate")
    before_tokens, before_parsed = gate.tokens, gate.parsed_tokens
    got = _records(gated, articles)
    tokens, parsed = gate.tokens - before_tokens, gate.parsed_tokens - before_parsed
    assert parsed < tokens  # the filler lines were not parsed
    assert sum(len(r["events"]) for r in got) > 20
    assert got == expected


def test_parsed_lines_get_the_trees_of_the_whole_document(pipelines):
    gated, plain = pipelines
    text = _mixed_articles()[0].text
    nlp = gated.nlp
    gate = nlp.get_pipe("fogofwar_parse_gate")
    parsed_before = gate.parsed_tokens
    whole = list(nlp.pipe([text]))[0]  # outside a pipeline run the gate is open
    assert gate.parsed_tokens - parsed_before == len(whole)
    with parse_gate(nlp, line_relevance(nlp, gated._gazetteer().has_name)):
        parsed_before = gate.parsed_tokens
        part = list(nlp.pipe([text]))[0]
    assert gate.relevance is None
    assert gate.parsed_tokens - parsed_before < len(part)
    filler = [(m, m + len(line)) for line in FILLER for m in _occurrences(text, line)]
    kept = [(a, b) for a, b in zip(whole, part) if not any(s <= a.idx <= e for s, e in filler)]
    assert len(kept) > len(whole) / 2
    assert [(a.dep_, a.head.i) for a, _ in kept] == [(b.dep_, b.head.i) for _, b in kept]
    # a skipped line of two sentences keeps both (punctuation), each a flat tree under its first word
    line = FILLER[1]
    start = text.index(line)
    sents = [s for s in part.sents if start <= s.start_char < start + len(line)]
    assert [s.text.strip() for s in sents] == ["Prices at the market rose again this week.", "Bread is dearer than it was in spring."]
    assert all(t.head == s[0] and t.dep_ in ("dep", "ROOT") for s in sents for t in s)


def _occurrences(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


@pytest.mark.parametrize(("line", "relevant"), [
    ("Ukrainian troops retook the town.", True),  # an irregular past form of a trigger
    ("The village was shelled overnight.", True),  # a doubled consonant
    ("Officials said little.", True),  # a cue
    ("Such claims are common.", True),  # a cue noun
    ("\u201cWe will hold,\u201d he added.", True),  # a quotation
    ("The weather was mild.", False),
    ("Bread is dearer than it was.", False),
])
def test_the_cheap_pass(line, relevant):
    nlp = load_nlp()
    relevance = LineRelevance(relevance_vocabulary())
    doc = nlp.make_doc(line)
    assert relevance.relevant(doc, 0, len(doc), set()) is relevant


def test_a_named_entity_or_a_known_place_name_makes_a_line_relevant():
    nlp = load_nlp()
    doc = nlp.make_doc("Life in Kupiansk is quiet.")
    assert not LineRelevance(relevance_vocabulary()).relevant(doc, 0, len(doc), set())
    assert LineRelevance(relevance_vocabulary()).relevant(doc, 0, len(doc), {2})  # an entity starts at "Kupiansk"
    assert LineRelevance(relevance_vocabulary(), has_place_name=lambda name: name == "Kupiansk").relevant(
        doc, 0, len(doc), set())
