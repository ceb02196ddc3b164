"""Sources: the distinct speakers of an article, merged across mentions.

"Kurt Volker" and later "Volker" are one source; "the source" is the last
source called a source; "he" / "it" / "they" is the last source before it.
Each source gets a kind from data/source_kinds.json and a side from the
words of its mentions (Ukrainian, Russia's, pro-Kremlin, U.S.); an
anonymous source that names no side takes the side of the phrase it is
conjoined with, or, for a military source, of the last military source
that has one ("a military source" after "One Ukrainian military source").
Unmarked officials and military sources speak for the theatre's state (the
places' country, else the state most of the article's official sources
name), decided once every kind is known; a local official for the country
of his sentence's places; "his spokesman" / "the bloc's chief" for the body
named first in the sentence; "the group" for the armed group that spoke last.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from spacy.tokens import Span

from fogofwar import lexicon
from fogofwar.claims import Attribution, _capitalised_verb
from fogofwar.models import Source
from fogofwar.nlp import text_of

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "them"}


@functools.lru_cache(maxsize=1)
def _kind_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    actors = lexicon.load("actors.json")["actors"]
    groups = [alias for actor in actors if not actor.get("government") for alias in actor["aliases"]]
    governments = [alias for actor in actors if actor.get("government") for alias in actor["aliases"]]
    for rule in lexicon.load("source_kinds.json")["rules"]:
        phrases = list(rule["phrases"]) + {"military": groups, "official": governments}.get(rule["kind"], [])
        alternatives = []
        for phrase in sorted(phrases, key=len, reverse=True):
            p = re.escape(phrase.strip())
            alternatives.append(p + (r"(?:s|es)?\b" if phrase[-1:].isalnum() else r""))  # "u.n." ends in a dot
        rules.append((rule["kind"], re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")", re.I)))
    return rules


@functools.lru_cache(maxsize=50_000)
def kind_of(text: str, head: tuple[int, int] | None = None) -> str:
    """The source kind a phrase names ("Russia's Defense Ministry" -> military).

    ``head`` is the character span of the phrase's head word inside ``text``:
    a rule whose match covers it wins over the rule order, the longest such
    match first ("Hamas officials" -> official, "Russian military bloggers" -> blogger).
    """
    if head is not None:
        best: tuple[int, str] | None = None
        for kind, pattern in _kind_rules():
            for m in pattern.finditer(text):
                if m.start() <= head[0] and m.end() >= head[1] - 1 and (best is None or m.end() - m.start() > best[0]):
                    best = (m.end() - m.start(), kind)
        if best is not None:
            return best[1]
    for kind, pattern in _kind_rules():
        if pattern.search(text):
            return kind
    return "other"


def _span_kind(span: Span, description: str = "") -> str:
    """Kind of a source phrase: its head word first, then its words and description in rule order."""
    root = span.root
    if _capitalised_verb(root) and span[-1].pos_ == "PROPN":
        root = span[-1]  # "... spokesperson Padoh Saw Taw Nee": a name word the tagger took for a verb
    head = (root.idx - span.start_char, root.idx - span.start_char + len(root.text))
    if _is_evidence_noun(root):
        after = " ".join(t.lower_ for t in root.doc[root.i + 1: min(root.i + 10, root.sent.end)])
        if kind_of(after) == "social_media" or kind_of(span.text) == "social_media":
            return "social_media"  # "Videos posted on social media", "footage shared on Telegram"
    if root.ent_type_ != "PERSON":
        kind = kind_of(span.text, head)
        if kind == "official" and _is_role(root):
            body = _body_kind(span.text, leader=root.lemma_.lower() in LEADER_ROLES)
            if body:
                return body  # "a Red Cross spokeswoman", "the head of the UN mission"
        if kind != "other":
            return kind
    if root.pos_ == "PROPN" and root.i > span.start:
        # "Ukrainian military observer Kostiantyn Mashovets": the title's last word decides
        title = [t for t in span if t.i < root.i and not (t.pos_ == "PROPN" and t.text[:1].isupper()
                                                         and all(u.pos_ == "PROPN" for u in span.doc[t.i: root.i]))]
        while title and title[-1].text[:1].isupper() and title[-1].pos_ in ("PROPN", "VERB", "AUX"):
            title.pop()  # "... spokesperson Padoh Saw Taw Nee": name words the tagger misread
        if title and title[-1].pos_ == "NOUN":
            text = span.doc[title[0].i: title[-1].i + 1].text
            kind = kind_of(text, (len(text) - len(title[-1].text), len(text)))
            if kind == "official" and _is_role(title[-1]):
                kind = _body_kind(text) or kind  # "Rwanda Defence Force spokesman Colonel X": the force's
            if kind != "other":
                return kind
    if description:
        title = _title_of(description)
        head = title.split()[-1] if title.split() else ""
        if head and kind_of(title, (len(title) - len(head), len(title))) == "witness":
            return "witness"  # "Hawa, a pharmacist who asked ...", "a mother of six sheltering in a school run by UNRWA"
        if head.lower() in LEADER_ROLES and _armed_words_in(title):
            return "military"  # "Eduard Kokoity, the separatist leader of South Ossetia": an armed group's leader
        first = description.split(";")[0].strip().rstrip(",")
        last = first.split()[-1] if first.split() else ""
        if last:  # "a senior Houthi official": the title's head word decides
            kind = kind_of(first, (len(first) - len(last), len(first)))
            if kind == "official" and last.lower() in LEADER_ROLES:
                kind = _body_kind(first, leader=True) or kind  # "The Jaish-e-Mohammed leader, Masood Azhar"
            elif kind == "official" and last.lower() in ROLE_WORDS:
                kind = _body_kind(first) or kind  # "the military's spokesman, X"; a group's spokesman stays official
            if kind != "other":
                return kind
        kind = kind_of(span.text + " " + description)
        if kind != "other":
            return kind
    kind = kind_of(span.text)
    if kind == "other" and root.pos_ == "PROPN" and _ranked(span) and not lexicon.side_of_text(root.text):
        return "military"  # "Vice Adm. William E. Gortney told reporters": an officer (not "Colonel Qaddafi", a ruler)
    if kind == "other" and root.pos_ == "PROPN" and re.match(r"\s*\d{1,3}\b", description or ""):
        return "witness"  # "Natalia Shevchenko, 63, who reached Dnipro": a civilian given by name and age
    if kind == "other" and _is_state_name(span):
        return "official"  # "Israel says", "Kigali rejected": the government
    if kind == "other" and root.lemma_.lower() in lexicon.load("cues.json")["document_nouns"] and (
            lexicon.side_of_text(span.text) or any(t.lower_ in ("government", "joint", "official") for t in span)):
        return "official"  # "Israeli tallies", "a French security assessment", "a joint statement"
    return kind


def _title_of(description: str) -> str:
    """The title part of a description, up to its first preposition or clause ("a 52-year-old
    mother of six sheltering in a school run by UNRWA" -> "a 52-year-old mother")."""
    words = description.split(";")[0].strip().rstrip(",").split()
    stops = set(lexicon.load("source_kinds.json")["title_stops"])
    for k, w in enumerate(words):
        if k > 0 and (w.lower() in stops or (w.lower().endswith("ing") and len(w) > 5)):
            return " ".join(words[:k])
    return " ".join(words)


def _is_evidence_noun(token) -> bool:
    """ "Videos", "Photographs" (capitalised at a sentence start the lemmatiser keeps the plural)."""
    nouns = lexicon.load("cues.json")["evidence_nouns"]
    low = token.lower_
    return token.lemma_.lower() in nouns or low in nouns or low.removesuffix("s") in nouns


def _is_state_name(span: Span) -> bool:
    """A source phrase that is only a country or capital name."""
    markers = lexicon.side_markers()
    names: list[list] = [[]]
    for t in span:  # "Saudi Arabia and the United States": each conjunct a state
        if t.dep_ == "cc" or t.text == ",":
            names.append([])
        elif t.lower_ not in DETERMINERS and not t.is_punct and t.lower_ != "'s":
            names[-1].append(t)
    names = [n for n in names if n]
    if not names or any(t.pos_ != "PROPN" for n in names for t in n):
        return False
    return all(markers.get(" ".join(t.lower_ for t in n)) not in (None, *lexicon.non_state_codes()) for n in names)


def _key(span: Span) -> str:
    words = [t.lower_ for t in span if t.lower_ not in DETERMINERS and not t.is_punct and t.lower_ != "'s"]
    return " ".join(words)


def _person_ents(doc, start: int = 0, end: int | None = None) -> list[Span]:
    """The document's PERSON entities within tokens [start, end), listed once per document
    (``Span.ents`` rebuilds every entity on each call; spans are made only for those inside)."""
    bounds = doc.user_data.get("fogofwar_person_ents")
    if bounds is None:  # kept as plain offsets: user_data travels with a pickled Doc
        bounds = doc.user_data["fogofwar_person_ents"] = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
    end = len(doc) if end is None else end
    return [doc[s:e] for s, e in bounds if s >= start and e <= end]


def _person(span: Span) -> str | None:
    ents = [e for e in _person_ents(span.doc, span.start, span.end)]
    if span.root.pos_ == "NOUN" or (span.root.is_lower and span.root.ent_type_ != "PERSON"):
        # "Azerbaijan's defence ministry", "the Karabakh authorities", "a resident of X": a name
        # that only modifies a common noun is not the speaker (the tagger calls places PERSON)
        ents = [e for e in ents if e.start <= span.root.i < e.end or (
            e.start == span.root.i + 1 and e.end == span.end and _is_role(span.root))]  # "his spokesman Stephane Dujarric"
    if ents:
        # the name that holds the head, not a rank the tagger made a name ("Brig Gen Nabil Abdallah")
        best = max(ents, key=lambda e: (e.start <= span.root.i < e.end, len(e)))
        name = _without_rank(span, best.start, best.end)
        if name:
            return name.removesuffix("'s").removesuffix("’s")
    if span.root.ent_type_ == "PERSON":
        return span.root.text
    if len(span) == 1 and span.root.pos_ == "PROPN" and span.root.text[:1].isupper() \
            and span.root.lower_ not in lexicon.side_markers() and any(
                e.end - e.start > 1 and e[-1].text == span.root.text for e in _person_ents(span.doc)):
        return span.root.text  # "Petro said" after "President Gustavo Petro" (the tagger took it for a place)
    titled = _name_after_title(span)
    if titled:
        return titled
    # a name the tagger missed ("Oleksandr Syrskyi" tagged WORK_OF_ART): two to four capitalised
    # proper nouns that name no body, no side and no kind
    words = [t for t in span if not t.is_punct]
    if 2 <= len(words) <= 4 and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words) \
            and not any(t.ent_type_ in ("GPE", "ORG", "NORP", "LOC", "FAC") for t in words) \
            and kind_of(span.text) == "other" and not lexicon.sides_in_text(span.text):
        return span.text
    ranks, titles = _ranks_and_titles()
    lead = 0
    while lead < len(words) and (words[lead].lower_.rstrip(".") in titles or words[lead].lower_.rstrip(".") in ranks):
        lead += 1
    rest = words[lead:]
    if lead and 2 <= len(rest) <= 3 and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in words) \
            and not any(t.ent_type_ in ("GPE", "NORP", "LOC", "FAC") for t in rest) \
            and not lexicon.sides_in_text(" ".join(t.text for t in rest)):
        return " ".join(t.text for t in rest)  # "Deputy Defense Minister Hanna Maliar" (tagged ORG)
    return None


