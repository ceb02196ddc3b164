"""The places stage: toponym mentions -> geolocated ``Place`` records.

``extract_places(doc)`` recognises toponyms (spaCy entities plus a gazetteer
phrase matcher), drops metonyms for actors ("Russia's Defense Ministry",
"Kyiv said", "U.S. officials"), and resolves each mention against the offline
gazetteer using the evidence of the whole document.
"""

from __future__ import annotations

from spacy.tokens import Doc

from fogofwar.models import Place, Sentence
from fogofwar.places.gazetteer import Candidate, Gazetteer, build, default_path, get_gazetteer
from fogofwar.places.normalize import admin_key, fold, keys, normalize
from fogofwar.places.recognize import ENTITY_LABELS, Mention, find_mentions, metonymy
from fogofwar.places.resolve import resolve_mentions, to_places

__all__ = [
    "Candidate", "Gazetteer", "Mention", "admin_key", "build", "default_path", "extract_places",
    "find_mentions", "fold", "get_gazetteer", "keys", "normalize", "resolve_text",
]


def _sentence_of_tokens(doc: Doc, sentences: list[Sentence]) -> list[int]:
    from fogofwar.nlp import sentence_index

    return sentence_index(doc, sentences)


def _countryish(m: Mention, gazetteer: Gazetteer) -> bool:
    if any(c.kind == "country" for c in m.candidates):
        return True
    return m.key in gazetteer.capital_keys


def analyse(doc: Doc, gazetteer: Gazetteer | None = None) -> list[Mention]:
    """Every toponym mention with candidates and the metonymy decision (for debugging)."""
    gazetteer = gazetteer or get_gazetteer()
    mentions = []
    for m in find_mentions(doc, gazetteer):
        m.candidates = (gazetteer.admin_candidates(m.text) if m.admin_word else []) or list(gazetteer.candidates(m.name))
        if m.label not in ENTITY_LABELS and m.name.isupper() and not any(
                c.kind in ("country", "region", "admin1") for c in m.candidates):
            continue  # an acronym ("NATO") that only matches some village
        mentions.append(m)
        m.reason = metonymy(m, doc, _countryish(m, gazetteer))
        m.is_place = not m.reason
    return mentions


def extract_places(doc: Doc, gazetteer: Gazetteer | None = None,
                   sentences: list[Sentence] | None = None, sentence_of: list[int] | None = None) -> list[Place]:
    """Places mentioned in ``doc`` as locations, ids p1.. in text order.

    ``sentences`` are ``fogofwar.nlp.sentences_of(doc)`` (computed when not given);
    ``Place.sentence`` indexes them and ``doc.text[start:end] == mention``. ``sentence_of``
    is ``fogofwar.nlp.sentence_index(doc, sentences)`` when the caller has it already.
    """
    from fogofwar.nlp import sentences_of

    gazetteer = gazetteer or get_gazetteer()
    sentences = sentences if sentences is not None else sentences_of(doc)
    mentions = analyse(doc, gazetteer)
    resolutions = resolve_mentions(mentions, gazetteer, doc)
    if sentence_of is None:
        sentence_of = _sentence_of_tokens(doc, sentences)
    return anchor_local_places(to_places(mentions, resolutions, sentence_of, doc))


# A district any old town has: the article's town's, not the best-known one (Jerusalem's).
GENERIC_DISTRICTS = {"old city", "the old city", "old town", "city centre", "city center", "downtown", "medina",
                     "old quarter", "historic centre", "historic center"}


def anchor_local_places(places: list[Place]) -> list[Place]:
    """A feature the gazetteer has no point for (a mosque, an airport, a base) or a generic district
    ("the Old City") is in the town the text names nearest to it: in its sentence or the three
    before, else the next sentence. Such a place keeps its mention and takes the town's point and
    country, with a lower confidence; without such a town it is left as it is."""
    towns = [p for p in places if p.kind in ("city", "village") and p.lat is not None
             and normalize(p.mention) not in GENERIC_DISTRICTS]
    for place in places:
        generic = normalize(place.mention) in GENERIC_DISTRICTS
        if not generic and not (place.lat is None and place.kind in ("feature", "region")):
            continue
        named = [t for t in towns if not generic and f" {normalize(t.mention)} " in f" {normalize(place.mention)} "]
        before = [t for t in towns if place.sentence - 3 <= t.sentence <= place.sentence and t.start < place.start]
        after = [t for t in towns if place.sentence <= t.sentence <= place.sentence + 1 and t.start > place.end]
        host = named[0] if named else before[-1] if before else (after[0] if after else None)
        # ("Tripoli International Airport": Tripoli, named anywhere in the article)
        if host is None:
            continue
        place.lat, place.lon, place.country, place.admin1 = host.lat, host.lon, host.country, host.admin1
        place.geonameid, place.name = None, place.mention
        place.kind = "region" if generic else "feature"
        place.confidence = min(place.confidence, 0.5)
    return places


def resolve_text(text: str, gazetteer: Gazetteer | None = None) -> list[Place]:
    """Convenience: parse ``text`` with the shared pipeline and extract its places."""
    from fogofwar.nlp import load_nlp

    return extract_places(load_nlp()(text), gazetteer)
