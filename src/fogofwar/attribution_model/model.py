"""The trained attribution tagger: cues first, then the source and content of each cue.

Two linear-chain CRFs (CRFsuite, L-BFGS, elastic-net regularisation) over the spaCy parse:

* the cue tagger labels every token of a sentence B/I/O of a cue ("said", "has learned",
  "according to"); a token is taken as a cue when its marginal probability of being in
  one reaches ``cue_threshold`` (0.25, tuned on a held-out part of train): PolNeAR's
  long tail of cues makes the tagger cautious, and recall is what sources need;
* the role tagger, run once per cue over the cue's sentence (``WINDOW``), labels each
  token as beginning/inside the source, beginning/inside the content, the cue, or
  outside. The source is the source segment nearest the cue (``roles_to_spans``); a
  cue at least ``source_fallback`` likely (0.6) that gets no source takes its syntactic
  subject, by-agent or "according to" object (``syntactic_source``); the content is the
  envelope of all content tokens (PolNeAR contents may be split around the cue, and are
  scored as envelopes), widened to its quotation marks when it is a quotation that runs
  over several sentences (``_quote_run``).

Spans come out as character offsets, in PolNeAR's conventions (sources with their
determiners and titles, contents with "that"), as learned from its train split.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy
from spacy.tokens import Doc

from fogofwar.attribution_model import features as F
from fogofwar.attribution_model.paths import DEFAULT_MODEL

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


def _sentence_tokens(info: F.DocInfo) -> list[list[int]]:
    """The non-space tokens of each sentence: the cue tagger's sequences."""
    return [[i for i in range(s, e) if not info.space[i]] for s, e in info.sent_bounds]


def _cue_sequences(info: F.DocInfo) -> list[tuple[list[int], list[list[str]]]]:
    """Per sentence, its (non-space) tokens and their cue features."""
    return [(toks, [F.cue_features(info, i) for i in toks]) for toks in _sentence_tokens(info) if toks]


def _role_sequence(info: F.DocInfo, cue: tuple[int, int]) -> tuple[list[int], list[list[str]]]:
    """The tokens of one cue's window with their features (cue tokens included, tagged CUE)."""
    c = F.cue_head(info.doc, *cue)
    toks = [t for t in _window(info, c) if not info.space[t]]
    return toks, [F.role_features(info, cue, c, t) for t in toks]


def _tag_cues(tagger: "CRF", info: F.DocInfo, threshold: float | None = None,
              probs: list[float] | None = None) -> list[str]:
    """Cue tags: the CRF's best sequence, or (with a threshold) every token whose marginal
    probability of being in a cue reaches it, B where B is likelier than I or a cue starts.
    ``probs``, if given (one slot per token), receives those marginals (thresholded decoding only)."""
    tags = ["O"] * len(info.lower)
    for toks, feats in _cue_sequences(info):
        if threshold is None:
            for i, tag in zip(toks, tagger.tag(feats)):
                tags[i] = tag
            continue
        prev_in = False
        for i, (b, inside) in zip(toks, tagger.in_span(feats)):
            if probs is not None:
                probs[i] = b + inside
            if b + inside >= threshold:
                tags[i] = "B" if (b > inside or not prev_in) else "I"
                prev_in = True
            else:
                prev_in = False
    return tags


def _tag_roles(tagger: "CRF", info: F.DocInfo, cue: tuple[int, int]) -> dict[int, str]:
    toks, feats = _role_sequence(info, cue)
    return {t: ("O" if tag == "CUE" else tag) for t, tag in zip(toks, tagger.tag(feats))}


def _segments(tags: dict[int, str], begin: str, inside: str, space: Sequence[bool] = ()) -> list[tuple[int, int]]:
    """Token ranges of the begin/inside runs of ``tags``; a run goes on over whitespace tokens
    (``space``), which the taggers never see ("The  police union" is one source)."""
    segs: list[list[int]] = []
    last = None
    for t in sorted(tags):
        tag = tags[t]
        if tag not in (begin, inside):
            continue
        if tag == inside and segs and last is not None and \
                all(k < len(space) and space[k] for k in range(last + 1, t)):
            segs[-1][1] = t + 1
        else:
            segs.append([t, t + 1])
        last = t
    return [(s, e) for s, e in segs]


def _nearest(segs: list[tuple[int, int]], cue: tuple[int, int]) -> tuple[int, int]:
    """The segment nearest the cue (then the longer, then the earlier)."""
    def dist(se: tuple[int, int]) -> int:
        return se[0] - cue[1] if se[0] >= cue[1] else (cue[0] - se[1] if se[1] <= cue[0] else 0)
    return min(segs, key=lambda se: (dist(se), se[0] - se[1], se[0]))


