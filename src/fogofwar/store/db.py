"""Engines, sessions and migrations.

The schema is created only by the Alembic migrations shipped in
``migrations/``, run programmatically on first connect (``connect``) or by
``fogofwar db upgrade``. SQLite (the default, ``fogofwar.db`` in the working
directory) runs in WAL mode so readers never wait for the writer; writes
take the write lock up front (``BEGIN IMMEDIATE``) so that a transaction that
reads then writes cannot fail half-way on a lock upgrade. On PostgreSQL each
write transaction takes one advisory lock, so concurrent writers recompute
stories one at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

DEFAULT_URL = "sqlite:///fogofwar.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE_LOCK_KEY = 0x0F06_0F3A  # pg_advisory_xact_lock key for writers


def normalise_url(url: str | None) -> str:
    """A SQLAlchemy URL: a bare path means SQLite; postgres(ql):// uses psycopg 3."""
    if not url:
        return DEFAULT_URL
    if "://" not in url:
        return f"sqlite:///{url}"
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - driver callback
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (pysqlite's own is too late)
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # pragma: no cover - driver callback
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    """One database: a read engine, a write engine (the same on PostgreSQL) and their sessions."""

    url: str
    engine: Engine
    write_engine: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed on success, rolled back on any exception."""
        with Session(self.write_engine, expire_on_commit=False) as session, session.begin():
            if self.write_engine.dialect.name == "postgresql":
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()


def _alembic_config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the packaged Alembic migrations."""
    from alembic import command

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two processes upgrading at once take turns
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY + 1})
        command.upgrade(_alembic_config(connection), revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def connect(url: str | None = None, migrate: bool = True) -> Database:
    """Open the database at ``url`` (default: SQLite ``fogofwar.db`` here) and migrate it to head."""
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        db = Database(url, _sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True))
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
        db = Database(url, engine, engine)
    if migrate:
        upgrade(db.write_engine)
    return db
