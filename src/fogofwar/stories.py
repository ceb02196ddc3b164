"""Stories: one real-world event across reports, with its sources counted once.

Within an article, mentions of one event are linked: the same type and
place, or an anaphor after the trigger ("the retaking of the city", "the
withdrawal", "by seizing the two cities") that points back at the places
of earlier events of the same type. Across all articles analysed
together, events of the same type at the same place (the same GeoNames
id; or, for villages, within 15 km under the same name or where one side
has no gazetteer entry) with compatible dates (within 3 days, by day,
week or month; or unknown) form a story.

Independence: each organisation counts once per story, however many
articles quote it and however they spell it; sentences copied from
another article (a wire story re-run by several outlets, found with
MinHash, see :mod:`fogofwar.dedupe`) are one report, not several; an
outlet that passes on what a source told it ("X reported, citing Y", or
an outlet of this very run) is a relay, not a second source.

Status follows CONTRACT.md, with the reason in words: disputed when a
source denies it (or states that it did not happen); corroborated when
sources on two or more sides report it or the side it harms admits it;
confirmed when one side confirms; claimed when one side says so;
unverified when only hedged sources (or none) carry it. A capture and the
other side's withdrawal from the same place on compatible dates are two
views of one change of control: they are linked and each counts the
other's sources. What the reports disagree on (a euphemism against a
plain word, a denial, different dates, different casualty figures) is
listed in words. Ledgers order the changes of control per place.

Stories read only a slim projection of each article (:func:`story_input`:
its members, their claims, sources and sentences, and its long sentences
for near-duplicates), so a long run keeps that (packed) instead of every
result (:func:`build_packed`), and a cluster forms stories group by group
(:func:`member_keys`, :func:`form_group`, :func:`renumber`; see
``fogofwar.scale.spark``), with the same result as :func:`build`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fogofwar.dedupe import Copy, CopyDoc, copies_of, long_sentences
from fogofwar.models import (
    ArticleResult, Claim, Event, Ledger, LedgerEntry, Place, Sentence, Source, Story, StoryPlace, StorySource,
)

DATE_WINDOW_DAYS = 3
NEAR_KM = 15.0
CERTAINTY_RANK = {"confirmed": 4, "reported": 3, "claimed": 2, "unconfirmed": 1, "denied": 0}
HARMS_TARGET = {"capture", "advance", "encirclement", "attack"}
HARMS_ACTOR = {"withdrawal"}
CONTROL_TYPES = {"capture", "withdrawal"}
COUNTERPART = {"capture": "withdrawal", "withdrawal": "capture"}
STORY_MODALITIES = ("asserted", "threatened", "requested")
POINT_KINDS = ("city", "village", "feature")
NOT_CASUALTY_UNITS = {"km", "km2", "mi", "mi2", "m", "settlements", "villages", "towns", "cities", "tanks",
                      "rockets", "missiles", "drones", "shells"}
_NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "both": 2}
_SETTLEMENT = r"(?:cities|towns|villages|settlements|places)"
_PLURAL_ANAPHOR = re.compile(
    r"^\s+(?:of\s+|in\s+|from\s+|over\s+)?(?:the\s+(?P<n>two|three|four|five|six|\d)|(?P<both>both))\s+"
    + _SETTLEMENT + r"\b", re.I)
_SINGULAR_ANAPHOR = re.compile(r"^\s+(?:of\s+|in\s+|from\s+|over\s+)?the\s+(?:city|town|village|settlement)\b", re.I)
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|its)\s+$", re.I)


# --------------------------------------------------------------------------- records

@dataclass
class CountedSource(StorySource):
    """A source of a story, counted once however many articles and outlets carry it."""

    outlets: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    via_linked: bool = False  # it speaks about the linked view (capture <-> withdrawal)


@dataclass
class StoryRecord(Story):
    """A contract STORY plus how independent its reports are."""

    n_articles: int = 0
    n_reports: int = 0  # independent reports: copies of one wire story count once
    n_sources: int = 0
    copies: list[dict] = field(default_factory=list)  # {"article", "copy_of", "similarity"}
    relays: list[str] = field(default_factory=list)  # outlets that only passed on another source's words


@dataclass
class LedgerEntryRecord(LedgerEntry):
    """One change of control: who holds the place since when, according to whom, how sure."""

    according_to: list[str] = field(default_factory=list)
    reason: str = ""
    linked: list[str] = field(default_factory=list)


@dataclass
class LedgerRecord(Ledger):
    holder: str | None = None  # the holder after the latest change that is not disputed
    since: str | None = None
    contested: bool = False  # a later change is claimed but disputed


# --------------------------------------------------------------------------- members

@dataclass
class MemberInput:
    """One (event, place) of an article, with all that stories read of the article for it."""

    ordinal: int  # position among the article's members (stories are numbered in (article, ordinal) order)
    event_no: int  # position of the event in the article
    event: Event
    place: Place
    via: str  # "place", or the anaphor that tied it to the place
    claims: list[Claim]  # the event's claims
    sources: list[Source]  # the sources of those claims
    sentence: str  # the event's sentence

    @property
    def denial(self) -> bool:
        return _is_denial(self.event)


@dataclass
class StoryInput:
    """What stories read of one article (a few KB against the article's full result): its identity,
    its story members, and its long sentences for near-duplicates. Made as results stream in."""

    id: str
    outlet: str | None
    published: str | None
    members: list[MemberInput] = field(default_factory=list)
    sentences: list[tuple[int, str]] = field(default_factory=list)  # see dedupe.long_sentences


@dataclass
class _Member:
    index: int  # position of the article in the run
    ordinal: int
    event_no: int
    article_id: str
    outlet: str | None
    event: Event
    place: Place
    start: dt.date | None
    end: dt.date | None
    claims: list[Claim]
    sources: list[Source]
    sentence: str
    copy: Copy | None = None
    copy_of: str | None = None  # the id of the article whose sentence this one copies
    via: str = "place"  # "place", or the anaphor that tied it to the place

    def source(self, source_id: str | None) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


def member(index: int, article_id: str, outlet: str | None, m: MemberInput, copy: Copy | None = None,
           copy_of: str | None = None) -> _Member:
    """A member of the run: article ``index`` (its position in the run), with the copy its sentence is, if any."""
    start, end = date_interval(m.event.date, m.event.date_precision)
    return _Member(index, m.ordinal, m.event_no, article_id, outlet, m.event, m.place, start, end, m.claims,
                   m.sources, m.sentence, copy, copy_of, m.via)


@dataclass
class _Group:
    type: str
    members: list[_Member] = field(default_factory=list)
    denials: list[_Member] = field(default_factory=list)

    @property
    def place(self) -> Place:
        return self.members[0].place

    def dates(self) -> list[dt.date]:
        return sorted(dt.date.fromisoformat(m.event.date[:10]) for m in self.members if _valid_date(m.event.date))

    def intervals(self) -> list[tuple[dt.date, dt.date]]:
        return [(m.start, m.end) for m in self.members if m.start and m.end]


def _valid_date(value: str | None) -> bool:
    try:
        dt.date.fromisoformat((value or "")[:10])
        return True
    except ValueError:
        return False


def date_interval(date: str | None, precision: str | None) -> tuple[dt.date | None, dt.date | None]:
    """The days a date may stand for: one day, a week from its first day, a month, a year."""
    if not _valid_date(date):
        return None, None
    d = dt.date.fromisoformat(date[:10])  # type: ignore[index]
    if precision == "week":
        return d, d + dt.timedelta(days=6)
    if precision == "month":
        return d, d.replace(day=calendar.monthrange(d.year, d.month)[1])
    if precision == "year":
        return d, d.replace(month=12, day=31)
    return d, d


def interval_gap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> int:
    """Days between two date intervals; 0 when they overlap."""
    if a[1] < b[0]:
        return (b[0] - a[1]).days
    if b[1] < a[0]:
        return (a[0] - b[1]).days
    return 0


def dates_compatible(dates: list, date: str | None, precision: str | None = "day") -> bool:
    """Within DATE_WINDOW_DAYS of every known date (dates or (first, last) intervals); unknown fits all."""
    start, end = date_interval(date, precision)
    if start is None or not dates:
        return True
    for x in dates:
        iv = x if isinstance(x, tuple) else (x, x)
        if interval_gap((start, end), iv) > DATE_WINDOW_DAYS:  # type: ignore[arg-type]
            return False
    return True


def _km(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    p1, p2 = math.radians(a.lat), math.radians(b.lat)  # type: ignore[arg-type]
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)  # type: ignore[operator]
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@functools.lru_cache(maxsize=65536)
def _fold(name: str | None) -> str:
    """Case, accents, apostrophes and spacing folded: "Kup'yans'k" ~ "kupyansk"."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[^\w]+", "", text)


