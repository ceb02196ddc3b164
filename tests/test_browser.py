"""The map page in a real headless Chromium: the self-contained report and the served page.

Markers are found by their ``data-story`` attribute and clicked on the map itself. Any JS dialog
(alert/confirm) fails the test: a hostile article must show up as text, never run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from conftest import EXAMPLE
from fogofwar.api.process import free_port, wait_until_serving
from fogofwar.web.html_report import to_html
from fogofwar.web.views import story_details
from test_web import IMG, SCRIPT_CLOSE, hostile_article, izyum_capture

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
READY = "body[data-ready='true']"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install chromium (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 850})
    pg = context.new_page()
    problems: list[str] = []
    pg.on("dialog", lambda d: (problems.append(f"dialog {d.type}: {d.message}"), d.dismiss()))
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield pg
    context.close()
    assert not problems, problems


def artifact(tmp_path: Path, name: str) -> Path:
    """Screenshots go to tmp_path, and also to $FOGOFWAR_ARTIFACTS when set (for CI to keep)."""
    path = tmp_path / name
    keep = os.environ.get("FOGOFWAR_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
    return path if not keep else Path(keep) / name


def open_report(page, document: dict, tmp_path: Path, name: str = "report.html") -> None:
    path = tmp_path / name
    path.write_text(to_html(document), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector(READY, timeout=30_000)


def click_marker(page, story_id: str) -> None:
    marker = page.locator(f"#map path.fw-marker[data-story='{story_id}']")
    assert marker.count() == 1
    marker.click()
    page.wait_for_selector(f"#detail[data-loaded='{story_id}']", timeout=15_000)


def panel_shows_sources(page, detail: dict) -> None:
    """Every source of the story, and every claim's sentence with its source and cue marked."""
    sources = page.locator("#detail-sources li.source strong").all_inner_texts()
    assert sorted(sources) == sorted(s["name"] for s in detail["story"]["sources"])
    claims = page.locator("#detail-claims .claim")
    assert claims.count() == len(detail["claims"]) > 0
    for i, claim in enumerate(detail["claims"]):
        box = claims.nth(i)
        sentence = box.locator("p.sentence")
        assert sentence.text_content() == claim["sentence"]
        marked = sentence.locator("mark.src").all_text_contents()
        s, e = claim["source_span"]
        assert "".join(marked) == claim["sentence"][s:e]
        cue = sentence.locator("mark.cue").all_text_contents()
        c0, c1 = claim["cue_span"]
        assert "".join(cue) == claim["sentence"][c0:c1]
        assert claim["certainty"] in box.inner_text() and (claim["outlet"] or claim["article"]) in box.inner_text()


def test_report_from_file_url_shows_izyum_and_its_sources(page, example_result, tmp_path):
    document = example_result.to_dict()
    story = izyum_capture(document)
    detail = story_details(document)[story["id"]]
    open_report(page, document, tmp_path)

    assert page.locator("#map path.fw-marker").count() == sum(1 for s in document["stories"] if s["place"])
    assert page.locator("#map canvas").count() >= 1  # the offline basemap layer
    assert page.locator("#story-list li").count() == len(document["stories"])
    click_marker(page, story["id"])
    assert page.locator("#detail-title").inner_text().startswith("Capture — Izyum")
    assert story["status"] in page.locator("#detail .badge").first.inner_text()
    assert (story["reason"] or "") in page.locator("#detail dl.facts").inner_text()
    panel_shows_sources(page, detail)
    assert "Control of Izyum" in page.locator("#detail").text_content()
    page.screenshot(path=str(artifact(tmp_path, "report-izyum.png")))

    # filters act on the map: hiding captures removes the marker, showing them brings it back
    page.locator("#f-type input[data-type='capture']").uncheck()
    assert page.locator(f"#map path[data-story='{story['id']}']").count() == 0
    assert page.locator("#map path.fw-marker[data-type='capture']").count() == 0
    page.locator("#f-type input[data-type='capture']").check()
    assert page.locator(f"#map path[data-story='{story['id']}']").count() == 1
    page.locator("#f-undated").uncheck()
    dated = [s for s in document["stories"] if s["place"] and (s["first_date"] or s["last_date"])]
    assert page.locator("#map path.fw-marker").count() == len(dated)


def test_empty_report_still_draws_the_basemap(page, tmp_path):
    open_report(page, {"schema": "fogofwar/v1", "articles": [], "stories": [], "ledgers": [], "errors": []},
                tmp_path, "empty.html")
    assert page.locator("#map path.fw-marker").count() == 0
    assert page.locator("#map canvas").count() >= 1
    assert page.locator("#summary").inner_text().startswith("0 stories")
    assert "no dated stories" in page.locator("#range-label").inner_text()


