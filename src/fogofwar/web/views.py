"""What the map page shows, built from a fogofwar/v1 document (shapes in notes/views.md).

Pure functions over the contract dict, so the HTML report (from a fresh analysis) and the
API (from a document rebuilt out of the database) show exactly the same thing.
"""

from __future__ import annotations

from typing import Any

Span = list[int] | None


def story_summaries(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One STORY_SUMMARY per story: the contract STORY plus reason, contradictions and counts."""
    return [_summary(story) for story in document.get("stories") or []]


def story_details(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """STORY_DETAIL per story id: the story, its place's ledger, its events and every claim carrying them."""
    articles = {a["id"]: _ArticleIndex(a, order) for order, a in enumerate(document.get("articles") or [])}
    ledgers = document.get("ledgers") or []
    details: dict[str, dict[str, Any]] = {}
    for story in document.get("stories") or []:
        events, claims = [], []
        seen_claims: set[tuple[str, str]] = set()
        for ref in story.get("events") or []:
            article_id, _, event_id = ref.rpartition(":")
            index = articles.get(article_id)
            event = index.events.get(event_id) if index else None
            if event is None:
                continue
            events.append(index.event_view(event))
            for claim in index.claims_of(event):
                if (article_id, claim["id"]) not in seen_claims:
                    seen_claims.add((article_id, claim["id"]))
                    claims.append((index, claim))
        claims.sort(key=lambda pair: (pair[0].order, pair[1].get("start") or 0, pair[1]["id"]))
        details[story["id"]] = {
            "story": _summary(story),
            "ledger": _ledger_of(story, ledgers),
            "events": events,
            "claims": [index.claim_view(claim) for index, claim in claims],
        }
    return details


def _summary(story: dict[str, Any]) -> dict[str, Any]:
    summary = dict(story)
    summary["reason"] = story.get("reason") or None
    summary["contradictions"] = list(story.get("contradictions") or [])
    article_ids = story.get("articles") or sorted({ref.rpartition(":")[0] for ref in story.get("events") or []})
    summary["n_articles"] = len(article_ids)
    summary["n_sources"] = len(story.get("sources") or [])
    return summary


def _ledger_of(story: dict[str, Any], ledgers: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ledger listing this story, else the ledger of the same (resolved) place."""
    for ledger in ledgers:
        if any(entry.get("story") == story["id"] for entry in ledger.get("entries") or []):
            return ledger
    geonameid = (story.get("place") or {}).get("geonameid")
    if geonameid is None:
        return None
    return next((lg for lg in ledgers if (lg.get("place") or {}).get("geonameid") == geonameid), None)


def _relative(span: Span, base: int, length: int) -> list[int] | None:
    if not span or span[0] is None or span[1] is None:
        return None
    start, end = span[0] - base, span[1] - base
    if start < 0 or end > length or start > end:
        return None
    return [start, end]


class _ArticleIndex:
    """Look-ups into one ARTICLE dict, by id."""

    def __init__(self, article: dict[str, Any], order: int) -> None:
        self.order = order
        self.article = article
        self.text: str = article.get("text") or ""
        self.sentences = {s["index"]: s for s in article.get("sentences") or []}
        self.places = {p["id"]: p for p in article.get("places") or []}
        self.sources = {s["id"]: s for s in article.get("sources") or []}
        self.claims = {c["id"]: c for c in article.get("claims") or []}
        self.events = {e["id"]: e for e in article.get("events") or []}

    def claims_of(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """Claims the event lists, and claims that list the event (the link is stored both ways)."""
        ids = list(event.get("claims") or [])
        ids += [c["id"] for c in self.claims.values() if event["id"] in (c.get("events") or []) and c["id"] not in ids]
        return [self.claims[i] for i in ids if i in self.claims]

    def event_view(self, event: dict[str, Any]) -> dict[str, Any]:
        place = self.places.get(event.get("place")) if event.get("place") else None
        return {
            "id": f"{self.article['id']}:{event['id']}", "article": self.article["id"],
            "type": event.get("type"), "trigger": event.get("trigger"), "actor": event.get("actor"),
            "actor_side": event.get("actor_side"), "target_side": event.get("target_side"),
            "date": event.get("date"), "date_precision": event.get("date_precision"),
            "modality": event.get("modality"), "negated": bool(event.get("negated")),
            "place_mention": place.get("mention") if place else None,
        }

    def _window(self, claim: dict[str, Any]) -> tuple[int, int]:
        """The claim's sentence, widened to cover the claim if the attribution runs past it."""
        sentence = self.sentences.get(claim.get("sentence"))
        starts = [claim["start"]] if claim.get("start") is not None else []
        ends = [claim["end"]] if claim.get("end") is not None else []
        if sentence:
            starts.append(sentence["start"])
            ends.append(sentence["end"])
        for key in ("source_span", "cue_span", "content_span"):
            span = claim.get(key)
            if span and span[0] is not None and span[1] is not None:
                starts.append(span[0])
                ends.append(span[1])
        if not starts or not ends:
            return 0, 0
        return max(0, min(starts)), min(len(self.text), max(ends))

    def claim_view(self, claim: dict[str, Any]) -> dict[str, Any]:
        start, end = self._window(claim)
        sentence = self.text[start:end]
        source = self.sources.get(claim.get("source")) or {}
        a = self.article
        return {
            "article": a["id"], "outlet": a.get("outlet"), "title": a.get("title"), "url": a.get("url"),
            "published": a.get("published"), "claim": claim["id"],
            "sentence": sentence,
            "source": {"name": source.get("name"), "kind": source.get("kind"), "side": source.get("side")},
            "source_span": _relative(claim.get("source_span"), start, len(sentence)),
            "cue": claim.get("cue"),
            "cue_span": _relative(claim.get("cue_span"), start, len(sentence)),
            "content_span": _relative(claim.get("content_span"), start, len(sentence)),
            "certainty": claim.get("certainty"), "quote": bool(claim.get("quote")),
        }