@functools.lru_cache(maxsize=1)
def _ranks_and_titles() -> tuple[frozenset[str], frozenset[str]]:
    """Military ranks and office titles that may open a name (data/source_kinds.json)."""
    kinds = lexicon.load("source_kinds.json")
    return frozenset(kinds["rank_words"]), frozenset(kinds["title_words"])


def _without_rank(span: Span, start: int, end: int) -> str | None:
    """A name without the military rank or office title the tagger put in it ("Brig Gen Oleksandr
    Tarnavskyi" -> "Oleksandr Tarnavskyi"); a name that is only a rank runs on to the capitalised
    words after it."""
    ranks, titles = _ranks_and_titles()
    doc = span.doc
    while start < end and (doc[start].lower_.rstrip(".") in ranks or (
            doc[start].lower_.rstrip(".") in titles and end - start > 1)):
        start += 1  # ("Deputy Defense Minister Hanna Maliar" -> "Hanna Maliar")
    if start == end:
        while end < span.end and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
            end += 1
    return doc[start:end].text if start < end else None


def _name_after_title(span: Span) -> str | None:
    """ "government spokeswoman Yolande Makolo": the two or three capitalised words that end the
    phrase after a lower-case title are a name, even when the tagger missed it."""
    root = span.root
    if root.pos_ != "PROPN" or root.i != span.end - 1 or not root.text[:1].isupper():
        return None
    start = root.i
    while start - 1 >= span.start and span.doc[start - 1].pos_ == "PROPN" and span.doc[start - 1].text[:1].isupper() \
            and root.i - start < 3:
        start -= 1
    before = span.doc[start - 1] if start - 1 >= span.start else None
    if root.i - start < 1 or before is None or not before.is_lower or before.pos_ != "NOUN":
        return None
    name = span.doc[start: root.i + 1]
    if any(t.ent_type_ in ("GPE", "ORG", "NORP", "LOC", "FAC") for t in name) or lexicon.sides_in_text(name.text):
        return None
    return name.text


