"""Attribution benchmark: score fogofwar's claims against PolNeAR-style brat files.

A split folder holds ``text/NAME.txt`` and ``attributions/NAME_HASH.ann`` (brat
standoff). Per article the first annotation file in sorted order is used. Text-bound
lines ``T4 Cue 107 114 reports`` may be discontinuous (``292 300;310 543``): a span is
scored as its envelope (first start, last end; smallest start, largest end when the
fragments are listed out of order). Event lines
``E1 Attribution:T4 Content:T3 Cue:T2 Source:T1`` (also ``Attribution-no-source``)
are the gold attributions; each has a source, cue and content envelope or None.

Scoring. Predicted and gold attributions of a document are first paired one-to-one,
greedily: pass 1 pairs those whose cues overlap, pass 2 pairs the still unpaired ones
whose sources overlap. Within a pass, candidate pairs are taken best first: exact
envelope match, then more shared characters, then text order. Then, for each span
kind (source, cue, content) separately:

* predictions = predicted attributions whose span of that kind is not None;
  gold = gold attributions whose span of that kind is not None;
* an exact hit is a paired (prediction, gold) whose spans of that kind have equal
  envelopes; an overlap hit, spans that share at least one character;
* precision = hits / predictions, recall = hits / gold, F1 their harmonic mean
  (micro-averaged over documents).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Iterable, Optional

Span = Optional[tuple[int, int]]
KINDS = ("source", "cue", "content")


@dataclass
class GoldAttribution:
    source: Span
    cue: Span
    content: Span
    quote: bool = field(default=False, compare=False)  # fogofwar's flag for a direct quotation

    def span(self, kind: str) -> Span:
        return getattr(self, kind)


@dataclass
class AttrDoc:
    name: str
    text: str
    attributions: list[GoldAttribution] = field(default_factory=list)
    ann_file: str = ""


# ---------------------------------------------------------------- reading


def envelope(offsets: str) -> tuple[int, int]:
    """``"292 300;310 543"`` -> ``(292, 543)``: first start, last end.

    A few PolNeAR spans list their fragments out of text order ("186 209;...;1 11"):
    the envelope is then the smallest start and the largest end, never an inverted span.
    """
    pieces = [p.split() for p in offsets.split(";") if p.strip()]
    if not pieces:
        raise ValueError(f"no offsets in {offsets!r}")
    return min(int(p[0]) for p in pieces), max(int(p[1]) for p in pieces)


def parse_ann(ann: str) -> list[GoldAttribution]:
    """The attributions (E lines) of a brat standoff file, spans as envelopes."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
    events: list[list[tuple[str, str]]] = []
    for line in ann.splitlines():
        if not line.strip():
            continue
        cols = line.split("\t")
        ident = cols[0]
        if ident.startswith("T") and len(cols) >= 2:
            label, _, offsets = cols[1].partition(" ")
            spans[ident] = (label, envelope(offsets))
        elif ident.startswith("E") and len(cols) >= 2:
            events.append([tuple(arg.split(":", 1)) for arg in cols[1].split() if ":" in arg])  # type: ignore[misc]
    out = []
    for args in events:
        if not args or not args[0][0].startswith("Attribution"):
            continue
        roles = {role: spans.get(tid, (None, None))[1] for role, tid in args[1:]}
        out.append(GoldAttribution(roles.get("Source"), roles.get("Cue"), roles.get("Content")))
    return out


def read_split(split_dir: Path | str) -> list[AttrDoc]:
    """Every article of a split folder with its gold attributions, in name order."""
    split_dir = Path(split_dir)
    anns: dict[str, list[Path]] = {}
    for ann in sorted((split_dir / "attributions").glob("*.ann")):
        name = ann.stem.rsplit("_", 1)[0]
        anns.setdefault(name, []).append(ann)
    docs = []
    for txt in sorted((split_dir / "text").glob("*.txt")):
        # newline="" keeps offsets exact (brat counts characters of the file as is)
        with txt.open(encoding="utf-8", newline="") as fh:
            text = fh.read()
        files = anns.get(txt.stem, [])
        attrs = parse_ann(files[0].read_text(encoding="utf-8")) if files else []
        docs.append(AttrDoc(txt.stem, text, attrs, files[0].name if files else ""))
    return docs


