"""Stories across articles: duplicates merged, sources counted once, statuses, contradictions, ledgers.

The multi-article corpus in tests/data/stories/ is five short reports of the
fall of Vuhledar and the fighting around it (October 2024) by five outlets:
a wire story (Global Wire), the same text re-run verbatim (Kyiv Daily) and
lightly edited (Euro Desk), the Russian ministry's version (Moscow
Bulletin: capture, "fled", a strike with a different casualty figure, a
village claimed) and a later report (Frontline Monitor: a Ukrainian denial
of that village, a Ukrainian spokesman admitting the loss of Vuhledar, and a
relay of Kyiv Daily). They are gold files (GOLD.md format, plus a "status"
per event), so `fogofwar eval tests/data/stories` scores the stories too.
"""

from __future__ import annotations

import datetime as dt
import math
import json
from pathlib import Path

import pytest

from conftest import DEV, EXAMPLE, assert_valid
from fogofwar import stories
from fogofwar.dedupe import find_copies, shingles
from fogofwar.models import Article, ArticleResult, Place, Sentence, StorySource

CORPUS = Path(__file__).parent / "data" / "stories"
VUHLEDAR, KURAKHOVE, KRASNOHORIVKA = 690823, 695357, 704393


# --------------------------------------------------------------------------- pure parts

def _article(aid: str, lines: list[str], published: str = "2024-10-02") -> ArticleResult:
    text = "\n".join(lines)
    sentences, pos = [], 0
    for i, line in enumerate(lines):
        sentences.append(Sentence(index=i, start=pos, end=pos + len(line)))
        pos += len(line) + 1
    return ArticleResult(article=Article(id=aid, text=text, published=published, outlet=aid), sentences=sentences)


def test_copies_are_found_verbatim_and_lightly_edited_but_not_independent_wording():
    wire = ["Ukrainian troops have withdrawn from the eastern town of Vuhledar, the military said on Wednesday.",
            "The group of forces said the high command had approved the withdrawal to save personnel."]
    edited = ["Ukrainian troops have withdrawn from the eastern town of Vuhledar, the military said on Wednesday, "
              "ending a two-year defence.",
              "The group of forces said the high command had approved the withdrawal to save personnel and equipment."]
    own = ["Russia's Defence Ministry said on Thursday that its forces had liberated Vuhledar after heavy fighting.",
           "Kyiv denied it."]
    articles = [_article("own", own, "2024-10-03"), _article("copy", wire), _article("wire", wire, "2024-10-01"),
                _article("edited", edited, "2024-10-03")]
    copies = find_copies(articles)
    assert set(copies) == {(1, 0), (1, 1), (3, 0), (3, 1)}  # nothing of "own"; the earliest is the original
    assert all(c.original == 2 for c in copies.values())
    assert copies[(1, 0)].similarity == 1.0 and 0.5 <= copies[(3, 0)].similarity < 1.0
    assert shingles("The town, the TOWN!") == {"the town the", "town the town"}


def _place(pid: str, name: str, gid: int | None, kind: str, lat: float, lon: float) -> Place:
    return Place(id=pid, mention=name, start=0, end=len(name), sentence=0, geonameid=gid, name=name, kind=kind,
                 lat=lat, lon=lon, country="UA", admin1=None, confidence=0.9)


def test_same_place_by_id_by_name_nearby_but_not_two_neighbouring_villages():
    selydove = _place("p1", "Selydove", 694677, "city", 48.1465, 37.3022)
    novohrodivka = _place("p2", "Novohrodivka", 699557, "village", 48.2005, 37.3388)  # 6.6 km away
    unresolved = _place("p3", "Novohrodivka", None, "village", 48.19, 37.33)
    assert stories.same_place(selydove, selydove)
    assert not stories.same_place(selydove, novohrodivka)
    assert stories.same_place(novohrodivka, unresolved)
    far = _place("p4", "Novohrodivka", None, "village", 49.5, 37.3)
    assert not stories.same_place(novohrodivka, far)
    assert stories.place_key(novohrodivka) == "g:699557" and stories.place_key(unresolved) == "n:novohrodivka"


