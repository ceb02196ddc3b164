"""The fast paths of the places, dates and stories stages give exactly what the plain ones gave.

Each test puts a speed-up next to the straightforward computation it replaces and asks for
the same value (bit for bit, for the distances).
"""

from __future__ import annotations

import random

import pytest

from fogofwar import stories, when
from fogofwar.nlp import cached_sentences, load_nlp
from fogofwar.places.gazetteer import haversine_km
from fogofwar.places.resolve import _km, _point

TEXT = ("Ukrainian forces retook Izyum on Saturday, the ministry said on Sunday. Two days later, "
        "Russian troops shelled Kharkiv, where fighting has killed dozens since Thursday.\n"
        "The army, which seized the town last week, said on Friday it had captured Balakliya. "
        "An overnight missile attack hit Odesa yesterday.")


def test_km_is_haversine_bit_for_bit():
    rng = random.Random(7)
    for _ in range(20_000):
        a = (rng.uniform(-90, 90), rng.uniform(-180, 180))
        near = rng.random() < 0.5
        b = (a[0] + rng.uniform(-1, 1), a[1] + rng.uniform(-1, 1)) if near else \
            (rng.uniform(-90, 90), rng.uniform(-180, 180))
        assert _km(_point(*a), _point(*b)) == haversine_km(*a, *b)


def _date_of_by_scan(trigger, mentions):
    """``when.date_of`` on mentions without their kept sentence: each one's sentence is looked up again."""
    kept = [when.DateMention(m.span, m.resolved, m.anchor) for m in mentions]  # (no sentence kept)
    return when.date_of(trigger, kept)


@pytest.fixture(scope="module")
def doc():
    return load_nlp()(TEXT)


def test_date_mentions_keep_their_sentence(doc):
    with cached_sentences(doc):
        mentions = when.find_dates(doc, when.parse_published("2022-09-12"))
        assert mentions
        for m in mentions:
            assert m.sent == m.span.sent and m.sentence() == m.span.sent


def test_date_of_same_with_and_without_kept_sentences(doc):
    for hooks in (True, False):
        if hooks:
            with cached_sentences(doc):
                mentions = when.find_dates(doc, when.parse_published("2022-09-12"))
                got = [when.date_of(t, mentions) for t in doc]
                plain = [_date_of_by_scan(t, mentions) for t in doc]
        else:
            mentions = when.find_dates(doc, when.parse_published("2022-09-12"))
            got = [when.date_of(t, mentions) for t in doc]
            plain = [_date_of_by_scan(t, mentions) for t in doc]
        assert got == plain
        assert any(got)


def test_sentence_lookup_matches_the_scan():
    from fogofwar.pipeline import analyze

    result = analyze([TEXT], published="2022-09-12")
    article = result.articles[0]
    by_index = stories._sentence_index(article)
    for event in article.events:
        assert stories._sentence_text(article, event, by_index) == stories._sentence_text(article, event)
        assert stories.event_places(article, event, by_index) == stories.event_places(article, event)
