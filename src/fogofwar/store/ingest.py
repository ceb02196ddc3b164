"""Storing analysed articles, idempotently and incrementally.

An article is known by the sha256 of its normalised text: the same text
twice is stored once. Storing one article is one transaction: the article
row, its sentences, places, sources, claims and events, and the stories and
ledgers it touches. Stories are recomputed with ``fogofwar.stories.build``
only over the articles that can share a story with the new one: those with an
event at the same place as (or near, transitively) one of the new article's
event places (``story_places`` rows), rebuilt from the stored ARTICLE JSON. Story
ids are stable (derived from the story's first event) and a story row is
rewritten, and its ``version`` increased, only when its content changes.
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fogofwar import stories as stories_stage
from fogofwar.ingest import normalise_text
from fogofwar.models import Article, ArticleResult, ErrorRecord, Ledger, Place, Story
from fogofwar.store.db import Database
from fogofwar.store.models import (
    ArticleRow, ClaimRow, ErrorRow, EventRow, LedgerRow, PlaceRow, SentenceRow, SourceRow, StoryPlaceRow,
    StoryRow,
)

_DEG_KM = 111.0


def content_hash(text: str) -> str:
    """sha256 of the text, normalised: NFC, ``\\n`` line ends, no trailing spaces, trimmed."""
    norm = unicodedata.normalize("NFC", normalise_text(text))
    norm = "\n".join(line.rstrip() for line in norm.split("\n")).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


@dataclass
class Outcome:
    """What storing one article did."""

    article: str
    status: str  # stored | duplicate
    stories: list[str] = field(default_factory=list)  # ids of the stories created or changed
    duplicate_of: str | None = None


# --------------------------------------------------------------------------- rows


def _event_row(result: ArticleResult, event) -> EventRow:
    place = result.place(event.place)
    return EventRow(
        local_id=event.id, type=event.type, sentence=event.sentence, trigger=event.trigger, actor=event.actor,
        actor_side=event.actor_side, target_side=event.target_side, date=event.date,
        date_precision=event.date_precision, modality=event.modality, place_local_id=event.place,
        place_geonameid=place.geonameid if place else None, place_name=(place.name or place.mention) if place else None,
        place_kind=place.kind if place else None, lat=place.lat if place else None, lon=place.lon if place else None,
        data=event.to_dict(),
    )


def article_row(result: ArticleResult, digest: str, file: str | None = None) -> ArticleRow:
    """The rows of one analysed article (not yet added to a session)."""
    a = result.article
    row = ArticleRow(id=a.id, content_hash=digest, title=a.title, outlet=a.outlet, url=a.url, published=a.published,
                     language=a.language, text=a.text, document=result.to_dict(), file=file or a.file)
    row.sentences = [SentenceRow(index=s.index, start=s.start, end=s.end) for s in result.sentences]
    row.places = [PlaceRow(local_id=p.id, mention=p.mention, start=p.start, end=p.end, sentence=p.sentence,
                           geonameid=p.geonameid, name=p.name, kind=p.kind, lat=p.lat, lon=p.lon, country=p.country,
                           admin1=p.admin1, confidence=p.confidence) for p in result.places]
    row.sources = [SourceRow(local_id=s.id, name=s.name, kind=s.kind, side=s.side, person=s.person,
                             anonymous=s.anonymous, mentions=[list(m) for m in s.mentions]) for s in result.sources]
    row.claims = [ClaimRow(local_id=c.id, sentence=c.sentence, start=c.start, end=c.end, source_local_id=c.source,
                           cue=c.cue, certainty=c.certainty, quote=c.quote, data=c.to_dict()) for c in result.claims]
    row.events = [_event_row(result, e) for e in result.events]
    row.story_places = [_story_place_row(p) for p in story_places(result)]
    return row


def _unique_id(session: Session, wanted: str, digest: str) -> str:
    """The article's own id unless another text already has it; then the id plus a piece of the hash."""
    if session.scalar(select(ArticleRow.pk).where(ArticleRow.id == wanted)) is None:
        return wanted
    return f"{wanted}-{digest[:10]}"