def _anonymous(span: Span) -> bool:
    heads = set(lexicon.load("source_kinds.json")["anonymous_heads"])
    return _person(span) is None and span.root.lower_ in heads and not any(t.ent_type_ == "ORG" for t in span)


def resolve_sources(attributions: list[Attribution], theatre: str | None = None,
                    places: list | None = None) -> tuple[list[Source], list[str]]:
    """Merge the attributions' source phrases into sources; return them and each attribution's source id.

    ``theatre`` is the country the article's places are in: an army, a junta, a governor or "a
    security source" that names no side speaks for that country's state. ``places`` (the article's
    resolved places, optional) tell where a local official is ("In Cúcuta, Mayor X said")."""
    sources: list[Source] = []
    texts: list[list[str]] = []  # every phrase and description seen for a source
    ids: list[str] = []
    last_by_head: dict[str, int] = {}
    by_key: dict[str, int] = {}
    by_surname: dict[str, int] = {}
    by_name_word: dict[str, int] = {}  # every word of a named person's name

    for a in attributions:
        span = a.source
        if len(span) == 1 and span.root.lower_ in PRONOUNS:
            span = _clause_subject(span) or span  # "Iran fired missiles in what it said was ...": Iran
        root = span.root.lower_
        index: int | None = None
        person = _person(span)
        key = _key(span)
        if root in PRONOUNS and len(span) == 1:
            index = len(sources) - 1 if sources else None
        elif span[0].lower_ == "the" and _head_key(root) in last_by_head and len(span) <= 3 \
                and not lexicon.side_of_text(span.text) and (
                    root in last_by_head or sources[last_by_head[_head_key(root)]].side not in lexicon.non_state_codes()):
            # "the source" -> the last military source; "the army" -> the last state army named
            # (not "the Myanmar National Democratic Alliance Army", a group's name)
            index = last_by_head[_head_key(root)]
        elif person:
            surname = person.split()[-1].lower()
            index = by_surname.get(surname)
            if index is None and len(_bare_name(person)) == 1:
                index = by_name_word.get(surname)  # "Mr Abiy" after "Abiy Ahmed": a given name used alone
            if index is not None and not _same_person(person, sources[index].person):
                index = None  # "Abdullahi Nur" and "Abdulkadir Mohamed Nur" are two people
        elif len(span) == 1 and span.root.pos_ == "PROPN" and span.root.lower_ in by_surname:
            index = by_surname[span.root.lower_]  # "Volker" after "Kurt Volker"
        elif key in by_key:
            index = by_key[key]
        expansion = _acronyms(span.doc).get(key) if len(key.split()) == 1 else None
        if index is None and expansion:  # "The MoD" after "the Russian Ministry of Defense (MoD)"
            named = {expansion.lower(), f"{expansion.lower()} ({key})"}
            index = next((k for k, seen in enumerate(texts) if _without_article(seen[0]) in named), None)
            # the body itself, not "the health ministry of the GNA"
        if index is None:
            kind = _span_kind(span, a.description)
            side = lexicon.side_of_text(_without_location(span, kind)) or (
                None if kind == "witness" else lexicon.side_of_text(a.description))  # "a mother sheltering in a school run by UNRWA"
            if side is None and any(t.lemma_.lower() == "coalition" for t in span):
                side = lexicon.led_coalition_before(span)  # "The coalition said", "coalition figures" after "the US-led coalition"
            if not lexicon.sides_and_backers(span.text)[0] and _generic_group(span) and not (
                    span.root.lemma_.lower() == "coalition" and side):
                # "The Iran-backed group said", "the group confirmed": the armed group that spoke last,
                # else the one named last ("The ELN said ... the FARC dissidents ... The group denied")
                side = _last_group_source(sources, a, attributions) or lexicon.last_armed_group_before(span) \
                    or lexicon.first_armed_group_after(span, sentences=1) or side  # a lede that names it next
            armed_words = _armed_words()
            if side is None and (any(t.lower_ in armed_words and t.i != span.root.i and t.head.i == span.root.i
                                     for t in span) or _for_the_rebels(a.description, armed_words)):
                side = lexicon.last_armed_group_before(span) or lexicon.first_armed_group_after(span, sentences=1) \
                    or lexicon.armed_group_of_document(span)
                # "rebel sources", "a militant commander", "a spokesman for the rebels": the group the text names
            if side is None and (GROUP_POSSESSIVE.search(a.description or "") or (
                    kind in ("media", "official", "military") and GROUP_POSSESSIVE.match(span.text))):
                # ("The group's Amaq news agency claimed": the group's own outlet)
                # "The group's military spokesman, Yahya Saree": the armed group the text is about; a
                # group's spokesman is its official, as GOLD.md's sets have it
                side = _last_group_source(sources, a, attributions) or lexicon.last_armed_group_before(span)
                if side and kind == "military" and any(w in a.description.lower() for w in ROLE_WORDS):
                    kind = "official"
            if side is None and _possessive(span):
                side = _possessor_side(span)  # "his spokesman" after "UN Secretary-General Antonio Guterres"
                if side == "INT" and kind == "official" and _un_before(span):
                    kind = "organization"  # the UN's people are organization; the EU's stay official
            if side is None and kind == "military" and span.root.pos_ == "PROPN" and _ranked(span):
                side = next((s.side for s in reversed(sources) if s.kind == "military" and s.side), None)
                # "Vice Adm. William E. Gortney told reporters", after "the Pentagon said": an officer
                # named by no side speaks for the military that spoke last
            if side in lexicon.non_state_codes() and kind in ("organization", "other"):
                kind = "military"  # an armed group speaking as such
            elif kind == "organization" and side and side != "INT" and side not in lexicon.non_state_codes() \
                    and NON_STATE_BODY.search(span.text + " " + (a.description or "")):
                side = None  # "the Syrian Observatory for Human Rights": a monitor named for a country, not its voice
            sources.append(Source(
                id=f"s{len(sources) + 1}", name=person or _display(span), mentions=[],
                kind=kind, side=side, person=person, anonymous=_anonymous(span),
            ))
            texts.append([span.text, a.description])
            index = len(sources) - 1
            if expansion and (kind == "other" or side is None):
                kind = _span_kind(span, expansion) if kind == "other" else kind
                sources[index].kind = kind
                side = sources[index].side = side or lexicon.side_of_text(expansion)
            if side is None and kind == "official" and _is_local(span.text + " " + a.description):
                side = _country_of_sentence(span, places)  # "In Russia's Belgorod region, ..., regional governor X said"
                sources[index].side = side
            if side is None:
                sources[index].side = _inherited_side(a, attributions, sources, ids)
            if sources[index].side is None and theatre and _speaks_for_state(sources[index], span, a.description):
                sources[index].side = theatre
        src = sources[index]
        if person and (src.kind == "other" or src.side is None):
            _describe_from_other_mentions(src, person, span)  # "Netanyahu wrote" after "Prime Minister Benjamin Netanyahu"
        if src.kind == "other" and a.description:
            src.kind = _span_kind(span, a.description)  # "Syrskyi, who was appointed commander-in-chief"
        if index < len(texts) and a.description not in texts[index]:
            texts[index].append(a.description)
        src.mentions.append((a.source.start_char, a.source.end_char))
        if person and not src.person:
            src.person, src.name = person, person
        last_by_head[_head_key(root)] = index
        for noun in _speech_nouns_of(a):
            last_by_head[noun] = index  # "X said in a statement" ... "according to the statement": X's
        by_key.setdefault(key, index)
        if person:
            by_surname.setdefault(person.split()[-1].lower(), index)
            for word in _bare_name(person):
                by_name_word.setdefault(word, index)
        ids.append(src.id)
    theatre = theatre or _state_of_sources(sources)
    if theatre:
        for src, seen in zip(sources, texts):
            if src.side is None and _for_the_state(src, " ".join(seen)):
                src.side = theatre  # kinds are final only now ("Syrskyi, who was appointed commander-in-chief")
    return sources, ids


