"""Where the shipped model lives (importable without spaCy, for the CLI's defaults)."""

from pathlib import Path

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "data" / "models" / "attribution" / "polnear-crf.json.gz"
