"""Lexicons shared by the stages, loaded once from ``fogofwar/data``.

Kept as data so that analysts can read and extend them without touching
code. Side detection lives here because sources (who says) and events
(who does) both need it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
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
    weight: dict[str, int] = {}  # a name shared by several countries ("Indian", "Congolese") goes to the most populous
    for country in countryinfo.all_countries():
        try:
            code = country.iso()["alpha2"]
        except Exception:  # pragma: no cover - incomplete record in the package
            continue
        try:
            population = int(country.population() or 0)
        except Exception:  # pragma: no cover - no population in the record
            population = 0
        names = [country.name(), country.demonym() or ""]
        try:
            names.append(country.capital() or "")
        except Exception:  # pragma: no cover
            pass
        for raw in names:
            for name in raw if isinstance(raw, list) else [raw]:
                name = (name or "").strip().lower()
                if name and len(name) > 2:
                    for key in (name, name + "s") if name.endswith("n") else (name,):  # Ukrainians, Russians
                        if population > weight.get(key, -1):
                            markers[key], weight[key] = code, population
    for actor in load("actors.json")["actors"]:
        for alias in actor["aliases"]:
            markers[alias.lower()] = actor["code"]
    markers.update(load("sides.json")["markers"])
    return markers


_WORD = re.compile(r"[\w.'’-]+")


def _sides_data() -> dict[str, Any]:
    return load("sides.json")


def _normal_word(raw: str, markers: dict[str, str]) -> str:
    w = raw.lower().replace("’", "'")
    if w in markers or w.endswith("u.s."):
        return w  # "u.n.", "u.s." keep their final dot
    return w.rstrip(".,")


def sides_in_text(text: str) -> list[str]:
    """Every side named in a phrase, in order of appearance (unique); backers last."""
    found, backers = sides_and_backers(text)
    return found + [b for b in backers if b not in found]


# Armed groups an article defines itself ("the Popular Mobilization Forces (PMF)") while it is analysed:
# (lower-cased alias, code) pairs, each group under its own acronym.
_DOCUMENT_ACTORS: ContextVar[tuple[tuple[str, str], ...]] = ContextVar("document_actors", default=())
_DEFINITION = re.compile(r"((?:[A-Z][\w'’-]*|of|for|the|and|de|du|al)(?:\s+(?:[A-Z][\w'’-]*|of|for|the|and|de|du|al|to)){0,8})"
                         r"\s+\(([A-Z][A-Z0-9-]{1,7})\)")


def armed_groups_defined(text: str) -> tuple[tuple[str, str], ...]:
    """Armed groups a text introduces by name and acronym that data/actors.json does not list
    ("Kurdish People's Protection Units (YPG)"): their name and acronym -> the acronym as their side.

    A name counts when it holds a word of armed groups' names (actors.json "defined_group_words")
    and names no state ("Armed Forces of the Philippines (AFP)" is the Philippine army)."""
    data = load("actors.json")
    words = {w.lower() for w in data["defined_group_words"]}
    markers = side_markers()
    found: list[tuple[str, str]] = []
    for m in _DEFINITION.finditer(text):
        name, acronym = m.group(1), m.group(2)
        tokens = name.split()
        while tokens and tokens[0].lower() in ("the", "of", "for", "and", "to", "de", "du", "al"):
            tokens = tokens[1:]
        name = " ".join(tokens)
        if acronym.lower() in markers or name.lower() in markers or not any(
                t.lower().strip("'’s") in words for t in tokens):
            continue
        named = [s for s in sides_in_text(name) if s not in _listed_codes()]
        if named:
            continue  # a state's own force, or a body named for a state
        found += [(name.lower(), acronym), (acronym.lower(), acronym)]
    return tuple(found)


@contextlib.contextmanager
def document_actors(text: str) -> Iterator[None]:
    """Within the block, the armed groups ``text`` defines count as sides (see ``armed_groups_defined``)."""
    token = _DOCUMENT_ACTORS.set(armed_groups_defined(text))
    try:
        yield
    finally:
        _DOCUMENT_ACTORS.reset(token)


@contextlib.contextmanager
def theatre_names(theatre: str | None) -> Iterator[None]:
    """Within the block, people's names that stand for a different armed group in each country
    (actors.json "regional_names": "Kurdish" forces are the SDF in Syria, the peshmerga of the KRG
    in Iraq) count as the group of the country the text is about."""
    regional = load("actors.json").get("regional_names", {})
    extra = tuple((name, codes[theatre]) for name, codes in regional.items() if theatre in codes and not name.startswith("_"))
    token = _DOCUMENT_ACTORS.set(_DOCUMENT_ACTORS.get() + extra) if extra else None
    try:
        yield
    finally:
        if token is not None:
            _DOCUMENT_ACTORS.reset(token)


def sides_and_backers(text: str) -> tuple[list[str], list[str]]:
    """The sides a phrase names as its own, and those it names only as backers.

    Words that are also plain English ("who", "us") count only in capitals
    (WHO, US); a backer ("Rwandan-backed") counts only after every other
    side; a country word before "opposition" / "rebels" and a seat
    ("Britain-based") give no side.
    """
    found, backers = _sides_and_backers(text, _DOCUMENT_ACTORS.get())
    return list(found), list(backers)


@functools.lru_cache(maxsize=16)
def _markers_with(extra: tuple[tuple[str, str], ...]) -> dict[str, str]:
    return {**side_markers(), **dict(extra)} if extra else side_markers()


@functools.lru_cache(maxsize=1)
def _acronym_aliases() -> dict[str, frozenset[str]]:
    """Lower-cased one-word aliases of actors.json written with two capitals or more ("LeT", "HTS",
    "AA") -> their exact spellings: they mark a side only as written, so the English words "let",
    "aa" or "saf" never do."""
    forms: dict[str, set[str]] = {}
    for actor in load("actors.json")["actors"]:
        for alias in actor["aliases"]:
            if " " not in alias and sum(c.isupper() for c in alias) >= 2:
                forms.setdefault(alias.lower(), set()).add(alias)
    return {k: frozenset(v) for k, v in forms.items()}


def _written_as_marker(raw: str, key: str, case_sensitive: frozenset[str]) -> bool:
    """Whether a one-word marker that is also an English word is written as the marker: in capitals
    (WHO, US) or, for an armed group's acronym, as the group writes it (LeT)."""
    word = raw.rstrip(".,")
    word = word[:-2] if word.endswith(("'s", "’s")) else word
    if key in case_sensitive and not word.isupper():
        return False
    forms = _acronym_aliases().get(key)
    if forms is None and any(key == alias and alias.upper() == code for alias, code in _DOCUMENT_ACTORS.get()):
        forms = frozenset({key.upper()})  # an acronym the text defined, only as written
    return forms is None or word in forms or word.isupper()