def _names(p: Place) -> set[str]:
    return {n for n in (_fold(p.name), _fold(p.mention)) if n}


def same_place(a: Place, b: Place) -> bool:
    """The same GeoNames id; unresolved places by name; villages within 15 km of each other by
    name, or when one has no gazetteer entry (two different villages 6 km apart stay apart)."""
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.geonameid is None and b.geonameid is None and _names(a) & _names(b):
        return True
    if a.kind not in POINT_KINDS or b.kind not in POINT_KINDS or _km(a, b) > NEAR_KM:
        return False
    return a.geonameid is None or b.geonameid is None or bool(_names(a) & _names(b))


def place_key(place: Place | StoryPlace | None) -> str | None:
    """The key a store files a place under: ``g:<geonameid>``, else ``n:<folded name>``."""
    if place is None:
        return None
    if place.geonameid is not None:
        return f"g:{place.geonameid}"
    name = getattr(place, "name", None) or getattr(place, "mention", None)
    return f"n:{_fold(name)}" if name else None


def _sentence_index(article: ArticleResult) -> dict[int, Sentence]:
    """Each sentence index -> its first record (what :func:`_sentence_text` would find by a scan)."""
    out: dict[int, Sentence] = {}
    for x in article.sentences:
        out.setdefault(x.index, x)
    return out


def _sentence_text(article: ArticleResult, event: Event, by_index: dict[int, Sentence] | None = None
                   ) -> tuple[str, int]:
    """The event's sentence text and its offset; ``by_index`` (:func:`_sentence_index`) spares a scan
    of the sentences per event."""
    if by_index is not None:
        s = by_index.get(event.sentence)
    else:
        s = next((x for x in article.sentences if x.index == event.sentence), None)
    start, end = (s.start, s.end) if s else (event.start, event.end)
    return article.article.text[start:end], start


def _trigger_offsets(article: ArticleResult, event: Event, by_index: dict[int, Sentence] | None = None
                     ) -> tuple[str, str]:
    """The sentence text before and after the event's trigger."""
    text, _ = _sentence_text(article, event, by_index)
    i = text.lower().find(event.trigger.lower()) if event.trigger else -1
    if i < 0:
        return text, ""
    return text[:i], text[i + len(event.trigger):]


def _earlier_places(article: ArticleResult, event: Event, types: set[str]) -> list[Place]:
    """Distinct settlement places of earlier events of these types in the article, most recent first."""
    out: list[Place] = []
    position = next((i for i, e in enumerate(article.events) if e is event), len(article.events))
    for e in reversed(article.events[:position]):
        if e.type not in types or e.place is None or e.modality not in STORY_MODALITIES:
            continue
        p = article.place(e.place)
        if p is not None and p.kind in POINT_KINDS and all(not same_place(p, q) for q in out):
            out.append(p)
    return out