def store_result(session: Session, result: ArticleResult, file: str | None = None) -> Outcome:
    """Store one analysed article and update the stories it touches (inside the caller's transaction)."""
    digest = content_hash(result.article.text)
    existing = session.scalar(select(ArticleRow.id).where(ArticleRow.content_hash == digest))
    if existing is not None:
        return Outcome(result.article.id, "duplicate", duplicate_of=existing)
    result.article.id = _unique_id(session, result.article.id, digest)
    row = article_row(result, digest, file)
    session.add(row)
    session.flush()
    touched = update_stories(session, row.pk)
    return Outcome(row.id, "stored", touched)


def store_error(session: Session, error: ErrorRecord) -> None:
    session.add(ErrorRow(file=error.file, line=error.line, reason=error.reason))


# --------------------------------------------------------------------------- stories


def story_places(result: ArticleResult) -> list[Place]:
    """The distinct places the article's events happened at, anaphors resolved as the stories stage does."""
    out: dict[str, Place] = {}
    for event in result.events:
        for place, _how in stories_stage.event_places(result, event):
            key = stories_stage.place_key(place)
            if key is not None:
                out.setdefault(key, place)
    return list(out.values())


def _story_place_row(place: Place) -> StoryPlaceRow:
    return StoryPlaceRow(key=stories_stage.place_key(place), geonameid=place.geonameid, name=place.name,
                         mention=place.mention, kind=place.kind, lat=place.lat, lon=place.lon,
                         folded=stories_stage._fold(place.name)[:300],
                         folded_mention=stories_stage._fold(place.mention)[:300])


def _as_place(row: StoryPlaceRow) -> Place:
    return Place(id="", mention=row.mention, start=0, end=0, sentence=0, geonameid=row.geonameid, name=row.name,
                 kind=row.kind, lat=row.lat, lon=row.lon, country=None, admin1=None, confidence=1.0)


def _near_clause(place: Place):
    """A coarse SQL filter for stored places that may be ``same_place`` as ``place`` (checked in Python after)."""
    names = [n for n in {stories_stage._fold(place.name), stories_stage._fold(place.mention)} if n]
    clauses = [StoryPlaceRow.key == stories_stage.place_key(place)]
    if place.geonameid is not None:
        clauses.append(StoryPlaceRow.geonameid == place.geonameid)
    if names:
        clauses += [StoryPlaceRow.folded.in_(names), StoryPlaceRow.folded_mention.in_(names)]
    if place.lat is not None and place.lon is not None:
        dlat = stories_stage.NEAR_KM / _DEG_KM + 0.01
        dlon = stories_stage.NEAR_KM / (_DEG_KM * max(math.cos(math.radians(place.lat)), 0.05)) + 0.01
        clauses.append(StoryPlaceRow.lat.between(place.lat - dlat, place.lat + dlat)
                       & StoryPlaceRow.lon.between(place.lon - dlon, place.lon + dlon))
    return or_(*clauses)


def _component(session: Session, seeds: list[StoryPlaceRow]) -> tuple[set[int], set[str]]:
    """Articles and place keys linked to the seed places by ``same_place``, transitively."""
    found: dict[int, StoryPlaceRow] = {r.pk: r for r in seeds}
    frontier = list(seeds)
    while frontier:
        place_rows, frontier = frontier, []
        for seed in place_rows:
            place = _as_place(seed)
            for row in session.scalars(select(StoryPlaceRow).where(_near_clause(place))):
                if row.pk in found:
                    continue
                other = _as_place(row)
                if row.key == seed.key or stories_stage.same_place(place, other) \
                        or stories_stage.same_place(other, place):
                    found[row.pk] = row
                    frontier.append(row)
    return {r.article_pk for r in found.values()}, {r.key for r in found.values()}


def stable_story_id(story: Story) -> str:
    """Derived from the story's type and first event (articles are built in ingestion order)."""
    return "st-" + hashlib.sha1(f"{story.type}|{story.events[0]}".encode()).hexdigest()[:12]


def place_key(place) -> str | None:
    return stories_stage.place_key(place)


def _search_text(story: Story) -> str:
    parts = [story.type, story.place.name if story.place else None]
    parts += [s.name for s in story.sources] + [s.outlet for s in story.sources]
    return " | ".join(p for p in parts if p).lower()


