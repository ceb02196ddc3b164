"""Claims: who says what in a sentence, found from the dependency parse.

Cues come from data/cues.json: speech and stance verbs (said, told,
claimed, confirmed, denied...), "according to X", cue nouns with their
author ("claims by U.S. officials that", "This claim was made by X"), and
quotations. Each attribution gets a source phrase, a cue and a content
span; certainty comes from the cue, then from hedges in the source phrase
and in the content ("not true" makes a denial). A negated cue ("did not
comment") and a cue inside a quotation are no claims of their own.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from fogofwar import lexicon
from fogofwar.nlp import text_of
from fogofwar.models import Claim, Sentence

PRONOUNS = {"he", "she", "it", "they", "we", "i", "who", "which", "that"}
NAME_LINKS = {"to", "for", "of", "the", "and", "in", "de", "al"}  # small words inside an organisation's name
CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "parataxis"}
QUOTE_CHARS = "\"“”"


@dataclass
class Attribution:
    """A cue with its source phrase and content, before sources are merged."""

    sentence: int
    source: Span
    cue_tokens: list[Token]
    content: tuple[int, int] | None
    certainty: str
    quote: bool = False
    anchor: Token | None = None  # the cue's head: clause whose events the claim carries
    description: str = ""  # title or apposition that describes a named source
    scare_quotes: list[str] = field(default_factory=list)
    points_back: bool = False  # "This claim", "The source also said": about the previous sentence

    @property
    def cue_span(self) -> tuple[int, int]:
        return (min(t.idx for t in self.cue_tokens), max(t.idx + len(t.text) for t in self.cue_tokens))

    @property
    def cue_text(self) -> str:
        s, e = self.cue_span
        return text_of(self.source.doc)[s:e]


@functools.lru_cache(maxsize=1)
def _cues() -> dict:
    return lexicon.load("cues.json")


@functools.lru_cache(maxsize=None)
def _pattern(key: str) -> re.Pattern[str]:
    """One regex over a hedge list of data/cues.json, longest phrase first."""
    words = sorted(_cues()[key], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


def _trim(tokens: list[Token]) -> list[Token]:
    """Drop punctuation and spaces at both ends of a phrase."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    return tokens


def source_phrase(head: Token) -> Span | None:
    """The phrase naming a source: the head's subtree without clauses or conjuncts."""
    skip: set[int] = set()
    nouns = _cues()["evidence_nouns"]  # "Videos" opening a sentence keeps its plural as lemma
    media_head = head.lemma_.lower() in nouns or head.lower_ in nouns or head.lower_.removesuffix("s") in nouns
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "conj", "cc", "appos", "punct", "advcl", "prep") and child.i > head.i:
            if child.dep_ in ("conj", "cc") and head.ent_iob_ != "O" and _entity_of(child) == _entity_of(head):
                continue  # "the Armed Conflict Location and Event Data Project": one name
            if child.dep_ == "prep" and child.lower_ in ("on", "of", "for", "from", "in", "at", "with") and child.i == head.i + 1:
                continue  # reports on social media, Institute for the Study of War
            if child.dep_ == "prep" and child.i == head.i + 1 and child.text[:1].isupper() and head.text[:1].isupper():
                continue  # a capitalised preposition inside a name: "Doctors Without Borders"
            if child.dep_ == "appos" and child.i == head.i + 1 + sum(
                    1 for t in child.lefts) and child.ent_type_ == "PERSON":
                continue  # "Iran's foreign minister Abbas Araghchi": a title and the name, no comma
            if child.dep_ == "acl" and media_head and child.i == head.i + 1 and child.lemma_.lower() in _cues()["posting_verbs"]:
                continue  # "videos shared on social media"
            skip.update(t.i for t in child.subtree)
    tokens = [t for t in head.subtree if t.i not in skip]
    # keep a contiguous run that contains the head
    run = [t for t in tokens if abs(t.i - head.i) <= len(tokens)]
    run = sorted(run, key=lambda t: t.i)
    contiguous: list[Token] = []
    for t in run:
        if contiguous and t.i != contiguous[-1].i + 1:
            if t.i > head.i:
                break
            contiguous = []
        contiguous.append(t)
    opening = next((k for k, t in enumerate(contiguous) if t.text == "(" and t.i > head.i), None)
    if opening is not None and not any(t.text == ")" for t in contiguous[opening:]):
        contiguous = contiguous[:opening]  # "... Event Data Project (ACLED": an unclosed abbreviation
    contiguous = _trim(contiguous)
    if not contiguous or head not in contiguous:
        return None
    doc = head.doc
    end = contiguous[-1].i + 1
    start = contiguous[0].i
    if head.pos_ == "PROPN" and start - 2 >= head.sent.start and _capitalised_verb(doc[start - 1]) \
            and doc[start - 2].pos_ == "PROPN":
        # "Karen National Union spokesperson Padoh Saw Taw Nee": a capitalised word inside a name
        # that the tagger took for a verb ("Saw") cut the name and its title off; they run on left
        start = min(t.i for t in doc[start - 2].subtree if t.i < start - 1 and not t.is_punct)
    if head.pos_ == "PROPN" and head.text[:1].isupper():
        # "The Group for the Support of Islam and Muslims (JNIM)": the acronym names the side; a name
        # the parser broke ("The Group to Support Islam and Muslims (JNIM)") runs on to it
        k = end
        while k < len(doc) and k < end + 8 and (doc[k].text[:1].isupper() or doc[k].lower_ in NAME_LINKS) \
                and doc[k].text != "(":
            k += 1
        if k + 2 < len(doc) and doc[k].text == "(" and doc[k + 2].text == ")" and doc[k + 1].text.isupper():
            end = k + 3
    return doc[start: end]


