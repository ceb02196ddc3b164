"""fogofwar eval scoring (GOLD.md "Scoring"), on small hand-made gold/prediction
pairs whose scores are worked out by hand in the comments.

Distances: 1 degree of latitude = 6371.0088 km * pi / 180 = 111.195 km, so
0.18 deg = 20.0 km, 0.9 deg = 100.1 km, 1.8 deg = 200.2 km, 2.5 deg = 278.0 km,
3.0 deg = 333.6 km.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar.evaluate.gold import GoldError, gold_to_article, load_gold
from fogofwar.evaluate.runner import check_thresholds, parse_threshold, run_eval
from fogofwar.evaluate.scoring import (
    METRICS, aggregate, content_words, gold_event_radius, haversine_km, line_of,
    score_article, source_overlap, span_line, words,
)

IZYUM = (49.2097, 37.2659)
DEV = Path("/work/shared/dev")


# ----------------------------------------------------------------- helpers

def span(text: str, s: str, nth: int = 0) -> tuple[int, int]:
    """[start, end) of the nth occurrence of s in text."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return i, i + len(s)


def line_span(text: str, line: int) -> tuple[int, int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    start = starts[line]
    end = text.find("\n", start)
    return start, (len(text) if end < 0 else end)


def place(pid, text, mention, lat=None, lon=None, kind="city", nth=0):
    s, e = span(text, mention, nth)
    return {"id": pid, "mention": mention, "start": s, "end": e, "kind": kind, "lat": lat, "lon": lon}


def gold(text, places=(), claims=(), events=()):
    return {"id": "g", "text": text, "places": list(places), "claims": list(claims), "events": list(events)}


def article(text, places=(), sources=(), claims=(), events=()):
    return {"id": "g", "text": text, "places": list(places), "sources": list(sources),
            "claims": list(claims), "events": list(events)}


def approx(x):
    return pytest.approx(x, abs=1e-9)


# ----------------------------------------------------------------- lines

TEXT3 = "Forces took Izyum.\nOfficials said Kupiansk fell.\nThe Donbas saw fighting."
# line 0 = [0, 18), "\n" at 18; line 1 = [19, 48), "\n" at 48; line 2 = [49, 73)


def test_line_of_and_span_line():
    assert line_of(TEXT3, 0) == 0
    assert line_of(TEXT3, 17) == 0
    assert line_of(TEXT3, 18) == 0      # the newline belongs to the line it ends
    assert line_of(TEXT3, 19) == 1
    assert line_of(TEXT3, 49) == 2
    assert line_of(TEXT3, 999) == 2     # past the end: last line
    # a span over lines 0 and 1 belongs to the first it overlaps
    assert span_line(TEXT3, 12, 30) == 0
    # a span starting on the newline first overlaps line 1's characters
    assert span_line(TEXT3, 18, 25) == 1
    # only the newline: no line's characters, falls back to line_of(start) = 0
    assert span_line(TEXT3, 18, 19) == 0
    assert span_line(TEXT3, None, None) is None


def test_item_crossing_two_lines_is_scored_on_the_first():
    # Gold Izyum on line 0, Kupiansk on line 1. The predicted "Kupiansk" place
    # carries a sloppy span [12, 34) that starts in line 0: it belongs to line 0
    # where there is no Kupiansk -> no match. The Izyum one (line 0) matches.
    g = gold(TEXT3, places=[
        {"line": 0, "mention": "Izyum", "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]},
        {"line": 1, "mention": "Kupiansk", "kind": "city", "lat": 49.7106, "lon": 37.6156},
    ])
    bad = {"id": "p2", "mention": "Kupiansk", "start": 12, "end": 34, "kind": "city",
           "lat": 49.7106, "lon": 37.6156}
    s = score_article(g, article(TEXT3, places=[place("p1", TEXT3, "Izyum", *IZYUM), bad]))
    # tp 1 (Izyum), fp 1 (Kupiansk on line 0), fn 1 (gold Kupiansk)
    assert (s.places.tp, s.places.fp, s.places.fn) == (1, 1, 1)
    m = s.metrics()
    assert m["places_p"] == approx(0.5) and m["places_r"] == approx(0.5)
    assert m["places_f1"] == approx(0.5)   # 2*1 / (2*1 + 1 + 1)


def test_words_tokenizer():
    assert words("U.S. and Russia's army") == ["us", "and", "russia", "army"]
    assert words("Ukraine\u2019s north-east") == ["ukraine", "north", "east"]
    assert content_words("the Institute for the Study of War") == {"institute", "for", "study", "of", "war"}
    assert content_words("One Ukrainian military source") == {"one", "ukrainian", "military", "source"}


# ----------------------------------------------------------------- places

def test_places_match_by_shared_word_on_same_line():
    text = "Fighting in the Kharkiv region.\nShelling hit Izyum.\nKupiansk is quiet."
    g = gold(text, places=[
        {"line": 0, "mention": "Kharkiv region", "kind": "admin1", "lat": 49.5, "lon": 36.6},
        {"line": 1, "mention": "Izyum", "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]},
        {"line": 2, "mention": "Kupiansk", "kind": "city", "lat": 49.7106, "lon": 37.6156},
    ])
    pred = article(text, places=[
        place("p1", text, "Kharkiv", 49.99, 36.23),        # shares "kharkiv" with line 0 -> match
        place("p2", text, "Shelling", 0.0, 0.0),           # line 1, shares nothing -> fp
        # "Izyum" predicted, but with a span on line 2 -> wrong line: fp, and gold Izyum fn
        {"id": "p3", "mention": "Izyum", "start": span(text, "Kupiansk")[0],
         "end": span(text, "Kupiansk")[1], "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]},
    ])
    s = score_article(g, pred)
    # tp 1, fp 2 (Shelling, the misplaced Izyum), fn 2 (Izyum, Kupiansk)
    assert (s.places.tp, s.places.fp, s.places.fn) == (1, 2, 2)
    m = s.metrics()
    assert m["places_p"] == approx(1 / 3)
    assert m["places_r"] == approx(1 / 3)
    assert m["places_f1"] == approx(2 / 6)    # 2*1 / (2 + 2 + 2)
    # Kharkiv city vs Kharkiv Oblast centroid: ~53 km -> within 161; admin1 not in acc@25
    assert m["places_acc161"] == approx(1.0)
    assert m["places_acc25"] is None


def test_places_acc161_and_acc25():
    text = "A hit.\nB hit.\nC hit.\nD hit."
    g = gold(text, places=[
        {"line": 0, "mention": "A", "kind": "city", "lat": 49.0, "lon": 37.0},
        {"line": 1, "mention": "B", "kind": "city", "lat": 49.0, "lon": 37.0},
        {"line": 2, "mention": "C", "kind": "admin1", "lat": 49.0, "lon": 37.0},
        {"line": 3, "mention": "D", "kind": "village", "lat": 49.0, "lon": 37.0},
    ])
    pred = article(text, places=[
        place("p1", text, "A", 49.18, 37.0),   # 20.0 km: within 161 and 25
        place("p2", text, "B", 49.9, 37.0),    # 100.1 km: within 161, not 25
        place("p3", text, "C", 50.8, 37.0),    # 200.2 km: not within 161 (admin1: no acc@25)
        place("p4", text, "D"),                # no lat/lon: within nothing
    ])
    s = score_article(g, pred)
    assert s.places.tp == 4
    m = s.metrics()
    # acc@161 = (A, B) / 4 = 0.5 ; acc@25 over city/village only = A / (A, B, D) = 1/3
    assert m["places_acc161"] == approx(0.5)
    assert m["places_acc25"] == approx(1 / 3)
    assert m["counts"]["places"]["acc161"] == [2, 4]
    assert m["counts"]["places"]["acc25"] == [1, 3]
    assert haversine_km(49.0, 37.0, 49.18, 37.0) == pytest.approx(20.015, abs=0.01)


def test_places_greedy_one_to_one_best_first():
    text = "Troops entered Kharkiv from the Kharkiv region and Izyum."
    g = gold(text, places=[
        {"line": 0, "mention": "Kharkiv", "kind": "city", "lat": 49.99, "lon": 36.23},
        {"line": 0, "mention": "Kharkiv region", "kind": "admin1", "lat": 49.5, "lon": 36.6},
        {"line": 0, "mention": "Izyum", "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]},
    ])
    pred = article(text, places=[
        # listed first; shares 2 words with "Kharkiv region", 1 with "Kharkiv"
        place("p1", text, "Kharkiv region", 49.5, 36.6),
        place("p2", text, "Kharkiv", 49.99, 36.23, nth=0),
        place("p3", text, "Izyum", *IZYUM),
        place("p4", text, "Izyum", *IZYUM),       # duplicate: only one can match
    ])
    s = score_article(g, pred)
    # best first: (Kharkiv region, p1) 2 words; then the 1-word pairs by distance:
    # (Kharkiv, p2) 0 km and (Izyum, p3) 0 km (p3 before p4 by order).
    assert sorted(s.places.matches) == [(0, 1), (1, 0), (2, 2)]
    assert (s.places.tp, s.places.fp, s.places.fn) == (3, 1, 0)
    assert s.metrics()["places_p"] == approx(0.75)
    assert s.metrics()["places_r"] == approx(1.0)


# ----------------------------------------------------------------- claims

def test_source_overlap_ignores_determiners_and_possessive_s():
    # {institute, for, study, of, war} vs the same five words -> 5/5
    assert source_overlap("the Institute for the Study of War", "Institute for the Study of War") == (1.0, 5)
    # {military, source} vs {source}: 1 shared / shorter 1 = 1.0
    assert source_overlap("a military source", "The source") == (1.0, 1)
    # {ukrainian, officials} vs {russian, officials}: 1/2 = 0.5 -> exactly half, a match
    assert source_overlap("Ukrainian officials", "Russian officials") == (0.5, 1)
    # only "the" in common: ignored -> 0
    assert source_overlap("The source", "the officials") == (0.0, 0)
    # "Russia's" / "Ukraine's" share only the possessive: 0
    assert source_overlap("Russia's Defense Ministry", "Ukraine's army") == (0.0, 0)
    # {russian, military, bloggers} vs {military, bloggers, and, journalists}: 2/3
    assert source_overlap("Russian military bloggers", "military bloggers and journalists")[0] == approx(2 / 3)


def _claim(cid, text, line, source, certainty, source_span=None):
    s, e = line_span(text, line)
    return {"id": cid, "start": s, "end": e, "source": source, "certainty": certainty,
            "source_span": list(source_span) if source_span else None}


def test_claims_match_kind_side_certainty():
    text = ("The source claimed Russian troops ran.\n"
            "U.S. and British officials said Russia is overstretched.\n"
            "Kurt Volker told ABC News so. He said more.")
    g = gold(text, claims=[
        {"line": 0, "source": "The source", "kind": "military", "side": "UA", "certainty": "claimed"},
        {"line": 1, "source": "U.S. and British officials", "kind": "official", "side": ["US", "GB"],
         "certainty": "claimed"},
        {"line": 2, "source": "Kurt Volker", "kind": "expert", "side": "US", "certainty": "reported"},
        {"line": 2, "source": "the Institute for the Study of War", "kind": "think_tank", "side": None,
         "certainty": "reported"},
    ])
    pred = article(
        text,
        sources=[
            {"id": "s1", "name": "military source", "kind": "military", "side": "UA"},
            {"id": "s2", "name": "British officials", "kind": "official", "side": "GB"},
            {"id": "s3", "name": "Kurt Volker", "kind": "official", "side": "US"},
            {"id": "s4", "name": "the officials", "kind": "official", "side": "UA"},
        ],
        claims=[
            # span "The source" -> {source} vs {source}: 1.0; kind ok, side ok, certainty ok
            _claim("c1", text, 0, "s1", "claimed", span(text, "The source")),
            # name "British officials" {british, officials} vs {us, and, british, officials}: 2/2;
            # gold side list [US, GB] accepts GB; certainty reported != claimed
            _claim("c2", text, 1, "s2", "reported"),
            # span "He" {he} vs {kurt, volker}: 0, but the name "Kurt Volker" gives 1.0;
            # kind official != expert; side ok; certainty ok
            _claim("c3", text, 2, "s3", "reported", span(text, "He")),
            # "the officials" vs "the Institute ..." only "the" shared -> no match: fp
            _claim("c4", text, 2, "s4", "reported"),
        ])
    s = score_article(g, pred)
    assert sorted(s.claims.matches) == [(0, 0), (1, 1), (2, 2)]
    m = s.metrics()
    # tp 3, fp 1 (c4), fn 1 (ISW): P = R = F1 = 3/4
    assert (m["claims_p"], m["claims_r"], m["claims_f1"]) == (approx(0.75), approx(0.75), approx(0.75))
    assert m["claims_kind_acc"] == approx(2 / 3)        # c3 kind wrong
    assert m["claims_side_acc"] == approx(1.0)          # UA, GB in [US, GB], US
    assert m["claims_certainty_acc"] == approx(2 / 3)   # c2 certainty wrong


def test_claim_sides_list_and_null():
    # ("A" alone would be a determiner with no content words: it could never match)
    text = "Amy said x.\nBen said y.\nCal said z.\nDan said w."
    g = gold(text, claims=[
        {"line": 0, "source": "Amy", "kind": "official", "side": ["US", "GB"], "certainty": "reported"},
        {"line": 1, "source": "Ben", "kind": "official", "side": None, "certainty": "reported"},
        {"line": 2, "source": "Cal", "kind": "official", "side": None, "certainty": "reported"},
        {"line": 3, "source": "Dan", "kind": "official", "side": "UA", "certainty": "reported"},
    ])
    pred = article(
        text,
        sources=[{"id": "sA", "name": "Amy", "kind": "official", "side": "us"},   # in the list (any case)
                 {"id": "sB", "name": "Ben", "kind": "official", "side": None},   # null == null
                 {"id": "sC", "name": "Cal", "kind": "official", "side": "UA"},   # gold null: wrong
                 {"id": "sD", "name": "Dan", "kind": "official", "side": None}],  # gold UA: wrong
        claims=[_claim(f"c{i}", text, i, sid, "reported") for i, sid in enumerate(["sA", "sB", "sC", "sD"])])
    m = score_article(g, pred).metrics()
    assert m["claims_f1"] == approx(1.0)
    assert m["claims_side_acc"] == approx(0.5)           # A and B right, C and D wrong


# ----------------------------------------------------------------- events

def _event(eid, text, line, etype, place_id=None, actor_side=None, date=None):
    s, e = line_span(text, line)
    return {"id": eid, "type": etype, "start": s, "end": e, "place": place_id,
            "actor_side": actor_side, "date": date}


def test_events_radius_50_for_cities_300_for_areas():
    text = "Ukraine retook Izyum.\nUkraine advanced in the Kharkiv region.\nUkraine retook Lyman.\nRussia left Donbas."
    g = gold(
        text,
        places=[{"line": 0, "mention": "Izyum", "kind": "city", "lat": 49.0, "lon": 37.0},
                {"line": 1, "mention": "Kharkiv region", "kind": "admin1", "lat": 49.0, "lon": 37.0},
                {"line": 3, "mention": "Donbas", "kind": "region", "lat": 48.0, "lon": 38.0}],
        events=[
            {"line": 0, "type": "capture", "place": "Izyum", "lat": 49.0, "lon": 37.0},
            {"line": 1, "type": "advance", "place": "Kharkiv region", "lat": 49.0, "lon": 37.0},
            # "Lyman" is in no gold place entry: treated as a city -> 50 km
            {"line": 2, "type": "capture", "place": "Lyman", "lat": 49.0, "lon": 37.0},
            {"line": 3, "type": "withdrawal", "place": "Donbas", "lat": 48.0, "lon": 38.0},
        ])
    pred = article(
        text,
        places=[place("p0", text, "Izyum", 49.9, 37.0),          # 100.1 km from gold
                place("p1", text, "Kharkiv region", 49.9, 37.0),  # 100.1 km
                place("p2", text, "Lyman", 49.3, 37.0),           # 33.4 km
                place("p3", text, "Donbas", 51.0, 38.0)],         # 333.6 km
        events=[_event("e0", text, 0, "capture", "p0"),     # 100 > 50 (city): no match
                _event("e1", text, 1, "advance", "p1"),     # 100 <= 300 (admin1): match
                _event("e2", text, 2, "capture", "p2"),     # 33 <= 50 (default city): match
                _event("e3", text, 3, "withdrawal", "p3")])  # 334 > 300 (region): no match
    s = score_article(g, pred)
    assert sorted(s.events.matches) == [(1, 1), (2, 2)]
    m = s.metrics()
    assert (m["events_p"], m["events_r"], m["events_f1"]) == (approx(0.5), approx(0.5), approx(0.5))


def test_event_kind_lookup_prefers_same_line():
    places = [{"line": 0, "mention": "Donetsk", "kind": "city"},
              {"line": 1, "mention": "Donetsk", "kind": "admin1"}]
    assert gold_event_radius({"line": 0, "place": "Donetsk"}, places) == 50.0
    assert gold_event_radius({"line": 1, "place": "donetsk"}, places) == 300.0
    assert gold_event_radius({"line": 5, "place": "Donetsk"}, places) == 50.0   # first with that mention
    assert gold_event_radius({"line": 5, "place": "Lyman"}, places) == 50.0     # unknown: city
    assert gold_event_radius({"line": 5, "place": "Kherson"},
                             [{"line": 2, "mention": "Kherson", "kind": "feature"}]) == 50.0


def test_events_null_gold_place_type_and_line():
    text = "Russian troops ran away.\nThey also attacked."
    g = gold(text, events=[{"line": 0, "type": "withdrawal", "place": None, "lat": None, "lon": None,
                            "actor_side": "RU"}])
    pred = article(text, places=[place("p0", text, "troops", 10.0, 10.0)],  # anywhere at all
                   events=[_event("e0", text, 0, "withdrawal", "p0", actor_side="RU"),
                           _event("e1", text, 0, "attack", None),          # wrong type: fp
                           _event("e2", text, 1, "withdrawal", None)])     # wrong line: fp
    s = score_article(g, pred)
    assert s.events.matches == [(0, 0)]
    m = s.metrics()
    assert m["events_p"] == approx(1 / 3) and m["events_r"] == approx(1.0)
    assert m["events_f1"] == approx(0.5)          # 2 / (2 + 2 + 0)
    assert m["events_actor_side_acc"] == approx(1.0)


def test_events_greedy_real_place_before_null_place():
    # Gold: a capture with no place (g0) and a capture of Izyum (g1), same line.
    # Predicted: e0 capture at Izyum, e1 capture without place.
    # Taking pairs in list order would give (g0, e0) and leave g1 unmatchable by e1.
    # Best first: (g1, e0) at 0 km, then (g0, e1) -> 2 matches.
    text = "Ukraine captured it and captured Izyum."
    g = gold(text,
             places=[{"line": 0, "mention": "Izyum", "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]}],
             events=[{"line": 0, "type": "capture", "place": None, "lat": None, "lon": None},
                     {"line": 0, "type": "capture", "place": "Izyum", "lat": IZYUM[0], "lon": IZYUM[1]}])
    pred = article(text, places=[place("p0", text, "Izyum", *IZYUM)],
                   events=[_event("e0", text, 0, "capture", "p0"), _event("e1", text, 0, "capture", None)])
    s = score_article(g, pred)
    assert s.events.matches == [(1, 0), (0, 1)]
    assert s.metrics()["events_f1"] == approx(1.0)


def test_events_actor_side_and_date_accuracy():
    text = "A.\nB.\nC."
    g = gold(text, events=[
        {"line": 0, "type": "attack", "place": None, "actor_side": "RU", "date": "2022-09-10", "date_precision": "day"},
        {"line": 1, "type": "attack", "place": None, "actor_side": "UA", "date": "2022-09-09", "date_precision": "day"},
        {"line": 2, "type": "attack", "place": None, "actor_side": None, "date": "2022-09-05", "date_precision": "week"},
    ])
    pred = article(text, events=[
        _event("e0", text, 0, "attack", actor_side="RU", date="2022-09-10"),  # side ok, date ok
        _event("e1", text, 1, "attack", actor_side="RU", date="2022-09-10"),  # side wrong, date wrong
        _event("e2", text, 2, "attack", actor_side=None, date=None),          # side ok; week: no date count
    ])
    m = score_article(g, pred).metrics()
    assert m["events_actor_side_acc"] == approx(2 / 3)
    assert m["events_date_acc"] == approx(1 / 2)
    assert m["counts"]["events"]["date"] == [1, 2]


# ----------------------------------------------------------------- aggregate

def test_aggregate_is_micro_averaged():
    text = "Izyum.\nKupiansk.\nBalakliya."
    ga = gold(text, places=[{"line": 0, "mention": "Izyum", "kind": "city", "lat": IZYUM[0], "lon": IZYUM[1]}])
    gb = gold(text, places=[{"line": i, "mention": m, "kind": "city", "lat": 49.0, "lon": 37.0}
                            for i, m in enumerate(["Izyum", "Kupiansk", "Balakliya"])])
    a = score_article(ga, article(text, places=[place("p", text, "Izyum", *IZYUM)]))  # tp 1
    b = score_article(gb, article(text))                                             # fn 3
    agg = aggregate([a, b])
    # micro: tp 1, fp 0, fn 3 -> P 1/1, R 1/4, F1 2/(2+0+3) = 0.4 (macro R would be 0.5)
    assert agg["places_p"] == approx(1.0)
    assert agg["places_r"] == approx(0.25)
    assert agg["places_f1"] == approx(0.4)
    assert agg["places_acc161"] == approx(1.0)
    assert agg["articles"] == 2
    assert agg["counts"]["places"] == {"tp": 1, "fp": 0, "fn": 3, "acc161": [1, 1], "acc25": [1, 1]}
    # nothing gold or predicted for claims/events: every such metric is None
    for k in ("claims_p", "claims_r", "claims_f1", "claims_kind_acc", "events_p", "events_date_acc"):
        assert agg[k] is None
    assert set(METRICS) <= set(agg)
    assert aggregate([])["places_f1"] is None


def test_nothing_predicted_and_bad_items():
    text = "Izyum fell."
    g = gold(text, places=[{"line": 0, "mention": "Izyum", "kind": "city", "lat": 1.0, "lon": 1.0}])
    s = score_article(g, None)
    assert (s.places.tp, s.places.fp, s.places.fn) == (0, 0, 1)
    assert s.metrics()["places_p"] is None and s.metrics()["places_r"] == 0.0
    # an item without offsets belongs to no line: it counts as a false positive
    s = score_article(g, article(text, places=[{"id": "p", "mention": "Izyum", "lat": 1.0, "lon": 1.0}]))
    assert (s.places.tp, s.places.fp, s.places.fn) == (0, 1, 1)


# ----------------------------------------------------------------- dev gold as prediction

def _gold_as_prediction(g: dict) -> tuple[dict, int]:
    """A perfect ARTICLE built from a gold file, and how many extra places it
    needs: an event whose place has no gold place entry on its line points at
    an extra place without offsets (belongs to no line: a place false positive)."""
    text = g["text"]
    places, sources, claims, events = [], [], [], []
    by_line_mention = {}
    for i, p in enumerate(g["places"]):
        ls, le = line_span(text, p["line"])
        s = text.index(p["mention"], ls)
        assert s < le
        places.append({"id": f"p{i}", "mention": p["mention"], "start": s, "end": s + len(p["mention"]),
                       "kind": p["kind"], "lat": p["lat"], "lon": p["lon"]})
        by_line_mention.setdefault((p["line"], p["mention"]), f"p{i}")
    for i, c in enumerate(g["claims"]):
        ls, le = line_span(text, c["line"])
        side = c["side"][0] if isinstance(c["side"], list) else c["side"]
        sources.append({"id": f"s{i}", "name": c["source"], "kind": c["kind"], "side": side})
        claims.append({"id": f"c{i}", "start": ls, "end": le, "source": f"s{i}",
                       "source_span": None, "certainty": c["certainty"]})
    extra = 0
    for i, e in enumerate(g["events"]):
        ls, le = line_span(text, e["line"])
        pid = None
        if e["place"] is not None:
            pid = by_line_mention.get((e["line"], e["place"]))
            if pid is None:
                pid = f"x{i}"
                extra += 1
                places.append({"id": pid, "mention": e["place"], "start": None, "end": None,
                               "kind": "city", "lat": e["lat"], "lon": e["lon"]})
        events.append({"id": f"e{i}", "type": e["type"], "start": ls, "end": le, "place": pid,
                       "actor_side": e["actor_side"], "date": e["date"]})
    return article(text, places, sources, claims, events), extra


@pytest.mark.skipif(not DEV.is_dir(), reason="dev gold set not available")
def test_dev_gold_scored_against_itself_is_perfect():
    golds = load_gold([str(DEV)])
    assert golds, "no dev gold files"
    for g in golds:
        pred, extra = _gold_as_prediction(g)
        s = score_article(g, pred)
        m = s.metrics()
        assert (s.places.tp, s.places.fn, s.places.fp) == (len(g["places"]), 0, extra), g["id"]
        assert m["places_acc161"] == approx(1.0)
        assert m["claims_f1"] == approx(1.0) and m["events_f1"] == approx(1.0), g["id"]
        assert m["claims_kind_acc"] == approx(1.0) and m["claims_side_acc"] == approx(1.0)
        assert m["claims_certainty_acc"] == approx(1.0)
        assert m["events_actor_side_acc"] == approx(1.0) and m["events_date_acc"] in (None, approx(1.0))


# ----------------------------------------------------------------- gold files and runner

def _write_gold(folder: Path, name: str, **over) -> Path:
    text = "Ukraine retook Izyum, officials said.\nRussia denied it."
    d = {"id": name, "outlet": "X", "published": "2022-09-10", "title": None, "url": None, "text": text,
         "places": [{"line": 0, "mention": "Izyum", "kind": "city", "name": "Izium",
                     "lat": IZYUM[0], "lon": IZYUM[1]}],
         "claims": [{"line": 0, "source": "officials", "kind": "official", "side": "UA", "certainty": "reported"}],
         "events": [{"line": 0, "type": "capture", "actor_side": "UA", "place": "Izyum",
                     "lat": IZYUM[0], "lon": IZYUM[1], "date": "2022-09-10", "date_precision": "day"}]}
    d.update(over)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


def test_load_gold_sorted_and_gold_to_article(tmp_path):
    _write_gold(tmp_path, "b")
    _write_gold(tmp_path, "a", text="Line one.\r\nLine two.")
    golds = load_gold([tmp_path])
    assert [g["id"] for g in golds] == ["a", "b"]
    art = gold_to_article(golds[0])
    assert (art.id, art.text, art.outlet, art.published, art.title, art.url) == \
        ("a", "Line one.\nLine two.", "X", "2022-09-10", None, None)
    bad = tmp_path / "bad" / "c.json"
    bad.parent.mkdir()
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="c.json"):
        load_gold([bad])
    with pytest.raises(GoldError, match="no such"):
        load_gold([tmp_path / "missing"])


def test_run_eval_with_injected_analyze(tmp_path):
    _write_gold(tmp_path, "a")
    _write_gold(tmp_path, "b")
    text = "Ukraine retook Izyum, officials said.\nRussia denied it."
    good = article(text, places=[place("p1", text, "Izyum", *IZYUM)],
                   sources=[{"id": "s1", "name": "officials", "kind": "official", "side": "UA"}],
                   claims=[_claim("c1", text, 0, "s1", "reported", span(text, "officials"))],
                   events=[_event("e1", text, 0, "capture", "p1", "UA", "2022-09-10")])
    seen = []

    def fake_analyze(articles):
        seen.extend(a.id for a in articles)
        # "a" perfect, "b" nothing found; returned as a contract document
        return {"schema": "fogofwar/v1", "articles": [dict(good, id="a"), article(text) | {"id": "b"}]}

    report = run_eval([tmp_path], analyze=fake_analyze)
    assert seen == ["a", "b"]
    assert [r["id"] for r in report.per_file] == ["a", "b"]
    assert report.per_file[0]["events_f1"] == approx(1.0)
    assert report.per_file[1]["events_r"] == approx(0.0)
    # micro over both: tp 1, fp 0, fn 1 for each kind -> P 1, R 0.5, F1 2/3
    o = report.overall
    for k in ("places", "claims", "events"):
        assert o[f"{k}_p"] == approx(1.0) and o[f"{k}_r"] == approx(0.5) and o[f"{k}_f1"] == approx(2 / 3)
    assert o["events_date_acc"] == approx(1.0)
    doc = json.loads(report.to_json())
    assert doc["overall"]["articles"] == 2 and len(doc["per_file"]) == 2


# ----------------------------------------------------------------- thresholds and CLI

def test_thresholds_parse_and_fail():
    assert parse_threshold("events_f1=0.6") == ("events_f1", 0.6)
    overall = {"events_f1": 0.6, "places_f1": 0.5, "claims_f1": None}
    assert check_thresholds(overall, ["events_f1=0.6"]) == []           # equal passes
    fails = check_thresholds(overall, ["events_f1=0.6", "places_f1=0.75", "claims_f1=0.1"])
    assert len(fails) == 2
    assert "places_f1" in fails[0] and "0.500" in fails[0] and "0.75" in fails[0]
    assert "claims_f1" in fails[1]                                      # None fails
    assert check_thresholds({"events_f1": 3 / 5}, ["events_f1=0.6"]) == []
    with pytest.raises(ValueError, match="unknown metric"):
        check_thresholds(overall, ["event_f1=0.6"])
    with pytest.raises(ValueError, match="METRIC=VALUE"):
        check_thresholds(overall, ["events_f1"])
    with pytest.raises(ValueError):
        check_thresholds(overall, ["events_f1=high"])


def test_eval_command_table_json_and_min(tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from fogofwar.evaluate import cli

    _write_gold(tmp_path, "a")
    text = "Ukraine retook Izyum, officials said.\nRussia denied it."
    pred = article(text, places=[place("p1", text, "Izyum", *IZYUM)])   # places only

    real_run_eval = run_eval
    monkeypatch.setattr(cli, "run_eval", lambda paths: real_run_eval(paths, analyze=lambda arts: [dict(pred, id="a")]))
    app = typer.Typer()
    app.command("eval")(cli.eval_command)
    app.command("noop")(lambda: None)  # keep "eval" a subcommand
    runner = CliRunner()

    res = runner.invoke(app, ["eval", str(tmp_path), "--per-file"])
    assert res.exit_code == 0, res.output
    assert "places" in res.output and "claims" in res.output and "events" in res.output

    res = runner.invoke(app, ["eval", str(tmp_path), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["overall"]["places_f1"] == approx(1.0)

    res = runner.invoke(app, ["eval", str(tmp_path), "--json", "--min", "places_f1=0.9",
                              "--min", "events_f1=0.5"])
    assert res.exit_code == 1
    assert "events_f1" in res.output and "places_f1 =" not in res.output

    res = runner.invoke(app, ["eval", str(tmp_path), "--min", "nope=1"])
    assert res.exit_code == 2 and "unknown metric" in res.output


def test_eval_explain_shows_gold_and_ours_where_they_differ():
    from fogofwar.evaluate.explain import explain

    gold = {"id": "g", "text": "Russian forces captured Izyum.\nKyiv said so.",
            "places": [{"line": 0, "mention": "Izyum", "kind": "city"}],
            "claims": [{"line": 1, "source": "Kyiv", "kind": "official", "side": "UA", "certainty": "reported"}],
            "events": [{"line": 0, "type": "capture", "actor_side": "RU", "place": "Izyum"}]}
    predicted = {"text": gold["text"], "sources": [], "claims": [],
                 "places": [{"id": "p1", "mention": "Izyum", "kind": "city", "start": 24, "end": 29}],
                 "events": [{"id": "e1", "type": "capture", "actor_side": "UA", "place": "p1", "start": 0,
                             "end": 29, "modality": "asserted"}]}
    out = "\n".join(explain(gold, predicted))
    assert "capture RU @ Izyum" in out and "capture UA @ Izyum" in out  # the side differs
    assert "Kyiv (official, UA, reported)" in out  # a gold claim we missed
    assert "places" not in out  # places agree: not shown
