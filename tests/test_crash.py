"""Crash safety: `fogofwar ingest` killed with SIGKILL mid-batch leaves a consistent database, and a rerun completes it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fogofwar.models import ArticleResult
from fogofwar.store.ingest import recompute
from store_data import generated_batch

FOGOFWAR = Path(sys.executable).parent / "fogofwar"
N = 300


def _count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as con:
            return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _check_consistent(db: Path) -> int:
    """Every stored article has all its rows; every story points at stored events. Returns the article count."""
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        articles = con.execute("SELECT pk, id, document FROM articles").fetchall()
        for pk, article_id, document in articles:
            doc = json.loads(document)
            for table in ("sentences", "places", "sources", "claims", "events"):
                n = con.execute(f"SELECT count(*) FROM {table} WHERE article_pk = ?", (pk,)).fetchone()[0]
                assert n == len(doc[table]), (article_id, table)
        if articles:
            assert con.execute("SELECT count(*) FROM events").fetchone()[0] >= len(articles)
        for table in ("sentences", "places", "sources", "claims", "events", "story_places"):
            orphans = con.execute(f"SELECT count(*) FROM {table} WHERE article_pk NOT IN (SELECT pk FROM articles)")
            assert orphans.fetchone()[0] == 0, table
        refs = {f"{a}:{e}" for a, e in con.execute(
            "SELECT articles.id, events.local_id FROM events JOIN articles ON articles.pk = events.article_pk")}
        for story_id, data in con.execute("SELECT id, data FROM stories"):
            assert set(json.loads(data)["events"]) <= refs, story_id
        dangling = con.execute("SELECT count(*) FROM events WHERE story_id IS NOT NULL "
                               "AND story_id NOT IN (SELECT id FROM stories)").fetchone()[0]
        assert dangling == 0
        return len(articles)
    finally:
        con.close()


def test_sigkill_mid_batch_then_resume(tmp_path):
    batch = generated_batch(tmp_path / "batch.jsonl", N)
    db = tmp_path / "crash.db"
    cmd = [str(FOGOFWAR), "ingest", str(batch), "--db", f"sqlite:///{db}", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _count(db, "articles") < 25:
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    stored = _check_consistent(db)
    assert 25 <= stored < N  # killed mid-batch

    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["duplicates"] == stored and summary["stored"] == N - stored and summary["errors"] == 0

    assert _check_consistent(db) == N
    con = sqlite3.connect(db)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM articles")]
        assert sorted(ids) == [f"gen-{i:04d}" for i in range(N)]
        assert con.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0] == N
        documents = [json.loads(r[0]) for r in con.execute("SELECT document FROM articles ORDER BY pk")]
        stories = {r[0]: json.loads(r[1]) for r in con.execute("SELECT id, data FROM stories")}
    finally:
        con.close()
    # The stories left by a killed run plus a resumed one are those of one build over everything.
    rebuilt, _ = recompute([ArticleResult.from_dict(d) for d in documents])
    assert stories == {s.id: s.to_dict() for s in rebuilt}
