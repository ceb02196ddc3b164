"""Articles for the store, API and crash tests, built from the repository's own texts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fogofwar.models import Article

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLD = sorted((ROOT / "tests" / "data" / "gold").glob("*.json"))
DEV = ROOT.parent / "shared" / "dev"
KEYS = ("id", "text", "title", "outlet", "url", "published")

# A later report of the example article's Izyum recapture, from a source the example does not cite.
IZYUM_FOLLOWUP = Article(
    id="followup-izyum", outlet="Kyiv Independent", published="2022-09-11",
    text="Ukraine's General Staff said on Sunday that its forces had retaken Izyum on Saturday.",
)
HOSTILE_TEXT = ("<script>alert(1)</script> Ukrainian forces shelled Izyum, the military said.\n"
                "'; DROP TABLE articles; -- \"quoted\" \\ backslash % percent _ underscore")


def gold_records() -> list[dict]:
    return [{k: json.loads(p.read_text(encoding="utf-8")).get(k) for k in KEYS} for p in GOLD]


def write_gold_jsonl(path: Path, bad_line: bool = True) -> Path:
    """The developer gold texts as a JSONL batch, with one malformed line (an error record, not a crash)."""
    lines = [json.dumps(r) for r in gold_records()]
    if bad_line:
        lines.insert(2, "{not json")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def generated_batch(path: Path, n: int) -> Path:
    """``n`` short distinct articles: paragraphs of the gold texts, with varied ids and published dates."""
    paragraphs = [p for r in gold_records() for p in r["text"].split("\n") if len(p) > 80]
    start = dt.date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            text = paragraphs[i % len(paragraphs)] + f"\nThis is dispatch number {i} of the batch."
            f.write(json.dumps({"id": f"gen-{i:04d}", "text": text, "outlet": f"Outlet {i % 7}",
                                "published": (start + dt.timedelta(days=i % 90)).isoformat()}) + "\n")
    return path
