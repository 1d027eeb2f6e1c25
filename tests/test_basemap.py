"""The offline basemap: gazetteer features clipped, simplified and sorted for the map of some events."""

from __future__ import annotations

import pytest

from geomap.basemap import Basemap, build_basemap, padded_bbox
from geomap.layers import events_bounds
from tests.factories import FakeGazetteer, fake_basemap, sample_events


def test_basemap_covers_the_events_and_stays_inside_its_area():
    bm = fake_basemap()
    w, s, e, n = events_bounds(sample_events())
    assert bm.bbox[0] <= w and bm.bbox[1] <= s and bm.bbox[2] >= e and bm.bbox[3] >= n
    assert not bm.is_empty
    for g in Basemap.GROUPS:
        for f in getattr(bm, g):
            fw, fs, fe, fn = f.geometry.bounds
            assert fw >= bm.bbox[0] - 1e-9 and fe <= bm.bbox[2] + 1e-9 and fs >= bm.bbox[1] - 1e-9 and fn <= bm.bbox[3] + 1e-9


def test_basemap_geojson_is_compact_and_deterministic():
    a, b = fake_basemap().to_geojson(), fake_basemap().to_geojson()
    assert a == b
    assert set(a) == set(Basemap.GROUPS)
    for fc in a.values():
        for feat in fc["features"]:
            assert set(feat["properties"]) == {"name", "kind"}


def test_padded_bbox_stays_on_the_globe_and_bad_bbox_is_refused():
    assert padded_bbox((-179.5, -84.9, 179.5, 84.9)) == (-180.0, -85.0, 180.0, 85.0)
    with pytest.raises(ValueError, match="bad bbox"):
        build_basemap(FakeGazetteer(), (10.0, 0.0, 0.0, 1.0))
