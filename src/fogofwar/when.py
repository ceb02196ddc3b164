"""When: date expressions resolved against the publication date.

Rules follow GOLD.md: a weekday name means the most recent such day on or
before publication; "yesterday" and "last night" the day before; "last
week" the Monday of the previous week (precision week); "this month" /
"earlier this month" the first of the month (precision month); explicit
dates ("September 10", "10 Sept 2022") a day; a month name alone a month.
Anaphoric expressions ("since then", "that day", "the next day", "two days
later") take the date of the nearest earlier date expression in the article.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from spacy.attrs import LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from fogofwar.nlp import text_of

WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
# words that are a date on their own, entity or not; with the weekdays, as spaCy's string ids
_LONE_WORDS = frozenset(("yesterday", "overnight", "today", "tonight"))
_LONE_AND_WEEKDAY_IDS = frozenset(get_string_id(w) for w in _LONE_WORDS | set(WEEKDAYS))
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

_MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_FIRST = re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s+(?P<year>\d{4}))?\b", re.I)
_MONTH_FIRST = re.compile(r"\b" + _MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{4}))?", re.I)
_MONTH_ONLY = re.compile(r"\b(?:in|since|during|early|late|mid|mid-)?\s*" + _MONTH_RE + r"(?:\s+(?P<year>\d{4}))?\b", re.I)
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_YEAR = re.compile(r"\b(?:in\s+)?(?P<year>(?:19|20)\d{2})\b")
_WEEKDAY = re.compile(r"\b(?:last\s+)?(?P<wd>" + "|".join(WEEKDAYS) + r")\b", re.I)


@dataclass(frozen=True)
class ResolvedDate:
    date: str
    precision: str  # day | week | month | year


def parse_published(published: str | None) -> dt.date | None:
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def _latest_month(month: int, ref: dt.date, year: str | None) -> int:
    if year:
        return int(year)
    return ref.year if month <= ref.month else ref.year - 1


@functools.lru_cache(maxsize=8192)
def resolve(expression: str, published: dt.date | None) -> ResolvedDate | None:
    """Resolve one date expression; None where it cannot be pinned down."""
    text = expression.strip().lower()
    m = _ISO.search(text)
    if m:
        try:
            return ResolvedDate(dt.date(int(m["year"]), int(m["month"]), int(m["day"])).isoformat(), "day")
        except ValueError:
            return None
    if published is None:
        return None
    if re.search(r"\b(today|tonight|this morning|this afternoon|this evening)\b", text):
        return ResolvedDate(published.isoformat(), "day")
    if re.search(r"\b(yesterday|last night|overnight|during the night|in the night)\b", text):
        return ResolvedDate((published - dt.timedelta(days=1)).isoformat(), "day")
    m = _DAYS_AGO.search(text)
    if m:  # "two days ago", "3 days ago"
        word = m["n"]
        return ResolvedDate((published - dt.timedelta(days=int(word) if word.isdigit() else _NUMBER_WORDS[word])).isoformat(),
                            "day")
    if re.search(r"\blast weekend\b", text):  # the Saturday before the latest Monday
        monday = published - dt.timedelta(days=published.weekday())
        return ResolvedDate((monday - dt.timedelta(days=2)).isoformat(), "week")
    if re.search(r"\bday before yesterday\b", text):
        return ResolvedDate((published - dt.timedelta(days=2)).isoformat(), "day")
    for regex in (_DAY_FIRST, _MONTH_FIRST):
        m = regex.search(text)
        if m:
            month = MONTHS[m["month"].lower()]
            year = _latest_month(month, published, m["year"])
            try:
                day = dt.date(year, month, int(m["day"]))
            except ValueError:
                return None
            if not m["year"] and day > published:
                day = day.replace(year=day.year - 1)
            relative = None if m["year"] else re.search(r"\b(last|this) year\b", text)
            if relative:  # "since October 7 last year": that day of that year
                try:
                    day = day.replace(year=published.year - (relative.group(1) == "last"))
                except ValueError:
                    return None
            return ResolvedDate(day.isoformat(), "day")
    m = _WEEKDAY.search(text)
    if m:
        back = (published.weekday() - WEEKDAYS[m["wd"].lower()]) % 7
        if text.startswith("last ") and back == 0:
            back = 7
        return ResolvedDate((published - dt.timedelta(days=back)).isoformat(), "day")
    m = _MONTH_ONLY.search(text)
    relative_year = re.search(r"\b(last|this|next) year\b", text)
    if m and relative_year and (m["month"].lower() != "may" or re.search(r"\b(in|since|during|early|late|mid)\b", text)):
        # "in May last year", "in March this year": that month of that year
        month = MONTHS[m["month"].lower()]
        year = published.year + {"last": -1, "this": 0, "next": 1}[relative_year.group(1)]
        return ResolvedDate(dt.date(year, month, 1).isoformat(), "month")
    monday = published - dt.timedelta(days=published.weekday())
    if re.search(r"\blast week\b", text):
        return ResolvedDate((monday - dt.timedelta(days=7)).isoformat(), "week")
    if re.search(r"\bthis week\b|\bearlier this week\b", text):
        return ResolvedDate(monday.isoformat(), "week")
    if re.search(r"\b(this|earlier this) month\b", text):
        return ResolvedDate(published.replace(day=1).isoformat(), "month")
    if re.search(r"\blast month\b", text):
        first = published.replace(day=1) - dt.timedelta(days=1)
        return ResolvedDate(first.replace(day=1).isoformat(), "month")
    if re.search(r"\b(this|earlier this) year\b", text):
        return ResolvedDate(published.replace(month=1, day=1).isoformat(), "year")
    if re.search(r"\blast year\b", text):
        return ResolvedDate(dt.date(published.year - 1, 1, 1).isoformat(), "year")
    m = _MONTH_ONLY.search(text)
    if m and (m["month"].lower() != "may" or m["year"] or re.search(r"\b(in|since|during|early|late|mid)\b", text)):
        # ("may" is a month only with a year or a preposition: "May 2023", "in May")
        month = MONTHS[m["month"].lower()]
        return ResolvedDate(dt.date(_latest_month(month, published, m["year"]), month, 1).isoformat(), "month")
    m = _YEAR.search(text)
    if m:
        return ResolvedDate(f"{m['year']}-01-01", "year")
    return None


_NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10}
_N = r"(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")"
_DAYS_AGO = re.compile(r"\b" + _N + r"\s+days?\s+ago\b")
# (pattern, day shift): shift None means "the same date, whatever its precision"
_ANAPHORIC = [
    (re.compile(r"\bsince then\b", re.I), None),
    (re.compile(r"\b(?:on\s+)?(?:that|the same|that same)\s+(?:day|night|morning|afternoon|evening)\b", re.I), 0),
    (re.compile(r"\b(?:on\s+)?the\s+(?:next|following)\s+(?:day|morning|afternoon|evening|night)\b", re.I), 1),
    (re.compile(r"\b(?:on\s+)?the\s+(?:previous|preceding)\s+(?:day|night|evening)\b|\bthe day before\b(?!\s+yesterday)", re.I), -1),
    (re.compile(r"\b" + _N + r"\s+days?\s+(?:later|afterwards|after that)\b", re.I), "+n"),
    (re.compile(r"\b" + _N + r"\s+days?\s+earlier\b", re.I), "-n"),
]

# Per pattern above, groups of words of which it needs one each (lower case): a cheap test
# before the scan. ``lower()`` folds what ``re.I`` matches to them, except these characters.
_ANAPHORIC_NEEDS = [
    (("since then",),),
    (("that", "the same"), ("day", "night", "morning", "afternoon", "evening")),
    (("the",), ("next", "following")),
    (("previous", "preceding", "the day before"),),
    (("day",), ("later", "afterwards", "after that")),
    (("day",), ("earlier",)),
]
_FOLD_EXCEPTIONS = "\u0131\u017f\u0130\u212a"  # ı ſ İ K: re.I matches them to i, s, i, k


def shift_anaphoric(expression: str, previous: ResolvedDate | None) -> ResolvedDate | None:
    """Resolve an expression that points back to an earlier date ("the next day") from that date."""
    if previous is None:
        return None
    for regex, shift in _ANAPHORIC:
        m = regex.search(expression)
        if not m:
            continue
        if shift is None:
            return previous
        if previous.precision != "day":
            return None  # "the next day" after "in March" cannot be pinned to a day
        if isinstance(shift, str):
            word = m["n"].lower()
            n = int(word) if word.isdigit() else _NUMBER_WORDS[word]
            shift = n if shift == "+n" else -n
        day = dt.date.fromisoformat(previous.date) + dt.timedelta(days=shift)
        return ResolvedDate(day.isoformat(), "day")
    return None


@dataclass(frozen=True)
class DateMention:
    span: Span
    resolved: ResolvedDate
    anchor: Token  # the verb or event noun the expression modifies
    # ``span.sent``, looked up once when the mention is made (``date_of`` compares it for every event)
    sent: Span | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, span: Span, resolved: ResolvedDate) -> "DateMention":
        return cls(span, resolved, _anchor(span), span.sent)

    def sentence(self) -> Span:
        return self.sent if self.sent is not None else self.span.sent


def _anchor(span: Span) -> Token:
    """Climb from a date expression to the verb (or noun that heads a clause) it modifies."""
    token = span.root
    if token.dep_ in ("amod", "compound", "nmod", "poss", "nummod") and token.head.pos_ in ("NOUN", "PROPN") \
            and token.head.ent_type_ not in ("DATE", "TIME"):
        return token.head  # "an overnight missile attack", "the 2016 peace deal": the noun's own date
    seen = 0
    while token.head.i != token.i and seen < 8:
        token = token.head
        seen += 1
        if token.pos_ in ("VERB", "AUX"):
            return token
    return token


def find_dates(doc: Doc, published: dt.date | None) -> list[DateMention]:
    """Date expressions of a document (spaCy DATE/TIME entities plus bare weekday names)."""
    mentions: list[DateMention] = []
    covered: set[int] = set()
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        # "Friday night" is tagged DATE + TIME; take the widest DATE
        resolved = resolve(ent.text, published)
        if resolved is None and ent.start > 0 and doc[ent.start - 1].lower_ in ("during", "in", "overnight"):
            resolved = resolve(doc[ent.start - 1].text + " " + ent.text, published)  # "during the night"
        if resolved:
            mentions.append(DateMention.of(ent, resolved))
            covered.update(range(ent.start, ent.end))
    # only the tokens that are one of the words below (found by their hashes, not one by one)
    lowers = doc.to_array(LOWER).tolist() if len(doc) else []
    for i in [i for i, h in enumerate(lowers) if h in _LONE_AND_WEEKDAY_IDS]:
        token = doc[i]
        if token.i not in covered and token.lower_ in _LONE_WORDS:
            span = doc[token.i: token.i + 1]  # "killed 19 people in Rafah overnight": not always an entity
            resolved = resolve(span.text, published)
            if resolved:
                mentions.append(DateMention.of(span, resolved))
            continue
        if token.i not in covered and token.lower_ in WEEKDAYS:
            span = doc[token.i: token.i + 1]
            resolved = resolve(span.text, published)
            if resolved:
                mentions.append(DateMention.of(span, resolved))
    mentions.sort(key=lambda m: m.span.start)
    return _with_anaphoric(doc, mentions, covered)


def _with_anaphoric(doc: Doc, mentions: list[DateMention], covered: set[int]) -> list[DateMention]:
    """Add "since then" / "the next day" mentions, each resolved from the nearest earlier date."""
    found = []
    text = text_of(doc)
    folded = text.lower()
    exotic = any(c in text for c in _FOLD_EXCEPTIONS)
    for (regex, _), needs in zip(_ANAPHORIC, _ANAPHORIC_NEEDS):
        if not exotic and not all(any(w in folded for w in group) for group in needs):
            continue  # a word the pattern cannot match without is missing: no need to scan
        for m in regex.finditer(text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and not covered.intersection(range(span.start, span.end)):
                found.append(span)
    for span in sorted(found, key=lambda s: s.start):
        earlier = [m for m in mentions if m.span.end <= span.start]
        previous = max(earlier, key=lambda m: m.span.start).resolved if earlier else None
        resolved = shift_anaphoric(span.text, previous)
        if resolved:
            mentions.append(DateMention.of(span, resolved))
            mentions.sort(key=lambda m: m.span.start)
    return mentions


SPEECH_LEMMAS = frozenset(("say", "claim", "announce", "report", "tell", "state", "add",
                           "write", "post", "insist", "allege", "declare"))


def _modifies(date: Token, noun: Token, clause: Token) -> bool:
    """The date is the noun's own modifier ("strikes on Beirut on Thursday"), outside its clause."""
    t, steps = date, 0
    while t.i != noun.i and t.head.i != t.i and steps < 5:
        if t.i == clause.i or t.dep_ not in ("pobj", "prep", "npadvmod", "amod", "compound", "nmod", "nummod"):
            return False
        t, steps = t.head, steps + 1
    return t.i == noun.i


