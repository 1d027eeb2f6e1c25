"""Exports a user opens in other tools: GeoJSON (RFC 7946 contract), GeoPackage (QGIS), CSV (spreadsheets,
ACLED-style), PNG, the embed snippet; atomic and byte-identical across runs."""

from __future__ import annotations

import csv
import io
import json

import pyogrio
import pytest
import shapely
from shapely.geometry import shape

from geomap.export import (
    CSV_COLUMNS,
    csv_safe,
    events_csv,
    events_geojson,
    unresolved_csv,
    write_all,
    write_gpkg,
)
from tests.factories import CSV_FORMULA, XSS_IMG, XSS_SCRIPT, sample_events, sample_unresolved

CONTRACT = {"event_type", "title", "date", "date_precision", "places", "geo_precision", "uncertainty_m", "status",
            "claimed_by", "phase", "units", "sources"}


@pytest.fixture(scope="module")
def events():
    return sample_events()


def test_geojson_follows_the_contract(events):
    fc = json.loads(events_geojson(events))
    assert fc["type"] == "FeatureCollection"
    feats = fc["features"]
    assert [f["id"] for f in feats] == sorted(e.id for e in events)
    for f in feats:
        assert CONTRACT <= set(f["properties"])
        assert {"marker-color"} <= set(f["properties"]) or {"stroke"} <= set(f["properties"])
        g = shape(f["geometry"])
        assert g.is_valid and not g.is_empty
        w, s, e, n = g.bounds
        assert -180 <= w <= e <= 180 and -90 <= s <= n <= 90
        for src in f["properties"]["sources"]:
            assert {"report", "start", "end", "quote"} <= set(src)


def test_geojson_coordinates_have_at_most_six_decimals_and_ccw_rings(events):
    fc = json.loads(events_geojson(events))
    for f in fc["features"]:
        coords = shapely.get_coordinates(shape(f["geometry"]))
        assert (abs(coords * 1e6 - (coords * 1e6).round()) < 1e-3).all()
        g = shape(f["geometry"])
        if g.geom_type == "Polygon":
            assert g.exterior.is_ccw


def test_gpkg_has_one_layer_per_geometry_kind(events, tmp_path):
    path = write_gpkg(events, tmp_path / "events.gpkg")
    layers = dict(pyogrio.list_layers(path))
    assert {"points", "lines"} <= set(layers)
    assert "arrowheads" in layers  # axes carry their arrowheads as geometry
    assert layers["lines"] == "MultiLineString"
    n = sum(len(pyogrio.read_dataframe(path, layer=k)) for k in ("points", "lines", "areas") if k in layers)
    assert n == len(events)


def test_csv_has_acled_columns_and_neutralises_formulas(events):
    rows = list(csv.DictReader(io.StringIO(events_csv(events))))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == len(events)
    for r in rows:
        for k in ("location", "claimed_by", "notes", "source", "units"):
            assert not r[k].startswith(("=", "+", "-", "@"))
        float(r["latitude"]), float(r["longitude"])
    assert csv_safe(CSV_FORMULA).startswith("'=")
    assert csv_safe("-1+2") == "'-1+2" and csv_safe("Kyiv") == "Kyiv"


def test_unresolved_csv_is_sorted_and_safe():
    text = unresolved_csv(sample_unresolved())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and list(rows[0]) == ["report", "start", "end", "text", "reason"]
    assert [(r["report"], int(r["start"])) for r in rows] == sorted((r["report"], int(r["start"])) for r in rows)


def test_write_all_writes_every_file_deterministically(events, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    pa = write_all(events, a, unresolved=sample_unresolved())
    pb = write_all(list(reversed(events)), b, unresolved=sample_unresolved())
    names = [p.name for p in pa]
    assert names == ["events.geojson", "events.gpkg", "events.csv", "unresolved.csv", "map.html",
                     "map_embed.html", "map.png"]
    for x, y in zip(pa, pb):
        assert x.read_bytes() == y.read_bytes(), f"{x.name} differs between two runs"
    assert not [p for p in a.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_hostile_text_is_escaped_in_html_and_embed(events, tmp_path):
    write_all(events, tmp_path, png=False)
    page = (tmp_path / "map.html").read_text()
    assert XSS_IMG not in page and XSS_SCRIPT not in page
    embed = (tmp_path / "map_embed.html").read_text()
    assert '<iframe src="map.html"' in embed and "sandbox=" in embed


def test_a_failed_write_keeps_the_previous_outputs(events, tmp_path, monkeypatch):
    write_all(events, tmp_path, png=False)
    before = (tmp_path / "events.csv").read_bytes()
    import geomap.export as ex

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ex, "_csv_row", boom)
    with pytest.raises(RuntimeError):
        write_all(events[:1], tmp_path, png=False)
    assert (tmp_path / "events.csv").read_bytes() == before


class _Stream:
    """A re-iterable stream sorted by id, as a corpus run hands its merged events to the exports."""

    def __init__(self, events):
        self._events = sorted(events, key=lambda e: e.id)

    def __iter__(self):
        return iter(self._events)


def test_streamed_events_give_the_same_files(events, tmp_path):
    """Events streamed from disk (not a list) give byte-identical files; the GeoPackage written a few events
    at a time holds the same features."""
    from geomap.export import write_csv, write_geojson

    write_geojson(_Stream(events), tmp_path / "s.geojson")
    assert (tmp_path / "s.geojson").read_text(encoding="utf-8") == events_geojson(events)
    assert json.loads(events_geojson([])) == {"type": "FeatureCollection", "features": []}
    assert events_geojson(_Stream([])) == events_geojson([])
    write_csv(_Stream(events), tmp_path / "s.csv")
    assert (tmp_path / "s.csv").read_text(encoding="utf-8") == events_csv(events)
    write_gpkg(events, tmp_path / "a.gpkg")
    write_gpkg(_Stream(events), tmp_path / "b.gpkg", chunk=2)
    for layer, _ in pyogrio.list_layers(tmp_path / "a.gpkg"):
        a = pyogrio.read_dataframe(tmp_path / "a.gpkg", layer=layer)
        b = pyogrio.read_dataframe(tmp_path / "b.gpkg", layer=layer)
        key = ["event_id", "layer"]
        a, b = a.sort_values(key, kind="stable").reset_index(drop=True), b.sort_values(key, kind="stable").reset_index(drop=True)
        assert a.drop(columns="geometry").equals(b.drop(columns="geometry"))
        assert list(a.geometry.to_wkb()) == list(b.geometry.to_wkb())


def test_a_stream_out_of_id_order_or_with_a_repeated_id_is_refused(events, tmp_path):
    from geomap.export import write_geojson

    backwards = sorted(events, key=lambda e: e.id, reverse=True)
    with pytest.raises(ValueError, match="out of id order"):
        write_geojson(iter(backwards), tmp_path / "x.geojson")
    with pytest.raises(ValueError, match="share an id"):
        write_geojson(iter([events[0], events[0]]), tmp_path / "x.geojson")
    assert not (tmp_path / "x.geojson").exists()
