"""Choose one gazetteer entry per mention, from the evidence in the whole document.

Each candidate gets a score, the sum of:

* a kind prior given the mention's form: a unit phrase ("Kharkiv region")
  wants an admin1 unit (admin2 for "district"/"raion"); "the city of X" wants a
  settlement; a bare name prefers a country, then a region, a city, an admin1
  unit, a village, an admin2 unit;
* whether the mention is the entry's own name (not one of its alternates);
* log10 of its population (0 for units);
* document evidence: the entry lies in a country the document names (its
  toponyms, metonyms included, and nationality words such as "Ukrainian"),
  in an admin1 unit the document names, and near the other places of the
  document (places in one report cluster): a second pass adds
  ``exp(-d / 150 km)`` to the nearest confident other place.

The confidence is the softmax share of the best candidate (temperature 1),
times a recognition factor (lower for gazetteer-only matches). Ties break on
kind, population and geonameid, so the result is deterministic.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc

from fogofwar.models import Place
from fogofwar.places.gazetteer import Candidate, Gazetteer, haversine_km
from fogofwar.places.normalize import normalize
from fogofwar.places.recognize import ADMIN2_WORDS, ENTITY_LABELS, Mention

BARE_PRIOR = {"country": 3.0, "region": 0.7, "feature": 2.0, "city": 1.5, "admin1": 0.8, "village": 0.0, "admin2": -0.8}
UNIT_PRIOR = {"admin1": 3.0, "admin2": 1.5, "region": 2.5, "country": -2.0, "city": -2.0, "village": -3.0}
UNIT2_PRIOR = {"admin2": 3.0, "admin1": 1.0, "region": 1.0, "country": -2.0, "city": -2.0, "village": -3.0}
SETTLEMENT_PRIOR = {"city": 2.5, "village": 1.5, "admin2": -1.0, "admin1": -1.5, "country": -2.0, "region": -1.0, "feature": 0.0}


@dataclass
class Resolution:
    candidate: Candidate | None
    confidence: float
    score: float = 0.0
    in_doc_country: bool = False


def _prior(m: Mention, c: Candidate) -> float:
    if m.admin_word:
        table = UNIT2_PRIOR if m.admin_word in ADMIN2_WORDS else UNIT_PRIOR
    elif m.settlement_hint:
        table = SETTLEMENT_PRIOR
    else:
        table = BARE_PRIOR
    return table.get(c.kind, 0.0)


@functools.lru_cache(maxsize=1)
def admin1_abbreviations() -> dict[str, tuple[str, str]]:
    """Newspaper abbreviations of first-level units ("Ga.", "W.Va.") -> (country, admin1 code)."""
    path = resources.files("fogofwar").joinpath("data", "places", "admin1_abbreviations.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, str]] = {}
    for cc, table in data.items():
        if cc.startswith("_"):
            continue
        for abbr, code in table.items():
            out[abbr.replace(" ", "")] = (cc, code)
    return out


def _abbreviation(text: str) -> tuple[str, str] | None:
    t = text.replace(" ", "")
    return admin1_abbreviations().get(t) if "." in t else None


def _population(c: Candidate, gazetteer: Gazetteer | None) -> int:
    """A place's population; for an administrative unit, the summed population of its places."""
    if c.population or gazetteer is None or c.kind not in ("admin1", "admin2"):
        return c.population
    return gazetteer.unit_population(c.country, c.admin1_code, c.admin2_code if c.kind == "admin2" else None)


def _base_score(m: Mention, c: Candidate, countries: Counter, admin1s: set[tuple[str, str]],
                gazetteer: Gazetteer | None = None) -> float:
    s = _prior(m, c)
    s += 1.0 if c.is_primary else 0.0
    s += 0.35 * math.log10(_population(c, gazetteer) + 1)
    if c.country and countries.get(c.country):
        s += 2.5 if c.kind != "country" else 1.0
    if c.kind not in ("country", "admin1", "admin2") and c.country and c.admin1_code and (c.country, c.admin1_code) in admin1s:
        s += 2.0
    return s


