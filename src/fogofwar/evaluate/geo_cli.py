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


def markdown_table(result: dict[str, Any]) -> str:
    """The LGL systems as a markdown table (the docs/benchmarks.md format)."""
    rows = ["| system | recognition P | R | F1 | acc@161 | acc@25 | median km | mean km |",
            "|---|---|---|---|---|---|---|---|"]
    labels = {"fogofwar": "**fogofwar** (gold spans)", "fogofwar end-to-end": "fogofwar end to end (own recognition)",
              "most populous": "most populous candidate, same gazetteer",
              "geotext + most populous": "geotext + most populous"}
    for s in result["systems"]:
        p = s.get("precision")
        rec = [_pct(p), _pct(s.get("recall")), _pct(s.get("f1"))] if p is not None else ["–", "–", "–"]
        rows.append("| " + " | ".join([labels.get(s["system"], s["system"]), *rec, _pct(s.get("acc161")),
                                        _pct(s.get("acc25")), _km(s.get("median_km")), _km(s.get("mean_km"))]) + " |")
    return "\n".join(rows)


def bench_places_command(
    dev: Path = typer.Option(Path("../shared/dev"), "--dev", help="gold articles (fogofwar/GOLD.md format)"),
    lgl: Path = typer.Option(Path("../shared/bench/geo/lgl.xml"), "--lgl", help="LGL-format XML corpus"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="also write the markdown report here"),
    json_out: bool = typer.Option(False, "--json", help="print the figures as JSON"),
    limit: Optional[int] = typer.Option(None, "--limit", help="only the first N LGL documents"),
    corpus: list[Path] = typer.Option([], "--corpus", help="another corpus in the LGL format, e.g. TR-News "
                                                           "(repeatable; scored like LGL, in the same run)"),
) -> None:
    """Places benchmark in one run: dev gold (recognition, acc@161/25), LGL and other corpora against the baselines."""
    from fogofwar.evaluate.runner import run_eval
    from fogofwar.nlp import load_nlp
    from fogofwar.places.gazetteer import get_gazetteer

    console = Console(stderr=True)
    out: dict[str, Any] = {}
    if dev.exists():
        t0 = time.time()
        report = run_eval([dev])
        o = report.overall
        out["dev"] = {"path": str(dev), "articles": o.get("articles"), "seconds": round(time.time() - t0, 1),
                      **{k: o.get(f"places_{k}") for k in ("p", "r", "f1", "acc161", "acc25")}}
    else:
        console.print(f"[yellow]no dev gold at {dev}: skipped[/yellow]")
    gazetteer = get_gazetteer()
    # lookup speed (microseconds per cached and uncached name lookup)
    names = ["Kharkiv", "Izyum", "Balakliya", "Springfield", "Athens", "El Fasher", "Khan Younis", "Goma"]
    t0 = time.perf_counter()
    for n in names:
        gazetteer._candidates(n)
    cold = (time.perf_counter() - t0) / len(names)
    t0 = time.perf_counter()
    for _ in range(200):
        for n in names:
            gazetteer.candidates(n)
    warm = (time.perf_counter() - t0) / (200 * len(names))
    out["gazetteer"] = {"lookup_us_uncached": round(cold * 1e6, 1), "lookup_us_cached": round(warm * 1e6, 2),
                        **{k: v for k, v in gazetteer.info().items() if k in ("version", "places", "names", "dumps")}}
    nlp = None

    def run_corpus(path: Path, label: str, first: Optional[int] = None) -> dict[str, Any]:
        nonlocal nlp
        docs = read_corpus(path)[:first] if first else read_corpus(path)
        nlp = nlp or load_nlp()
        t0 = time.time()
        with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task(label, total=len(docs))

            def parsed() -> Iterator:
                for d in nlp.pipe((doc.text for doc in docs), batch_size=16):
                    yield d
                    bar.advance(task)

            result = evaluate(docs, gazetteer, parsed())
        result["seconds"] = round(time.time() - t0, 1)
        result["path"] = str(path)
        return result

    if lgl.exists():
        out["lgl"] = run_corpus(lgl, "LGL", limit)
    else:
        console.print(f"[yellow]no LGL corpus at {lgl}: skipped[/yellow]")
    for path in corpus:
        if path.exists():
            out.setdefault("corpora", {})[path.stem] = run_corpus(path, path.stem)
        else:
            console.print(f"[yellow]no corpus at {path}: skipped[/yellow]")
    md = bench_markdown(out)
    if output:
        output.write_text(md + "\n", encoding="utf-8")
    if json_out:
        print(json.dumps(out, indent=2))
    else:
        print(md)


def bench_markdown(out: dict[str, Any]) -> str:
    """The report of ``fogofwar bench places`` as markdown."""
    lines = []
    if "dev" in out:
        d = out["dev"]
        lines += [f"Dev gold ({d['path']}, {d['articles']} articles, {d['seconds']} s):", "",
                  "| places P | R | F1 | acc@161 | acc@25 |", "|---|---|---|---|---|",
                  "| " + " | ".join(_pct(d.get(k)) for k in ("p", "r", "f1", "acc161", "acc25")) + " |", ""]
    g = out.get("gazetteer", {})
    if g:
        lines += [f"Gazetteer v{g.get('version')}: {g.get('places')} places, {g.get('names')} names"
                  + (f", dumps merged: {g['dumps']}" if g.get("dumps") else "")
                  + f"; lookup {g['lookup_us_uncached']} µs uncached, {g['lookup_us_cached']} µs cached.", ""]
    if "lgl" in out:
        r = out["lgl"]
        lines += [f"LGL: {r['documents']} documents, {r['toponyms']} toponyms, {r['toponyms_with_coordinates']} with "
                  f"coordinates ({r['seconds']} s):", "", markdown_table(r)]
    for name, r in out.get("corpora", {}).items():
        lines += ["", f"{name}: {r['documents']} documents, {r['toponyms']} toponyms, "
                      f"{r['toponyms_with_coordinates']} with coordinates ({r['seconds']} s):", "", markdown_table(r)]
    return "\n".join(lines)


def main() -> None:  # pragma: no cover - for `python -m fogofwar.evaluate.geo_cli`
    typer.run(eval_geo_command)


if __name__ == "__main__":  # pragma: no cover
    main()
