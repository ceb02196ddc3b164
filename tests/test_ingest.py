"""Tests for fogofwar.ingest: every input form of the contract, and every kind of bad input."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fogofwar import ingest
from fogofwar.ingest import MAX_BYTES, SUPPORTED_EXTENSIONS, normalise_published, read_inputs
from fogofwar.models import Article, ErrorRecord

GOLD = Path("/work/shared/dev/abc-2022-09-10-kharkiv.json")

BODY = [
    "Ukrainian forces have made a major breakthrough in the Kharkiv region, capturing "
    "strategically important cities, according to Ukrainian officials and military sources.",
    "Ukrainian troops have advanced 70 kilometers in less than a week, resulting in part of "
    "Russia's front-line collapse in Ukraine's northeast.",
    "Russia's Defense Ministry on Saturday confirmed it has carried out what it called a "
    "\"regrouping\" of its forces around Izyum, the city that served as its headquarters.",
]

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Ukraine retakes Izyum | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Ukraine retakes Izyum">
<meta property="article:published_time" content="2022-09-10T14:30:00Z">
<link rel="canonical" href="https://news.example.com/world/izyum">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/sport">Sport news and more</a></li></ul></nav>
<header><div class="logo">Example News</div><a href="/subscribe">Subscribe now for unlimited access</a></header>
<main>
<article>
<h1>Ukraine retakes Izyum</h1>
<p>{0}</p>
<p>{1}</p>
<p>{2}</p>
</article>
</main>
<footer><p>Copyright 2022 Example News. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body>
</html>
""".format(*BODY)


def read(*paths, **kwargs) -> list[Article | ErrorRecord]:
    return list(read_inputs([str(p) for p in paths], **kwargs))


def articles(items) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def errors(items) -> list[ErrorRecord]:
    return [i for i in items if isinstance(i, ErrorRecord)]


def only_error(items) -> ErrorRecord:
    assert len(items) == 1 and isinstance(items[0], ErrorRecord), items
    return items[0]


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- .txt


def test_txt_one_article_with_defaults(tmp_path):
    p = tmp_path / "abc-2022-09-10.txt"
    p.write_text("First line.\nSecond line.\n", encoding="utf-8")
    items = read(p, defaults={"published": "2022-09-10T08:00:00Z", "outlet": "ABC News",
                              "title": "T", "url": "https://x", "language": "en"})
    assert len(items) == 1
    a = items[0]
    assert isinstance(a, Article)
    assert a.id == "abc-2022-09-10"
    assert a.text == "First line.\nSecond line.\n"
    assert (a.published, a.outlet, a.title, a.url, a.language) == (
        "2022-09-10", "ABC News", "T", "https://x", "en")
    assert a.file == str(p) and a.line is None