# ---------------------------------------------------------------- predicting


def predict(docs: list[AttrDoc], pipeline=None, batch_size: int = 16) -> list[list[GoldAttribution]]:
    """fogofwar's claims for every document, as (source, cue, content) spans."""
    from fogofwar.models import Article, ErrorRecord
    from fogofwar.pipeline import Pipeline

    pipeline = pipeline or Pipeline(batch_size=batch_size)
    articles = [Article(id=d.name, text=d.text, file=d.name) for d in docs]
    out: list[list[GoldAttribution]] = []
    for item in pipeline.run(articles):
        if isinstance(item, ErrorRecord):
            out.append([])
            continue
        out.append([
            GoldAttribution(_tuple(c.source_span), _tuple(c.cue_span), _tuple(c.content_span), c.quote)
            for c in item.claims
        ])
    return out


def predict_trained(docs: list[AttrDoc], model=None, nlp=None, batch_size: int = 16
                    ) -> list[list[GoldAttribution]]:
    """The trained tagger's attributions (fogofwar.attribution_model), PolNeAR conventions."""
    from fogofwar.attribution_model import load_model
    from fogofwar.nlp import load_nlp

    model = model or load_model()
    nlp = nlp or load_nlp()
    return [[GoldAttribution(a.source, a.cue, a.content) for a in model.predict(doc)]
            for doc in nlp.pipe((d.text for d in docs), batch_size=batch_size)]


def combine(trained: list[GoldAttribution], rules: list[GoldAttribution]) -> list[GoldAttribution]:
    """The trained attributions, plus the rule-based ones whose cue and source overlap none of them."""
    out = list(trained)
    for r in rules:
        if any(overlap(r.cue, t.cue) or overlap(r.source, t.source) for t in trained):
            continue
        out.append(r)
    return out


MODES = ("rules", "trained", "both")


def predict_mode(docs: list[AttrDoc], mode: str = "rules", pipeline=None, model=None
                 ) -> list[list[GoldAttribution]]:
    """Predictions of the rule-based claims, the trained tagger, or both combined."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
    rules = predict(docs, pipeline) if mode in ("rules", "both") else None
    trained = predict_trained(docs, model) if mode in ("trained", "both") else None
    if rules is None:
        return trained  # type: ignore[return-value]
    if trained is None:
        return rules
    return [combine(t, r) for t, r in zip(trained, rules)]


def _tuple(span) -> Span:
    return None if span is None else (int(span[0]), int(span[1]))


def write_predictions(docs: list[AttrDoc], predicted: list[list[GoldAttribution]], out: IO[str]) -> None:
    """One JSON line per predicted attribution."""
    for doc, preds in zip(docs, predicted):
        for p in preds:
            out.write(json.dumps({
                "doc": doc.name,
                "source": list(p.source) if p.source else None,
                "cue": list(p.cue) if p.cue else None,
                "content": list(p.content) if p.content else None,
            }) + "\n")


# ---------------------------------------------------------------- scoring


def overlap(a: Span, b: Span) -> int:
    """Characters shared by two spans (0 if either is None)."""
    if a is None or b is None:
        return 0
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match(predicted: list[GoldAttribution], gold: list[GoldAttribution]) -> list[tuple[int, int]]:
    """One-to-one greedy pairs (prediction index, gold index): cue overlap, then source overlap."""
    pairs: list[tuple[int, int]] = []
    used_p: set[int] = set()
    used_g: set[int] = set()
    for kind in ("cue", "source"):
        cands = []
        for i, p in enumerate(predicted):
            if i in used_p:
                continue
            for j, g in enumerate(gold):
                if j in used_g:
                    continue
                ov = overlap(p.span(kind), g.span(kind))
                if ov > 0:
                    cands.append((p.span(kind) != g.span(kind), -ov, i, j))
        for _, _, i, j in sorted(cands):
            if i in used_p or j in used_g:
                continue
            pairs.append((i, j))
            used_p.add(i)
            used_g.add(j)
    return sorted(pairs)


def _new_counts() -> dict:
    return {k: {"pred": 0, "gold": 0, "exact": 0, "overlap": 0} for k in KINDS}


def count(predicted: list[GoldAttribution], gold: list[GoldAttribution], counts: dict | None = None) -> dict:
    """Add one document's counts per kind: pred, gold, exact hits, overlap hits."""
    counts = counts if counts is not None else _new_counts()
    pairs = match(predicted, gold)
    for kind in KINDS:
        c = counts[kind]
        c["pred"] += sum(1 for p in predicted if p.span(kind) is not None)
        c["gold"] += sum(1 for g in gold if g.span(kind) is not None)
        for i, j in pairs:
            p, g = predicted[i].span(kind), gold[j].span(kind)
            if p is None or g is None:
                continue
            c["exact"] += p == g
            c["overlap"] += overlap(p, g) > 0
    return counts


