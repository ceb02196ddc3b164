"""Scoring of one predicted ARTICLE against one gold file (GOLD.md, "Scoring").

Everything here is a pure function over plain dicts: ``gold`` is a gold file
as read from JSON, ``predicted`` is one ARTICLE dict of the ``fogofwar/v1``
contract. Nothing imports the pipeline.

Choices the rules leave open, decided here (and tested in tests/test_evaluate.py):

Lines
    Line L of the gold text is ``text.split("\\n")[L]``; it covers the
    characters from its first character up to, not including, its ``\\n``
    (:func:`line_spans`). A predicted item's span ``[start, end)`` is its place
    ``start``/``end``, claim ``start``/``end`` or event ``start``/``end``. It
    belongs to the *first* line it overlaps; a span that overlaps no line's
    characters (empty, or only newlines) belongs to ``line_of(start)``. An item
    without usable offsets belongs to no line: it can match nothing and counts
    as a false positive.

Words
    Words are alphanumeric tokens, lowercased. Dots and apostrophes inside a
    token join it ("U.S." -> ``us``, "pro-government" -> ``pro``,
    ``government``) and a possessive ``'s`` is dropped ("Ukraine's" ->
    ``ukraine``), so "Russia's" and "Ukraine's" do not share a word ``s``.

Places
    Candidates: same line and at least one shared word (all words count, as
    GOLD.md says nothing about ignoring any for places). Best first: more
    shared words, then smaller distance (unknown distance last), then gold
    order, then prediction order. acc@161 counts matched pairs within 161 km
    (``<=``); acc@25 counts those within 25 km, over matched pairs whose gold
    kind is ``city`` or ``village``. A prediction without lat/lon is "not
    within"; a gold place without lat/lon is left out of both denominators.

Claims
    Content words = words minus a small stop list of determiners
    (:data:`DETERMINERS`: articles, demonstratives, possessive and
    quantifying determiners). Numerals such as "one" are kept: "one" is not in
    GOLD.md's list and ``One Ukrainian military source`` still matches
    ``a military source`` on ``military source``. Overlap = |shared content
    words| / min(|gold|, |predicted|); a match needs overlap >= 0.5 and both
    sides non-empty. The predicted source string is tried both ways, the
    claim's own ``source_span`` text (what is written in that sentence) and
    the merged source's ``name``; the better overlap counts (a pronoun span
    "He" still matches by the name, a merged name "Kurt Volker" still matches
    a gold "former U.S. ambassador" by the span). Best first: higher overlap
    ratio, then more shared words, then gold order, then prediction order.
    Kind, side (from ``predicted["sources"]``) and certainty are then
    compared; a gold side that is a list accepts any of its codes, a gold
    side null accepts only null; codes compare case-insensitively.

Events
    Candidates: same line, same type, and either the gold place is null, or
    the predicted event's place (looked up by id in ``predicted["places"]``)
    has lat/lon within the radius: 50 km for gold kinds ``city``,
    ``village``, ``feature``, 300 km otherwise. The gold event carries no
    kind; it is taken from the gold place with the same mention on the same
    line, else any gold place with that mention, else ``city`` (the strict
    radius). Mentions compare case-insensitively. Best first: pairs with a
    real gold place by ascending distance come before every pair whose gold
    place is null; among the latter, predictions without a place come first.
    actor_side is compared like a claim side; date accuracy counts a matched
    pair only when gold ``date_precision`` is ``day``, and is right when the
    predicted ``date``'s first ten characters equal the gold date.

Metrics
    P = tp/(tp+fp), R = tp/(tp+fn), F1 = 2tp/(2tp+fp+fn); each is None when
    its denominator is 0, as is every accuracy over no pairs.
    :func:`aggregate` micro-averages: it sums the counts of all articles and
    computes the metrics once.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

PLACES_RADIUS_161 = 161.0
PLACES_RADIUS_25 = 25.0
EVENT_RADIUS_POINT = 50.0  # city, village, feature
EVENT_RADIUS_AREA = 300.0  # country, admin1, admin2, region
POINT_KINDS = frozenset({"city", "village", "feature"})
SETTLEMENT_KINDS = frozenset({"city", "village"})
CLAIM_MIN_OVERLAP = 0.5

#: Determiners ignored when comparing claim source strings (GOLD.md:
#: "determiners and "the", "a", "'s" ignored"; "'s" is removed by the tokenizer).
DETERMINERS = frozenset({
    "the", "a", "an",
    "this", "that", "these", "those",
    "my", "your", "his", "her", "its", "our", "their",
    "some", "any", "each", "every", "all", "both", "either", "neither", "no",
})

#: Metric names reported by :func:`aggregate` / :meth:`ArticleScore.metrics`.
METRICS = (
    "places_p", "places_r", "places_f1", "places_acc161", "places_acc25",
    "claims_p", "claims_r", "claims_f1",
    "claims_kind_acc", "claims_side_acc", "claims_certainty_acc",
    "events_p", "events_r", "events_f1",
    "events_actor_side_acc", "events_date_acc",
)

# Numerators/denominators kept per article, summed by aggregate().
_ACC_KEYS = {
    "places": ("acc161", "acc25"),
    "claims": ("kind", "side", "certainty"),
    "events": ("actor_side", "date"),
}
_ACC_METRIC = {
    ("places", "acc161"): "places_acc161",
    ("places", "acc25"): "places_acc25",
    ("claims", "kind"): "claims_kind_acc",
    ("claims", "side"): "claims_side_acc",
    ("claims", "certainty"): "claims_certainty_acc",
    ("events", "actor_side"): "events_actor_side_acc",
    ("events", "date"): "events_date_acc",
}


# --------------------------------------------------------------------------- lines

def line_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of every line of ``text``, newline excluded."""
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _line_starts(text: str) -> list[int]:
    return [s for s, _ in line_spans(text)]