def test_txt_normalisation_crlf_cr_and_bom_only(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("\ufeffOne.\r\nTwo.\rThree.  \n\n  Four\t".encode("utf-8"))
    (a,) = read(p)
    assert a.text == "One.\nTwo.\nThree.  \n\n  Four\t"  # nothing else touched


def test_txt_without_defaults_has_no_metadata(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Text.", encoding="utf-8")
    (a,) = read(p)
    assert (a.published, a.outlet, a.title, a.url, a.language) == (None,) * 5


@pytest.mark.parametrize("sidecar", ["a.meta.json", "a.json"])
def test_txt_sidecar_metadata(tmp_path, sidecar):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / sidecar).write_text(json.dumps(
        {"id": "abc-1", "outlet": "ABC News", "published": "2022-09-10T12:00:00+03:00", "title": "Izyum"}))
    (a,) = read(tmp_path / "a.txt", defaults={"outlet": "Other", "url": "https://default"})
    assert a.id == "abc-1"
    assert a.outlet == "ABC News"  # sidecar beats defaults
    assert a.url == "https://default"  # defaults fill the rest
    assert a.published == "2022-09-10"
    assert a.title == "Izyum"


def test_txt_twin_json_with_text_is_not_a_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Plain.", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"id": "j", "text": "From JSON.", "outlet": "X"}))
    (a,) = read(tmp_path / "a.txt")
    assert a.id == "a" and a.outlet is None
    # in a folder both are articles
    items = read(tmp_path)
    assert [i.id for i in items] == ["j", "a"]


def test_folder_skips_sidecars(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"outlet": "ABC News"}))
    (tmp_path / "b.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps({"outlet": "NPR"}))
    items = read(tmp_path)
    assert [(i.id, i.outlet) for i in items] == [("a", "ABC News"), ("b", "NPR")]


def test_invalid_sidecar_is_reported_and_article_kept(tmp_path):
    (tmp_path / "a.txt").write_text("A.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{not json")
    items = read(tmp_path / "a.txt", defaults={"outlet": "D"})
    assert len(items) == 2
    err, art = items
    assert isinstance(err, ErrorRecord) and err.file.endswith("a.meta.json")
    assert "not valid JSON" in err.reason
    assert isinstance(art, Article) and art.outlet == "D"


# --------------------------------------------------------------------------- .jsonl


def test_jsonl_lines_metadata_and_line_numbers(tmp_path):
    p = tmp_path / "news.jsonl"
    p.write_text(
        json.dumps({"id": "a", "text": "A text.", "title": "A", "outlet": "ABC News", "url": "https://a",
                    "published": "2022-09-10T12:00:00Z", "language": "en", "extra": [1, 2]}) + "\n"
        + "\n"  # blank lines are skipped but counted
        + json.dumps({"id": "b", "text": "B text.\r\nMore."}) + "\r\n",
        encoding="utf-8",
    )
    items = read(p)
    assert all(isinstance(i, Article) for i in items)
    a, b = items
    assert (a.id, a.text, a.title, a.outlet, a.url, a.published, a.language, a.line) == (
        "a", "A text.", "A", "ABC News", "https://a", "2022-09-10", "en", 1)
    assert (b.id, b.text, b.line, b.published) == ("b", "B text.\nMore.", 3, None)
    assert a.file == str(p)


def test_jsonl_bad_lines_do_not_stop_the_others(tmp_path):
    p = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": "Fine."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "x"}),
        json.dumps({"id": "y", "text": 42}),
        json.dumps({"id": "z", "text": "   \n\t"}),
        json.dumps({"id": "e", "text": ""}),
        json.dumps({"id": "ok2", "text": "Also fine."}),
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(p)
    assert [i.id for i in articles(items)] == ["ok1", "ok2"]
    errs = {e.line: e.reason for e in errors(items)}
    assert set(errs) == {2, 3, 4, 5, 6, 7}
    assert errs[2].startswith("not valid JSON: ")
    assert "expected a JSON object, got a list" in errs[3]
    assert 'has no "text"' in errs[4]
    assert '"text" must be a string, got a number' in errs[5]
    assert "whitespace only" in errs[6]
    assert "empty" in errs[7]
    assert all(e.file == str(p) for e in errors(items))
    # order follows the file
    assert [getattr(i, "line") for i in items] == [1, 2, 3, 4, 5, 6, 7, 8]


def test_jsonl_invalid_utf8_line_reports_byte_offset(tmp_path):
    p = tmp_path / "in.jsonl"
    good = (json.dumps({"id": "a", "text": "ok"}) + "\n").encode()
    bad = b'{"id": "b", "text": "caf\xe9"}\n'
    p.write_bytes(good + bad + good.replace(b'"a"', b'"c"'))
    items = read(p)
    assert [i.id for i in articles(items)] == ["a", "c"]
    (err,) = errors(items)
    assert err.line == 2
    assert "not valid UTF-8" in err.reason
    offset = len(good) + bad.index(b"\xe9")
    assert f"byte offset {offset}" in err.reason


def test_jsonl_nul_in_a_later_line(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "x\x00y"}\n')
    items = read(p)
    assert [i.id for i in articles(items)] == ["a"]
    (err,) = errors(items)
    assert err.line == 2 and "binary" in err.reason


def test_jsonl_binary_file_is_one_error(tmp_path):
    p = tmp_path / "in.jsonl"
    p.write_bytes(b"\x1f\x8b\x08\x00\x00\x00\n" * 50)
    err = only_error(read(p))
    assert err.line is None and "binary" in err.reason


def test_jsonl_line_over_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 200)
    p = tmp_path / "big.jsonl"
    write_jsonl(p, [{"id": "a", "text": "short"}, {"id": "b", "text": "x" * 1000},
                    {"id": "c", "text": "y" * 150}])
    items = read(p)
    assert [i.id for i in articles(items)] == ["a", "c"]
    (err,) = errors(items)
    assert err.line == 2 and "over the" in err.reason and "bytes" in err.reason
    # the jsonl file as a whole may be larger than the limit
    assert p.stat().st_size > 200