def test_dates_are_compatible_within_three_days_by_day_week_or_month():
    d = dt.date(2024, 10, 2)
    assert stories.dates_compatible([d], "2024-10-05") and not stories.dates_compatible([d], "2024-10-06")
    assert stories.dates_compatible([d], None)
    assert stories.dates_compatible([d], "2024-09-23", "week")  # 23-29 September, 3 days before
    assert not stories.dates_compatible([d], "2024-09-16", "week")
    assert stories.dates_compatible([d], "2024-09-01", "month")


def test_one_organisation_however_it_is_written():
    key = stories.source_key
    a = StorySource(name="Russia's Defence Ministry", kind="military", side="RU", certainty="reported")
    b = StorySource(name="the Russian Ministry of Defense", kind="military", side="RU", certainty="claimed")
    c = StorySource(name="Ukraine's Ministry of Defence", kind="military", side="UA", certainty="reported")
    assert key(a) == key(b) and key(a) != key(c)


@pytest.mark.parametrize("sources, status, words", [
    ([("Russia's Defence Ministry", "RU", "reported"), ("Ukraine's General Staff", "UA", "denied")],
     "disputed", "denied by Ukraine's General Staff"),
    ([("Russia's Defence Ministry", "RU", "claimed"), ("a Ukrainian spokesman", "UA", "reported")],
     "corroborated", "admitted by the side it harms (UA)"),
    ([("Russia's Defence Ministry", "RU", "confirmed")], "confirmed", "confirmed by Russia's Defence Ministry"),
    ([("Russia's Defence Ministry", "RU", "claimed")], "claimed", "one side only (RU)"),
    ([("reports on social media", None, "unconfirmed")], "unverified", "only unconfirmed"),
    ([], "unverified", "no attributed source"),
])
def test_status_and_its_reason(sources, status, words):
    srcs = [StorySource(name=n, kind="military", side=s, certainty=c) for n, s, c in sources]
    got, reason = stories.status_of("capture", "RU", "UA", srcs)
    assert got == status and words in reason


def test_sources_on_two_sides_corroborate_an_attack():
    srcs = [StorySource(name="Vadym Filashkin", kind="official", side="UA", certainty="reported"),
            StorySource(name="Russia's Defence Ministry", kind="military", side="RU", certainty="reported")]
    assert stories.status_of("casualties", "RU", None, srcs)[0] == "corroborated"


# --------------------------------------------------------------------------- the written corpus, end to end

@pytest.fixture(scope="module")
def corpus(run):
    from fogofwar.evaluate.gold import gold_to_article, load_gold

    golds = load_gold([CORPUS])
    assert len(golds) == 5
    return run([gold_to_article(g) for g in golds])


def _story(result, etype: str, geonameid: int):
    found = [s for s in result.stories if s.type == etype and s.place and s.place.geonameid == geonameid]
    assert len(found) == 1, [(s.id, s.type, s.place) for s in result.stories]
    return found[0]


def test_a_wire_story_copied_by_two_outlets_counts_once(corpus):
    story = _story(corpus, "withdrawal", VUHLEDAR)
    assert story.n_articles == 5
    assert story.n_reports == 3  # the wire text (three outlets), the Russian ministry's, Frontline Monitor's
    copied = {(c["article"], c["copy_of"]) for c in story.copies}
    assert {a for a, _ in copied} | {o for _, o in copied} >= {
        "wire-2024-10-02-vuhledar", "kyivdaily-2024-10-02-vuhledar", "eurodesk-2024-10-03-vuhledar"}
    military = [s for s in story.sources if "military" in s.name.lower() and s.side == "UA"]
    assert len(military) == 1  # the Ukrainian military, once, though three outlets carry it
    # the wire's three outlets, and Frontline Monitor's "Ukrainian military spokesman" (the same body)
    assert set(military[0].outlets) == {"Global Wire", "Kyiv Daily", "Euro Desk", "Frontline Monitor"}
    assert story.n_sources == len(story.sources)


def test_an_outlet_passing_on_a_report_is_not_a_second_source(corpus):
    story = _story(corpus, "withdrawal", VUHLEDAR)
    assert "Kyiv Daily" in story.relays
    assert all(s.name != "Kyiv Daily" for s in story.sources)


