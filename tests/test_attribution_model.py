"""The trained attribution tagger (fogofwar.attribution_model) on a small synthetic brat corpus.

The corpus is generated here (PolNeAR itself is not part of the repository): sentences
with a source, a cue and a content in a few shapes, with the spans marked as PolNeAR
marks them (the content keeps "that"; quotation marks stay outside a quoted content).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fogofwar.attribution_model import features as F
from fogofwar.attribution_model.model import (
    CRF, AttributionModel, CRFTrainer, _quote_run, char_to_tokens, load_model, roles_to_spans, syntactic_source,
)
from fogofwar.attribution_model.train import train_model
from fogofwar.evaluate.attribution import GoldAttribution, combine, evaluate, read_split

POLNEAR_DEV = Path("/work/shared/bench/attribution/polnear/dev")

SOURCES = ["The mayor", "Police officers", "A spokesman for the army", "The ministry", "Local residents",
           "Senator Jane Miller", "The governor of the province", "Two witnesses", "The company", "Aid workers"]
CUES = ["said", "claimed", "told reporters", "warned", "added", "insisted", "reported", "denied"]
CONTENTS = ["the bridge was destroyed", "two people were missing", "the troops had left the town",
            "more shelling was expected", "the power plant was shut down", "the talks would resume on Monday",
            "prices had doubled", "the road was closed to traffic"]
FILLERS = ["The weather was cold.", "Markets opened late on Tuesday.", "The river rose after the storm.",
           "Schools stayed closed."]


class Builder:
    """Text and brat lines built together, so every offset is exact."""

    def __init__(self) -> None:
        self.text = ""
        self.lines: list[str] = []
        self.n = 0

    def add(self, piece: str, label: str | None = None) -> tuple[int, int]:
        start = len(self.text)
        self.text += piece
        return start, len(self.text)

    def span(self, label: str, span: tuple[int, int]) -> str:
        self.n += 1
        self.lines.append(f"T{self.n}\t{label} {span[0]} {span[1]}\t{self.text[span[0]:span[1]]}")
        return f"T{self.n}"

    def attribution(self, source, cue, content) -> None:
        ids = {"Source": self.span("Source", source), "Cue": self.span("Cue", cue),
               "Content": self.span("Content", content)}
        trigger = self.span("Attribution", cue)
        args = " ".join(f"{role}:{tid}" for role, tid in ids.items())
        self.lines.append(f"E{self.n}\tAttribution:{trigger} {args}")


def synthetic_split(root: Path, docs: int, seed: int) -> Path:
    rng = random.Random(seed)
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for d in range(docs):
        b = Builder()
        for _ in range(6):
            s, c, x = rng.choice(SOURCES), rng.choice(CUES), rng.choice(CONTENTS)
            shape = rng.randrange(4)
            if shape == 0:  # S cue that C.
                src = b.add(s)
                b.add(" ")
                cue = b.add(c)
                b.add(" ")
                con = b.add("that " + x)
                b.add(". ")
            elif shape == 1:  # "C," S cue.
                b.add("\u201c")
                con = b.add(x[0].upper() + x[1:])
                b.add(",\u201d ")
                src = b.add(s[0].lower() + s[1:] if s.startswith(("The ", "A ")) else s)
                b.add(" ")
                cue = b.add(c)
                b.add(". ")
            elif shape == 2:  # According to S, C.
                cue = b.add("According to")
                b.add(" ")
                src = b.add(s[0].lower() + s[1:] if s.startswith(("The ", "A ")) else s)
                b.add(", ")
                con = b.add(x)
                b.add(". ")
            else:  # a sentence without attribution
                b.add(rng.choice(FILLERS) + " ")
                continue
            b.attribution(src, cue, con)
        (root / "text" / f"doc{d:02d}.txt").write_text(b.text, encoding="utf-8")
        (root / "attributions" / f"doc{d:02d}_a1b2.ann").write_text("\n".join(b.lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synthetic")
    return synthetic_split(root / "train", 12, seed=1), synthetic_split(root / "dev", 4, seed=2)


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.json.gz"
    train_model(corpus[0], iterations=50, seed=0).save(path)
    return path


def test_crf_learns_and_round_trips():
    trainer = CRFTrainer({"c1": 0.0, "c2": 0.01, "max_iterations": 50})
    for _ in range(10):
        trainer.append([["w=the"], ["w=mayor"], ["w=said"], ["w=so"]], ["O", "O", "B", "O"])
        trainer.append([["w=according"], ["w=to"], ["w=him"]], ["B", "I", "O"])
    crf = trainer.fit()
    assert crf.tag([["w=mayor"], ["w=said"]]) == ["O", "B"]
    assert crf.tag([["w=according"], ["w=to"]]) == ["B", "I"]
    again = CRF(json.loads(json.dumps(crf.data)))  # the weights as the model file keeps them
    b, i = zip(*again.in_span([["w=said"], ["w=so"]]))
    assert b[0] > 0.5 > b[1]
    assert again.in_span([["w=according"], ["w=to"]])[1][1] > 0.5  # "to" goes on the cue "according"
    assert CRF(None).tag([["w=said"]]) == ["O"]  # an untrained tagger finds nothing


def test_pure_python_decoding_matches_crfsuite(tmp_path):
    """Viterbi and the marginals computed from the exported weights agree with CRFsuite's own."""
    import pycrfsuite

    rng = random.Random(4)
    vocab = [f"w={w}" for w in "abcdefgh"]
    seqs = []
    for _ in range(60):
        n = rng.randrange(2, 9)
        feats = [[rng.choice(vocab), rng.choice(vocab)] for _ in range(n)]
        tags = ["B" if "w=a" in f else ("I" if "w=b" in f and k else "O") for k, f in enumerate(feats)]
        seqs.append((feats, tags))
    trainer = CRFTrainer({"c1": 0.0, "c2": 0.1, "max_iterations": 40})
    for feats, tags in seqs:
        trainer.append(feats, tags)
    trainer_path = str(tmp_path / "model.crfsuite")
    trainer.trainer.train(trainer_path)
    ours = trainer.fit(prune=0.0)
    theirs = pycrfsuite.Tagger()
    theirs.open(trainer_path)
    for feats, _ in seqs[:20]:
        assert ours.tag(feats) == theirs.tag(feats)
        for k, (b, i) in enumerate(ours.in_span(feats)):
            assert abs(b - theirs.marginal("B", k)) < 0.01 and abs(i - theirs.marginal("I", k)) < 0.01


