"""Renderings of a result: Markdown report, GeoJSON, ACLED-like CSV, and the terminal summary.

All of them read the contract document (``Result.to_dict()``), so that
whatever is rendered is exactly what the JSON says.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

STATUS_MARK = {"corroborated": "✔✔", "confirmed": "✔", "claimed": "?", "unverified": "??", "disputed": "✖"}
CSV_COLUMNS = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "country", "admin1",
               "location", "latitude", "longitude", "geo_precision", "time_precision", "source", "source_scale",
               "notes", "fogofwar_type", "actor_side", "certainty", "article"]
GEO_PRECISION = {"city": 1, "village": 1, "feature": 1, "admin2": 2, "admin1": 2, "region": 3, "country": 3}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}


def _index(article: dict[str, Any]) -> tuple[dict, dict, dict]:
    return ({p["id"]: p for p in article["places"]}, {s["id"]: s for s in article["sources"]},
            {c["id"]: c for c in article["claims"]})


def event_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """One flat row per event, with its place and sources resolved."""
    rows = []
    for a in document["articles"]:
        places, sources, claims = _index(a)
        for e in a["events"]:
            place = places.get(e["place"]) if e["place"] else None
            srcs = []
            certainties = []
            for cid in e["claims"]:
                c = claims.get(cid)
                if c:
                    s = sources.get(c["source"])
                    if s:
                        srcs.append(s)
                        certainties.append(c["certainty"])
            rows.append({"article": a, "event": e, "place": place, "sources": srcs, "certainties": certainties,
                         "sentence": a["text"][e["start"]:e["end"]]})
    return rows


def _rows_by_article(document: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """Event rows keyed by the identity of their article dict (ids need not be unique)."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for r in event_rows(document):
        grouped.setdefault(id(r["article"]), []).append(r)
    return grouped


def _place_label(place: dict[str, Any] | None) -> str:
    if not place:
        return "(no place)"
    name = place.get("name") or place["mention"]
    extra = [x for x in (place.get("admin1"), place.get("country")) if x and x != name]
    coords = f" ({place['lat']:.2f}, {place['lon']:.2f})" if place.get("lat") is not None else ""
    return f"{name}{', ' + ', '.join(extra) if extra else ''}{coords}"


def _sources_label(sources: list[dict[str, Any]], certainties: list[str]) -> str:
    if not sources:
        return "unattributed"
    return "; ".join(f"{s['name']} ({s['kind']}, {s['side'] or 'side unknown'}, {c})" for s, c in zip(sources, certainties))


def to_markdown(document: dict[str, Any]) -> str:
    out = ["# fogofwar report", ""]
    n_events = sum(len(a["events"]) for a in document["articles"])
    out.append(f"{len(document['articles'])} article(s), {n_events} event(s), {len(document['stories'])} story(ies), "
               f"{len(document['errors'])} input error(s).")
    out.append("")
    if document["stories"]:
        out += ["## Stories", "", "| status | type | place | by | dates | sources | reports | why |",
                "|---|---|---|---|---|---|---|---|"]
        for s in document["stories"]:
            place = s["place"] or {}
            dates = s["first_date"] or "date unknown"
            if s["last_date"] and s["last_date"] != s["first_date"]:
                dates += f" – {s['last_date']}"
            srcs = ", ".join(f"{x['name']} ({x['side'] or '?'}, {x['certainty']})" for x in s["sources"]) or "none"
            n_articles = s.get("n_articles", len(s.get("articles") or []))
            reports = f"{s.get('n_reports', n_articles)} independent of {n_articles} article(s)"
            if s.get("relays"):
                reports += f"; relayed by {', '.join(s['relays'])}"
            out.append(f"| {s['status']} | {s['type']} | {_place_label(place)} | {s['actor_side'] or '?'} | "
                       f"{dates} | {srcs} | {reports} | {s.get('reason') or ''} |")
        out.append("")
        copies = [(s, c) for s in document["stories"] for c in s.get("copies", [])]
        if copies:
            out += ["### Copied reports (counted once)", ""]
            seen = set()
            for _, c in copies:
                key = (c["article"], c["copy_of"])
                if key not in seen:
                    seen.add(key)
                    out.append(f"- {c['article']} repeats {c['copy_of']} (similarity {c['similarity']:.2f})")
            out.append("")
        disagreements = [(s, c) for s in document["stories"] for c in s.get("contradictions", [])]
        if disagreements:
            out += ["### Where the reports disagree", ""]
            out += [f"- {s['type']} at {(s['place'] or {}).get('name')}: {c}" for s, c in disagreements]
            out.append("")
    if document["ledgers"]:
        out += ["## Control ledger", ""]
        for ledger in document["ledgers"]:
            head = f"- **{ledger['place']['name']}**"
            if ledger.get("holder"):
                head += f": held by {ledger['holder']} since {ledger.get('since') or 'date unknown'}"
                if ledger.get("contested"):
                    head += " (a later change is claimed but disputed)"
            elif ledger.get("contested"):
                head += ": contested (every change is disputed)"
            out.append(head)
            for e in ledger["entries"]:
                line = (f"  - {e['date'] or 'date unknown'}: {e['previous'] or '?'} → {e['holder'] or '?'} "
                        f"({e['status']}{': ' + e['reason'] if e.get('reason') else ''})")
                if e.get("according_to"):
                    line += f"; according to {', '.join(e['according_to'])}"
                out.append(line)
        out.append("")
    rows_by_article = _rows_by_article(document)
    for a in document["articles"]:
        title = a["title"] or a["id"]
        out += [f"## {title}", "", f"{a['outlet'] or 'outlet unknown'}, published {a['published'] or 'unknown'}", ""]
        rows = rows_by_article.get(id(a), [])
        if rows:
            out += ["| event | place | by | date | sources |", "|---|---|---|---|---|"]
            for r in rows:
                e = r["event"]
                mode = "" if e["modality"] == "asserted" else f" ({e['modality']})"
                out.append(f"| {e['type']}{mode}: “{e['trigger']}” | {_place_label(r['place'])} | "
                           f"{e['actor_side'] or '?'} | {e['date'] or ''} | {_sources_label(r['sources'], r['certainties'])} |")
            out.append("")
    if document["errors"]:
        out += ["## Input errors", ""]
        out += [f"- {e['file']}{':' + str(e['line']) if e['line'] else ''}: {e['reason']}" for e in document["errors"]]
        out.append("")
    return "\n".join(out)