def _capitalised_verb(token: Token) -> bool:
    """A capitalised word inside a sentence tagged as a verb: a name the tagger misread ("Saw")."""
    return token.pos_ in ("VERB", "AUX") and token.i > token.sent.start and token.text[:1].isupper() \
        and token.text[1:].islower()


def _conjuncts(head: Token) -> list[Token]:
    """A head and the heads conjoined with it (officials and military sources)."""
    out = [head]
    for t in head.subtree:
        if t.dep_ == "conj" and t.head in out and t.pos_ in ("NOUN", "PROPN", "PRON"):
            if t.ent_iob_ == "I" and head.ent_iob_ != "O" and _entity_of(t) == _entity_of(head):
                continue  # "the Armed Conflict Location and Event Data Project": one name
            out.append(t)
    return out


def _entity_of(token: Token) -> tuple[int, int] | None:
    """The (start, end) of the named entity a token is inside, if any."""
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.start, ent.end
    return None


def _description(source: Span, content: tuple[int, int] | None = None) -> str:
    """A title in apposition before or after a named source ("former U.S. ambassador to NATO, Kurt Volker")."""
    doc = source.doc
    parts = []
    head = source.root
    for child in head.children:
        if child.dep_ == "appos":
            parts.append(" ".join(t.text for t in child.subtree))
    start = source.start
    if start >= 2 and doc[start - 1].text == "," and (head.ent_type_ == "PERSON" or head.pos_ == "PROPN"):
        j = start - 2
        while j >= 0 and j > start - 16 and doc[j].text not in (",", '"', "“", "”", ".", ";") and not doc[j].is_sent_start \
                and not (doc[j].lower_ == "to" and j > 0 and doc[j - 1].lower_ == "according"):
            j -= 1
        first = j if j >= 0 and doc[j].is_sent_start and doc[j].text not in (",", '"', "“", "”", ".", ";") else j + 1
        title = doc[first: start - 1]  # ("Iran's foreign ministry spokesman, Saeed Khatibzadeh," opening a sentence)
        inside = content is not None and content[0] < title.end_char and title.start_char < content[1]
        bounded = j < 0 or doc[j].text in (",", '"', "“", "”", ".", ";", "to") or doc[j].is_sent_start
        if not inside and bounded and not any(t.ent_type_ in ("DATE", "TIME") or t.pos_ in ("VERB", "AUX") for t in title) \
                and any(t.pos_ in ("NOUN", "PROPN") for t in title):  # a title, not the reported clause
            parts.append(title.text)
    if source.end < len(doc) - 1 and doc[source.end].text == "," and (head.ent_type_ == "PERSON" or head.pos_ == "PROPN"):
        j = source.end + 1
        k = j
        while k < len(doc) and k < j + 12 and doc[k].text not in (",", ".", ";", '"'):
            k += 1
        if k < len(doc) and doc[k].text == "," and doc[j].lower_ not in ("which", "where", "that", "when") \
                and doc[j].pos_ not in ("VERB", "AUX"):
            parts.append(doc[j:k].text)  # "Egypt, which backs the army," names no title; "X, who was appointed ..." does
    return "; ".join(p for p in parts if p)


def _subtree_span(token: Token) -> tuple[int, int]:
    toks = _trim(list(token.subtree))
    if not toks:
        return (token.idx, token.idx + len(token.text))
    return (toks[0].idx, toks[-1].idx + len(toks[-1].text))