def test_optional_tile_layer_is_used_when_given(page, example_result, tmp_path):
    """--tiles / ?tiles=: a local file:// template stands in for an online tile server."""
    (tmp_path / "tiles").mkdir()
    template = (tmp_path / "tiles").as_uri() + "/{z}/{x}/{y}.png"
    path = tmp_path / "tiled.html"
    path.write_text(to_html(example_result.to_dict(), tiles=template), encoding="utf-8")
    page.goto(path.as_uri())
    page.wait_for_selector(READY, timeout=30_000)
    srcs = page.eval_on_selector_all("img.leaflet-tile", "imgs => imgs.map(i => i.src)")
    assert srcs and all(s.startswith((tmp_path / "tiles").as_uri() + "/") for s in srcs)
    page.goto(path.as_uri() + "?tiles=" + (tmp_path / "other").as_uri() + "/{z}/{x}/{y}.png")
    page.wait_for_selector(READY, timeout=30_000)
    srcs = page.eval_on_selector_all("img.leaflet-tile", "imgs => imgs.map(i => i.src)")
    assert srcs and all(s.startswith((tmp_path / "other").as_uri() + "/") for s in srcs)
    # the query string is attacker-controlled too: an attribution is text, a javascript: template is ignored
    page.goto(path.as_uri() + "?tiles=javascript:alert(1)//{z}&attribution=" + quote(IMG))
    page.wait_for_selector(READY, timeout=30_000)
    assert page.evaluate("document.querySelectorAll('img:not(.leaflet-tile)').length") == 0
    srcs = page.eval_on_selector_all("img.leaflet-tile", "imgs => imgs.map(i => i.src)")
    assert srcs and all(s.startswith((tmp_path / "tiles").as_uri() + "/") for s in srcs)  # the report's own
    page.goto(path.as_uri() + "?attribution=" + quote(IMG) + "&tiles=" + (tmp_path / "other").as_uri() + "/{z}/{x}/{y}.png")
    page.wait_for_selector(READY, timeout=30_000)
    assert IMG in page.locator(".leaflet-control-attribution").inner_text()
    assert page.evaluate("document.querySelectorAll('img:not(.leaflet-tile)').length") == 0
    page.wait_for_timeout(300)


def test_hostile_article_is_shown_as_text_and_never_runs(page, run, tmp_path):
    document = run([hostile_article()]).to_dict()
    details = story_details(document)
    target = next(sid for sid, d in details.items() if any(SCRIPT_CLOSE in c["sentence"] for c in d["claims"]))
    open_report(page, document, tmp_path, "hostile.html")
    click_marker(page, target)
    panel = page.locator("#detail").inner_text()
    assert SCRIPT_CLOSE in panel and IMG in panel
    assert SCRIPT_CLOSE in page.locator("#detail-claims .claim .meta").first.inner_text()  # the outlet
    panel_shows_sources(page, details[target])  # spans land right after a non-BMP character too
    page.wait_for_timeout(300)  # give any injected handler its chance to fire
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0
    assert page.evaluate("document.scripts.length") == 6
    page.screenshot(path=str(artifact(tmp_path, "report-hostile.png")))


def _fogofwar() -> list[str]:
    exe = Path(sys.executable).with_name("fogofwar")
    return [str(exe)] if exe.exists() else [shutil.which("fogofwar") or "fogofwar"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    spec = importlib.util.find_spec("fogofwar.api")
    if spec is None or not hasattr(importlib.import_module("fogofwar.api"), "create_app"):
        pytest.skip("fogofwar.api.create_app is not available")
    tmp = tmp_path_factory.mktemp("served")
    db = f"sqlite:///{tmp / 'fogofwar.db'}"
    env = {k: v for k, v in os.environ.items() if k != "FOGOFWAR_DB"}
    done = subprocess.run([*_fogofwar(), "ingest", str(EXAMPLE.parent), "--db", db, "--no-progress"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    port = free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([*_fogofwar(), "serve", "--db", db, "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, proc, tmp / "serve.log")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_served_page_shows_izyum_and_its_sources(page, served, tmp_path):
    stories = httpx.get(served + "/api/stories", params={"limit": 500}, timeout=10).json()
    story = izyum_capture({"stories": stories["items"]})
    detail = httpx.get(f"{served}/api/stories/{story['id']}", timeout=10).json()
    assert detail["claims"], json.dumps(detail)[:500]
    page.goto(served + "/")
    page.wait_for_selector(READY, timeout=30_000)
    assert "live" in page.locator("#summary").inner_text()
    assert page.locator("#map path.fw-marker").count() == sum(1 for s in stories["items"] if s["place"])
    click_marker(page, story["id"])
    assert page.locator("#detail-title").inner_text().startswith("Capture — Izyum")
    panel_shows_sources(page, detail)
    page.screenshot(path=str(artifact(tmp_path, "served-izyum.png")))
