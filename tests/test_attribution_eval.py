"""The attribution benchmark (fogofwar.evaluate.attribution) on a tiny brat split written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar.evaluate.attribution import (
    GoldAttribution, envelope, errors, evaluate, match, read_split, score,
)

TEXT1 = 'The mayor said the bridge was destroyed. "It is gone," a police officer added.'
TEXT2 = "According to the ministry, 12 people died. Residents fear more attacks."


def at(text: str, phrase: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def t_line(ident: str, label: str, text: str, *spans: tuple[int, int]) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in spans)
    return f"{ident}\t{label} {offsets}\t{' '.join(text[s:e] for s, e in spans)}"


def write_split(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "a1.txt").write_text(TEXT1, encoding="utf-8")
    (root / "text" / "a2.txt").write_text(TEXT2, encoding="utf-8")
    it, gone = at(TEXT1, '"It'), at(TEXT1, 'is gone,"')
    ann1 = [
        t_line("T1", "Source", TEXT1, at(TEXT1, "The mayor")),
        t_line("T2", "Cue", TEXT1, at(TEXT1, "said")),
        t_line("T3", "Content", TEXT1, at(TEXT1, "the bridge was destroyed")),
        t_line("T4", "Attribution", TEXT1, at(TEXT1, "said")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line("T5", "Source", TEXT1, at(TEXT1, "a police officer")),
        t_line("T6", "Cue", TEXT1, at(TEXT1, "added")),
        t_line("T7", "Content", TEXT1, it, gone),  # discontinuous
        t_line("T8", "Attribution", TEXT1, at(TEXT1, "added")),
        t_line("T9", "Discuss", TEXT1, at(TEXT1, "bridge")),
        "E2\tAttribution:T8 Source:T5 Cue:T6 Content:T7",
    ]
    (root / "attributions" / "a1_0f3c.ann").write_text("\n".join(ann1) + "\n", encoding="utf-8")
    ann2 = [
        t_line("T1", "Source", TEXT2, at(TEXT2, "the ministry")),
        t_line("T2", "Cue", TEXT2, at(TEXT2, "According to")),
        t_line("T3", "Content", TEXT2, at(TEXT2, "12 people died")),
        t_line("T4", "Attribution", TEXT2, at(TEXT2, "According to")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        t_line("T5", "Cue", TEXT2, at(TEXT2, "fear")),
        t_line("T6", "Content", TEXT2, at(TEXT2, "more attacks")),
        t_line("T7", "Attribution-no-source", TEXT2, at(TEXT2, "fear")),
        "E2\tAttribution-no-source:T7 Cue:T5 Content:T6",
    ]
    (root / "attributions" / "a2_1aaa.ann").write_text("\n".join(ann2) + "\n", encoding="utf-8")
    # a second annotator's file: sorted after the first, so ignored
    (root / "attributions" / "a2_9bbb.ann").write_text("\n".join(ann2[:5]) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def split(tmp_path: Path) -> Path:
    return write_split(tmp_path / "split")


def test_envelope():
    assert envelope("292 300") == (292, 300)
    assert envelope("292 300;310 543") == (292, 543)
    assert envelope("1 2;5 6;9 12") == (1, 12)
    assert envelope("186 209;5 9") == (5, 209)  # fragments out of text order


def test_read_split(split):
    docs = read_split(split)
    assert [d.name for d in docs] == ["a1", "a2"]
    a1, a2 = docs
    assert a1.text == TEXT1
    assert a1.attributions == [
        GoldAttribution(at(TEXT1, "The mayor"), at(TEXT1, "said"), at(TEXT1, "the bridge was destroyed")),
        GoldAttribution(at(TEXT1, "a police officer"), at(TEXT1, "added"),
                        (at(TEXT1, '"It')[0], at(TEXT1, 'is gone,"')[1])),
    ]
    assert a2.ann_file == "a2_1aaa.ann"  # first of two annotation files
    assert len(a2.attributions) == 2
    assert a2.attributions[1] == GoldAttribution(None, at(TEXT2, "fear"), at(TEXT2, "more attacks"))


def hand_predictions() -> list[list[GoldAttribution]]:
    return [
        [
            # p1: source and cue exact, content overlaps
            GoldAttribution(at(TEXT1, "The mayor"), at(TEXT1, "said"), at(TEXT1, "bridge was destroyed")),
            # p2: source overlaps, cue exact, no content
            GoldAttribution(at(TEXT1, "officer"), at(TEXT1, "added"), None),
            # p3: spurious; its source overlaps E1's, but E1 is already paired (one-to-one)
            GoldAttribution(at(TEXT1, "The"), at(TEXT1, "destroyed"), None),
        ],
        [
            # p4: source overlaps, cue exact, content overlaps; "fear" is missed
            GoldAttribution(at(TEXT2, "ministry"), at(TEXT2, "According to"), at(TEXT2, "12 people died.")),
        ],
    ]


def test_matching_and_scores(split):
    docs = read_split(split)
    preds = hand_predictions()
    assert match(preds[0], docs[0].attributions) == [(0, 0), (1, 1)]
    assert match(preds[1], docs[1].attributions) == [(0, 0)]
    s = score(preds, [d.attributions for d in docs])
    # source: 4 predicted, 3 gold (the no-source attribution has none); exact 1, overlap 3
    assert (s["source"]["pred"], s["source"]["gold"]) == (4, 3)
    assert s["source"]["exact"]["p"] == pytest.approx(1 / 4)
    assert s["source"]["exact"]["r"] == pytest.approx(1 / 3)
    assert s["source"]["exact"]["f1"] == pytest.approx(2 / 7)
    assert s["source"]["overlap"]["p"] == pytest.approx(3 / 4)
    assert s["source"]["overlap"]["r"] == pytest.approx(1.0)
    assert s["source"]["overlap"]["f1"] == pytest.approx(6 / 7)
    # cue: 4 predicted, 4 gold, 3 exact (= overlap)
    for mode in ("exact", "overlap"):
        assert s["cue"][mode]["hits"] == 3
        assert s["cue"][mode]["f1"] == pytest.approx(3 / 4)
    # content: 2 predicted (null contents do not count), 4 gold; exact 0, overlap 2
    assert (s["content"]["pred"], s["content"]["gold"]) == (2, 4)
    assert s["content"]["exact"]["f1"] == 0.0
    assert s["content"]["overlap"]["p"] == pytest.approx(1.0)
    assert s["content"]["overlap"]["r"] == pytest.approx(0.5)
    assert s["content"]["overlap"]["f1"] == pytest.approx(2 / 3)
    missed, spurious = errors(docs, preds)
    assert [(d.name, g.cue) for d, g in missed] == [("a2", at(TEXT2, "fear"))]
    assert [(d.name, p.cue) for d, p in spurious] == [("a1", at(TEXT1, "destroyed"))]


def test_end_to_end(tmp_path, pipeline):
    root = tmp_path / "e2e"
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    texts = {
        "b1": "The governor said the dam had failed overnight. Police officers told reporters that two people were missing.",
        "b2": "The ministry denied that its troops had entered the town. Local officials claimed the shelling killed three civilians.",
    }
    golds = {
        "b1": [("The governor", "said", "the dam had failed overnight"),
               ("Police officers", "told", "that two people were missing")],
        "b2": [("The ministry", "denied", "that its troops had entered the town"),
               ("Local officials", "claimed", "the shelling killed three civilians")],
    }
    for name, text in texts.items():
        (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        lines = []
        for k, (src, cue, content) in enumerate(golds[name]):
            t = 4 * k
            lines += [
                t_line(f"T{t + 1}", "Source", text, at(text, src)),
                t_line(f"T{t + 2}", "Cue", text, at(text, cue)),
                t_line(f"T{t + 3}", "Content", text, at(text, content)),
                t_line(f"T{t + 4}", "Attribution", text, at(text, cue)),
                f"E{k + 1}\tAttribution:T{t + 4} Content:T{t + 3} Cue:T{t + 2} Source:T{t + 1}",
            ]
        (root / "attributions" / f"{name}_abcd.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "preds.jsonl"
    with out.open("w", encoding="utf-8") as fh:
        scores, docs, predicted = evaluate(root, pipeline=pipeline, predictions=fh)
    assert scores["documents"] == 2
    assert scores["source"]["overlap"]["f1"] > 0.5
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == sum(len(p) for p in predicted)
    assert {r["doc"] for r in rows} <= {"b1", "b2"}
    assert all(set(r) == {"doc", "source", "cue", "content"} for r in rows)


def test_is_quotation():
    from fogofwar.evaluate.attribution import is_quotation

    text = '“The bridge is gone,” the mayor said. He said that it was gone.'
    assert is_quotation(text, at(text, "The bridge is gone"))
    assert is_quotation(text, at(text, "“The bridge is gone,”"))
    assert not is_quotation(text, at(text, "that it was gone"))
    assert not is_quotation(text, at(text, "the mayor"))  # a closing mark before it opens nothing
    assert not is_quotation(text, None)


def test_textacy_quotations_as_spans():
    pytest.importorskip("textacy")
    from fogofwar.evaluate.attribution import AttrDoc, textacy_quotations
    from fogofwar.nlp import load_nlp

    text = '“We will not leave the city under any circumstances,” the mayor said on Tuesday.'
    doc = AttrDoc("q", text)
    [preds] = textacy_quotations([doc], [load_nlp()(text)])
    assert len(preds) == 1
    q = preds[0]
    assert text[q.content[0]:q.content[1]] == "“We will not leave the city under any circumstances,”"
    assert text[q.cue[0]:q.cue[1]] == "said"
    assert "mayor" in text[q.source[0]:q.source[1]]


def test_textacy_quotations_survive_an_unclosed_quote():
    pytest.importorskip("textacy")
    from fogofwar.evaluate.attribution import AttrDoc, textacy_quotations
    from fogofwar.nlp import load_nlp

    text = ('He called it “a disaster.\n'
            '“We will not leave the city under any circumstances,” the mayor said on Tuesday.')
    gave_up: list = []
    [preds] = textacy_quotations([AttrDoc("q", text)], [load_nlp()(text)], gave_up)
    assert gave_up == [("q", 0)]  # the first paragraph's quotation is never closed
    assert [text[p.content[0]:p.content[1]] for p in preds] == ["“We will not leave the city under any circumstances,”"]