def event_places(article: ArticleResult, event: Event, by_index: dict[int, Sentence] | None = None
                 ) -> list[tuple[Place, str]]:
    """Where an event took place, resolving anaphors the trigger governs.

    "By seizing the two cities" -> the two most recent places earlier
    events of the same type happened at; "the retaking of the city", "the
    withdrawal" with no place of its own -> the most recent one.
    ``by_index``: the article's :func:`_sentence_index`, when the caller looks up many events.
    """
    before, after = _trigger_offsets(article, event, by_index)
    plural = _PLURAL_ANAPHOR.match(after)
    if plural:
        n = 2 if plural.group("both") else _NUMBER_WORDS.get(plural.group("n").lower(), None)
        if n is None and plural.group("n").isdigit():
            n = int(plural.group("n"))
        earlier = _earlier_places(article, event, {event.type})
        if n and len(earlier) >= n:
            return [(p, f"'{plural.group(0).strip()}'") for p in reversed(earlier[:n])]
    own = article.place(event.place)
    if own is not None:
        return [(own, "place")]
    singular = _SINGULAR_ANAPHOR.match(after)
    if singular or _DEFINITE_BEFORE.search(before):
        earlier = _earlier_places(article, event, {event.type} | ({COUNTERPART[event.type]} if singular and
                                                                    event.type in COUNTERPART else set()))
        if earlier:
            how = singular.group(0).strip() if singular else f"{_DEFINITE_BEFORE.search(before).group(0).strip()} {event.trigger}"
            return [(earlier[0], f"'{how}'")]
    return []


def _is_denial(event: Event) -> bool:
    return event.negated or event.modality == "negated"


def story_keys(result: ArticleResult) -> set[tuple[str, str]]:
    """The (type, place key) of every story an article touches, for a store to find them.

    A capture touches the withdrawal stories of its place too (and the
    other way round): they are two views of one change of control. Keys
    use :func:`place_key`; villages within 15 km of a stored story under the
    same name need a spatial look-up besides.
    """
    keys: set[tuple[str, str]] = set()
    by_index = _sentence_index(result)
    for event in result.events:
        if event.modality not in STORY_MODALITIES and not _is_denial(event):
            continue
        for place, _ in event_places(result, event, by_index):
            key = place_key(place)
            if key is None:
                continue
            keys.add((event.type, key))
            if event.type in COUNTERPART:
                keys.add((COUNTERPART[event.type], key))
    return keys


def story_input(article: ArticleResult) -> StoryInput:
    """The slim projection of an article's result that :func:`build_inputs` reads."""
    members: list[MemberInput] = []
    by_index = _sentence_index(article)
    for n, event in enumerate(article.events):
        if event.modality not in STORY_MODALITIES and not _is_denial(event):
            continue
        places = event_places(article, event, by_index)
        if not places:
            continue
        claims = [c for c in article.claims if c.id in event.claims]
        sources: list[Source] = []
        for c in claims:
            src = article.source(c.source)
            if src is not None and all(x.id != src.id for x in sources):
                sources.append(src)
        sentence, _ = _sentence_text(article, event, by_index)
        for place, via in places:
            members.append(MemberInput(len(members), n, event, place, via, claims, sources, sentence))
    a = article.article
    return StoryInput(a.id, a.outlet, a.published, members, long_sentences(article))


def _members(inputs: list[StoryInput], copies: dict[tuple[int, int], Copy]) -> tuple[list[_Member], list[_Member]]:
    members: list[_Member] = []
    denials: list[_Member] = []
    for i, a in enumerate(inputs):
        for mi in a.members:
            copy = copies.get((i, mi.event.sentence))
            m = member(i, a.id, a.outlet, mi, copy, inputs[copy.original].id if copy is not None else None)
            (denials if mi.denial else members).append(m)
    return members, denials


def _fits(group: _Group, m: _Member, bounds: dict[int, tuple[dt.date, dt.date]]) -> bool:
    """Same type, same place, and within the date window of every dated member. The farthest
    member is the one that starts last or ends first, so two bounds per group suffice (linear time)."""
    if group.type != m.event.type or not same_place(group.place, m.place):
        return False
    start, end = date_interval(m.event.date, m.event.date_precision)
    if start is None or id(group) not in bounds:
        return True
    max_start, min_end = bounds[id(group)]
    return max(max_start - end, start - min_end).days <= DATE_WINDOW_DAYS  # type: ignore[operator]


def _group(members: list[_Member], denials: list[_Member]) -> list[_Group]:
    """Greedy, in input order: a member joins the first group it fits (groups at its own place key first)."""
    groups: list[_Group] = []
    by_key: dict[tuple[str, str | None], list[_Group]] = {}
    by_type: dict[str, list[_Group]] = {}

    bounds: dict[int, tuple[dt.date, dt.date]] = {}  # group -> (latest start, earliest end) of its dated members
    seen: dict[int, set[tuple[int, int]]] = {}  # group -> (article, event) pairs already in it

    def find(m: _Member) -> _Group | None:
        same_key = by_key.get((m.event.type, place_key(m.place)), [])
        hit = next((g for g in same_key if _fits(g, m, bounds)), None)
        if hit is None and (m.place.kind in POINT_KINDS or m.place.geonameid is None):  # near or by name
            hit = next((g for g in by_type.get(m.event.type, []) if _fits(g, m, bounds)), None)
        return hit

    def add(group: _Group, m: _Member) -> None:
        key = (m.index, m.event_no)
        if key in seen.setdefault(id(group), set()):
            return
        seen[id(group)].add(key)
        group.members.append(m)
        if m.start and m.end:
            old = bounds.get(id(group))
            bounds[id(group)] = (max(old[0], m.start), min(old[1], m.end)) if old else (m.start, m.end)

    for member in members:
        group = find(member)
        if group is None:
            group = _Group(member.event.type, [])
            groups.append(group)
            by_key.setdefault((member.event.type, place_key(member.place)), []).append(group)
            by_type.setdefault(member.event.type, []).append(group)
        add(group, member)
    for denial in denials:  # "X denied that its troops withdrew": against the story it denies, never its own
        group = find(denial)
        if group is not None:
            group.denials.append(denial)
    return groups