def _without_article(text: str) -> str:
    low = text.lower().strip(" ,")
    for article in ("the ", "a ", "an "):
        low = low.removeprefix(article)
    return low


def _acronyms(doc) -> dict[str, str]:
    """Acronyms the article defines, lower-cased, with the capitalised name before them
    ("the Russian Ministry of Defense (MoD)" -> {"mod": "Russian Ministry of Defense"})."""
    found = doc.user_data.get("fogofwar_acronyms")
    if found is not None:
        return found
    found = {}
    for t in doc:
        if t.text != "(" or t.i + 2 >= len(doc) or doc[t.i + 2].text != ")":
            continue
        acronym = doc[t.i + 1].text
        if not (acronym[:1].isupper() and sum(c.isupper() for c in acronym) >= 2 and acronym.isalpha()):
            continue
        start = t.i
        while start > 0 and t.i - start < 10 and (
                doc[start - 1].text[:1].isupper() or doc[start - 1].lower_ in ("of", "for", "the", "and", "to")) \
                and not doc[start - 1].is_sent_start:
            start -= 1
        while start < t.i and not doc[start].text[:1].isupper():
            start += 1  # the name starts with a capital ("the", "of" only inside it)
        if start < t.i:
            found.setdefault(acronym.lower(), doc[start:t.i].text)
    doc.user_data["fogofwar_acronyms"] = found
    return found


