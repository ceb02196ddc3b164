"""``fogofwar spark`` on a real local[2] Spark session equals the single-machine run on the same input."""

from __future__ import annotations

import json
import shutil

import pytest

from fogofwar.evaluate.gold import gold_to_article, load_gold
from fogofwar.ingest import read_inputs
from fogofwar.models import ErrorRecord
from fogofwar.stories import build

from conftest import DEV, ROOT

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (Java 17)")

GOLD = ROOT / "tests" / "data" / "gold"
STORIES = ROOT / "tests" / "data" / "stories"  # copies, relays, a denial, a capture linked to a withdrawal


def _write_corpus(path) -> int:
    """Dev texts (if present), gold texts and the multi-article stories corpus, each twice under two ids so that
    stories span articles and partitions; plus two bad lines. Returns the number of good articles."""
    dev = [DEV] if DEV.is_dir() and any(DEV.glob("*.json")) else []
    texts = [gold_to_article(g) for g in load_gold(dev + [GOLD, STORIES])]
    rows = []
    for copy in (1, 2):
        for a in texts:
            rows.append(json.dumps({"id": f"{a.id}-{copy}", "text": a.text, "published": a.published,
                                    "outlet": f"{a.outlet} {copy}", "title": a.title}))
    rows.insert(3, '{"id": "broken", "text": ')
    rows.append('{"id": "no-text", "title": "nothing here"}')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 2


def _rows(table_dir) -> list[dict]:
    import pyarrow.parquet as pq

    rows = pq.read_table(str(table_dir)).to_pylist()
    for r in rows:
        for k, v in list(r.items()):
            if isinstance(v, list) and v and isinstance(v[0], tuple):  # a Parquet map comes back as pairs
                r[k] = dict(v)
    return rows


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory):
    from fogofwar.scale import spark as S

    base = tmp_path_factory.mktemp("spark")
    corpus = base / "news.jsonl"
    n = _write_corpus(corpus)
    session = S.session("local[2]", shuffle_partitions=2, app_name="fogofwar-test")
    try:
        counts = S.run(session, str(corpus), str(base / "out"), batch_size=4, partitions=2)
    finally:
        session.stop()
    return corpus, base / "out", counts, n


def test_spark_tables_equal_the_single_machine_run(spark_run, pipeline):
    corpus, out, counts, n = spark_run
    items = list(read_inputs([str(corpus)]))
    local = [r for r in pipeline.run([i for i in items if not isinstance(i, ErrorRecord)])]
    assert len(local) == n and counts["articles"] == n and counts["errors"] == 2

    articles = sorted(_rows(out / "articles"), key=lambda r: r["position"])
    assert [a["id"] for a in articles] == [r.article.id for r in local]  # input order kept in `position`
    for kind in ("places", "sources", "claims", "events"):
        rows = _rows(out / kind)
        assert counts[kind] == len(rows) == sum(len(getattr(r, kind)) for r in local)
        for result in local:
            got = [{k: v for k, v in row.items() if k not in ("position", "article")}
                   for row in rows if row["article"] == result.article.id]
            assert got == [x.to_dict() for x in getattr(result, kind)], (kind, result.article.id)
    assert counts["events"] > 0 and counts["claims"] > 0


def test_spark_stories_and_ledgers_equal_the_single_machine_stories(spark_run, pipeline):
    corpus, out, counts, _ = spark_run
    local = list(pipeline.run([i for i in read_inputs([str(corpus)]) if not isinstance(i, ErrorRecord)]))
    stories, ledgers = build(local)
    rows = sorted(_rows(out / "stories"), key=lambda s: int(s["id"][1:]))
    got = [json.loads(r["document"]) for r in rows]
    assert got == [s.to_dict() for s in stories]
    assert [(r["id"], r["type"], r["status"], r["geonameid"]) for r in rows] == [
        (s.id, s.type, s.status, s.place.geonameid if s.place else None) for s in stories]
    # the two copies of each text are reported by different outlets: some story spans both
    assert any(r["n_articles"] >= 2 for r in rows)
    ledger_rows = _rows(out / "ledgers")
    assert [json.loads(r["document"]) for r in ledger_rows] == [l.to_dict() for l in ledgers]
    assert counts["ledgers"] == len(ledgers) > 0 and counts["stories"] == len(stories) > 0
    # formed in Spark, not on the driver: stories come from several groups (applyInPandas calls) and from
    # several components of linked members; copied wire text and linked control changes are among them
    groups = {r["story_group"].split("/", 1)[0] for r in rows}
    components = {r["story_group"] for r in rows}
    assert len(groups) >= 2 and len(components) >= 4, (groups, components)
    assert any(s.copies for s in stories) and any(s.linked for s in stories)


def test_bad_lines_become_error_rows(spark_run):
    _, out, _, _ = spark_run
    errors = _rows(out / "errors")
    reasons = {e["file"]: e["reason"] for e in errors}
    assert reasons["no-text"] == 'record has no "text" string'
    assert any(r == "not valid JSON" for r in reasons.values())
