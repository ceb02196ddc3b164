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
  ``exp(-d / 150 km)`` to the nearest confident other place;
* the first-level unit and county of the document's other confident places
  ("Shreveport" settles which Mansfield), and a country holding 80% of a
  name's probability mass ("Brazzaville": the Congo, city or department);
* coherence among unsettled names: a candidate near, inside or containing a
  leading reading of another unsettled name gains (Athens + Henderson County);
* a spatial round is run twice, so that places it settles become evidence;
* a bare first-level unit name ("Oregon", "Kansas") gains over the villages so
  named; initials ("EU") written as a place's own differently-cased name
  ("Eu") lose.

A reading is evidence for the rest of the document (anchor, unit, county)
when its softmax share is at least ``CONFIDENT_SHARE`` (0.8: weaker readings
spread their own errors). A name the gazetteer lacks is tried through
fallback names (:func:`_fallback_names`: "Neches River" -> Neches, "Ohioans"
-> Ohio), at half the confidence.

A country name with several country readings ("Congo") is not itself evidence.

The confidence is the softmax share of the best candidate (temperature 1),
times a recognition factor (lower for gazetteer-only matches). Ties break on
kind, population and geonameid, so the result is deterministic.
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from spacy.attrs import ORTH
from spacy.strings import get_string_id
from spacy.tokens import Doc

from fogofwar.models import Place
from fogofwar.nlp import text_of
from fogofwar.places.gazetteer import KIND_RANK, Candidate, Gazetteer
from fogofwar.places.normalize import keys, normalize
from fogofwar.places.recognize import ADMIN2_WORDS, ENTITY_LABELS, SITE_NAME_WORDS, Mention

_COMMA = get_string_id(",")
BARE_PRIOR = {"country": 3.0, "region": 0.7, "feature": 2.0, "city": 1.2, "admin1": 1.3, "village": 0.8, "admin2": -0.8}
UNIT_PRIOR = {"admin1": 3.0, "admin2": 1.5, "region": 2.5, "country": -2.0, "city": -2.0, "village": -3.0}
UNIT2_PRIOR = {"admin2": 3.0, "admin1": 1.0, "region": 1.0, "country": -2.0, "city": -2.0, "village": -3.0}
COHERENCE_TOP = 10  # candidates per unsettled name used for coherence
COHERENCE_WEIGHT = 1.75
FAR_FROM_ANCHORS_KM = 6000.0  # a reading this far from every confident place gains no coherence
SETTLEMENT_PRIOR = {"city": 2.5, "village": 1.5, "admin2": -1.0, "admin1": -1.5, "country": -2.0, "region": -1.0, "feature": 0.0}
POPULATION_WEIGHT = 0.35  # per decade of population
ANCHOR_WEIGHT = 2.0  # nearness to the nearest confident other place
CONFIDENT_SHARE = 0.8  # softmax share above which a reading is evidence for the rest of the document
ACRONYM_PENALTY = 4.0  # initials met as a place's own name written otherwise
OWN_NAME_WEIGHT = 1.0  # the mention is the entry's own name, not an alternate
UNIT_NAME_WEIGHT = 1.5  # more when that entry is a first-level unit (a bare state name)
REGION_NAME_WEIGHT = 2.0  # more when it is a region of several countries (a continent, the Middle East)


@dataclass
class Resolution:
    candidate: Candidate | None
    confidence: float
    score: float = 0.0
    in_doc_country: bool = False
    alternatives: list[tuple[float, Candidate]] = field(default_factory=list)  # (score, candidate), best first


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


