"""Train the attribution tagger on a PolNeAR-format split: ``fogofwar train-attribution``.

Deterministic: documents are parsed with the shared spaCy pipeline, the training
order is a shuffle seeded by ``--seed``, and the model file is written byte for byte
the same for the same data, seed and spaCy model.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from fogofwar.attribution_model.paths import DEFAULT_MODEL

if TYPE_CHECKING:
    from fogofwar.attribution_model.model import AttributionModel


def train_model(train_dir: Path, epochs: int = 5, seed: int = 0, limit: int | None = None,
                log=None) -> "AttributionModel":
    """Parse a split and train a model on its gold attributions."""
    import spacy

    from fogofwar.attribution_model.model import AttributionModel, SpanTriple
    from fogofwar.evaluate.attribution import read_split
    from fogofwar.nlp import load_nlp

    docs = read_split(train_dir)
    if limit is not None:
        docs = docs[:limit]
    nlp = load_nlp()
    started = time.perf_counter()
    parsed = list(nlp.pipe((d.text for d in docs), batch_size=16))
    parse_s = time.perf_counter() - started
    if log:
        log(f"parsed {len(docs)} documents in {parse_s:.0f} s")
    examples = [(p, [SpanTriple(a.source, a.cue, a.content) for a in d.attributions])
                for d, p in zip(docs, parsed)]
    model = AttributionModel(meta={
        "trained_on": Path(train_dir).name, "documents": len(docs),
        "attributions": sum(len(d.attributions) for d in docs), "epochs": epochs, "seed": seed,
        "spacy": spacy.__version__, "spacy_model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
    })
    model.train(examples, epochs=epochs, seed=seed, log=log)
    return model


def train_command(
    train_dir: Path = typer.Argument(..., help="A PolNeAR-format split (text/*.txt, attributions/*.ann)."),
    output: Path = typer.Option(DEFAULT_MODEL, "-o", "--output", help="Model file to write (.json.gz)."),
    epochs: int = typer.Option(5, "--epochs", help="Passes over the training documents."),
    seed: int = typer.Option(0, "--seed", help="Seed of the training order."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Train on the first N documents only."),
) -> None:
    """Train the attribution tagger (cue, source, content) and save it."""
    if not (train_dir / "text").is_dir():
        typer.echo(f"no text/ folder in {train_dir}", err=True)
        raise typer.Exit(2)
    started = time.perf_counter()
    model = train_model(train_dir, epochs, seed, limit, log=lambda m: typer.echo(m, err=True))
    model.save(output)
    typer.echo(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s",
               err=True)


def main() -> None:
    typer.run(train_command)


if __name__ == "__main__":
    main()
