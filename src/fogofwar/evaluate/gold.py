"""Reading gold annotation files (GOLD.md) and turning them into Articles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from fogofwar.models import Article

#: Key added to every loaded gold dict: the file it was read from.
FILE_KEY = "_file"


class GoldError(ValueError):
    """A gold file or folder that cannot be used; the message names it."""


def _read_one(path: Path) -> dict[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GoldError(f"{path}: not UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise GoldError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}:{exc.lineno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise GoldError(f"{path}: a gold file must be a JSON object")
    if not isinstance(data.get("text"), str):
        raise GoldError(f"{path}: gold file has no \"text\"")
    for key in ("places", "claims", "events"):
        if not isinstance(data.get(key, []), list):
            raise GoldError(f"{path}: \"{key}\" must be a list")
        data.setdefault(key, [])
    if not data.get("id"):
        data["id"] = path.stem
    data[FILE_KEY] = str(path)
    return data


def gold_files(paths: Sequence[str | Path]) -> list[Path]:
    """The gold files named by ``paths``: a file as given, a folder as every
    ``*.json`` below it, sorted by path; duplicates are dropped."""
    out: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(f for f in path.rglob("*.json") if f.is_file())
        elif path.is_file():
            found = [path]
        else:
            raise GoldError(f"{path}: no such file or folder")
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def load_gold(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """Load gold files (or folders of ``*.json`` gold files, sorted).

    Every dict gets ``"_file"``: the path it came from; a missing ``id``
    becomes the file's stem; missing places/claims/events become ``[]``.
    Raises :class:`GoldError` naming the file on unreadable or invalid input.
    """
    return [_read_one(f) for f in gold_files(paths)]


def gold_to_article(gold: dict[str, Any]) -> Article:
    """The input Article for a gold file (text normalised ``\\r\\n`` -> ``\\n``)."""
    published = gold.get("published")
    return Article(
        id=str(gold.get("id")),
        text=gold["text"].replace("\r\n", "\n"),
        title=gold.get("title"),
        outlet=gold.get("outlet"),
        url=gold.get("url"),
        published=str(published) if published is not None else None,
        language=gold.get("language"),
        file=gold.get(FILE_KEY),
    )
