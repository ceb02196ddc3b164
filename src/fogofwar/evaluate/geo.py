"""Geoparsing benchmark on corpora in the LGL XML format (Gritta et al. 2019).

Format::

    <articles><article docid="..."><text>...</text>
      <toponyms><toponym><start/><end/><phrase/>
        <gaztag geonameid="..."><lat/><lon/>...</gaztag>   (optional)
      </toponym>...</toponyms></article>...</articles>

Scores:

* recognition: ``extract_places`` against the gold spans; a prediction matches a
  gold toponym when their character spans overlap (P = predictions overlapping
  some gold toponym / predictions, R = gold toponyms overlapped by some
  prediction / gold toponyms);
* resolution of the gold mentions (the usual LGL protocol): every gold span is
  resolved in the context of its whole article (:func:`resolve_gold_mentions`),
  scored over the gold toponyms that have coordinates: acc@161, acc@25, median
  and mean error in km.  An unresolved mention is a miss with an error of
  ``MISS_KM`` = 20,039 km (half the Earth's circumference, the largest
  possible error), so the mean stays finite;
* baselines over the same gazetteer: the most populous candidate of the gold
  phrase, and geotext (recognition only; each city/country it finds is
  resolved to its most populous gazetteer candidate and scored end to end:
  a gold toponym gets the coordinates of an overlapping geotext prediction).
"""

from __future__ import annotations

import json
import re
import statistics
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from spacy.tokens import Doc

from fogofwar.places.gazetteer import KIND_RANK, Candidate, Gazetteer, haversine_km

MISS_KM = 20039.0