def test_admission_by_the_harmed_side_corroborates_and_links_the_two_views(corpus):
    withdrawal = _story(corpus, "withdrawal", VUHLEDAR)
    capture = _story(corpus, "capture", VUHLEDAR)
    assert withdrawal.status == "corroborated" and "admitted by the side it harms (UA)" in withdrawal.reason
    assert capture.status == "corroborated" and capture.actor_side == "RU"
    assert capture.linked == [withdrawal.id] and withdrawal.linked == [capture.id]


def test_a_denial_by_the_other_side_makes_the_capture_disputed(corpus):
    story = _story(corpus, "capture", KRASNOHORIVKA)
    assert sorted(story.articles) == ["bulletin-2024-10-03-vuhledar", "monitor-2024-10-04-vuhledar"]
    assert story.status == "disputed" and "Ukraine's General Staff" in story.reason
    assert any(c.startswith("denied by Ukraine's General Staff") for c in story.contradictions)


def test_different_casualty_figures_from_the_two_sides_are_a_contradiction(corpus):
    story = _story(corpus, "casualties", KURAKHOVE)
    assert story.status == "corroborated" and story.sides == ["RU", "UA"]
    assert story.n_reports == 2 and story.n_articles == 4
    assert any("different figures (killed)" in c and "4 (" in c and "40 (" in c for c in story.contradictions)


def test_the_ledger_says_who_holds_the_place_since_when_according_to_whom(corpus):
    ledger = next(l for l in corpus.ledgers if l.place.geonameid == VUHLEDAR)
    (entry,) = ledger.entries
    assert (entry.previous, entry.holder, entry.status) == ("UA", "RU", "corroborated")
    assert entry.date == "2024-10-01"  # "the last Ukrainian units left the town on Tuesday"
    assert any("Russia's Defence Ministry (RU" in s for s in entry.according_to)
    assert any("(UA, reported)" in s for s in entry.according_to)
    assert (ledger.holder, ledger.since, ledger.contested) == ("RU", "2024-10-01", False)
    village = next(l for l in corpus.ledgers if l.place.geonameid == KRASNOHORIVKA)
    assert village.contested and village.holder is None  # its only change is disputed
    document = assert_valid(corpus.to_dict())
    vuhledar = next(l for l in document["ledgers"] if l["place"]["geonameid"] == VUHLEDAR)
    assert vuhledar["holder"] == "RU" and vuhledar["entries"][0]["according_to"]


def test_the_report_shows_copies_ledger_and_reasons(corpus):
    from fogofwar.report import to_markdown

    md = to_markdown(corpus.to_dict())
    assert "### Copied reports (counted once)" in md
    assert "held by RU since 2024-10-01" in md
    assert "admitted by the side it harms" in md and "relayed by Kyiv Daily" in md


def test_story_keys_find_the_stories_an_article_touches_and_build_works_on_a_subset(corpus):
    bulletin = next(a for a in corpus.articles if a.article.id.startswith("bulletin"))
    keys = stories.story_keys(bulletin)
    assert ("capture", f"g:{VUHLEDAR}") in keys and ("withdrawal", f"g:{VUHLEDAR}") in keys
    assert ("casualties", f"g:{KURAKHOVE}") in keys
    touching = [a for a in corpus.articles if stories.story_keys(a) & {("capture", f"g:{KRASNOHORIVKA}")}]
    assert sorted(a.article.id for a in touching) == ["bulletin-2024-10-03-vuhledar", "monitor-2024-10-04-vuhledar"]
    subset_stories, ledgers = stories.build(touching)
    village = next(s for s in subset_stories if s.type == "capture" and s.place.geonameid == KRASNOHORIVKA)
    assert village.status == "disputed" and ledgers