def _quotes_in(sent: Span) -> list[tuple[int, int]]:
    """Character spans of quotations inside a sentence (straight or curly quotes)."""
    text = text_of(sent.doc)
    spans = []
    opened = None
    for i in range(sent.start_char, sent.end_char):
        ch = text[i]
        if ch in QUOTE_CHARS:
            if opened is None and ch != "”":
                opened = i
            elif opened is not None:
                spans.append((opened, i + 1))
                opened = None
    return spans


def _scare_quotes(sent: Span) -> list[str]:
    """Short quoted terms the writer distances from ("what it called a 'regrouping'")."""
    out = []
    text = text_of(sent.doc)
    for s, e in _quotes_in(sent):
        inner = text[s + 1: e - 1].strip(" ,.")
        if 0 < len(inner.split()) <= 3:
            out.append(inner)
    return out


def _judgement_after(cue: Token, source: Span, content: tuple[int, int] | None) -> str:
    """What the writer appends to a whole claim ("..., a claim that could not be independently
    verified", "..., a figure Reuters could not verify"): the rest of the sentence after the
    claim, when it opens with such a noun. (Another side's denial appended so, "a claim Hamas
    denied", leaves the claim reported: the annotated sets differ on it, CONTRACT.md is silent.)"""
    text = text_of(cue.doc)
    sent = cue.sent
    end = max(source.end_char, cue.idx + len(cue.text), content[1] if content else 0)
    tail = text[end: sent.end_char]
    if not tail.lstrip(" \"'’”").startswith(","):
        return ""
    tail = tail.lstrip(" \"'’”,")
    return tail if re.match(r"(?:(?:a|an|the)\s+(?:\w+\s+)?)?(?:claim|figure|assertion|account|toll|number|report)s?\b",
                            tail, re.I) else ""  # (", figures that could not be independently verified")


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _certainty(base: str, cue: Token, source: Span, content: tuple[int, int] | None) -> str:
    text = text_of(cue.doc)
    if _negated(cue):
        return "unconfirmed"
    if base == "denied":
        return base
    head = source.root
    around = text[min(source.start_char, head.left_edge.idx):
                  max(source.end_char, head.right_edge.idx + len(head.right_edge.text))]
    if _pattern("unconfirmed_hedges").search(around):
        return "unconfirmed"  # "a post ... that the BBC was unable to verify"
    if base == "confirmed":
        return base
    tail = _judgement_after(cue, source, content)
    if tail and _pattern("unconfirmed_hedges").search(tail):
        return "unconfirmed"  # "..., the KNU said, a figure Reuters could not independently verify"
    clause = text[content[0]:content[1]] if content else ""
    # hedges in the cue's own clause ("reportedly said") count too
    head_window = " ".join(t.text for t in cue.children if t.dep_ in ("advmod", "aux"))
    if _pattern("unconfirmed_hedges").search(head_window) or (
        base == "reported" and _pattern("unconfirmed_hedges").search(clause)
    ):
        return "unconfirmed"
    if base == "reported" and _pattern("claimed_hedges").search(clause):
        return "claimed"
    if base == "reported" and _pattern("denial_words").search(clause):
        return "denied"  # "told Reuters the claim was \"not true\"", "said ... claims were \"a lie\""
    return base