def _softmax_share(scores: list[float]) -> float:
    top = max(scores)
    z = sum(math.exp(s - top) for s in scores)
    return 1.0 / z


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer, doc: Doc | None = None) -> list[Resolution]:
    """One resolution per mention (candidate None when the gazetteer has no entry)."""
    for m in mentions:
        abbr = _abbreviation(m.text)
        if abbr is not None:  # "Ga." after a town: the state, never a village called "Ga"
            unit = gazetteer.admin1(*abbr)
            if unit is not None:
                m.candidates = [unit]
        if not m.candidates:
            if m.admin_word:
                m.candidates = gazetteer.admin_candidates(m.text) or gazetteer.admin_candidates(m.name)
            if not m.candidates:
                m.candidates = list(gazetteer.candidates(m.name))
            if m.admin_word and not m.candidates:
                m.candidates = list(gazetteer.candidates(m.text))

    # document evidence: countries named (places, metonyms, nationality words)
    countries: Counter = Counter()
    for m in mentions:
        for c in m.candidates:
            if c.kind == "country" and c.is_primary or (c.kind == "country" and m.label in ENTITY_LABELS):
                countries[c.country] += 1
                break
    if doc is not None:
        dem = gazetteer.demonyms
        for e in doc.ents:
            if e.label_ in ("NORP", "GPE"):
                cc = dem.get(normalize(e.text))
                if cc:
                    countries[cc] += 1

    # admin1 units named as units ("Kharkiv region") or abbreviated after a place ("Athens, Ga.")
    admin1s: set[tuple[str, str]] = set()
    for m in mentions:
        if m.admin_word and m.candidates:
            best = max(m.candidates, key=lambda c: (_base_score(m, c, countries, set(), gazetteer), -c.geonameid))
            if best.kind == "admin1" and best.country and best.admin1_code:
                admin1s.add((best.country, best.admin1_code))
    if doc is not None:
        for tok in doc[1:]:
            if tok.nbor(-1).text == "," and "." in tok.text:
                abbr = _abbreviation(tok.text)
                if abbr is not None:
                    admin1s.add(abbr)
                    countries[abbr[0]] += 1

    def score_all() -> list[list[tuple[float, Candidate]]]:
        out = []
        for m in mentions:
            scored = [(_base_score(m, c, countries, admin1s, gazetteer), c) for c in m.candidates]
            scored.sort(key=lambda sc: (-sc[0], sc[1].geonameid))
            out.append(scored)
        return out

    # pass 1, then again with the first-level units and countries of confident places as evidence
    first = score_all()
    more_units: set[tuple[str, str]] = set()
    more_countries: Counter = Counter()
    for m, scored in zip(mentions, first):
        if not scored or not m.is_place or _softmax_share([sc for sc, _ in scored]) < 0.6:
            continue
        best = scored[0][1]
        if best.kind == "admin1" and best.country and best.admin1_code:
            more_units.add((best.country, best.admin1_code))
        if best.kind != "country" and best.country and not countries.get(best.country):
            more_countries[best.country] += 1
    named = Counter(countries)  # countries the document names (not inferred from its places)
    if more_units - admin1s or more_countries:
        admin1s |= more_units
        countries.update(more_countries)
        first = score_all()

    # anchors: confident non-country places, one per distinct name
    anchors: dict[str, tuple[float, float]] = {}
    for m, scored in zip(mentions, first):
        if not scored or not m.is_place:
            continue
        share = _softmax_share([s for s, _ in scored])
        best = scored[0][1]
        if best.kind == "country" or best.lat is None or share < 0.6:
            continue
        anchors.setdefault(m.key, (best.lat, best.lon))

    out: list[Resolution] = []
    for m, scored in zip(mentions, first):
        if not scored:
            out.append(Resolution(None, 0.0))
            continue
        final = []
        others = [xy for k, xy in anchors.items() if k != m.key]
        for s, c in scored:
            if others and c.lat is not None and c.kind != "country":
                d = min(haversine_km(c.lat, c.lon, la, lo) for la, lo in others)
                s += 2.0 * math.exp(-d / 150.0)
            final.append((s, c))
        final.sort(key=lambda sc: (-sc[0], _tiebreak(sc[1])))
        share = _softmax_share([s for s, _ in final])
        best = final[0][1]
        out.append(Resolution(best, share, final[0][0], bool(best.country and named.get(best.country))))
    return out


def _tiebreak(c: Candidate) -> tuple:
    from fogofwar.places.gazetteer import KIND_RANK

    return (KIND_RANK.get(c.kind, 9), -c.population, c.geonameid)