def recompute(results: Sequence[ArticleResult]) -> tuple[list[Story], list[Ledger]]:
    """``fogofwar.stories.build`` with stable story ids (pure)."""
    stories, ledgers = stories_stage.build(list(results))
    ids = {s.id: stable_story_id(s) for s in stories}
    for s in stories:
        s.id = ids[s.id]
        s.linked = [ids[x] for x in s.linked]
    for ledger in ledgers:
        for entry in ledger.entries:
            entry.story = ids[entry.story]
            if hasattr(entry, "linked"):
                entry.linked = [ids[x] for x in entry.linked]
    return stories, ledgers


def _story_values(story: Story) -> dict:
    p = story.place
    return dict(
        type=story.type, place_key=place_key(p), place_geonameid=p.geonameid if p else None,
        place_name=p.name if p else None, lat=p.lat if p else None, lon=p.lon if p else None,
        actor_side=story.actor_side, first_date=story.first_date, last_date=story.last_date, status=story.status,
        n_articles=len(story.articles), n_sources=len(story.sources), search=_search_text(story),
        data=story.to_dict(),
    )


def update_stories(session: Session, article_pk: int) -> list[str]:
    """Recompute the stories at the places of one newly stored article; returns the ids created or changed.

    The articles rebuilt are every stored article with an event at one of those places (or near
    them, transitively), so the stories at those places come out as a build over everything
    would give them; stories the rebuild yields at other places are incomplete and are not written.
    """
    seeds = list(session.scalars(select(StoryPlaceRow).where(StoryPlaceRow.article_pk == article_pk)))
    if not seeds:
        return []
    article_pks, keys = _component(session, seeds)
    rows = session.execute(select(ArticleRow.pk, ArticleRow.document)
                           .where(ArticleRow.pk.in_(article_pks)).order_by(ArticleRow.pk)).all()
    results = [ArticleResult.from_dict(document) for _, document in rows]
    pk_of = {r.article.id: pk for (pk, _), r in zip(rows, results)}
    built, ledgers = recompute(results)
    stories = [s for s in built if place_key(s.place) in keys]

    old_rows = {r.id: r for r in session.scalars(select(StoryRow).where(
        or_(StoryRow.place_key.in_(keys), StoryRow.id.in_([s.id for s in stories]))))}
    changed: list[str] = []
    for story in stories:
        values = _story_values(story)
        row = old_rows.get(story.id)
        if row is None:
            session.add(StoryRow(id=story.id, version=1, **values))
            changed.append(story.id)
        elif row.data != values["data"]:
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
            row.updated_at = func.now()
            changed.append(story.id)
    gone = set(old_rows) - {s.id for s in stories}
    if gone:
        session.execute(delete(StoryRow).where(StoryRow.id.in_(gone)))

    story_of: dict[tuple[int, str], str] = {}
    for story in stories:
        for ref in story.events:
            article_id, event_id = ref.rsplit(":", 1)
            story_of[(pk_of[article_id], event_id)] = story.id
    replaced = set(old_rows)
    for e in session.scalars(select(EventRow).where(EventRow.article_pk.in_(article_pks))):
        new = story_of.get((e.article_pk, e.local_id))
        if new is not None and e.story_id != new:
            e.story_id = new
        elif new is None and e.story_id in replaced:
            e.story_id = None

    session.execute(delete(LedgerRow).where(LedgerRow.key.in_(keys)))
    session.flush()
    for ledger in ledgers:
        key = place_key(ledger.place)
        if key in keys:
            session.add(LedgerRow(key=key, geonameid=ledger.place.geonameid, name=ledger.place.name,
                                  data=ledger.to_dict()))
    return changed


# --------------------------------------------------------------------------- batches


@dataclass
class Summary:
    stored: int = 0
    duplicates: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    stories: set[str] = field(default_factory=set)

    def to_dict(self) -> dict:
        return {"stored": self.stored, "duplicates": self.duplicates, "errors": len(self.errors),
                "stories_touched": len(self.stories)}