def roles_to_spans(info: F.DocInfo, tags: dict[int, str], cue: tuple[int, int] | None = None) -> tuple[Span, Span]:
    """Source and content of one cue from its role tags. Of several source runs the one nearest
    the cue is taken (the longest when no cue is given): the role tagger sometimes also marks
    another person of the sentence, and the cue's own source is next to it far more often."""
    doc = info.doc
    src = _segments(tags, "BS", "IS", info.space)
    source = None
    if src:
        s, e = _nearest(src, cue) if cue else max(src, key=lambda se: (se[1] - se[0], -se[0]))
        source = tokens_to_chars(doc, s, e)
    content_tokens = [t for t, tag in tags.items() if tag in ("BC", "IC")]
    content = None
    if content_tokens:
        first, last = min(content_tokens), max(content_tokens)
        if EXTEND_QUOTES:
            first, last = _quote_run(info, first, last)
        content = tokens_to_chars(doc, first, last + 1)
    return source, content


SUBJECTS = ("nsubj", "csubj")
CLIMB = ("xcomp", "conj", "advcl", "acomp")  # "..., adding that", "wants to criticize", "said and added"


def syntactic_source(info: F.DocInfo, cue: tuple[int, int]) -> tuple[int, int] | None:
    """A source for a cue the role tagger gave none: the object of "according to", or the
    active subject (or by-agent) of the cue's head or of the verb it hangs on when it is a
    participle, an infinitive or a conjoined verb ("Smith said Monday, adding that ..." gives
    "adding" the source "Smith"), as the whole phrase less its outer punctuation. None when
    the clause is passive without a by-agent (its subject is what was said or asked, not
    who said it)."""
    doc = info.doc
    t = doc[F.cue_head(doc, *cue)]
    if t.lower_ == "according":  # "according to X": X
        obj = [x for x in t.subtree if x.dep_ == "pobj"]
        return _phrase(info, obj[0]) if obj else None
    for _ in range(3):
        kids = list(t.children)
        for k in kids:
            if k.dep_ in SUBJECTS and not cue[0] <= k.i < cue[1]:
                return _phrase(info, k)
            if k.dep_ == "agent":
                obj = [x for x in k.children if x.dep_ == "pobj"]
                if obj:
                    return _phrase(info, obj[0])
        if any(k.dep_ in ("nsubjpass", "auxpass") for k in kids):
            return None
        if t.dep_ not in CLIMB or t.head.i == t.i:
            return None
        t = t.head
    return None


def _phrase(info: F.DocInfo, head) -> tuple[int, int]:
    """Character span of the phrase a token heads, without punctuation at either end."""
    s, e = info.left_edge[head.i], info.right_edge[head.i] + 1
    while e > s + 1 and (info.shape[e - 1].startswith("P") or info.space[e - 1]):
        e -= 1
    while s < e - 1 and (info.shape[s].startswith("P") or info.space[s]):
        s += 1
    return tokens_to_chars(info.doc, s, e)


EXTEND_QUOTES = (True, True)  # (back, forward): let a quoted content run over its sentence to its quotation marks


def _paragraph_break(info: F.DocInfo, i: int) -> bool:
    """A line break in token i or in the whitespace after it."""
    t = info.doc[i]
    return "\n" in t.text_with_ws or (t.is_space and "\n" in t.text)


def _quote_run(info: F.DocInfo, first: int, last: int) -> tuple[int, int]:
    """Widen a content (token range first..last) that is a quotation still open at its
    sentence's end (or opened in an earlier sentence) to the closing (opening) quotation
    mark in the same paragraph: PolNeAR's quoted contents run over several sentences."""
    n = len(info.lower)
    quote = info.doc
    s_first, s_last = info.sent_of[first], info.sent_of[last]
    if EXTEND_QUOTES[1]:
        end = info.sent_bounds[s_last][1]
        k = end - 1
        while k > last and (info.space[k] or info.shape[k].startswith("P") and quote[k].text not in F.QUOTES):
            k -= 1
        if k == last and info.in_quote[last]:
            j = end
            while j < n and not _paragraph_break(info, j - 1):
                if quote[j].text in F.QUOTES:
                    last = j
                    break
                j += 1
    if EXTEND_QUOTES[0]:
        start = info.sent_bounds[s_first][0]
        k = start
        while k < first and (info.space[k] or info.shape[k].startswith("P") and quote[k].text not in F.QUOTES):
            k += 1
        if k == first and info.in_quote[first]:
            j = start - 1
            while j >= 0 and not _paragraph_break(info, j):
                if quote[j].text in F.QUOTES:
                    first = j
                    break
                j -= 1
    return first, last


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


