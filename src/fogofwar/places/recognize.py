"""Find toponym mentions in a parsed document and drop metonyms for actors.

Two recognisers feed one list of mentions:

1. spaCy's GPE / LOC / FAC entities;
2. a gazetteer phrase matcher: every run of 1-4 capitalised proper-noun
   tokens whose folded form is a gazetteer name.  It finds towns the model
   tags PERSON or ORG ("Balakliya", "Kupiansk") or misses, and unit phrases
   ("the neighboring Donetsk region").  A match that is *only* found this way
   must look like a place: it has a locative cue (a locative preposition, "the
   city of", a unit word, an object of a capture/attack verb, coordination
   with another place), or the same name was recognised as a place elsewhere
   in the document (one sense per discourse).

A unit word right after a name ("Kharkiv region", "Donetsk Oblast", "North
Darfur state") joins the mention and tells the resolver to look for an
administrative unit; "the city/town/village of X" tells it to look for a
settlement.

Metonymy (CONTRACT: a place mention is "used as a location"): a toponym is
not a place when the syntax makes it an actor:

* possessor of anything but a part of space: "Russia's Defense Ministry",
  "Russia's front-line", "Ukraine's counteroffensive" are actors,
  "Ukraine's northeast", "Syria's border", "Sudan's capital" are places;
* a country (or capital) modifying a noun: "U.S. officials", "U.S. assistance",
  "Kremlin spokesman" (not a unit word: "Kharkiv region" is a place);
* the subject of a clause ("Kyiv said", "Russia invaded"), for countries
  and capitals; for other places only as the subject of a speech verb;
* the object of a verb that takes a person ("forcing Russia to withdraw",
  "urged Ukraine"), for countries; the recipient of a transfer ("provide
  rockets to Ukraine", "aid to Ukraine") or the agent ("by Russia"); the
  sender of a message ("warnings from Washington"), for countries and capitals;
* coordinated with an actor noun ("the U.S. and its allies") or a nationality
  adjective modifying an actor ("U.S. and British officials").

Nationality adjectives and demonyms ("Ukrainian", "Russians") are never places.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.attrs import IDX, LENGTH, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from fogofwar.nlp import QUOTE_MARKS
from fogofwar.places.gazetteer import Candidate, Gazetteer
from fogofwar.places.normalize import fold, normalize

ENTITY_LABELS = {"GPE", "LOC", "FAC"}
# Entities whose inside is never a place mention (multi-token ones only; a
# one-token PERSON/ORG is often a mis-tagged town).
BLOCKING_LABELS = {"PERSON", "ORG", "NORP", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "LANGUAGE",
                   "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL"}
ALWAYS_BLOCKING = {"NORP", "DATE", "TIME", "MONEY", "QUANTITY", "PERCENT", "CARDINAL", "ORDINAL", "LANGUAGE"}
# Words a one-word DATE entity may really be; any other capitalised gazetteer name the model
# tagged DATE ("a state of emergency in Amhara on Friday") is a place it mislabelled.
DATE_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
              "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "today", "yesterday", "tomorrow", "tonight", "christmas", "easter", "ramadan", "eid", "passover",
              "hanukkah", "diwali", "nowruz", "thanksgiving", "halloween", "weekend", "spring", "summer",
              "autumn", "fall", "winter"}

ADMIN1_WORDS = {"region", "regions", "oblast", "oblasts", "province", "provinces", "governorate",
                "governorates", "state", "states", "krai", "kray", "prefecture", "wilaya", "territory"}
ADMIN2_WORDS = {"district", "districts", "raion", "rayon", "raions", "county", "counties",
                "municipality", "hromada", "community"}
ADMIN_WORDS = ADMIN1_WORDS | ADMIN2_WORDS
SETTLEMENT_NOUNS = {"city", "cities", "town", "towns", "village", "villages", "settlement", "settlements",
                    "capital", "hamlet", "suburb", "port", "hub"}
SITE_NOUNS = {"airport", "airbase", "airfield", "harbour", "harbor"}  # "Abha airport": the town's
PLACE_EVENT_NOUNS = {"capture", "recapture", "fall", "loss", "liberation", "siege", "encirclement", "bombing",
                     "shelling", "bombardment", "retaking", "seizure", "battle", "defence", "defense", "occupation",
                     "evacuation", "blockade"}  # nouns whose "of" names the place an event happened to
SITE_NAME_WORDS = {"Square", "Bridge", "Institute", "Mosque", "Highway", "Stadium", "Palace", "Hospital",
                   "Airbase", "Cathedral", "Citadel"}  # the last word of a named site ("Naim Square")
PART_OF_TOWN_NOUNS = {"seaport", "port", "outskirts", "suburbs", "centre", "center", "streets", "outskirt"}
CONNECTORS = {"al", "el", "ad", "ar", "as", "ash", "an", "at", "az", "ed", "en", "es", "ez", "de", "del",
              "la", "le", "les", "da", "do", "dos", "das", "di", "bin", "ibn", "bani", "beni", "abu",
              "umm", "ben", "of", "upon", "on", "sur", "am", "im", "-", "'", "’"}
DIRECTIONS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
              "north-east", "north-west", "south-east", "south-west", "northern", "southern",
              "eastern", "western", "central", "centre", "center", "midwest"}
# Nouns that, possessed by a toponym, still denote space: "Ukraine's northeast".
GEO_PART_NOUNS = DIRECTIONS | SETTLEMENT_NOUNS | ADMIN_WORDS | {
    "territory", "territories", "border", "borders", "frontier", "soil", "airspace", "coast",
    "coastline", "interior", "outskirts", "heartland", "mainland", "waters", "skies", "sky",
    "countryside", "hinterland", "part", "parts", "area", "areas", "side", "corner", "edge",
    "periphery", "region", "land", "lands", "shore", "shores", "streets", "neighbourhoods",
    "neighborhoods", "districts", "province", "provinces", "downtown", "suburbs", "regions",
}
LOCATIVE_PREPS = {"in", "into", "inside", "within", "throughout", "across", "near", "nearby", "around",
                  "outside", "at", "toward", "towards", "through", "from", "to", "over", "between",
                  "along", "beyond", "past", "off", "via", "onto", "on", "of", "north", "south", "east",
                  "west", "close", "behind", "until", "till", "amid", "among", "under", "against"}
SPEECH_VERBS = {"say", "tell", "claim", "deny", "announce", "report", "confirm", "state", "insist",
                "warn", "accuse", "allege", "argue", "add", "note", "respond", "reply", "urge",
                "demand", "call", "vow", "threaten", "declare", "acknowledge", "admit", "suggest",
                "believe", "want", "refuse", "reject", "dismiss", "promise", "pledge", "agree",
                "blame", "condemn", "describe", "brief", "write", "post", "insist", "decline"}
# Verbs whose direct object is a place (not an actor), even for a country.
LOCATIVE_VERBS = {"invade", "enter", "attack", "shell", "strike", "hit", "bomb", "capture", "seize",
                  "retake", "recapture", "liberate", "take", "occupy", "control", "hold", "leave",
                  "reach", "visit", "cross", "encircle", "surround", "besiege", "defend", "flee",
                  "evacuate", "annex", "tour", "raid", "target", "storm", "overrun", "abandon",
                  "regain", "reclaim", "secure", "approach", "bombard", "pound", "rock", "devastate",
                  "blockade", "clear", "lose", "free", "fortify", "patrol", "rule", "govern", "split",
                  "divide", "partition", "cut", "isolate", "destroy", "damage", "shake", "ravage",
                  "border", "neighbour", "neighbor"}
# People sent somewhere: "sent instructors to Ouagadougou" is a place they go to, unlike
# "provide rockets to Ukraine", where the country is the recipient.
PERSONNEL_NOUNS = {"troops", "soldiers", "instructors", "advisers", "advisors", "fighters", "reinforcements",
                   "personnel", "mercenaries", "peacekeepers", "officers", "forces", "units", "police",
                   "volunteers", "diplomats", "envoy", "delegation", "observers", "inspectors", "monitors"}
TRANSFER_VERBS = {"provide", "send", "deliver", "supply", "give", "sell", "ship", "transfer", "pledge",
                  "donate", "grant", "export", "offer", "lend", "promise", "funnel", "channel",
                  "approve", "announce", "allocate", "extend", "commit", "dispatch", "rush"}
TRANSFER_NOUNS = {"aid", "assistance", "support", "help", "weapons", "weaponry", "arms", "rockets",
                  "missiles", "munitions", "ammunition", "equipment", "supplies", "shipments", "funding",
                  "money", "loans", "tanks", "jets", "package", "transfer", "deliveries", "delivery",
                  "sanctions", "pressure", "exports", "imports", "threat", "threats", "backing"}
# Things a government sends: "warnings from Washington", "a message from Moscow".
MESSAGE_NOUNS = {"warning", "message", "signal", "statement", "criticism", "word", "call", "request",
                 "demand", "assurance", "guarantee", "approval", "permission", "response", "reaction",
                 "condemnation", "protest", "complaint", "invitation", "offer", "proposal", "ultimatum",
                 "order", "instruction", "letter", "note", "rebuke", "objection", "appeal", "plea"}
ACTOR_NOUNS = {"ally", "allies", "partner", "partners", "official", "officials", "government",
               "governments", "force", "forces", "troops", "military", "army", "leader", "leaders",
               "president", "ministry", "administration", "authorities", "embassy", "ambassador",
               "envoy", "spokesman", "spokeswoman", "spokesperson", "diplomat", "diplomats", "backers",
               "counterpart", "counterparts", "friends", "enemies", "adversaries", "rivals", "members",
               "nations", "countries", "states", "navy", "intelligence", "media", "regime", "side"}


@dataclass
class Mention:
    """A toponym mention before resolution."""

    start: int  # char offsets into doc.text
    end: int
    tok_start: int
    tok_end: int
    text: str
    label: str  # spaCy label ("GPE", "LOC", "FAC", "ORG", "PERSON") or "" for gazetteer-only
    name: str  # the name to look up (mention without its unit word)
    admin_word: str | None = None  # "region", "oblast", "district", ...
    settlement_hint: bool = False  # "the city of X"
    cue: bool = False  # a locative cue was seen
    is_place: bool = True
    reason: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def key(self) -> str:
        return fold(self.name)


def _is_cap(tok: Token) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(c.isalpha() for c in t)


def _strip(doc: Doc | Sequence[Token], i: int, j: int) -> tuple[int, int]:
    """Trim determiners, possessive endings and punctuation from token range [i, j)."""
    while i < j and (doc[i].lower_ in ("the", "a", "an") or doc[i].is_punct):
        i += 1
    while j > i and (doc[j - 1].tag_ == "POS" or doc[j - 1].text in ("'s", "’s", "'") or doc[j - 1].is_punct):
        j -= 1
    return i, j


@functools.lru_cache(maxsize=1)
def peoples() -> frozenset[str]:
    """Normalised names of peoples and ethnic groups (data/places/peoples.json): never places."""
    from fogofwar import lexicon

    return frozenset(normalize(p) for p in lexicon.load("places/peoples.json")["peoples"])


NAMING_VERBS = {"dubbed", "codenamed", "code-named", "nicknamed", "named", "titled"}
_NAMING_VERB_IDS = frozenset(get_string_id(w) for w in NAMING_VERBS)  # their spaCy hashes (LOWER)


def _quoted_names(doc: Doc, toks: list[Token]) -> list[Span]:
    """A quoted title-case name after a naming verb ("a counter-offensive dubbed \"Volcano of
    Anger\"", "an operation codenamed \"Iron Wall\""): an operation's or a group's name.

    The naming verbs are found by their hashes in one array (not by each token's ``lower_``)."""
    out = []
    lowers = doc.to_array(LOWER).tolist() if len(toks) > 2 else []
    for k in [k for k, h in enumerate(lowers[:-2]) if h in _NAMING_VERB_IDS]:
        if toks[k + 1].text not in QUOTE_MARKS:
            continue
        end = next((j for j in range(k + 2, min(k + 12, len(toks))) if toks[j].text in QUOTE_MARKS), None)
        if end is None or end == k + 2:
            continue
        inside = toks[k + 2:end]
        if all(w.text[:1].isupper() or w.lower_ in CONNECTORS or w.is_stop for w in inside):
            out.append(doc[k + 2:end])
    return out


def _blocking_spans(doc: Doc, gazetteer: Gazetteer, toks: list[Token] | None = None) -> list[Span]:
    """Entities whose tokens the phrase matcher must not use.

    The small model often tags towns PERSON, ORG or even NORP ("Khan Younis",
    "El Fasher", "Omdurman"); such an entity does not block when its whole text
    (without "the" / "'s") is a gazetteer name written as a proper noun.
    A partial match inside ("Kurt Volker", "Kharkiv Regional Administration")
    stays blocked.
    """
    from fogofwar.nlp import text_of

    out = []
    demonyms = gazetteer.demonyms
    toks = toks if toks is not None else list(doc)
    text = text_of(doc)
    for e in doc.ents:
        if e.label_ not in ALWAYS_BLOCKING and e.label_ not in ("PERSON", "ORG"):
            continue  # WORK_OF_ART, EVENT, ...: boundaries too unreliable ("Izyum on")
        if _mislabelled_date(e, gazetteer):
            continue
        i, j = _strip(toks, e.start, e.end)
        while j > i + 1 and not _is_cap(toks[j - 1]):
            j -= 1
        if e.label_ in ("ORG", "PERSON", "NORP") and i < j:
            mistagged = j == i + 1 and toks[i].is_alpha and _misread_name(toks[i], doc)  # "captured Bakhmut" tagged RB
            if mistagged or all(t.tag_ in ("NNP", "NNPS") or t.lower_ in CONNECTORS for t in toks[i:j]):
                name = text[toks[i].idx:toks[j - 1].idx + len(toks[j - 1])]  # (the span's text)
                norm = normalize(name)
                if norm not in demonyms and norm not in peoples() and gazetteer.has_name(name):
                    continue
        out.append(e)
    return out + _quoted_names(doc, toks)


def _misread_name(t: Token, doc: Doc) -> bool:
    """A capitalised word inside a sentence that the tagger did not call a proper noun and that is no
    common English word ("captured Bakhmut" with "Bakhmut" tagged RB, "the capture of Kidal" JJ)."""
    return not t.is_sent_start and t.tag_ not in ("NNP", "NNPS") and t.lower_ not in _english_words(doc)


def _mislabelled_date(e: Span, gazetteer: Gazetteer) -> bool:
    """A one-word DATE entity that is a capitalised place name and no word of time ("Amhara")."""
    if e.label_ != "DATE" or len(e) != 1:
        return False
    t = e[0]
    return t.text[:1].isupper() and t.is_alpha and t.lower_ not in DATE_WORDS and not t.is_sent_start \
        and gazetteer.has_name(t.text)


def _conj_root(tok: Token) -> Token:
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok


def _admin_hint(doc: Doc | Sequence[Token], j: int, head: Token) -> tuple[str | None, bool]:
    """(unit word, extends-the-span) for a name ending before token j."""
    if j < len(doc) and doc[j].lower_ in ADMIN_WORDS:
        return doc[j].lower_, True
    root = _conj_root(head)
    h = root.head
    if root.dep_ in ("compound", "amod", "nmod") and h.lower_ in ADMIN_WORDS:
        return h.lower_, False
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in ADMIN_WORDS:
        return root.head.head.lower_, False
    return None, False


def _settlement_hint(head: Token) -> bool:
    root = _conj_root(head)
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in SETTLEMENT_NOUNS:
        return True
    if root.dep_ == "appos" and root.head.lower_ in SETTLEMENT_NOUNS:
        return True
    if root.dep_ == "poss" and (root.head.lower_ in SITE_NOUNS or root.head.lower_ in PART_OF_TOWN_NOUNS):
        return True  # "Kismayo's airport and seaport", "Bakhmut's western outskirts"
    return root.dep_ in ("compound",) and (root.head.lower_ in SETTLEMENT_NOUNS or root.head.lower_ in SITE_NOUNS)


def _geo_part(noun: Token) -> bool:
    """A noun for a part of space ("border", "capital", "northeast"), by its form or its lemma."""
    return noun.lower_ in GEO_PART_NOUNS or noun.lemma_.lower() in GEO_PART_NOUNS or (
        noun.lower_ in SITE_NOUNS or noun.lower_ in PART_OF_TOWN_NOUNS)  # "Kismayo's airport and seaport"


def _surface_locative(toks: Sequence[Token], i: int) -> bool:
    """The word before is a locative preposition or a verb that takes a place ("in X", "captured X"):
    a cue that does not trust the parse, for names the model mislabelled."""
    if i == 0:
        return False
    prev = toks[i - 1]
    return prev.lower_ in LOCATIVE_PREPS or (prev.pos_ in ("VERB", "AUX") and prev.lemma_.lower() in LOCATIVE_VERBS)


def _locative_cue(head: Token) -> bool:
    root = _conj_root(head)
    if root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPS:
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lemma_.lower() in PLACE_EVENT_NOUNS:
        return True  # "the capture of Kidal", "the fall of Bakhmut", "the siege of Mariupol"
    if root.dep_ in ("dobj", "nsubjpass") and root.head.lemma_.lower() in LOCATIVE_VERBS:
        return True  # "captured Izyum", "Kharkiv was hit"
    if root.dep_ == "appos" and root.head.ent_type_ in ("GPE", "LOC"):
        return True
    return False


def metonymy(m: Mention, doc: Doc, countryish: bool) -> str:
    """Why the mention is an actor, not a location ("" when it is a location).

    ``countryish``: the name is a country or a national capital, the toponyms
    that stand for governments.
    """
    head = doc[m.tok_end - 1]
    if m.admin_word:
        return ""
    surface = _surface_metonymy(m, doc, countryish)
    if surface:
        return surface
    # "U.S. and British officials" / "the U.S. and its allies"
    root = _conj_root(head)
    conjuncts = [root] + list(root.conjuncts)
    for c in conjuncts:
        if c is head:
            continue
        if c.tag_ in ("JJ",) and c.ent_type_ in ("NORP", "GPE") and root.head.lemma_.lower() in ACTOR_NOUNS:
            return "coordinated nationality modifying an actor"
        if c.pos_ == "NOUN" and c.lemma_.lower() in ACTOR_NOUNS:
            return "coordinated with an actor noun"
    dep = root.dep_
    gov = root.head
    gov_lemma = gov.lemma_.lower()
    # possessor
    if dep == "poss" or (m.tok_end < len(doc) and doc[m.tok_end].tag_ == "POS"):
        possessed = gov if dep == "poss" else doc[m.tok_end].head
        if _geo_part(possessed):
            return ""
        return "possessor of a non-spatial noun"
    # modifier of a noun
    if dep in ("compound", "nmod", "amod") and gov.pos_ in ("NOUN", "PROPN"):
        if _geo_part(gov):
            return ""
        if countryish or gov_lemma in ACTOR_NOUNS or gov.lower_ in ACTOR_NOUNS:
            return "modifier of a noun"
        return ""
    if dep in ("nsubj", "nsubjpass", "csubj"):
        verb = gov
        if countryish and dep == "nsubj" and verb.lemma_ != "be":
            return "subject of a clause"
        if verb.lemma_.lower() in SPEECH_VERBS:
            return "subject of a speech verb"
        return ""
    if dep == "dobj" and countryish:
        if gov_lemma in LOCATIVE_VERBS:
            return ""
        return "object of a verb taking an actor"
    if dep == "pobj":
        prep = gov.lower_
        attach = gov.head
        if prep == "by" and attach.pos_ in ("VERB", "AUX"):
            return "agent"
        if prep in ("to", "for") and (attach.lemma_.lower() in TRANSFER_VERBS or attach.lemma_.lower() in TRANSFER_NOUNS):
            sent = [c for c in attach.children if c.dep_ in ("dobj", "nsubjpass")]
            sent += [g for c in sent for p in c.children if p.dep_ == "prep" and p.lower_ == "of"
                     for g in p.children if g.dep_ == "pobj"]  # "thousands of troops"
            if countryish and not (prep == "to" and any(c.lower_ in PERSONNEL_NOUNS for c in sent)):
                return "recipient of a transfer"  # (troops sent to a place go there; a town is never a recipient)
        if prep == "from" and countryish and attach.lemma_.lower() in TRANSFER_NOUNS:
            return "supplier"
        if prep == "from" and countryish and attach.lemma_.lower() in MESSAGE_NOUNS:
            return "sender of a message"  # "warnings from Washington"
        if prep in ("with", "against") and countryish and attach.pos_ in ("VERB", "NOUN") and attach.lemma_.lower() not in LOCATIVE_VERBS \
                and not _geo_part(attach):
            return "counterpart"  # (not "the border with Venezuela")
    return ""


def _surface_metonymy(m: Mention, doc: Doc, countryish: bool) -> str:
    """Word-order rules that do not depend on the parse (parses of news prose are brittle)."""
    j = m.tok_end
    if j >= len(doc):
        return ""
    nxt = doc[j]
    if nxt.text == "-" and j + 1 < len(doc) and doc[j + 1].lower_ in ("based", "headquartered", "registered"):
        return "seat of an organisation"  # "the Britain-based war monitor": where it sits, not where things happen
    if countryish and nxt.lower_ in ACTOR_NOUNS | TRANSFER_NOUNS and nxt.pos_ in ("NOUN", "PROPN"):
        return "modifier of an actor noun"
    i = m.tok_start
    if countryish and i >= 2 and doc[i - 1].lower_ == "from" and doc[i - 2].lemma_.lower() in MESSAGE_NOUNS:
        return "sender of a message"  # "warnings from Washington", however the parser attaches "from"
    if countryish and nxt.lower_ in ("and", "or", "&"):
        # "the U.S. and its allies", "the U.S. and British officials"
        for t in doc[j + 1:j + 5]:
            if t.is_punct or t.pos_ in ("VERB", "AUX", "ADP"):
                break
            if t.lower_ in ACTOR_NOUNS:
                return "coordinated with an actor noun"
    return ""


def _name_range(doc: Doc | Sequence[Token], i: int, j: int) -> tuple[int, int]:
    """Drop a trailing unit word from a token range (it is kept aside as the admin hint)."""
    if j - i > 1 and doc[j - 1].lower_ in ADMIN_WORDS:
        return i, j - 1
    return i, j


def find_mentions(doc: Doc, gazetteer: Gazetteer) -> list[Mention]:
    """All toponym mentions (metonyms included, flagged ``is_place=False``).

    The tokens, their texts and offsets are read once up front: ``doc[i]`` builds a
    new Token on every call and ``doc[i:j].text`` a new Span, and the matcher below
    looks at every token (a span's text is the slice of the document text between
    its first token's offset and its last token's end).
    """
    from fogofwar.nlp import text_of

    n = len(doc)
    toks = list(doc)
    text = text_of(doc)
    starts = doc.to_array(IDX).tolist() if n else []
    ends = [s + k for s, k in zip(starts, doc.to_array(LENGTH).tolist())] if n else []
    words = [text[s:e] for s, e in zip(starts, ends)]  # (each token's text)

    # _is_cap (the first character, usually a letter, tested before the rest)
    caps = [bool(w) and w[0].isupper() and (w[0].isalpha() or any(c.isalpha() for c in w)) for w in words]

    def span_text(i: int, j: int) -> str:
        return text[starts[i]:ends[j - 1]] if j > i else ""

    covered = [False] * n
    blocked = [False] * n
    for e in _blocking_spans(doc, gazetteer, toks):
        for k in range(e.start, e.end):
            blocked[k] = True
    demonyms = gazetteer.demonyms
    mentions: list[Mention] = []

    def add(i: int, j: int, label: str) -> None:
        i, j = _strip(toks, i, j)
        if i >= j or any(covered[k] for k in range(i, j)):
            return
        if all(toks[k].tag_ in ("JJ", "JJR", "JJS") for k in range(i, j)) and not (
                label and j == i + 1 and _locative_cue(toks[i]) and toks[i].lower_ not in _english_words(doc)):
            return  # "Ukrainian" tagged GPE (not "the capture of Kidal", "Kidal" tagged NORP and JJ)
        ni, nj = _name_range(toks, i, j)
        if nj < j and any(c.kind == "country" for c in gazetteer.candidates(span_text(i, j))):
            nj = j  # "the United States", "the Gambia": the last word is part of the name, not a unit word
        name = span_text(ni, nj)
        norm = normalize(name)
        if not norm or norm in demonyms or norm in DIRECTIONS or norm in peoples() or not _is_cap(toks[ni]):
            return
        if nj < n - 2 and words[nj] == "-" and not toks[nj - 1].whitespace_ and words[nj + 1].lower() == "general":
            return  # "Secretary-General", "Governor-General": a title
        admin, extend = _admin_hint(toks, nj, toks[nj - 1])
        end_tok = nj + 1 if extend and nj == j else j
        if nj < j:  # the entity already had the unit word
            admin = toks[j - 1].lower_
        m = Mention(start=starts[i], end=ends[end_tok - 1], tok_start=i, tok_end=end_tok,
                    text=span_text(i, end_tok), label=label, name=name, admin_word=admin)
        m.settlement_hint = _settlement_hint(toks[nj - 1])
        m.cue = bool(admin) or m.settlement_hint or _locative_cue(toks[nj - 1]) or (
            j - i == 1 and (i in one_word_dates or (label and toks[i].tag_ not in ("NNP", "NNPS")))
            and _surface_locative(toks, i))  # ("captured Bakhmut", "Bakhmut" tagged ORG and RB)
        for k in range(i, end_tok):
            covered[k] = True
        mentions.append(m)

    ents = doc.ents
    one_word_dates = {e.start for e in ents if len(e) == 1 and e.label_ == "DATE"}  # (see _mislabelled_date)
    def inside_other_name(i: int) -> bool:
        """The tail of a hyphenated name ("Lashkar-e-Taiba") or a mixed-case abbreviation in
        brackets ("the Ministry of Defense (MoD)"): not a place of its own."""
        if i == 0:
            return False
        hyphen_tail = words[i - 1] == "-" and not toks[i - 1].whitespace_ and i > 1 and not toks[i - 2].whitespace_ \
            and words[i - 2].islower()  # a particle: "Lashkar-e-Taiba"; not "Dallas-Fort Worth", "R-Texas"
        abbreviation = words[i - 1] == "(" and i + 1 < n and words[i + 1] == ")" and not words[i].isupper() \
            and not words[i].istitle()
        return hyphen_tail or abbreviation

    # 1. model entities, extended over a connector the tagger cut off when the longer name is
    #    in the gazetteer ("Deir" + "ez-Zor": the model tags "Deir" alone)
    for e in ents:
        if e.label_ in ENTITY_LABELS and not (len(e) == 1 and inside_other_name(e.start)):
            end = e.end
            for j in range(e.end + 1, min(e.end + 4, n) + 1):
                if "\n" in toks[j - 2].whitespace_ or not (caps[j - 1] or words[j - 1].lower() in CONNECTORS):
                    break
                if caps[j - 1] and words[j - 2].lower() in CONNECTORS and gazetteer.has_name(span_text(e.start, j)):
                    end = j
            add(e.start, end, e.label_)

    # 1b. named sites the model missed: capitalised words before a capitalised site word ("Naim
    #     Square", "the Ahmed Baba Institute"): one feature, even where the first word is also a
    #     village ("Naim"); the gazetteer rarely has the site, so it lies in the town named near it
    for k in range(1, n):
        if words[k] not in SITE_NAME_WORDS or covered[k]:
            continue
        start = k
        while start > 0 and k - start < 3 and caps[start - 1] and toks[start - 1].tag_ in ("NNP", "NNPS") \
                and words[start - 1] not in ("The", "A") and not toks[start - 1].is_sent_start \
                and words[start - 1] not in SITE_NAME_WORDS:
            start -= 1
        if start < k and not any(covered[x] for x in range(start, k + 1)):
            add(start, k + 1, "FAC")
            if mentions and mentions[-1].tok_start == start:
                mentions[-1].name, mentions[-1].admin_word = span_text(start, k + 1), None  # the whole name

    # 2. gazetteer phrase matches over capitalised proper-noun runs
    ent_label = {}
    for e in ents:
        for k in range(e.start, e.end):
            ent_label[k] = e.label_
    i = 0
    while i < n:
        if not caps[i] or inside_other_name(i):
            i += 1  # the tail of a hyphenated name ("Lashkar-e-Taiba"), an abbreviation "(MoD)"
            continue  # (the tests here and below only read the document: their order is free)
        if covered[i] or blocked[i] or (toks[i].tag_ not in ("NNP", "NNPS") and not (
                # a sentence-initial name the tagger took for a common noun ("Kharkiv was hit")
                # (only with a locative cue of its own: "Kharkiv was hit", not "Police said")
                toks[i].tag_ == "NN" and toks[i].is_sent_start and _locative_cue(toks[i])) and not (
                # a one-word place name the model tagged DATE and the tagger did not call a
                # proper noun ("in Amhara on Friday"), after a locative word
                i in one_word_dates and not toks[i].is_sent_start and _surface_locative(toks, i)) and not (
                # a name the model tagged ORG/PERSON/NORP and the tagger an adverb or adjective
                # ("captured Bakhmut", "the capture of Kidal"), with a locative cue of its own
                ent_label.get(i) in ("ORG", "PERSON", "NORP") and _misread_name(toks[i], doc)
                and (_locative_cue(toks[i]) or _surface_locative(toks, i)))):
            i += 1
            continue
        best = None
        j = i
        count = 0
        while j < n and count < 5 and not covered[j] and not blocked[j] and "\n" not in words[j]:
            if caps[j]:
                count += 1
            elif not (j > i and toks[j].lower_ in CONNECTORS):
                break
            if caps[j] and gazetteer.has_name(span_text(i, j + 1)):
                best = j + 1
            if j > i and "\n" in toks[j - 1].whitespace_:
                break
            j += 1
        if best is None:
            i += 1
            continue
        add(i, best, ent_label.get(i, "") if ent_label.get(i) in ("ORG", "PERSON", "NORP") else "")
        i = best

    # 3. one sense per discourse: other occurrences of a name the model tagged as a place
    #    (found in the text, kept where they start and end on token boundaries, in order)
    tagged = {span_text(m.tok_start, m.tok_end): m for m in mentions
              if m.label in ENTITY_LABELS and not m.admin_word}
    for text_, m0 in tagged.items():
        width = m0.tok_end - m0.tok_start
        at = text.find(text_)
        while at >= 0:
            k = bisect.bisect_left(starts, at)
            while k < n and starts[k] == at:  # (one token, unless spaCy made empty ones)
                if (k + width <= n and ends[k + width - 1] == at + len(text_)
                        and not any(covered[x] for x in range(k, k + width))):
                    label = ent_label.get(k, "")
                    if not (label in ALWAYS_BLOCKING and normalize(text_) in demonyms):
                        add(k, k + width, m0.label)
                k += 1
            at = text.find(text_, at + 1)

    # unit phrases the model missed around an existing name: handled by add();
    #    gazetteer-only matches need a cue or another accepted mention of the name
    strong = {m.key for m in mentions if m.label in ENTITY_LABELS or m.cue}
    person_starts = {e.start for e in ents if e.label_ == "PERSON"}
    strong_heads = {m.tok_end - 1 for m in mentions if m.label in ENTITY_LABELS or m.cue}
    kept = []
    for m in sorted(mentions, key=lambda m: m.start):
        if not m.label and m.tok_end - m.tok_start == 1 and (m.tok_end in person_starts or (
                m.tok_end + 1 in person_starts and toks[m.tok_end].text == ".")):
            continue  # a title before a name ("Mayor Jorge Acevedo", "Col. Muammar el-Qaddafi"), not a place
        if m.label not in ENTITY_LABELS and not m.cue and m.key not in strong:
            if not (_coordinated_with(toks[m.tok_end - 1], strong_heads) or _weak_ok(m, doc)):
                continue
        kept.append(m)
    return kept


def _coordinated_with(head: Token, heads: set[int]) -> bool:
    """The name is listed with an accepted place ("Srinagar, Amritsar and Chandigarh")."""
    root = _conj_root(head)
    return any(t.i in heads for t in [root, *root.conjuncts] if t.i != head.i)


def _weak_ok(m: Mention, doc: Doc) -> bool:
    """A gazetteer-only, cue-less match: keep it only when it reads like a name in running text."""
    first = doc[m.tok_start]
    if m.label in ("PERSON", "ORG", "NORP"):
        return False
    if first.is_sent_start:
        return False
    head = doc[m.tok_end - 1]
    # a capitalised word that is also an ordinary English word ("Police", "Unity")
    return head.lower_ not in _english_words(doc)


_WORDS: set[str] | None = None


def _english_words(doc: Doc) -> set[str]:
    """Common English words: the spaCy lemmatizer's index of adjectives, adverbs and verbs."""
    global _WORDS
    if _WORDS is None:
        words: set[str] = set()
        try:
            from fogofwar.nlp import load_nlp

            lem = load_nlp().get_pipe("lemmatizer")
            table = lem.lookups.get_table("lemma_index")
            for pos in ("adj", "adv", "verb"):
                if pos in table:
                    words.update(w for w in table[pos] if w.isalpha())
        except Exception:  # pragma: no cover - model without lookups
            pass
        _WORDS = words
    return _WORDS
