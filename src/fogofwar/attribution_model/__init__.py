"""A trained attribution tagger (cue, source, content spans) in PolNeAR's conventions.

fogofwar's own claims (fogofwar.claims) follow GOLD.md; this model is trained on the
PolNeAR train split and used by ``fogofwar eval-attribution`` to measure (and add
recall to) attribution spans in PolNeAR's broader sense. Train it with
``fogofwar train-attribution TRAIN_DIR`` (or ``python -m fogofwar.attribution_model.train``).
"""

from fogofwar.attribution_model.paths import DEFAULT_MODEL

__all__ = ["DEFAULT_MODEL", "AttributionModel", "SpanTriple", "load_model"]


def __getattr__(name: str):
    """Import the model (and spaCy) only when it is asked for."""
    if name in ("AttributionModel", "SpanTriple", "load_model"):
        from fogofwar.attribution_model import model

        return getattr(model, name)
    raise AttributeError(name)
