"""Sources: the distinct speakers of an article, merged across mentions.

"Kurt Volker" and later "Volker" are one source; "the source" is the last
source called a source; "he" / "it" / "they" is the last source before it.
Each source gets a kind from data/source_kinds.json and a side from the
words of its mentions (Ukrainian, Russia's, pro-Kremlin, U.S.); an
anonymous source that names no side takes the side of the phrase it is
conjoined with, or, for a military source, of the last military source
that has one ("a military source" after "One Ukrainian military source").
"""

from __future__ import annotations

import functools
import re

from spacy.tokens import Span

from fogofwar import lexicon
from fogofwar.claims import Attribution
from fogofwar.models import Source
from fogofwar.nlp import text_of

DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"}
PRONOUNS = {"he", "she", "it", "they", "we", "i", "him", "them"}


@functools.lru_cache(maxsize=1)
def _kind_rules() -> list[tuple[str, re.Pattern[str]]]:
    rules = []
    groups = [alias for actor in lexicon.load("actors.json")["actors"] for alias in actor["aliases"]]
    for rule in lexicon.load("source_kinds.json")["rules"]:
        phrases = list(rule["phrases"]) + (groups if rule["kind"] == "military" else [])
        alternatives = []
        for phrase in sorted(phrases, key=len, reverse=True):
            p = re.escape(phrase.strip())
            alternatives.append(p + (r"(?:s|es)?\b" if phrase[-1:].isalnum() else r""))  # "u.n." ends in a dot
        rules.append((rule["kind"], re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + ")", re.I)))
    return rules


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
    head = (root.idx - span.start_char, root.idx - span.start_char + len(root.text))
    if root.lemma_.lower() in lexicon.load("cues.json")["evidence_nouns"]:
        after = " ".join(t.lower_ for t in root.doc[root.i + 1: root.i + 7])
        if kind_of(after) == "social_media" or kind_of(span.text) == "social_media":
            return "social_media"  # "Videos posted on social media", "footage shared on Telegram"
    if root.ent_type_ != "PERSON":
        kind = kind_of(span.text, head)
        if kind == "official" and _is_role(root):
            body = _body_kind(span.text)
            if body:
                return body  # "a Red Cross spokeswoman", "the head of the UN mission"
        if kind != "other":
            return kind
    if root.pos_ == "PROPN" and root.i > span.start:
        # "Ukrainian military observer Kostiantyn Mashovets": the title's last word decides
        title = [t for t in span if t.i < root.i and not (t.pos_ == "PROPN" and t.text[:1].isupper()
                                                         and all(u.pos_ == "PROPN" for u in span.doc[t.i: root.i]))]
        if title and title[-1].pos_ == "NOUN":
            text = span.doc[title[0].i: title[-1].i + 1].text
            kind = kind_of(text, (len(text) - len(title[-1].text), len(text)))
            if kind != "other":
                return kind
    if description:
        first = description.split(";")[0].strip().rstrip(",")
        last = first.split()[-1] if first.split() else ""
        if last:  # "a senior Houthi official": the title's head word decides
            kind = kind_of(first, (len(first) - len(last), len(first)))
            if kind != "other":
                return kind
        kind = kind_of(span.text + " " + description)
        if kind != "other":
            return kind
    kind = kind_of(span.text)
    if kind == "other" and _is_state_name(span):
        return "official"  # "Israel says", "Kigali rejected": the government
    if kind == "other" and root.lemma_.lower() in lexicon.load("cues.json")["document_nouns"] and (
            lexicon.side_of_text(span.text) or any(t.lower_ in ("government", "joint", "official") for t in span)):
        return "official"  # "Israeli tallies", "a French security assessment", "a joint statement"
    return kind


def _is_state_name(span: Span) -> bool:
    """A source phrase that is only a country or capital name."""
    words = [t for t in span if t.lower_ not in DETERMINERS and not t.is_punct and t.lower_ != "'s"]
    if not words or any(t.pos_ not in ("PROPN",) for t in words):
        return False
    markers = lexicon.side_markers()
    name = " ".join(t.lower_ for t in words)
    return name in markers and markers[name] not in lexicon.non_state_codes()


def _key(span: Span) -> str:
    words = [t.lower_ for t in span if t.lower_ not in DETERMINERS and not t.is_punct and t.lower_ != "'s"]
    return " ".join(words)


def _person_ents(doc) -> list[Span]:
    """The document's PERSON entities, listed once (``Span.ents`` rebuilds every entity on each call)."""
    bounds = doc.user_data.get("fogofwar_person_ents")
    if bounds is None:  # kept as plain offsets: user_data travels with a pickled Doc
        bounds = doc.user_data["fogofwar_person_ents"] = [(e.start, e.end) for e in doc.ents if e.label_ == "PERSON"]
    return [doc[s:e] for s, e in bounds]


def _person(span: Span) -> str | None:
    ents = [e for e in _person_ents(span.doc) if e.start >= span.start and e.end <= span.end]
    if span.root.pos_ == "NOUN" or (span.root.is_lower and span.root.ent_type_ != "PERSON"):
        # "Azerbaijan's defence ministry", "the Karabakh authorities", "a resident of X": a name
        # that only modifies a common noun is not the speaker (the tagger calls places PERSON)
        ents = [e for e in ents if e.start <= span.root.i < e.end]
    if ents:
        return max(ents, key=len).text.removesuffix("'s").removesuffix("’s")
    if span.root.ent_type_ == "PERSON":
        return span.root.text
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
    return None


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


