"""The trained attribution tagger: cues first, then the source and content of each cue.

Two averaged perceptrons, both greedy left-to-right taggers over the spaCy parse:

* the cue tagger labels every token B/I/O of a cue ("said", "has learned",
  "according to");
* the role tagger, run once per cue over the cue's sentence (``WINDOW``: 2,064 of 2,067 dev
  sources and 86% of dev contents lie inside it; widening it costs training time in
  proportion), labels each token as beginning/inside the source, beginning/inside the
  content, or outside. The
  source is the longest source segment; the content is the envelope of all content
  tokens (PolNeAR contents may be split around the cue, and are scored as envelopes).

Spans come out as character offsets, in PolNeAR's conventions (sources with their
determiners and titles, contents with "that"), as learned from its train split.
"""

from __future__ import annotations

import bisect
import functools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from spacy.tokens import Doc

from fogofwar.attribution_model import features as F
from fogofwar.attribution_model.paths import DEFAULT_MODEL
from fogofwar.attribution_model.perceptron import Perceptron, load, save

CUE_TAGS = ("O", "B", "I")
ROLE_TAGS = ("O", "BS", "IS", "BC", "IC")
WINDOW = (0, 0)  # sentences before and after the cue's sentence the role tagger looks at

Span = Optional[tuple[int, int]]


@dataclass
class SpanTriple:
    """One attribution as character spans (any may be None)."""

    source: Span
    cue: Span
    content: Span


# ---------------------------------------------------------------- alignment


def char_to_tokens(doc: Doc, span: tuple[int, int], starts: list[int] | None = None) -> tuple[int, int] | None:
    """Token range [start, end) of the (non-space) tokens that share a character with span."""
    if starts is None:
        starts = doc.user_data.get("fogofwar_token_starts")
        if starts is None or len(starts) != len(doc):
            starts = doc.user_data["fogofwar_token_starts"] = [t.idx for t in doc]
    i = max(bisect.bisect_right(starts, span[0]) - 1, 0)
    hits = []
    while i < len(doc) and starts[i] < span[1]:
        t = doc[i]
        if t.idx + len(t.text) > span[0] and not t.is_space:
            hits.append(i)
        i += 1
    if not hits:
        return None
    return hits[0], hits[-1] + 1


def tokens_to_chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def _window(info: F.DocInfo, c: int) -> range:
    s = info.sent_of[c]
    first = max(0, s - WINDOW[0])
    last = min(len(info.sent_bounds) - 1, s + WINDOW[1])
    return range(info.sent_bounds[first][0], info.sent_bounds[last][1])


# ---------------------------------------------------------------- tagging


def _tag_cues(model: Perceptron, info: F.DocInfo, gold: Sequence[str] | None = None) -> list[str]:
    """Greedy cue tags for a document; with gold tags, train on it as it goes."""
    tags: list[str] = []
    sent_of = info.sent_of
    for i in range(len(info.lower)):
        if info.space[i]:
            tags.append("O")
            continue
        prev = tags[-1] if tags else "O"
        prev2 = tags[-2] if len(tags) > 1 else "O"
        if i == 0 or sent_of[i] != sent_of[i - 1]:
            prev, prev2 = "<s>", "<s>"
        feats = F.cue_features(info, i, prev, prev2)
        guess = model.predict(feats)
        if guess == "I" and prev not in ("B", "I"):
            guess = "B" if gold is None else guess
        if gold is not None:
            model.update(gold[i], guess, feats)
        tags.append(guess)
    return tags


def _tag_roles(model: Perceptron, info: F.DocInfo, cue: tuple[int, int],
               gold: dict[int, str] | None = None) -> dict[int, str]:
    """Greedy role tags for the window of one cue; with gold tags, train as it goes."""
    c = F.cue_head(info.doc, *cue)
    out: dict[int, str] = {}
    prev, prev2 = "<w>", "<w>"
    for t in _window(info, c):
        if cue[0] <= t < cue[1] or info.space[t]:
            out[t] = "O"
            prev2, prev = prev, "CUE" if cue[0] <= t < cue[1] else prev
            continue
        feats = F.role_features(info, cue, c, t, prev, prev2)
        guess = model.predict(feats)
        if gold is not None:
            model.update(gold.get(t, "O"), guess, feats)
        out[t] = guess
        prev2, prev = prev, guess
    return out


def _segments(tags: dict[int, str], begin: str, inside: str) -> list[tuple[int, int]]:
    segs: list[list[int]] = []
    last = None
    for t in sorted(tags):
        tag = tags[t]
        if tag == begin or (tag == inside and (last is None or last != t - 1 or not segs)):
            segs.append([t, t + 1])
            last = t
        elif tag == inside and segs and last == t - 1:
            segs[-1][1] = t + 1
            last = t
    return [(s, e) for s, e in segs]