def test_eval_reports_story_figures_when_gold_files_share_events():
    from fogofwar.evaluate.runner import run_eval

    report = run_eval([CORPUS])
    counts = report.overall["counts"]["stories"]
    assert counts["gold_shared"] == 5 and counts["tp"] == 5
    assert report.overall["stories_r"] == 1.0 and report.overall["stories_status_acc"] == 1.0
    statuses = {(m["gold"]["type"], m["gold"]["name"]): m["gold"]["status"] for m in report.stories["matches"]}
    assert statuses[("capture", "krasnohorivka")] == "disputed"
    assert "stories" in json.loads(report.to_json())


def test_gold_stories_group_shared_events_by_type_place_and_date():
    from fogofwar.evaluate.scoring import gold_stories, score_stories

    def gold(gid, date, status="claimed"):
        return {"id": gid, "text": "x", "places": [], "claims": [], "events": [
            {"line": 0, "type": "capture", "actor_side": "RU", "place": "Avdiivka", "lat": 48.14, "lon": 37.74,
             "date": date, "date_precision": "day", "status": status}]}

    golds = [gold("a", "2024-02-17"), gold("b", "2024-02-18"), gold("c", "2024-03-30")]
    grouped = gold_stories(golds)
    assert [g["files"] for g in grouped] == [["a", "b"], ["c"]]
    predicted = [{"id": "t1", "type": "capture", "articles": ["a", "b"], "status": "claimed",
                  "place": {"lat": 48.15, "lon": 37.75}},
                 {"id": "t2", "type": "capture", "articles": ["a", "c"], "status": "claimed",
                  "place": {"lat": 48.15, "lon": 37.75}}]
    scored = score_stories(golds, predicted)
    assert (scored["counts"]["tp"], scored["counts"]["fp"], scored["counts"]["fn"]) == (1, 1, 0)
    assert score_stories(golds[:1], predicted) is None  # no two files share an event: no story figures


# --------------------------------------------------------------------------- within one article; real corpora

def test_the_two_cities_and_the_retaking_of_the_city_are_linked(example_result):
    def story_with(event_id):
        return [s for s in example_result.stories if f"abc-2022-09-10-kharkiv:{event_id}" in s.events]

    article = example_result.articles[0]
    seizing = next(e for e in article.events if e.trigger == "seizing")
    places = {s.place.name for s in story_with(seizing.id)}
    assert places == {"Balakliya", "Kupyansk"}  # "By seizing the two cities": not Izyum
    retaking = next(e for e in article.events if e.trigger == "retaking")
    assert [s.place.name for s in story_with(retaking.id)] == ["Izyum"]


def _dev_articles() -> list[Article]:
    from fogofwar.evaluate.gold import gold_to_article, load_gold

    if DEV.is_dir() and any(DEV.glob("*.json")):
        return [gold_to_article(g) for g in load_gold([DEV])]
    from fogofwar.ingest import read_inputs

    return list(read_inputs([str(EXAMPLE)]))  # the same report, shipped with the repository


def test_a_syndicated_copy_of_every_real_article_changes_no_status_and_adds_no_source(run):
    originals = _dev_articles()
    alone = run(originals)
    copies = [Article(id=f"{a.id}-syndicated", text=a.text, published=a.published, outlet="Syndicating Outlet")
              for a in originals]
    together = run(originals + copies)
    assert len(together.stories) == len(alone.stories)
    for a, b in zip(alone.stories, together.stories):
        assert (a.type, a.place, a.status) == (b.type, b.place, b.status)
        assert sorted(s.name for s in a.sources) == sorted(s.name for s in b.sources)
        assert b.n_articles == 2 * a.n_articles and b.n_reports == a.n_reports
    assert [l.to_dict()["entries"][0]["status"] for l in alone.ledgers] == \
        [l.to_dict()["entries"][0]["status"] for l in together.ledgers]


def test_a_negated_report_disputes_the_story_it_contradicts(run):
    a = Article(id="ru", outlet="A", published="2024-02-18",
                text="Ukrainian troops withdrew from Avdiivka on Saturday, Russia's Defence Ministry said.")
    b = Article(id="ua", outlet="B", published="2024-02-18",
                text="Ukraine's General Staff said its troops had not withdrawn from Avdiivka.")
    result = run([a, b])
    (story,) = [s for s in result.stories if s.type == "withdrawal"]
    assert story.status == "disputed" and "Ukraine's General Staff" in story.reason
    assert story.articles == ["ru"]  # the denial is against the story, not a member of it
    assert any(c.startswith("denied by") for c in story.contradictions)


