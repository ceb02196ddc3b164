"""Filtered, paginated reads for the API (every value is a bound parameter, never SQL text).

Story shapes (STORY_SUMMARY, STORY_DETAIL) are built by ``fogofwar.web.views``
from documents rebuilt out of the stored rows, so the API and the map page
show the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from fogofwar.store.models import ArticleRow, EventRow, LedgerRow, SourceRow, StoryRow

BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass
class Filters:
    type: str | None = None
    side: str | None = None
    status: str | None = None
    kind: str | None = None
    outlet: str | None = None
    since: str | None = None
    until: str | None = None
    bbox: BBox | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0


def parse_bbox(value: str | None) -> BBox | None:
    """``minlon,minlat,maxlon,maxlat`` -> a tuple; ValueError if it is not four numbers in range."""
    if value is None or value == "":
        return None
    parts = [float(x) for x in value.split(",")]
    if len(parts) != 4:
        raise ValueError("bbox needs four numbers: minlon,minlat,maxlon,maxlat")
    minlon, minlat, maxlon, maxlat = parts
    if not (-180 <= minlon <= 180 and -180 <= maxlon <= 180 and -90 <= minlat <= maxlat <= 90):
        raise ValueError("bbox out of range: minlon,minlat,maxlon,maxlat with -180..180 and -90..90")
    return minlon, minlat, maxlon, maxlat


def _bbox_clause(lat, lon, bbox: BBox):
    minlon, minlat, maxlon, maxlat = bbox
    in_lon = lon.between(minlon, maxlon) if minlon <= maxlon else or_(lon >= minlon, lon <= maxlon)  # antimeridian
    return lat.between(minlat, maxlat) & in_lon


def _like(column, q: str):
    return func.lower(column).contains(q.lower(), autoescape=True)


def _page(session: Session, stmt: Select, f: Filters, order) -> tuple[int, list]:
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = list(session.scalars(stmt.order_by(*order).limit(f.limit).offset(f.offset)))
    return total or 0, rows


# --------------------------------------------------------------------------- stories


def story_summary(row: StoryRow) -> dict[str, Any]:
    """STORY_SUMMARY, by the same function the map page uses (fogofwar.web.views)."""
    from fogofwar.web.views import story_summaries

    return story_summaries({"stories": [row.data]})[0]


def stories(session: Session, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    stmt = select(StoryRow)
    if f.type:
        stmt = stmt.where(StoryRow.type == f.type)
    if f.side:
        stmt = stmt.where(StoryRow.actor_side == f.side)
    if f.status:
        stmt = stmt.where(StoryRow.status == f.status)
    if f.since:
        stmt = stmt.where(func.coalesce(StoryRow.last_date, StoryRow.first_date) >= f.since)
    if f.until:
        stmt = stmt.where(StoryRow.first_date <= f.until)
    if f.bbox:
        stmt = stmt.where(_bbox_clause(StoryRow.lat, StoryRow.lon, f.bbox))
    if f.q:
        stmt = stmt.where(_like(StoryRow.search, f.q))
    undated = case((StoryRow.first_date.is_(None), 1), else_=0)
    total, rows = _page(session, stmt, f, (undated, StoryRow.first_date.desc(), StoryRow.id))
    return total, [story_summary(r) for r in rows]


def ledger(session: Session, geonameid: int) -> dict[str, Any] | None:
    row = session.scalars(select(LedgerRow).where(LedgerRow.geonameid == geonameid).order_by(LedgerRow.key)).first()
    return row.data if row else None


def ledger_by_key(session: Session, key: str | None) -> dict[str, Any] | None:
    row = session.get(LedgerRow, key) if key else None
    return row.data if row else None


def story_detail(session: Session, story_id: str) -> dict[str, Any] | None:
    """STORY_DETAIL, built by fogofwar.web.views from a document rebuilt out of the stored rows."""
    from fogofwar.web.views import story_details

    row = session.get(StoryRow, story_id)
    if row is None:
        return None
    article_ids = {ref.rsplit(":", 1)[0] for ref in row.data["events"]}
    documents = list(session.scalars(select(ArticleRow.document).where(ArticleRow.id.in_(article_ids))
                                     .order_by(ArticleRow.pk)))
    ledger_row = session.get(LedgerRow, row.place_key) if row.place_key else None
    document = {"articles": documents, "stories": [row.data], "ledgers": [ledger_row.data] if ledger_row else []}
    return story_details(document)[story_id]


# --------------------------------------------------------------------------- events, articles, sources


def events(session: Session, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    stmt = select(EventRow).join(ArticleRow, EventRow.article_pk == ArticleRow.pk)
    if f.type:
        stmt = stmt.where(EventRow.type == f.type)
    if f.side:
        stmt = stmt.where(EventRow.actor_side == f.side)
    if f.status:
        stmt = stmt.where(EventRow.story_id.in_(select(StoryRow.id).where(StoryRow.status == f.status)))
    if f.since:
        stmt = stmt.where(EventRow.date >= f.since)
    if f.until:
        stmt = stmt.where(EventRow.date <= f.until)
    if f.bbox:
        stmt = stmt.where(_bbox_clause(EventRow.lat, EventRow.lon, f.bbox))
    if f.q:
        stmt = stmt.where(or_(_like(EventRow.trigger, f.q), _like(EventRow.actor, f.q), _like(EventRow.place_name, f.q)))
    total, rows = _page(session, stmt, f, (EventRow.article_pk, EventRow.pk))
    article_ids = dict(session.execute(select(ArticleRow.pk, ArticleRow.id).where(
        ArticleRow.pk.in_({r.article_pk for r in rows}))).all()) if rows else {}
    items = []
    for r in rows:
        item = dict(r.data)
        aid = article_ids[r.article_pk]
        item.update(article=aid, ref=f"{aid}:{r.local_id}", story=r.story_id,
                    location={"geonameid": r.place_geonameid, "name": r.place_name, "lat": r.lat, "lon": r.lon}
                    if r.place_kind else None)
        items.append(item)
    return total, items


ARTICLE_LIST_DROP = ("text", "sentences")


def article_summary(row: ArticleRow) -> dict[str, Any]:
    doc = row.document
    out = {k: v for k, v in doc.items() if k not in ARTICLE_LIST_DROP}
    out["content_hash"] = row.content_hash
    return out


def articles(session: Session, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    stmt = select(ArticleRow)
    if f.outlet:
        stmt = stmt.where(ArticleRow.outlet == f.outlet)
    if f.since:
        stmt = stmt.where(ArticleRow.published >= f.since)
    if f.until:  # published may be a datetime: compare on the date part
        stmt = stmt.where(func.substr(ArticleRow.published, 1, 10) <= f.until)
    if f.type or f.side or f.bbox:
        ev = select(EventRow.article_pk)
        if f.type:
            ev = ev.where(EventRow.type == f.type)
        if f.side:
            ev = ev.where(EventRow.actor_side == f.side)
        if f.bbox:
            ev = ev.where(_bbox_clause(EventRow.lat, EventRow.lon, f.bbox))
        stmt = stmt.where(ArticleRow.pk.in_(ev))
    if f.q:
        stmt = stmt.where(or_(_like(ArticleRow.title, f.q), _like(ArticleRow.outlet, f.q), _like(ArticleRow.text, f.q)))
    total, rows = _page(session, stmt, f, (ArticleRow.pk,))
    return total, [article_summary(r) for r in rows]


def article(session: Session, article_id: str) -> dict[str, Any] | None:
    row = session.scalar(select(ArticleRow).where(ArticleRow.id == article_id))
    return row.document if row else None


def sources(session: Session, f: Filters) -> tuple[int, list[dict[str, Any]]]:
    stmt = select(SourceRow, ArticleRow.id, ArticleRow.outlet).join(ArticleRow, SourceRow.article_pk == ArticleRow.pk)
    if f.kind:
        stmt = stmt.where(SourceRow.kind == f.kind)
    if f.side:
        stmt = stmt.where(SourceRow.side == f.side)
    if f.outlet:
        stmt = stmt.where(ArticleRow.outlet == f.outlet)
    if f.since:
        stmt = stmt.where(ArticleRow.published >= f.since)
    if f.until:
        stmt = stmt.where(func.substr(ArticleRow.published, 1, 10) <= f.until)
    if f.q:
        stmt = stmt.where(_like(SourceRow.name, f.q))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(SourceRow.article_pk, SourceRow.pk).limit(f.limit).offset(f.offset)).all()
    items = [{"id": s.local_id, "name": s.name, "mentions": s.mentions, "kind": s.kind, "side": s.side,
              "person": s.person, "anonymous": s.anonymous, "article": aid, "outlet": outlet}
             for s, aid, outlet in rows]
    return total, items


def counts(session: Session) -> dict[str, int]:
    from fogofwar.store.models import ClaimRow, ErrorRow, PlaceRow, SentenceRow

    tables = {"articles": ArticleRow, "sentences": SentenceRow, "places": PlaceRow, "sources": SourceRow,
              "claims": ClaimRow, "events": EventRow, "stories": StoryRow, "ledgers": LedgerRow, "errors": ErrorRow}
    return {name: session.scalar(select(func.count()).select_from(t)) or 0 for name, t in tables.items()}