def _is_local(text: str) -> bool:
    words = {w.strip(".,'’").lower() for w in text.split()}
    return bool(words & set(lexicon.load("source_kinds.json")["local_official_words"]))


def _country_of_sentence(span: Span, places: list | None) -> str | None:
    """The one country a local official's sentence is in, from its resolved places ("In Russia's
    Belgorod region, ..., regional governor X said")."""
    if not places:
        return None  # the names alone mislead ("In Cúcuta, Mayor X said ... the border with Venezuela")
    sent = span.sent
    countries = {p.country for p in places if p.country and sent.start_char <= p.start < sent.end_char}
    return countries.pop() if len(countries) == 1 else None


def _clause_subject(pronoun: Span) -> Span | None:
    """The subject of the sentence a pronoun speaks in, when that sentence is not itself a report
    ("Iran fired about 180 missiles at Israel in what it said was retaliation"): the pronoun's
    antecedent, rather than the last source of the article."""
    token = pronoun.root
    main = token.sent.root
    if main.lemma_.lower() in lexicon.load("cues.json")["verbs"] or token.head.i == main.i:
        return None
    subject = next((c for c in main.children if c.dep_ == "nsubj" and c.i < token.i), None)
    if subject is None or subject.pos_ not in ("PROPN", "NOUN") or subject.lower_ in PRONOUNS:
        return None
    from fogofwar.claims import source_phrase

    phrase = source_phrase(subject)
    if phrase is None or not (lexicon.side_of_text(phrase.text) or subject.ent_type_ in ("PERSON", "ORG")):
        return None
    return phrase