# --------------------------------------------------------------------------- slim inputs and groups (Spark)

def _components(inputs: list[stories.StoryInput]) -> list[list[tuple]]:
    """Members of the run (form_group rows) split into components of shared keys and near cells."""
    from fogofwar.dedupe import CopyDoc, copies_of

    copies = copies_of([CopyDoc(i, a.published, a.sentences) for i, a in enumerate(inputs)])
    rows = []
    for i, a in enumerate(inputs):
        for m in a.members:
            c = copies.get((i, m.event.sentence))
            rows.append((i, a.id, a.outlet, m, c, inputs[c.original].id if c else None))
    parent = list(range(len(rows)))

    def find(x: int) -> int:
        while parent[x] != x:
            x = parent[x]
        return x

    owner: dict[str, int] = {}
    for n, r in enumerate(rows):
        links = [f"key {k}" for k in stories.member_keys(r[3])]
        links += [f"near {stories.type_class(r[3].event.type)} {c}" for c in stories.near_cells(r[3].place)]
        cell = stories.cell_of(r[3].place)
        for k in links + ([f"near {stories.type_class(r[3].event.type)} {cell}"] if cell else []):
            if k in owner:
                parent[find(n)] = find(owner[k])
            owner.setdefault(k, n)
    out: dict[int, list[tuple]] = {}
    for n, r in enumerate(rows):
        out.setdefault(find(n), []).append(r)
    return list(out.values())


def test_stories_built_group_by_group_from_slim_inputs_equal_the_whole_run(corpus):
    """What `fogofwar spark` does: slim inputs, components of linked members formed apart, renumbered."""
    articles = corpus.articles + corpus.articles[:2]  # a verbatim re-run of two reports: copies across groups
    expected_stories, expected_ledgers = stories.build(articles)
    inputs = [stories.story_input(a) for a in articles]
    assert [s.to_dict() for s in stories.build_inputs(inputs)[0]] == [s.to_dict() for s in expected_stories]
    parts = _components(inputs)
    assert len(parts) >= 3
    outlets = {stories.outlet_key(a.outlet) for a in inputs if a.outlet}
    for n_groups in (1, 2, len(parts)):
        story_parts, ledger_parts = [], []
        for g in range(n_groups):
            rows = [r for n, part in enumerate(parts) if n % n_groups == g for r in reversed(part)]
            s, l = stories.form_group(rows, outlets, prefix=f"g{g}-")
            story_parts += s
            ledger_parts += l
        got_stories, got_ledgers = stories.renumber(story_parts, ledger_parts)
        assert got_stories == [s.to_dict() for s in expected_stories]
        assert got_ledgers == [x.to_dict() for x in expected_ledgers] and got_ledgers


def test_near_cells_reach_every_settlement_within_15_km_of_an_unresolved_village():
    for lat in (-60.0, 0.0, 48.2, 69.9):
        for lon in (-179.95, 0.0, 37.3, 179.95):
            village = _place("p1", "Somewhere", None, "village", lat, lon)
            cells = set(stories.near_cells(village))
            for bearing in range(0, 360, 15):
                d = 14.9 / 6371.0
                b = math.radians(bearing)
                la = math.asin(math.sin(math.radians(lat)) * math.cos(d)
                               + math.cos(math.radians(lat)) * math.sin(d) * math.cos(b))
                lo = math.radians(lon) + math.atan2(math.sin(b) * math.sin(d) * math.cos(math.radians(lat)),
                                                    math.cos(d) - math.sin(math.radians(lat)) * math.sin(la))
                other = _place("p2", "Elsewhere", 1, "city", math.degrees(la),
                               (math.degrees(lo) + 540) % 360 - 180)
                assert stories.same_place(village, other)
                assert stories.cell_of(other) in cells, (lat, lon, bearing)
    resolved = _place("p3", "Selydove", 694677, "city", 48.1465, 37.3022)
    assert stories.near_cells(resolved) == [] and stories.cell_of(resolved)
