"""The command line, run as a user would: real files, real model, real gazetteer."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from fogofwar.cli import app

from conftest import EXAMPLE, assert_valid

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_analyze_example_json_is_valid_and_complete(tmp_path):
    out = tmp_path / "result.json"
    result = invoke("analyze", str(EXAMPLE), "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    document = assert_valid(json.loads(out.read_text()))
    (article,) = document["articles"]
    assert article["published"] == "2022-09-10" and article["outlet"] == "ABC News"  # from the sidecar
    assert document["stories"] and document["ledgers"]


def test_out_dir_writes_every_rendering(tmp_path):
    result = invoke("analyze", str(EXAMPLE.parent), "--out-dir", str(tmp_path), "--format", "md",
                    "-o", str(tmp_path / "report.md"))
    assert result.exit_code == 0, result.output
    assert_valid(json.loads((tmp_path / "result.json").read_text()))
    report = (tmp_path / "report.md").read_text()
    for name in ("Izyum", "Balakliya", "Kupyansk", "Kharkiv Oblast", "corroborated"):
        assert name in report
    geo = json.loads((tmp_path / "events.geojson").read_text())
    assert geo["type"] == "FeatureCollection" and geo["features"]
    lon, lat = geo["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    rows = list(csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text())))
    assert rows and {"event_id_cnty", "event_date", "event_type", "latitude", "longitude", "source"} <= set(rows[0])


def test_geojson_per_event_and_csv_to_stdout():
    result = invoke("analyze", str(EXAMPLE), "--format", "geojson", "--per-event")
    features = json.loads(result.output)["features"]
    assert any(f["properties"]["type"] == "capture" and f["properties"]["place"] == "Izyum" for f in features)
    result = invoke("analyze", str(EXAMPLE), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert any(r["location"] == "Izyum" and r["event_date"] == "2022-09-10" for r in rows)


def test_bad_inputs_become_error_records_and_the_rest_goes_on(tmp_path):
    (tmp_path / "good.jsonl").write_text(
        json.dumps({"id": "ok", "text": "Russian forces shelled Kharkiv on Monday.", "published": "2024-05-15"}) + "\n"
        + "{not json\n" + json.dumps({"id": "no-text"}) + "\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("")
    result = invoke("analyze", str(tmp_path), "--format", "json")
    assert result.exit_code == 0
    document = assert_valid(json.loads(result.stdout))
    assert [a["id"] for a in document["articles"]] == ["ok"]
    reasons = {(e["file"].rsplit("/", 1)[-1], e["line"]) for e in document["errors"]}
    assert ("good.jsonl", 2) in reasons and ("good.jsonl", 3) in reasons
    assert {"binary.txt", "latin1.txt", "empty.txt"} <= {f for f, _ in reasons}


def test_nothing_readable_exits_non_zero(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    result = invoke("analyze", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt"), "--format", "json")
    assert result.exit_code == 1
    document = assert_valid(json.loads(result.stdout))
    assert len(document["errors"]) == 2 and not document["articles"]


def test_stdin_through_the_installed_command():
    text = "Ukrainian troops recaptured the city of Kherson on Friday, officials said.\n"
    proc = subprocess.run([sys.executable, "-m", "fogofwar.cli", "analyze", "-", "--published", "2022-11-12",
                           "--format", "json"], input=text.encode(), capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    document = assert_valid(json.loads(proc.stdout))
    (event,) = [e for e in document["articles"][0]["events"] if e["type"] == "capture"]
    assert event["date"] == "2022-11-11" and event["actor_side"] == "UA"


def test_schema_command_prints_the_shipped_schema():
    result = invoke("schema")
    schema = json.loads(result.output)
    assert schema["properties"]["schema"]["const"] == "fogofwar/v1"


def test_validate_rejects_a_broken_document(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"schema": "fogofwar/v1", "articles": [], "stories": [], "ledgers": []}))
    assert invoke("validate", str(path)).exit_code == 1


@pytest.mark.skipif(not (EXAMPLE.parents[2] / "shared" / "dev").is_dir(), reason="../shared/dev is absent")
def test_eval_thresholds_fail_and_pass():
    dev = str(EXAMPLE.parents[2] / "shared" / "dev")
    assert invoke("eval", dev, "--min", "claims_f1=0.5").exit_code == 0
    failing = invoke("eval", dev, "--min", "claims_f1=1.01")
    assert failing.exit_code == 1
