"""docs/events.md is what `fogofwar lexicon-docs` writes from the data files."""

from pathlib import Path

from typer.testing import CliRunner

from fogofwar.cli import app
from fogofwar.lexicon import load

DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"


def test_events_doc_is_up_to_date():
    out = CliRunner().invoke(app, ["lexicon-docs"])
    assert out.exit_code == 0
    assert DOC.read_text(encoding="utf-8") == out.stdout, "run: fogofwar lexicon-docs > docs/events.md"


def test_events_doc_lists_every_mapping_and_actor():
    text = DOC.read_text(encoding="utf-8")
    mappings = load("event_mappings.json")
    for etype, acled in mappings["acled"].items():
        assert f"`{etype}`" in text and acled["sub_event_type"] in text
        assert mappings["plover"][etype] in text
    for actor in load("actors.json")["actors"]:
        assert f"`{actor['code']}`" in text
