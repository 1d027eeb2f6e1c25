"""The shared name table: written beside the index, memory-mapped, rebuilt when damaged or stale, and giving
the same answers as SQLite."""

from __future__ import annotations

import sqlite3

import pytest

from gazetteer import Gazetteer, Kind, index, search, table
from gazetteer.sources import Record

_P, _A = Kind.POPULATED_PLACE, Kind.ADMIN1
RECORDS = [
    Record(id="t:1", name="Kharkiv", kind=_P, country="UA", admin1="Kharkiv Oblast", population=1_400_000,
           lat=49.99, lon=36.23, aliases=("Харків", "Kharkov", "Charkiw"), importance=0.4, source="test"),
    Record(id="t:2", name="Kharkiv Oblast", kind=_A, country="UA", admin1="Kharkiv Oblast", population=2_600_000,
           lat=49.5, lon=36.5, aliases=("Kharkiv", "Харківська область"), importance=0.5, source="test"),
    Record(id="t:3", name="Kharkovka", kind=_P, country="RU", population=700, lat=52.0, lon=40.0, source="test"),
    Record(id="t:4", name="Pisky", kind=_P, country="UA", admin1="Donetsk Oblast", population=300, lat=48.06,
           lon=37.65, aliases=("Піски",), source="test"),
    Record(id="t:5", name="Pisky", kind=_P, country="RU", population=1200, lat=51.0, lon=39.0, source="test"),
    Record(id="t:6", name="Hostomel Airport", kind=Kind.AIRFIELD, country="UA", lat=50.6, lon=30.2,
           aliases=("Antonov Airport", "Hostomel"), importance=0.3, source="test"),
    Record(id="t:7", name="Hostomel", kind=_P, country="UA", population=16_000, lat=50.57, lon=30.26,
           aliases=("Гостомель",), source="test"),
    Record(id="t:8", name="Besançon", kind=_P, country="FR", population=116_000, lat=47.24, lon=6.02,
           source="test"),
]
QUERIES = ["Kharkiv", "kharkov", "KHARKIV", "Харків", "Kharkiv Oblast", "Charkiw", "Kharkovka", "Kharkiw",
           "Pisky", "Піски", "Hostomel", "Hostomel airfield", "Besancon", "Besançon", "Nowhere", "Kharkiv, Ukraine"]


@pytest.fixture
def tiny(tmp_path):
    """A small but complete index (no table yet)."""
    path = tmp_path / "tiny.sqlite"
    con = index._new_db(path)
    index._insert_records(con, RECORDS, 1)
    con.executemany("INSERT INTO meta VALUES (?,?)", [("schema", index.SCHEMA_VERSION), ("kind", "full"),
                                                      ("fingerprint", "tiny-1")])
    con.execute("COMMIT")
    con.execute("INSERT INTO meta VALUES ('complete', '1')")
    con.close()
    return path


def _answers(g: Gazetteer) -> list:
    out = []
    for q in QUERIES:
        for opts in ({"fuzzy": False}, {}, {"country": "UA"}, {"near": (50.0, 36.0), "limit": 2},
                     {"kinds": [Kind.POPULATED_PLACE]}):
            r = g.lookup(q, **opts)
            out.append((q, sorted(opts), r.reason, [(c.place, c.score, c.match, c.matched_name, c.similarity)
                                                    for c in r.candidates]))
    return out


def test_the_table_gives_the_same_answers_as_sqlite(tiny):
    with Gazetteer(tiny) as from_sql, Gazetteer(tiny, write_table=True) as from_table:
        assert from_sql._table is None and from_table._table is not None
        assert table.table_path(tiny).is_file()
        assert _answers(from_table) == _answers(from_sql)
        assert from_table.lookup("Kharkiv").best.place.id == "t:1"
        assert from_table.lookup("Kharkiv Oblast").best.place.kind is Kind.ADMIN1
        assert from_table.lookup("Harkiv").best.place.id == "t:1"  # fuzzy still reads SQLite's buckets
        con = sqlite3.connect(tiny)
        for (key,) in con.execute("SELECT DISTINCT key FROM names"):
            assert sorted(from_table._table.rows(key)) == sorted(from_sql._rows.rows(key))
        con.close()
        assert from_table._table.rows("no such key") == ()


def test_an_index_opened_without_its_table_writes_it_after_many_lookups(tiny, monkeypatch):
    monkeypatch.setattr(search, "_TABLE_AFTER", 3)
    with Gazetteer.open(tiny) as g:
        for q in ("Kharkiv", "Pisky", "Hostomel"):
            assert g.lookup(q, fuzzy=False)
            assert g._table is None  # a few lookups do not wait for the table
        assert g.lookup("Besancon", fuzzy=False).best.place.name == "Besançon"
        assert g._table is not None and table.table_path(tiny).is_file()
    with Gazetteer.open(tiny) as again:  # written once, then simply mapped
        assert again._table is not None


@pytest.mark.parametrize("damage", ["truncate", "garbage", "zero"])
def test_a_damaged_table_is_rewritten(tiny, damage):
    Gazetteer(tiny, write_table=True).close()
    path = table.table_path(tiny)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"not a table" * 500, "zero": b""}[damage])
    with Gazetteer(tiny, write_table=True) as g:
        assert g._table is not None
        assert g.lookup("Kharkiv").best.place.id == "t:1"
    assert path.stat().st_size == len(data)


def test_the_table_of_a_rebuilt_index_is_not_used(tiny):
    Gazetteer(tiny, write_table=True).close()
    con = sqlite3.connect(tiny)
    con.execute("UPDATE places SET name = 'Renamed' WHERE id = 't:8'")
    con.execute("UPDATE meta SET value = 'tiny-2' WHERE key = 'fingerprint'")
    con.commit()
    con.close()
    with Gazetteer.open(tiny) as g:
        assert g._table is None  # stale: SQLite answers until the table is rewritten
        assert g.lookup("Besancon", fuzzy=False).best.place.name == "Renamed"
    with Gazetteer(tiny, write_table=True) as g:
        assert g.lookup("Besancon", fuzzy=False).best.place.name == "Renamed"


def test_a_table_that_cannot_be_written_falls_back_to_sqlite(tiny, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(table, "write", refuse)
    with Gazetteer(tiny, write_table=True) as g:
        assert g._table is None
        assert g.lookup("Kharkiv").best.place.id == "t:1"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "tiny.names" in err[0] and "read-only" in err[0]


def test_the_default_gazetteer_maps_its_table(gz):
    assert gz._table is not None
    assert gz._table.path == table.table_path(gz.path)
    assert gz.lookup("Kharkiv", fuzzy=False).best.place.country == "UA"
