"""Stories: one real-world event across reports, with its sources counted once.

Events of the same type at the same place (same GeoNames id, or within
15 km) with compatible dates (within 3 days, or unknown) form a story.
Its status follows CONTRACT.md: corroborated when sources on two or more
sides report it or the side it harms admits it; confirmed when one side
confirms; claimed when one side says so; unverified when only hedged
sources (or none) carry it; disputed when a source denies it. A capture
and the other side's withdrawal from the same place on compatible dates
are two views of one change of control: they are linked, and each counts
the other's sources. Ledgers order those changes per place.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from fogofwar.models import (
    ArticleResult, Event, Ledger, LedgerEntry, Place, Story, StoryPlace, StorySource,
)

DATE_WINDOW_DAYS = 3
NEAR_KM = 15.0
CERTAINTY_RANK = {"confirmed": 4, "reported": 3, "claimed": 2, "unconfirmed": 1, "denied": 0}
HARMS_TARGET = {"capture", "advance", "encirclement", "attack"}
HARMS_ACTOR = {"withdrawal"}
CONTROL_TYPES = {"capture", "withdrawal"}


@dataclass
class _Member:
    article: ArticleResult
    event: Event
    place: Place


@dataclass
class _Group:
    type: str
    members: list[_Member] = field(default_factory=list)

    @property
    def place(self) -> Place:
        return self.members[0].place

    def dates(self) -> list[dt.date]:
        return sorted(dt.date.fromisoformat(m.event.date) for m in self.members if m.event.date)


def _km(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def same_place(a: Place, b: Place) -> bool:
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.geonameid is None and b.geonameid is None:  # not in the gazetteer: the same name
        return (a.name or a.mention).casefold() == (b.name or b.mention).casefold()
    return a.kind in ("city", "village", "feature") and b.kind in ("city", "village", "feature") and _km(a, b) <= NEAR_KM


def dates_compatible(dates: list[dt.date], date: str | None) -> bool:
    if not date or not dates:
        return True
    d = dt.date.fromisoformat(date)
    return all(abs((d - x).days) <= DATE_WINDOW_DAYS for x in dates)


def _group(articles: list[ArticleResult]) -> list[_Group]:
    groups: list[_Group] = []
    for article in articles:
        for event in article.events:
            if event.modality not in ("asserted", "threatened", "requested") or event.place is None:
                continue
            place = article.place(event.place)
            if place is None:
                continue
            member = _Member(article, event, place)
            for group in groups:
                if group.type == event.type and same_place(group.place, place) \
                        and dates_compatible(group.dates(), event.date):
                    group.members.append(member)
                    break
            else:
                groups.append(_Group(event.type, [member]))
    return groups


def _sources(group: _Group) -> list[StorySource]:
    """Each organisation once per story: merged by name and side, keeping its strongest certainty."""
    by_key: dict[tuple[str, str | None], StorySource] = {}
    for m in group.members:
        for claim_id in m.event.claims:
            claim = next((c for c in m.article.claims if c.id == claim_id), None)
            if claim is None:
                continue
            src = m.article.source(claim.source)
            if src is None:
                continue
            key = (src.name.lower().removeprefix("the ").strip(), src.side)
            new = StorySource(name=src.name, kind=src.kind, side=src.side, certainty=claim.certainty,
                              outlet=m.article.article.outlet)
            old = by_key.get(key)
            if old is None or (claim.certainty == "denied") or (
                    old.certainty != "denied" and CERTAINTY_RANK[claim.certainty] > CERTAINTY_RANK[old.certainty]):
                by_key[key] = new
    return list(by_key.values())


def _harmed_side(etype: str, actor_side: str | None, target_side: str | None) -> str | None:
    if etype in HARMS_ACTOR:
        return actor_side
    if etype in HARMS_TARGET:
        return target_side
    return None


def status_of(etype: str, actor_side: str | None, target_side: str | None, sources: list[StorySource]
              ) -> tuple[str, str]:
    """Status and its reason in words."""
    if any(s.certainty == "denied" for s in sources):
        deniers = ", ".join(s.name for s in sources if s.certainty == "denied")
        return "disputed", f"denied by {deniers}"
    firm = [s for s in sources if s.certainty in ("confirmed", "reported", "claimed")]
    sides = sorted({s.side for s in firm if s.side})
    harmed = _harmed_side(etype, actor_side, target_side)
    admitted = [s for s in firm if harmed and s.side == harmed]
    if admitted:
        return "corroborated", f"admitted by the side it harms ({harmed}): {admitted[0].name}"
    if len(sides) >= 2:
        return "corroborated", f"sources on {len(sides)} sides: {', '.join(sides)}"
    confirming = [s for s in firm if s.certainty == "confirmed"]
    if confirming:
        return "confirmed", f"one side ({sides[0] if sides else 'unknown'}), confirmed by {confirming[0].name}"
    if firm:
        return "claimed", f"one side only ({sides[0] if sides else 'side unknown'}): {firm[0].name}"
    if sources:
        return "unverified", "only unconfirmed or hedged sources"
    return "unverified", "no attributed source"


def _story_place(place: Place) -> StoryPlace:
    return StoryPlace(geonameid=place.geonameid, name=place.name or place.mention, lat=place.lat, lon=place.lon)


def _majority(values: list[str | None]) -> str | None:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return max(counts, key=lambda k: (counts[k], k)) if counts else None


def build(articles: list[ArticleResult]) -> tuple[list[Story], list[Ledger]]:
    """Stories across all articles analysed together, and the control ledger of each place."""
    groups = _group(articles)
    stories: list[Story] = []
    targets: list[str | None] = []
    for i, group in enumerate(groups, start=1):
        dates = group.dates()
        actor_side = _majority([m.event.actor_side for m in group.members])
        target = _majority([m.event.target_side for m in group.members])
        sources = _sources(group)
        story = Story(
            id=f"t{i}", type=group.type, place=_story_place(group.place), actor_side=actor_side,
            first_date=dates[0].isoformat() if dates else None, last_date=dates[-1].isoformat() if dates else None,
            events=[f"{m.article.article.id}:{m.event.id}" for m in group.members],
            sources=sources, sides=sorted({s.side for s in sources if s.side}), status="unverified",
            articles=sorted({m.article.article.id for m in group.members}),
        )
        story.contradictions = contradictions(group)
        stories.append(story)
        targets.append(target)
    _link_control_changes(stories, groups)
    for story, target in zip(stories, targets):
        pooled = list(story.sources)
        for other_id in story.linked:
            pooled += next(s for s in stories if s.id == other_id).sources
        if story.type == "capture" and target is None and story.linked:
            target = next(s for s in stories if s.id == story.linked[0]).actor_side
        story.status, story.reason = status_of(story.type, story.actor_side, target, _pool(pooled))
    return stories, _ledgers(stories, groups)


def _claims_of(member: _Member) -> list:
    return [c for c in member.article.claims if c.id in member.event.claims]


def _speaker(member: _Member, claim) -> str:
    src = member.article.source(claim.source)
    return src.name if src else "a source"


def contradictions(group: _Group) -> list[str]:
    """What the reports of one story disagree on, in words.

    A euphemism in scare quotes ("what it called a 'regrouping'") against
    another source's plain word ("retreated"); different dates for the same
    event from different sources; different casualty figures.
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
    # dates
    dated: dict[str, set[str]] = {}
    for m in group.members:
        if m.event.date and m.event.date_precision == "day":
            who = [_speaker(m, c) for c in _claims_of(m)] or [m.article.article.outlet or m.article.article.id]
            dated.setdefault(m.event.date, set()).update(who)
    if len(dated) > 1:
        out.append("different dates: " + "; ".join(f"{d} ({', '.join(sorted(w))})" for d, w in sorted(dated.items())))
    # casualty figures
    if group.type == "casualties":
        figures: dict[float, set[str]] = {}
        for m in group.members:
            for q in m.event.quantities:
                if not q.lower_bound and q.unit not in ("km", "km2", "mi", "mi2", "m"):
                    who = [_speaker(m, c) for c in _claims_of(m)] or [m.article.article.outlet or m.article.article.id]
                    figures.setdefault(q.value, set()).update(who)
        if len(figures) > 1:
            out.append("different figures: " + "; ".join(
                f"{v:g} ({', '.join(sorted(w))})" for v, w in sorted(figures.items())))
    return out


