"""An averaged multiclass perceptron over string features (pure Python, no dependency).

Small and exact to reproduce: training order comes from a seeded shuffle, weights are
averaged (Collins 2002), rounded and pruned before saving, so a model file is a few
megabytes of gzipped JSON that any machine loads the same way.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Sequence


class Perceptron:
    """Multiclass averaged perceptron: ``score(features) -> {class: weight}``."""

    def __init__(self, classes: Sequence[str]):
        self.classes = list(classes)
        self.weights: dict[str, dict[str, float]] = {}
        # training state for averaging: running totals and the step of the last change
        self._totals: dict[tuple[str, str], float] = defaultdict(float)
        self._stamps: dict[tuple[str, str], int] = defaultdict(int)
        self.steps = 0

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        out = dict.fromkeys(self.classes, 0.0)
        weights = self.weights
        for f in features:
            w = weights.get(f)
            if w:
                for c, v in w.items():
                    out[c] += v
        return out

    def predict(self, features: Iterable[str]) -> str:
        s = self.scores(features)
        best, best_score = self.classes[0], s[self.classes[0]]
        for c in self.classes[1:]:  # ties go to the earlier class: deterministic
            if s[c] > best_score:
                best, best_score = c, s[c]
        return best

    def update(self, truth: str, guess: str, features: Iterable[str]) -> None:
        """One training step: reward the true class, penalise the guess."""
        self.steps += 1
        if truth == guess:
            return
        for f in features:
            w = self.weights.setdefault(f, {})
            for c, delta in ((truth, 1.0), (guess, -1.0)):
                key = (f, c)
                old = w.get(c, 0.0)
                self._totals[key] += (self.steps - self._stamps[key]) * old
                self._stamps[key] = self.steps
                w[c] = old + delta

    def average(self, keep: float = 1e-3, digits: int = 3) -> None:
        """Replace weights by their average over all steps; drop near-zero ones."""
        averaged: dict[str, dict[str, float]] = {}
        for f, w in self.weights.items():
            new = {}
            for c, v in w.items():
                key = (f, c)
                total = self._totals[key] + (self.steps - self._stamps[key]) * v
                avg = round(total / max(self.steps, 1), digits)
                if abs(avg) >= keep:
                    new[c] = avg
            if new:
                averaged[f] = new
        self.weights = averaged
        self._totals.clear()
        self._stamps.clear()

    def to_dict(self) -> dict:
        return {"classes": self.classes, "weights": self.weights}

    @classmethod
    def from_dict(cls, data: dict) -> "Perceptron":
        p = cls(data["classes"])
        p.weights = data["weights"]
        return p


def save(models: dict[str, Perceptron], meta: dict, path: Path) -> None:
    """Write several named perceptrons and metadata as one gzipped JSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"meta": meta, "models": {k: m.to_dict() for k, m in models.items()}}
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    # mtime=0: the same training run gives a byte-identical file
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0, filename="") as gz:
        gz.write(raw)


def load(path: Path) -> tuple[dict[str, Perceptron], dict]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: Perceptron.from_dict(v) for k, v in data["models"].items()}, data["meta"]