def _subject(verb: Token) -> tuple[Token | None, bool]:
    """The subject of a cue verb (agent of a passive), inherited through conjunction."""
    for child in verb.children:
        if child.dep_ == "agent":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj, True
    for child in verb.children:
        if child.dep_ == "nsubj":
            if any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children) and verb.dep_ == "advcl" \
                    and verb.head.dep_ == "relcl" and verb.head.head.pos_ == "NOUN":
                # "a survivor who gave his name only as Adama told AFP": the parser made the name the
                # subject of the cue; the speaker is the noun the relative clause describes
                return verb.head.head, False
            return _stolen_subject(verb, child), False
    before = verb.doc[verb.i - 1] if verb.i > verb.sent.start else None
    if before is not None and before.text == "," and before.i > verb.sent.start:
        before = verb.doc[before.i - 1]  # "..., the Odesa regional governor, Oleh Kiper, said"
    if before is not None and before.pos_ in ("PROPN", "NOUN") and before.dep_ in ("appos", "conj", "npadvmod") \
            and any(c.dep_ == "ccomp" and c.i < before.i for c in verb.children) \
            and any(t.text == "," for t in verb.doc[before.left_edge.i - 1: before.i]):
        # "..., Commander-in-Chief Oleksandr Syrskyi said": the parser hung the speaker on the clause
        return before, False
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in RAISING_VERBS | ASPECT_VERBS:
        return _subject(verb.head)  # "Videos appeared to show ...", "ISW continues to assess that ..."
    if verb.dep_ == "acl" and verb.head.pos_ == "PROPN" and verb.i > 0 and verb.doc[verb.i - 1].text == "," and (
            verb.tag_ == "VBD" or verb.lemma_.lower() in _cues()["naming_verbs"]):
        return verb.head, False  # "China, Pakistan's closest ally, called India's action \"regrettable\"": a finite verb
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        outer = _outer_cue(verb.head)
        if outer is not None and not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) \
                and verb.lemma_.lower() in _cues()["verbs"]:
            # "X said its forces had taken A and claimed that B": the second cue is X's too
            return _subject(outer)
        if any(c.dep_ == "nsubjpass" for c in verb.head.children) and not any(
            c.dep_ == "nsubjpass" for c in verb.children
        ):
            return None, False  # "was made by X and confirmed by Y": Y comes from the agent
        return _subject(verb.head)
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX"):
        # "X mocked the complaint, saying ...": the participle's speaker is the main subject
        outer = _outer_cue(verb.head)
        if outer is not None and verb.lemma_.lower() in _cues()["verbs"]:
            # "X denied that the group had sent fighters, telling Reuters ...": the parser hung the
            # participle on the reported clause; its speaker is X, not the reported clause's subject
            return _subject(outer)
        above = _cue_above(verb.head)
        if above is not None and verb.lemma_.lower() in _cues()["verbs"]:
            # "denied a report that its forces had struck a camp, saying ...": the parser hung the
            # participle on the reported clause; its speaker is the one who denied
            return _subject(above)
        subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            return subject, False
    return None, False


RAISING_VERBS = {"appear", "seem"}
ASPECT_VERBS = {"continue", "begin", "start", "keep"}  # pass their subject on, and no hedge


def _named_apposition(head: Token) -> Token:
    """ "A prominent Russian military blogger, Yuri Podolyaka, wrote": the name is the source
    (GOLD.md: the shortest phrase naming it); the description stays as its description."""
    if head.ent_type_ == "PERSON":
        return head
    for child in head.children:
        if child.dep_ == "appos" and child.i > head.i and head.doc[child.left_edge.i - 1].text == "," and (
                child.ent_type_ == "PERSON" or head.lower_ == "one"
                or (child.pos_ == "PROPN" and child.text[:1].isupper() and head.pos_ == "NOUN"
                    and child.ent_type_ in ("", "PERSON") and child.i - child.left_edge.i >= 1)):
            # "one of them, a 45-year-old fisherman": the description is the source;
            # "Ukraine's commander in the south, Brig Gen Oleksandr Tarnavskyi": the name the tagger missed
            return child
    return head


def _stolen_subject(verb: Token, subject: Token) -> Token:
    """ "Russian forces captured Vuhledar, Ukraine's General Staff said": the parser made the
    reported clause's last word the subject and the real source its apposition. When the
    reported clause comes before the subject, the apposition after the comma is the source."""
    doc = subject.doc
    for child in subject.children:
        # '"... and then the explosions," a 42-year-old shopkeeper told Reuters': the quotation's last
        # noun became the subject; the apposition after the closing quote is the speaker
        if child.dep_ == "appos" and subject.i < child.i < verb.i and any(
                t.text in QUOTE_CHARS for t in doc[subject.i + 1: child.left_edge.i]):
            return child
    clauses = [c for c in verb.children if c.dep_ == "ccomp" and c.i < subject.i]
    if not clauses:
        return subject
    if any(t.text in QUOTE_CHARS for t in doc[clauses[-1].i: subject.left_edge.i]):
        return subject  # '"We have pulled back," a CSP spokesman, X, told AFP': the quotation ended before it
    for child in subject.children:
        if child.dep_ == "appos" and child.i > subject.i and child.i < verb.i \
                and any(t.text == "," for t in subject.doc[subject.i + 1: child.left_edge.i]):
            return child
    return subject


def _cue_above(clause: Token) -> Token | None:
    """The cue verb a clause is reported by, through a noun it describes ("denied a report that ...")."""
    token = clause
    for _ in range(3):
        if token.dep_ not in ("acl", "ccomp", "dobj", "relcl") or token.head.i == token.i:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in _cues()["verbs"]:
            return token
    return None


