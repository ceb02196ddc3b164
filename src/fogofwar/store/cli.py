"""``fogofwar ingest``, ``fogofwar serve`` and ``fogofwar db``: the storage commands."""

from __future__ import annotations

import json
import os
import sys
from typing import Optional

import typer
from rich.console import Console

err = Console(stderr=True)
db_app = typer.Typer(no_args_is_help=True, add_completion=False)

DB_HELP = "Database URL: sqlite:///PATH (default: fogofwar.db here) or postgresql+psycopg://USER@HOST/DB."


def ingest_command(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for standard input."),
    db: Optional[str] = typer.Option(None, "--db", envvar="FOGOFWAR_DB", help=DB_HELP),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="Read every path as txt, jsonl, json or html."),
    published: Optional[str] = typer.Option(None, help="Publication date for inputs that do not carry one."),
    outlet: Optional[str] = typer.Option(None, help="Outlet for inputs that do not name one."),
    batch_size: int = typer.Option(16, help="Articles per spaCy batch."),
    workers: int = typer.Option(1, "--workers", "-w", help="Analysis processes (0 = every core)."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar (default: on a terminal)."),
) -> None:
    """Analyse articles and store them (idempotent: a text already stored is skipped)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from fogofwar.ingest import read_inputs
    from fogofwar.models import ErrorRecord
    from fogofwar.pipeline import Pipeline
    from fogofwar.store.db import connect
    from fogofwar.store.ingest import Outcome, ingest_items

    try:  # read lazily: an archive of any size streams through in blocks
        items = read_inputs(paths, input_format=input_format, defaults={"published": published, "outlet": outlet},
                            stdin=sys.stdin.buffer)
    except ValueError as exc:
        err.print(f"[red]error[/red] {exc}")
        raise typer.Exit(2)
    database = connect(db)
    show = err.is_terminal if progress is None else progress
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[rate]} articles/s"), TimeElapsedColumn(),
                  console=err, disable=not show) as bar:
        task = bar.add_task("ingest", total=None, rate="-")

        def on_item(x: Outcome | ErrorRecord) -> None:
            if isinstance(x, ErrorRecord):
                bar.console.print(f"[yellow]error[/yellow] {x.file}{':' + str(x.line) if x.line else ''}: {x.reason}")
            bar.advance(task)
            speed = bar.tasks[0].speed
            bar.update(task, rate=f"{speed:.1f}" if speed else "-")

        from fogofwar.scale.workers import WorkerPool, resolve_workers

        if resolve_workers(workers) > 1:
            with WorkerPool(workers, batch_size=batch_size) as pool:
                summary = ingest_items(database, items, pool, on_item=on_item)
        else:
            summary = ingest_items(database, items, Pipeline(batch_size=batch_size), on_item=on_item)
    database.dispose()
    sys.stdout.write(json.dumps(summary.to_dict()) + "\n")
    if summary.stored == 0 and summary.duplicates == 0:
        raise typer.Exit(1)


def serve_command(
    db: Optional[str] = typer.Option(None, "--db", envvar="FOGOFWAR_DB", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", help="Interface to listen on (loopback by default)."),
    port: int = typer.Option(8000, help="TCP port."),
    token: Optional[str] = typer.Option(None, "--token", envvar="FOGOFWAR_API_TOKEN",
                                        help="Bearer token for POST /api/articles (writes are refused without one)."),
    log_level: str = typer.Option("warning", help="uvicorn log level."),
) -> None:
    """Serve the HTTP API (and the map page) over the database."""
    import uvicorn

    from fogofwar.api import create_app

    app = create_app(db, token=token)
    err.print(f"serving on http://{host}:{port} (API at /api, OpenAPI document at /openapi.json); writes "
              f"{'need the bearer token' if token or os.environ.get('FOGOFWAR_API_TOKEN') else 'are disabled (no token)'}")
    uvicorn.run(app, host=host, port=port, log_level=log_level)


@db_app.command("upgrade")
def db_upgrade(db: Optional[str] = typer.Option(None, "--db", envvar="FOGOFWAR_DB", help=DB_HELP),
               revision: str = typer.Option("head", help="Target revision.")) -> None:
    """Create or migrate the schema with the packaged Alembic migrations."""
    from fogofwar.store.db import connect, current_revision

    database = connect(db, migrate=False)
    from fogofwar.store.db import upgrade

    upgrade(database.write_engine, revision)
    Console().print(f"{database.url}: at revision {current_revision(database.engine)}")
    database.dispose()


@db_app.command("current")
def db_current(db: Optional[str] = typer.Option(None, "--db", envvar="FOGOFWAR_DB", help=DB_HELP)) -> None:
    """Print the schema revision of the database."""
    from fogofwar.store.db import connect, current_revision

    database = connect(db, migrate=False)
    Console().print(current_revision(database.engine) or "empty (no migrations run)")
    database.dispose()
