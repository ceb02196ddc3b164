"""Command line: ``fogofwar places resolve ...`` and ``fogofwar gazetteer build|info|download``.

The lead mounts ``places_app`` and ``gazetteer_app`` on the main typer app.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

places_app = typer.Typer(help="Recognise and resolve place names.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print tables for docs/benchmarks.md.", no_args_is_help=True)
gazetteer_app = typer.Typer(help="The offline gazetteer (GeoNames cities500 + subdivisions + countries).",
                            no_args_is_help=True)


@places_app.command("resolve")
def resolve_cmd(
    mentions: list[str] = typer.Argument(..., help="Place names to resolve, e.g. Izyum Balakliya"),
    context: Optional[str] = typer.Option(None, "--context", help="Text giving document evidence (other places)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Resolve MENTION... as if they appeared together in one report (plus --context)."""
    from fogofwar.nlp import load_nlp
    from fogofwar.places import extract_places, get_gazetteer

    gaz = get_gazetteer()
    # Each mention on its own line, in a locative frame, so that the recogniser sees it as a place.
    lines = [f"Fighting was reported in {m}." for m in mentions]
    text = "\n".join(([context] if context else []) + lines)
    doc = load_nlp()(text)
    offset = len(context) + 1 if context else 0
    places = [p for p in extract_places(doc, gaz) if p.start >= offset]
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in places], ensure_ascii=False, indent=2))
        return
    for p in places:
        where = ", ".join(x for x in (p.admin1, p.country) if x)
        coords = f"{p.lat:.4f},{p.lon:.4f}" if p.lat is not None else "?"
        typer.echo(f"{p.mention}\t{p.name} ({p.kind}; {where})\t{coords}\tgeonameid={p.geonameid}\tconf={p.confidence}")


@gazetteer_app.command("build")
def build_cmd(force: bool = typer.Option(False, "--force", help="Rebuild even if it exists.")) -> None:
    """Build the gazetteer SQLite file in the cache directory ($FOGOFWAR_GAZETTEER overrides)."""
    from fogofwar.places.gazetteer import build, default_path

    path = default_path()
    if path.exists() and not force:
        typer.echo(f"{path} exists (use --force to rebuild)")
        return
    t = time.time()
    build(path, progress=True)
    typer.echo(f"built {path} in {time.time() - t:.1f}s ({path.stat().st_size / 1e6:.1f} MB)")


@gazetteer_app.command("info")
def info_cmd() -> None:
    """Where the gazetteer is and what it holds."""
    from fogofwar.places.gazetteer import Gazetteer, default_path

    path = default_path()
    if not path.exists():
        typer.echo(f"no gazetteer at {path}: run `fogofwar gazetteer build`")
        raise typer.Exit(1)
    typer.echo(json.dumps(Gazetteer(path).info(), indent=2))


@gazetteer_app.command("download")
def download_cmd(
    countries: str = typer.Option(..., "--countries", help="ISO2 codes, comma-separated: UA,RU"),
    from_dir: Optional[Path] = typer.Option(None, "--from-dir", exists=True, file_okay=False,
                                            help="Read DIR/CC.zip and DIR/alternatenames/CC.zip instead of the network."),
    base_url: str = typer.Option("https://download.geonames.org/export/dump/", "--base-url",
                                 help="Where the dumps are (http(s):// or file://)."),
    no_alternates: bool = typer.Option(False, "--no-alternates", help="Skip alternateNamesV2."),
) -> None:
    """Fetch full GeoNames country dumps (all feature classes) and merge them into the gazetteer."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from fogofwar.places.dumps import DownloadError, download, dump_dir, merge_file
    from fogofwar.places.gazetteer import _valid, build, default_path

    console = Console(stderr=True)
    codes = [c for c in (x.strip() for x in countries.split(",")) if c]
    base = from_dir.resolve().as_uri() + "/" if from_dir else base_url
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=console,
                  transient=True) as bar:
        tasks: dict[str, int] = {}

        def on_bytes(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total or None)
            bar.update(tasks[name], completed=done)

        try:
            files = download(codes, base_url=base, directory=dump_dir(), alternates=not no_alternates,
                             progress=on_bytes)
        except DownloadError as e:
            console.print(f"[red]download failed[/red]: {e}")
            raise typer.Exit(2)
    path = default_path()
    if not path.exists() or not _valid(path):
        build(path, progress=True)  # a fresh build merges every dump in the dump directory
        typer.echo(f"built {path} with the dumps in {dump_dir()}")
        return
    with console.status("merging") as status:
        counts = merge_file(path, files, progress=lambda msg: status.update(msg))
    typer.echo(f"merged {', '.join(c.upper() for c in codes)} into {path}: {counts['places']} places, "
               f"{counts['names']} names (dumps kept in {dump_dir()}, merged again at every rebuild)")


def _register_bench() -> None:
    from fogofwar.evaluate.geo_cli import bench_places_command

    bench_app.command("places", help="Places: dev gold and LGL (acc@161/25, baselines) in one run.")(
        bench_places_command)


_register_bench()