def _future(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in ("would", "will", "'ll") for c in verb.children)


def _clause_of(trigger: Token) -> Token:
    """The verb whose clause states a nominal trigger ("fighting ... has killed", "carried out strikes")."""
    if trigger.pos_ not in ("VERB", "AUX") and trigger.dep_ in ("nsubj", "nsubjpass", "dobj") \
            and trigger.head.pos_ in ("VERB", "AUX"):
        return trigger.head
    if trigger.pos_ == "VERB" and trigger.dep_ in ("nsubj", "nsubjpass", "csubj") and trigger.head.pos_ in ("VERB", "AUX"):
        return trigger.head  # a gerund subject: "fighting between two groups has killed ..."
    return trigger


def date_of(trigger: Token, mentions: list[DateMention]) -> ResolvedDate | None:
    """The date attached to an event's trigger or to a verb above it in its own clause: the climb
    stops at a relative clause ("the region, where fighting has killed ... since Thursday" is not
    dated by the main verb) and at the clause a speech verb reports ("said on Friday it had
    seized": the speech's date, not the event's).

    Only the mentions in the trigger's sentence can date it: they are picked out first (most
    sentences have none), and a mention's anchor is found among the ancestors by its offset."""
    sent = trigger.sent
    here = [m for m in mentions if m.sentence() == sent]
    if not here:
        return None
    ancestors = [trigger]
    token = trigger
    antecedent: Token | None = None
    while token.head.i != token.i:
        if token.dep_ == "relcl" or (token.dep_ == "ccomp" and token.head.lemma_.lower() in SPEECH_LEMMAS
                                     and not _future(token)):
            if token.dep_ == "relcl" and token.head.pos_ in ("NOUN", "PROPN"):
                antecedent = token.head  # "strikes on Beirut on Thursday that killed 22 people"
            break  # (but "announced last week that it would provide": the announcement is the pledge)
        token = token.head
        ancestors.append(token)
    depth_at: dict[int, int] = {}  # token offset -> its first place in the climb (tokens compare by offset)
    for k, a in enumerate(ancestors):
        depth_at.setdefault(a.idx, k)
    best: tuple[int, DateMention] | None = None
    for m in here:
        anchor = m.anchor
        if anchor.idx in depth_at:
            depth = depth_at[anchor.idx]
        elif antecedent is not None and _modifies(m.span.root, antecedent, token):
            depth = len(ancestors)  # the antecedent noun's own date dates what its relative clause says
        else:
            continue
        if best is None or depth < best[0]:
            best = (depth, m)
    base = _clause_of(trigger)
    if best is None:
        # no date above the trigger: one attached below it, in its own clause's modifiers
        # ("executed two men accused of spying ... on Wednesday evening": the parser hung the
        # date on a lower verb, or on a verb conjoined with it); the shallowest such date.
        # A nominal trigger looks in its own phrase ("an offensive known as X on Oct. 27"), then
        # in its verb's coordinated verbs and modifiers.
        bases = [b for b in (trigger, base) if b.pos_ in ("VERB", "AUX") or b.i == trigger.i]
        for b in dict.fromkeys(bases):
            for m in here:
                if m.anchor.i == b.i:
                    continue
                depth, t = 0, m.anchor
                while t.i != b.i and t.head.i != t.i and depth < 4:
                    if t.dep_ in ("ccomp", "relcl") and t.head.i != b.i:
                        break  # another clause's own statement
                    if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.i < m.span.start for c in t.children):
                        break  # "since the army seized power in February 2021": that clause's time
                    if b.i != trigger.i and t.dep_ not in ("conj", "xcomp", "prep", "pobj", "npadvmod"):
                        break  # a noun's verb: only its coordinated verbs and its own modifiers
                    t, depth = t.head, depth + 1
                if t.i == b.i and (best is None or depth < best[0]):
                    best = (depth, m)
            if best is not None:
                break
    return best[1].resolved if best else None
