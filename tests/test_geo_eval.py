"""The LGL-format geoparsing benchmark on a tiny corpus written by the test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fogofwar.evaluate.geo import MISS_KM, GoldToponym, Guess, Scores, evaluate, read_corpus

DOC1 = "Russian forces shelled Kharkiv on Monday. Ukrainian troops recaptured Izyum, in the Kharkiv region."
DOC2 = "Air strikes hit Aleppo in northern Syria."


def _top(text: str, phrase: str, gid: int | None, lat: float | None, lon: float | None, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    gaz = ""
    if gid is not None:
        gaz = (f'<gaztag geonameid="{gid}"><name>{phrase}</name><fclass>P</fclass><fcode>PPL</fcode>'
               f"<lat>{lat}</lat><lon>{lon}</lon></gaztag>")
    return (f"<toponym><start>{start}</start><end>{start + len(phrase)}</end>"
            f"<phrase>{phrase}</phrase>{gaz}</toponym>")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    tops1 = "".join([
        _top(DOC1, "Kharkiv", 706483, 49.98081, 36.25272),
        _top(DOC1, "Izyum", 707292, 49.21117, 37.2567),
        _top(DOC1, "Kharkiv region", None, None, None),
    ])
    tops2 = _top(DOC2, "Aleppo", 170063, 36.20124, 37.16117) + _top(DOC2, "Syria", 163843, 35.0, 38.0)
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<articles>'
           f'<article docid="d1"><title>t1</title><text><![CDATA[{DOC1}]]></text>'
           f'<toponyms count="3">{tops1}</toponyms></article>'
           f'<article docid="d2"><title>t2</title><text><![CDATA[{DOC2}]]></text>'
           f'<toponyms count="2">{tops2}</toponyms></article></articles>')
    path = tmp_path_factory.mktemp("geo") / "tiny.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def test_read_corpus(corpus):
    docs = read_corpus(corpus)
    assert [d.docid for d in docs] == ["d1", "d2"]
    assert [len(d.toponyms) for d in docs] == [3, 2]
    for d in docs:
        for t in d.toponyms:
            assert d.text[t.start:t.end] == t.phrase
    k = docs[0].toponyms[0]
    assert (k.phrase, k.geonameid, k.lat, k.lon) == ("Kharkiv", 706483, 49.98081, 36.25272)
    assert not docs[0].toponyms[2].has_coords and docs[0].toponyms[2].geonameid is None


def test_scores_arithmetic():
    gold = [GoldToponym(0, 5, "a", 1, 0.0, 0.0), GoldToponym(10, 15, "b", 2, 0.0, 1.0),
            GoldToponym(20, 25, "c", 3, 10.0, 10.0), GoldToponym(30, 35, "d")]
    s = Scores("x")
    s.add_recognition([(1, 3), (11, 20), (40, 45)], gold)
    s.add_resolution(gold, [Guess(1, 0.0, 0.1), Guess(9, 0.0, 2.0), None, Guess(None)])
    m = s.metrics()
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 4)
    assert m["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert m["scored"] == 3 and m["unresolved"] == 1
    assert m["acc25"] == pytest.approx(1 / 3)  # 11 km
    assert m["acc161"] == pytest.approx(2 / 3)  # 111 km
    assert m["median_km"] == pytest.approx(111.2, abs=0.5)
    assert m["mean_km"] == pytest.approx((11.1 + 111.2 + MISS_KM) / 3, abs=1)


def test_evaluate_tiny_corpus(corpus, tmp_path):
    from fogofwar.nlp import load_nlp
    from fogofwar.places.gazetteer import get_gazetteer

    docs = read_corpus(corpus)
    nlp = load_nlp()
    out = tmp_path / "pred.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        result = evaluate(docs, get_gazetteer(), nlp.pipe(d.text for d in docs), predictions=fh,
                          use_geotext=False)
    assert result["documents"] == 2 and result["toponyms"] == 5
    assert result["toponyms_with_coordinates"] == 4
    systems = {s["system"]: s for s in result["systems"]}
    fog, base = systems["fogofwar"], systems["most populous"]
    assert fog["scored"] == base["scored"] == 4
    assert fog["acc161"] == 1.0
    assert fog["acc161"] >= base["acc161"] and fog["acc25"] >= base["acc25"]
    assert fog["recall"] >= 0.8 and fog["precision"] >= 0.8

    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 5
    assert set(lines[0]) == {"docid", "start", "end", "phrase", "geonameid", "lat", "lon"}
    by = {(x["docid"], x["phrase"]): x for x in lines}
    assert by[("d1", "Kharkiv")]["geonameid"] == 706483
    assert by[("d1", "Izyum")]["geonameid"] == 707292
    assert by[("d2", "Aleppo")]["geonameid"] == 170063


def test_eval_geo_command_json(corpus, tmp_path, capsys):
    from fogofwar.evaluate.geo_cli import eval_geo_command

    pred = tmp_path / "p.jsonl"
    eval_geo_command(corpus, json_out=True, predictions=pred, limit=1)
    result = json.loads(capsys.readouterr().out)
    assert result["documents"] == 1
    assert len(pred.read_text(encoding="utf-8").splitlines()) == 3


def test_bench_places_one_run(corpus, tmp_path):
    """`fogofwar bench places`: dev gold and an LGL-format corpus side by side, markdown written."""
    from typer.testing import CliRunner

    from fogofwar.cli import app

    dev = Path(__file__).resolve().parents[1].parent / "shared" / "dev"
    out = tmp_path / "bench.md"
    other = tmp_path / "other-corpus.xml"
    other.write_text(Path(corpus).read_text(encoding="utf-8"), encoding="utf-8")
    res = CliRunner().invoke(app, ["bench", "places", "--dev", str(dev), "--lgl", str(corpus), "--corpus", str(other),
                                   "-o", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout[res.stdout.index("{"):])
    assert data["corpora"]["other-corpus"]["systems"][0]["acc161"] == 1.0  # a second corpus, same run
    systems = {s["system"]: s for s in data["lgl"]["systems"]}
    assert {"fogofwar", "most populous"} <= set(systems)
    assert systems["fogofwar"]["acc161"] == 1.0  # the four gold points of the tiny corpus
    assert data["gazetteer"]["lookup_us_cached"] > 0
    if dev.exists():
        assert data["dev"]["f1"] >= 0.9 and data["dev"]["acc161"] >= 0.95
    md = out.read_text(encoding="utf-8")
    assert "| **fogofwar** (gold spans) |" in md and "acc@161" in md and "other-corpus:" in md


def test_shifted_offsets_are_realigned_to_their_phrase():
    """A toponym whose offsets are a character or two off (as some in TR-News) is read at its phrase's
    nearest occurrence; offsets that hold the phrase, or a phrase absent nearby, are kept."""
    from fogofwar.evaluate.geo import align_span

    text = "Roads in Etobicoke and Toronto were closed. Etobicoke residents waited."
    assert align_span(text, 10, 19, "Etobicoke") == (9, 18)   # one character late
    assert align_span(text, 7, 16, "Etobicoke") == (9, 18)    # two early
    assert align_span(text, 44, 53, "Etobicoke") == (44, 53)  # already right: the second occurrence
    assert align_span(text, 23, 30, "Toronto") == (23, 30)
    assert align_span(text, 0, 5, "Ottawa") == (0, 5)         # nowhere near: kept
