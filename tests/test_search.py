"""What a user of Gazetteer sees: spellings resolve, kind hints steer, focus helps, bad input is answered."""

from __future__ import annotations

import json
import math

import pytest

from gazetteer import Candidate, Kind, LookupResult, Match, Place


def best(gz, query, **kw) -> Place | None:
    r = gz.lookup(query, **kw)
    return r.best.place if r.best else None


def km(a: Place, lat: float, lon: float) -> float:
    p1, p2 = math.radians(a.lat), math.radians(lat)
    dl = math.radians(lon - a.lon)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0 * math.acos(max(-1.0, min(1.0, c)))


@pytest.mark.parametrize(
    "spelling",
    ["Stanytsia Luhanska", "Stanitsya Luhanska", "Stanitsa Luganskaya", "Станиця Луганська",
     "Станица Луганская", "stanytsya-luhans'ka", "STANYTSIA LUHANSKA"],
)
def test_one_place_across_transliterations(gz, spelling):
    p = best(gz, spelling, fuzzy=False)
    assert p is not None and p.country == "UA" and p.kind is Kind.POPULATED_PLACE
    assert km(p, 48.66, 39.48) < 10


@pytest.mark.parametrize("spelling", ["Valuyki", "Valuiki", "Валуйки", "Valujki"])
def test_valuyki(gz, spelling):
    p = best(gz, spelling, fuzzy=False)
    assert p is not None and p.country == "RU" and km(p, 50.2, 38.12) < 10


@pytest.mark.parametrize("spelling", ["Kyiv", "Kiev", "Київ", "Киев", "KYIV"])
def test_kyiv(gz, spelling):
    p = best(gz, spelling, fuzzy=False)
    assert p is not None and p.kind is Kind.POPULATED_PLACE and p.country == "UA" and km(p, 50.45, 30.52) < 15


def test_misspelling_resolves_fuzzily_and_says_how_far(gz):
    r = gz.lookup("Valyiuki")
    assert r.best is not None and r.best.place.name == "Valuyki"
    assert r.best.match is Match.FUZZY and 0.5 < r.best.similarity < 1.0
    assert not gz.lookup("Valyiuki", fuzzy=False)


def test_exact_match_has_full_similarity(gz):
    c = gz.lookup("Kharkiv").best
    assert c.match is Match.EXACT and c.similarity == 1.0 and 0 < c.score <= 1


@pytest.mark.parametrize(("query", "cc", "lat", "lon"), [
    ("Donetsk", "UA", 48.0, 37.8), ("Odessa", "UA", 46.48, 30.73), ("Ivanovo", "RU", 57.0, 41.0),
    ("Kharkov", "UA", 50.0, 36.23), ("Zaporozhye", "UA", 47.84, 35.14), ("Moscow", "RU", 55.75, 37.62),
])
def test_big_places_win_ambiguous_names(gz, query, cc, lat, lon):
    p = best(gz, query)
    assert p.country == cc and km(p, lat, lon) < 30


@pytest.mark.parametrize("query", ["Luhansk Oblast", "Luhanska oblast", "Луганская область", "Луганська область",
                                   "Luhansk region"])
def test_admin1_aliases(gz, query):
    p = best(gz, query)
    assert p is not None and p.kind is Kind.ADMIN1 and p.id == "ne1:UA.14"
    assert p.geometry.geom_type in ("Polygon", "MultiPolygon")


def test_kind_hint_admin_vs_city(gz):
    assert best(gz, "Kherson").kind is Kind.POPULATED_PLACE
    assert best(gz, "Kherson Oblast").kind is Kind.ADMIN1
    assert best(gz, "Kherson city").kind is Kind.POPULATED_PLACE


def test_natural_feature_hint_never_returns_a_namesake_village(gz):
    # "Pripyat" is also the Volyn village Prypiat (pop. 591): "Pripyat River" is the river, never the village.
    for q in ("Pripyat River", "Prypiat river", "river Pripyat", "река Припять"):
        r = gz.lookup(q)
        assert r and all(c.place.kind in (Kind.RIVER, Kind.CANAL) for c in r.candidates), q
        assert r.best.place.geometry.geom_type in ("LineString", "MultiLineString")