@functools.lru_cache(maxsize=1)
def _word_sets() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    data = _sides_data()
    return (frozenset(data.get("case_sensitive", [])), frozenset(data.get("backer_suffixes", [])),
            frozenset(data.get("located_suffixes", [])), frozenset(data.get("not_affiliation_after", [])))


@functools.lru_cache(maxsize=4096)
def _sides_and_backers(text: str, extra: tuple[tuple[str, str], ...] = ()) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``sides_and_backers`` as tuples, remembered: the stages ask about the same phrase several times."""
    markers = _markers_with(extra)
    case_sensitive, backer_suffixes, located, not_after = _word_sets()
    non_state = _non_state_codes()
    raw = _WORD.findall(text)
    words = [_normal_word(w, markers) for w in raw]
    found: list[str] = []
    backers: list[str] = []
    i = 0
    while i < len(words):
        hit = None
        backer = False
        if i >= 2 and words[i - 1] == "in" and words[i - 2] in located:
            i += 1  # "an analyst based in Nairobi": a seat, not a side (as "Nairobi-based")
            continue
        for n in (5, 4, 3, 2, 1):
            if i + n <= len(words):
                phrase = " ".join(words[i:i + n])
                key = phrase[:-2] if phrase.endswith("'s") and phrase[:-2] in markers else phrase
                if key in markers:
                    if n == 1 and not _written_as_marker(raw[i], key, case_sensitive):
                        continue
                    hit = (markers[key], n)
                    break
                # pro-Kremlin, Kremlin-backed, Hamas-run
                parts = phrase.split("-") if n == 1 and "-" in phrase else []
                if parts and parts[-1] in located:
                    break
                for part in parts:
                    if part in markers and part not in ("pro", "run", "backed", "led", "government"):
                        hit = (markers[part], 1)
                        backer = parts[-1] in backer_suffixes
                        break
                if hit:
                    break
        if hit and not backer and i + hit[1] < len(words) and words[i + hit[1]] in not_after \
                and hit[0] not in non_state:
            hit = None  # "Syrian opposition fighters" are not the Syrian state
        if hit:
            target = backers if backer else found
            if hit[0] not in target:
                target.append(hit[0])
            i += hit[1]
        else:
            i += 1
    return tuple(found), tuple(backers)


@functools.lru_cache(maxsize=1)
def _listed_codes() -> frozenset[str]:
    return frozenset(a["code"] for a in load("actors.json")["actors"])


def _non_state_codes() -> frozenset[str]:
    """The armed groups' codes: those of data/actors.json and those the text being analysed defines."""
    extra = _DOCUMENT_ACTORS.get()
    return _codes_with(extra) if extra else _listed_codes()


