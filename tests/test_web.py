"""The map page's views and the self-contained HTML report (issue 6 items 3-5, issue 8 item 3)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import EXAMPLE
from fogofwar.models import Article
from fogofwar.web import STATIC
from fogofwar.web.html_report import json_for_script, report_data, to_html
from fogofwar.web.views import story_details, story_summaries

SCRIPT_CLOSE = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
STORY_KEYS = {"id", "type", "place", "actor_side", "first_date", "last_date", "events", "sources", "sides", "status"}


def hostile_article() -> Article:
    """An article whose text, outlet, title, id and URL all try to inject markup or script.

    The emoji (two UTF-16 units, one code point) before the source checks that the page reads
    offsets as Python code points."""
    text = (f"\U0001F525 Ukrainian forces captured Izyum on Saturday, Russia's Defense Ministry confirmed, "
            f"calling it {SCRIPT_CLOSE} {IMG} a regrouping.\n"
            f"The troops withdrew from Izyum, Russian military bloggers said.\n")
    return Article(id="hostile-<b>1</b>", text=text, published="2022-09-10", outlet=SCRIPT_CLOSE, title=IMG,
                   url="javascript:alert(1)")


@pytest.fixture(scope="module")
def example_doc(example_result) -> dict:
    return example_result.to_dict()


@pytest.fixture(scope="module")
def hostile_doc(run) -> dict:
    return run([hostile_article()]).to_dict()


def izyum_capture(document: dict) -> dict:
    matches = [s for s in document["stories"] if s["type"] == "capture" and (s["place"] or {}).get("name") == "Izyum"]
    assert len(matches) == 1, [(s["id"], s["type"], s["place"]) for s in document["stories"]]
    return matches[0]


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None
        self._buf: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script, self._buf = dict(attrs), []

    def handle_data(self, data):
        if self._in_script is not None:
            self._buf.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._buf)))
            self._in_script = None


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def data_block(page: Page, block_id: str):
    (text,) = [body for attrs, body in page.scripts if attrs.get("id") == block_id]
    return json.loads(text)


# ---- views ----

def test_summaries_extend_the_contract_story(example_doc):
    summaries = story_summaries(example_doc)
    assert [s["id"] for s in summaries] == [s["id"] for s in example_doc["stories"]]
    for summary, story in zip(summaries, example_doc["stories"]):
        assert STORY_KEYS <= summary.keys()
        assert {k: summary[k] for k in STORY_KEYS} == {k: story[k] for k in STORY_KEYS}
        assert summary["n_sources"] == len(story["sources"])
        assert summary["n_articles"] == len({ref.rsplit(":", 1)[0] for ref in story["events"]})
        assert isinstance(summary["contradictions"], list)
        assert summary["reason"] is None or isinstance(summary["reason"], str)


def test_izyum_capture_detail_has_its_claims_with_relative_spans(example_doc):
    story = izyum_capture(example_doc)
    detail = story_details(example_doc)[story["id"]]
    assert detail["story"]["id"] == story["id"]
    assert [e["id"] for e in detail["events"]] == story["events"]
    assert all(e["type"] == "capture" and e["place_mention"] == "Izyum" for e in detail["events"])
    assert detail["ledger"] is not None and detail["ledger"]["place"]["name"] == "Izyum"
    assert any(entry["story"] == story["id"] for entry in detail["ledger"]["entries"])

    (article,) = example_doc["articles"]
    text = article["text"]
    linked = {c for ref in story["events"] for c in _event(article, ref)["claims"]}
    assert linked, "the Izyum capture is carried by claims"
    assert {c["claim"] for c in detail["claims"]} == linked
    by_id = {c["id"]: c for c in article["claims"]}
    sources = {s["id"]: s for s in article["sources"]}
    for view in detail["claims"]:
        claim = by_id[view["claim"]]
        sentence = view["sentence"]
        assert sentence and sentence in text
        offset = text.index(sentence) if text.count(sentence) == 1 else None
        s, e = view["source_span"]
        assert sentence[s:e] == text[claim["source_span"][0]:claim["source_span"][1]]
        c0, c1 = view["cue_span"]
        assert sentence[c0:c1] == view["cue"] == text[claim["cue_span"][0]:claim["cue_span"][1]]
        if offset is not None:
            assert offset + s == claim["source_span"][0] and offset + c0 == claim["cue_span"][0]
        assert view["source"] == {k: sources[claim["source"]][k] for k in ("name", "kind", "side")}
        assert view["certainty"] == claim["certainty"] and view["outlet"] == article["outlet"]
    assert {c["source"]["name"] for c in detail["claims"]} == {s["name"] for s in story["sources"]}


def _event(article: dict, ref: str) -> dict:
    article_id, _, event_id = ref.rpartition(":")
    assert article_id == article["id"]
    return next(e for e in article["events"] if e["id"] == event_id)


def test_every_detail_span_lies_inside_its_sentence(example_doc):
    details = story_details(example_doc)
    assert set(details) == {s["id"] for s in example_doc["stories"]}
    n = 0
    for detail in details.values():
        for claim in detail["claims"]:
            for key in ("source_span", "cue_span", "content_span"):
                if claim[key] is not None:
                    s, e = claim[key]
                    assert 0 <= s <= e <= len(claim["sentence"])
                    n += 1
    assert n > 10


def test_views_of_an_empty_document():
    assert story_summaries({"schema": "fogofwar/v1", "articles": [], "stories": [], "ledgers": []}) == []
    assert story_details({"schema": "fogofwar/v1"}) == {}


# ---- the HTML report ----

def test_report_is_self_contained_and_carries_the_data(example_doc):
    html = to_html(example_doc)
    page = parse(html)
    for tag, attrs in page.tags:
        for name in ("src", "href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not re.match(r"^(https?:)?//", value), (tag, attrs)
        if tag == "link":
            assert attrs.get("rel") != "stylesheet", attrs
        if tag == "script":
            assert "src" not in attrs, attrs
    assert re.search(r"url\((?!data:|#)", html.split("</style>")[0]) is None  # Leaflet's images are inlined
    assert data_block(page, "fogofwar-data") == json.loads(json.dumps(report_data(example_doc)))
    countries = data_block(page, "fogofwar-basemap-countries")
    assert countries["type"] == "FeatureCollection" and len(countries["features"]) > 150
    assert data_block(page, "fogofwar-basemap-admin1")["features"]
    assert data_block(page, "fogofwar-config")["tiles"] is None
    code = [body for attrs, body in page.scripts if "type" not in attrs]
    assert len(code) == 2 and "L.circleMarker" in code[1] and "Leaflet" in code[0]


def test_report_tiles_are_optional(example_doc):
    url = "https://tile.example.org/{z}/{x}/{y}.png"
    page = parse(to_html(example_doc, tiles=url))
    assert data_block(page, "fogofwar-config")["tiles"] == url


def test_hostile_article_cannot_break_out_of_the_report(hostile_doc):
    details = story_details(hostile_doc)
    sentences = [c["sentence"] for d in details.values() for c in d["claims"]]
    assert any(SCRIPT_CLOSE in s and IMG in s for s in sentences), sentences
    html = to_html(hostile_doc)
    page = parse(html)
    # exactly the page's own elements: 4 JSON blocks and 2 scripts, no tag from the article
    assert [attrs.get("id") or attrs.get("type") for attrs, _ in page.scripts] == [
        "fogofwar-config", "fogofwar-data", "fogofwar-basemap-countries", "fogofwar-basemap-admin1", None, None]
    assert not [t for t, _ in page.tags if t in ("img", "b", "iframe", "object")]
    assert not [(t, a) for t, a in page.tags if any(k.startswith("on") for k in a)]
    data = data_block(page, "fogofwar-data")
    assert data == json.loads(json.dumps(report_data(hostile_doc)))
    blob = json.dumps(data, ensure_ascii=False)
    assert SCRIPT_CLOSE in blob and IMG in blob  # kept as text, not dropped
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in body and ">" not in body


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_json_for_script_round_trips_and_never_opens_a_tag(value):
    encoded = json_for_script({"x": value, "y": [value]})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"x": value, "y": [value]}


def test_served_page_references_only_local_files():
    page = parse((STATIC / "index.html").read_text(encoding="utf-8"))
    refs = [a.get("src") or a.get("href") for t, a in page.tags if t in ("script", "link") and (a.get("src") or a.get("href"))]
    assert refs and all(r.startswith("static/") and (STATIC.parent / r).is_file() for r in refs), refs


def test_vendored_leaflet_and_basemap_are_present_with_their_licences():
    leaflet = STATIC / "vendor" / "leaflet"
    assert "Leaflet 1.9.4" in (leaflet / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert "BSD" in (leaflet / "LICENSE").read_text(encoding="utf-8") or "Redistribution" in (leaflet / "LICENSE").read_text(encoding="utf-8")
    basemap = STATIC / "basemap"
    readme = (basemap / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme.lower()
    total = sum(p.stat().st_size for p in basemap.glob("*.geojson"))
    assert 100_000 < total < 2_000_000


def test_cli_writes_one_html_file(tmp_path):
    from typer.testing import CliRunner

    from fogofwar.cli import app

    out = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLE), "--format", "html", "-o", str(out),
                                      "--tiles", "https://tiles.example.org/{z}/{x}/{y}.png"])
    assert result.exit_code == 0, result.output
    page = parse(out.read_text(encoding="utf-8"))
    data = data_block(page, "fogofwar-data")
    assert izyum_capture({"stories": data["stories"]})["id"] in data["details"]
    assert data_block(page, "fogofwar-config")["tiles"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert not [a for t, a in page.tags if t == "script" and "src" in a]
