"""The store against a real SQLite file and a real PostgreSQL server: ingest, idempotence, incremental stories."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from fogofwar.ingest import read_inputs
from fogofwar.models import ArticleResult, ErrorRecord
from fogofwar.store import queries
from fogofwar.store.db import connect, current_revision
from fogofwar.store.ingest import content_hash, ingest_items, place_key, recompute
from fogofwar.store.models import ArticleRow, Base, ErrorRow, StoryRow
from store_data import DEV, EXAMPLES, HOSTILE_TEXT, IZYUM_FOLLOWUP, write_gold_jsonl

FOGOFWAR = Path(sys.executable).parent / "fogofwar"


def _inputs(tmp_path: Path) -> list[str]:
    paths = [str(EXAMPLES), str(write_gold_jsonl(tmp_path / "gold.jsonl"))]
    return paths + ([str(DEV)] if DEV.is_dir() else [])


def _stories(db) -> dict[str, tuple[int, dict]]:
    with db.read() as s:
        return {r.id: (r.version, r.data) for r in s.scalars(select(StoryRow))}


def _documents(db) -> list[dict]:
    with db.read() as s:
        return list(s.scalars(select(ArticleRow.document).order_by(ArticleRow.pk)))


@pytest.fixture
def loaded(db_url, tmp_path, pipeline):
    """A database with the example, the developer gold texts (and ../shared/dev when present) ingested."""
    db = connect(db_url)
    items = list(read_inputs(_inputs(tmp_path)))
    summary = ingest_items(db, items, pipeline)
    yield db, items, summary
    db.dispose()


def test_schema_comes_from_the_migrations_and_matches_the_models(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    db = connect(db_url)
    try:
        assert current_revision(db.engine) == "0001"
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            assert {"articles", "sentences", "places", "sources", "claims", "events", "stories", "ledgers",
                    "errors", "alembic_version"} <= set(inspect(conn).get_table_names())
        connect(db_url).dispose()  # a second connect finds the schema at head and changes nothing
        assert current_revision(db.engine) == "0001"
    finally:
        db.dispose()


def test_ingest_stores_every_record_kind(loaded):
    db, items, summary = loaded
    articles = [i for i in items if not isinstance(i, ErrorRecord)]
    distinct = {content_hash(a.text) for a in articles}
    assert summary.stored == len(distinct) >= 6
    assert summary.duplicates == len(articles) - len(distinct)
    assert [(e.file.endswith("gold.jsonl"), e.line) for e in summary.errors] == [(True, 3)]
    docs = _documents(db)
    with db.read() as s:
        counts = queries.counts(s)
        (error,) = s.scalars(select(ErrorRow)).all()
    assert error.line == 3 and "not valid JSON" in error.reason
    assert counts["articles"] == len(distinct)
    for kind in ("sentences", "places", "sources", "claims", "events"):
        assert counts[kind] == sum(len(d[kind]) for d in docs) > 0, kind
    stories, ledgers = recompute([ArticleResult.from_dict(d) for d in docs])
    assert counts["stories"] == len(stories) > 10
    assert counts["ledgers"] == len(ledgers) > 0
    assert counts["errors"] == 1


def test_reingest_stores_nothing_twice(loaded, tmp_path, pipeline):
    db, items, _ = loaded
    before_stories = _stories(db)
    with db.read() as s:
        before = queries.counts(s)
    again = ingest_items(db, list(read_inputs(_inputs(tmp_path))), pipeline)
    assert again.stored == 0 and again.duplicates == sum(1 for i in items if not isinstance(i, ErrorRecord))
    with db.read() as s:
        after = queries.counts(s)
    assert {k: v for k, v in after.items() if k != "errors"} == {k: v for k, v in before.items() if k != "errors"}
    assert after["errors"] == before["errors"] + 1  # the bad line is reported again, as a record
    assert _stories(db) == before_stories


def test_incremental_stories_equal_a_full_build(db_url, tmp_path, pipeline):
    """Articles ingested one at a time give exactly the stories of one build over all of them."""
    db = connect(db_url)
    try:
        for item in read_inputs(_inputs(tmp_path)):
            ingest_items(db, [item], pipeline)
        stories, ledgers = recompute([ArticleResult.from_dict(d) for d in _documents(db)])
        assert {k: data for k, (_, data) in _stories(db).items()} == {s.id: s.to_dict() for s in stories}
        with db.read() as s:
            for ledger in ledgers:
                assert queries.ledger_by_key(s, place_key(ledger.place)) == ledger.to_dict()
    finally:
        db.dispose()


def test_new_report_grows_its_story_and_leaves_the_others_alone(loaded, pipeline):
    db, _, _ = loaded
    before = _stories(db)
    izyum = [k for k, (_, d) in before.items() if d["type"] == "capture" and d["place"]["name"] == "Izyum"]
    assert len(izyum) == 1
    (story_id,) = izyum
    summary = ingest_items(db, [IZYUM_FOLLOWUP], pipeline)
    assert summary.stored == 1 and story_id in summary.stories
    after = _stories(db)
    version, data = after[story_id]
    old_version, old = before[story_id]
    assert version == old_version + 1
    assert IZYUM_FOLLOWUP.id in data["articles"] and len(data["articles"]) == len(old["articles"]) + 1
    assert len(data["sources"]) > len(old["sources"])
    assert {s["name"] for s in old["sources"]} < {s["name"] for s in data["sources"]}
    izyum_geonameid = data["place"]["geonameid"]
    unrelated = [k for k, (_, d) in before.items() if (d["place"] or {}).get("geonameid") != izyum_geonameid]
    assert len(unrelated) > 10
    assert all(after[k] == before[k] for k in unrelated)
    assert set(summary.stories) <= {k for k, (_, d) in after.items() if d["place"]["geonameid"] == izyum_geonameid}


def test_hostile_text_is_stored_verbatim(db_url, pipeline):
    from fogofwar.models import Article

    db = connect(db_url)
    try:
        ingest_items(db, [Article(id="x'; DROP TABLE articles; --", text=HOSTILE_TEXT, title="<b>t</b>")], pipeline)
        with db.read() as s:
            row = s.scalar(select(ArticleRow).where(ArticleRow.id == "x'; DROP TABLE articles; --"))
            assert row.text == HOSTILE_TEXT and row.document["text"] == HOSTILE_TEXT and row.title == "<b>t</b>"
            total, found = queries.articles(s, queries.Filters(q="'; DROP TABLE"))
            assert total == 1 and found[0]["id"] == row.id
            assert queries.articles(s, queries.Filters(q="100% percent"))[0] == 0  # % is not a wildcard
            assert queries.articles(s, queries.Filters(q="% percent _ under"))[0] == 1
            assert s.execute(text("SELECT count(*) FROM articles")).scalar() == 1
    finally:
        db.dispose()


def test_content_hash_ignores_line_ends_and_trailing_space_only():
    assert content_hash("A said.\r\nB said.  \n") == content_hash("A said.\nB said.")
    assert content_hash("A said.") != content_hash("A  said.")


def test_ingest_command(db_url, tmp_path):
    """The real command: progress off, JSON summary on stdout, a second run finds only duplicates."""
    gold = write_gold_jsonl(tmp_path / "gold.jsonl")
    cmd = [str(FOGOFWAR), "ingest", str(EXAMPLES), str(gold), "--db", db_url, "--no-progress"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"stored": 6, "duplicates": 0, "errors": 1,
                                        "stories_touched": json.loads(first.stdout)["stories_touched"]}
    assert "gold.jsonl:3" in first.stderr
    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert json.loads(second.stdout)["stored"] == 0 and json.loads(second.stdout)["duplicates"] == 6
    upgrade = subprocess.run([str(FOGOFWAR), "db", "upgrade", "--db", db_url], capture_output=True, text=True,
                             timeout=120)
    assert upgrade.returncode == 0 and "0001" in upgrade.stdout


def test_a_model_failure_becomes_an_error_record_not_a_crash(db_url, pipeline):
    """If the spaCy batch itself raises on one text, that article is an error record and the others are stored."""
    from spacy.language import Language

    from fogofwar.models import Article
    from fogofwar.nlp import load_nlp
    from fogofwar.pipeline import Pipeline

    @Language.component("fogofwar_test_fail_on_poison")
    def fail_on_poison(doc):
        if doc.text.startswith("POISON"):
            raise RuntimeError("component failed")
        return doc

    nlp = load_nlp.__wrapped__()  # a fresh copy of the real model, not the shared cached one
    nlp.add_pipe("fogofwar_test_fail_on_poison", last=True)
    failing = Pipeline(nlp=nlp, gazetteer=pipeline._gazetteer(), batch_size=4)
    articles = [Article(id=f"a{i}", text=f"Russian forces shelled Kharkiv on day {i}, officials said.") for i in range(5)]
    articles.insert(2, Article(id="poison", text="POISON Ukrainian forces shelled Izyum.", file="batch.jsonl", line=3))
    db = connect(db_url)
    try:
        summary = ingest_items(db, articles, failing)
        assert summary.stored == 5
        assert [(e.file, e.line) for e in summary.errors] == [("batch.jsonl", 3)]
        assert "component failed" in summary.errors[0].reason
        with db.read() as s:
            assert sorted(s.scalars(select(ArticleRow.id))) == [f"a{i}" for i in range(5)]
            assert s.scalar(select(ErrorRow.reason)).endswith("component failed")
    finally:
        db.dispose()


def test_ingest_on_two_workers_streams_and_stores_the_same(tmp_path):
    """`fogofwar ingest --workers 2` over a JSONL larger than one block: the same rows as one process."""
    src = write_gold_jsonl(tmp_path / "gold.jsonl", bad_line=False)
    lines = src.read_text(encoding="utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(3):  # the same texts three times: stored once each, the rest duplicates
            for line in lines:
                record = json.loads(line)
                record["id"] = f"{record['id']}-{i}"
                fh.write(json.dumps(record) + "\n")
        fh.write("{not json\n")
    counts = {}
    for workers in (1, 2):
        url = f"sqlite:///{tmp_path / f'w{workers}.db'}"
        out = subprocess.run([str(FOGOFWAR), "ingest", str(big), "--db", url, "--workers", str(workers),
                              "--no-progress"], capture_output=True, text=True, timeout=600, check=True)
        summary = json.loads(out.stdout.strip().splitlines()[-1])
        db = connect(url)
        counts[workers] = (summary["stored"], summary["duplicates"], summary["errors"],
                           sorted(_stories(db)))
        db.dispose()
    assert counts[1] == counts[2]
    assert counts[1][:3] == (len(lines), 2 * len(lines), 1)