@functools.lru_cache(maxsize=16)
def _codes_with(extra: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return _listed_codes() | frozenset(code for _, code in extra)


@functools.lru_cache(maxsize=1)
def allies() -> dict[str, str]:
    """Armed group code -> the state it fights for (data/actors.json "ally": Wagner -> RU)."""
    return {a["code"]: a["ally"] for a in load("actors.json")["actors"] if a.get("ally")}


def non_state_codes() -> set[str]:
    """Side codes of the armed groups in data/actors.json (a new set: callers may change it)."""
    return set(_non_state_codes())


def preferred_side(text: str) -> str | None:
    """The side of a phrase, a named armed group first ("Sudan's paramilitary RSF" -> RSF)."""
    sides = sides_in_text(text)
    groups = [s for s in sides if s in _non_state_codes()]
    return groups[0] if groups else (sides[0] if sides else None)


def side_of_text(text: str) -> str | None:
    sides = sides_in_text(text)
    return sides[0] if sides else None


def side_of_span(span: Span | Iterable[Any]) -> str | None:
    return side_of_text(span.text if isinstance(span, Span) else " ".join(t.text for t in span))


def last_armed_group_before(span) -> str | None:
    """The armed group (data/actors.json) named last before a phrase, in its sentence or the
    three before: what "the group", "the Iran-backed group", "the militants" stand for."""
    from fogofwar.nlp import text_of

    doc = span.doc
    sents = list(doc.sents)
    index = next((i for i, s in enumerate(sents) if s.start <= span.start < s.end), 0)
    start = sents[max(0, index - 3)].start_char
    groups = non_state_codes()
    found = [s for s in sides_in_text(text_of(doc)[start:span.start_char]) if s in groups]
    return found[-1] if found else None


def first_armed_group_after(span, sentences: int = 2) -> str | None:
    """The armed group (data/actors.json) named first after a phrase, in its sentence or the next
    ``sentences``: the news lede's "An ethnic armed group has seized Lashio. The MNDAA said ..."."""
    from fogofwar.nlp import text_of

    doc = span.doc
    sents = list(doc.sents)
    index = next((i for i, s in enumerate(sents) if s.start <= span.start < s.end), 0)
    end = sents[min(len(sents) - 1, index + sentences)].end_char
    groups = non_state_codes()
    found, _ = sides_and_backers(text_of(doc)[span.end_char:end])
    found = [s for s in found if s in groups]
    return found[0] if found else None


_PRO_SIDE = re.compile(r"\bpro-([A-Z][\w.'’]*)\s+(?:rebels?|separatists?|militants?|militias?|insurgents?|fighters|forces|gunmen)\b")


def armed_group_of_document(span) -> str | None:
    """The armed group a whole text is about, for "the rebels" that no nearby sentence names:
    the group of data/actors.json named most often beside a rebel word ("Rebels loyal to Riek
    Machar"; the group named most often on a tie), else the first group named, else the side of
    its "pro-Russian rebels" (a rebel movement known by its patron)."""
    from fogofwar.nlp import text_of

    return _armed_group_of_text(text_of(span.doc))


_REBEL_WORD = re.compile(r"\b(?:rebels?|insurgents?|militants?|separatists?|guerrillas?|jihadists?)\b", re.I)


@functools.lru_cache(maxsize=64)
def _armed_group_of_text(text: str) -> str | None:
    groups = _non_state_codes()
    beside_rebels: dict[str, int] = {}
    times: dict[str, int] = {}
    named: list[str] = []
    for line in re.split(r"(?<=[.!?])\s+|\n", text):
        found = [side for side in sides_in_text(line) if side in groups]
        named += [side for side in found if side not in named]
        for side in found:
            times[side] = times.get(side, 0) + 1
            if _REBEL_WORD.search(line):
                beside_rebels[side] = beside_rebels.get(side, 0) + 1
    if beside_rebels:  # named beside rebels counts twice; dicts keep the order of first mention
        return max(beside_rebels, key=lambda side: 2 * beside_rebels[side] + times[side])
    if named:
        return named[0]
    for m in _PRO_SIDE.finditer(text):
        side = side_of_text(m.group(1))
        if side:
            return side
    return None


_LED = re.compile(r"([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?)-led\s+(?:military\s+|international\s+)?coalition"
                  r"|coalition\s+led\s+by\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)?)")


def led_coalition_before(span) -> str | None:
    """The side of the coalition the text named before a phrase ("the US-led coalition", "a
    coalition led by Saudi Arabia"): what "the coalition" stands for."""
    from fogofwar.nlp import text_of

    for m in reversed(list(_LED.finditer(text_of(span.doc)[:span.start_char]))):
        side = side_of_text(m.group(1) or m.group(2))
        if side:
            return side
    return None
