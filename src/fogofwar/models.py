"""Typed records that flow between the pipeline stages.

Data flows one way: ``Article`` (ingest) -> ``ArticleResult`` (nlp, places,
sources, claims, events, when) -> ``Story`` / ``Ledger`` (stories) -> the
``fogofwar/v1`` document (``Result.to_dict``). Field names follow the
contract in docs/contract.md; extra fields are allowed, renames are not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SCHEMA_ID = "fogofwar/v1"

PLACE_KINDS = ("country", "admin1", "admin2", "city", "village", "region", "feature")
SOURCE_KINDS = (
    "official", "military", "media", "social_media", "blogger",
    "think_tank", "expert", "witness", "organization", "other",
)
CERTAINTIES = ("confirmed", "reported", "claimed", "unconfirmed", "denied")
EVENT_TYPES = ("capture", "withdrawal", "advance", "encirclement", "attack", "casualties", "aid")
STORY_STATUSES = ("corroborated", "confirmed", "claimed", "unverified", "disputed")
DATE_PRECISIONS = ("day", "week", "month", "year")

Span = tuple[int, int]


def _clean(value: Any) -> Any:
    """Tuples become lists so that the document is plain JSON."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


class Record:
    """Mixin: a dataclass that serialises to the contract's JSON shape."""

    def to_dict(self) -> dict[str, Any]:
        return _clean(asdict(self))  # type: ignore[call-overload]


@dataclass
class Article(Record):
    """One report as read from input, text normalised (``\\r\\n`` -> ``\\n``)."""

    id: str
    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    language: str | None = None
    file: str | None = None  # where it was read from, for error records
    line: int | None = None


@dataclass
class ErrorRecord(Record):
    """An input that could not become an article: never silently dropped."""

    file: str
    line: int | None
    reason: str


@dataclass
class Sentence(Record):
    index: int
    start: int
    end: int


@dataclass
class Place(Record):
    id: str
    mention: str
    start: int
    end: int
    sentence: int
    geonameid: int | None
    name: str | None
    kind: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    confidence: float
    population: int | None = None


@dataclass
class Source(Record):
    id: str
    name: str
    mentions: list[Span]
    kind: str
    side: str | None
    person: str | None = None
    anonymous: bool = False


@dataclass
class Claim(Record):
    id: str
    sentence: int
    start: int
    end: int
    source: str
    source_span: Span | None
    cue: str | None
    cue_span: Span | None
    content_span: Span | None
    certainty: str
    quote: bool = False
    events: list[str] = field(default_factory=list)
    scare_quotes: list[str] = field(default_factory=list)


@dataclass
class Quantity(Record):
    value: float
    unit: str
    text: str
    lower_bound: bool = False


@dataclass
class Event(Record):
    id: str
    type: str
    sentence: int
    start: int
    end: int
    trigger: str
    actor: str | None
    actor_side: str | None
    target: str | None
    target_side: str | None
    place: str | None
    date: str | None
    date_precision: str | None
    quantities: list[Quantity] = field(default_factory=list)
    negated: bool = False
    modality: str = "asserted"  # asserted | negated | hypothetical | threatened | planned | failed | avoided | attempted | requested (aid asked for)
    claims: list[str] = field(default_factory=list)
    acled: dict[str, str] | None = None
    plover: str | None = None