@functools.lru_cache(maxsize=1)
def _fallback_words() -> dict:
    path = resources.files("fogofwar").joinpath("data", "places", "fallback.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _fallback_names(name: str) -> list[tuple[str, bool]]:
    """Other names to try for a name the gazetteer lacks, as (name, is_people_word), likeliest first.

    "Neches River" -> "Neches"; "Port of Los Angeles" -> "Los Angeles";
    "Ohioans" -> "Ohio"; "Dagestani" -> "Dagestan"; "Abkhaz" -> "Abkhazia".
    """
    words = _fallback_words()
    n = normalize(name)
    out: list[tuple[str, bool]] = []
    first, _, rest = n.partition(" ")
    if rest and first in words["abbreviations"]:  # "Mt. Pleasant" -> "mount pleasant"
        out.append((words["abbreviations"][first] + " " + rest, False))
    for suf in sorted(words["feature_suffixes"], key=len, reverse=True):
        if n.endswith(" " + suf):
            out.append((n[: -len(suf) - 1].strip(), False))
            break
    for pre in sorted(words["feature_prefixes"], key=len, reverse=True):
        if n.startswith(pre + " "):
            rest = n[len(pre) + 1:].strip()
            out.append((rest, False))
            for suf in words["feature_suffixes"]:
                if rest.endswith(" " + suf):
                    out.append((rest[: -len(suf) - 1].strip(), False))
            break
    if " " not in n or n.split()[0] in ("north", "south", "east", "west", "new"):
        for suf in words["people_suffixes"]:
            if n.endswith(suf) and len(n) - len(suf) >= 3:
                stem = n[: -len(suf)]
                out.extend((stem + end, True) for end in words["people_stem_endings"])
        out.extend((n + end, True) for end in ("ia", "a"))
    seen: set[str] = set()
    return [(x, p) for x, p in out if x and len(x) >= 3 and x != n and not (x in seen or seen.add(x))]


def _fallback_candidates(name: str, gazetteer: Gazetteer) -> list[Candidate]:
    """Candidates of the first fallback name the gazetteer knows (a people word: only its country or unit)."""
    for alt, people in _fallback_names(name):
        found = list(gazetteer.candidates(alt))
        if people:
            found = [c for c in found if c.kind in ("country", "admin1", "region") or (
                c.kind in ("city", "village", "admin2") and c.is_primary)]
        if found:
            return found
    return []


def _acronym(text: str) -> bool:
    """Initials such as "EU", "E.U.", "UAE" (two or three capitals, dots allowed)."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 3 and letters.isalpha() and letters.isupper()


def _population(c: Candidate, gazetteer: Gazetteer | None) -> int:
    """A place's population; for an administrative unit, the summed population of its places."""
    if c.population or gazetteer is None or c.kind not in ("admin1", "admin2"):
        return c.population
    return gazetteer.unit_population(c.country, c.admin1_code, c.admin2_code if c.kind == "admin2" else None)


def _own_name(m: Mention, c: Candidate) -> bool:
    """The mention is the entry's own name.

    A bare "Kharkiv" meets Kharkiv Oblast only through the unit's name without
    its unit word: that is not the unit's own name (the city's it is).
    """
    if not c.is_primary:
        return False
    if m.admin_word or c.kind not in ("admin1", "admin2"):
        return True
    return bool(set(keys(m.name)) & set(keys(c.name)))


def _base_score(m: Mention, c: Candidate, countries: Counter, admin1s: set[tuple[str, str]],
                gazetteer: Gazetteer | None = None, evidence: "Evidence | None" = None) -> float:
    return _evidence_score(_own_score(m, c, gazetteer), c, countries, admin1s, evidence)


def _own_score(m: Mention, c: Candidate, gazetteer: Gazetteer | None) -> float:
    """The first terms of :func:`_base_score`, those that do not depend on the document's evidence
    (computed once per mention and candidate; the evidence terms are added in the same order)."""
    s = _prior(m, c)
    if _acronym(m.text) and c.is_primary and not c.name.isupper():
        s -= ACRONYM_PENALTY  # "EU" is the union's initials, not the French town Eu
    if _own_name(m, c):
        s += OWN_NAME_WEIGHT
        if c.kind == "admin1" and not m.admin_word and not m.settlement_hint:
            s += UNIT_NAME_WEIGHT  # a bare state name ("Oregon", "Kansas"): rarely a village's
        elif c.kind == "region" and c.country is None:
            s += REGION_NAME_WEIGHT  # "Asia", "Middle East": not the towns so named in a country the text names
    s += POPULATION_WEIGHT * math.log10(_population(c, gazetteer) + 1)
    return s


def _evidence_score(s: float, c: Candidate, countries: Counter, admin1s: set[tuple[str, str]],
                    evidence: "Evidence | None" = None) -> float:
    """:func:`_own_score` ``s`` plus the terms of the document's evidence."""
    if c.country and countries.get(c.country):
        s += 2.5 if c.kind != "country" else 1.0
    if c.kind not in ("country", "admin1") and c.country and c.admin1_code:
        if (c.country, c.admin1_code) in admin1s:
            s += 2.0 if c.kind != "admin2" else 1.5
        elif evidence is not None and (c.country, c.admin1_code) in evidence.place_units:
            s += 1.0  # the first-level unit of the document's other confident places
    if evidence is not None and c.kind in ("city", "village", "feature") and c.admin2_code and (
            c.country, c.admin1_code, c.admin2_code) in evidence.admin2s:
        s += 1.5
    return s


@dataclass
class Evidence:
    """What the other confident places of the document say (filled by the first pass)."""

    place_units: set[tuple[str, str]] = field(default_factory=set)  # (country, admin1) of confident places
    admin2s: set[tuple[str, str, str]] = field(default_factory=set)  # confident second-level units


def _likely_country(scored: list[tuple[float, Candidate]]) -> str | None:
    """The country holding 80%+ of a mention's softmax mass, if any."""
    top = scored[0][0]
    mass: Counter = Counter()
    for sc, c in scored:
        mass[c.country] += math.exp(sc - top)
    total = sum(mass.values())
    cc, w = mass.most_common(1)[0]
    return cc if cc and w / total >= 0.8 else None


def _softmax_share(scores: list[float]) -> float:
    top = max(scores)
    z = sum(math.exp(s - top) for s in scores)
    return 1.0 / z


def resolve_mentions(mentions: list[Mention], gazetteer: Gazetteer, doc: Doc | None = None) -> list[Resolution]:
    """One resolution per mention (candidate None when the gazetteer has no entry)."""
    fallback: set[int] = set()  # mentions read through another name ("Neches River" -> Neches)
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
            if not m.candidates and m.is_place and m.text.split()[-1] not in SITE_NAME_WORDS:
                # (a named site, "Naim Square", is not the village Naim: it lies in the town near it)
                m.candidates = _fallback_candidates(m.text, gazetteer)
                if m.candidates:
                    fallback.add(id(m))

    # document evidence: countries named (places, metonyms, nationality words)
    countries: Counter = Counter()
    for m in mentions:
        named_countries = [c for c in m.candidates if c.kind == "country"]
        if len(named_countries) > 1:
            continue  # "Congo": which one is for the rest of the document to say
        for c in named_countries:
            if c.is_primary or m.label in ENTITY_LABELS:
                countries[c.country] += 1
    if doc is not None:
        dem = gazetteer.demonyms
        text = text_of(doc)  # (an entity's text is this slice of it)
        for e in doc.ents:
            if e.label_ in ("NORP", "GPE"):
                cc = dem.get(normalize(text[e.start_char:e.end_char]))
                if cc:
                    countries[cc] += 1

    # the evidence-free part of each candidate's score, once per mention; mentions written alike
    # with the same candidates (a name repeated through the text) share it
    own_scores: list[list[float]] = []
    shared: dict[tuple, list[float]] = {}
    for m in mentions:
        sig = (m.text, m.name, m.admin_word, m.settlement_hint, tuple(map(id, m.candidates)))
        if sig not in shared:
            shared[sig] = [_own_score(m, c, gazetteer) for c in m.candidates]
        own_scores.append(shared[sig])

    # admin1 units named as units ("Kharkiv region") or abbreviated after a place ("Athens, Ga.")
    admin1s: set[tuple[str, str]] = set()
    no_units: set[tuple[str, str]] = set()
    for m, own in zip(mentions, own_scores):
        if m.admin_word and m.candidates:
            best = max(zip(own, m.candidates),
                       key=lambda sc: (_evidence_score(sc[0], sc[1], countries, no_units), -sc[1].geonameid))[1]
            if best.kind == "admin1" and best.country and best.admin1_code:
                admin1s.add((best.country, best.admin1_code))
    if doc is not None:
        # the words after a comma, found by the comma's hash (ORTH) rather than every token's text
        orths = doc.to_array(ORTH).tolist() if len(doc) else []
        strings = doc.vocab.strings
        for k in [k + 1 for k, h in enumerate(orths[:-1]) if h == _COMMA]:
            word = strings[orths[k]]
            if "." in word:
                abbr = _abbreviation(word)
                if abbr is not None:
                    admin1s.add(abbr)
                    countries[abbr[0]] += 1

    named_units = set(admin1s)  # units the text names as units ("Idlib province", "Kharkiv region")
    evidence = Evidence()

    def score_all() -> list[list[tuple[float, Candidate]]]:
        out = []
        for m, own in zip(mentions, own_scores):
            scored = [(_evidence_score(s, c, countries, admin1s, evidence), c) for s, c in zip(own, m.candidates)]
            scored.sort(key=lambda sc: (-sc[0], sc[1].geonameid))
            out.append(scored)
        return out

    # pass 1, then again with the first-level units and countries of confident places as evidence
    first = score_all()
    more_units: set[tuple[str, str]] = set()
    more_countries: Counter = Counter()
    for m, scored in zip(mentions, first):
        if not scored or not m.is_place:
            continue
        country = _likely_country(scored)
        if country and not countries.get(country) and not any(c.kind == "country" for _, c in scored[:1]):
            more_countries[country] += 1  # "Brazzaville" (city or department): in the Congo either way
        if _softmax_share([sc for sc, _ in scored]) < CONFIDENT_SHARE:
            continue
        best = scored[0][1]
        if best.kind == "admin1" and best.country and best.admin1_code:
            more_units.add((best.country, best.admin1_code))
        elif best.kind in ("admin2", "city", "village", "feature") and best.country and best.admin1_code:
            evidence.place_units.add((best.country, best.admin1_code))
        if best.kind == "admin2" and best.admin2_code:
            evidence.admin2s.add((best.country, best.admin1_code, best.admin2_code))
        if best.kind != "country" and best.country and not countries.get(best.country):
            more_countries[best.country] += 1
    named = Counter(countries)  # countries the document names (not inferred from its places)
    if more_units - admin1s or more_countries or evidence.place_units or evidence.admin2s:
        admin1s |= more_units
        countries.update(more_countries)
        first = score_all()

    final_scores = _spatial(mentions, first, set(countries))
    # a second round: places that the spatial pass made confident are evidence too
    # ("Virginia" settles on the state once "Alexandria" is read near it, and then
    # says which Alexandria)
    units_before = (set(admin1s), set(evidence.place_units), set(evidence.admin2s), set(countries))
    for m, final in zip(mentions, final_scores):
        if not final or not m.is_place or _softmax_share([sc for sc, _ in final]) < CONFIDENT_SHARE:
            continue
        best = final[0][1]
        if best.kind == "admin1" and best.country and best.admin1_code:
            admin1s.add((best.country, best.admin1_code))
        elif best.kind in ("admin2", "city", "village", "feature") and best.country and best.admin1_code:
            evidence.place_units.add((best.country, best.admin1_code))
        if best.kind == "admin2" and best.admin2_code:
            evidence.admin2s.add((best.country, best.admin1_code, best.admin2_code))
        if best.kind != "country" and best.country and not countries.get(best.country):
            countries[best.country] += 1
    if (set(admin1s), set(evidence.place_units), set(evidence.admin2s), set(countries)) != units_before:
        final_scores = _spatial(mentions, score_all(), set(countries))

    out: list[Resolution] = []
    for m, final in zip(mentions, final_scores):
        if not final:
            out.append(Resolution(None, 0.0))
            continue
        final = _seat_first(m, final, named_units)
        share = _softmax_share([s for s, _ in final]) * (0.5 if id(m) in fallback else 1.0)
        best = final[0][1]
        out.append(Resolution(best, share, final[0][0], bool(best.country and named.get(best.country)),
                              final[:5]))
    return out


def _seat_first(m: Mention, final: list[tuple[float, Candidate]], named_units: set[tuple[str, str]]
                ) -> list[tuple[float, Candidate]]:
    """A bare name shared by a unit and the town inside it that the unit is named after ("Gao",
    "Kidal", "Afmadow") is the town, unless the text names the unit as a unit ("Kidal region")."""
    best = final[0][1]
    if m.admin_word or best.kind not in ("admin1", "admin2") or (best.country, best.admin1_code) in named_units:
        return final
    names = {normalize(m.name), normalize(best.name)}  # ("Raqqa": the unit and the town are both "Ar Raqqah")
    for k, (_, c) in enumerate(final[1:], start=1):
        if c.kind in ("city", "village") and normalize(c.name) in names and c.country == best.country \
                and c.admin1_code == best.admin1_code and (best.kind == "admin1" or c.admin2_code == best.admin2_code):
            return [final[k]] + final[:k] + final[k + 1:]
    return final


def _within(c: Candidate, o: Candidate) -> bool:
    """One of the two entries is a unit that contains the other."""
    if c.country != o.country or not c.admin1_code or c.admin1_code != o.admin1_code:
        return False
    if o.kind == "admin1" or c.kind == "admin1":
        return True
    if o.kind == "admin2" or c.kind == "admin2":
        return bool(c.admin2_code) and c.admin2_code == o.admin2_code
    return False


def _point(lat: float, lon: float) -> tuple[float, float, float]:
    """(longitude, latitude in radians, its cosine): the per-point part of :func:`_km`."""
    p = math.radians(lat)
    return lon, p, math.cos(p)


def _km(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """``haversine_km`` between two :func:`_point` s, the same operations in the same order (so the
    same float), with each point's radians and cosine computed once instead of on every pair."""
    dp, dl = b[1] - a[1], math.radians(b[0] - a[0])
    h = math.sin(dp / 2) ** 2 + a[2] * b[2] * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _spatial(mentions: list[Mention], scored_all: list[list[tuple[float, Candidate]]],
             supported: set[str] | None = None) -> list[list[tuple[float, Candidate]]]:
    """Add spatial evidence to the scores: nearness to the document's other places.

    Confident places (softmax share >= ``CONFIDENT_SHARE``) are anchors: ``2 exp(-d / 150 km)``
    to the nearest one.  For names not yet settled, each of their leading
    candidates is a possible reading: a candidate near (or inside, or
    containing) a reading of another such name gains ``COHERENCE_WEIGHT exp(-d / 100 km)``
    for each of its two nearest names -- an ambiguous name is likelier to be
    the one near some reading of the document's other names. Not far from every
    confident place, when the document has any: two ambiguous names that both
    have namesakes in some far country ("Lebanon", "Geneva" in a report from
    Syria) do not make each other likely there.
    """
    anchors: dict[str, tuple[float, float, float]] = {}
    for m, scored in zip(mentions, scored_all):
        if not scored or not m.is_place:
            continue
        share = _softmax_share([s for s, _ in scored])
        best = scored[0][1]
        if best.kind == "country" or best.lat is None or share < CONFIDENT_SHARE:
            continue
        if m.key not in anchors:
            anchors[m.key] = _point(best.lat, best.lon)

    # per reading: the candidate, its point, and its unit (only readings in one unit can contain each other)
    open_names: dict[str, list[tuple[Candidate, tuple[float, float, float], tuple]]] = {}
    for m, scored in zip(mentions, scored_all):
        if m.key in anchors or not scored or not m.is_place or m.key in open_names:
            continue
        cands = [(c, _point(c.lat, c.lon), (c.country, c.admin1_code)) for _, c in scored[:COHERENCE_TOP]
                 if c.lat is not None and c.kind != "country"]
        if cands:
            open_names[m.key] = cands

    out = []
    # the spatial terms of a candidate depend only on the mention's name (which places are
    # "other") and on whether the mention has rivals: repeated mentions reuse them
    terms: dict[tuple[str, bool, int], tuple[float | None, float | None]] = {}
    for m, scored in zip(mentions, scored_all):
        if not scored:
            out.append([])
            continue
        final = []
        others = [xy for k, xy in anchors.items() if k != m.key]
        loose = [cands for k, cands in open_names.items() if k != m.key]
        rivals = len(scored) > 1
        for s, c in scored:
            if c.lat is not None and c.kind != "country":
                key = (m.key, rivals, id(c))
                term = terms.get(key)
                if term is None:
                    anchor = coherence = None
                    here = _point(c.lat, c.lon)
                    far = False
                    if others:
                        d = min(_km(here, xy) for xy in others)
                        anchor = ANCHOR_WEIGHT * math.exp(-d / 150.0)
                        far = d > FAR_FROM_ANCHORS_KM
                    if loose and rivals and not far:
                        unit = (c.country, c.admin1_code)
                        near = sorted(min(0.0 if u == unit and _within(c, o) else _km(here, xy) for o, xy, u in cands)
                                      for cands in loose)
                        coherence = COHERENCE_WEIGHT * sum(math.exp(-d / 100.0) for d in near[:2])
                    term = terms[key] = (anchor, coherence)
                if term[0] is not None:
                    s += term[0]
                if term[1] is not None:
                    s += term[1]
            final.append((s, c))
        final.sort(key=lambda sc: (-sc[0], _tiebreak(sc[1])))
        out.append(final)
    return out


def _tiebreak(c: Candidate) -> tuple:
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
        if m.label == "ORG" and c is not None and c.kind == "village" and c.population < 5_000 \
                and not m.settlement_hint:
            continue  # "held up in Congress": the model reads a body, and only a hamlet has the name
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
        if cc:  # a nationality word given as a toponym ("Iraqi"): its country, not a village so named
            country = gazetteer.country(cc)
            m.candidates = [country] if country is not None else []
        targets.append(m)
    others = [m for m in context
              if not any(m.start < e and s < m.end for s, e in spans)]
    res = resolve_mentions(targets + others, gazetteer, doc)
    return res[:len(targets)]
