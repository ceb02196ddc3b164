"""ORM tables (SQLAlchemy 2 typed declarative).

Each article keeps its whole contract ARTICLE JSON (``document``) so that
stories can be recomputed from stored results; its places, sources, claims
and events are also rows, for filtering. Event rows carry their place's
GeoNames id, name, kind and coordinates (denormalised) because stories are
keyed by type and place. Stories keep a stable id and a ``version`` that
grows only when their content changes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ArticleRow(Base):
    __tablename__ = "articles"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(300), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(32), index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    file: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())

    sentences: Mapped[list[SentenceRow]] = relationship(back_populates="article", cascade="all, delete-orphan")
    places: Mapped[list[PlaceRow]] = relationship(back_populates="article", cascade="all, delete-orphan")
    sources: Mapped[list[SourceRow]] = relationship(back_populates="article", cascade="all, delete-orphan")
    claims: Mapped[list[ClaimRow]] = relationship(back_populates="article", cascade="all, delete-orphan")
    events: Mapped[list[EventRow]] = relationship(back_populates="article", cascade="all, delete-orphan")
    story_places: Mapped[list[StoryPlaceRow]] = relationship(back_populates="article", cascade="all, delete-orphan")


class _ArticlePart:
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_pk: Mapped[int] = mapped_column(ForeignKey("articles.pk", ondelete="CASCADE"), index=True)


class SentenceRow(_ArticlePart, Base):
    __tablename__ = "sentences"

    index: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    article: Mapped[ArticleRow] = relationship(back_populates="sentences")


class PlaceRow(_ArticlePart, Base):
    __tablename__ = "places"

    local_id: Mapped[str] = mapped_column(String(32))
    mention: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[int] = mapped_column(Integer)
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(8))
    admin1: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    article: Mapped[ArticleRow] = relationship(back_populates="places")


class SourceRow(_ArticlePart, Base):
    __tablename__ = "sources"

    local_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    side: Mapped[str | None] = mapped_column(String(16), index=True)
    person: Mapped[str | None] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    mentions: Mapped[list[Any]] = mapped_column(JSON)
    article: Mapped[ArticleRow] = relationship(back_populates="sources")


class ClaimRow(_ArticlePart, Base):
    __tablename__ = "claims"

    local_id: Mapped[str] = mapped_column(String(32))
    sentence: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    source_local_id: Mapped[str] = mapped_column(String(32))
    cue: Mapped[str | None] = mapped_column(Text)
    certainty: Mapped[str] = mapped_column(String(16), index=True)
    quote: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    article: Mapped[ArticleRow] = relationship(back_populates="claims")


class EventRow(_ArticlePart, Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_type_place", "type", "place_geonameid"), Index("ix_events_lat_lon", "lat", "lon"))

    local_id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(16), index=True)
    sentence: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(Text)
    actor_side: Mapped[str | None] = mapped_column(String(16), index=True)
    target_side: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    date_precision: Mapped[str | None] = mapped_column(String(8))
    modality: Mapped[str] = mapped_column(String(16))
    place_local_id: Mapped[str | None] = mapped_column(String(32))
    place_geonameid: Mapped[int | None] = mapped_column(Integer)
    place_name: Mapped[str | None] = mapped_column(Text)
    place_kind: Mapped[str | None] = mapped_column(String(16))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    story_id: Mapped[str | None] = mapped_column(String(40), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    article: Mapped[ArticleRow] = relationship(back_populates="events")


class StoryPlaceRow(_ArticlePart, Base):
    """A place one of the article's events happened at (anaphors resolved), for finding the stories it touches."""

    __tablename__ = "story_places"
    __table_args__ = (Index("ix_story_places_lat_lon", "lat", "lon"),)

    key: Mapped[str] = mapped_column(String(300), index=True)  # fogofwar.stories.place_key
    geonameid: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(Text)
    mention: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    folded: Mapped[str] = mapped_column(String(300), index=True)  # folded name
    folded_mention: Mapped[str] = mapped_column(String(300), index=True)
    article: Mapped[ArticleRow] = relationship(back_populates="story_places")


class StoryRow(Base):
    __tablename__ = "stories"
    __table_args__ = (Index("ix_stories_lat_lon", "lat", "lon"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    place_key: Mapped[str | None] = mapped_column(String(300), index=True)
    place_geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    place_name: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    actor_side: Mapped[str | None] = mapped_column(String(16), index=True)
    first_date: Mapped[str | None] = mapped_column(String(10), index=True)
    last_date: Mapped[str | None] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    n_articles: Mapped[int] = mapped_column(Integer)
    n_sources: Mapped[int] = mapped_column(Integer)
    search: Mapped[str] = mapped_column(Text)  # lower-cased place, source and outlet names, for ``q``
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # the contract STORY (+ reason, contradictions...)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())


class LedgerRow(Base):
    __tablename__ = "ledgers"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # "g:<geonameid>" or "n:<name>"
    geonameid: Mapped[int | None] = mapped_column(Integer, index=True)
    name: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ErrorRow(Base):
    __tablename__ = "errors"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, server_default=func.now())
