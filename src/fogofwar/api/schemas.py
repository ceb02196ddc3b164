"""Request and response bodies of the HTTP API (pydantic)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_ANALYZE_BYTES = 200 * 1024
MAX_ARTICLE_BYTES = 5 * 1024 * 1024


class AnalyzeRequest(BaseModel):
    """Ad-hoc text to analyse; nothing is stored."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_ANALYZE_BYTES, description="Article text (plain).")
    published: str | None = Field(None, max_length=40, description="Publication date, ISO (YYYY-MM-DD).")
    outlet: str | None = Field(None, max_length=300)
    title: str | None = Field(None, max_length=1000)


class ArticleIn(BaseModel):
    """An article to analyse and store (contract input record)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(None, min_length=1, max_length=300, description="Default: derived from the text hash.")
    text: str = Field(min_length=1, max_length=MAX_ARTICLE_BYTES)
    title: str | None = Field(None, max_length=1000)
    outlet: str | None = Field(None, max_length=300)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=16)


class Ingested(BaseModel):
    id: str
    status: str = Field(description="stored, or duplicate (the same text is already stored)")
    duplicate_of: str | None = None
    stories: list[str] = Field(default_factory=list, description="Stories created or changed")


class Page(BaseModel):
    """One page of a filtered list."""

    total: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class StoryDetail(BaseModel):
    story: dict[str, Any]
    ledger: dict[str, Any] | None
    events: list[dict[str, Any]]
    claims: list[dict[str, Any]]


class ErrorBody(BaseModel):
    detail: Any
