"""The ``fogofwar eval-geo`` command: geoparsing benchmark on an LGL-format corpus."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterator, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from fogofwar.evaluate.geo import MISS_KM, GeoDoc, evaluate, read_corpus


def _pct(v: Any) -> str:
    return "-" if v is None else f"{100 * v:.1f}"


def _km(v: Any) -> str:
    return "-" if v is None else f"{v:,.0f}"


def geo_table(result: dict[str, Any]) -> Table:
    table = Table(title=(f"geoparsing: {result['documents']} docs, {result['toponyms']} toponyms, "
                         f"{result['toponyms_with_coordinates']} with coordinates"), title_justify="left")
    table.add_column("system", no_wrap=True)
    for col in ("P", "R", "F1", "acc@161", "acc@25", "median km", "mean km", "unresolved"):
        table.add_column(col, justify="right", no_wrap=True)
    for s in result["systems"]:
        table.add_row(s["system"], _pct(s.get("precision")), _pct(s.get("recall")), _pct(s.get("f1")),
                      _pct(s.get("acc161")), _pct(s.get("acc25")), _km(s.get("median_km")),
                      _km(s.get("mean_km")), str(s.get("unresolved", "-")))
    table.caption = (f"P/R/F1: recognition (span overlap). acc/km: over gold toponyms with coordinates, "
                     f"an unresolved mention is a miss at {MISS_KM:,.0f} km. fogofwar and most populous "
                     "resolve the gold spans; the end-to-end rows and geotext only those their recogniser "
                     "found (others are misses).")
    return table


def eval_geo_command(
    corpus: Path = typer.Argument(..., exists=True, dir_okay=False, help="LGL-format XML file"),
    json_out: bool = typer.Option(False, "--json", help="print the metrics as JSON"),
    predictions: Optional[Path] = typer.Option(None, "--predictions", help="write one JSON line per gold toponym"),
    limit: Optional[int] = typer.Option(None, "--limit", help="only the first N documents"),
) -> None:
    """Geoparsing benchmark (recognition and resolution) on an LGL-format corpus."""
    from fogofwar.nlp import load_nlp
    from fogofwar.places.gazetteer import get_gazetteer

    console = Console(stderr=json_out, width=max(Console().width, 110))
    docs: list[GeoDoc] = read_corpus(corpus)
    if limit is not None:
        docs = docs[:limit]
    nlp = load_nlp()
    gazetteer = get_gazetteer()
    t0 = time.time()
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("geoparsing", total=len(docs))

        def parsed() -> Iterator:
            for d in nlp.pipe((doc.text for doc in docs), batch_size=16):
                yield d
                bar.advance(task)

        fh = open(predictions, "w", encoding="utf-8") if predictions else None
        try:
            result = evaluate(docs, gazetteer, parsed(), predictions=fh)
        finally:
            if fh:
                fh.close()
    result["seconds"] = round(time.time() - t0, 1)
    if json_out:
        print(json.dumps(result, indent=2))
        return
    console.print(geo_table(result))
    if not result["geotext"]:
        console.print("[dim]geotext is not installed: its row is missing (pip install 'geotext>=0.4,<1')[/dim]")
    console.print(f"[dim]{result['seconds']} s[/dim]")


def main() -> None:  # pragma: no cover - for `python -m fogofwar.evaluate.geo_cli`
    typer.run(eval_geo_command)


if __name__ == "__main__":  # pragma: no cover
    main()
