"""``fogofwar eval --explain``: per line of a gold file, what gold has and what fogofwar found,
for the lines where they differ (the view a developer needs to see why a figure is what it is)."""

from __future__ import annotations

from typing import Any

from fogofwar.evaluate.scoring import line_of


def _side(value: Any) -> str:
    return "/".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _gold_rows(gold: dict[str, Any]) -> dict[int, dict[str, list[str]]]:
    rows: dict[int, dict[str, list[str]]] = {}
    for p in gold.get("places") or []:
        rows.setdefault(p["line"], {}).setdefault("places", []).append(f"{p['mention']} ({p.get('kind')})")
    for c in gold.get("claims") or []:
        rows.setdefault(c["line"], {}).setdefault("claims", []).append(
            f"{c['source']} ({c.get('kind')}, {_side(c.get('side'))}, {c.get('certainty')})")
    for e in gold.get("events") or []:
        rows.setdefault(e["line"], {}).setdefault("events", []).append(
            f"{e['type']} {_side(e.get('actor_side'))} @ {e.get('place')} {e.get('date') or ''}".rstrip())
    return rows


def _predicted_rows(article: dict[str, Any]) -> dict[int, dict[str, list[str]]]:
    text = article["text"]
    places = {p["id"]: p for p in article.get("places") or []}
    sources = {s["id"]: s for s in article.get("sources") or []}
    rows: dict[int, dict[str, list[str]]] = {}
    for p in places.values():
        rows.setdefault(line_of(text, p["start"]), {}).setdefault("places", []).append(f"{p['mention']} ({p.get('kind')})")
    for c in article.get("claims") or []:
        s = sources.get(c.get("source")) or {}
        rows.setdefault(line_of(text, c["start"]), {}).setdefault("claims", []).append(
            f"{s.get('name')} ({s.get('kind')}, {s.get('side')}, {c.get('certainty')})")
    for e in article.get("events") or []:
        if e.get("modality", "asserted") not in ("asserted", "threatened"):
            continue
        place = places.get(e.get("place")) or {}
        rows.setdefault(line_of(text, e["start"]), {}).setdefault("events", []).append(
            f"{e['type']} {e.get('actor_side')} @ {place.get('mention')} {e.get('date') or ''}".rstrip())
    return rows


def explain(gold: dict[str, Any], predicted: dict[str, Any] | None) -> list[str]:
    """Text lines: for each gold line where gold and prediction differ, both sides, per section."""
    lines = gold["text"].split("\n")
    g_rows = _gold_rows(gold)
    p_rows = _predicted_rows(predicted) if predicted else {}
    out = [f"== {gold.get('id')}"]
    for n in sorted(set(g_rows) | set(p_rows)):
        g, p = g_rows.get(n, {}), p_rows.get(n, {})
        diffs = [k for k in ("places", "claims", "events") if sorted(g.get(k, [])) != sorted(p.get(k, []))]
        if not diffs:
            continue
        out.append(f"[{n}] {lines[n][:160] if n < len(lines) else ''}")
        for k in diffs:
            out.append(f"    {k:7} gold: {'; '.join(sorted(g.get(k, []))) or '-'}")
            out.append(f"    {'':7} ours: {'; '.join(sorted(p.get(k, []))) or '-'}")
    return out
