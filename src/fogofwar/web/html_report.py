"""One self-contained HTML file: the map page with Leaflet, the basemap, the code and the data inlined.

The file opens from disk with no network: nothing is fetched, everything the page needs is in it.
Article text is hostile input: it goes in only as JSON inside ``<script type="application/json">``
with every ``<``, ``>`` and ``&`` escaped, so no article can close the script element or open a tag.
"""

from __future__ import annotations

import base64
import json
import re
from functools import lru_cache
from typing import Any

from fogofwar.web import STATIC
from fogofwar.web.views import story_details, story_summaries

_STYLES = re.compile(r"<!-- fogofwar:styles -->.*?<!-- /fogofwar:styles -->", re.S)
_SCRIPTS = re.compile(r"<!-- fogofwar:scripts -->.*?<!-- /fogofwar:scripts -->", re.S)
_CSS_IMAGE = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]+\.png)\1\)")


def json_for_script(value: Any) -> str:
    """JSON safe inside a <script> element: no '<', '>' or '&' survives, so nothing can end the element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _script_text(code: str) -> str:
    """Vendored or own JS inlined: a literal '</script' would end the element early; '<\\/' means the same in JS strings."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I)


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    leaflet = STATIC / "vendor" / "leaflet"

    def data_uri(match: re.Match[str]) -> str:
        png = (leaflet / "images" / match.group(2)).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(png).decode("ascii") + ")"

    basemap = {}
    for name in ("countries", "admin1"):
        path = STATIC / "basemap" / f"{name}.geojson"
        if path.exists():
            basemap[name] = json_for_script(json.loads(path.read_text(encoding="utf-8")))
    return {
        "index": (STATIC / "index.html").read_text(encoding="utf-8"),
        "leaflet_css": _CSS_IMAGE.sub(data_uri, (leaflet / "leaflet.css").read_text(encoding="utf-8")),
        "app_css": (STATIC / "app.css").read_text(encoding="utf-8"),
        "leaflet_js": _script_text((leaflet / "leaflet.js").read_text(encoding="utf-8")),
        "app_js": _script_text((STATIC / "app.js").read_text(encoding="utf-8")),
        **{f"basemap_{k}": v for k, v in basemap.items()},
    }


def report_data(document: dict[str, Any]) -> dict[str, Any]:
    """What the page reads in report mode: the story list and every story's panel."""
    return {"stories": story_summaries(document), "details": story_details(document)}


def to_html(document: dict[str, Any], tiles: str | None = None, attribution: str | None = None) -> str:
    """The analyst's map page for one fogofwar/v1 document, as a single self-contained HTML string.

    ``tiles`` is an optional XYZ tile URL template for readers who are online; by default the page
    draws only its built-in basemap.
    """
    assets = _assets()
    styles = ("<style>\n/* Leaflet 1.9.4, BSD-2-Clause */\n" + assets["leaflet_css"].replace("</", "<\\/") +
              "\n</style>\n<style>\n" + assets["app_css"].replace("</", "<\\/") + "\n</style>")
    blocks = [
        '<script type="application/json" id="fogofwar-config">'
        + json_for_script({"tiles": tiles, "attribution": attribution, "mode": "report"}) + "</script>",
        '<script type="application/json" id="fogofwar-data">' + json_for_script(report_data(document)) + "</script>",
    ]
    for name in ("countries", "admin1"):
        if f"basemap_{name}" in assets:
            blocks.append(f'<script type="application/json" id="fogofwar-basemap-{name}">'
                          + assets[f"basemap_{name}"] + "</script>")
    blocks.append("<script>\n/* Leaflet 1.9.4 (c) Volodymyr Agafonkin, CloudMade; BSD-2-Clause */\n"
                  + assets["leaflet_js"] + "\n</script>")
    blocks.append("<script>\n" + assets["app_js"] + "\n</script>")
    page = _STYLES.sub(lambda _: styles, assets["index"], count=1)
    page = _SCRIPTS.sub(lambda _: "\n".join(blocks), page, count=1)
    return page.replace("<title>fogofwar: map of stories</title>",
                        "<title>fogofwar report: map of stories</title>", 1)