def to_geojson(document: dict[str, Any], per_event: bool = False) -> dict[str, Any]:
    features = []
    if per_event:
        for r in event_rows(document):
            p = r["place"]
            if not p or p.get("lat") is None:
                continue
            e = r["event"]
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                             "properties": {"id": f"{r['article']['id']}:{e['id']}", "type": e["type"],
                                            "place": p.get("name") or p["mention"], "actor_side": e["actor_side"],
                                            "date": e["date"], "trigger": e["trigger"],
                                            "sources": [s["name"] for s in r["sources"]]}})
    else:
        for s in document["stories"]:
            p = s["place"]
            if not p or p.get("lat") is None:
                continue
            props = {k: v for k, v in s.items() if k != "place"}
            props["place"] = p["name"]
            props["geonameid"] = p["geonameid"]
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                             "properties": props})
    return {"type": "FeatureCollection", "features": features}


def to_csv(document: dict[str, Any]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for i, r in enumerate(event_rows(document), start=1):
        e, p, a = r["event"], r["place"], r["article"]
        writer.writerow({
            "event_id_cnty": f"{(p or {}).get('country') or 'XX'}{i}",
            "event_date": e["date"] or a["published"] or "",
            "event_type": (e["acled"] or {}).get("event_type", ""),
            "sub_event_type": (e["acled"] or {}).get("sub_event_type", ""),
            "actor1": e["actor"] or "", "country": (p or {}).get("country") or "",
            "admin1": (p or {}).get("admin1") or "", "location": (p or {}).get("name") or (p or {}).get("mention") or "",
            "latitude": (p or {}).get("lat") if p else "", "longitude": (p or {}).get("lon") if p else "",
            "geo_precision": GEO_PRECISION.get((p or {}).get("kind"), "") if p else "",
            "time_precision": TIME_PRECISION.get(e["date_precision"], 3) if e["date"] else 3,
            "source": "; ".join(s["name"] for s in r["sources"]) or (a["outlet"] or ""),
            "source_scale": "; ".join(sorted({s["kind"] for s in r["sources"]})),
            "notes": r["sentence"], "fogofwar_type": e["type"], "actor_side": e["actor_side"] or "",
            "certainty": "; ".join(r["certainties"]), "article": a["id"],
        })
    return buf.getvalue()


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def print_summary(document: dict[str, Any], console) -> None:
    """The readable report on a terminal: stories, then events per article, then errors."""
    from rich.table import Table

    if document["stories"]:
        table = Table(title="Stories (one real-world event across reports)", show_lines=False)
        for col in ("status", "type", "place", "by", "date", "sources"):
            table.add_column(col)
        for s in document["stories"]:
            place = s["place"] or {}
            srcs = ", ".join(f"{x['name']} ({x['side'] or '?'}, {x['certainty']})" for x in s["sources"]) or "none"
            table.add_row(f"{STATUS_MARK[s['status']]} {s['status']}", s["type"], str(place.get("name")),
                          s["actor_side"] or "?", s["first_date"] or "", srcs)
        console.print(table)
        for s in document["stories"]:
            for c in s.get("contradictions", []):
                console.print(f"[magenta]disagreement[/magenta] {s['type']} at {(s['place'] or {}).get('name')}: {c}")
    for ledger in document["ledgers"]:
        entries = "; ".join(f"{e['date'] or '?'}: {e['previous'] or '?'} → {e['holder'] or '?'} ({e['status']})"
                            for e in ledger["entries"])
        console.print(f"[bold]ledger[/bold] {ledger['place']['name']}: {entries}")
    rows_by_article = _rows_by_article(document)
    for a in document["articles"]:
        table = Table(title=f"{a['title'] or a['id']} — {a['outlet'] or 'outlet unknown'}, {a['published'] or 'date unknown'}")
        for col in ("event", "place", "by", "date", "sources (kind, side, certainty)"):
            table.add_column(col, overflow="fold")
        for r in rows_by_article.get(id(a), []):
            e = r["event"]
            mode = "" if e["modality"] == "asserted" else f" ({e['modality']})"
            table.add_row(f"{e['type']}{mode}: {e['trigger']}", _place_label(r["place"]), e["actor_side"] or "?",
                          e["date"] or "", _sources_label(r["sources"], r["certainties"]))
        console.print(table)
    for e in document["errors"]:
        console.print(f"[red]error[/red] {e['file']}{':' + str(e['line']) if e['line'] else ''}: {e['reason']}")