def _outer_cue(verb: Token) -> Token | None:
    """The cue verb whose reported clause (ccomp) ``verb`` is, if any."""
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in _cues()["verbs"]:
        return verb.head
    return None


def _content_of_verb(verb: Token, sent: Span) -> tuple[tuple[int, int] | None, bool]:
    """What a cue verb attributes: its clause complement, object, or a quotation."""
    object_ok = verb.lemma_.lower() in _cues()["object_content_verbs"]
    clauses = [c for c in verb.children if c.dep_ in ("ccomp", "xcomp", "oprd")]
    objects = [c for c in verb.children if object_ok and c.dep_ == "dobj" and c.pos_ != "PRON"]
    if verb.lemma_.lower() == "tell" and clauses:
        objects = []  # "told AFP the report was \"not true\"": the clause, not the addressee
    for child in sorted(clauses + objects, key=lambda c: c.i):
        span = _subtree_span(child)
        speaker, _ = _subject(verb)
        if child.dep_ == "ccomp" and speaker is not None and span[0] < speaker.idx < span[1]:
            # the parser hung the speaker inside the clause: the content ends before it
            left = speaker.left_edge
            if speaker.dep_ == "appos" and speaker.head.i < speaker.i and speaker.head.pos_ == "NOUN":
                left = min(speaker.head.left_edge, left, key=lambda t: t.i)  # "the Odesa regional governor, Oleh Kiper"
                left = next((t for t in speaker.head.subtree if t.i >= left.i), left)
            cut = left.doc[left.i - 1] if left.i > 0 and left.doc[left.i - 1].text == "," else left
            span = (span[0], cut.idx)
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if child.dep_ == "ccomp" and subject is not None and _stolen_subject(verb, subject) is not subject:
            span = (span[0], subject.idx + len(subject.text))  # the clause's last word, taken back
        if child.dep_ == "dobj" and any(c.dep_ == "prep" and c.lower_ == "as" for c in verb.children):
            prep = next(c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as")
            span = (span[0], _subtree_span(prep)[1])
        # a reported clause that is a quotation ("\"The shelling did not stop,\" a resident said")
        inside = any(q[0] <= span[0] and span[1] <= q[1] for q in _quotes_in(sent))
        return span, inside
    for child in verb.children:
        # "said talks in Cairo ended on Thursday": a clause the parser read as object + participle
        if child.dep_ == "dobj" and child.pos_ != "PRON" and any(
                g.dep_ in ("acl", "relcl") and g.pos_ == "VERB" and (
                    g.tag_ == "VBD" or (g.tag_ == "VBN" and g.head.i == child.i and g.i == child.i + 1
                                        and any(x.dep_ in ("xcomp", "dobj", "prep") for x in g.children)))
                for g in child.subtree):
            # "said the operation aimed to allow ...": a finite verb the tagger read as a participle
            return _subtree_span(child), False
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        # "a claim Kigali rejected", "..., which Ukraine's military denied": what the relative clause is about
        head = verb.head
        if head.lower_ in _cues()["nouns"] and head.dep_ in ("npadvmod", "appos", "dobj", "attr"):
            return _subtree_span(head.head), False
        clause = head
        while clause.head.i != clause.i and clause.pos_ not in ("VERB", "AUX"):
            clause = clause.head
        toks = _trim([t for t in clause.subtree if t.i < verb.i and t not in list(verb.subtree)])
        if toks:
            return (toks[0].idx, toks[-1].idx + len(toks[-1].text)), False
    for prep in verb.children:
        # "said in a statement that 10 members had been killed": the that-clause hangs on the statement
        if prep.dep_ == "prep" and prep.lower_ in ("in", "on"):
            for noun in prep.children:
                clause = next((c for c in noun.children if c.dep_ in ("acl", "relcl") and any(
                    m.dep_ == "mark" and m.lower_ == "that" for m in c.children)), None)
                if clause is not None:
                    return _subtree_span(clause), False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if verb.dep_ == "conj" and verb.head.i < verb.i and subject is not None and verb.head.dep_ == "ROOT" \
            and subject.left_edge.i > verb.head.i and verb.doc[subject.left_edge.i - 1].text == "," \
            and not _quotes_in(sent):
        # "M23 fighters had captured the airport on Friday, the United Nations confirmed": the parser
        # coordinated the report with its cue; the content is the sentence before the source
        start = sent[0]
        while start.is_punct and start.i < subject.left_edge.i:
            start = start.doc[start.i + 1]
        end = verb.doc[subject.left_edge.i - 2]
        return (start.idx, end.idx + len(end.text)), False
    quotes = _quotes_in(sent)
    if quotes:
        longest = max(quotes, key=lambda q: q[1] - q[0])
        return longest, True
    previous = _quote_just_before(sent)
    if previous is not None:
        return previous, True
    return None, False


def _quote_just_before(sent: Span) -> tuple[int, int] | None:
    """'"Who would believe it?" Trump said.': the parser split the quotation off; a short
    quote-less cue sentence takes the quotation that closes the sentence before it."""
    if sent.start == 0 or len(sent) > 12:
        return None
    prev = sent.doc[sent.start - 1].sent
    text = text_of(sent.doc)
    if "\n" in text[prev.end_char:sent.start_char]:
        return None
    quotes = _quotes_in(prev)
    end = prev.end_char
    while end > prev.start_char and text[end - 1].isspace():
        end -= 1
    if quotes and quotes[-1][1] == end:
        return quotes[-1]
    return None


def find_attributions(doc: Doc, sentences: list[Sentence], sentence_of: list[int]) -> list[Attribution]:
    """Every attribution in the document, in text order."""
    cues = _cues()
    verb_cues: dict[str, str] = cues["verbs"]
    noun_cues: dict[str, str] = cues["nouns"]
    light_verbs = set(cues["light_verbs_for_nouns"])
    evidence_verbs: dict[str, str] = cues["evidence_verbs"]
    found: list[Attribution] = []

    for sent in doc.sents:
        s_index = sentence_of[sent.start]
        scare = _scare_quotes(sent)
        for token in sent:
            lemma = token.lemma_.lower()
            # "according to X"
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                to = doc[token.i + 1]
                pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
                if pobj is None:
                    continue
                pp_start, pp_end = token.idx, _subtree_span(to)[1]
                content = _clause_without(sent, pp_start, pp_end)
                anchor = token.head if token.head.i != token.i else sent.root
                for head in _conjuncts(pobj):
                    phrase = source_phrase(_named_apposition(head))  # "according to an LNA spokesman, X"
                    if phrase is None:
                        continue
                    found.append(Attribution(
                        s_index, phrase, [token, to], content,
                        _certainty("reported", token, phrase, content), anchor=anchor,
                        description=_description(phrase), scare_quotes=scare,
                    ))
                continue
            # "..., citing X" / "quoting X": X is the source of the main clause
            if token.lower_ in cues["citing_cues"] and token.tag_ == "VBG":
                obj = next((c for c in token.children if c.dep_ in ("dobj", "obj")), None)
                if obj is not None:
                    pp_start, pp_end = token.idx, _subtree_span(token)[1]
                    content = _clause_without(sent, pp_start, pp_end)
                    anchor = token.head if token.head.i != token.i else sent.root
                    for head in _conjuncts(obj):
                        phrase = source_phrase(head)
                        if phrase is not None:
                            found.append(Attribution(
                                s_index, phrase, [token], content,
                                _certainty("reported", token, phrase, content), anchor=anchor,
                                description=_description(phrase), scare_quotes=scare,
                            ))
                    continue
            # cue verbs: X said / told / claimed / confirmed ...
            if token.pos_ in ("VERB", "AUX") and (lemma in verb_cues or lemma in evidence_verbs) \
                    and token.dep_ not in ("amod",):
                if lemma == "describe" and not any(c.lower_ == "as" for c in token.children):
                    continue
                if _negated(token):
                    continue  # "did not comment", "has not said whether", "could not verify": no assertion
                subject, passive = _subject(token)
                if subject is None:
                    continue
                if subject.lower_ in ("what", "which", "that"):
                    continue
                what_called = any(c.lower_ == "what" and c.dep_ in ("dobj", "oprd") for c in token.children)
                quoted_call = _quoted_call(token) if lemma in cues.get("naming_verbs", ()) else None
                if lemma in cues.get("naming_verbs", ()) and not (
                        what_called or quoted_call or any(c.dep_ == "oprd" for c in token.children)):
                    continue  # "called on X to", "called for": no naming, no claim
                if lemma in cues.get("naming_verbs", ()) and not what_called and token.dep_ == "relcl" and any(
                        c.dep_ in ("oprd", "dobj") and c.pos_ == "PROPN" for c in token.children):
                    continue  # "Stepanakert, which Azerbaijan calls Khankendi": another name, not a claim
                if what_called and (subject.pos_ == "PRON" or subject.lower_ in PRONOUNS):
                    continue  # "what it called a 'regrouping'": the writer's distance, not a second claim
                content, is_quote = _content_of_verb(token, sent)
                if quoted_call:
                    content, is_quote = quoted_call, False
                if what_called:
                    # "what the Kremlin called 'an important victory'": the Kremlin's words, which the writer distances
                    named = [c for c in token.children if c.dep_ in ("oprd", "dobj", "ccomp") and c.lower_ != "what"]
                    content = _subtree_span(named[0]) if named else content
                    is_quote = False
                back = _points_back(token)
                if content is None and passive:
                    # "This claim was made by X and confirmed by Y": the content is the passive subject
                    holder = token if any(c.dep_ == "nsubjpass" for c in token.children) else token.head
                    topic = next((c for c in holder.children if c.dep_ == "nsubjpass"), None)
                    if topic is not None:
                        content = _subtree_span(topic)
                        back = back or topic.pos_ == "PRON" or any(
                            c.lower_ in ("this", "that", "these", "those") for c in topic.children)
                if content is None:
                    continue
                cue_tokens = [token] + [c for c in token.children if c.dep_ in ("prt",)]
                if lemma == "tell":
                    cue_tokens += [c for c in token.children if c.dep_ in ("dobj", "dative")]
                base = verb_cues.get(lemma, "reported")
                if what_called and base == "reported":
                    base = "claimed"
                if base == "reported" and token.i >= 2 and doc[token.i - 2].lower_ == "what" and subject.i == token.i - 1:
                    base = "claimed"  # "fired missiles in what it said was retaliation": the writer's distance
                if lemma in evidence_verbs:
                    if subject.lemma_.lower() not in cues["evidence_nouns"]:
                        continue  # "the retaking shows the impact": not an attribution
                    base = evidence_verbs[lemma]
                if token.dep_ == "xcomp" and token.head.lemma_.lower() in RAISING_VERBS:
                    base = "unconfirmed"  # "appeared to show", "seemed to confirm"
                for head in _conjuncts(subject):
                    head = _named_apposition(head)
                    phrase = _states_together(subject) or _with_name_after(source_phrase(head), token)
                    if phrase is None:
                        continue
                    found.append(Attribution(
                        s_index, phrase, cue_tokens, content,
                        _certainty(base, token, phrase, content), quote=is_quote,
                        anchor=token, description=_description(phrase, content), scare_quotes=scare,
                        points_back=back,
                    ))
                continue
            # cue nouns: "claims by X that ...", "X's claim that ...", "This claim was made by X"
            if token.pos_ == "NOUN" and token.lower_ in noun_cues:
                base = noun_cues[token.lower_]
                author = None
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ == "by":
                        author = next((c for c in child.children if c.dep_ == "pobj"), None)
                    elif child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
                        author = child
                points_back = False
                if author is None and token.dep_ == "nsubjpass" and token.head.lemma_ in light_verbs:
                    subj, _ = _subject(token.head)
                    author = subj
                    points_back = any(c.lower_ in ("this", "that", "the") for c in token.children)
                if author is None:
                    continue
                content_tok = next((c for c in token.children if c.dep_ in ("acl", "ccomp", "relcl")), None)
                if content_tok is None and author.dep_ == "poss" and not points_back:
                    continue  # "The ministry's claims could not be verified": about a claim made before, no new one
                content = _subtree_span(content_tok) if content_tok is not None else (token.idx, token.idx + len(token.text))
                for head in _conjuncts(author):
                    phrase = source_phrase(head)
                    if phrase is None:
                        continue
                    found.append(Attribution(
                        s_index, phrase, [token], content, _certainty(base, token, phrase, content),
                        anchor=content_tok if content_tok is not None else token,
                        description=_description(phrase), scare_quotes=scare, points_back=points_back,
                    ))
    return _one_per_sentence_and_source(found)


def _quoted_call(verb: Token) -> tuple[int, int] | None:
    """ "called for \"restraint and avoiding escalation\"": a call that quotes the speaker's words is a
    claim (a plain "called for talks" is not); its content is what is called for."""
    text = text_of(verb.doc)
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ == "for":
            span = _subtree_span(prep)
            if any(ch in QUOTE_CHARS for ch in text[span[0]:span[1]]):
                return span
    return None


def _with_name_after(phrase: Span | None, verb: Token) -> Span | None:
    """ "The European Union's foreign policy chief Josep Borrell condemned": the parser gave the verb
    two subjects, the title and the name; the source is both."""
    if phrase is None:
        return None
    doc = phrase.doc
    name = next((c for c in verb.children if c.dep_ == "nsubj" and c.pos_ == "PROPN" and c.left_edge.i == phrase.end), None)
    if name is None or not phrase.root.pos_ == "NOUN":
        return phrase
    return doc[phrase.start: name.i + 1]


def _states_together(subject: Token) -> Span | None:
    """ "Saudi Arabia and the United States suspended talks, saying ...": states that speak together
    are one source, named by the whole coordination (not when one of them is a body or a person)."""
    heads = _conjuncts(subject)
    if len(heads) < 2:
        return None
    markers = lexicon.side_markers()
    groups = lexicon.non_state_codes()
    for head in heads:
        phrase = source_phrase(head)
        if phrase is None:
            return None
        words = [t for t in phrase if t.lower_ not in ("the", "'s") and not t.is_punct]
        name = " ".join(t.lower_ for t in words)
        if not words or any(t.pos_ != "PROPN" for t in words) or markers.get(name) in (None, *groups):
            return None
    first, last = source_phrase(heads[0]), source_phrase(heads[-1])
    return subject.doc[min(first.start, last.start): max(first.end, last.end)]


def _inside_quotation(a: Attribution) -> bool:
    """A cue and its source inside quotation marks of their line (which the sentence splitter may
    have cut in two): words a speaker quotes, not an attribution of the writer's."""
    text = text_of(a.source.doc)
    at = a.cue_span[0]
    start = text.rfind("\n", 0, at) + 1
    opened = None
    for i in range(start, a.source.start_char):
        ch = text[i]
        if ch in QUOTE_CHARS:
            opened = i if opened is None and ch != "”" else None
    if opened is None:
        return False
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    return any(text[i] in QUOTE_CHARS for i in range(max(at, a.source.end_char), end))


def _points_back(cue: Token) -> bool:
    """A clause about what the previous sentence said ("The source also claimed", "This claim")."""
    return any(c.lower_ in ("also",) for c in cue.children)


def _clause_without(sent: Span, start: int, end: int) -> tuple[int, int] | None:
    """The sentence minus an attribution phrase at its start or end."""
    text = text_of(sent.doc)
    s, e = sent.start_char, sent.end_char
    while e > s and text[e - 1].isspace():
        e -= 1
    if start - s > e - end:
        e = start
    else:
        s = end
    while s < e and (text[s] in " ,;:" or text[s].isspace()):
        s += 1
    while e > s and text[e - 1] in " ,;:.":
        e -= 1
    return (s, e) if e > s else None


def _one_per_sentence_and_source(found: list[Attribution]) -> list[Attribution]:
    """One claim per (sentence, source phrase): "described ... and told" is one claim; a pronoun
    speaking inside what another source of the sentence says is that source again ("The ELN said
    its offensive targeted a faction, which it accused of ...", "Pakistan said it had responded")."""
    seen: set[tuple[int, int, int]] = set()
    out = []
    for a in found:
        key = (a.sentence, a.source.start, a.source.end)
        if key in seen:
            if a.certainty == "denied" and a.cue_tokens[0].lemma_.lower() == "deny":
                # "told state media that X and denied that Y": the denial is the stance ("rejected calls to" is not)
                first = next(b for b in out if (b.sentence, b.source.start, b.source.end) == key)
                if first.certainty == "reported":
                    first.certainty = "denied"
            continue  # the first cue wins
        if _inside_quotation(a):
            continue  # '"The Russians have been announcing it since spring," he said': the speaker's words
        if len(a.source) == 1 and a.source.root.lower_ in PRONOUNS and any(
                b is not a and b.sentence == a.sentence and b.content is not None
                and b.content[0] <= a.cue_span[0] < b.content[1] and b.source.root.lower_ not in PRONOUNS
                and b.source.start < a.source.start for b in found):
            continue
        seen.add(key)
        out.append(a)
    return sorted(out, key=lambda a: (a.cue_span[0], a.source.start))


def make_claims(attributions: list[Attribution], source_ids: list[str]) -> list[Claim]:
    """Claim records, one per attribution, with the merged source's id."""
    claims = []
    for i, (a, source_id) in enumerate(zip(attributions, source_ids), start=1):
        spans = [(a.source.start_char, a.source.end_char), a.cue_span]
        if a.content:
            spans.append(a.content)
        claims.append(Claim(
            id=f"c{i}", sentence=a.sentence,
            start=min(s for s, _ in spans), end=max(e for _, e in spans),
            source=source_id, source_span=(a.source.start_char, a.source.end_char),
            cue=a.cue_text, cue_span=a.cue_span, content_span=a.content,
            certainty=a.certainty, quote=a.quote, scare_quotes=list(a.scare_quotes),
        ))
    return claims
