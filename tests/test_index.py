"""The cached index: damaged or stale files are rebuilt, curated rows load (bad ones are skipped loudly)."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from gazetteer import Gazetteer, Kind
from gazetteer.index import BASE_NAME, INDEX_NAME, GazetteerIndexError, ensure_index, is_current

CURATED = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[30.0, 51.0], [31.0, 51.5]]},
         "properties": {"id": "test-river", "name": "Testova River", "kind": "river", "country": "UA",
                        "aliases": ["Тестова"], "importance": 0.5, "source": "unit test"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [30.5, 50.5]},
         "properties": {"id": "bad-kind", "name": "Broken", "kind": "spaceport", "source": "unit test"}},
        {"type": "Feature", "geometry": None,
         "properties": {"id": "no-geom", "name": "Nowhere", "kind": "bridge", "source": "unit test"}},
    ],
}


@pytest.fixture(scope="module")
def workdir(gz, tmp_path_factory):
    """A private cache holding a copy of the machine's base index and a small curated folder."""
    d = tmp_path_factory.mktemp("gzcache")
    shutil.copyfile(gz.path.with_name(BASE_NAME), d / BASE_NAME)
    cur = d / "curated"
    cur.mkdir()
    (cur / "test.geojson").write_text(json.dumps(CURATED), encoding="utf-8")
    (cur / "broken.geojson").write_text("{not json", encoding="utf-8")
    return d


def test_build_from_curated_skips_bad_rows_with_a_message(workdir, capsys):
    path = ensure_index(workdir / INDEX_NAME, curated_dir=workdir / "curated", progress=False)
    err = capsys.readouterr().err
    assert "bad-kind" in err or "feature 1" in err
    assert "feature 2" in err and "broken.geojson" in err
    with Gazetteer.open(path) as g:
        r = g.lookup("Testova River")
        assert r.best.place.id == "cur:test-river" and r.best.place.kind is Kind.RIVER
        assert r.best.place.geometry.geom_type == "LineString"
        assert g.lookup("Тестова").best.place.id == "cur:test-river"
        with pytest.raises(KeyError):
            g.get("cur:bad-kind")


def test_damaged_index_is_detected_and_rebuilt(workdir):
    path = ensure_index(workdir / INDEX_NAME, curated_dir=workdir / "curated", progress=False)
    with open(path, "r+b") as f:  # truncate: a crash or a full disk
        f.truncate(path.stat().st_size // 2)
    with pytest.raises(GazetteerIndexError, match="not a complete"):
        Gazetteer.open(path)
    ensure_index(path, curated_dir=workdir / "curated", progress=False)
    with Gazetteer.open(path) as g:
        assert g.lookup("Kyiv").best.place.country == "UA"


def test_a_file_that_is_not_an_index_is_refused(tmp_path):
    bad = tmp_path / INDEX_NAME
    bad.write_bytes(b"garbage" * 1000)  # not a database at all
    assert not is_current(bad, "anything")
    with pytest.raises(GazetteerIndexError, match="not a complete"):
        Gazetteer.open(bad)
    with pytest.raises(GazetteerIndexError):
        Gazetteer.open(tmp_path / "missing.sqlite")


def test_stale_index_is_rebuilt(workdir):
    path = ensure_index(workdir / INDEX_NAME, curated_dir=workdir / "curated", progress=False)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = 'old' WHERE key = 'fingerprint'")
    con.commit()
    con.close()
    fresh = ensure_index(path, curated_dir=workdir / "curated", progress=False)
    con = sqlite3.connect(fresh)
    assert con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()[0] != "old"
    con.close()


def test_curated_edit_invalidates_only_the_top_layer(workdir):
    path = ensure_index(workdir / INDEX_NAME, curated_dir=workdir / "curated", progress=False)
    base_before = (workdir / BASE_NAME).stat().st_mtime_ns
    extra = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [36.0, 49.0]},
         "properties": {"id": "test-bridge", "name": "Testovyi Bridge", "kind": "bridge", "source": "unit test"}}]}
    (workdir / "curated" / "extra.geojson").write_text(json.dumps(extra), encoding="utf-8")
    ensure_index(path, curated_dir=workdir / "curated", progress=False)
    assert (workdir / BASE_NAME).stat().st_mtime_ns == base_before
    with Gazetteer.open(path) as g:
        assert g.lookup("Testovyi bridge").best.place.kind is Kind.BRIDGE
    (workdir / "curated" / "extra.geojson").unlink()


def test_the_default_index_is_current(gz):
    from gazetteer.index import base_fingerprint

    assert is_current(gz.path.with_name(BASE_NAME), base_fingerprint())
    assert gz.meta["schema"] and int(gz.meta["curated"]) >= 0


def test_index_covers_all_geonames_places_and_countries(gz):
    con = sqlite3.connect(f"file:{gz.path}?mode=ro", uri=True)
    n_gn = con.execute("SELECT count(*) FROM places WHERE id LIKE 'gn:%' AND kind = 'populated_place'").fetchone()[0]
    n_ne0 = con.execute("SELECT count(*) FROM places WHERE kind = 'country'").fetchone()[0]
    n_ne1 = con.execute("SELECT count(*) FROM places WHERE kind = 'admin1'").fetchone()[0]
    con.close()
    assert n_gn == 234_908
    assert n_ne0 >= 230 and n_ne1 >= 3000