def roles_to_spans(info: F.DocInfo, tags: dict[int, str]) -> tuple[Span, Span]:
    doc = info.doc
    src = _segments(tags, "BS", "IS")
    source = None
    if src:
        s, e = max(src, key=lambda se: (se[1] - se[0], -se[0]))
        source = tokens_to_chars(doc, s, e)
    content_tokens = [t for t, tag in tags.items() if tag in ("BC", "IC")]
    content = tokens_to_chars(doc, min(content_tokens), max(content_tokens) + 1) if content_tokens else None
    return source, content


# ---------------------------------------------------------------- gold labels


def gold_cue_tags(doc: Doc, spans: Iterable[SpanTriple]) -> list[str]:
    tags = ["O"] * len(doc)
    for a in spans:
        if a.cue is None:
            continue
        r = char_to_tokens(doc, a.cue)
        if r is None:
            continue
        for i in range(*r):
            tags[i] = "B" if i == r[0] else "I"
    return tags


def gold_role_tags(doc: Doc, a: SpanTriple) -> dict[int, str]:
    """Token -> role tag for one gold attribution: content envelope first, source over it."""
    tags: dict[int, str] = {}
    for span, b, i in ((a.content, "BC", "IC"), (a.source, "BS", "IS")):
        if span is None:
            continue
        r = char_to_tokens(doc, span)
        if r is None:
            continue
        for k in range(*r):
            if not doc[k].is_space:
                tags[k] = b if k == r[0] else i
    return tags


# ---------------------------------------------------------------- the model


class AttributionModel:
    """Cue tagger + role tagger; ``predict(doc)`` gives PolNeAR-style span triples."""

    def __init__(self, cue: Perceptron | None = None, role: Perceptron | None = None, meta: dict | None = None):
        self.cue = cue or Perceptron(CUE_TAGS)
        self.role = role or Perceptron(ROLE_TAGS)
        self.meta = meta or {}

    def predict(self, doc: Doc) -> list[SpanTriple]:
        info = F.doc_info(doc)
        tags = _tag_cues(self.cue, info)
        out = []
        for s, e in _cue_ranges(tags):
            roles = _tag_roles(self.role, info, (s, e))
            source, content = roles_to_spans(info, roles)
            out.append(SpanTriple(source, tokens_to_chars(doc, s, e), content))
        return out

    def train(self, examples: list[tuple[Doc, list[SpanTriple]]], epochs: int = 5, seed: int = 0,
              log=None) -> None:
        """Train both taggers on parsed documents with their gold attributions."""
        rng = random.Random(seed)
        prepared = []
        for doc, golds in examples:
            info = F.doc_info(doc)
            cues = []
            for a in golds:
                r = char_to_tokens(doc, a.cue) if a.cue else None
                if r is not None:
                    cues.append((r, gold_role_tags(doc, a)))
            prepared.append((info, gold_cue_tags(doc, golds), cues))
        order = list(range(len(prepared)))
        for epoch in range(epochs):
            rng.shuffle(order)
            for k in order:
                info, cue_gold, cues = prepared[k]
                _tag_cues(self.cue, info, cue_gold)
                for r, role_gold in cues:
                    _tag_roles(self.role, info, r, role_gold)
            if log:
                log(f"epoch {epoch + 1}/{epochs} done")
        self.cue.average()
        self.role.average()

    def save(self, path: Path) -> None:
        save({"cue": self.cue, "role": self.role}, self.meta, Path(path))

    @classmethod
    def load(cls, path: Path | str) -> "AttributionModel":
        models, meta = load(Path(path))
        return cls(models["cue"], models["role"], meta)


def _cue_ranges(tags: Sequence[str]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for i, tag in enumerate(tags):
        if tag == "B" or (tag == "I" and (not out or out[-1][1] != i)):
            out.append([i, i + 1])
        elif tag == "I":
            out[-1][1] = i + 1
    return [(s, e) for s, e in out]


@functools.lru_cache(maxsize=2)
def load_model(path: str | None = None) -> AttributionModel:
    """The shipped model (or another file), loaded once per process and only when asked for."""
    p = Path(path) if path else DEFAULT_MODEL
    if not p.is_file():
        raise FileNotFoundError(
            f"no attribution model at {p}; train one with: fogofwar train-attribution TRAIN_DIR -o {p}")
    return AttributionModel.load(p)