def test_quote_state_knows_double_apostrophes():
    from fogofwar.nlp import load_nlp

    doc = load_nlp()("He said ''We will win.'' Then he left.")
    info = F.doc_info(doc)
    inside = [t.text for t, q in zip(doc, info.in_quote) if q]
    assert inside == ["We", "will", "win", "."]


def test_quoted_content_runs_to_its_closing_mark():
    from fogofwar.nlp import load_nlp

    text = 'Smith said: \u201cWe will win. We have the votes. Nobody doubts it.\u201d Then he left.\n\nA new paragraph.'
    doc = load_nlp()(text)
    info = F.doc_info(doc)
    first = next(t.i for t in doc if t.text == "We")
    last = next(t.i for t in doc if t.text == "win") + 1  # the period of the first sentence
    assert info.sent_of[first] != info.sent_of[next(t.i for t in doc if t.text == "Nobody")]
    s, e = _quote_run(info, first, last)
    assert doc[s:e + 1].text.endswith("Nobody doubts it.\u201d")
    assert s == first
    # a content that ends before its sentence does is left alone
    assert _quote_run(info, first, first + 1) == (first, first + 1)
    # and so is one outside quotation marks
    then = next(t.i for t in doc if t.text == "Then")
    assert _quote_run(info, then, then + 2) == (then, then + 2)
    tags = {first: "BC", last: "IC", 0: "BS"}
    source, content = roles_to_spans(info, tags)
    assert text[source[0]:source[1]] == "Smith"
    assert text[content[0]:content[1]].endswith("doubts it.\u201d")