def resolve_sources(attributions: list[Attribution], theatre: str | None = None) -> tuple[list[Source], list[str]]:
    """Merge the attributions' source phrases into sources; return them and each attribution's source id.

    ``theatre`` is the country the article's places are in: an army, a junta, a governor or "a
    security source" that names no side speaks for that country's state."""
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
        elif span[0].lower_ == "the" and _head_key(root) in last_by_head and len(span) <= 3 \
                and not lexicon.side_of_text(span.text) and (
                    root in last_by_head or sources[last_by_head[_head_key(root)]].side not in lexicon.non_state_codes()):
            # "the source" -> the last military source; "the army" -> the last state army named
            # (not "the Myanmar National Democratic Alliance Army", a group's name)
            index = last_by_head[_head_key(root)]
        elif person:
            surname = person.split()[-1].lower()
            index = by_surname.get(surname)
            if index is not None and not _same_person(person, sources[index].person):
                index = None  # "Abdullahi Nur" and "Abdulkadir Mohamed Nur" are two people
        elif len(span) == 1 and span.root.pos_ == "PROPN" and span.root.lower_ in by_surname:
            index = by_surname[span.root.lower_]  # "Volker" after "Kurt Volker"
        elif key in by_key:
            index = by_key[key]
        if index is None:
            kind = _span_kind(span, a.description)
            side = lexicon.side_of_text(_without_location(span, kind)) or lexicon.side_of_text(a.description)
            if not lexicon.sides_and_backers(span.text)[0] and _generic_group(span):
                side = lexicon.last_armed_group_before(span) or side  # "The Iran-backed group said", "the group confirmed"
            if side in lexicon.non_state_codes() and kind in ("organization", "other"):
                kind = "military"  # an armed group speaking as such
            sources.append(Source(
                id=f"s{len(sources) + 1}", name=person or _display(span), mentions=[],
                kind=kind, side=side, person=person, anonymous=_anonymous(span),
            ))
            texts.append([span.text, a.description])
            index = len(sources) - 1
            if side is None:
                sources[index].side = _inherited_side(a, attributions, sources, ids)
            if sources[index].side is None and theatre and _speaks_for_state(sources[index], span, a.description):
                sources[index].side = theatre
        src = sources[index]
        if person and (src.kind == "other" or src.side is None):
            _describe_from_other_mentions(src, person, span)  # "Netanyahu wrote" after "Prime Minister Benjamin Netanyahu"
        if src.kind == "other" and a.description:
            src.kind = _span_kind(span, a.description)  # "Syrskyi, who was appointed commander-in-chief"
        src.mentions.append((span.start_char, span.end_char))
        if person and not src.person:
            src.person, src.name = person, person
        last_by_head[_head_key(root)] = index
        for noun in _speech_nouns_of(a):
            last_by_head[noun] = index  # "X said in a statement" ... "according to the statement": X's
        by_key.setdefault(key, index)
        if person:
            by_surname.setdefault(person.split()[-1].lower(), index)
        ids.append(src.id)
    return sources, ids


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


def _generic_group(span: Span) -> bool:
    heads = set(lexicon.load("events.json")["group_anaphora_heads"])
    return span.root.lemma_.lower() in heads and any(t.lower_ in ("the", "this") for t in span) \
        and not any(t.pos_ == "PROPN" and t.nbor(1).text != "-" for t in span if t.i + 1 < len(t.doc))
    # "The White Helmets rescue group" names itself; "the Iran-backed group" does not


def _same_person(name: str, known: str | None) -> bool:
    """Two names of one person: one is the surname alone, or their first names agree."""
    if not known:
        return True
    a, b = name.lower().split(), known.lower().split()
    return len(a) == 1 or len(b) == 1 or a[0] == b[0]


def _speaks_for_state(source: Source, span: Span, description: str) -> bool:
    """An official or military source of the state where the war is ("the army", "the junta",
    "a local administrator"), not a foreign diplomat or a group's spokesman."""
    if source.kind not in ("military", "official"):
        return False
    words = {w.strip(".,'’").lower() for w in (span.text + " " + description).split()}
    data = lexicon.load("source_kinds.json")
    return not words & set(data["foreign_roles"]) and not words & {c.lower() for c in lexicon.non_state_codes()}


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


def _body_kind(text: str) -> str | None:
    """The kind of a body named beside a title: organization, think tank, media, or a military institution."""
    groups = {a.lower() for actor in lexicon.load("actors.json")["actors"] for a in actor["aliases"]}
    for kind, pattern in _kind_rules():
        if kind not in ("organization", "think_tank", "media", "military"):
            continue
        for m in pattern.finditer(text):
            word = m.group(0).lower()
            if kind == "military" and (word in groups or word.rstrip("s") in groups):
                continue  # "Hamas officials" speak for the movement's leadership: official
            return kind
    return None
