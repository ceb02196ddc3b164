"""The ``fogofwar eval-attribution`` command (registered by fogofwar.cli)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from fogofwar.evaluate.attribution import KINDS, MODES, evaluate

DEFAULT_MODE = "trained"  # the best source F1 on PolNeAR dev (docs/benchmarks.md)


def attribution_table(scores: dict, title: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("span")
    table.add_column("match")
    for col in ("P", "R", "F1"):
        table.add_column(col, justify="right")
    table.add_column("counts", justify="right", style="dim")
    for i, kind in enumerate(KINDS):
        row = scores[kind]
        for j, mode in enumerate(("exact", "overlap")):
            m = row[mode]
            table.add_row(kind if j == 0 else "", mode, f"{m['p']:.3f}", f"{m['r']:.3f}", f"{m['f1']:.3f}",
                          f"hits {m['hits']} pred {row['pred']} gold {row['gold']}",
                          end_section=(j == 1 and i < len(KINDS) - 1))
    return table


def eval_attribution_command(
    split_dir: Path = typer.Argument(..., help="A split folder with text/*.txt and attributions/*.ann (brat)."),
    json_out: bool = typer.Option(False, "--json", help="Print the scores as JSON."),
    predictions: Optional[Path] = typer.Option(
        None, "--predictions", help="Write one JSON line per predicted attribution to this file."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Score only the first N articles."),
    model: str = typer.Option(
        DEFAULT_MODE, "--model",
        help="rules: fogofwar's claims; trained: the tagger trained on PolNeAR train "
             "(fogofwar train-attribution); both: the tagger plus the claims it does not cover."),
    model_file: Optional[Path] = typer.Option(None, "--model-file", help="A trained model other than the shipped one."),
    quotes: bool = typer.Option(
        False, "--quotes", help="Instead: direct quotations only, fogofwar (rules, trained, both) against "
                                "textacy's direct_quotations, in one run (needs textacy)."),
) -> None:
    """Score fogofwar's claims against brat attribution annotations (PolNeAR format)."""
    err = Console(stderr=True)
    if not (split_dir / "text").is_dir():
        err.print(f"[red]no text/ folder in {split_dir}[/red]")
        raise typer.Exit(2)
    if model not in MODES:
        err.print(f"[red]--model must be one of {', '.join(MODES)}[/red]")
        raise typer.Exit(2)
    trained = None
    if model != "rules":
        from fogofwar.attribution_model import load_model

        try:
            trained = load_model(str(model_file) if model_file else None)
        except FileNotFoundError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(2)
    started = time.perf_counter()
    if quotes:
        from fogofwar.evaluate.attribution import quotation_benchmark, read_split

        docs = read_split(split_dir)[:limit] if limit is not None else read_split(split_dir)
        try:
            results = quotation_benchmark(docs, model=trained)
        except ImportError as exc:
            err.print(f"[red]textacy is needed for --quotes: {exc}[/red]")
            raise typer.Exit(2)
        seconds = round(time.perf_counter() - started, 1)
        if json_out:
            typer.echo(json.dumps({"seconds": seconds, "systems": results}, indent=1))
            return
        for name, sc in results.items():
            Console().print(attribution_table(
                sc, f"{name}: {sc['documents']} articles, {sc['gold']} gold quotations, {sc['predicted']} predicted"))
        return
    if predictions is not None:
        with predictions.open("w", encoding="utf-8") as fh:
            scores, docs, _ = evaluate(split_dir, limit=limit, predictions=fh, mode=model, model=trained)
    else:
        scores, docs, _ = evaluate(split_dir, limit=limit, mode=model, model=trained)
    scores["model"] = model
    scores["seconds"] = round(time.perf_counter() - started, 1)
    if json_out:
        typer.echo(json.dumps(scores, indent=1))
        return
    Console().print(attribution_table(
        scores, f"{split_dir} ({model}): {scores['documents']} articles, {scores['gold']} gold attributions, "
                f"{scores['predicted']} predicted ({scores['seconds']} s)"))