def _possessive(span: Span) -> bool:
    """ "his spokesman", "an adviser to its commander": a title that belongs to someone named before."""
    root = span.root
    words = list(span) + [t for p in root.children if p.dep_ == "prep" and p.i > root.i and p.lower_ in ("to", "of", "for")
                          for t in p.subtree]
    nouns = set(lexicon.load("source_kinds.json")["possessor_nouns"])
    return any(t.dep_ == "poss" and (t.lower_ in ("his", "her", "its", "their") or (
        t.lower_ in nouns and any(d.lower_ == "the" for d in t.children))) for t in words)  # "the bloc's foreign policy chief"


def _un_before(span: Span) -> bool:
    """A UN body (data: organization_possessors) is named before the phrase in its sentence."""
    before = text_of(span.doc)[span.sent.start_char:span.start_char]
    names = lexicon.load("source_kinds.json")["organization_possessors"]
    return bool(re.search(r"(?<![\w.])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])", before))


def _possessor_side(span: Span) -> str | None:
    """The side named first in a phrase's sentence, before it: whose "his spokesman" or "an adviser to
    its commander" it is ("The RSF did not comment, but an adviser to its commander said")."""
    sent = span.sent
    before = text_of(span.doc)[sent.start_char:span.start_char]
    sides = lexicon.sides_in_text(before)
    return sides[0] if sides else None  # the sentence's first body, not a place named in what it did


def _state_of_sources(sources: list[Source]) -> str | None:
    """Where the places leave the theatre open, the state most of the article's official and military
    sources speak for, if it has twice the votes of any other ("Colombian President Gustavo Petro", "Colombian military
    intelligence" against "Venezuelan authorities")."""
    codes = lexicon.non_state_codes() | {"INT"}
    votes = Counter(s.side for s in sources if s.kind in ("official", "military") and s.side and s.side not in codes)
    ranked = votes.most_common(2)
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]):
        return ranked[0][0]
    return None


def _for_the_state(source: Source, text: str) -> bool:
    """A source that speaks for the state where the war is: an unmarked official or military source
    (``_speaks_for_state``), or one that calls itself pro-state ("a pro-military Telegram channel")."""
    words = {w.strip(".,'’").lower() for w in text.split()}
    if words & set(lexicon.load("source_kinds.json")["pro_state_words"]):
        return True
    if source.kind == "media" and "state" in words:
        return True  # "state media said", "state television": the state's own media
    return _speaks_for_state(source, text)


def _without_location(span: Span, kind: str) -> str:
    """The phrase without where its speaker is ("a Western diplomat in Bamako", "residents of
    Muzaffarabad"): a place there says whose side only for a local official of the country
    ("local officials in India's Punjab state")."""
    words = {t.lower_ for t in span}
    foreign = words & set(lexicon.load("source_kinds.json")["foreign_roles"])
    if kind in ("official", "military") and not foreign:
        return span.text
    where = {"in", "near", "at", "from"} | ({"of"} if kind == "witness" else set())  # "the head of the UN mission"
    preps = [t for t in span if t.dep_ == "prep" and t.head.i == span.root.i and t.lower_ in where]
    located = {w.i for prep in preps for w in prep.subtree}
    return "".join(t.text_with_ws for t in span if t.i not in located)