# --------------------------------------------------------------------------- sources

_KEY_DROP = {"the", "a", "an", "of", "s", "'s", "for", "and", "its", "their", "his", "her",
             # a spokesman or press service speaks for the body itself: "a Ukrainian military
             # spokesman" and "the Ukrainian military" are one organisation
             "spokesman", "spokeswoman", "spokesperson", "spokespeople", "press", "service", "office"}
_SPELLING = {"defence": "defense", "armed": "armed", "ministry": "ministry", "minister": "minister",
             "organisation": "organization", "centre": "center", "offence": "offense"}


def source_key(src: Source | StorySource) -> tuple:
    """One organisation (or person) however it is written: "Russia's Defence Ministry" and "the
    Russian Ministry of Defense" are one source; a person by surname and side."""
    from fogofwar.lexicon import side_markers

    person = getattr(src, "person", None)
    if person:
        return ("person", _fold(person.split()[-1]), src.side)
    markers = side_markers()
    words = [w.lower().replace("’", "'") for w in re.findall(r"[\w.'’-]+", src.name)]
    out = set()
    for w in words:
        w = w.removesuffix("'s").strip(".")
        if not w or w in _KEY_DROP:
            continue
        if src.side and markers.get(w) == src.side:
            continue  # "Russia's" / "Russian" say the side, which is in the key already
        out.add(_SPELLING.get(w, w))
    return ("org", frozenset(out) or frozenset(words), src.side)


def outlet_key(outlet: str | None) -> str | None:
    """How an outlet of the run is recognised as a source's name (a relay)."""
    return _fold(outlet) if outlet else None


def _claims_of(member: _Member) -> list[Claim]:
    return member.claims


_CITING = re.compile(r"\b(?:citing|quoting|cited|quoted|told)\b", re.I)


def _is_relay(member: _Member, claim: Claim, src: Source, outlets: set[str]) -> bool:
    """An outlet passing on another source's words, not a second source: an outlet of this very
    run ("Kyiv Daily reported ...": its own article is the report), or a media source in a
    sentence that says whom it cites ("X reported, citing Y")."""
    if _fold(src.name) in outlets or _fold(re.sub(r"^the\s+", "", src.name, flags=re.I)) in outlets:
        return True
    if src.kind != "media":
        return False
    if not _CITING.search(member.sentence):
        return False
    for other in _claims_of(member):
        if other.id != claim.id and other.sentence == claim.sentence:
            o = member.source(other.source)
            if o is not None and o.kind != "media":
                return True
    return False


def _stronger(new: str, old: str) -> bool:
    if old == "denied":
        return False
    return new == "denied" or CERTAINTY_RANK[new] > CERTAINTY_RANK[old]


def _sources(group: _Group, outlets: set[str]) -> tuple[list[CountedSource], list[str]]:
    """Each organisation once per story, with its strongest certainty; copies and relays add none."""
    by_key: dict[tuple, CountedSource] = {}
    relays: list[str] = []
    carried = {m.index for m in group.members if m.copy is None}
    denial_ids = {id(m) for m in group.denials}

    def add(src_name: str, kind: str, side: str | None, certainty: str, key: tuple, m: _Member) -> None:
        outlet = m.outlet
        old = by_key.get(key)
        if old is None:
            by_key[key] = CountedSource(name=src_name, kind=kind, side=side, certainty=certainty, outlet=outlet,
                                        outlets=[outlet] if outlet else [], articles=[m.article_id])
            return
        if _stronger(certainty, old.certainty):
            old.certainty = certainty
        if outlet and outlet not in old.outlets:
            old.outlets.append(outlet)
        if m.article_id not in old.articles:
            old.articles.append(m.article_id)

    ordered = sorted(group.members, key=lambda m: m.copy is not None) + group.denials  # originals first
    for m in ordered:
        denial = id(m) in denial_ids
        copied = m.copy is not None and m.copy.original in carried and not denial
        claims = _claims_of(m)
        if copied:  # the original article carries these words already: its outlet is noted, nothing counted
            for claim in claims:
                src = m.source(claim.source)
                old = by_key.get(source_key(src)) if src is not None else None
                if old is not None:
                    if m.outlet and m.outlet not in old.outlets:
                        old.outlets.append(m.outlet)
                    if m.article_id not in old.articles:
                        old.articles.append(m.article_id)
            continue
        for claim in claims:
            src = m.source(claim.source)
            if src is None:
                continue
            if _is_relay(m, claim, src, outlets):
                if src.name not in relays:
                    relays.append(src.name)
                continue
            certainty = "denied" if denial and claim.certainty != "denied" else claim.certainty
            add(src.name, src.kind, src.side, certainty, source_key(src), m)
        if denial and not claims:  # the outlet itself says it did not happen
            name = m.outlet or m.article_id
            add(name, "media", None, "denied", ("outlet", _fold(name)), m)
    return list(by_key.values()), relays


def _harmed_side(etype: str, actor_side: str | None, target_side: str | None) -> str | None:
    if etype in HARMS_ACTOR:
        return actor_side
    if etype in HARMS_TARGET:
        return target_side
    return None


def _label(s: StorySource) -> str:
    return f"{s.name} ({s.side})" if s.side else s.name


