"""The whole pipeline through the Python API: the founding example, stories across articles, robustness."""

from __future__ import annotations

import pytest

from fogofwar.models import Article

from conftest import assert_valid


def _place_names(result, article_index=0):
    return {p.name for p in result.articles[article_index].places}


def test_example_finds_the_three_captures_in_kharkiv_oblast(example_result):
    article = example_result.articles[0]
    captures = {}
    for e in article.events:
        if e.type == "capture" and e.place:
            place = article.place(e.place)
            captures[place.geonameid] = (place, e)
    # Izyum, Balakliya, Kupiansk (GeoNames ids), all in Kharkiv Oblast, taken by Ukraine
    for geonameid in (707292, 712926, 703656):
        assert geonameid in captures, f"capture of {geonameid} missing"
        place, event = captures[geonameid]
        assert place.country == "UA" and place.admin1 == "Kharkiv Oblast"
        assert event.actor_side == "UA"
        assert place.lat and place.lon


def test_izyum_story_is_corroborated_by_the_losing_side(example_result):
    izyum = [s for s in example_result.stories if s.place and s.place.geonameid == 707292]
    capture = next(s for s in izyum if s.type == "capture")
    withdrawal = next(s for s in izyum if s.type == "withdrawal")
    assert capture.first_date == "2022-09-10"
    assert withdrawal.id in capture.linked
    assert withdrawal.status == "corroborated"
    assert "RU" in withdrawal.sides
    assert any(s.name == "Russia's Defense Ministry" and s.certainty == "confirmed" for s in withdrawal.sources)
    ledger = next(l for l in example_result.ledgers if l.place.geonameid == 707292)
    assert ledger.entries[0].holder == "UA" and ledger.entries[0].previous == "RU"


def test_claims_carry_spans_that_point_at_their_text(example_result):
    article = example_result.articles[0]
    text = article.article.text
    assert article.claims
    for claim in article.claims:
        s, e = claim.source_span
        source = article.source(claim.source)
        assert text[s:e].strip()
        assert claim.cue and text[claim.cue_span[0]:claim.cue_span[1]] == claim.cue
        assert claim.start <= s and e <= claim.end
        assert source is not None and (s, e) in [tuple(m) for m in source.mentions]
    defense = [c for c in article.claims if article.source(c.source).name == "Russia's Defense Ministry"]
    assert defense and defense[0].certainty == "confirmed" and "regrouping" in defense[0].scare_quotes


def test_sources_merge_across_mentions(example_result):
    article = example_result.articles[0]
    volker = [s for s in article.sources if s.person and "Volker" in s.person]
    assert len(volker) == 1, [s.name for s in article.sources]
    assert volker[0].kind == "expert" and volker[0].side == "US" and len(volker[0].mentions) == 2


def test_stories_merge_reports_and_count_each_source_once(run):
    published = "2024-02-18"
    a = Article(id="wire-1", outlet="Wire A", published=published,
                text="Russian forces captured Avdiivka on Saturday, Russia's Defense Ministry said.\n"
                     "Ukraine's General Staff confirmed that its troops had withdrawn from Avdiivka.")
    b = Article(id="wire-2", outlet="Paper B", published=published,
                text="Russian troops seized the town of Avdiivka on Saturday, according to Russia's Defense Ministry.")
    result = run([a, b])
    captures = [s for s in result.stories if s.type == "capture"]
    assert len(captures) == 1
    story = captures[0]
    assert sorted(story.articles) == ["wire-1", "wire-2"]
    names = [s.name for s in story.sources]
    assert names.count("Russia's Defense Ministry") == 1
    assert story.first_date == "2024-02-17"
    assert story.status == "corroborated"  # the Ukrainian General Staff admits the withdrawal


def test_a_denial_makes_a_story_disputed(run):
    text = ("Russia's Defense Ministry said its forces had captured the village of Robotyne on Tuesday.\n"
            "Ukraine's military denied that Russian troops captured Robotyne.")
    result = run([text], published="2023-11-30")
    story = next(s for s in result.stories if s.type == "capture")
    assert story.status == "disputed"


@pytest.mark.parametrize("text", [
    "", " ", "\n\n\n", "Ukraine.", "\u202eRTL text \u202c in Kyiv", "<script>alert(1)</script>",
    "a" * 5000, "Izyum " * 200, "“Quoted” ‘text’ — with dashes – and ellipsis…",
])
def test_odd_texts_never_crash(run, text):
    result = run([text], published="2022-09-10")
    assert len(result.articles) + len(result.errors) == 1


def test_to_dataframes_has_one_table_per_record_kind(example_result):
    frames = example_result.to_dataframes()
    assert set(frames) >= {"articles", "places", "sources", "claims", "events", "stories"}
    assert len(frames["events"]) == len(example_result.events)
    assert "article" in frames["events"].columns


def test_analyze_accepts_plain_strings_with_metadata(run):
    result = run(["Ukrainian forces retook Izyum on Saturday, the military said."], published="2022-09-10",
                 outlet="Test")
    (article,) = result.articles
    assert article.article.outlet == "Test"
    event = next(e for e in article.events if e.type == "capture")
    assert event.date == "2022-09-10" and event.actor_side == "UA"
    assert_valid(result.to_dict())


def test_contradictions_are_found_and_shown(example_result, run):
    izyum = next(s for s in example_result.stories
                 if s.type == "withdrawal" and s.place and s.place.geonameid == 707292)
    assert any("regrouping" in c and "retreated" in c for c in izyum.contradictions)
    a = Article(id="a", outlet="A", published="2024-03-10",
                text="Russian forces captured Avdiivka on Saturday, Russia's Defense Ministry said.")
    b = Article(id="b", outlet="B", published="2024-03-10",
                text="Russian forces captured Avdiivka on Friday, Ukrainian officials said.")
    result = run([a, b])
    story = next(s for s in result.stories if s.type == "capture")
    assert any(c.startswith("different dates") and "2024-03-08" in c and "2024-03-09" in c
               for c in story.contradictions)
    from fogofwar.report import to_markdown

    assert "Where the reports disagree" in to_markdown(result.to_dict())