@pytest.mark.parametrize(("query", "kind"), [
    ("Kerch Strait", Kind.STRAIT), ("Sea of Azov", Kind.SEA), ("Black Sea", Kind.SEA),
    ("Hostomel airfield", Kind.AIRFIELD), ("Kakhovka Reservoir", Kind.RESERVOIR), ("Kakhovka dam", Kind.DAM),
    ("Hostomel", Kind.POPULATED_PLACE), ("Kherson", Kind.POPULATED_PLACE),
])
def test_kind_words_steer_to_curated_features(gz, query, kind):
    assert best(gz, query).kind is kind


def test_unknown_natural_feature_is_no_match_not_a_town(gz):
    r = gz.lookup("Kharkiv Strait")
    assert not r and "strait" in r.reason


def test_kinds_filter(gz):
    r = gz.lookup("Kyiv", kinds=[Kind.ADMIN1])
    assert r and all(c.place.kind is Kind.ADMIN1 for c in r.candidates)


def test_country_focus_reorders(gz):
    assert best(gz, "Brest").country == "BY"
    assert best(gz, "Brest", country="FR").country == "FR"
    assert best(gz, "Odessa", country="US").country == "US"


@pytest.mark.parametrize(("query", "country", "admin1"), [
    ("Semenivka, Chernihiv region", "UA", "Chernihiv Oblast"), ("Pisky, Donetsk Obl.", "UA", "Donetsk Oblast"),
    ("Paris, Texas", "US", "Texas"), ("Paris, France", "FR", None), ("Kyiv, Ukraine", "UA", None),
])
def test_comma_qualifier_focuses_the_name(gz, query, country, admin1):
    p = best(gz, query)
    assert p.country == country and p.kind is Kind.POPULATED_PLACE
    assert admin1 is None or p.admin1 == admin1


def test_near_focus_reorders(gz):
    assert best(gz, "Odessa", near=(31.85, -102.37)).country == "US"  # near Odessa, Texas


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "x" * 10_000, "\x00\x01\x02", "!!!", "12345"])
def test_bad_input_gets_a_reason_not_an_exception(gz, query):
    r = gz.lookup(query)
    assert isinstance(r, LookupResult) and not r and r.reason


@pytest.mark.parametrize("query", ["Kyiv\x00", "Київ Kyiv", "東京", "Zzzzqqqxxx", "Lu" * 99, "ʼ’`'"])
def test_odd_input_never_raises(gz, query):
    r = gz.lookup(query)
    assert isinstance(r, LookupResult)
    assert r or r.reason


def test_bad_arguments_are_explicit_errors(gz):
    with pytest.raises(ValueError):
        gz.lookup("Kyiv", country="Ukraine")
    with pytest.raises(ValueError):
        gz.lookup("Kyiv", limit=0)
    with pytest.raises(ValueError):
        gz.lookup("Kyiv", kinds=["city"])
    with pytest.raises(TypeError):
        gz.lookup(None)  # type: ignore[arg-type]


