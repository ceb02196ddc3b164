"""Storage: articles, their analysis, stories and ledgers in SQLite or PostgreSQL.

``db`` opens engines and runs the Alembic migrations shipped in ``migrations/``
(the only way the schema is created); ``ingest`` stores analysed articles
idempotently and recomputes only the stories they touch; ``queries`` reads
filtered, paginated views for the API.
"""

from fogofwar.store.db import DEFAULT_URL, connect, upgrade

__all__ = ["DEFAULT_URL", "connect", "upgrade"]
