"""Relative locations as geometry, checked against geography computed from the world gazetteer itself
(borders, rivers, country polygons), never against coordinates typed into the test."""

from datetime import date

import pytest
from shapely.geometry import Point

from gazetteer import Kind
from geomap.detect import detect
from geomap.where import DISTANCE_CONFLICT, Locator, bearing_of, geodesic_m, offset, parse_distance

from tests.geodesy import km_to, max_km_from

REF = date(2022, 2, 17)


@pytest.fixture(scope="module")
def loc(gz):
    return Locator(gz)


def located(text, gz, loc):
    from geomap.run import _mentions
    from geomap.reports import Report

    report = Report(id="t", text=text)
    out = []
    for det in detect(text, _mentions(report, gz), REF):
        placed, _ = loc.locate(det, text)
        out.extend((det, p) for p in placed)
    return out


@pytest.mark.parametrize(
    "text, metres, qual",
    [
        ("16km north-east of Luhansk", 16000, ""),
        ("less than four miles from the border", 4 * 1609.344, "less than"),
        ("25 kilometers (about 15.5 miles) from Ukraine's border", 25000, ""),
        ("within 50 kilometres of the border", 50000, "within"),
        ("some 120 km away", 120000, "some"),
    ],
)
def test_parse_distance(text, metres, qual):
    got = parse_distance(text)
    assert got is not None and got[0] == pytest.approx(metres) and got[1] == qual


def test_offset_is_geodesic():
    lon, lat = offset(36.0, 50.0, bearing_of("south"), 10000)
    assert geodesic_m(36.0, 50.0, lon, lat) == pytest.approx(10000, rel=1e-6)
    assert lat < 50.0 and lon == pytest.approx(36.0, abs=1e-6)
    assert bearing_of("north-east") == bearing_of("northeast") == 45


def test_bearing_and_distance_from_a_town(gz, loc):
    [(det, p)] = located("Russian artillery shelled villages 10 km south of Kharkiv on Friday.", gz, loc)
    kharkiv = gz.lookup("Kharkiv").best.place
    assert p.geometry.geom_type == "Point" and p.geo_precision == 2
    assert geodesic_m(kharkiv.lon, kharkiv.lat, p.geometry.x, p.geometry.y) == pytest.approx(10000, rel=0.01)
    assert p.geometry.y < kharkiv.lat
    assert 2000 <= p.uncertainty_m <= 10000


def test_named_place_with_a_consistent_stated_distance(gz, loc):
    [(_, p)] = located("Troops shelled Stanytsia Luhanska, 16km north-east of Luhansk, on Thursday.", gz, loc)
    assert p.places[0].gazetteer_id == gz.lookup("Stanytsia Luhanska").best.place.id
    assert p.geo_precision == 1 and DISTANCE_CONFLICT not in p.flags


def test_named_place_with_a_contradicting_distance_keeps_the_place_and_flags_it(gz, loc):
    [(_, p)] = located("Troops shelled Stanytsia Luhanska, 60km north-east of Luhansk, on Thursday.", gz, loc)
    assert p.places[0].gazetteer_id == gz.lookup("Stanytsia Luhanska").best.place.id
    assert DISTANCE_CONFLICT in p.flags


def test_distance_from_a_border_is_checked_against_the_gazetteer(gz, loc):
    [(_, far)] = located("Tanks were deployed in Moscow, 15 kilometers from Ukraine's border.", gz, loc)
    assert DISTANCE_CONFLICT in far.flags  # Moscow is far inland
    [(_, ok)] = located("Tanks were deployed in Belgorod, about 35 kilometers from Ukraine's border.", gz, loc)
    assert DISTANCE_CONFLICT not in ok.flags


def test_band_within_a_distance_of_a_border(gz, loc):
    [(_, p)] = located("Russian battalion tactical groups are now within 50 km of the Ukrainian border.", gz, loc)
    assert p.geo_precision == 3 and p.geometry.geom_type in ("Polygon", "MultiPolygon")
    border = gz.border("RU", "UA")
    assert max_km_from(p.geometry, border) <= 55  # simplification tolerance
    rp = p.geometry.representative_point()
    assert gz.contains(rp.y, rp.x)[0] == "RU"


def test_bridge_across_an_unnamed_river_near_a_border(gz, loc):
    text = "A pontoon bridge was built across a key river in Belarus less than four miles from the Ukrainian border."
    [(det, p)] = located(text, gz, loc)
    assert det.event_type == "bridge" and p.geo_precision == 2 and "river_inferred" in p.flags
    border = gz.border("BY", "UA")
    assert max_km_from(p.geometry, border) <= 4 * 1.609 + 1.5
    # every candidate is a gazetteer river that really comes that close to that border
    for ref in p.places:
        river = gz.get(ref.gazetteer_id)
        assert river.kind == Kind.RIVER
        assert river.geometry.distance(border) < 0.1
    assert p.uncertainty_m > 1000


def test_bridge_across_a_named_river_uses_that_river_where_it_meets_the_constraint(gz, loc):
    text = "The bridge, across the Pripyat River in southern Belarus, was built less than 4 miles from the border."
    [(det, p)] = located(text, gz, loc)
    pripyat = gz.lookup("Pripyat River").best.place
    assert p.places[0].gazetteer_id == pripyat.id
    assert max_km_from(p.geometry, gz.border("BY", "UA")) <= 4 * 1.609 + 1.5


