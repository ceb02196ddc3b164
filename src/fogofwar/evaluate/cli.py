"""The ``fogofwar eval`` command (registered by fogofwar.cli)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from fogofwar.evaluate.gold import GoldError
from fogofwar.evaluate.runner import EvalReport, check_thresholds, parse_threshold, run_eval

SECTIONS = (
    ("places", (("P", "places_p"), ("R", "places_r"), ("F1", "places_f1"),
                ("acc@161", "places_acc161"), ("acc@25", "places_acc25"))),
    ("claims", (("P", "claims_p"), ("R", "claims_r"), ("F1", "claims_f1"),
                ("kind", "claims_kind_acc"), ("side", "claims_side_acc"),
                ("certainty", "claims_certainty_acc"))),
    ("events", (("P", "events_p"), ("R", "events_r"), ("F1", "events_f1"),
                ("actor_side", "events_actor_side_acc"), ("date", "events_date_acc"))),
)

# accuracy metric -> its key in counts[section]
_ACC_COUNT = {
    "places_acc161": "acc161", "places_acc25": "acc25",
    "claims_kind_acc": "kind", "claims_side_acc": "side", "claims_certainty_acc": "certainty",
    "events_actor_side_acc": "actor_side", "events_date_acc": "date",
}


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}"


def metrics_table(metrics: dict[str, Any], title: str) -> Table:
    """A rich table: one row per metric, grouped by places / claims / events."""
    table = Table(title=title, title_justify="left")
    table.add_column("section")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_column("counts", justify="right", style="dim")
    counts = metrics.get("counts") or {}
    for i, (section, rows) in enumerate(SECTIONS):
        c = counts.get(section) or {}
        for j, (label, key) in enumerate(rows):
            if key in _ACC_COUNT:
                num, den = c.get(_ACC_COUNT[key], [0, 0])
                detail = f"{num}/{den}"
            elif label == "P":
                detail = f"tp {c.get('tp', 0)} fp {c.get('fp', 0)}"
            elif label == "R":
                detail = f"tp {c.get('tp', 0)} fn {c.get('fn', 0)}"
            else:
                detail = ""
            table.add_row(section if j == 0 else "", label, _fmt(metrics.get(key)), detail,
                          end_section=(j == len(rows) - 1 and i < len(SECTIONS) - 1))
    return table


def print_report(report: EvalReport, per_file: bool, console: Console) -> None:
    if per_file:
        for row in report.per_file:
            console.print(metrics_table(row, escape(f"{row.get('id')}  ({row.get('file')})")))
    n = report.overall.get("articles", 0)
    console.print(metrics_table(report.overall, f"overall: {n} article{'s' if n != 1 else ''} (micro-averaged)"))
    if report.stories is not None:  # only when two or more gold files share an event
        c = report.stories["counts"]
        table = Table(title=f"stories shared by gold files: {c['gold_shared']} gold, {c['predicted_shared']} predicted",
                      title_justify="left")
        for col in ("metric", "value", "counts"):
            table.add_column(col, justify="right" if col != "metric" else "left")
        table.add_row("P", _fmt(report.stories["stories_p"]), f"tp {c['tp']} fp {c['fp']}")
        table.add_row("R", _fmt(report.stories["stories_r"]), f"tp {c['tp']} fn {c['fn']}")
        table.add_row("F1", _fmt(report.stories["stories_f1"]), "")
        table.add_row("status", _fmt(report.stories["stories_status_acc"]), f"{c['status'][0]}/{c['status'][1]}")
        console.print(table)


def eval_command(
    gold: list[Path] = typer.Argument(..., help="Gold JSON files, or folders of them."),
    json_out: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    per_file: bool = typer.Option(False, "--per-file", help="Also show the scores of every file."),
    explain: bool = typer.Option(False, "--explain", help="Print, per gold line, what gold has and what fogofwar "
                                 "found, where they differ."),
    min: Optional[list[str]] = typer.Option(  # noqa: A002 - the option is --min
        None, "--min", help="METRIC=VALUE; exit 1 if below (e.g. events_f1=0.6)."
    ),
) -> None:
    """Score fogofwar against hand-annotated gold files (GOLD.md)."""
    err = Console(stderr=True)
    mins = list(min or [])
    try:
        for spec in mins:  # fail on a typo before running the pipeline
            parse_threshold(spec)
    except ValueError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    try:
        report = run_eval([str(g) for g in gold])
    except GoldError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
        raise typer.Exit(2) from None
    if explain:
        from fogofwar.evaluate.explain import explain as explain_lines

        for g, p in report.pairs:
            for line in explain_lines(g, p):
                typer.echo(line, err=json_out)
    if json_out:
        doc = report.to_dict() if per_file else {"overall": report.overall}
        import json

        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print_report(report, per_file, Console())
    failures = check_thresholds(report.overall, mins)
    for msg in failures:
        err.print(f"[red]FAIL[/red] {escape(msg)}", markup=True, highlight=False)
    if failures:
        raise typer.Exit(1)