def status_of(etype: str, actor_side: str | None, target_side: str | None, sources: list[StorySource]
              ) -> tuple[str, str]:
    """Status and its reason in words."""
    deniers = [s for s in sources if s.certainty == "denied"]
    if deniers:
        return "disputed", "denied by " + ", ".join(_label(s) for s in deniers)
    firm = [s for s in sources if s.certainty in ("confirmed", "reported", "claimed")]
    sides = sorted({s.side for s in firm if s.side})
    harmed = _harmed_side(etype, actor_side, target_side)
    admitted = [s for s in firm if harmed and s.side == harmed]
    if admitted:
        return "corroborated", f"admitted by the side it harms ({harmed}): {admitted[0].name}"
    if len(sides) >= 2:
        names = "; ".join(next(_label(s) for s in firm if s.side == side) for side in sides)
        return "corroborated", f"independent sources on {len(sides)} sides: {names}"
    confirming = [s for s in firm if s.certainty == "confirmed"]
    if confirming:
        return "confirmed", f"one side ({sides[0] if sides else 'side unknown'}), confirmed by {confirming[0].name}"
    if firm:
        speaker = next((s for s in firm if s.side), firm[0])
        return "claimed", f"one side only ({sides[0] if sides else 'side unknown'}): {speaker.name}"
    if sources:
        return "unverified", "only unconfirmed or hedged sources: " + ", ".join(s.name for s in sources)
    return "unverified", "no attributed source"


# --------------------------------------------------------------------------- stories

def _story_place(place: Place) -> StoryPlace:
    return StoryPlace(geonameid=place.geonameid, name=place.name or place.mention, lat=place.lat, lon=place.lon)


def _majority(values: list[str | None]) -> str | None:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else None


def _copies(group: _Group) -> list[dict]:
    out: dict[tuple[str, str], dict] = {}
    for m in group.members:
        if m.copy is not None:
            key = (m.article_id, m.copy_of or "")
            old = out.get(key)
            if old is None or m.copy.similarity > old["similarity"]:
                out[key] = {"article": key[0], "copy_of": key[1], "similarity": m.copy.similarity}
    return list(out.values())


def build(articles: list[ArticleResult]) -> tuple[list[Story], list[Ledger]]:
    """Stories across all articles analysed together, and the control ledger of each place."""
    return build_inputs([story_input(a) for a in articles])


def build_inputs(inputs: list[StoryInput]) -> tuple[list[Story], list[Ledger]]:
    """:func:`build` from the slim projections of the articles (:func:`story_input`), in run order."""
    inputs = list(inputs)
    copies = copies_of([CopyDoc(i, a.published, a.sentences) for i, a in enumerate(inputs)])
    outlets = {k for k in (outlet_key(a.outlet) for a in inputs) if k}
    stories, groups = form_stories(*_members(inputs, copies), outlets)
    return list(stories), _ledgers(stories, groups)


def form_stories(members: list[_Member], denials: list[_Member], outlets: set[str], prefix: str = "t"
                 ) -> tuple[list[StoryRecord], list[_Group]]:
    """Stories (ids ``prefix1``, ``prefix2`` ... in order of their first member) from members in run order.

    Members meet only members of the same type class at a ``same_place`` (see :func:`member_keys`), so a
    subset of the run closed under that gives the stories of the whole run at those places, in the same
    relative order (:func:`renumber` gives them the run's ids).
    """
    groups = _group(members, denials)
    stories: list[StoryRecord] = []
    targets: list[str | None] = []
    for i, group in enumerate(groups, start=1):
        dates = group.dates()
        intervals = group.intervals()
        sources, relays = _sources(group, outlets)
        article_ids = list(dict.fromkeys(m.article_id for m in group.members))
        reports = {m.copy.original if m.copy is not None else m.index for m in group.members}
        story = StoryRecord(
            id=f"{prefix}{i}", type=group.type, place=_story_place(group.place),
            actor_side=_majority([m.event.actor_side for m in group.members]),
            first_date=dates[0].isoformat() if dates else None,
            last_date=max(e for _, e in intervals).isoformat() if intervals else None,
            events=list(dict.fromkeys(f"{m.article_id}:{m.event.id}" for m in group.members)),
            sources=sources, sides=sorted({s.side for s in sources if s.side}),
            status="unverified", articles=sorted(article_ids), n_articles=len(article_ids),
            n_reports=len(reports), n_sources=len(sources), copies=_copies(group), relays=relays,
        )
        story.contradictions = contradictions(group)
        stories.append(story)
        targets.append(_majority([m.event.target_side for m in group.members]))
    _link_control_changes(stories, groups)
    by_id = {s.id: s for s in stories}
    for story, target in zip(stories, targets):
        pooled: list[StorySource] = list(story.sources)
        for other_id in story.linked:
            pooled += [_as_linked(s) for s in by_id[other_id].sources]
        if story.type == "capture" and target is None and story.linked:
            target = by_id[story.linked[0]].actor_side
        story.status, story.reason = status_of(story.type, story.actor_side, target, _pool(pooled))
        if story.linked and _decided_by_linked(story, target, pooled):
            story.reason += f" (through the linked {by_id[story.linked[0]].type} story)"
    return stories, groups


# --------------------------------------------------------------------------- distributed runs

def type_class(etype: str) -> str:
    """Captures and withdrawals are linked into one change of control: one class."""
    return "control" if etype in CONTROL_TYPES else etype


def member_keys(m: MemberInput) -> list[str]:
    """Keys such that two members that may share a story (same type class and ``same_place``) share one,
    except villages within 15 km of each other where one has no gazetteer entry (:func:`near_cells`)."""
    cls = type_class(m.event.type)
    p = m.place
    keys = [f"{cls}|g:{p.geonameid}"] if p.geonameid is not None else []
    if p.geonameid is None or p.kind in POINT_KINDS:
        keys += [f"{cls}|n:{n}" for n in sorted(_names(p))]
    return keys


CELL_DEGREES = 0.25


