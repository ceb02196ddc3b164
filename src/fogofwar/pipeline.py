"""The pipeline: Article -> ArticleResult for each article, then stories across them.

One spaCy pipeline, loaded once, parses every text in batches; the stages
are plain functions over the parsed document, run in the order the data
needs: places, claims and sources, events, dates, links between claims
and events. A failure inside one article becomes an error record; the
batch goes on.
"""

from __future__ import annotations

import datetime as dt
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from fogofwar import claims as claims_stage
from fogofwar import lexicon
from fogofwar import events as events_stage
from fogofwar import sources as sources_stage
from fogofwar import stories as stories_stage
from fogofwar import when
from fogofwar.models import Article, ArticleResult, ErrorRecord, Result
from fogofwar.nlp import (NEWLINE, LineRelevance, cached_sentences, line_relevance, load_nlp, parse_gate,
                          sentence_index, sentences_of, text_of)


def _line_index(doc: Doc) -> list[int]:
    """Per token, the 0-based line of the text it starts on (line breaks before its offset, by binary search)."""
    text = text_of(doc)
    breaks = [m.start() for m in NEWLINE.finditer(text)]
    if not breaks:
        return [0] * len(doc)
    return numpy.searchsorted(breaks, doc.to_array(IDX), side="left").tolist()


def analyze_doc(article: Article, doc: Doc, gazetteer=None) -> ArticleResult:
    """Run every stage on one parsed article (its sentences computed once for all stages)."""
    with cached_sentences(doc), lexicon.document_actors(article.text or ""):
        return _analyze_doc(article, doc, gazetteer)


def _analyze_doc(article: Article, doc: Doc, gazetteer=None) -> ArticleResult:
    from fogofwar.places import extract_places

    sentences = sentences_of(doc)
    sentence_of = sentence_index(doc, sentences)
    places = extract_places(doc, gazetteer=gazetteer, sentences=sentences, sentence_of=sentence_of)

    attributions = claims_stage.find_attributions(doc, sentences, sentence_of)
    theatre = events_stage.theatre_of(places)
    with lexicon.theatre_names(theatre):
        sources, source_ids = sources_stage.resolve_sources(attributions, theatre=theatre, places=places)
        claims = claims_stage.make_claims(attributions, source_ids)

        side_of = {s.id: s.side for s in sources}
        voices = [(a.content[0], a.content[1], side_of[sid]) for a, sid in zip(attributions, source_ids) if a.content]
        detected = events_stage.detect_events(doc, places, sentence_of, voices)
        events, owner = events_stage.to_events(detected, _line_index(doc))

    published = when.parse_published(article.published)
    mentions = when.find_dates(doc, published)
    for d, index in zip(detected, owner):
        event = events[index]
        if event.date is None:
            resolved = when.date_of(d.trigger, mentions)
            if resolved:
                event.date, event.date_precision = resolved.date, resolved.precision
    _inherit_dates(events, places)
    _link(attributions, claims, detected, owner, events)
    return ArticleResult(article=article, sentences=sentences, places=places, sources=sources,
                         claims=claims, events=events)


def _inherit_dates(events, places) -> None:
    """An event without a date of its own takes the date of an earlier mention of the same event."""
    for i, event in enumerate(events):
        if event.date or event.place is None:
            continue
        for earlier in reversed(events[:i]):
            if earlier.type == event.type and earlier.place == event.place and earlier.date:
                event.date, event.date_precision = earlier.date, earlier.date_precision
                break


def _link(attributions, claims, detected, owner, events) -> None:
    """Link each claim to the events its content carries (or the previous sentence's, for "This claim").

    Per trigger, its sentence and its ancestors are looked up once (not once per claim).
    """
    by_id = {e.id: e for e in events}
    sent_of: list[int] | None = None
    lineage: dict[int, set[int]] = {}

    def sentence(token) -> int:
        nonlocal sent_of
        if sent_of is None:
            sent_of = [0] * len(token.doc)
            for k, sent in enumerate(token.doc.sents):
                sent_of[sent.start:sent.end] = [k] * (sent.end - sent.start)
        return sent_of[token.i]

    def ancestors(token) -> set[int]:
        if token.i not in lineage:
            lineage[token.i] = {token.i, *(a.i for a in token.ancestors)}
        return lineage[token.i]

    for attribution, claim in zip(attributions, claims):
        linked: list[str] = []
        anchor = attribution.anchor
        for d, index in zip(detected, owner):
            t = d.trigger
            inside = (
                attribution.content is not None and attribution.content[0] <= t.idx < attribution.content[1]
            ) or (anchor is not None and sentence(t) == sentence(anchor) and anchor.i in ancestors(t))
            if attribution.points_back and d.sentence == attribution.sentence - 1:
                inside = True
            if not inside and claim.cue in ("according to",) and d.sentence == attribution.sentence:
                inside = True
            if inside and events[index].id not in linked:
                linked.append(events[index].id)
        claim.events = linked
        for event_id in linked:
            event = by_id[event_id]
            if claim.id not in event.claims:
                event.claims.append(claim.id)