def test_jsonl_streams_line_by_line(tmp_path):
    p = tmp_path / "news.jsonl"
    write_jsonl(p, [{"id": f"a{i}", "text": f"Text {i}."} for i in range(3)])
    it = read_inputs([str(p)])
    first = next(it)
    assert isinstance(first, Article) and first.id == "a0"
    assert [a.id for a in it] == ["a1", "a2"]


def test_jsonl_empty_file(tmp_path):
    p = tmp_path / "empty.jsonl"
    p.write_text("\n  \n", encoding="utf-8")
    err = only_error(read(p))
    assert err.line is None and "empty" in err.reason


def test_jsonl_missing_id_gets_one(tmp_path):
    p = write_jsonl(tmp_path / "news.jsonl", [{"text": "No id."}, {"id": 7, "text": "Int id."}])
    items = read(p)
    assert [a.id for a in items] == ["news-1", "7"]


# --------------------------------------------------------------------------- .json


def test_json_object_is_one_article(tmp_path):
    p = tmp_path / "one.json"
    p.write_text(json.dumps({"id": "x", "text": "Hello.", "published": "10 September 2022",
                             "places": [], "events": []}))
    (a,) = read(p)
    assert (a.id, a.text, a.published, a.line) == ("x", "Hello.", "2022-09-10", None)


def test_json_list_with_bad_items(tmp_path):
    p = tmp_path / "many.json"
    p.write_text(json.dumps([
        {"id": "a", "text": "A."},
        "not an object",
        {"id": "c"},
        {"id": "d", "text": "D."},
    ], indent=2))
    items = read(p)
    assert [a.id for a in articles(items)] == ["a", "d"]
    e2, e3 = errors(items)
    assert "item 2" in e2.reason and "expected a JSON object, got a string" in e2.reason
    assert "item 3" in e3.reason and 'no "text"' in e3.reason
    # line is the line the item starts on
    lines = p.read_text().splitlines()
    assert lines[e2.line - 1].strip().startswith('"not an object"')
    assert lines[e3.line - 1].strip() == "{"
    a, d = articles(items)
    assert lines[a.line - 1].strip() == "{" and a.line == 2


def test_json_invalid_and_wrong_top_level(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "a",\n "text": }')
    err = only_error(read(bad))
    assert err.reason.startswith("not valid JSON: ") and err.line == 2
    num = tmp_path / "num.json"
    num.write_text("42")
    assert "got a number" in only_error(read(num)).reason
    empty_list = tmp_path / "empty_list.json"
    empty_list.write_text("[]")
    assert "empty" in only_error(read(empty_list)).reason
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    assert "empty" in only_error(read(empty)).reason


def test_json_record_with_non_string_text(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"id": "a", "text": ["a", "b"]}))
    err = only_error(read(p))
    assert '"text" must be a string, got a list' in err.reason