def prf(hits: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = hits / pred if pred else 0.0
    r = hits / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(predicted: list[list[GoldAttribution]], gold: list[list[GoldAttribution]]) -> dict:
    """Micro-averaged scores: {kind: {exact: {p, r, f1}, overlap: {...}, pred, gold}}, plus counts."""
    counts = _new_counts()
    for p, g in zip(predicted, gold):
        count(p, g, counts)
    out: dict = {"documents": len(gold), "predicted": sum(len(p) for p in predicted),
                 "gold": sum(len(g) for g in gold)}
    for kind in KINDS:
        c = counts[kind]
        row = {"pred": c["pred"], "gold": c["gold"]}
        for mode in ("exact", "overlap"):
            p, r, f = prf(c[mode], c["pred"], c["gold"])
            row[mode] = {"p": p, "r": r, "f1": f, "hits": c[mode]}
        out[kind] = row
    return out


def errors(docs: list[AttrDoc], predicted: list[list[GoldAttribution]]
           ) -> tuple[list[tuple[AttrDoc, GoldAttribution]], list[tuple[AttrDoc, GoldAttribution]]]:
    """(missed gold attributions, spurious predictions): those left unpaired."""
    missed, spurious = [], []
    for doc, preds in zip(docs, predicted):
        pairs = match(preds, doc.attributions)
        pi = {i for i, _ in pairs}
        gi = {j for _, j in pairs}
        missed += [(doc, g) for j, g in enumerate(doc.attributions) if j not in gi]
        spurious += [(doc, p) for i, p in enumerate(preds) if i not in pi]
    return missed, spurious


def evaluate(split_dir: Path | str, pipeline=None, limit: int | None = None,
             predictions: IO[str] | None = None, mode: str = "rules", model=None
             ) -> tuple[dict, list[AttrDoc], list[list[GoldAttribution]]]:
    """Read a split, run fogofwar (rules, trained tagger or both) on it, score; optionally write the predictions."""
    docs = read_split(split_dir)
    if limit is not None:
        docs = docs[:limit]
    predicted = predict_mode(docs, mode, pipeline, model)
    if predictions is not None:
        write_predictions(docs, predicted, predictions)
    return score(predicted, [d.attributions for d in docs]), docs, predicted


# ---------------------------------------------------------------- direct quotations

QUOTE_MARKS = "\"“”„«»"


def is_quotation(text: str, span: Span) -> bool:
    """A content that is a direct quotation: it starts with a quotation mark or one opens just before it."""
    if span is None:
        return False
    inside = text[span[0]:span[1]].lstrip()
    before = text[max(0, span[0] - 3):span[0]].rstrip()
    return inside[:1] in QUOTE_MARKS or (before[-1:] in QUOTE_MARKS and before[-1:] != "”")


def textacy_quotations(docs: list[AttrDoc], parsed, gave_up: list | None = None) -> list[list[GoldAttribution]]:
    """textacy's ``direct_quotations`` (speaker, cue, content) as spans.

    textacy refuses a document with an odd number of quotation marks; such a document
    is then run paragraph by paragraph, and the paragraphs it still refuses are listed
    in ``gave_up`` (document name, paragraph start). textacy's content runs from the
    opening to the closing quotation mark, marks included, as PolNeAR's quoted contents do.
    """
    from textacy.extract.triples import direct_quotations

    def env(tokens, shift: int) -> Span:
        tokens = list(tokens)
        if not tokens:
            return None
        return shift + min(t.idx for t in tokens), shift + max(t.idx + len(t.text) for t in tokens)

    out = []
    for d, doc in zip(docs, parsed):
        try:
            parts = [(list(direct_quotations(doc)), 0)]
        except ValueError:
            parts = []
            for para in _paragraphs(doc):
                try:
                    parts.append((list(direct_quotations(para.as_doc())), para.start_char))
                except ValueError:
                    if gave_up is not None:
                        gave_up.append((d.name, para.start_char))
        preds = []
        for quotes, shift in parts:
            for q in quotes:
                content = env(q.content, shift)
                preds.append(GoldAttribution(env(q.speaker, shift), env(q.cue, shift), content, True))
        out.append(preds)
    return out


def _paragraphs(doc):
    """The doc's paragraphs (runs of sentences between line breaks) as spans."""
    start = 0
    for sent in doc.sents:
        if sent.start > start and "\n" in doc[sent.start - 1].text_with_ws + (doc[sent.start - 1].text or ""):
            yield doc[start:sent.start]
            start = sent.start
    if start < len(doc):
        yield doc[start:len(doc)]


def quotation_benchmark(docs: list[AttrDoc], pipeline=None, model=None) -> dict:
    """Direct quotations in one run: fogofwar's rules, the trained tagger and textacy.

    Recall is over the gold attributions whose content is a direct quotation; precision
    over all gold attributions (see _quote_scores)."""
    from fogofwar.attribution_model import load_model
    from fogofwar.nlp import load_nlp

    gold = [[g for g in d.attributions if is_quotation(d.text, g.content)] for d in docs]
    gave_up: list = []
    parsed = list(load_nlp().pipe((d.text for d in docs), batch_size=16))
    model = model or load_model()
    rules = predict(docs, pipeline)
    trained = [[GoldAttribution(a.source, a.cue, a.content) for a in model.predict(doc)] for doc in parsed]
    systems = {
        "fogofwar rules (quote claims)": [[p for p in ps if p.quote] for ps in rules],
        "fogofwar trained (quoted contents)": [[p for p in ps if is_quotation(d.text, p.content)]
                                              for d, ps in zip(docs, trained)],
        "fogofwar both (quoted contents)": [[p for p in combine(t, r) if p.quote or is_quotation(d.text, p.content)]
                                           for d, t, r in zip(docs, trained, rules)],
        "textacy direct_quotations": textacy_quotations(docs, parsed, gave_up),
    }
    everything = [d.attributions for d in docs]
    out = {name: _quote_scores(score(preds, everything), score(preds, gold)) for name, preds in systems.items()}
    out["textacy direct_quotations"]["paragraphs_refused"] = len(gave_up)
    return out


def _quote_scores(against_all: dict, against_quotes: dict) -> dict:
    """Precision against every gold attribution (a quotation the helper does not recognise as
    one is still right), recall against the gold direct quotations."""
    out = dict(against_quotes)
    for kind in KINDS:
        row = dict(against_quotes[kind])
        for mode in ("exact", "overlap"):
            p, r = against_all[kind][mode]["p"], against_quotes[kind][mode]["r"]
            row[mode] = {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
                         "hits": against_quotes[kind][mode]["hits"]}
        out[kind] = row
    return out


def spans_text(text: str, spans: Iterable[Span]) -> list[str]:
    return [text[s[0]:s[1]] if s else "-" for s in spans]