def line_of(text: str, offset: int) -> int:
    """0-based line of ``text`` that contains character ``offset``.

    A ``\\n`` belongs to the line it ends. Offsets before the text give 0,
    offsets at or past its end give the last line.
    """
    starts = _line_starts(text)
    if offset <= 0:
        return 0
    return max(0, bisect.bisect_right(starts, offset) - 1)


def span_line(text: str, start: Any, end: Any, _spans: Sequence[tuple[int, int]] | None = None) -> int | None:
    """The line an item spanning ``[start, end)`` belongs to: the first line it
    overlaps, else ``line_of(start)``; None without integer offsets."""
    if not isinstance(start, int) or isinstance(start, bool):
        return None
    if not isinstance(end, int) or isinstance(end, bool):
        end = start
    spans = _spans if _spans is not None else line_spans(text)
    starts = [s for s, _ in spans]
    first = max(0, bisect.bisect_right(starts, start) - 1)
    for i in range(first, len(spans)):
        ls, le = spans[i]
        if ls >= end:
            break
        if start < le and end > ls:
            return i
    return line_of(text, start)


# --------------------------------------------------------------------------- words

_TOKEN = re.compile(r"[^\W_]+(?:[.'\u2019][^\W_]+)*")


def words(text: str | None) -> list[str]:
    """Lowercase alphanumeric tokens; "U.S." -> "us", "Ukraine's" -> "ukraine"."""
    out = []
    for tok in _TOKEN.findall((text or "").lower()):
        tok = tok.replace("\u2019", "'")
        if tok.endswith("'s"):
            tok = tok[:-2]
        tok = tok.replace(".", "").replace("'", "")
        if tok:
            out.append(tok)
    return out


def content_words(text: str | None) -> set[str]:
    """Words of a source string minus determiners (claims matching)."""
    return {w for w in words(text) if w not in DETERMINERS}


