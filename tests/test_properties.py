"""Property-based tests (hypothesis) over the readers and the whole pipeline.

Whatever the input (arbitrary Unicode, control characters, right-to-left text,
huge or empty lines, broken HTML, malformed JSON), no exception escapes, no
article is lost (each yields a result or an error record) and every offset in
the output points at its text.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fogofwar.ingest import read_inputs
from fogofwar.models import Article, ErrorRecord
from fogofwar.schema import validate



def profile(max_examples: int) -> settings:
    return settings(max_examples=max_examples, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])

# Words that make the pipeline's stages fire, so that the text exercises them, not only the tokenizer.
WORDS = ["Ukrainian", "forces", "retook", "Izyum", "on", "Saturday", ",", "according", "to", "officials", ".",
         "Russia's", "Defense", "Ministry", "said", "troops", "withdrew", "from", "Kupiansk", "\"", "'",
         "regrouping", "killed", "12", "people", "in", "Gaza", "RSF", "shelled", "El", "Fasher", "yesterday",
         "the", "city", "sent", "rockets", "told", "Reuters", "that", "denied", "reportedly", "—", "(", ")",
         "Kharkiv", "region", "’s", "Hamas-run", "2,500", "square", "kilometers", "\n", "\n\n", "\t"]
HOSTILE = ["<script>alert(1)</script>", "'; DROP TABLE articles; --", "\u202e", "\u200f", "\x00", "\x1b[31m",
           "\ufeff", "\u0301", "עברית", "العربية", "Київ", "🇺🇦", "\r\n", "\r", "\x0b", "\x0c", "\u2028"]

texts = st.lists(st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(max_size=12)),
                 max_size=60).map(" ".join)


def _check_document(document: dict, texts_in: list[str]) -> None:
    assert validate(document) == []
    assert len(document["articles"]) + len(document["errors"]) == len(texts_in)
    for a in document["articles"]:
        text = a["text"]
        for p in a["places"]:
            assert text[p["start"]:p["end"]] == p["mention"]
        for c in a["claims"]:
            assert 0 <= c["start"] <= c["end"] <= len(text)
            if c["cue_span"]:
                assert text[c["cue_span"][0]:c["cue_span"][1]].strip()
        for e in a["events"]:
            assert 0 <= e["start"] <= e["end"] <= len(text)
        for s in a["sentences"]:
            assert 0 <= s["start"] <= s["end"] <= len(text)


@profile(60)
@given(items=st.lists(texts, min_size=1, max_size=3))
def test_pipeline_on_arbitrary_text(pipeline, items):
    import fogofwar

    articles = [Article(id=f"a{i}", text=t, published="2022-09-10") for i, t in enumerate(items)]
    result = fogofwar.analyze(articles, pipeline=pipeline)
    _check_document(result.to_dict(), items)


@profile(25)
@given(text=texts, repeat=st.integers(min_value=200, max_value=2000))
def test_pipeline_on_huge_lines_and_empty_lines(pipeline, text, repeat):
    import fogofwar

    huge = ("Ukrainian forces retook Izyum " + text.replace("\n", " ") + " ") * (repeat // 50 + 1)
    items = [huge, "\n\n\n", "", " \t "]
    articles = [Article(id=f"a{i}", text=t, published="2022-09-10") for i, t in enumerate(items)]
    result = fogofwar.analyze(articles, pipeline=pipeline)
    _check_document(result.to_dict(), items)


json_lines = st.one_of(
    texts.map(lambda t: json.dumps({"id": "x", "text": t, "published": "2022-09-10"})),
    texts.map(lambda t: json.dumps({"text": t}, ensure_ascii=False)),
    st.text(max_size=80),                                        # not JSON, or JSON of the wrong shape
    st.sampled_from(["{", "[]", "null", "1", '{"id": 1}', '{"text": 5}', '{"text": ""}', '{"text": "a"']),
    st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                             max_size=3)).map(json.dumps),
)


@profile(150)
@given(lines=st.lists(json_lines, min_size=1, max_size=12))
@example(lines=["\x1f"])  # Python's str.strip() calls it whitespace; it is a line of data
def test_jsonl_reader_loses_no_line(tmp_path, lines):
    path = tmp_path / "in.jsonl"
    data = "\n".join(line.replace("\n", " ").replace("\r", " ") for line in lines)
    try:
        path.write_bytes(data.encode("utf-8"))
    except UnicodeEncodeError:
        path.write_bytes(data.encode("utf-8", "surrogatepass"))
    items = list(read_inputs([str(path)]))
    # blank as the reader sees it: ASCII whitespace only (a line holding "\x1f" is data, reported as an error)
    non_blank = [i for i, line in enumerate(data.split("\n"), start=1)
                 if line.encode("utf-8", "surrogatepass").strip()]
    assert all(isinstance(i, (Article, ErrorRecord)) for i in items)
    if any(isinstance(i, ErrorRecord) and i.line is None for i in items):
        return  # a whole-file error (binary, empty): one record for the file
    assert sorted(i.line for i in items) == non_blank  # one item per non-blank line, none lost
    for item in items:
        if isinstance(item, ErrorRecord):
            assert item.file == str(path) and item.reason


html_fragments = st.lists(st.one_of(
    st.sampled_from(["<html>", "<body>", "<div>", "</div>", "<p>", "</p>", "<article>", "<script>", "</script>",
                     "<!--", "-->", "<title>", "</title>", "<meta charset='utf-8'>", "<table><tr><td>", "<![CDATA[",
                     "<a href='javascript:alert(1)'>", "&amp;", "&#x0;", "&#xD800;", "<svg onload=alert(1)>"]),
    texts), max_size=40).map("".join)


@profile(80)
@given(page=html_fragments, as_bytes=st.sampled_from(["utf-8", "latin-1", "utf-16"]))
def test_html_reader_on_nested_or_broken_html(tmp_path, page, as_bytes):
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(as_bytes, "replace"))
    items = list(read_inputs([str(path)]))
    assert len(items) == 1
    (item,) = items
    if isinstance(item, Article):
        assert item.text.strip()
    else:
        assert isinstance(item, ErrorRecord) and item.reason and item.file == str(path)


@profile(100)
@given(data=st.binary(max_size=400), ext=st.sampled_from(["txt", "jsonl", "json", "html"]))
def test_any_bytes_in_any_format(tmp_path, data, ext):
    path = tmp_path / f"blob.{ext}"
    path.write_bytes(data)
    items = list(read_inputs([str(path)]))
    assert items, "every file yields at least a result or an error record"
    assert all(isinstance(i, (Article, ErrorRecord)) for i in items)
    for item in items:
        if isinstance(item, ErrorRecord):
            assert item.file == str(path) and item.reason