def _head_key(head: str) -> str:
    """One key for head words that name the same body ("the army" after "the Israeli military")."""
    for group in lexicon.load("source_kinds.json")["same_body_heads"]:
        if head in group:
            return group[0]
    return head


def _speech_nouns_of(a: Attribution) -> list[str]:
    """The statement, post or update a cue says it was made in ("said in a flash update on Monday")."""
    nouns = set(lexicon.load("cues.json")["speech_nouns_in_statement"])
    out = []
    for cue in a.cue_tokens[:1]:
        for prep in cue.children:
            if prep.dep_ == "prep" and prep.lower_ in ("in", "on", "during"):
                out += [t.lower_ for t in prep.children if t.dep_ == "pobj" and (t.lower_ in nouns or t.lemma_ in nouns)]
    return out


def _describe_from_other_mentions(src: Source, person: str, span: Span) -> None:
    """Kind and side of a named person from how the article introduces them elsewhere
    ("Prime Minister Benjamin Netanyahu", "Rwanda's government spokeswoman Yolande Makolo",
    "the region's ombudsman, Gegham Stepanyan"), when the attributed mention names neither."""
    from fogofwar.claims import _description, source_phrase

    surname = person.split()[-1].lower()
    for token in span.doc:
        if token.lower_ != surname or token.pos_ != "PROPN" or span.start <= token.i < span.end:
            continue
        phrase = source_phrase(token)
        if phrase is None or not _same_person(_person(phrase) or token.text, person):
            continue
        if phrase is None:
            continue
        description = _description(phrase)
        if src.kind == "other":
            kind = _span_kind(phrase, description)
            if kind != "other":
                src.kind = kind
        if src.side is None:
            src.side = lexicon.side_of_text(phrase.text) or lexicon.side_of_text(description)
        if src.kind != "other" and src.side is not None:
            return


def _last_group_source(sources: list[Source], a: Attribution, attributions: list[Attribution]) -> str | None:
    """The side of the last armed group that was a source in this or the three sentences before."""
    groups = lexicon.non_state_codes()
    recent = {b.sentence for b in attributions if a.sentence - 3 <= b.sentence <= a.sentence}
    for src in reversed(sources):
        if src.side in groups and src.mentions and _sentence_of_mention(src, attributions) in recent:
            return src.side
    return None


def _sentence_of_mention(src: Source, attributions: list[Attribution]) -> int | None:
    last = src.mentions[-1][0]
    return next((b.sentence for b in attributions if b.source.start_char == last), None)


def _generic_group(span: Span) -> bool:
    heads = set(lexicon.load("events.json")["group_anaphora_heads"])
    return span.root.lemma_.lower() in heads and any(t.lower_ in ("the", "this") for t in span) \
        and not any(t.pos_ == "PROPN" and t.nbor(1).text != "-" for t in span if t.i + 1 < len(t.doc))
    # "The White Helmets rescue group" names itself; "the Iran-backed group" does not


HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "sheikh", "mullah"}


def _bare_name(name: str) -> list[str]:
    """A name's words, lower-cased, without an honorific ("Mr Abiy" -> ["abiy"])."""
    return [w for w in name.lower().split() if w not in HONORIFICS]


def _same_person(name: str, known: str | None) -> bool:
    """Two names of one person: one is a single name ("Volker", "Mr Abiy"), or their first names agree."""
    if not known:
        return True
    a, b = _bare_name(name), _bare_name(known)
    return len(a) <= 1 or len(b) <= 1 or a[0] == b[0]


def _speaks_for_state(source: Source, span: Span | str, description: str = "") -> bool:
    """An official or military source of the state where the war is ("the army", "the junta",
    "a local administrator"), not a foreign diplomat or a group's spokesman."""
    if source.kind not in ("military", "official"):
        return False
    text = span if isinstance(span, str) else span.text
    words = {w.strip(".,'’").lower() for w in (text + " " + description).split()}
    data = lexicon.load("source_kinds.json")
    not_state = set(lexicon.load("sides.json")["not_affiliation_after"])  # "the separatist authorities"
    return not words & set(data["foreign_roles"]) and not words & {c.lower() for c in lexicon.non_state_codes()} \
        and not words & not_state


def _display(span: Span) -> str:
    text = span.text
    return text[0].upper() + text[1:] if text[:4].lower() in ("the ", "a ", "an ") else text


