"""The streaming side of ``fogofwar analyze``: bounded memory, every core, progress with a rate.

``stream_json`` writes the fogofwar/v1 document article by article while
keeping only a compressed copy of what stories read of each result
(``stories.story_input``, packed with ``workers.pack``: about 4 KB an article;
no spaCy Doc and no full result is ever kept) for the stories and ledgers
that close the document, which need every article; they are formed from the
packed inputs in batches of linked members (``stories.build_packed``), so
memory stays bounded by the packed inputs; its bytes equal
``report.to_json(result.to_dict())`` of the same run. ``analyze_items`` is the
in-memory variant for the renderings that need the whole document.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Optional, TextIO

import typer
from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from fogofwar.models import SCHEMA_ID, ArticleResult, ErrorRecord, Result
from fogofwar.scale.workers import Item, analyze_stream, pack, unpack


class RateColumn(ProgressColumn):
    """Articles per second, averaged over the run so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:.1f} articles/s", style="progress.data.speed")


class _Run:
    """Reads items lazily, remembers which error records came from reading, and reports progress."""

    def __init__(self, items: Iterable[Item], console: Console, show: bool):
        self.read_errors: list[ErrorRecord] = []
        self.analysis_errors: list[ErrorRecord] = []
        self._seen: set[int] = set()
        self._items = items
        self.console = console
        self.articles = 0
        self.started = time.perf_counter()
        self.progress = Progress(SpinnerColumn(), TextColumn("analysing"), TextColumn("{task.completed} articles"),
                                 RateColumn(), TimeElapsedColumn(), console=console, disable=not show)
        self.task = self.progress.add_task("articles", total=None)

    def inputs(self) -> Iterator[Item]:
        for item in self._items:
            if isinstance(item, ErrorRecord):
                self._seen.add(id(item))
                self.read_errors.append(item)
                self.console.print(f"[yellow]skipped[/yellow] {item.file}"
                                   f"{':' + str(item.line) if item.line else ''}: {item.reason}")
            yield item

    def outcomes(self, workers: int | None, batch_size: int) -> Iterator[ArticleResult]:
        with self.progress:
            for outcome in analyze_stream(self.inputs(), workers=workers, batch_size=batch_size):
                if isinstance(outcome, ErrorRecord):
                    if id(outcome) in self._seen:
                        continue
                    self.analysis_errors.append(outcome)
                    self.console.print(f"[red]error[/red] {outcome.file}: {outcome.reason}")
                else:
                    self.articles += 1
                    yield outcome
                self.progress.advance(self.task)

    @property
    def errors(self) -> list[ErrorRecord]:
        return self.read_errors + self.analysis_errors


def analyze_items(items: Iterable[Item], workers: int | None = 1, batch_size: int = 16,
                  console: Console | None = None, show_progress: bool = False) -> Result:
    """The whole Result (full articles kept) for renderings that need every text."""
    from fogofwar.stories import build

    run = _Run(items, console or Console(stderr=True), show_progress)
    result = Result(articles=list(run.outcomes(workers, batch_size)))
    result.errors = run.errors
    if result.articles:
        result.stories, result.ledgers = build(result.articles)
    return result


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def stream_json(items: Iterable[Item], out: TextIO, workers: int | None = 1, batch_size: int = 16,
                console: Console | None = None, show_progress: bool = False) -> tuple[int, int]:
    """Write the fogofwar/v1 document to ``out`` as articles come; return (articles, errors).

    Articles are written as soon as they are analysed; stories and ledgers,
    which need every article, come from the packed story inputs at the end.
    """
    from fogofwar.stories import build_packed, story_input

    run = _Run(items, console or Console(stderr=True), show_progress)
    kept: list[bytes] = []
    out.write('{\n  "schema": ' + json.dumps(SCHEMA_ID) + ',\n  "articles": [')
    for n, result in enumerate(run.outcomes(workers, batch_size)):
        out.write(("," if n else "") + "\n" + _indent(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                                                      "    "))
        kept.append(pack(story_input(result)))
    out.write("\n  ]" if kept else "]")
    stories, ledgers = build_packed(kept, unpack) if kept else ([], [])
    tail = json.dumps({"stories": stories, "ledgers": ledgers,
                       "errors": [e.to_dict() for e in run.errors]}, ensure_ascii=False, indent=2)
    out.write(",\n" + tail[2:] + "\n")
    return len(kept), len(run.errors)