def cell_of(place: Place) -> str | None:
    """The grid cell of a settlement with coordinates (for the 15 km look-up of :func:`near_cells`)."""
    if place.kind not in POINT_KINDS or place.lat is None or place.lon is None:
        return None
    return f"{math.floor(place.lat / CELL_DEGREES)}:{math.floor(place.lon / CELL_DEGREES) % round(360 / CELL_DEGREES)}"


def near_cells(place: Place) -> list[str]:
    """For a settlement with coordinates but no gazetteer entry: every cell within NEAR_KM (+1 km) of it,
    so that a join on cells finds all settlements that ``same_place`` may match by distance alone."""
    if place.geonameid is not None or cell_of(place) is None:
        return []
    reach = (NEAR_KM + 1.0) / 111.0  # degrees of latitude
    lat0, lat1 = place.lat - reach, place.lat + reach  # type: ignore[operator]
    cos = min(math.cos(math.radians(x)) for x in (max(-89.9, lat0), min(89.9, lat1)))
    lon_reach = min(180.0, reach / max(cos, 1e-3))
    n_lon = round(360 / CELL_DEGREES)
    rows = range(math.floor(lat0 / CELL_DEGREES), math.floor(lat1 / CELL_DEGREES) + 1)
    cols = {c % n_lon for c in range(math.floor((place.lon - lon_reach) / CELL_DEGREES),  # type: ignore[operator]
                                     math.floor((place.lon + lon_reach) / CELL_DEGREES) + 1)}  # type: ignore[operator]
    return [f"{r}:{c}" for r in rows for c in sorted(cols)]


def form_group(rows: list[tuple[int, str, str | None, MemberInput, Copy | None, str | None]], outlets: set[str],
               prefix: str) -> tuple[list[tuple[tuple[int, int], dict]], list[tuple[str, bool, dict]]]:
    """Stories and ledgers of one group of a distributed run (a union of components of linked members).

    ``rows``: (article position, article id, outlet, member, copy, id of the copied article), any order.
    Returns stories as ((position, ordinal) of the first member, story dict with a provisional id
    ``prefix<n>``) and ledgers as (provisional id of the story that opened it, whether it is a capture,
    ledger dict); :func:`renumber` makes them the run's.
    """
    rows = sorted(rows, key=lambda r: (r[0], r[3].ordinal))
    members: list[_Member] = []
    denials: list[_Member] = []
    for position, article_id, outlet, mi, copy, copy_of in rows:
        (denials if mi.denial else members).append(member(position, article_id, outlet, mi, copy, copy_of))
    stories, groups = form_stories(members, denials, outlets, prefix)
    story_parts = [((g.members[0].index, g.members[0].ordinal), s.to_dict()) for s, g in zip(stories, groups)]
    ledger_parts = [(opener.id, opener.type == "capture", ledger.to_dict())
                    for opener, ledger in _ledger_parts(stories, groups)]
    return story_parts, ledger_parts


def renumber(story_parts: list[tuple[tuple[int, int], dict]], ledger_parts: list[tuple[str, bool, dict]]
             ) -> tuple[list[dict], list[dict]]:
    """The run's story ids (``t1`` ... in order of each story's first member) and ledger order, from
    the groups' parts: the same documents as :func:`build` on the whole run."""
    story_parts = sorted(story_parts, key=lambda p: tuple(p[0]))
    ids = {d["id"]: f"t{n}" for n, (_, d) in enumerate(story_parts, start=1)}
    stories = []
    for _, d in story_parts:
        stories.append({**d, "id": ids[d["id"]], "linked": [ids[x] for x in d.get("linked", [])]})
    number = {v: int(v[1:]) for v in ids.values()}
    ledgers = []
    for opener, capture, d in sorted(ledger_parts, key=lambda p: (not p[1], number[ids[p[0]]])):
        entries = [{**e, "story": ids[e["story"]], "linked": [ids[x] for x in e.get("linked", [])]}
                   for e in d["entries"]]
        ledgers.append({**d, "entries": entries})
    return stories, ledgers


MEMBER_BUDGET = 50_000  # members unpacked at a time by build_packed (about 3 KB each)


class _LazyDoc:
    """A CopyDoc whose sentences are unpacked only when copy detection reaches the article."""

    def __init__(self, position: int, published: str | None, blob: bytes, load: Callable[[bytes], StoryInput]):
        self.position, self.published, self._blob, self._load = position, published, blob, load

    @property
    def sentences(self) -> list[tuple[int, str]]:
        return self._load(self._blob).sentences


def _near(lat1: float, lon1: float, lat2: float, lon2: float) -> bool:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h))) <= NEAR_KM + 0.5