def test_named_river_near_a_town_is_the_stretch_near_the_town(gz, loc):
    [(_, p)] = located("Engineers laid a pontoon crossing over the Siverskyi Donets near Bilohorivka on Sunday.", gz, loc)
    town = gz.lookup("Bilohorivka").best.place
    assert p.geo_precision == 2 and p.geometry.geom_type.endswith("LineString")
    assert max_km_from(p.geometry, Point(town.lon, town.lat)) <= 15


def test_near_a_town(gz, loc):
    [(_, p)] = located("Iskander launchers were deployed near Luninets on Feb. 9.", gz, loc)
    assert p.geo_precision == 2 and "near" in p.flags and p.uncertainty_m >= 10000


def test_region_level_event(gz, loc):
    [(_, p)] = located("The mission recorded 189 ceasefire violations in the Donetsk region on Feb. 16.", gz, loc)
    donetsk = gz.lookup("Donetsk").best.place
    assert p.geo_precision == 3 and p.geometry.contains(Point(donetsk.lon, donetsk.lat))


def test_movement_line_origin_first(gz, loc):
    [(_, p)] = located("A column of tanks was moving from Belgorod towards Kharkiv late Wednesday.", gz, loc)
    belgorod, kharkiv = gz.lookup("Belgorod").best.place, gz.lookup("Kharkiv").best.place
    (x0, y0), (x1, y1) = p.geometry.coords[0], p.geometry.coords[-1]
    assert (x0, y0) == pytest.approx((belgorod.lon, belgorod.lat)) and (x1, y1) == pytest.approx((kharkiv.lon, kharkiv.lat))
    assert [r.role for r in p.places] == ["origin", "target"]


def test_axes_from_unnamed_points_on_a_border(gz, loc):
    text = "The map showed possible phase one ground movements towards Kyiv from two points along the Belarusian border."
    got = located(text, gz, loc)
    assert len(got) == 2
    kyiv = gz.lookup("Kyiv").best.place
    border = gz.border("BY", "UA")
    starts = []
    for det, p in got:
        assert det.event_type == "axis" and p.phase == 1 and "origin_inferred" in p.flags
        x0, y0 = p.geometry.coords[0]
        assert km_to(border, x0, y0) < 3
        assert p.geometry.coords[-1] == pytest.approx((kyiv.lon, kyiv.lat))
        starts.append((x0, y0))
    assert geodesic_m(*starts[0], *starts[1]) >= 60000


def test_border_points_are_deterministic_and_nearest_first(gz, loc):
    kyiv = gz.lookup("Kyiv").best.place
    a = loc.border_points("BY", "UA", (kyiv.lon, kyiv.lat), 3)
    b = Locator(gz).border_points("BY", "UA", (kyiv.lon, kyiv.lat), 3)
    assert a == b and len(a) == 3
    d = [geodesic_m(x, y, kyiv.lon, kyiv.lat) for x, y in a]
    assert d == sorted(d)


def test_axis_origin_on_a_border_is_labelled_for_a_reader(gz, loc):
    text = "The map showed possible phase one ground movements towards Kyiv from two points along the Belarusian border."
    got = located(text, gz, loc)
    by, ua = gz.country("BY").name, gz.country("UA").name
    names = sorted(p.places[0].name for _, p in got)
    assert names == [f"{by}–{ua} border (origin 1 of 2, inferred)", f"{by}–{ua} border (origin 2 of 2, inferred)"]
    assert all(p.label == f"from the {by}–{ua} border towards Kyiv" for _, p in got)


def test_fast_projection_is_bit_identical_to_pyproj_from_crs():
    """where's transformers skip pyproj's operation search; the numbers must be exactly those of from_crs."""
    import numpy as np
    from pyproj import Transformer

    from geomap.where import _aeqd

    rng = np.random.default_rng(3)
    for lon, lat in [(30.5234, 50.4501), (-82.48340818873984, 8.485131122297616), (179.9, -60.25), (0.0, 89.5)]:
        crs = f"+proj=aeqd +lat_0={lat!r} +lon_0={lon!r} +datum=WGS84 +units=m"
        ref_f = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        ref_i = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        fwd, inv = _aeqd(lon, lat)
        xs, ys = lon + rng.uniform(-3, 3, 100), np.clip(lat + rng.uniform(-3, 3, 100), -89.9, 89.9)
        a, b = ref_f.transform(xs, ys), fwd.transform(xs, ys)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
        c, d = ref_i.transform(*a), inv.transform(*a)
        assert np.array_equal(c[0], d[0]) and np.array_equal(c[1], d[1])


def test_cached_geometry_is_the_same_as_freshly_computed(gz, loc):
    """The Locator's caches hold pure results: a warm Locator and a new one give the same geometry."""
    text = "Engineers laid a bridge over a key river in Belarus less than four miles from the Ukrainian border."
    warm = located(text, gz, loc) and located(text, gz, loc)
    fresh = located(text, gz, Locator(gz))
    assert [p.geometry.wkb for _, p in warm] == [p.geometry.wkb for _, p in fresh] and warm
    band = loc._band("UA", ["BY"], 10000.0)
    assert band.equals_exact(Locator(gz)._band("UA", ["BY"], 10000.0), 0)


def test_caches_are_bounded():
    from geomap.where import _LRU

    c = _LRU(3)
    for i in range(10):
        assert c.get(i, lambda i=i: i * i) == i * i
    assert len(c) == 3 and c.get(9, lambda: -1) == 81 and c.get(0, lambda: -1) == -1