def _pool(pooled: list[StorySource]) -> list[StorySource]:
    """A linked withdrawal's sources speak about the capture too (and vice versa)."""
    seen = set()
    out = []
    for s in pooled:
        key = (s.name.lower(), s.side, s.certainty)
        if key not in seen:
            seen.add(key)
            out.append(s)
    return out


def _link_control_changes(stories: list[Story], groups: list[_Group]) -> None:
    for a, ga in zip(stories, groups):
        if a.type != "capture":
            continue
        for b, gb in zip(stories, groups):
            if b.type != "withdrawal" or not same_place(ga.place, gb.place):
                continue
            if a.actor_side and b.actor_side and a.actor_side == b.actor_side:
                continue
            if not dates_compatible(ga.dates(), b.first_date) or not dates_compatible(gb.dates(), a.first_date):
                continue
            a.linked.append(b.id)
            b.linked.append(a.id)


def _ledgers(stories: list[Story], groups: list[_Group]) -> list[Ledger]:
    by_place: dict[tuple, tuple[StoryPlace, list[LedgerEntry]]] = {}
    done: set[str] = set()
    for story, group in zip(stories, groups):
        if story.type not in CONTROL_TYPES or story.id in done or group.place.kind not in ("city", "village", "feature"):
            continue
        linked = [s for s in stories if s.id in story.linked]
        done.update(s.id for s in linked)
        if story.type == "capture":
            holder = story.actor_side
            previous = linked[0].actor_side if linked else _majority([m.event.target_side for m in group.members])
        else:
            previous = story.actor_side
            holder = linked[0].actor_side if linked else _majority([m.event.target_side for m in group.members])
        key = (story.place.geonameid, story.place.name)
        entry = LedgerEntry(story=story.id, date=story.first_date, holder=holder, previous=previous,
                            status=story.status)
        by_place.setdefault(key, (story.place, []))[1].append(entry)
    ledgers = []
    for place, entries in by_place.values():
        entries.sort(key=lambda e: (e.date is None, e.date or ""))
        ledgers.append(Ledger(place=place, entries=entries))
    return ledgers
