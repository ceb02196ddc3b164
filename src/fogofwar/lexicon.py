"""Lexicons shared by the stages, loaded once from ``fogofwar/data``.

Kept as data so that analysts can read and extend them without touching
code. Side detection lives here because sources (who says) and events
(who does) both need it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

from spacy.tokens import Span


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    """A JSON data file of the package, parsed once."""
    return json.loads(resources.files("fogofwar.data").joinpath(name).read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def side_markers() -> dict[str, str]:
    """Lower-cased word or phrase -> side code.

    Country names, ISO codes, demonyms and capitals come from countryinfo
    (MIT); the hand-kept table in data/sides.json and the armed groups of
    data/actors.json override them.
    """
    import countryinfo

    markers: dict[str, str] = {}
    for country in countryinfo.all_countries():
        try:
            code = country.iso()["alpha2"]
        except Exception:  # pragma: no cover - incomplete record in the package
            continue
        names = [country.name(), country.demonym() or ""]
        try:
            names.append(country.capital() or "")
        except Exception:  # pragma: no cover
            pass
        for raw in names:
            for name in raw if isinstance(raw, list) else [raw]:
                name = (name or "").strip().lower()
                if name and len(name) > 2:
                    markers.setdefault(name, code)
                    if name.endswith("n"):
                        markers.setdefault(name + "s", code)  # Ukrainians, Russians
    for actor in load("actors.json")["actors"]:
        for alias in actor["aliases"]:
            markers[alias.lower()] = actor["code"]
    markers.update(load("sides.json")["markers"])
    return markers


_WORD = re.compile(r"[\w.'’-]+")


def sides_in_text(text: str) -> list[str]:
    """Every side named in a phrase, in order of appearance (unique)."""
    markers = side_markers()
    words = [w.lower().replace("’", "'").rstrip(".,") if not w.lower().endswith("u.s.") else w.lower()
             for w in _WORD.findall(text)]
    found: list[str] = []
    i = 0
    while i < len(words):
        hit = None
        for n in (3, 2, 1):
            if i + n <= len(words):
                phrase = " ".join(words[i:i + n])
                key = phrase[:-2] if phrase.endswith("'s") and phrase[:-2] in markers else phrase
                if key in markers:
                    hit = (markers[key], n)
                    break
                # pro-Kremlin, Kremlin-backed, Hamas-run
                for part in phrase.split("-") if n == 1 and "-" in phrase else ():
                    if part in markers and part not in ("pro", "run", "backed", "led", "government"):
                        hit = (markers[part], 1)
                        break
                if hit:
                    break
        if hit:
            if hit[0] not in found:
                found.append(hit[0])
            i += hit[1]
        else:
            i += 1
    return found


def side_of_text(text: str) -> str | None:
    sides = sides_in_text(text)
    return sides[0] if sides else None


def side_of_span(span: Span | Iterable[Any]) -> str | None:
    return side_of_text(span.text if isinstance(span, Span) else " ".join(t.text for t in span))