def _inherited_side(a: Attribution, attributions: list[Attribution], sources: list[Source], ids: list[str]) -> str | None:
    """Side of an unmarked source: from the phrase it is conjoined with, or the last of its kind."""
    if not _anonymous(a.source) or sources[-1].kind == "witness":
        return None  # (residents cited with a group speak for themselves)
    for other in attributions:
        if other is a:
            continue
        if other.sentence == a.sentence and other.cue_span == a.cue_span:
            side = lexicon.side_of_text(other.source.text)
            if side:
                return side
    kind = sources[-1].kind
    if kind == "official" and any(t.lower_ == "administration" for t in a.source):
        # "a senior administration official" after "U.S. President Joe Biden told G7 leaders": the
        # administration of the government that spoke last
        return next((src.side for src in reversed(sources[:-1]) if src.kind == "official" and src.side), None)
    if kind != "military":
        return None  # residents, reports, officials with no marker have no side of their own
    for src in reversed(sources[:-1]):
        if src.kind == kind and src.side:
            return src.side
    return None


def _is_role(token) -> bool:
    """A title ("spokeswoman", "head", "chief") rather than a body ("ministry", "government")."""
    roles = lexicon.load("source_kinds.json").get("role_words", [])
    return token.lower_ in roles or token.lemma_.lower() in roles


NON_STATE_BODY = re.compile(r"\b(?:observatory|rights|monitor|monitors|watch|network|lawyers|doctors|committees?|"
                            r"foundation|charity|charities|ngos?|red cross|red crescent|refugee council)\b", re.I)


def _for_the_rebels(description: str | None, armed_words: frozenset[str]) -> bool:
    """ "A spokesman for the rebels", "a commander of the militants": a title held in an armed group."""
    words = (description or "").lower().split()
    return any(w in ("for", "of") and i + 2 < len(words) and words[i + 1] == "the"
               and words[i + 2].strip(".,'’s") in armed_words for i, w in enumerate(words))


LEADER_ROLES = {"leader", "chief", "commander", "head"}
GROUP_POSSESSIVE = re.compile(r"\b(?:(?:the|its|their)\s+)?(?:group|movement|rebels|militants|insurgents|militia)['’]s?(?:\s|$)",
                              re.I)
ROLE_WORDS = {"spokesman", "spokeswoman", "spokesperson"}


def _ranked(span: Span) -> bool:
    """A name opened by a military rank written as a rank ("Vice Adm.", "Col.", "Brig Gen")."""
    ranks, _ = _ranks_and_titles()
    names = [t for t in span if t.pos_ == "PROPN"]
    return any(t.text[:1].isupper() and t.lower_.rstrip(".") in ranks and t.lower_ not in ("private", "field", "major")
               and t.i + 1 < span.end for t in span if not names or t.i < names[-1].i)


@functools.lru_cache(maxsize=1)
def _armed_words() -> frozenset[str]:
    """Words that name an armed group by kind ("rebel", "separatist"): events.json armed_modifiers."""
    return frozenset(lexicon.load("events.json")["armed_modifiers"])


def _armed_words_in(text: str) -> bool:
    """Whether a title names an armed group by a word for one ("separatist", "rebel")."""
    words = _armed_words()
    return any(re.sub(r"['’]s?$", "", w.strip(",.")).lower() in words for w in text.split())


def _body_kind(text: str, leader: bool = False) -> str | None:
    """The kind of a body named beside a title: organization, think tank, media, or a military institution."""
    groups = {a.lower() for actor in lexicon.load("actors.json")["actors"] for a in actor["aliases"]}
    armed = _armed_words()
    official = [m.span() for kind, pattern in _kind_rules() if kind == "official" for m in pattern.finditer(text)]
    named = [m.span() for kind, pattern in _kind_rules() if kind == "military" for m in pattern.finditer(text)
             if m.group(0).lower() in groups]
    for kind, pattern in _kind_rules():
        if kind not in ("organization", "think_tank", "media", "military"):
            continue
        for m in pattern.finditer(text):
            word = m.group(0).lower()
            if any(s <= m.start() and m.end() <= e and e - s > m.end() - m.start() for s, e in official):
                continue  # "Odesa Oblast Military Administration Head": a civil administration
            if any(s <= m.start() and m.end() <= e and e - s > m.end() - m.start() for s, e in named):
                continue  # "Karen National Union spokesperson": a word inside an armed group's name
            if kind == "military" and (word in groups or word.rstrip("s") in groups or word.rstrip("s") in armed) \
                    and not leader:
                continue  # "Hamas officials", "a rebel spokesman" speak for the movement's leadership: official
            return kind
    return None