class CRF:
    """A linear-chain CRF's weights, decoded in pure Python (Viterbi; forward-backward marginals).

    CRFsuite trains it; its weights are then exported (rounded to three decimals, those
    that round to zero dropped) and kept as plain data: the model file is small (CRFsuite's
    own format is ten times larger) and predicting needs no compiled dependency.
    """

    def __init__(self, data: dict | None = None):
        self.data = data
        if data:
            self.labels: list[str] = data["labels"]
            self.trans = numpy.array(data["transitions"], dtype=float)
            # feature -> (label indices, weights)
            self.weights = {f: (numpy.array([int(k) for k in w]), numpy.array(list(w.values()), dtype=float))
                            for f, w in data["weights"].items()}

    def _scores(self, feats: list[list[str]]) -> numpy.ndarray:
        out = numpy.zeros((len(feats), len(self.labels)))
        weights = self.weights
        for k, item in enumerate(feats):
            row = out[k]
            for f in item:
                w = weights.get(f)
                if w is not None:
                    row[w[0]] += w[1]
        return out

    def tag(self, feats: list[list[str]]) -> list[str]:
        """The best tag sequence (Viterbi)."""
        if not self.data:
            return ["O"] * len(feats)
        if not feats:
            return []
        s = self._scores(feats)
        best = s[0].copy()
        back = []
        for k in range(1, len(feats)):
            cand = best[:, None] + self.trans  # from (rows) -> to (columns)
            back.append(cand.argmax(axis=0))
            best = cand.max(axis=0) + s[k]
        j = int(best.argmax())
        path = [j]
        for ptr in reversed(back):
            j = int(ptr[j])
            path.append(j)
        return [self.labels[j] for j in reversed(path)]

    def in_span(self, feats: list[list[str]]) -> list[tuple[float, float]]:
        """Per item: the marginal probabilities of B and of I (the tagger's confidence)."""
        if not self.data or "B" not in self.labels or not feats:
            return [(0.0, 0.0)] * len(feats)
        s = self._scores(feats)
        n = len(feats)
        alpha = numpy.zeros_like(s)
        beta = numpy.zeros_like(s)
        alpha[0] = s[0]
        for k in range(1, n):
            alpha[k] = _logsumexp(alpha[k - 1][:, None] + self.trans, axis=0) + s[k]
        for k in range(n - 2, -1, -1):
            beta[k] = _logsumexp(self.trans + (s[k + 1] + beta[k + 1])[None, :], axis=1)
        z = _logsumexp(alpha[-1], axis=0)
        p = numpy.exp(alpha + beta - z)
        b, i = self.labels.index("B"), self.labels.index("I") if "I" in self.labels else None
        return [(float(p[k, b]), float(p[k, i]) if i is not None else 0.0) for k in range(n)]