def test_text_scanning_call_checks_its_arguments_too(gz):
    # lookup(q, fuzzy=False) takes a shortcut past argument checks; anything else still gets them
    with pytest.raises(TypeError):
        gz.lookup(None, fuzzy=False)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gz.lookup("Kyiv", fuzzy=False, limit=10.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        gz.lookup("Kyiv", fuzzy=False, country="Ukraine")


def test_focus_free_ranking_matches_the_focused_path(gz):
    # the common query's scores are precomputed in the name table; a far-away near focus recomputes them and
    # may only scale scores down, and country="" is no focus at all
    for q in ("Mykolaivka", "Aleksandrovka", "Kharkiv", "Paris", "Springfield"):
        gz._cache.clear()
        plain = gz.lookup(q, fuzzy=False)
        assert plain == gz.lookup(q, fuzzy=False, country="", limit=10)
        assert plain is gz.lookup(q, fuzzy=False)  # cached
        gz._cache.clear()
        assert plain == gz.lookup(q, fuzzy=False)  # the same answer again, not the same object
        ids = {c.place.id: c.score for c in plain.candidates}
        for c in gz.lookup(q, fuzzy=False, country="ZZ", limit=50).candidates:
            if c.place.id in ids:
                assert c.score <= ids[c.place.id] + 1e-9


def test_results_are_immutable_and_ranked(gz):
    r = gz.lookup("Aleksandrovka", limit=10)
    scores = [c.score for c in r.candidates]
    assert scores == sorted(scores, reverse=True) and 1 < len(scores) <= 10
    with pytest.raises(AttributeError):
        r.best.place.name = "x"  # type: ignore[misc]


def test_lookup_is_deterministic(gz):
    a = [(c.place.id, c.score) for c in gz.lookup("Mykolaivka", limit=10).candidates]
    gz._cache.clear()
    b = [(c.place.id, c.score) for c in gz.lookup("Mykolaivka", limit=10).candidates]
    assert a == b


def test_get_and_unknown_id(gz):
    p = best(gz, "Kyiv")
    assert gz.get(p.id) == p
    with pytest.raises(KeyError):
        gz.get("gn:0")


def test_crimea_is_ukraine_de_jure(gz):
    ua, ru = gz.country("UA"), gz.country("RU")
    assert ua.kind is Kind.COUNTRY
    simferopol = (44.95, 34.10)
    assert ua.geometry.contains(Place(id="x", name="x", kind=Kind.OTHER, lat=simferopol[0], lon=simferopol[1]).point)
    assert not ru.geometry.contains(Place(id="x", name="x", kind=Kind.OTHER, lat=simferopol[0], lon=simferopol[1]).point)
    assert gz.contains(*simferopol)[0] == "UA"
    assert gz.contains(44.6, 33.52)[0] == "UA"  # Sevastopol
    crimea = gz.lookup("Crimea", kinds=[Kind.ADMIN1]).best.place
    assert crimea.country == "UA"


def test_contains(gz):
    assert gz.contains(50.45, 30.52) == ("UA", best(gz, "Kyiv", kinds=[Kind.ADMIN1]).name) or \
        gz.contains(50.45, 30.52)[0] == "UA"
    assert gz.contains(48.57, 39.31)[1] == "Luhansk Oblast"
    assert gz.contains(43.0, 34.0) == ("", "")  # Black Sea


def test_border(gz):
    by_ua = gz.border("UA", "BY")
    assert by_ua.geom_type in ("LineString", "MultiLineString") and by_ua.length > 5
    # the Perekop isthmus (Crimea / Kherson oblast line) is not part of the RU-UA border
    ru_ua = gz.border("RU", "UA")
    from shapely.geometry import Point

    assert ru_ua.distance(Point(33.75, 46.15)) > 0.2
    with pytest.raises(KeyError):
        gz.border("UA", "FR")


def test_nearby_and_features(gz):
    around = gz.nearby(50.45, 30.52, 20, kinds=[Kind.POPULATED_PLACE])
    assert "Kyiv" in [p.name for p in around[:20]]
    assert [p.id for p in around] == [p.id for p in gz.nearby(50.45, 30.52, 20, kinds=[Kind.POPULATED_PLACE])]
    assert all(p.kind is Kind.POPULATED_PLACE for p in around)
    countries = gz.features([Kind.COUNTRY], bbox=(22, 44, 41, 53))
    ids = {p.id for p in countries}
    assert {"ne0:UA", "ne0:BY", "ne0:RU", "ne0:PL"} <= ids and "ne0:US" not in ids
    oblasts = gz.features([Kind.ADMIN1], bbox=(22, 44, 41, 53))
    assert sum(p.country == "UA" for p in oblasts) >= 27


def test_geo_interface_into_geopandas(gz):
    import geopandas as gpd

    r = gz.lookup("Donetsk", limit=5)
    df = gpd.GeoDataFrame.from_features(r.__geo_interface__["features"], crs="EPSG:4326")
    assert len(df) == len(r.candidates) and {"name", "kind", "score"} <= set(df.columns)
    df2 = gpd.GeoDataFrame.from_features([gz.country("UA")], crs="EPSG:4326")
    assert df2.geometry.iloc[0].geom_type in ("Polygon", "MultiPolygon")
    json.dumps(r.best.__geo_interface__)


def test_candidate_record_shape(gz):
    c = gz.lookup("Mariupol").best
    assert isinstance(c, Candidate) and c.place.admin1 and c.place.population > 100_000


def test_any_text_gets_an_answer_not_an_exception(gz):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.text(max_size=60), st.sampled_from([None, "UA", "US"]), st.booleans())
    def check(text, country, fuzzy):
        r = gz.lookup(text, country=country, fuzzy=fuzzy, limit=3)
        assert isinstance(r, LookupResult)
        assert bool(r) or r.reason
        assert all(0 <= c.score <= 1 and 0 <= c.similarity <= 1 for c in r.candidates)

    check()