class Pipeline:
    """A loaded pipeline: reuse one for many calls (loading the model takes a second or two)."""

    def __init__(self, nlp: Language | None = None, gazetteer=None, batch_size: int = 16, parse_gate: bool = True):
        self.nlp = nlp or load_nlp()
        self.gazetteer = gazetteer
        self.batch_size = batch_size
        self.parse_gate = parse_gate  # parse only the lines the cheap pass marks (nlp.ParseGate)
        self._line_relevance: LineRelevance | None = None

    def _gazetteer(self):
        if self.gazetteer is None:
            from fogofwar.places.gazetteer import Gazetteer

            self.gazetteer = Gazetteer.open().warm()
        return self.gazetteer

    def _relevance(self, gazetteer) -> LineRelevance | None:
        """The parse gate's cheap pass (made once), or None to parse every line."""
        if not self.parse_gate:
            return None
        if self._line_relevance is None:
            self._line_relevance = line_relevance(self.nlp, gazetteer.has_name)
        return self._line_relevance

    def run(self, articles: Iterable[Article], on_article: Callable[[], None] | None = None
            ) -> Iterator[ArticleResult | ErrorRecord]:
        """Analyse articles in batches; yields a result or an error record per article, in order."""
        gazetteer = self._gazetteer()
        pairs = ((a.text, a) for a in articles)
        with parse_gate(self.nlp, self._relevance(gazetteer)):  # the model may be shared with other pipelines
            for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size):
                try:
                    yield analyze_doc(article, doc, gazetteer=gazetteer)
                except Exception as exc:  # one bad article never stops the batch
                    yield ErrorRecord(file=article.file or article.id, line=article.line,
                                      reason=f"analysis failed: {type(exc).__name__}: {exc} "
                                             f"({traceback.extract_tb(exc.__traceback__)[-1].name})")
                if on_article:
                    on_article()


def _as_articles(items: Sequence[str | Article] | str | Article, published: str | dt.date | None,
                 outlet: str | None, title: str | None, url: str | None) -> list[Article]:
    if isinstance(items, (str, Article)):
        items = [items]
    out = []
    for i, item in enumerate(items, start=1):
        if isinstance(item, Article):
            out.append(item)
        else:
            pub = published.isoformat() if isinstance(published, dt.date) else published
            text = str(item).replace("\r\n", "\n")
            out.append(Article(id=f"text-{i}", text=text, published=pub, outlet=outlet, title=title, url=url))
    return out


_DEFAULT: Pipeline | None = None


def analyze(texts_or_articles: Sequence[str | Article] | str | Article, published: str | dt.date | None = None,
            outlet: str | None = None, title: str | None = None, url: str | None = None,
            pipeline: Pipeline | None = None, errors: Sequence[ErrorRecord] = ()) -> Result:
    """Analyse texts (with shared metadata) or Article records; return the whole typed result.

    >>> result = analyze(["Ukrainian forces retook Izyum on Saturday."], published="2022-09-10")
    >>> result.events[0].type
    'capture'
    """
    global _DEFAULT
    if pipeline is None:
        _DEFAULT = _DEFAULT or Pipeline()
        pipeline = _DEFAULT
    articles = _as_articles(texts_or_articles, published, outlet, title, url)
    result = Result(errors=list(errors))
    for item in pipeline.run(articles):
        if isinstance(item, ErrorRecord):
            result.errors.append(item)
        else:
            result.articles.append(item)
    result.stories, result.ledgers = stories_stage.build(result.articles)
    return result