def _cue_of(doc, words: str) -> tuple[int, int]:
    """Token range of the first occurrence of ``words`` in a parsed doc."""
    n = len(words.split())
    for i in range(len(doc) - n + 1):
        if doc[i:i + n].text == words:
            return i, i + n
    raise AssertionError(words)


@pytest.mark.parametrize("text, cue, source", [
    ("Smith said on Monday, adding that the bridge was closed.", "adding", "Smith"),  # climbs from a participle
    ("The mayor wants to criticize the plan.", "criticize", "The mayor"),  # and from an infinitive
    ("The plan was criticized by the local residents.", "criticized", "the local residents"),  # by-agent
    ("According to the ministry, the bridge was closed.", "According to", "the ministry"),
    ("The senator was asked about the wall.", "asked", None),  # passive without agent: no source
])
def test_syntactic_source(text, cue, source):
    from fogofwar.nlp import load_nlp

    doc = load_nlp()(text)
    span = syntactic_source(F.doc_info(doc), _cue_of(doc, cue))
    assert (text[span[0]:span[1]] if span else None) == source


def test_source_fallback_only_for_likely_cues_without_a_source():
    """A cue the role tagger gives no source (here: an untrained role tagger) takes its syntactic
    subject when the cue is at least ``source_fallback`` likely, and only then."""
    from fogofwar.nlp import load_nlp

    text = "The mayor warned that the bridge was closed."
    doc = load_nlp()(text)
    cue = CRF({"labels": ["O", "B", "I"], "transitions": [[0.0] * 3] * 3,
               "weights": {"bias": {"0": 3.0}, "w=warned": {"1": 7.0}, "w=mayor": {"1": 2.7}}})
    model = AttributionModel(cue, CRF(None), {"cue_threshold": 0.25, "source_fallback": 0.6})

    def found():
        return [(text[p.cue[0]:p.cue[1]], text[p.source[0]:p.source[1]] if p.source else None)
                for p in model.predict(doc)]

    # "warned" (probability about 0.98) takes its subject; "mayor" (about 0.44, a cue all the same) does not
    assert found() == [("mayor", None), ("warned", "The mayor")]
    model.meta["source_fallback"] = None  # off (as in models trained before the fallback)
    assert found() == [("mayor", None), ("warned", None)]
    model.meta["source_fallback"] = 1.01  # no cue is likely enough
    assert found() == [("mayor", None), ("warned", None)]


def test_source_is_the_segment_nearest_the_cue():
    """The role tagger may mark two people of the sentence as source: the one next to the cue
    is the cue's (without a cue, the longest run is taken); a run goes on over a whitespace token."""
    from fogofwar.nlp import load_nlp

    text = "Senator Jane Jones met Smith, who said the  police union was wrong."
    doc = load_nlp()(text)
    info = F.doc_info(doc)
    jones, smith, said = _cue_of(doc, "Senator Jane Jones"), _cue_of(doc, "Smith"), _cue_of(doc, "said")
    tags = {t: "O" for t in range(len(doc)) if not doc[t].is_space}
    tags.update({jones[0]: "BS", jones[0] + 1: "IS", jones[0] + 2: "IS", smith[0]: "BS"})
    source, _ = roles_to_spans(info, tags, said)
    assert text[source[0]:source[1]] == "Smith"
    source, _ = roles_to_spans(info, tags)  # no cue given: the longest
    assert text[source[0]:source[1]] == "Senator Jane Jones"
    the = next(t.i for t in doc if t.text == "the")
    assert doc[the + 1].is_space  # the double space is a token of its own
    tags = {t: "O" for t in range(len(doc)) if not doc[t].is_space}
    tags.update({the: "BS", the + 2: "IS", the + 3: "IS"})
    source, _ = roles_to_spans(info, tags, said)
    assert text[source[0]:source[1]] == "the  police union"


