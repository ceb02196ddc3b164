"""fogofwar's BLAS choice (nlp.use_numpy_blas) changes speed, never the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from thinc.api import NumpyOps

from fogofwar.nlp import MODEL_NAMES, load_nlp, use_numpy_blas

DATA = Path(__file__).parent / "data"


def _texts() -> list[str]:
    texts = []
    for folder in ("gold", "gold2", "gold3", "gold4"):
        for path in sorted((DATA / folder).glob("*.json")):
            texts.append(json.loads(path.read_text(encoding="utf-8"))["text"])
    return texts


def _stock():
    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    pytest.skip("no English model")


def _analysis(doc) -> list[tuple]:
    return [(t.tag_, t.pos_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc]


def test_the_loaded_pipeline_multiplies_with_numpy():
    nlp = load_nlp()
    ops = [node.ops for _, c in nlp.pipeline if hasattr(getattr(c, "model", None), "walk") for node in c.model.walk()]
    assert ops and all(isinstance(o, NumpyOps) and not o.use_blis for o in ops)


def test_numpy_blas_gives_the_same_parses_and_entities_as_blis():
    texts = _texts()
    assert len(texts) >= 20
    blis, numpy_blas = _stock(), _stock()
    assert use_numpy_blas(numpy_blas) > 0
    assert use_numpy_blas(numpy_blas) == 0  # already switched
    for a, b in zip(blis.pipe(texts), numpy_blas.pipe(texts)):
        assert _analysis(a) == _analysis(b)
