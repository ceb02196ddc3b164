"""The ``fogofwar`` command line: analyze, eval, schema, validate, places, gazetteer."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

app = typer.Typer(
    add_completion=False, no_args_is_help=True,
    help="fogofwar: sourced, geolocated, dated conflict events from English news reports.",
)
err = Console(stderr=True)


class OutputFormat(str, Enum):
    json = "json"
    md = "md"
    geojson = "geojson"
    csv = "csv"
    html = "html"
    text = "text"


class InputFormat(str, Enum):
    txt = "txt"
    jsonl = "jsonl"
    json = "json"
    html = "html"


@app.command()
def analyze(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for standard input."),
    format: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="json, md, geojson, csv, html; default: a readable report on a terminal, json otherwise."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="Read every path as this form."),
    published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for inputs that do not carry one."),
    outlet: Optional[str] = typer.Option(None, help="Outlet for inputs that do not name one."),
    title: Optional[str] = typer.Option(None, help="Title for inputs that do not carry one."),
    url: Optional[str] = typer.Option(None, help="URL for inputs that do not carry one."),
    per_event: bool = typer.Option(False, "--per-event", help="GeoJSON: one feature per event instead of per story."),
    batch_size: int = typer.Option(16, help="Articles per spaCy batch."),
    workers: int = typer.Option(0, "--workers", "-w", help="Worker processes; 0 = every core once the input is large enough to pay for them."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Also write result.json, report.md, events.geojson and events.csv here."),
    tiles: Optional[str] = typer.Option(None, "--tiles", help="HTML: an XYZ tile URL template for online readers; default: the built-in offline basemap only."),
) -> None:
    """Analyse articles and print the fogofwar/v1 document (or a report)."""
    import contextlib

    from fogofwar import report
    from fogofwar.ingest import read_inputs
    from fogofwar.scale.cli import analyze_items, stream_json

    defaults = {"published": published, "outlet": outlet, "title": title, "url": url}
    items = read_inputs(paths, input_format=input_format.value if input_format else None,
                        defaults=defaults, stdin=sys.stdin.buffer)  # lazy: JSONL of any size streams
    if out_dir is None and (format is OutputFormat.json or (format is None and not (output is None and sys.stdout.isatty()))):
        # JSON: articles are written as they come; only compact copies stay for the stories
        target = output.with_name(output.name + ".part") if output else None
        if target:
            target.parent.mkdir(parents=True, exist_ok=True)
        with (target.open("w", encoding="utf-8") if target else contextlib.nullcontext(sys.stdout)) as out:
            n_articles, _ = stream_json(items, out, workers=workers, batch_size=batch_size, console=err,
                                        show_progress=err.is_terminal)
        if target:
            target.replace(output)
        if not n_articles:
            raise typer.Exit(1)
        return
    result = analyze_items(items, workers=workers, batch_size=batch_size, console=err, show_progress=err.is_terminal)
    document = result.to_dict()

    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "result.json").write_text(report.to_json(document) + "\n", encoding="utf-8")
        (out_dir / "report.md").write_text(report.to_markdown(document), encoding="utf-8")
        (out_dir / "events.geojson").write_text(json.dumps(report.to_geojson(document), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (out_dir / "events.csv").write_text(report.to_csv(document), encoding="utf-8")
        if format is None and output is None:
            format = OutputFormat.md
    chosen = format or (OutputFormat.text if output is None and sys.stdout.isatty() else OutputFormat.json)
    if chosen is OutputFormat.text:
        report.print_summary(document, Console())
    else:
        text = {
            OutputFormat.json: lambda: report.to_json(document),
            OutputFormat.md: lambda: report.to_markdown(document),
            OutputFormat.geojson: lambda: json.dumps(report.to_geojson(document, per_event=per_event), ensure_ascii=False, indent=2),
            OutputFormat.csv: lambda: report.to_csv(document),
            OutputFormat.html: lambda: _html_report(document, tiles),
        }[chosen]()
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        else:
            sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    if not result.articles:
        raise typer.Exit(1)


def _html_report(document: dict, tiles: Optional[str]) -> str:
    from fogofwar.web.html_report import to_html

    return to_html(document, tiles=tiles)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the fogofwar/v1 document."""
    from fogofwar.schema import schema as load_schema

    sys.stdout.write(json.dumps(load_schema(), indent=2) + "\n")


@app.command()
def validate(path: Path = typer.Argument(..., help="A fogofwar/v1 JSON document.")) -> None:
    """Check a document against the schema and its offsets against its text."""
    from fogofwar.schema import validate as check

    problems = check(json.loads(path.read_text(encoding="utf-8")))
    for p in problems:
        err.print(f"[red]invalid[/red] {p}")
    if problems:
        raise typer.Exit(1)
    Console().print(f"{path}: valid fogofwar/v1")


def _register() -> None:
    from fogofwar.evaluate.cli import eval_command

    app.command("eval", help="Score the pipeline on gold files (../shared/GOLD.md rules).")(eval_command)
    from fogofwar.scale.cli import bench_callback, bench_command, spark_cli

    app.command("spark", help="Analyse articles on Spark and write Parquet tables (needs fogofwar[spark]).")(spark_cli)
    try:  # `fogofwar bench --articles N` is the pipeline benchmark; `fogofwar bench places` is the places one
        from fogofwar.places.cli import bench_app
    except ImportError:  # pragma: no cover - places CLI not installed
        app.command("bench", help="Throughput and peak memory against bare spaCy, on 1 and on every worker.")(bench_command)
    else:
        bench_app.callback(invoke_without_command=True)(bench_callback)
        bench_app.command("pipeline", help="Throughput and peak memory against bare spaCy, on 1 and on every worker.")(
            bench_command)
    from fogofwar.evaluate.geo_cli import eval_geo_command

    app.command("eval-geo", help="Toponym resolution on a corpus in the LGL XML format.")(eval_geo_command)
    from fogofwar.evaluate.attribution_cli import eval_attribution_command

    app.command("eval-attribution", help="Source, cue and content spans on a PolNeAR-format split.")(
        eval_attribution_command)
    from fogofwar.attribution_model.train import train_command as train_attribution_command

    app.command("train-attribution", help="Train the attribution tagger on a PolNeAR-format split.")(
        train_attribution_command)

    @app.command("lexicon-docs", help="Print docs/events.md: event triggers, ACLED/PLOVER mapping, actors.")
    def lexicon_docs() -> None:
        from fogofwar.lexicon_docs import events_markdown

        typer.echo(events_markdown(), nl=False)
    from fogofwar.store.cli import db_app, ingest_command, serve_command

    app.command("ingest", help="Analyse articles and store them in a database (SQLite or PostgreSQL).")(ingest_command)
    app.command("serve", help="Serve the HTTP API and the map over a database.")(serve_command)
    app.add_typer(db_app, name="db", help="Database schema (Alembic migrations).")
    try:
        from fogofwar.places.cli import gazetteer_app, places_app
    except ImportError:  # pragma: no cover - places CLI not installed
        return
    app.add_typer(places_app, name="places", help="Recognise and resolve place names.")
    app.add_typer(gazetteer_app, name="gazetteer", help="Build and inspect the offline gazetteer.")
    from fogofwar.places.cli import bench_app

    app.add_typer(bench_app, name="bench", help="Benchmarks (tables for docs/benchmarks.md).")


_register()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