def source_overlap(a: str | None, b: str | None) -> tuple[float, int]:
    """(shared content words / the shorter string's content words, shared count)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0, 0
    shared = len(wa & wb)
    return shared / min(len(wa), len(wb)), shared


# --------------------------------------------------------------------------- geo

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius 6371.0088 km)."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _distance(a: dict | None, b: dict | None) -> float | None:
    """Distance between two dicts with lat/lon, None if either lacks them."""
    if not a or not b:
        return None
    la, oa, lb, ob = _num(a.get("lat")), _num(a.get("lon")), _num(b.get("lat")), _num(b.get("lon"))
    if None in (la, oa, lb, ob):
        return None
    return haversine_km(la, oa, lb, ob)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- labels

def side_ok(gold_side: Any, predicted_side: Any) -> bool:
    """A gold side list accepts any of its codes; gold null accepts only null."""
    pred = predicted_side.upper() if isinstance(predicted_side, str) else predicted_side
    if isinstance(gold_side, (list, tuple)):
        codes = {g.upper() if isinstance(g, str) else g for g in gold_side}
        if not codes:
            return pred is None
        return pred in codes
    if gold_side is None:
        return pred is None
    return isinstance(gold_side, str) and pred == gold_side.upper()


def _date_day(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and value else None


# --------------------------------------------------------------------------- result

@dataclass
class CategoryScore:
    """Counts of one item kind in one article (or summed over articles)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    # accuracy name -> [numerator, denominator]
    acc: dict[str, list[int]] = field(default_factory=dict)
    # (gold index, predicted index) of each match, in the order they were made
    matches: list[tuple[int, int]] = field(default_factory=list)

    def add_acc(self, name: str, ok: bool) -> None:
        num_den = self.acc.setdefault(name, [0, 0])
        num_den[0] += int(bool(ok))
        num_den[1] += 1

    def p(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fp)

    def r(self) -> float | None:
        return _ratio(self.tp, self.tp + self.fn)

    def f1(self) -> float | None:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def accuracy(self, name: str) -> float | None:
        num, den = self.acc.get(name, [0, 0])
        return _ratio(num, den)

    def counts(self, kind: str) -> dict[str, Any]:
        out: dict[str, Any] = {"tp": self.tp, "fp": self.fp, "fn": self.fn}
        for name in _ACC_KEYS[kind]:
            out[name] = list(self.acc.get(name, [0, 0]))
        return out


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


@dataclass
class ArticleScore:
    """Scores of one article: counts per kind, and the matched pairs."""

    id: str | None
    places: CategoryScore = field(default_factory=CategoryScore)
    claims: CategoryScore = field(default_factory=CategoryScore)
    events: CategoryScore = field(default_factory=CategoryScore)

    def metrics(self) -> dict[str, Any]:
        """The metrics of this article alone (same names as :func:`aggregate`)."""
        return _metrics({"places": self.places, "claims": self.claims, "events": self.events}, articles=1)

    def to_dict(self) -> dict[str, Any]:
        d = self.metrics()
        d["id"] = self.id
        return d


