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
    text = "text"


class InputFormat(str, Enum):
    txt = "txt"
    jsonl = "jsonl"
    json = "json"
    html = "html"


PROGRESS_THRESHOLD = 5


@app.command()
def analyze(
    paths: list[str] = typer.Argument(..., help="Files, folders, or - for standard input."),
    format: Optional[OutputFormat] = typer.Option(None, "--format", "-f", help="json, md, geojson, csv; default: a readable report on a terminal, json otherwise."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
    input_format: Optional[InputFormat] = typer.Option(None, "--input-format", help="Read every path as this form."),
    published: Optional[str] = typer.Option(None, help="Publication date (YYYY-MM-DD) for inputs that do not carry one."),
    outlet: Optional[str] = typer.Option(None, help="Outlet for inputs that do not name one."),
    title: Optional[str] = typer.Option(None, help="Title for inputs that do not carry one."),
    url: Optional[str] = typer.Option(None, help="URL for inputs that do not carry one."),
    per_event: bool = typer.Option(False, "--per-event", help="GeoJSON: one feature per event instead of per story."),
    batch_size: int = typer.Option(16, help="Articles per spaCy batch."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Also write result.json, report.md, events.geojson and events.csv here."),
) -> None:
    """Analyse articles and print the fogofwar/v1 document (or a report)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from fogofwar import report
    from fogofwar.ingest import read_inputs
    from fogofwar.models import Article, ErrorRecord, Result
    from fogofwar.pipeline import Pipeline
    from fogofwar.stories import build

    defaults = {"published": published, "outlet": outlet, "title": title, "url": url}
    items = list(read_inputs(paths, input_format=input_format.value if input_format else None,
                             defaults=defaults, stdin=sys.stdin.buffer))
    articles = [i for i in items if isinstance(i, Article)]
    result = Result(errors=[i for i in items if isinstance(i, ErrorRecord)])
    for e in result.errors:
        err.print(f"[yellow]skipped[/yellow] {e.file}{':' + str(e.line) if e.line else ''}: {e.reason}")
    if articles:
        pipeline = Pipeline(batch_size=batch_size)
        show = len(articles) >= PROGRESS_THRESHOLD and err.is_terminal
        with Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err, disable=not show) as progress:
            task = progress.add_task("articles", total=len(articles))
            for item in pipeline.run(articles, on_article=lambda: progress.advance(task)):
                if isinstance(item, ErrorRecord):
                    result.errors.append(item)
                    err.print(f"[red]error[/red] {item.file}: {item.reason}")
                else:
                    result.articles.append(item)
        result.stories, result.ledgers = build(result.articles)
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
        }[chosen]()
        if output:
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
        else:
            sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
    if not result.articles:
        raise typer.Exit(1)


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
    from fogofwar.evaluate.geo_cli import eval_geo_command

    app.command("eval-geo", help="Toponym resolution on a corpus in the LGL XML format.")(eval_geo_command)
    from fogofwar.evaluate.attribution_cli import eval_attribution_command

    app.command("eval-attribution", help="Source, cue and content spans on a PolNeAR-format split.")(
        eval_attribution_command)

    @app.command("lexicon-docs", help="Print docs/events.md: event triggers, ACLED/PLOVER mapping, actors.")
    def lexicon_docs() -> None:
        from fogofwar.lexicon_docs import events_markdown

        typer.echo(events_markdown(), nl=False)
    try:
        from fogofwar.places.cli import gazetteer_app, places_app
    except ImportError:  # pragma: no cover - places CLI not installed
        return
    app.add_typer(places_app, name="places", help="Recognise and resolve place names.")
    app.add_typer(gazetteer_app, name="gazetteer", help="Build and inspect the offline gazetteer.")


_register()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