def _logsumexp(x: numpy.ndarray, axis: int) -> numpy.ndarray:
    m = x.max(axis=axis, keepdims=True)
    return (m + numpy.log(numpy.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


PRUNE = 0.0005  # weights smaller than this (absolute) round to zero: dropped from the exported model


def export_crfsuite(data: bytes, prune: float = PRUNE) -> dict:
    """The labels, transition weights and (pruned, rounded) state weights of a CRFsuite model."""
    import os
    import tempfile

    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open_inmemory(data)
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    try:
        tagger.dump(path)
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            text = fh.read()
    finally:
        os.unlink(path)
    labels = list(tagger.labels())
    index = {lab: k for k, lab in enumerate(labels)}
    alt = "|".join(re.escape(lab) for lab in sorted(labels, key=len, reverse=True))
    trans = [[0.0] * len(labels) for _ in labels]
    block = text[text.index("TRANSITIONS = {"):text.index("STATE_FEATURES = {")]
    for m in re.finditer(rf"\(1\) ({alt}) --> ({alt}): (-?[0-9.e+-]+)\n", block):
        trans[index[m.group(1)]][index[m.group(2)]] = round(float(m.group(3)), 4)
    weights: dict[str, dict[str, float]] = {}
    block = text[text.index("STATE_FEATURES = {"):]
    # an attribute may hold any character, a line break too: match up to " --> LABEL: weight"
    for m in re.finditer(rf"\n  \(0\) (.*?) --> ({alt}): (-?[0-9.e+-]+)(?=\n)", block, re.S):
        w = float(m.group(3))
        if abs(w) >= prune:
            weights.setdefault(m.group(1), {})[str(index[m.group(2)])] = round(w, 3)
    return {"labels": labels, "transitions": trans, "weights": weights}


class CRFTrainer:
    """Sequences go straight into CRFsuite (compact there), then ``fit`` gives a CRF."""

    def __init__(self, params: dict):
        import pycrfsuite

        self.trainer = pycrfsuite.Trainer(verbose=False)
        self.trainer.select("lbfgs", "crf1d")
        self.trainer.set_params(params)
        self.n = 0

    def append(self, feats: list[list[str]], tags: list[str]) -> None:
        self.trainer.append(feats, tags)
        self.n += 1

    def fit(self, prune: float = PRUNE) -> CRF:
        """CRFsuite's L-BFGS is deterministic: the same sequences in the same order give the same weights."""
        import os
        import tempfile

        if self.n == 0:
            return CRF(None)
        fd, path = tempfile.mkstemp(suffix=".crfsuite")
        os.close(fd)
        try:
            self.trainer.train(path)
            with open(path, "rb") as fh:
                return CRF(export_crfsuite(fh.read(), prune))
        finally:
            os.unlink(path)


# L1 and L2 weights and L-BFGS iterations (train-attribution's --iterations overrides the latter)
CUE_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 80, "feature.possible_transitions": True}
ROLE_PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 80, "feature.possible_transitions": True}


class AttributionModel:
    """Cue tagger + role tagger; ``predict(doc)`` gives PolNeAR-style span triples."""

    def __init__(self, cue: CRF | None = None, role: CRF | None = None, meta: dict | None = None):
        self.cue = cue or CRF()
        self.role = role or CRF()
        self.meta = meta or {}

    def predict(self, doc: Doc) -> list[SpanTriple]:
        info = F.doc_info(doc)
        probs = [0.0] * len(doc)
        tags = _tag_cues(self.cue, info, self.meta.get("cue_threshold"), probs)
        fallback = self.meta.get("source_fallback")
        out = []
        for s, e in _cue_ranges(tags):
            roles = _tag_roles(self.role, info, (s, e))
            source, content = roles_to_spans(info, roles, (s, e))
            if source is None and fallback is not None and max(probs[s:e]) >= fallback:
                source = syntactic_source(info, (s, e))
            out.append(SpanTriple(source, tokens_to_chars(doc, s, e), content))
        return out

    def train(self, examples: list[tuple[Doc, list[SpanTriple]]], seed: int = 0, log=None,
              cue_params: dict | None = None, role_params: dict | None = None) -> None:
        """Train both taggers on parsed documents with their gold attributions.

        The documents are taken in a seeded shuffle (CRFsuite's optimiser itself is
        deterministic), so the same data and seed give the same model."""
        order = list(range(len(examples)))
        random.Random(seed).shuffle(order)
        cues = CRFTrainer({**CUE_PARAMS, **(cue_params or {})})
        roles = CRFTrainer({**ROLE_PARAMS, **(role_params or {})})
        for k in order:
            doc, golds = examples[k]
            info = F.doc_info(doc)
            cue_gold = gold_cue_tags(doc, golds)
            for toks, feats in _cue_sequences(info):
                cues.append(feats, [cue_gold[i] for i in toks])
            for a in golds:
                r = char_to_tokens(doc, a.cue) if a.cue else None
                if r is None:
                    continue
                role_gold = gold_role_tags(doc, a)
                toks, feats = _role_sequence(info, r)
                roles.append(feats, ["CUE" if r[0] <= t < r[1] else role_gold.get(t, "O") for t in toks])
        if log:
            log(f"features: {cues.n} sentences, {roles.n} cue windows")
        self.cue = cues.fit()
        if log:
            log("cue tagger trained")
        self.role = roles.fit()
        if log:
            log("role tagger trained")

    def save(self, path: Path) -> None:
        """One gzipped JSON file: metadata and the two CRFs' weights, no timestamps."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": "fogofwar-attribution-crf/1", "meta": self.meta,
                "models": {"cue": self.cue.data, "role": self.role.data}}
        raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogateescape")
        with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
            gz.write(raw)

    @classmethod
    def load(cls, path: Path | str) -> "AttributionModel":
        with gzip.open(path, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8", "surrogateescape"))
        return cls(CRF(data["models"]["cue"]), CRF(data["models"]["role"]), data.get("meta", {}))


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