@pytest.mark.skipif(not GOLD.exists(), reason="/work/shared dev data not available")
def test_dev_gold_file_reads_as_one_article():
    items = read(GOLD)
    assert len(items) == 1
    (a,) = items
    assert isinstance(a, Article)
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    assert a.id == gold["id"]
    assert a.published == "2022-09-10"
    assert a.outlet == "ABC News"
    assert a.text == gold["text"].replace("\r\n", "\n")


# --------------------------------------------------------------------------- .html


def test_html_main_text_and_metadata(tmp_path):
    p = tmp_path / "izyum.html"
    p.write_text(PAGE, encoding="utf-8")
    (a,) = read(p)
    assert isinstance(a, Article)
    assert a.id == "izyum"
    for para in BODY:
        assert para in a.text
    for boilerplate in ("Subscribe now", "Privacy policy", "All rights reserved", "Sport news"):
        assert boilerplate not in a.text
    assert a.title and "Ukraine retakes Izyum" in a.title
    assert a.published == "2022-09-10"
    assert a.outlet == "Example News"
    assert a.url == "https://news.example.com/world/izyum"
    assert a.language == "en"


def test_htm_extension_and_defaults_fill_missing(tmp_path):
    page = PAGE.replace('<meta property="og:site_name" content="Example News">', "")
    page = page.replace('<div class="logo">Example News</div>', "")
    page = page.replace("Copyright 2022 Example News.", "Copyright 2022.")
    page = page.replace(" | Example News", "")
    p = tmp_path / "page.htm"
    p.write_text(page, encoding="utf-8")
    (a,) = read(p, defaults={"outlet": "Fallback Outlet"})
    assert a.id == "page" and BODY[0] in a.text
    assert a.outlet in ("Fallback Outlet", "news.example.com", "example.com")


def test_html_without_main_text(tmp_path):
    p = tmp_path / "nothing.html"
    p.write_text("<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>")
    err = only_error(read(p))
    assert "no main text" in err.reason


# --------------------------------------------------------------------------- whole-file errors


def test_missing_path(tmp_path):
    err = only_error(read(tmp_path / "nope.txt"))
    assert err.file == str(tmp_path / "nope.txt") and err.line is None
    assert "no such file" in err.reason


def test_binary_file(tmp_path):
    p = tmp_path / "bin.txt"
    p.write_bytes(b"ab\x00cd")
    err = only_error(read(p))
    assert "binary" in err.reason and "offset 2" in err.reason