def to_places(mentions: list[Mention], resolutions: list[Resolution], sentence_of: list[int], doc: Doc) -> list[Place]:
    """Contract PLACE records, ids p1.. in text order."""
    places: list[Place] = []
    for m, r in sorted(zip(mentions, resolutions), key=lambda mr: mr[0].start):
        if not m.is_place:
            continue
        c = r.candidate
        if m.label not in ENTITY_LABELS and c is not None and not (
                m.settlement_hint or (m.cue and c.kind == "city") or r.in_doc_country or c.population >= 50_000 or c.kind in ("country", "admin1", "region", "feature")):
            continue  # a name the model did not tag as a place, that fits nothing else in the document
        recog = 1.0 if m.label in ENTITY_LABELS else (0.85 if m.cue else 0.7)
        if c is None:
            if m.label not in ENTITY_LABELS or not all(ch.isalpha() or ch in " -'’." for ch in m.name):
                continue  # "M23": not a name the gazetteer or the reader would place
            kind = "feature" if m.label == "FAC" else ("region" if m.label == "LOC" else "village")
            if m.admin_word:
                kind = "admin2" if m.admin_word in ADMIN2_WORDS else "admin1"
            places.append(Place(id="", mention=m.text, start=m.start, end=m.end,
                                sentence=sentence_of[m.tok_start], geonameid=None, name=m.name, kind=kind,
                                lat=None, lon=None, country=None, admin1=None,
                                confidence=round(0.3 * recog, 3), population=None))
            continue
        places.append(Place(
            id="", mention=m.text, start=m.start, end=m.end, sentence=sentence_of[m.tok_start],
            geonameid=c.public_id, name=c.name, kind=c.kind,
            lat=round(c.lat, 5) if c.lat is not None else None,
            lon=round(c.lon, 5) if c.lon is not None else None,
            country=c.country, admin1=c.admin1_name if c.kind != "country" else None,
            confidence=round(max(0.05, min(1.0, r.confidence * recog)), 3),
            population=c.population or None,
        ))
    for k, p in enumerate(places, start=1):
        p.id = f"p{k}"
    return places


def resolve_spans(doc: Doc, spans: list[tuple[int, int]], gazetteer: Gazetteer,
                  context: list[Mention] | None = None) -> list[Resolution]:
    """Resolve given character spans (e.g. gold toponyms) in the context of the whole document.

    Each span becomes a place mention (a trailing unit word such as "county" or
    "region" is kept aside as the admin hint, as the recogniser does); the
    document's own recognised mentions that do not overlap a span are added as
    context evidence (countries, admin1 units, nearby places).  ``context`` are
    those mentions when already computed (``fogofwar.places.analyse(doc)``).
    One resolution per span, in order; candidate None when nothing matches.
    """
    from fogofwar.places import analyse
    from fogofwar.places.recognize import _admin_hint, _locative_cue, _name_range, _settlement_hint

    if context is None:
        context = analyse(doc, gazetteer)
    by_span = {(m.start, m.end): m for m in context}
    targets: list[Mention] = []
    for start, end in spans:
        own = by_span.get((start, end))
        span = doc.char_span(start, end, alignment_mode="expand")
        text = doc.text[start:end]
        if own is not None:
            m = Mention(start=start, end=end, tok_start=own.tok_start, tok_end=own.tok_end, text=text,
                        label=own.label, name=own.name, admin_word=own.admin_word,
                        settlement_hint=own.settlement_hint, cue=own.cue)
        elif span is None or len(span) == 0:
            m = Mention(start=start, end=end, tok_start=0, tok_end=0, text=text, label="", name=text)
        else:
            i, j = span.start, span.end
            ni, nj = _name_range(doc, i, j)
            admin = doc[j - 1].lower_ if nj < j else _admin_hint(doc, nj, doc[nj - 1])[0]
            label = next((e.label_ for e in doc.ents if e.start <= i < e.end), "")
            name = doc[ni:nj].text if nj < j else text
            m = Mention(start=start, end=end, tok_start=i, tok_end=j, text=text, label=label,
                        name=name, admin_word=admin)
            m.settlement_hint = _settlement_hint(doc[nj - 1])
            m.cue = bool(admin) or m.settlement_hint or _locative_cue(doc[nj - 1])
        m.is_place = True
        cc = gazetteer.demonyms.get(normalize(m.name))
        if cc and not gazetteer.candidates(m.name):  # a nationality word given as a toponym: its country
            country = gazetteer.country(cc)
            m.candidates = [country] if country is not None else []
        targets.append(m)
    others = [m for m in context
              if not any(m.start < e and s < m.end for s, e in spans)]
    res = resolve_mentions(targets + others, gazetteer, doc)
    return res[:len(targets)]
