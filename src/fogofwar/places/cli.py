"""Command line: ``fogofwar places resolve ...`` and ``fogofwar gazetteer build|info``.

The lead mounts ``places_app`` and ``gazetteer_app`` on the main typer app.
"""

from __future__ import annotations

import json
import time
from typing import Optional

import typer

places_app = typer.Typer(help="Recognise and resolve place names.", no_args_is_help=True)
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
