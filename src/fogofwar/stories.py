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
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from fogofwar.dedupe import Copy, find_copies
from fogofwar.models import (
    ArticleResult, Claim, Event, Ledger, LedgerEntry, Place, Source, Story, StoryPlace, StorySource,
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
class _Member:
    index: int  # position of the article in the run
    article: ArticleResult
    event: Event
    place: Place
    start: dt.date | None
    end: dt.date | None
    copy: Copy | None = None
    via: str = "place"  # "place", or the anaphor that tied it to the place


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


def _sentence_text(article: ArticleResult, event: Event) -> tuple[str, int]:
    s = next((x for x in article.sentences if x.index == event.sentence), None)
    start, end = (s.start, s.end) if s else (event.start, event.end)
    return article.article.text[start:end], start


def _trigger_offsets(article: ArticleResult, event: Event) -> tuple[str, str]:
    """The sentence text before and after the event's trigger."""
    text, _ = _sentence_text(article, event)
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


def event_places(article: ArticleResult, event: Event) -> list[tuple[Place, str]]:
    """Where an event took place, resolving anaphors the trigger governs.

    "By seizing the two cities" -> the two most recent places earlier
    events of the same type happened at; "the retaking of the city", "the
    withdrawal" with no place of its own -> the most recent one.
    """
    before, after = _trigger_offsets(article, event)
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
    for event in result.events:
        if event.modality not in STORY_MODALITIES and not _is_denial(event):
            continue
        for place, _ in event_places(result, event):
            key = place_key(place)
            if key is None:
                continue
            keys.add((event.type, key))
            if event.type in COUNTERPART:
                keys.add((COUNTERPART[event.type], key))
    return keys


def _members(articles: list[ArticleResult], copies: dict[tuple[int, int], Copy]) -> tuple[list[_Member], list[_Member]]:
    members: list[_Member] = []
    denials: list[_Member] = []
    for i, article in enumerate(articles):
        for event in article.events:
            denial = _is_denial(event)
            if event.modality not in STORY_MODALITIES and not denial:
                continue
            start, end = date_interval(event.date, event.date_precision)
            for place, via in event_places(article, event):
                m = _Member(i, article, event, place, start, end, copies.get((i, event.sentence)), via)
                (denials if denial else members).append(m)
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
    seen: dict[int, set[tuple[int, int]]] = {}  # group -> (event, article) pairs already in it

    def find(m: _Member) -> _Group | None:
        same_key = by_key.get((m.event.type, place_key(m.place)), [])
        hit = next((g for g in same_key if _fits(g, m, bounds)), None)
        if hit is None and (m.place.kind in POINT_KINDS or m.place.geonameid is None):  # near or by name
            hit = next((g for g in by_type.get(m.event.type, []) if _fits(g, m, bounds)), None)
        return hit

    def add(group: _Group, m: _Member) -> None:
        key = (id(m.event), m.index)
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


def _outlet_names(articles: list[ArticleResult]) -> set[str]:
    return {_fold(a.article.outlet) for a in articles if a.article.outlet}


def _claims_of(member: _Member) -> list[Claim]:
    return [c for c in member.article.claims if c.id in member.event.claims]


_CITING = re.compile(r"\b(?:citing|quoting|cited|quoted|told)\b", re.I)


def _is_relay(member: _Member, claim: Claim, src: Source, outlets: set[str]) -> bool:
    """An outlet passing on another source's words, not a second source: an outlet of this very
    run ("Kyiv Daily reported ...": its own article is the report), or a media source in a
    sentence that says whom it cites ("X reported, citing Y")."""
    if _fold(src.name) in outlets or _fold(re.sub(r"^the\s+", "", src.name, flags=re.I)) in outlets:
        return True
    if src.kind != "media":
        return False
    text, _ = _sentence_text(member.article, member.event)
    if not _CITING.search(text):
        return False
    for other in _claims_of(member):
        if other.id != claim.id and other.sentence == claim.sentence:
            o = member.article.source(other.source)
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
        outlet = m.article.article.outlet
        old = by_key.get(key)
        if old is None:
            by_key[key] = CountedSource(name=src_name, kind=kind, side=side, certainty=certainty, outlet=outlet,
                                        outlets=[outlet] if outlet else [], articles=[m.article.article.id])
            return
        if _stronger(certainty, old.certainty):
            old.certainty = certainty
        if outlet and outlet not in old.outlets:
            old.outlets.append(outlet)
        if m.article.article.id not in old.articles:
            old.articles.append(m.article.article.id)

    ordered = sorted(group.members, key=lambda m: m.copy is not None) + group.denials  # originals first
    for m in ordered:
        denial = id(m) in denial_ids
        copied = m.copy is not None and m.copy.original in carried and not denial
        claims = _claims_of(m)
        if copied:  # the original article carries these words already: its outlet is noted, nothing counted
            for claim in claims:
                src = m.article.source(claim.source)
                old = by_key.get(source_key(src)) if src is not None else None
                if old is not None:
                    if m.article.article.outlet and m.article.article.outlet not in old.outlets:
                        old.outlets.append(m.article.article.outlet)
                    if m.article.article.id not in old.articles:
                        old.articles.append(m.article.article.id)
            continue
        for claim in claims:
            src = m.article.source(claim.source)
            if src is None:
                continue
            if _is_relay(m, claim, src, outlets):
                if src.name not in relays:
                    relays.append(src.name)
                continue
            certainty = "denied" if denial and claim.certainty != "denied" else claim.certainty
            add(src.name, src.kind, src.side, certainty, source_key(src), m)
        if denial and not claims:  # the outlet itself says it did not happen
            name = m.article.article.outlet or m.article.article.id
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


def _copies(group: _Group, articles: list[ArticleResult]) -> list[dict]:
    out: dict[tuple[str, str], dict] = {}
    for m in group.members:
        if m.copy is not None:
            key = (m.article.article.id, articles[m.copy.original].article.id)
            old = out.get(key)
            if old is None or m.copy.similarity > old["similarity"]:
                out[key] = {"article": key[0], "copy_of": key[1], "similarity": m.copy.similarity}
    return list(out.values())


def build(articles: list[ArticleResult]) -> tuple[list[Story], list[Ledger]]:
    """Stories across all articles analysed together, and the control ledger of each place."""
    articles = list(articles)
    copies = find_copies(articles)
    outlets = _outlet_names(articles)
    groups = _group(*_members(articles, copies))
    stories: list[StoryRecord] = []
    targets: list[str | None] = []
    for i, group in enumerate(groups, start=1):
        dates = group.dates()
        intervals = group.intervals()
        sources, relays = _sources(group, outlets)
        article_ids = list(dict.fromkeys(m.article.article.id for m in group.members))
        reports = {m.copy.original if m.copy is not None else m.index for m in group.members}
        story = StoryRecord(
            id=f"t{i}", type=group.type, place=_story_place(group.place),
            actor_side=_majority([m.event.actor_side for m in group.members]),
            first_date=dates[0].isoformat() if dates else None,
            last_date=max(e for _, e in intervals).isoformat() if intervals else None,
            events=list(dict.fromkeys(f"{m.article.article.id}:{m.event.id}" for m in group.members)),
            sources=sources, sides=sorted({s.side for s in sources if s.side}),
            status="unverified", articles=sorted(article_ids), n_articles=len(article_ids),
            n_reports=len(reports), n_sources=len(sources), copies=_copies(group, articles), relays=relays,
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
    return list(stories), _ledgers(stories, groups)


def _as_linked(s: StorySource) -> CountedSource:
    return CountedSource(name=s.name, kind=s.kind, side=s.side, certainty=s.certainty, outlet=s.outlet,
                         outlets=list(getattr(s, "outlets", [])), articles=list(getattr(s, "articles", [])),
                         via_linked=True)


def _decided_by_linked(story: Story, target: str | None, pooled: list[StorySource]) -> bool:
    """Whether the story's own sources alone would give another status."""
    own, _ = status_of(story.type, story.actor_side, target, list(story.sources))
    return own != story.status


def _speaker(member: _Member, claim: Claim) -> str:
    src = member.article.source(claim.source)
    return src.name if src else "a source"


def _speakers(m: _Member) -> list[str]:
    return [_speaker(m, c) for c in _claims_of(m)] or [m.article.article.outlet or m.article.article.id]


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
    text, _ = _sentence_text(m.article, m.event)
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
            denied_by.add(m.article.article.outlet or m.article.article.id)
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
    by_place: dict[str, tuple[StoryPlace, list[LedgerEntryRecord]]] = {}
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
    ledgers: list[Ledger] = []
    for place, entries in by_place.values():
        entries.sort(key=lambda e: (e.date is None, e.date or ""))
        for before, after in zip(entries, entries[1:]):  # "who held it before" from the previous change
            if after.previous is None and before.holder is not None and before.status != "disputed":
                after.previous = before.holder
        firm = [e for e in entries if e.status != "disputed"]
        latest = firm[-1] if firm else None
        ledgers.append(LedgerRecord(
            place=place, entries=list(entries), holder=latest.holder if latest else None,
            since=latest.date if latest else None,
            contested=bool(entries) and (latest is None or latest is not entries[-1])))
    return ledgers