@dataclass
class GoldToponym:
    start: int
    end: int
    phrase: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None

    @property
    def has_coords(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GeoDoc:
    docid: str
    text: str
    toponyms: list[GoldToponym] = field(default_factory=list)
    title: str = ""


@dataclass
class Guess:
    """A predicted location for one gold toponym (None fields when unresolved)."""

    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def of(cls, c: Candidate | None) -> "Guess":
        if c is None or c.lat is None:
            return cls(c.public_id if c else None)
        return cls(c.public_id, c.lat, c.lon)


def _num(el: ET.Element | None, tag: str, cast: Callable[[str], Any]) -> Any:
    if el is None:
        return None
    sub = el.find(tag)
    if sub is None or sub.text is None or not sub.text.strip():
        return None
    try:
        return cast(sub.text.strip())
    except ValueError:
        return None


ALIGN_WINDOW = 10  # characters either side searched for a phrase its offsets miss


def align_span(text: str, start: int, end: int, phrase: str) -> tuple[int, int]:
    """The offsets of ``phrase`` nearest to ``start`` when the given ones do not hold it.

    Corpora in this format carry a few offsets shifted by a character or two (TR-News:
    a character the annotation tool counted differently earlier in the article), which
    would hand the resolver "Etobicok" for "Etobicoke". The nearest occurrence within
    ``ALIGN_WINDOW`` characters is used; otherwise the offsets are kept as they are.
    """
    if not phrase or text[start:end] == phrase:
        return start, end
    lo = max(0, start - ALIGN_WINDOW)
    window = text[lo:end + ALIGN_WINDOW + len(phrase)]
    hits = [lo + i for i in range(len(window)) if window.startswith(phrase, i)]
    if not hits:
        return start, end
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(phrase)


def read_corpus(path: str | Path) -> list[GeoDoc]:
    """All articles of an LGL-format XML file, in file order."""
    root = ET.parse(str(path)).getroot()
    docs: list[GeoDoc] = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        doc = GeoDoc(docid=art.get("docid") or str(len(docs)), text=text, title=art.findtext("title") or "")
        tops = art.find("toponyms")
        for t in (tops.findall("toponym") if tops is not None else []):
            start, end = _num(t, "start", int), _num(t, "end", int)
            if start is None or end is None:
                continue
            phrase = t.findtext("phrase") or text[start:end]
            start, end = align_span(text, start, end, phrase)
            g = t.find("gaztag")
            gid = None
            if g is not None and (g.get("geonameid") or "").strip().lstrip("-").isdigit():
                gid = int(g.get("geonameid"))
            doc.toponyms.append(GoldToponym(start, end, phrase, gid, _num(g, "lat", float), _num(g, "lon", float)))
        docs.append(doc)
    return docs


# --------------------------------------------------------------------------- systems


def resolve_gold_mentions(doc: GeoDoc, gazetteer: Gazetteer, nlp: Any = None,
                          parsed: Doc | None = None, context: list | None = None) -> list[Guess]:
    """fogofwar's location for every gold toponym of ``doc``, in the context of the whole article."""
    from fogofwar.places.resolve import resolve_spans

    if parsed is None:
        if nlp is None:
            from fogofwar.nlp import load_nlp

            nlp = load_nlp()
        parsed = nlp(doc.text)
    spans = [(t.start, t.end) for t in doc.toponyms]
    return [Guess.of(r.candidate) for r in resolve_spans(parsed, spans, gazetteer, context=context)]


def most_populous(name: str, gazetteer: Gazetteer) -> Candidate | None:
    """The most populous gazetteer entry for a name (ties: kind rank, geonameid)."""
    cands = list(gazetteer.candidates(name)) or list(gazetteer.admin_candidates(name))
    cands = [c for c in cands if c.lat is not None]
    if not cands:
        return None
    return min(cands, key=lambda c: (-c.population, KIND_RANK.get(c.kind, 9), c.geonameid))


def baseline_gold_mentions(doc: GeoDoc, gazetteer: Gazetteer) -> list[Guess]:
    return [Guess.of(most_populous(t.phrase, gazetteer)) for t in doc.toponyms]


def geotext_available() -> bool:
    try:
        import geotext  # noqa: F401
    except Exception:
        return False
    return True


def geotext_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans of the cities and countries geotext finds (every whole-word occurrence of each name)."""
    from geotext import GeoText

    g = GeoText(text)
    names = sorted(set(g.cities) | set(g.countries), key=len, reverse=True)
    taken = [False] * len(text)
    out = []
    for n in names:
        for mt in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text):
            s, e = mt.span()
            if any(taken[s:e]):
                continue
            for k in range(s, e):
                taken[k] = True
            out.append((s, e, n))
    out.sort()
    return out


# --------------------------------------------------------------------------- scoring


@dataclass
class Scores:
    """Accumulates recognition and resolution counts for one system."""

    name: str
    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0
    errors: list[float] = field(default_factory=list)
    resolves: bool = True
    recognises: bool = True

    def add_recognition(self, pred: Iterable[tuple[int, int]], gold: list[GoldToponym]) -> None:
        pred = list(pred)
        self.n_pred += len(pred)
        self.n_gold += len(gold)
        self.tp_pred += sum(1 for s, e in pred if any(s < t.end and t.start < e for t in gold))
        self.tp_gold += sum(1 for t in gold if any(s < t.end and t.start < e for s, e in pred))

    def add_resolution(self, gold: list[GoldToponym], guesses: list[Guess]) -> None:
        for t, g in zip(gold, guesses):
            if not t.has_coords:
                continue
            if g is None or g.lat is None:
                self.errors.append(MISS_KM)
            else:
                self.errors.append(haversine_km(t.lat, t.lon, g.lat, g.lon))

    def metrics(self) -> dict[str, Any]:
        out: dict[str, Any] = {"system": self.name}
        if self.recognises:
            p = self.tp_pred / self.n_pred if self.n_pred else 0.0
            r = self.tp_gold / self.n_gold if self.n_gold else 0.0
            out.update(precision=p, recall=r, f1=2 * p * r / (p + r) if p + r else 0.0,
                       predicted=self.n_pred, gold=self.n_gold)
        if self.resolves:
            n = len(self.errors)
            out.update(
                acc161=sum(e <= 161 for e in self.errors) / n if n else None,
                acc25=sum(e <= 25 for e in self.errors) / n if n else None,
                median_km=statistics.median(self.errors) if n else None,
                mean_km=statistics.fmean(self.errors) if n else None,
                unresolved=sum(e >= MISS_KM for e in self.errors),
                scored=n,
            )
        return out


def evaluate(docs: list[GeoDoc], gazetteer: Gazetteer, parsed: Iterable[Doc],
             predictions: Any = None, use_geotext: bool | None = None) -> dict[str, Any]:
    """Score fogofwar, the most-populous baseline and geotext on ``docs``.

    ``parsed`` yields the spaCy doc of each text, in order (e.g. ``nlp.pipe``).
    ``predictions``: a text file handle; one JSON line per gold toponym is written.
    """
    from fogofwar.places import analyse, extract_places

    if use_geotext is None:
        use_geotext = geotext_available()
    fog = Scores("fogofwar")  # recognition end to end + resolution of gold spans
    fog_e2e = Scores("fogofwar end-to-end", recognises=False)
    base = Scores("most populous", recognises=False)
    geo = Scores("geotext + most populous") if use_geotext else None
    for doc, pdoc in zip(docs, parsed):
        gold = doc.toponyms
        places = extract_places(pdoc, gazetteer)
        fog.add_recognition(((p.start, p.end) for p in places), gold)
        fog_e2e.add_resolution(gold, [_overlapping(t, [(p.start, p.end, Guess(p.geonameid, p.lat, p.lon))
                                                        for p in places]) for t in gold])
        guesses = resolve_gold_mentions(doc, gazetteer, parsed=pdoc, context=analyse(pdoc, gazetteer))
        fog.add_resolution(gold, guesses)
        base.add_resolution(gold, baseline_gold_mentions(doc, gazetteer))
        if geo is not None:
            spans = geotext_spans(doc.text)
            geo.add_recognition(((s, e) for s, e, _ in spans), gold)
            found = [(s, e, Guess.of(most_populous(n, gazetteer))) for s, e, n in spans]
            geo.add_resolution(gold, [_overlapping(t, found) for t in gold])
        if predictions is not None:
            for t, g in zip(gold, guesses):
                predictions.write(json.dumps({"docid": doc.docid, "start": t.start, "end": t.end,
                                              "phrase": t.phrase, "geonameid": g.geonameid,
                                              "lat": g.lat, "lon": g.lon}) + "\n")
    systems = [fog.metrics(), fog_e2e.metrics(), base.metrics()]
    if geo is not None:
        systems.append(geo.metrics())
    n_top = sum(len(d.toponyms) for d in docs)
    return {
        "documents": len(docs),
        "toponyms": n_top,
        "toponyms_with_coordinates": sum(t.has_coords for d in docs for t in d.toponyms),
        "miss_km": MISS_KM,
        "geotext": use_geotext,
        "systems": systems,
    }


def _overlapping(t: GoldToponym, preds: list[tuple[int, int, Guess]]) -> Guess | None:
    for s, e, g in preds:
        if s < t.end and t.start < e:
            return g
    return None
