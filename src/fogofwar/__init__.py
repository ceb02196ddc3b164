"""fogofwar: sourced, geolocated, dated conflict events from English news reports."""

from __future__ import annotations

__version__ = "0.1.0"

from fogofwar.models import (  # noqa: E402
    Article, ArticleResult, Claim, ErrorRecord, Event, Ledger, Place, Result, Source, Story,
)

__all__ = [
    "Article", "ArticleResult", "Claim", "ErrorRecord", "Event", "Ledger", "Place",
    "Result", "Source", "Story", "analyze", "__version__",
]


def analyze(*args, **kwargs):  # noqa: D103 - documented in fogofwar.pipeline.analyze
    from fogofwar.pipeline import analyze as _analyze

    return _analyze(*args, **kwargs)


analyze.__doc__ = "Analyse texts or Articles; see fogofwar.pipeline.analyze."