def _known_hashes(db: Database, digests: list[str]) -> set[str]:
    out: set[str] = set()
    with db.read() as session:
        for i in range(0, len(digests), 500):
            chunk = digests[i:i + 500]
            out.update(session.scalars(select(ArticleRow.content_hash).where(ArticleRow.content_hash.in_(chunk))))
    return out


def analyse(pipeline, articles: list[Article]) -> Iterator[ArticleResult | ErrorRecord]:
    """``pipeline.run`` in batches; if a whole batch fails inside the model, the rest one at a time.

    ``Pipeline.run`` turns a failure inside one article's stages into an error record, but an
    exception raised by the spaCy batch itself would end the generator: the articles not yet
    analysed are then retried singly, and the one that fails becomes an error record.
    """
    done = 0
    try:
        for item in pipeline.run(articles):
            done += 1
            yield item
        return
    except Exception:  # noqa: BLE001 - retried one by one below
        pass
    for article in articles[done:]:
        try:
            yield from pipeline.run([article])
        except Exception as exc:  # noqa: BLE001 - one bad article never stops the batch
            yield ErrorRecord(file=article.file or article.id, line=article.line,
                              reason=f"analysis failed: {type(exc).__name__}: {exc}")


def _blocks(items: Iterable[Article | ErrorRecord], size: int) -> Iterator[list[Article | ErrorRecord]]:
    block: list[Article | ErrorRecord] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def ingest_items(db: Database, items: Iterable[Article | ErrorRecord], pipeline,
                 on_item: Callable[[Outcome | ErrorRecord], None] | None = None,
                 block_size: int = 256) -> Summary:
    """Analyse and store articles (each in its own transaction); error records are stored, never raised.

    ``items`` is read lazily, ``block_size`` at a time, so memory stays bounded whatever the input.
    ``pipeline`` is a :class:`fogofwar.pipeline.Pipeline` (this process) or a
    :class:`fogofwar.scale.workers.WorkerPool` (every core). Articles whose text is already
    stored are counted as duplicates without being analysed again, so a batch interrupted
    half-way resumes cheaply.
    """
    summary = Summary()

    def analyze(articles: list[Article]) -> Iterator[ArticleResult | ErrorRecord]:
        if hasattr(pipeline, "run"):
            return analyse(pipeline, articles)
        return pipeline.analyze(articles)  # a WorkerPool: results in input order

    def note(x: Outcome | ErrorRecord) -> None:
        if on_item:
            on_item(x)

    def record_error(error: ErrorRecord) -> None:
        summary.errors.append(error)
        with db.write() as session:
            store_error(session, error)
        note(error)

    seen: set[str] = set()
    for block in _blocks(items, block_size):
        articles = [i for i in block if isinstance(i, Article)]
        known = _known_hashes(db, [content_hash(a.text) for a in articles]) | seen
        for item in block:
            if isinstance(item, ErrorRecord):
                record_error(item)
        todo: list[Article] = []
        for a in articles:
            digest = content_hash(a.text)
            if digest in known:
                summary.duplicates += 1
                note(Outcome(a.id, "duplicate"))
            else:
                known.add(digest)
                seen.add(digest)
                todo.append(a)
        for item in analyze(todo):
            if isinstance(item, ErrorRecord):
                record_error(item)
                continue
            try:
                outcome = store_one(db, item)
            except Exception as exc:  # a database problem with one article must not stop the batch
                record_error(ErrorRecord(file=item.article.file or item.article.id, line=item.article.line,
                                         reason=f"not stored: {type(exc).__name__}: {exc}"))
                continue
            if outcome.status == "stored":
                summary.stored += 1
                summary.stories.update(outcome.stories)
            else:
                summary.duplicates += 1
            note(outcome)
    return summary


def store_one(db: Database, result: ArticleResult) -> Outcome:
    """One article, one transaction; a concurrent writer storing the same text makes it a duplicate."""
    try:
        with db.write() as session:
            return store_result(session, result)
    except IntegrityError:
        with db.read() as session:
            existing = session.scalar(select(ArticleRow.id).where(
                ArticleRow.content_hash == content_hash(result.article.text)))
        if existing is None:
            raise
        return Outcome(result.article.id, "duplicate", duplicate_of=existing)