def test_gold_alignment(corpus):
    docs = read_split(corpus[0])
    from fogofwar.nlp import load_nlp

    doc = load_nlp()(docs[0].text)
    for a in docs[0].attributions:
        s, e = char_to_tokens(doc, a.source)
        assert (doc[s].idx, doc[e - 1].idx + len(doc[e - 1])) == a.source


def test_trained_model_learns_the_conventions(corpus, trained):
    scores, docs, predicted = evaluate(corpus[1], mode="trained", model=AttributionModel.load(trained))
    assert scores["gold"] > 0
    # unseen documents of the same shapes: cues, sources and contents found with their exact boundaries
    assert scores["cue"]["exact"]["f1"] > 0.9
    assert scores["source"]["exact"]["f1"] > 0.8
    assert scores["content"]["overlap"]["f1"] > 0.8
    for doc, preds in zip(docs, predicted):
        for p in preds:
            for span in (p.source, p.cue, p.content):
                assert span is None or 0 <= span[0] < span[1] <= len(doc.text)
    # "that" belongs to the content, as in the training data
    texts = [doc.text[p.content[0]:p.content[1]] for doc, preds in zip(docs, predicted) for p in preds if p.content]
    assert any(t.startswith("that ") for t in texts)


def test_cue_threshold_trades_precision_for_recall(corpus, trained):
    model = AttributionModel.load(trained)
    assert model.meta["cue_threshold"] == 0.25  # the default of train-attribution, kept in the file
    assert model.meta["source_fallback"] == 0.6
    counts = {}
    for th in (None, 0.05, 0.5, 1.01):
        model.meta["cue_threshold"] = th
        scores, _, _ = evaluate(corpus[1], mode="trained", model=model)
        counts[th] = scores["predicted"]
    assert counts[1.01] == 0  # no token is a cue with probability above 1
    assert counts[0.05] >= counts[0.5] > 0
    assert counts[None] > 0  # the best sequence (Viterbi)


def test_untrained_model_finds_nothing(corpus):
    scores, _, _ = evaluate(corpus[1], mode="trained", model=AttributionModel())
    assert scores["source"]["exact"]["f1"] == 0.0


def test_training_is_deterministic(corpus, trained, tmp_path):
    again = tmp_path / "again.json.gz"
    train_model(corpus[0], iterations=50, seed=0).save(again)
    assert again.read_bytes() == trained.read_bytes()


def test_combine_keeps_trained_and_adds_uncovered_rules():
    t = [GoldAttribution((0, 5), (6, 10), (11, 20))]
    r = [GoldAttribution((0, 3), (6, 10), None), GoldAttribution((30, 35), (36, 40), (41, 50))]
    assert combine(t, r) == [t[0], r[1]]


def test_cli_train_and_eval(corpus, tmp_path):
    from fogofwar.cli import app

    runner = CliRunner()
    out = tmp_path / "cli-model.json.gz"
    res = runner.invoke(app, ["train-attribution", str(corpus[0]), "-o", str(out), "--iterations", "30"])
    assert res.exit_code == 0, res.output
    assert out.is_file()
    preds = tmp_path / "preds.jsonl"
    res = runner.invoke(app, ["eval-attribution", str(corpus[1]), "--model", "trained", "--model-file", str(out),
                              "--json", "--predictions", str(preds)])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.stdout)
    assert scores["model"] == "trained"
    assert scores["source"]["exact"]["f1"] > 0.5
    rows = [json.loads(line) for line in preds.read_text().splitlines()]
    assert len(rows) == scores["predicted"]
    assert all(set(r) == {"doc", "source", "cue", "content"} for r in rows)
    res = runner.invoke(app, ["eval-attribution", str(corpus[1]), "--model", "nonsense"])
    assert res.exit_code == 2


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR is not on this machine")
def test_shipped_model_on_polnear_dev():
    scores, _, _ = evaluate(POLNEAR_DEV, limit=10, mode="trained", model=load_model())
    assert scores["source"]["exact"]["f1"] > 0.6
    assert scores["cue"]["overlap"]["f1"] > 0.6
