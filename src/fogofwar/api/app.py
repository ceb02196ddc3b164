"""The FastAPI application: read routes over the store, ad-hoc analysis, token-guarded ingest.

No request value reaches the file system: static files are served only from
the package's ``web/static`` directory (Starlette's StaticFiles refuses paths
outside it) and every database value is a bound parameter. Request bodies are
size-limited before they are parsed (413), then validated by pydantic (422).
Writes need ``Authorization: Bearer <token>``; without a configured token
they are refused.
"""

import os
import secrets
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles

from fogofwar.api.schemas import (
    MAX_ANALYZE_BYTES, MAX_ARTICLE_BYTES, AnalyzeRequest, ArticleIn, ErrorBody, Ingested, Page, StoryDetail,
)
from fogofwar.models import EVENT_TYPES, SOURCE_KINDS, STORY_STATUSES
from fogofwar.store import queries
from fogofwar.store.db import Database, connect

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
BODY_LIMITS = {"/api/analyze": MAX_ANALYZE_BYTES}
DEFAULT_BODY_LIMIT = MAX_ARTICLE_BYTES + 64 * 1024

PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fogofwar</title></head>
<body><h1>fogofwar</h1><p>The map page is not installed. The API is under <a href="/api/stories">/api</a>,
described by <a href="/openapi.json">/openapi.json</a>.</p></body></html>"""


class BodyLimit:
    """ASGI middleware: 413 for a request body over the route's limit, counted as it arrives."""

    def __init__(self, app, limits: dict[str, int], default: int):
        self.app, self.limits, self.default = app, limits, default

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limits.get(scope["path"], self.default)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return await JSONResponse({"detail": f"request body over {limit} bytes"}, 413)(scope, receive, send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:  # FastAPI passes HTTPException from body reading through to a JSON 413
                    raise HTTPException(413, f"request body over {limit} bytes")
            return message

        return await self.app(scope, limited, send)


class _Static(StaticFiles):
    """The package's static directory; a 404 (not an error) while it is not installed."""

    async def get_response(self, path: str, scope):
        if not STATIC.is_dir():
            raise HTTPException(404, "no static files installed")
        return await super().get_response(path, scope)


class _Analyzer:
    """One pipeline per app, loaded on first use; spaCy is not shared between threads at once."""

    def __init__(self) -> None:
        self._pipeline = None
        self.lock = threading.Lock()

    def run(self, articles):
        from fogofwar.pipeline import Pipeline

        with self.lock:
            if self._pipeline is None:
                self._pipeline = Pipeline()
            return list(self._pipeline.run(articles))


def create_app(db_url: str | None = None, token: str | None = None, database: Database | None = None) -> FastAPI:
    """The API over the database at ``db_url`` (migrated on startup); ``token`` (or env FOGOFWAR_API_TOKEN) guards writes."""
    token = token or os.environ.get("FOGOFWAR_API_TOKEN") or None
    state: dict[str, Any] = {"db": database}
    analyzer = _Analyzer()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        if state["db"] is None:
            state["db"] = connect(db_url)
        yield
        if database is None:
            state["db"].dispose()

    app = FastAPI(title="fogofwar", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Sourced, geolocated, dated conflict events and stories from news reports "
                              "(fogofwar/v1 contract objects).",
                  responses={413: {"model": ErrorBody}, 422: {"model": ErrorBody}})
    app.add_middleware(BodyLimit, limits=BODY_LIMITS, default=DEFAULT_BODY_LIMIT)

    def db() -> Database:
        if state["db"] is None:  # used without the lifespan (e.g. TestClient outside a with block)
            state["db"] = connect(db_url)
        return state["db"]

    bearer = HTTPBearer(auto_error=False)

    def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
        if token is None:
            raise HTTPException(403, "writes are disabled: the server has no API token configured")
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
        if not secrets.compare_digest(credentials.credentials.encode(), token.encode()):
            raise HTTPException(403, "wrong token")

    def filters(
        type: Annotated[str | None, Query(description=f"event type: {', '.join(EVENT_TYPES)}")] = None,
        side: Annotated[str | None, Query(max_length=16, description="actor side (sources: source side), e.g. UA")] = None,
        status: Annotated[str | None, Query(description=f"story status: {', '.join(STORY_STATUSES)}")] = None,
        since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")] = None,
        until: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")] = None,
        bbox: Annotated[str | None, Query(description="minlon,minlat,maxlon,maxlat")] = None,
        q: Annotated[str | None, Query(max_length=200, description="text search")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> queries.Filters:
        if type is not None and type not in EVENT_TYPES:
            raise HTTPException(422, f"unknown type {type!r}; expected one of {', '.join(EVENT_TYPES)}")
        if status is not None and status not in STORY_STATUSES:
            raise HTTPException(422, f"unknown status {status!r}; expected one of {', '.join(STORY_STATUSES)}")
        try:
            box = queries.parse_bbox(bbox)
        except ValueError as exc:
            raise HTTPException(422, f"bad bbox: {exc}") from None
        return queries.Filters(type=type, side=side, status=status, since=since, until=until, bbox=box, q=q or None,
                               limit=limit, offset=offset)

    Filters = Annotated[queries.Filters, Depends(filters)]

    def page(f: queries.Filters, total_items: tuple[int, list]) -> dict:
        total, items = total_items
        return {"total": total, "limit": f.limit, "offset": f.offset, "items": items}

    @app.get("/api/stories", response_model=Page, tags=["read"])
    def list_stories(f: Filters) -> dict:
        """Stories (STORY_SUMMARY), newest first."""
        with db().read() as s:
            return page(f, queries.stories(s, f))

    @app.get("/api/stories/{story_id}", response_model=StoryDetail, responses={404: {"model": ErrorBody}},
             tags=["read"])
    def get_story(story_id: str) -> dict:
        """One story with its ledger, events and claims (STORY_DETAIL)."""
        with db().read() as s:
            detail = queries.story_detail(s, story_id)
        if detail is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return detail

    @app.get("/api/events", response_model=Page, tags=["read"])
    def list_events(f: Filters) -> dict:
        """Events (contract EVENT plus article, ref, story and location); status is the story's."""
        with db().read() as s:
            return page(f, queries.events(s, f))

    @app.get("/api/articles", response_model=Page, tags=["read"])
    def list_articles(f: Filters, outlet: Annotated[str | None, Query(max_length=300)] = None) -> dict:
        """Articles (contract ARTICLE without text and sentences); type/side/bbox select by their events."""
        f.outlet = outlet
        with db().read() as s:
            return page(f, queries.articles(s, f))

    @app.get("/api/articles/{article_id}", responses={404: {"model": ErrorBody}}, tags=["read"])
    def get_article(article_id: str) -> dict:
        """One article: the stored contract ARTICLE, text verbatim."""
        with db().read() as s:
            doc = queries.article(s, article_id)
        if doc is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return doc

    @app.get("/api/sources", response_model=Page, tags=["read"])
    def list_sources(f: Filters, kind: Annotated[str | None, Query(description=", ".join(SOURCE_KINDS))] = None,
                     outlet: Annotated[str | None, Query(max_length=300)] = None) -> dict:
        """Sources per article (contract SOURCE plus article and outlet)."""
        f.kind, f.outlet = kind, outlet
        with db().read() as s:
            return page(f, queries.sources(s, f))

    @app.get("/api/places/{geonameid}/ledger", responses={404: {"model": ErrorBody}}, tags=["read"])
    def get_ledger(geonameid: int) -> dict:
        """The control history of one place (contract LEDGER)."""
        with db().read() as s:
            found = queries.ledger(s, geonameid)
        if found is None:
            raise HTTPException(404, f"no ledger for place {geonameid}")
        return found

    @app.post("/api/analyze", tags=["analyze"])
    def analyze(body: AnalyzeRequest) -> dict:
        """Analyse one text without storing it; returns a fogofwar/v1 document."""
        from fogofwar.ingest import normalise_published, normalise_text
        from fogofwar.models import Article, ErrorRecord, Result
        from fogofwar.stories import build

        article = Article(id="text-1", text=normalise_text(body.text), published=normalise_published(body.published),
                          outlet=body.outlet, title=body.title)
        result = Result()
        for item in analyzer.run([article]):
            (result.errors if isinstance(item, ErrorRecord) else result.articles).append(item)
        result.stories, result.ledgers = build(result.articles)
        return result.to_dict()

    @app.post("/api/articles", status_code=201, response_model=Ingested, dependencies=[Depends(require_token)],
              responses={200: {"model": Ingested, "description": "already stored"}, 401: {"model": ErrorBody},
                         403: {"model": ErrorBody}}, tags=["write"])
    def post_article(body: ArticleIn) -> Any:
        """Analyse and store one article (idempotent by text); needs the bearer token."""
        from fogofwar.ingest import normalise_published, normalise_text
        from fogofwar.models import Article, ErrorRecord
        from fogofwar.store.ingest import content_hash, store_one

        text = normalise_text(body.text)
        if not text.strip():
            raise HTTPException(422, "text is empty")
        article = Article(id=body.id or "api-" + content_hash(text)[:16], text=text, title=body.title,
                          outlet=body.outlet, url=body.url, published=normalise_published(body.published),
                          language=body.language, file="<api>")
        (item,) = analyzer.run([article])
        if isinstance(item, ErrorRecord):
            raise HTTPException(422, item.reason)
        outcome = store_one(db(), item)
        out = Ingested(id=outcome.duplicate_of or outcome.article, status=outcome.status,
                       duplicate_of=outcome.duplicate_of, stories=outcome.stories)
        return out if outcome.status == "stored" else JSONResponse(out.model_dump(), status_code=200)

    @app.get("/api/health", tags=["read"])
    def health() -> dict:
        with db().read() as s:
            return {"ok": True, "counts": queries.counts(s)}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index():
        page_file = STATIC / "index.html"
        if page_file.is_file():
            return FileResponse(page_file, media_type="text/html")
        return HTMLResponse(PLACEHOLDER)

    app.mount("/static", _Static(directory=STATIC, check_dir=False), name="static")
    return app