def build_packed(blobs: Sequence[bytes], load: Callable[[bytes], StoryInput], member_budget: int = MEMBER_BUDGET
                 ) -> tuple[list[dict], list[dict]]:
    """Stories and ledgers (documents) of the articles whose packed :class:`StoryInput` are ``blobs``, in run
    order: the same documents as :func:`build`, in memory bounded by the packed inputs plus
    ``member_budget`` unpacked members. Members are split into components of linked members (shared
    :func:`member_keys`, unresolved villages within 15 km), formed in batches of whole components
    (:func:`form_group`) and renumbered; each batch is one pass over the blobs.
    """
    heads: list[tuple[str, str | None, str | None]] = []
    first_node: list[int] = []
    nodes: list[tuple[int, int]] = []  # (article position, member sentence)
    parent: list[int] = []
    owner: dict[str, int] = {}
    targets: dict[tuple[str, str], list[tuple[int, float, float]]] = {}
    probes: list[tuple[int, str, list[str], float, float]] = []

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i, blob in enumerate(blobs):
        inp = load(blob)
        heads.append((inp.id, inp.outlet, inp.published))
        first_node.append(len(nodes))
        for m in inp.members:
            node = len(nodes)
            nodes.append((i, m.event.sentence))
            parent.append(node)
            for key in member_keys(m):
                union(node, owner.setdefault(key, node))
            cls, cell = type_class(m.event.type), cell_of(m.place)
            if cell is not None:
                targets.setdefault((cls, cell), []).append((node, m.place.lat, m.place.lon))  # type: ignore[arg-type]
                near = near_cells(m.place)
                if near:
                    probes.append((node, cls, near, m.place.lat, m.place.lon))  # type: ignore[arg-type]
    first_node.append(len(nodes))
    for node, cls, near, lat, lon in probes:
        for cell in near:
            for other, lat2, lon2 in targets.get((cls, cell), []):
                if other != node and _near(lat, lon, lat2, lon2):
                    union(node, other)
    del owner, targets, probes

    copies = copies_of([_LazyDoc(i, heads[i][2], blob, load) for i, blob in enumerate(blobs)])  # type: ignore[misc]
    wanted = set(nodes)
    copies = {k: c for k, c in copies.items() if k in wanted}
    del wanted
    outlets = {k for k in (outlet_key(h[1]) for h in heads) if k}

    sizes: dict[int, int] = {}
    for node in range(len(nodes)):
        r = root(node)
        sizes[r] = sizes.get(r, 0) + 1
    batch_of: dict[int, int] = {}
    batch, filled = 0, 0
    for r in sorted(sizes):
        if filled and filled + sizes[r] > member_budget:
            batch, filled = batch + 1, 0
        batch_of[r] = batch
        filled += sizes[r]
    node_batch = [batch_of[root(node)] for node in range(len(nodes))]
    del sizes, batch_of

    story_parts: list[tuple[tuple[int, int], dict]] = []
    ledger_parts: list[tuple[str, bool, dict]] = []
    for b in range(batch + 1 if nodes else 0):
        rows = []
        for i, blob in enumerate(blobs):
            mine = [o for o in range(first_node[i + 1] - first_node[i]) if node_batch[first_node[i] + o] == b]
            if not mine:
                continue
            inp = load(blob)
            for o in mine:
                m = inp.members[o]
                copy = copies.get((i, m.event.sentence))
                rows.append((i, inp.id, inp.outlet, m, copy, heads[copy.original][0] if copy is not None else None))
        parts = form_group(rows, outlets, prefix=f"b{b}-")
        story_parts += parts[0]
        ledger_parts += parts[1]
    return renumber(story_parts, ledger_parts)


def _as_linked(s: StorySource) -> CountedSource:
    return CountedSource(name=s.name, kind=s.kind, side=s.side, certainty=s.certainty, outlet=s.outlet,
                         outlets=list(getattr(s, "outlets", [])), articles=list(getattr(s, "articles", [])),
                         via_linked=True)


def _decided_by_linked(story: Story, target: str | None, pooled: list[StorySource]) -> bool:
    """Whether the story's own sources alone would give another status."""
    own, _ = status_of(story.type, story.actor_side, target, list(story.sources))
    return own != story.status


def _speaker(member: _Member, claim: Claim) -> str:
    src = member.source(claim.source)
    return src.name if src else "a source"


def _speakers(m: _Member) -> list[str]:
    return [_speaker(m, c) for c in _claims_of(m)] or [m.outlet or m.article_id]


def _figure_kind(m: _Member, q) -> str | None:
    """What a casualty figure counts: killed, wounded, captured (None: not a casualty figure)."""
    if q.unit in NOT_CASUALTY_UNITS:
        return None
    if q.unit == "wounded":
        return "wounded"
    if q.unit == "prisoners":
        return "captured"
    if q.unit in ("killed", "dead"):
        return "killed"
    text = m.sentence
    i = text.find(q.text)
    after = text[i + len(q.text):i + len(q.text) + 40].lower() if i >= 0 else ""
    if re.match(r"^\W*(?:\w+\s+){0,3}?(?:were\s+|was\s+|had\s+been\s+)?(?:wounded|injured|hurt)\b", after):
        return "wounded"
    if re.match(r"^\W*(?:\w+\s+){0,3}?(?:were\s+|was\s+)?(?:captured|taken prisoner)\b", after):
        return "captured"
    return "killed"


def contradictions(group: _Group) -> list[str]:
    """What the reports of one story disagree on, in words.

    A euphemism in scare quotes ("what it called a 'regrouping'") against
    another source's plain word ("retreated"); a denial; different dates
    for the same event from different sources; different casualty figures.
    """
    out: list[str] = []
    # words: who calls it what
    words: dict[str, set[str]] = {}
    for m in group.members:
        for c in _claims_of(m):
            word = m.event.trigger.lower()
            quoted = {q.lower() for q in c.scare_quotes}
            label = f"'{m.event.trigger}' (in scare quotes)" if word in quoted else f"'{m.event.trigger}'"
            words.setdefault(label, set()).add(_speaker(m, c))
    quoted = [w for w in words if w.endswith("(in scare quotes)")]
    plain = [w for w in words if not w.endswith("(in scare quotes)") and w.split(" ")[0].strip("'").lower()
             not in {q.split(" ")[0].strip("'").lower() for q in quoted}]
    for q in quoted:
        for w in plain:
            others = words[w] - words[q]
            if others:
                out.append(f"{', '.join(sorted(words[q]))} called it {q}; {', '.join(sorted(others))}: {w}")
    # denials
    denied_by: set[str] = set()
    denial_ids = {id(m) for m in group.denials}
    for m in group.members + group.denials:
        for c in _claims_of(m):
            if c.certainty == "denied" or id(m) in denial_ids:
                denied_by.add(_speaker(m, c))
        if id(m) in denial_ids and not _claims_of(m):
            denied_by.add(m.outlet or m.article_id)
    if denied_by:
        asserted = sorted({_speaker(m, c) for m in group.members for c in _claims_of(m)
                           if c.certainty != "denied"} - denied_by)
        out.append(f"denied by {', '.join(sorted(denied_by))}"
                   + (f"; reported by {', '.join(asserted)}" if asserted else ""))
    # dates
    dated: dict[str, set[str]] = {}
    for m in group.members:
        if _valid_date(m.event.date) and m.event.date_precision == "day":
            dated.setdefault(m.event.date[:10], set()).update(_speakers(m))  # type: ignore[index]
    if len(dated) > 1:
        out.append("different dates: " + "; ".join(f"{d} ({', '.join(sorted(w))})" for d, w in sorted(dated.items())))
    # casualty figures, per what they count
    if group.type == "casualties":
        figures: dict[str, dict[float, set[str]]] = {}
        for m in group.members:
            for q in m.event.quantities:
                kind = None if q.lower_bound else _figure_kind(m, q)
                if kind:
                    figures.setdefault(kind, {}).setdefault(q.value, set()).update(_speakers(m))
        for kind, values in sorted(figures.items()):
            if len(values) > 1:
                out.append(f"different figures ({kind}): " + "; ".join(
                    f"{v:g} ({', '.join(sorted(w))})" for v, w in sorted(values.items())))
    return out


