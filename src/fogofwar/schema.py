"""The fogofwar/v1 JSON Schema shipped with the package, and a validator."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema

from fogofwar import lexicon


@functools.lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return lexicon.load("schema.json")


def validate(document: dict[str, Any]) -> list[str]:
    """Problems with a document: schema violations, then offsets that do not point at their text."""
    validator = jsonschema.Draft202012Validator(schema())
    problems = [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]
    if problems:
        return problems
    for a in document["articles"]:
        text = a["text"]
        for p in a["places"]:
            if text[p["start"]:p["end"]] != p["mention"]:
                problems.append(f"article {a['id']} place {p['id']}: text[start:end] != mention")
        for c in a["claims"]:
            for key in ("source_span", "cue_span", "content_span"):
                span = c[key]
                if span and not (0 <= span[0] <= span[1] <= len(text)):
                    problems.append(f"article {a['id']} claim {c['id']}: {key} out of range")
        ids = {p["id"] for p in a["places"]}
        for e in a["events"]:
            if e["place"] is not None and e["place"] not in ids:
                problems.append(f"article {a['id']} event {e['id']}: unknown place {e['place']}")
        for s in a["sentences"]:
            if not (0 <= s["start"] <= s["end"] <= len(text)):
                problems.append(f"article {a['id']} sentence {s['index']}: out of range")
    return problems