def bench_command(
    articles: int = typer.Option(100, "--articles", "-n", help="Articles to generate from the shipped texts."),
    workers: int = typer.Option(0, "--workers", "-w", help="Workers for the parallel run; 0 = every core."),
    batch_size: int = typer.Option(16, help="Articles per spaCy batch."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    no_spacy: bool = typer.Option(False, "--no-spacy", help="Skip the bare-spaCy baseline."),
) -> None:
    """Articles/s, words/s and peak memory: fogofwar on 1 and on every worker, against bare spaCy."""
    from fogofwar.scale.bench import run

    result = run(articles, workers=workers or None, batch_size=batch_size, include_spacy=not no_spacy)
    if as_json:
        sys.stdout.write(json.dumps(result.to_dict()) + "\n")
        return
    from rich.table import Table

    table = Table(title=f"fogofwar bench: {result.articles} articles, {result.words} words ({result.model})")
    for col in ("run", "articles/s", "words/s", "seconds"):
        table.add_column(col, justify="right" if col != "run" else "left")
    table.add_row("bare spaCy nlp.pipe", f"{result.spacy_aps:.2f}", f"{result.spacy_wps:.0f}",
                  str(result.seconds.get("spacy", "-")))
    if result.spacy_numpy_blas_aps:
        table.add_row("bare spaCy, numpy's BLAS", f"{result.spacy_numpy_blas_aps:.2f}",
                      f"{result.words / result.seconds['spacy_numpy_blas']:.0f}",
                      str(result.seconds["spacy_numpy_blas"]))
    table.add_row("fogofwar, 1 worker", f"{result.fogofwar_aps:.2f}", f"{result.fogofwar_wps:.0f}",
                  str(result.seconds["fogofwar_1"]))
    table.add_row(f"fogofwar, {result.workers} workers", f"{result.fogofwar_all_workers_aps:.2f}",
                  f"{result.fogofwar_all_workers_wps:.0f}", str(result.seconds[f"fogofwar_{result.workers}"]))
    Console().print(table)
    Console().print(f"fogofwar / spaCy: {result.ratio:.2f}x (/ spaCy with numpy's BLAS: {result.ratio_numpy_blas:.2f}x); speed-up 1 -> {result.workers} workers: "
                    f"{result.speedup_all_workers:.2f}x; peak memory {result.peak_rss_mb:.0f} MB resident "
                    f"({result.peak_pss_mb:.0f} MB proportional); "
                    f"load average {result.machine['load_average_1m']} on {result.machine['usable_cpus']} cores")


def bench_callback(
    ctx: typer.Context,
    articles: int = typer.Option(100, "--articles", "-n", help="Pipeline benchmark: articles to generate from the shipped texts."),
    workers: int = typer.Option(0, "--workers", "-w", help="Workers for the parallel run; 0 = every core."),
    batch_size: int = typer.Option(16, help="Articles per spaCy batch."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    no_spacy: bool = typer.Option(False, "--no-spacy", help="Skip the bare-spaCy baseline."),
) -> None:
    """Benchmarks. Without a subcommand: the pipeline's throughput and peak memory against bare spaCy."""
    if ctx.invoked_subcommand is None:
        bench_command(articles=articles, workers=workers, batch_size=batch_size, as_json=as_json, no_spacy=no_spacy)


def spark_cli(
    input_path: str = typer.Argument(..., metavar="INPUT", help="JSONL or Parquet articles (any Spark-readable path)."),
    output_path: str = typer.Argument(..., metavar="OUTPUT", help="Folder for the Parquet tables."),
    master: str = typer.Option("local[*]", help="Spark master URL."),
    input_format: Optional[str] = typer.Option(None, "--input-format", help="json or parquet (default: by extension)."),
    batch_size: int = typer.Option(16, help="Articles per Arrow batch and spaCy batch."),
    partitions: Optional[int] = typer.Option(None, help="Spread the articles over this many tasks."),
    shuffle_partitions: Optional[int] = typer.Option(None, help="spark.sql.shuffle.partitions."),
) -> None:
    """Analyse articles on Spark; write articles, places, sources, claims, events, errors, stories, ledgers (Parquet)."""
    try:
        from fogofwar.scale.spark import spark_command
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise typer.BadParameter(f"needs the spark extra: pip install 'fogofwar[spark]' ({exc})")
    counts = spark_command(input_path, output_path, master=master, input_format=input_format,
                           batch_size=batch_size, partitions=partitions, shuffle_partitions=shuffle_partitions)
    sys.stdout.write(json.dumps(counts) + "\n")
