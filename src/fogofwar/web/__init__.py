"""The analyst's map page: views over a fogofwar/v1 document, the static page, the HTML report."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
