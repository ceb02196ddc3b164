"""The HTTP API against a real SQLite file and a real PostgreSQL server (TestClient, and one real server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from conftest import assert_valid
from fogofwar.api import create_app
from fogofwar.api.process import free_port, wait_until_serving
from fogofwar.ingest import read_inputs
from fogofwar.store.db import connect
from fogofwar.store.ingest import ingest_items
from store_data import EXAMPLES, HOSTILE_TEXT, IZYUM_FOLLOWUP, write_gold_jsonl

TOKEN = "s3cret-token-for-tests"
FOGOFWAR = Path(sys.executable).parent / "fogofwar"


@pytest.fixture
def loaded_url(db_url, tmp_path, pipeline):
    db = connect(db_url)
    ingest_items(db, list(read_inputs([str(EXAMPLES), str(write_gold_jsonl(tmp_path / "gold.jsonl"))])), pipeline)
    db.dispose()
    return db_url


@pytest.fixture
def client(loaded_url):
    with TestClient(create_app(loaded_url, token=TOKEN)) as c:
        yield c


def _all(client, route: str, **params) -> list[dict]:
    r = client.get(route, params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == len(body["items"])
    return body["items"]


def _izyum_capture(stories: list[dict]) -> dict:
    (story,) = [s for s in stories if s["type"] == "capture" and s["place"]["name"] == "Izyum"]
    return story


def _inside(item_place: dict | None, box: tuple[float, float, float, float]) -> bool:
    return bool(item_place) and item_place["lat"] is not None and box[0] <= item_place["lon"] <= box[2] \
        and box[1] <= item_place["lat"] <= box[3]


def test_story_list_filters_agree_with_the_full_list(client):
    stories = _all(client, "/api/stories")
    assert len(stories) > 20
    for s in stories:  # STORY_SUMMARY: the contract STORY plus four fields
        assert {"id", "type", "place", "actor_side", "first_date", "last_date", "events", "sources", "sides",
                "status", "reason", "contradictions", "n_articles", "n_sources"} <= set(s)
        assert s["n_sources"] == len(s["sources"]) and s["n_articles"] == len(s["articles"]) >= 1
    cases = {
        (("type", "capture"),): lambda s: s["type"] == "capture",
        (("side", "UA"),): lambda s: s["actor_side"] == "UA",
        (("status", "corroborated"),): lambda s: s["status"] == "corroborated",
        (("type", "attack"), ("status", "claimed")): lambda s: s["type"] == "attack" and s["status"] == "claimed",
        (("since", "2024-05-01"), ("until", "2024-06-30")):
            lambda s: s["first_date"] is not None and s["first_date"] <= "2024-06-30"
            and (s["last_date"] or s["first_date"]) >= "2024-05-01",
        (("bbox", "36,48,39,51"),): lambda s: _inside(s["place"], (36, 48, 39, 51)),
        (("q", "izyum"),): lambda s: "izyum" in s["place"]["name"].lower()
            or any("izyum" in x["name"].lower() for x in s["sources"]),
    }
    for params, keep in cases.items():
        got = _all(client, "/api/stories", **dict(params))
        expected = [s["id"] for s in stories if keep(s)]
        assert expected, params
        assert len(expected) < len(stories), params
        assert sorted(s["id"] for s in got) == sorted(expected), params


def test_pagination_and_limits(client):
    everything = [s["id"] for s in _all(client, "/api/stories")]
    pages = []
    for offset in range(0, len(everything), 7):
        body = client.get("/api/stories", params={"limit": 7, "offset": offset}).json()
        assert body["total"] == len(everything) and body["limit"] == 7 and body["offset"] == offset
        pages += [s["id"] for s in body["items"]]
    assert pages == everything
    for bad in ({"limit": 501}, {"limit": 0}, {"offset": -1}, {"type": "picnic"}, {"bbox": "1,2,3"},
                {"since": "10/09/2022"}, {"status": "maybe"}):
        r = client.get("/api/stories", params=bad)
        assert r.status_code == 422 and r.headers["content-type"] == "application/json", bad


def test_story_detail_has_the_izyum_claims_and_ledger(client):
    story = _izyum_capture(_all(client, "/api/stories"))
    r = client.get(f"/api/stories/{story['id']}")
    assert r.status_code == 200
    detail = r.json()
    assert detail["story"] == story
    assert [e["id"] for e in detail["events"]] == story["events"]
    assert all(e["type"] == "capture" and e["place_mention"] for e in detail["events"])
    assert detail["claims"]
    for c in detail["claims"]:
        if c["source_span"]:
            s, e = c["source_span"]
            assert c["sentence"][s:e].strip()
        if c["cue_span"]:
            s, e = c["cue_span"]
            assert c["sentence"][s:e].lower() == c["cue"].lower()
        assert c["article"] == "abc-2022-09-10-kharkiv" and c["outlet"] == "ABC News"
    assert {c["source"]["name"] for c in detail["claims"]} <= {s["name"] for s in story["sources"]} | {
        c["source"]["name"] for c in detail["claims"]}
    assert any(c["source"]["side"] == "UA" and c["certainty"] == "confirmed" for c in detail["claims"])
    assert detail["ledger"]["place"]["name"] == "Izyum"
    assert any(e["story"] == story["id"] for e in detail["ledger"]["entries"])
    ledger = client.get(f"/api/places/{story['place']['geonameid']}/ledger")
    assert ledger.status_code == 200 and ledger.json() == detail["ledger"]
    missing = client.get("/api/stories/st-nothere")
    assert missing.status_code == 404 and "st-nothere" in missing.json()["detail"]
    assert client.get("/api/places/1/ledger").status_code == 404


def test_events_articles_and_sources(client):
    events = _all(client, "/api/events")
    assert len(events) > 30 and all(e["ref"] == f"{e['article']}:{e['id']}" for e in events)
    by_type = _all(client, "/api/events", type="casualties")
    assert sorted(e["ref"] for e in by_type) == sorted(e["ref"] for e in events if e["type"] == "casualties")
    ru = _all(client, "/api/events", side="RU")
    assert ru and sorted(e["ref"] for e in ru) == sorted(e["ref"] for e in events if e["actor_side"] == "RU")
    dated = _all(client, "/api/events", since="2022-09-01", until="2022-09-30")
    assert dated and sorted(e["ref"] for e in dated) == sorted(
        e["ref"] for e in events if e["date"] and "2022-09-01" <= e["date"] <= "2022-09-30")
    boxed = _all(client, "/api/events", bbox="34,31,35,32")  # Gaza
    assert boxed and sorted(e["ref"] for e in boxed) == sorted(
        e["ref"] for e in events if _inside(e["location"], (34, 31, 35, 32)))
    stories = {s["id"]: s for s in _all(client, "/api/stories")}
    disputed = _all(client, "/api/events", status="disputed")
    assert disputed and all(stories[e["story"]]["status"] == "disputed" for e in disputed)

    articles = _all(client, "/api/articles")
    assert len(articles) == 6 and all("text" not in a and a["events"] is not None for a in articles)
    full = client.get("/api/articles/abc-2022-09-10-kharkiv").json()
    assert full["text"] == (EXAMPLES / "kharkiv-2022-09-10-abc.txt").read_text(encoding="utf-8")
    assert [a["id"] for a in _all(client, "/api/articles", q="Rafah")] == ["ap-2024-05-11-rafah"]
    assert [a["id"] for a in _all(client, "/api/articles", outlet="ABC News")] == ["abc-2022-09-10-kharkiv"]
    assert client.get("/api/articles/nope").status_code == 404

    sources = _all(client, "/api/sources")
    military_ru = _all(client, "/api/sources", kind="military", side="RU")
    assert military_ru and sorted((s["article"], s["id"]) for s in military_ru) == sorted(
        (s["article"], s["id"]) for s in sources if s["kind"] == "military" and s["side"] == "RU")
    assert all("defense" in s["name"].lower() for s in _all(client, "/api/sources", q="Defense"))


def test_writes_need_the_token(client, loaded_url):
    body = {"id": "followup", "text": IZYUM_FOLLOWUP.text, "published": "2022-09-11", "outlet": "Kyiv Independent"}
    assert client.post("/api/articles", json=body).status_code == 401
    wrong = client.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403 and wrong.json()["detail"]
    before = _izyum_capture(_all(client, "/api/stories"))
    ok = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["status"] == "stored" and before["id"] in ok.json()["stories"]
    after = client.get(f"/api/stories/{before['id']}").json()["story"]
    assert after["n_sources"] > before["n_sources"] and "followup" in after["articles"]
    again = client.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    with TestClient(create_app(loaded_url, token=None)) as no_token:
        os.environ.pop("FOGOFWAR_API_TOKEN", None)
        r = no_token.post("/api/articles", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 403 and "no API token" in r.json()["detail"]


def test_analyze_limits_and_validation(client):
    big = client.post("/api/analyze", json={"text": "Ukrainian forces shelled Izyum. " * 8000})
    assert big.status_code == 413 and big.json()["detail"]
    chunked = client.post("/api/analyze", content=(b'{"text": "' + b"a" * 300_000 + b'"}' for _ in range(1)),
                          headers={"content-type": "application/json"})
    assert chunked.status_code == 413
    for bad in ({"text": 5}, {"text": ""}, {"txt": "x"}, {"text": "x", "published": ["2022"]}):
        r = client.post("/api/analyze", json=bad)
        assert r.status_code == 422 and isinstance(r.json()["detail"], list), bad
    assert client.post("/api/analyze", content=b"{not json", headers={"content-type": "application/json"}
                       ).status_code == 422
    ok = client.post("/api/analyze", json={"text": IZYUM_FOLLOWUP.text, "published": "2022-09-11"})
    assert ok.status_code == 200
    document = assert_valid(ok.json())
    assert [(e["type"], e["actor_side"]) for e in document["articles"][0]["events"]] == [("capture", "UA")]
    assert client.get("/api/articles", params={"q": "General Staff said on Sunday"}).json()["total"] == 0


def test_hostile_text_round_trips(client):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"id": "<img src=x onerror=alert(1)>", "text": HOSTILE_TEXT, "title": "'; DROP TABLE articles; --"}
    r = client.post("/api/articles", json=body, headers=headers)
    assert r.status_code == 201, r.text
    stored = client.get("/api/articles/<img src=x onerror=alert(1)>").json()
    assert stored["text"] == HOSTILE_TEXT and stored["title"] == body["title"]
    found = _all(client, "/api/articles", q="'; DROP TABLE")
    assert [a["id"] for a in found] == [body["id"]]
    assert len(_all(client, "/api/articles")) == 7


def test_page_openapi_and_static(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "fogofwar" in page.text.lower()
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/events", "/api/articles", "/api/sources",
            "/api/places/{geonameid}/ledger", "/api/analyze"} <= set(spec["paths"])
    for path in ("/static/../../store/db.py", "/static/%2e%2e/%2e%2e/cli.py", "/static/..%2f..%2fcli.py"):
        assert client.get(path).status_code == 404, path




def test_real_server(loaded_url, tmp_path):
    """`fogofwar serve` as a real process on a loopback port, queried with httpx."""
    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([str(FOGOFWAR), "serve", "--db", loaded_url, "--port", str(port), "--token", TOKEN],
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc, tmp_path / "serve.log")
        with httpx.Client(base_url=base, timeout=60) as http:
            stories = http.get("/api/stories", params={"type": "capture", "limit": 500}).json()
            assert stories["total"] >= 5 and all(s["type"] == "capture" for s in stories["items"])
            assert http.post("/api/articles", json={"text": IZYUM_FOLLOWUP.text}).status_code == 401
            r = http.post("/api/articles", json={"text": IZYUM_FOLLOWUP.text, "published": "2022-09-11"},
                          headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 201, r.text
            assert http.get(f"/api/articles/{r.json()['id']}").json()["text"] == IZYUM_FOLLOWUP.text
            assert http.get("/api/health").json()["counts"]["articles"] == 7
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_loadtest_runs_without_errors():
    """The bounded load test (readers of /api/stories and /api/events, one writer) for ~3 s: no errors."""
    r = subprocess.run([sys.executable, "-m", "fogofwar.api.loadtest", "--seconds", "3", "--readers", "3"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    figures = json.loads(r.stdout)
    assert figures["errors"] == 0, figures["error_samples"]
    assert set(figures["routes"]) == {"GET /api/stories", "GET /api/events", "POST /api/articles"}
    assert all(route["requests"] > 0 and route["p99_ms"] >= route["p50_ms"] > 0 for route in figures["routes"].values())
    assert figures["articles_after"] == 1 + figures["routes"]["POST /api/articles"]["requests"]