@dataclass
class ArticleResult(Record):
    """An article with everything fogofwar found in it (contract ARTICLE)."""

    article: Article
    sentences: list[Sentence] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        a = self.article
        return {
            "id": a.id, "title": a.title, "outlet": a.outlet, "url": a.url,
            "published": a.published, "language": a.language, "text": a.text,
            "sentences": [s.to_dict() for s in self.sentences],
            "places": [p.to_dict() for p in self.places],
            "sources": [s.to_dict() for s in self.sources],
            "claims": [c.to_dict() for c in self.claims],
            "events": [e.to_dict() for e in self.events],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticleResult:
        """Rebuild from the contract ARTICLE JSON (as stored), so stories can be recomputed."""
        article = Article(**{k: d.get(k) for k in ("id", "text", "title", "outlet", "url", "published", "language")})
        return cls(
            article=article,
            sentences=[Sentence(**s) for s in d.get("sentences", [])],
            places=[Place(**_known(Place, p)) for p in d.get("places", [])],
            sources=[Source(**{**_known(Source, s), "mentions": [tuple(m) for m in s.get("mentions", [])]})
                     for s in d.get("sources", [])],
            claims=[Claim(**{**_known(Claim, c), **{k: _span(c.get(k)) for k in ("source_span", "cue_span", "content_span")}})
                    for c in d.get("claims", [])],
            events=[Event(**{**_known(Event, e), "quantities": [Quantity(**_known(Quantity, q)) for q in e.get("quantities", [])]})
                    for e in d.get("events", [])],
        )

    def place(self, place_id: str | None) -> Place | None:
        return next((p for p in self.places if p.id == place_id), None)

    def source(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass
class StoryPlace(Record):
    geonameid: int | None
    name: str | None
    lat: float | None
    lon: float | None


@dataclass
class StorySource(Record):
    name: str
    kind: str
    side: str | None
    certainty: str
    outlet: str | None = None


@dataclass
class Story(Record):
    id: str
    type: str
    place: StoryPlace | None
    actor_side: str | None
    first_date: str | None
    last_date: str | None
    events: list[str]
    sources: list[StorySource]
    sides: list[str]
    status: str
    reason: str = ""
    articles: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # the other view of one change of control
    contradictions: list[str] = field(default_factory=list)  # what the reports disagree on, in words


    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Story:
        """Rebuild from the contract STORY JSON."""
        place = d.get("place")
        return cls(**{**_known(cls, d), "place": StoryPlace(**_known(StoryPlace, place)) if place else None,
                      "sources": [StorySource(**_known(StorySource, s)) for s in d.get("sources", [])]})


@dataclass
class LedgerEntry(Record):
    story: str
    date: str | None
    holder: str | None
    previous: str | None
    status: str


@dataclass
class Ledger(Record):
    place: StoryPlace
    entries: list[LedgerEntry]


    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Ledger:
        """Rebuild from the contract LEDGER JSON."""
        return cls(place=StoryPlace(**_known(StoryPlace, d["place"])),
                   entries=[LedgerEntry(**_known(LedgerEntry, e)) for e in d.get("entries", [])])


def _known(cls: type, d: dict[str, Any]) -> dict[str, Any]:
    """The keys of ``d`` that are fields of the dataclass ``cls`` (documents may carry extra fields)."""
    names = cls.__dataclass_fields__  # type: ignore[attr-defined]
    return {k: v for k, v in d.items() if k in names}


def _span(value: Any) -> Span | None:
    return tuple(value) if value is not None else None  # type: ignore[return-value]


@dataclass
class Result:
    """The outcome of one run: the contract document, as typed objects."""

    articles: list[ArticleResult] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    ledgers: list[Ledger] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "articles": [a.to_dict() for a in self.articles],
            "stories": [s.to_dict() for s in self.stories],
            "ledgers": [l.to_dict() for l in self.ledgers],
            "errors": [e.to_dict() for e in self.errors],
        }

    # Convenience views for notebooks.
    @property
    def places(self) -> list[Place]:
        return [p for a in self.articles for p in a.places]

    @property
    def sources(self) -> list[Source]:
        return [s for a in self.articles for s in a.sources]

    @property
    def claims(self) -> list[Claim]:
        return [c for a in self.articles for c in a.claims]

    @property
    def events(self) -> list[Event]:
        return [e for a in self.articles for e in a.events]

    def to_dataframes(self) -> dict[str, Any]:
        """One pandas DataFrame per record kind (needs the ``pandas`` extra)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ImportError("to_dataframes needs pandas: pip install 'fogofwar[pandas]'") from exc

        def rows(kind: str) -> list[dict[str, Any]]:
            out = []
            for a in self.articles:
                for item in getattr(a, kind):
                    d = item.to_dict()
                    d["article"] = a.article.id
                    out.append(d)
            return out

        articles = [
            {k: v for k, v in a.to_dict().items() if k not in ("sentences", "places", "sources", "claims", "events")}
            for a in self.articles
        ]
        return {
            "articles": pd.DataFrame(articles),
            "places": pd.DataFrame(rows("places")),
            "sources": pd.DataFrame(rows("sources")),
            "claims": pd.DataFrame(rows("claims")),
            "events": pd.DataFrame(rows("events")),
            "stories": pd.DataFrame([s.to_dict() for s in self.stories]),
            "errors": pd.DataFrame([e.to_dict() for e in self.errors]),
        }
