"""``fogofwar eval``: run the pipeline over gold files and score it."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from fogofwar.evaluate.gold import FILE_KEY, gold_to_article, load_gold
from fogofwar.evaluate.scoring import (
    METRICS, STORY_METRICS, ArticleScore, aggregate, score_article, score_stories,
)

AnalyzeFn = Callable[[list], Any]


@dataclass
class EvalReport:
    """Per-file scores and the micro-averaged overall scores."""

    per_file: list[dict[str, Any]] = field(default_factory=list)  # {"file", "id", **metrics}
    overall: dict[str, Any] = field(default_factory=dict)
    scores: list[ArticleScore] = field(default_factory=list)
    stories: dict[str, Any] | None = None  # story-level figures, when gold files share events
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = field(default_factory=list)  # (gold, predicted)

    def to_dict(self) -> dict[str, Any]:
        out = {"overall": self.overall, "per_file": self.per_file}
        if self.stories is not None:
            out["stories"] = self.stories
        return out

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)


def _predicted_articles(result: Any) -> list[dict[str, Any]]:
    """ARTICLE dicts from whatever ``analyze`` returned: a Result (``to_dict``),
    a contract document dict, or a list of ARTICLE dicts / ArticleResults."""
    if hasattr(result, "to_dict") and not isinstance(result, dict):
        result = result.to_dict()
    if isinstance(result, dict):
        result = result.get("articles", [])
    out = []
    for a in result or []:
        if hasattr(a, "to_dict") and not isinstance(a, dict):
            a = a.to_dict()
        out.append(a if isinstance(a, dict) else {})
    return out


def _pair(golds: list[dict], predicted: list[dict]) -> list[dict | None]:
    """The prediction for each gold article: by id where ids are unique, else
    by position (the pipeline keeps input order)."""
    by_id: dict[str, dict] = {}
    dup = False
    for p in predicted:
        pid = p.get("id")
        if pid in by_id:
            dup = True
        by_id[pid] = p
    out: list[dict | None] = []
    for i, g in enumerate(golds):
        if not dup and g.get("id") in by_id:
            out.append(by_id[g.get("id")])
        else:
            out.append(predicted[i] if i < len(predicted) else None)
    return out


def _predicted_stories(result: Any) -> list[dict[str, Any]]:
    """STORY dicts from a Result or a contract document (none from a bare list of articles)."""
    if hasattr(result, "to_dict") and not isinstance(result, dict):
        result = result.to_dict()
    stories = result.get("stories", []) if isinstance(result, dict) else []
    return [s if isinstance(s, dict) else s.to_dict() for s in stories or []]


def evaluate_predictions(golds: list[dict], predicted: list[dict],
                         stories: list[dict] | None = None) -> EvalReport:
    """Score already-computed ARTICLE dicts against loaded gold dicts; with ``stories`` (STORY
    dicts of the same run), also the stories that two or more gold files share."""
    report = EvalReport()
    for g, p in zip(golds, _pair(golds, predicted)):
        report.pairs.append((g, p))
        s = score_article(g, p)
        report.scores.append(s)
        row = {"file": g.get(FILE_KEY), "id": g.get("id")}
        row.update(s.metrics())
        row.pop("articles", None)
        report.per_file.append(row)
    report.overall = aggregate(report.scores)
    if stories is not None:
        scored = score_stories(golds, stories)
        if scored is not None:
            report.stories = scored
            for name in STORY_METRICS:
                report.overall[name] = scored[name]
            report.overall["counts"]["stories"] = scored["counts"]
    return report


def run_eval(paths: Sequence[str | Path], analyze: AnalyzeFn | None = None) -> EvalReport:
    """Load gold files, analyse their texts together, score every article.

    ``analyze`` defaults to :func:`fogofwar.analyze`; it receives the list of
    :class:`fogofwar.models.Article` and returns a ``Result`` (or anything
    :func:`_predicted_articles` accepts). Raises ``GoldError`` on bad gold.
    """
    golds = load_gold([str(p) for p in paths])
    if analyze is None:
        from fogofwar import analyze as analyze  # the real pipeline, imported lazily
    articles = [gold_to_article(g) for g in golds]
    result = analyze(articles) if articles else None
    return evaluate_predictions(golds, _predicted_articles(result), _predicted_stories(result))


_THRESHOLD = re.compile(r"^\s*([A-Za-z0-9_@]+)\s*[=:]\s*([-+0-9.eE]+)\s*$")


def parse_threshold(spec: str) -> tuple[str, float]:
    """``"events_f1=0.6"`` -> ``("events_f1", 0.6)``; ValueError if malformed
    or the metric is unknown (see :data:`METRICS`)."""
    m = _THRESHOLD.match(spec or "")
    if not m:
        raise ValueError(f"bad threshold {spec!r}: expected METRIC=VALUE, e.g. events_f1=0.6")
    name, value = m.group(1), m.group(2)
    if name not in METRICS and name not in STORY_METRICS:
        raise ValueError(f"unknown metric {name!r} in {spec!r}; known: {', '.join(METRICS + STORY_METRICS)}")
    try:
        v = float(value)
    except ValueError:
        raise ValueError(f"bad threshold {spec!r}: {value!r} is not a number") from None
    if not math.isfinite(v):
        raise ValueError(f"bad threshold {spec!r}: {value!r} is not a finite number")
    return name, v


def check_thresholds(overall: dict[str, Any], mins: Sequence[str] | None) -> list[str]:
    """One message per ``METRIC=VALUE`` in ``mins`` that ``overall`` does not
    reach (a metric that is None, i.e. nothing to measure, fails too).

    Raises ValueError for a malformed spec or an unknown metric name.
    """
    failures = []
    for spec in mins or []:
        name, minimum = parse_threshold(spec)
        value = overall.get(name)
        if value is None:
            failures.append(f"{name} is undefined (nothing to score), minimum {minimum:g}")
        elif value < minimum - 1e-9:  # tolerate float noise (0.6 vs 3/5)
            failures.append(f"{name} = {value:.3f} is below the minimum {minimum:g}")
    return failures