def _metrics(cats: dict[str, CategoryScore], articles: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("places", "claims", "events"):
        c = cats[kind]
        out[f"{kind}_p"] = c.p()
        out[f"{kind}_r"] = c.r()
        out[f"{kind}_f1"] = c.f1()
        for name in _ACC_KEYS[kind]:
            out[_ACC_METRIC[(kind, name)]] = c.accuracy(name)
    ordered = {m: out[m] for m in METRICS}
    ordered["articles"] = articles
    ordered["counts"] = {kind: cats[kind].counts(kind) for kind in ("places", "claims", "events")}
    return ordered


def aggregate(scores: Iterable[ArticleScore]) -> dict[str, Any]:
    """Micro-average: sum tp/fp/fn and accuracy numerators/denominators over
    articles, then compute every metric once (None where a denominator is 0).

    Returns the :data:`METRICS` keys, ``articles`` (how many) and ``counts``
    (``{"places": {"tp", "fp", "fn", "acc161": [num, den], ...}, ...}``).
    """
    total = {k: CategoryScore() for k in ("places", "claims", "events")}
    n = 0
    for s in scores:
        n += 1
        for kind in total:
            src: CategoryScore = getattr(s, kind)
            dst = total[kind]
            dst.tp += src.tp
            dst.fp += src.fp
            dst.fn += src.fn
            for name, (num, den) in src.acc.items():
                nd = dst.acc.setdefault(name, [0, 0])
                nd[0] += num
                nd[1] += den
    for kind, c in total.items():  # every accuracy key present, even at 0/0
        for name in _ACC_KEYS[kind]:
            c.acc.setdefault(name, [0, 0])
    return _metrics(total, articles=n)


# --------------------------------------------------------------------------- matching

def greedy_match(candidates: Iterable[tuple[Any, int, int]]) -> list[tuple[int, int]]:
    """One-to-one matching: ``candidates`` are ``(sort key, gold i, pred j)``;
    the pairs are taken in ascending key order, each index at most once."""
    used_g: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _key, gi, pj in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        if gi in used_g or pj in used_p:
            continue
        used_g.add(gi)
        used_p.add(pj)
        out.append((gi, pj))
    return out


def _items(d: dict, key: str) -> list[dict]:
    v = d.get(key) if isinstance(d, dict) else None
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def _gold_line(item: dict) -> int | None:
    line = item.get("line")
    return line if isinstance(line, int) and not isinstance(line, bool) else None


def _finish(cat: CategoryScore, n_gold: int, n_pred: int, matches: list[tuple[int, int]]) -> None:
    cat.matches = matches
    cat.tp = len(matches)
    cat.fn = n_gold - len(matches)
    cat.fp = n_pred - len(matches)


_INF = float("inf")


def _score_places(gold_places: list[dict], pred_places: list[dict], pred_lines: list[int | None]) -> CategoryScore:
    cat = CategoryScore()
    cands = []
    gwords = [set(words(g.get("mention"))) for g in gold_places]
    pwords = [set(words(p.get("mention"))) for p in pred_places]
    for gi, g in enumerate(gold_places):
        gl = _gold_line(g)
        for pj, p in enumerate(pred_places):
            if gl is None or pred_lines[pj] != gl:
                continue
            shared = len(gwords[gi] & pwords[pj])
            if not shared:
                continue
            dist = _distance(g, p)
            cands.append(((-shared, _INF if dist is None else dist), gi, pj))
    matches = greedy_match(cands)
    _finish(cat, len(gold_places), len(pred_places), matches)
    cat.acc["acc161"] = [0, 0]
    cat.acc["acc25"] = [0, 0]
    for gi, pj in matches:
        g, p = gold_places[gi], pred_places[pj]
        if _num(g.get("lat")) is None or _num(g.get("lon")) is None:
            continue  # nothing to measure against
        dist = _distance(g, p)
        cat.add_acc("acc161", dist is not None and dist <= PLACES_RADIUS_161)
        if g.get("kind") in SETTLEMENT_KINDS:
            cat.add_acc("acc25", dist is not None and dist <= PLACES_RADIUS_25)
    return cat


def _span_text(text: str, span: Any) -> str | None:
    if isinstance(span, (list, tuple)) and len(span) == 2 and all(isinstance(x, int) for x in span):
        s, e = span
        if 0 <= s < e <= len(text):
            return text[s:e]
    return None


def _score_claims(gold_claims: list[dict], pred_claims: list[dict], pred_lines: list[int | None],
                  sources: dict[str, dict], text: str) -> CategoryScore:
    cat = CategoryScore()
    pred_strings: list[list[str]] = []
    for c in pred_claims:
        strings = []
        span_text = _span_text(text, c.get("source_span"))
        if span_text:
            strings.append(span_text)
        src = sources.get(c.get("source")) if isinstance(c.get("source"), str) else None
        if src and isinstance(src.get("name"), str):
            strings.append(src["name"])
        pred_strings.append(strings)
    cands = []
    for gi, g in enumerate(gold_claims):
        gl = _gold_line(g)
        for pj in range(len(pred_claims)):
            if gl is None or pred_lines[pj] != gl:
                continue
            best = max((source_overlap(g.get("source"), s) for s in pred_strings[pj]), default=(0.0, 0))
            if best[1] and best[0] >= CLAIM_MIN_OVERLAP:
                cands.append(((-best[0], -best[1]), gi, pj))
    matches = greedy_match(cands)
    _finish(cat, len(gold_claims), len(pred_claims), matches)
    for name in _ACC_KEYS["claims"]:
        cat.acc[name] = [0, 0]
    for gi, pj in matches:
        g, c = gold_claims[gi], pred_claims[pj]
        src = sources.get(c.get("source")) if isinstance(c.get("source"), str) else None
        src = src or {}
        cat.add_acc("kind", src.get("kind") is not None and src.get("kind") == g.get("kind"))
        cat.add_acc("side", side_ok(g.get("side"), src.get("side")))
        cat.add_acc("certainty", c.get("certainty") is not None and c.get("certainty") == g.get("certainty"))
    return cat


def _norm_mention(m: Any) -> str:
    return " ".join(words(m)) if isinstance(m, str) else ""


def _gold_event_place(event: dict, gold_places: list[dict]) -> dict | None:
    """The gold place entry for an event's place mention: same mention on the
    same line, else the first with that mention anywhere, else None."""
    mention = _norm_mention(event.get("place"))
    same_mention = [p for p in gold_places if _norm_mention(p.get("mention")) == mention]
    for p in same_mention:
        if p.get("line") == event.get("line"):
            return p
    return same_mention[0] if same_mention else None


def gold_event_radius(event: dict, gold_places: list[dict]) -> float:
    """50 km when the gold event's place is a city, village or feature, 300 km
    for admin units, regions and countries. The kind comes from the gold place
    with the same mention on the same line, else any gold place with that
    mention, else ``city``."""
    entry = _gold_event_place(event, gold_places)
    kind = (entry or {}).get("kind") or "city"
    return EVENT_RADIUS_POINT if kind in POINT_KINDS else EVENT_RADIUS_AREA


FACTUAL_MODALITIES = ("asserted", "threatened", "requested")


def _score_events(gold_events: list[dict], gold_places: list[dict], pred_events: list[dict],
                  pred_lines: list[int | None], places_by_id: dict[str, dict]) -> CategoryScore:
    cat = CategoryScore()
    pred_places = [places_by_id.get(e.get("place")) if isinstance(e.get("place"), str) else None
                   for e in pred_events]
    cands = []
    for gi, g in enumerate(gold_events):
        gl = _gold_line(g)
        null_place = g.get("place") is None
        radius = None if null_place else gold_event_radius(g, gold_places)
        where = g
        if not null_place and (_num(g.get("lat")) is None or _num(g.get("lon")) is None):
            where = _gold_event_place(g, gold_places) or g  # coordinates from the places list
        for pj, e in enumerate(pred_events):
            if gl is None or pred_lines[pj] != gl or e.get("type") != g.get("type"):
                continue
            if null_place:
                # after every real (distance) match; unplaced predictions first
                cands.append(((1, 0 if pred_places[pj] is None else 1, 0.0), gi, pj))
                continue
            dist = _distance(where, pred_places[pj])
            if dist is not None and dist <= radius:  # type: ignore[operator]
                cands.append(((0, 0, dist), gi, pj))
            elif dist is None and _distance(where, where) is None and pred_places[pj] is not None \
                    and set(words(g.get("place"))) & set(words(pred_places[pj].get("mention"))):
                # gold gives no coordinates at all: fall back to a shared word
                cands.append(((0, 1, 0.0), gi, pj))
    matches = greedy_match(cands)
    _finish(cat, len(gold_events), len(pred_events), matches)
    cat.acc["actor_side"] = [0, 0]
    cat.acc["date"] = [0, 0]
    for gi, pj in matches:
        g, e = gold_events[gi], pred_events[pj]
        cat.add_acc("actor_side", side_ok(g.get("actor_side"), e.get("actor_side")))
        if g.get("date_precision") == "day" and _date_day(g.get("date")):
            cat.add_acc("date", _date_day(e.get("date")) == _date_day(g.get("date")))
    return cat


def score_article(gold: dict, predicted: dict | None) -> ArticleScore:
    """Score one predicted ARTICLE dict against one gold file dict.

    ``predicted`` may be None or empty (nothing predicted: every gold item is
    a false negative). Offsets of predicted items are read against the gold
    text (normalised ``\\r\\n`` -> ``\\n``); the claim ``source_span`` text is
    read from ``predicted["text"]`` when present, else from the gold text.
    """
    predicted = predicted or {}
    text = (gold.get("text") or "").replace("\r\n", "\n")
    spans = line_spans(text)
    ptext = predicted.get("text") if isinstance(predicted.get("text"), str) else text

    def lines(items: list[dict]) -> list[int | None]:
        return [span_line(text, it.get("start"), it.get("end"), spans) for it in items]

    p_places = _items(predicted, "places")
    p_claims = _items(predicted, "claims")
    # events marked as not having happened (negated, planned, avoided, hypothetical) are not scored
    p_events = [e for e in _items(predicted, "events")
                if not e.get("negated") and e.get("modality", "asserted") in FACTUAL_MODALITIES]
    places_by_id = {p["id"]: p for p in p_places if isinstance(p.get("id"), str)}
    sources_by_id = {s["id"]: s for s in _items(predicted, "sources") if isinstance(s.get("id"), str)}
    g_places = _items(gold, "places")

    return ArticleScore(
        id=gold.get("id"),
        places=_score_places(g_places, p_places, lines(p_places)),
        claims=_score_claims(_items(gold, "claims"), p_claims, lines(p_claims), sources_by_id, ptext),
        events=_score_events(_items(gold, "events"), g_places, p_events, lines(p_events), places_by_id),
    )


# --------------------------------------------------------------------------- stories

#: Story-level metrics, reported only when two or more gold files share an event.
STORY_METRICS = ("stories_p", "stories_r", "stories_f1", "stories_status_acc")
STORY_DATE_WINDOW = 3  # days, as in fogofwar.stories
STORY_SAME_PLACE_KM = 1.0  # two gold coordinates of one settlement


def _gold_interval(date: Any, precision: Any) -> tuple[Any, Any] | None:
    from fogofwar.stories import date_interval

    start, end = date_interval(str(date), precision)
    return (start, end) if start is not None else None


def _interval_gap(a: tuple[Any, Any], b: tuple[Any, Any]) -> int:
    from fogofwar.stories import interval_gap

    return interval_gap(a, b)


def gold_stories(golds: Sequence[dict]) -> list[dict]:
    """Gold events across files grouped into stories, the way fogofwar.stories groups predictions:
    the same type, the same place (the gold place name, or coordinates within 1 km) and dates
    within 3 days of each other (or unknown). Events without a place are left out.

    Each story: ``{"type", "name", "kind", "lat", "lon", "files": [gold ids], "events": [(file i, event i)],
    "status": the status its events give (majority; None if none)}``. A gold event may carry
    ``"status"``: the annotator's status of the story it belongs to (CONTRACT.md statuses).
    """
    stories: list[dict] = []
    for fi, gold in enumerate(golds):
        places = _items(gold, "places")
        for ei, g in enumerate(_items(gold, "events")):
            if g.get("place") is None or not isinstance(g.get("type"), str):
                continue
            entry = _gold_event_place(g, places) or {}
            name = " ".join(words(entry.get("name") or g.get("place")))
            where = g if _num(g.get("lat")) is not None and _num(g.get("lon")) is not None else entry
            iv = _gold_interval(g.get("date"), g.get("date_precision")) if g.get("date") else None
            for st in stories:
                if st["type"] != g["type"]:
                    continue
                dist = _distance(st, where)
                if st["name"] != name and not (dist is not None and dist <= STORY_SAME_PLACE_KM):
                    continue
                if iv is not None and any(_interval_gap(iv, x) > STORY_DATE_WINDOW for x in st["_intervals"]):
                    continue
                break
            else:
                st = {"type": g["type"], "name": name, "kind": entry.get("kind") or "city",
                      "lat": _num(where.get("lat")), "lon": _num(where.get("lon")),
                      "files": [], "events": [], "_statuses": [], "_intervals": []}
                stories.append(st)
            gid = str(gold.get("id"))
            if gid not in st["files"]:
                st["files"].append(gid)
            st["events"].append((fi, ei))
            if iv is not None:
                st["_intervals"].append(iv)
            if isinstance(g.get("status"), str):
                st["_statuses"].append(g["status"])
    for st in stories:
        statuses = st.pop("_statuses")
        st.pop("_intervals")
        st["status"] = max(sorted(set(statuses)), key=statuses.count) if statuses else None
    return stories


def score_stories(golds: Sequence[dict], stories: Sequence[dict]) -> dict[str, Any] | None:
    """Story P/R/F1 over the events two or more gold files share, and status accuracy.

    Gold: :func:`gold_stories` with two or more files. Predicted: STORY dicts
    whose ``articles`` (or the article ids of ``events``) include two or more
    gold ids. A predicted story matches a gold story of the same type whose
    place is within 50 km (city, village, feature) or 300 km (other kinds)
    and shares at least two of its articles; best first: more shared
    articles, then distance. Returns None when no two gold files share an event.
    """
    shared = [g for g in gold_stories(golds) if len(g["files"]) >= 2]
    if not shared:
        return None
    ids = {str(g.get("id")) for g in golds}
    preds = []
    for s in stories:
        if not isinstance(s, dict):
            continue
        arts = s.get("articles") or [e.rsplit(":", 1)[0] for e in s.get("events", []) if isinstance(e, str)]
        arts = sorted({a for a in arts if a in ids})
        if len(arts) >= 2:
            preds.append((s, set(arts)))
    cands = []
    for gi, g in enumerate(shared):
        radius = EVENT_RADIUS_POINT if g["kind"] in POINT_KINDS else EVENT_RADIUS_AREA
        for pj, (s, arts) in enumerate(preds):
            if s.get("type") != g["type"]:
                continue
            overlap = len(arts & set(g["files"]))
            dist = _distance(g, s.get("place"))
            if overlap >= 2 and dist is not None and dist <= radius:
                cands.append(((-overlap, dist), gi, pj))
    matches = greedy_match(cands)
    cat = CategoryScore()
    _finish(cat, len(shared), len(preds), matches)
    cat.acc["status"] = [0, 0]
    for gi, pj in matches:
        if shared[gi]["status"]:
            cat.add_acc("status", preds[pj][0].get("status") == shared[gi]["status"])
    return {
        "stories_p": cat.p(), "stories_r": cat.r(), "stories_f1": cat.f1(),
        "stories_status_acc": cat.accuracy("status"),
        "counts": {"tp": cat.tp, "fp": cat.fp, "fn": cat.fn, "status": list(cat.acc["status"]),
                   "gold_shared": len(shared), "predicted_shared": len(preds)},
        "matches": [{"gold": {k: shared[gi][k] for k in ("type", "name", "files", "status")},
                     "predicted": preds[pj][0].get("id"), "predicted_status": preds[pj][0].get("status")}
                    for gi, pj in matches],
    }
