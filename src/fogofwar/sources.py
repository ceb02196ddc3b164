"""Sources: the distinct speakers of an article, merged across mentions.

"Kurt Volker" and later "Volker" are one source; "the source" is the last
source called a source; "he" / "it" / "they" is the last source before it.
Each source gets a kind from data/source_kinds.json and a side from the
words of its mentions (Ukrainian, Russia's, pro-Kremlin, U.S.); an
anonymous source that names no side takes the side of the phrase it is
conjoined with, or of the last source of the same kind that has one.
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Span

from fogofwar import lexicon
from fogofwar.claims import Attribution
from fogofwar.models import Source

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "them"}


@functools.lru_cache(maxsize=1)
def _kind_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    for rule in lexicon.load("source_kinds.json")["rules"]:
        alternatives = []
        for phrase in sorted(rule["phrases"], key=len, reverse=True):
            p = re.escape(phrase.strip())
            alternatives.append(p + (r"" if phrase.endswith(" ") else r"(?:s|es)?\b"))
        rules.append((rule["kind"], re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")", re.I)))
    return rules


def kind_of(text: str) -> str:
    """The source kind a phrase names ("Russia's Defense Ministry" -> military)."""
    for kind, pattern in _kind_rules():
        if pattern.search(text):
            return kind
    return "other"


def _key(span: Span) -> str:
    words = [t.lower_ for t in span if t.lower_ not in DETERMINERS and not t.is_punct and t.lower_ != "'s"]
    return " ".join(words)


def _person(span: Span) -> str | None:
    ents = [e for e in span.ents if e.label_ == "PERSON"]
    if ents:
        return max(ents, key=len).text.removesuffix("'s").removesuffix("’s")
    if span.root.ent_type_ == "PERSON":
        return span.root.text
    return None


def _anonymous(span: Span) -> bool:
    heads = set(lexicon.load("source_kinds.json")["anonymous_heads"])
    return _person(span) is None and span.root.lower_ in heads and not any(t.ent_type_ == "ORG" for t in span)


def resolve_sources(attributions: list[Attribution]) -> tuple[list[Source], list[str]]:
    """Merge the attributions' source phrases into sources; return them and each attribution's source id."""
    sources: list[Source] = []
    texts: list[list[str]] = []  # every phrase and description seen for a source
    ids: list[str] = []
    last_by_head: dict[str, int] = {}
    by_key: dict[str, int] = {}
    by_surname: dict[str, int] = {}

    for a in attributions:
        span = a.source
        root = span.root.lower_
        index: int | None = None
        person = _person(span)
        key = _key(span)
        if root in PRONOUNS and len(span) == 1:
            index = len(sources) - 1 if sources else None
        elif span[0].lower_ == "the" and root in last_by_head and len(span) <= 3:
            index = last_by_head[root]  # "the source" -> the last military source
        elif person:
            surname = person.split()[-1].lower()
            index = by_surname.get(surname)
        elif len(span) == 1 and span.root.pos_ == "PROPN" and span.root.lower_ in by_surname:
            index = by_surname[span.root.lower_]  # "Volker" after "Kurt Volker"
        elif key in by_key:
            index = by_key[key]
        if index is None:
            kind = kind_of(span.text + " " + a.description) if a.description else kind_of(span.text)
            if kind == "other":
                kind = kind_of(span.text)
            side = lexicon.side_of_text(span.text) or lexicon.side_of_text(a.description)
            sources.append(Source(
                id=f"s{len(sources) + 1}", name=person or _display(span), mentions=[],
                kind=kind, side=side, person=person, anonymous=_anonymous(span),
            ))
            texts.append([span.text, a.description])
            index = len(sources) - 1
            if side is None:
                sources[index].side = _inherited_side(a, attributions, sources, ids)
        src = sources[index]
        src.mentions.append((span.start_char, span.end_char))
        if person and not src.person:
            src.person, src.name = person, person
        last_by_head[root] = index
        by_key.setdefault(key, index)
        if person:
            by_surname.setdefault(person.split()[-1].lower(), index)
        ids.append(src.id)
    return sources, ids


def _display(span: Span) -> str:
    text = span.text
    return text[0].upper() + text[1:] if text[:4].lower() in ("the ", "a ", "an ") else text


def _inherited_side(a: Attribution, attributions: list[Attribution], sources: list[Source], ids: list[str]) -> str | None:
    """Side of an unmarked source: from the phrase it is conjoined with, or the last of its kind."""
    if not _anonymous(a.source):
        return None
    for other in attributions:
        if other is a:
            continue
        if other.sentence == a.sentence and other.cue_span == a.cue_span:
            side = lexicon.side_of_text(other.source.text)
            if side:
                return side
    kind = sources[-1].kind
    for src in reversed(sources[:-1]):
        if src.kind == kind and src.side:
            return src.side
    return None
