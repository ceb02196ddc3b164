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


def test_get_and_lookup_speed(gaz):
    import time

    c = gaz.get(712926)
    assert c is not None and c.name == "Balakliya"
    assert gaz.get(1) is None
    gaz.candidates("Kramatorsk")
    t = time.perf_counter()
    for _ in range(1000):
        gaz.candidates("Kramatorsk")
    assert (time.perf_counter() - t) / 1000 < 50e-6  # cached lookups: microseconds


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
def test_build_is_atomic_and_fast(tmp_path: Path):
    import time

    t = time.time()
    out = build(tmp_path / "g.sqlite")
    assert time.time() - t < 60
    assert out.exists() and not list(tmp_path.glob("*.tmp"))
    assert Gazetteer(out).candidates("Izyum")