def _pool(pooled: list[StorySource]) -> list[StorySource]:
    """A linked withdrawal's sources speak about the capture too (and vice versa); one entry per source."""
    by_key: dict[tuple, StorySource] = {}
    for s in pooled:
        key = source_key(s)
        old = by_key.get(key)
        if old is None or _stronger(s.certainty, old.certainty):
            by_key[key] = s
    return list(by_key.values())


def _date_bounds(group: _Group) -> tuple[dt.date, dt.date] | None:
    """(latest start, earliest end) of a group's dated members; None if none is dated."""
    dated = [(m.start, m.end) for m in group.members if m.start and m.end]
    if not dated:
        return None
    return max(s for s, _ in dated), min(e for _, e in dated)


def _link_control_changes(stories: list[StoryRecord], groups: list[_Group]) -> None:
    """A capture and the other side's withdrawal at the same place, every dated member of one
    within the date window of every dated member of the other (two bounds per story suffice)."""
    bounds = [_date_bounds(g) for g in groups]
    for a, ga, ba in zip(stories, groups, bounds):
        if a.type != "capture":
            continue
        for b, gb, bb in zip(stories, groups, bounds):
            if b.type != "withdrawal" or not same_place(ga.place, gb.place):
                continue
            if a.actor_side and b.actor_side and a.actor_side == b.actor_side:
                continue
            if ba and bb and max(ba[0] - bb[1], bb[0] - ba[1]).days > DATE_WINDOW_DAYS:
                continue
            a.linked.append(b.id)
            b.linked.append(a.id)


# --------------------------------------------------------------------------- ledgers

def _according_to(sources: list[StorySource]) -> list[str]:
    return [f"{s.name} ({s.side or 'side unknown'}, {s.certainty})" for s in sources]


def _ledgers(stories: list[StoryRecord], groups: list[_Group]) -> list[Ledger]:
    """Per settlement: its changes of control, oldest first; a capture and its linked withdrawal are one entry."""
    return [ledger for _, ledger in _ledger_parts(stories, groups)]


def _ledger_parts(stories: list[StoryRecord], groups: list[_Group]) -> list[tuple[StoryRecord, Ledger]]:
    """The ledgers, each with the story that opened it (ledgers come in the order of their openers)."""
    by_place: dict[str, tuple[StoryPlace, list[LedgerEntryRecord]]] = {}
    openers: dict[str, StoryRecord] = {}
    done: set[str] = set()
    by_id = {s.id: s for s in stories}
    order = sorted(range(len(stories)), key=lambda i: (stories[i].type != "capture", i))  # captures lead
    for i in order:
        story, group = stories[i], groups[i]
        if story.type not in CONTROL_TYPES or story.id in done or group.place.kind not in POINT_KINDS:
            continue
        linked = [by_id[x] for x in story.linked if x not in done]
        done.add(story.id)
        done.update(s.id for s in linked)
        if story.type == "capture":
            holder = story.actor_side
            previous = next((s.actor_side for s in linked if s.actor_side), None) \
                or _majority([m.event.target_side for m in group.members])
        else:
            previous = story.actor_side
            holder = next((s.actor_side for s in linked if s.actor_side), None) \
                or _majority([m.event.target_side for m in group.members])
        sources = _pool(list(story.sources) + [s for other in linked for s in other.sources])
        dates = [d for d in [story.first_date] + [s.first_date for s in linked] if d]
        entry = LedgerEntryRecord(story=story.id, date=min(dates) if dates else None, holder=holder,
                                  previous=previous, status=story.status, according_to=_according_to(sources),
                                  reason=story.reason, linked=[s.id for s in linked])
        key = place_key(story.place) or story.id
        by_place.setdefault(key, (story.place, []))[1].append(entry)  # type: ignore[arg-type]
        openers.setdefault(key, story)
    ledgers: list[tuple[StoryRecord, Ledger]] = []
    for key, (place, entries) in by_place.items():
        entries.sort(key=lambda e: (e.date is None, e.date or ""))
        for before, after in zip(entries, entries[1:]):  # "who held it before" from the previous change
            if after.previous is None and before.holder is not None and before.status != "disputed":
                after.previous = before.holder
        firm = [e for e in entries if e.status != "disputed"]
        latest = firm[-1] if firm else None
        ledgers.append((openers[key], LedgerRecord(
            place=place, entries=list(entries), holder=latest.holder if latest else None,
            since=latest.date if latest else None,
            contested=bool(entries) and (latest is None or latest is not entries[-1]))))
    return ledgers