def test_utf16_file(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("Hello".encode("utf-16"))
    assert "UTF-16" in only_error(read(p)).reason


def test_invalid_utf8_file_reports_offset(tmp_path):
    p = tmp_path / "latin1.txt"
    p.write_bytes("Kharkiv café".encode("latin-1"))
    err = only_error(read(p))
    assert "not valid UTF-8" in err.reason and "byte offset 11" in err.reason


@pytest.mark.parametrize("content", [b"", b"  \r\n\t\n", b"\xef\xbb\xbf"])
def test_empty_or_whitespace_txt(tmp_path, content):
    p = tmp_path / "e.txt"
    p.write_bytes(content)
    err = only_error(read(p))
    assert "empty" in err.reason or "whitespace" in err.reason


@pytest.mark.parametrize("ext", [".txt", ".json", ".html"])
def test_file_over_limit(tmp_path, monkeypatch, ext):
    monkeypatch.setattr(ingest, "MAX_BYTES", 100)
    p = tmp_path / f"big{ext}"
    p.write_bytes(b"x" * 250)
    err = only_error(read(p))
    assert "250 bytes" in err.reason and "limit" in err.reason


def test_default_limit_is_5_mb():
    assert MAX_BYTES == 5 * 1024 * 1024


def test_real_size_limit_txt(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.truncate(MAX_BYTES + 1)  # sparse: cheap to make
    err = only_error(read(p))
    assert f"{MAX_BYTES + 1} bytes" in err.reason


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_text("x")
    p.chmod(0)
    try:
        assert "permission denied" in only_error(read(p)).reason
    finally:
        p.chmod(0o644)


def test_unreadable_file_simulated(tmp_path, monkeypatch):
    p = tmp_path / "secret.txt"
    p.write_text("x")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(p))

    monkeypatch.setattr(ingest, "open", denied, raising=False)
    (tmp_path / "secret.jsonl").write_text("{}")
    items = read(p, tmp_path / "secret.jsonl")
    assert [e.reason for e in items] == ["cannot read: permission denied"] * 2


def test_unsupported_extension_given_explicitly(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text("# hi")
    assert "unsupported" in only_error(read(p)).reason


def test_folder_without_supported_files(tmp_path):
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / "img.png").write_bytes(b"\x89PNG")
    err = only_error(read(tmp_path))
    assert err.file == str(tmp_path) and "no supported files" in err.reason


# --------------------------------------------------------------------------- folders, order, ids


def test_folder_recursive_sorted_and_skips_unsupported(tmp_path):
    (tmp_path / "b.txt").write_text("B.")
    (tmp_path / "a.txt").write_text("A.")
    (tmp_path / "README.md").write_text("skip me")
    (tmp_path / ".hidden.txt").write_text("skip me too")
    sub = tmp_path / "sub"
    sub.mkdir()
    write_jsonl(sub / "c.jsonl", [{"id": "c1", "text": "C1."}, {"id": "c2", "text": "C2."}])
    (sub / "d.html").write_text(PAGE)
    (tmp_path / "z.json").write_text(json.dumps([{"id": "z1", "text": "Z."}]))
    items = read(tmp_path)
    assert all(isinstance(i, Article) for i in items), items
    assert [i.id for i in items] == ["a", "b", "c1", "c2", "d", "z1"]


def test_paths_keep_given_order_and_errors_in_place(tmp_path):
    (tmp_path / "b.txt").write_text("B.")
    (tmp_path / "a.txt").write_text("A.")
    items = read(tmp_path / "b.txt", tmp_path / "missing.txt", tmp_path / "a.txt")
    assert [type(i).__name__ for i in items] == ["Article", "ErrorRecord", "Article"]
    assert [items[0].id, items[2].id] == ["b", "a"]


def test_duplicate_ids_get_suffixes(tmp_path):
    p = write_jsonl(tmp_path / "d.jsonl", [
        {"id": "x", "text": "1"}, {"id": "x", "text": "2"}, {"id": "x-2", "text": "3"}, {"id": "x", "text": "4"},
    ])
    (tmp_path / "x.txt").write_text("5")
    items = read(p, tmp_path / "x.txt")
    assert [a.id for a in items] == ["x", "x-2", "x-2-2", "x-3", "x-4"]
    assert [a.text for a in items] == ["1", "2", "3", "4", "5"]


def test_forced_format(tmp_path):
    p = tmp_path / "records.data"
    write_jsonl(p, [{"id": "a", "text": "A."}])
    (a,) = read(p, input_format="jsonl")
    assert a.id == "a"
    t = tmp_path / "story.json"  # forced txt: read as plain text, not JSON
    t.write_text('{"id": "a"}')
    (b,) = read(t, input_format="txt")
    assert b.text == '{"id": "a"}' and b.id == "story"


def test_forced_format_in_folder_reads_every_file(tmp_path):
    (tmp_path / "one.story").write_text("One.")
    (tmp_path / "two").write_text("Two.")
    items = read(tmp_path, input_format="txt")
    assert [a.id for a in items] == ["one", "two"]


def test_unknown_format_raises_early():
    with pytest.raises(ValueError, match="unknown input format"):
        read_inputs(["x"], input_format="pdf")


def test_supported_extensions():
    assert set(SUPPORTED_EXTENSIONS) == {".txt", ".jsonl", ".json", ".html", ".htm"}


# --------------------------------------------------------------------------- stdin


def test_stdin_text_stream():
    items = list(read_inputs(["-"], stdin=io.StringIO("\ufeffLine one.\r\nLine two."),
                             defaults={"outlet": "NPR", "published": "Sep 10, 2022"}))
    (a,) = items
    assert (a.id, a.text, a.outlet, a.published) == ("stdin", "Line one.\nLine two.", "NPR", "2022-09-10")


def test_stdin_bytes_stream_and_errors():
    (a,) = read_inputs(["-"], stdin=io.BytesIO("Київ.\r\n".encode()))
    assert a.text == "Київ.\n"
    err = only_error(list(read_inputs(["-"], stdin=io.BytesIO(b"caf\xe9"))))
    assert err.file == "<stdin>" and "UTF-8" in err.reason
    err = only_error(list(read_inputs(["-"], stdin=io.StringIO("  \n"))))
    assert "whitespace" in err.reason


def test_stdin_forced_jsonl():
    data = json.dumps({"id": "a", "text": "A."}) + "\nnope\n"
    items = list(read_inputs(["-"], input_format="jsonl", stdin=io.StringIO(data)))
    assert isinstance(items[0], Article) and items[0].id == "a"
    assert isinstance(items[1], ErrorRecord) and items[1].line == 2 and items[1].file == "<stdin>"


# --------------------------------------------------------------------------- published


@pytest.mark.parametrize("value,expected", [
    ("2022-09-10", "2022-09-10"),
    ("2022-09-10T12:00:00Z", "2022-09-10"),
    ("2022-09-10T23:30:00-05:00", "2022-09-10"),
    ("2022-09-10 12:00", "2022-09-10"),
    ("10 September 2022", "2022-09-10"),
    ("September 10, 2022", "2022-09-10"),
    ("Sat, 10 Sep 2022 12:00:00 GMT", "2022-09-10"),
    ("2022/09/10", "2022-09-10"),
    ("2022-02-30", None),
    ("last Saturday", None),
    ("", None),
    (20220910, None),
    (None, None),
])
def test_normalise_published(value, expected):
    assert normalise_published(value) == expected


def test_unparsable_published_keeps_article(tmp_path):
    p = write_jsonl(tmp_path / "n.jsonl", [{"id": "a", "text": "A.", "published": "soon"}])
    (a,) = read(p)
    assert isinstance(a, Article) and a.published is None


# --------------------------------------------------------------------------- property


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(), ensure_ascii=st.booleans())
def test_property_jsonl_one_record_never_raises(tmp_path, text, ensure_ascii):
    p = tmp_path / "prop.jsonl"
    if not ensure_ascii:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            ensure_ascii = True  # lone surrogates can only be written escaped
    p.write_text(json.dumps({"id": "p", "text": text}, ensure_ascii=ensure_ascii) + "\n", encoding="utf-8")
    items = list(read_inputs([str(p)]))
    assert len(items) == 1
    (item,) = items
    expected = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(item, Article):
        assert item.text == expected
        assert item.id == "p" and item.line == 1
    else:
        assert isinstance(item, ErrorRecord) and item.line == 1 and item.reason
        assert not expected.strip()  # the only reason a JSON string text can fail


def test_html_in_its_declared_legacy_encoding(tmp_path):
    para = "Украинские войска освободили Изюм, сообщили военные источники в понедельник утром. " * 4
    page = ('<html lang="ru"><head><meta charset="windows-1251"><title>Изюм</title></head>'
            f"<body><article><p>{para}</p><p>{para}</p></article></body></html>")
    p = tmp_path / "ru.html"
    p.write_bytes(page.encode("cp1251"))
    (a,) = read(p)
    assert isinstance(a, Article)
    assert "Украинские войска освободили Изюм" in a.text
    assert a.title == "Изюм" and a.language == "ru"
