"""Train the attribution tagger on a PolNeAR-format split: ``fogofwar train-attribution``.

Deterministic: documents are parsed with the shared spaCy pipeline, the training
order is a shuffle seeded by ``--seed``, CRFsuite's L-BFGS is deterministic, and the
model file is written byte for byte the same for the same data, seed, options and
spaCy model.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from fogofwar.attribution_model.paths import DEFAULT_MODEL

# chosen on a held-out eighth of PolNeAR's train split (never on dev)
ITERATIONS = 80
CUE_THRESHOLD = 0.25
SOURCE_FALLBACK = 0.6  # a cue this likely that the role tagger gives no source takes its syntactic subject

if TYPE_CHECKING:
    from fogofwar.attribution_model.model import AttributionModel


def train_model(train_dir: Path, iterations: int = ITERATIONS, seed: int = 0, limit: int | None = None,
                cue_threshold: float | None = CUE_THRESHOLD, log=None,
                source_fallback: float | None = SOURCE_FALLBACK) -> "AttributionModel":
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
        "attributions": sum(len(d.attributions) for d in docs), "iterations": iterations, "seed": seed,
        "cue_threshold": cue_threshold, "source_fallback": source_fallback,
        "spacy": spacy.__version__, "spacy_model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
    })
    params = {"max_iterations": iterations}
    model.train(examples, seed=seed, log=log, cue_params=params, role_params=params)
    return model


def train_command(
    train_dir: Path = typer.Argument(..., help="A PolNeAR-format split (text/*.txt, attributions/*.ann)."),
    output: Path = typer.Option(DEFAULT_MODEL, "-o", "--output", help="Model file to write (.json.gz)."),
    iterations: int = typer.Option(ITERATIONS, "--iterations", help="L-BFGS iterations of each CRF."),
    seed: int = typer.Option(0, "--seed", help="Seed of the training order."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Train on the first N documents only."),
    cue_threshold: float = typer.Option(
        CUE_THRESHOLD, "--cue-threshold",
        help="A token is a cue when its marginal probability of being one reaches this (0: the best sequence)."),
    source_fallback: float = typer.Option(
        SOURCE_FALLBACK, "--source-fallback",
        help="A cue at least this likely that the role tagger gives no source takes its syntactic subject "
             "(above 1: never)."),
) -> None:
    """Train the attribution tagger (cue, source, content CRFs) and save it."""
    if not (train_dir / "text").is_dir():
        typer.echo(f"no text/ folder in {train_dir}", err=True)
        raise typer.Exit(2)
    started = time.perf_counter()
    model = train_model(train_dir, iterations, seed, limit, cue_threshold or None,
                        log=lambda m: typer.echo(m, err=True),
                        source_fallback=source_fallback if source_fallback <= 1 else None)
    model.save(output)
    typer.echo(f"wrote {output} ({output.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.0f} s",
               err=True)


def main() -> None:
    typer.run(train_command)


if __name__ == "__main__":
    main()
