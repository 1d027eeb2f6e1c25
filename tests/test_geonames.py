"""GeoNames places as users see them: Ukrainian display names in the national transliteration."""

from __future__ import annotations

from gazetteer.sources.geonames import national_name


def test_older_romanisations_of_the_same_name_give_way(gz):
    for query, shown in (("Vinnytsya", "Vinnytsia"), ("Izyum", "Izium"), ("Kryvyy Rih", "Kryvyi Rih"),
                         ("Stanytsya-Luhanska", "Stanytsia Luhanska"), ("Zaporizhzhya", "Zaporizhzhia")):
        best = gz.lookup(query, country="UA").best
        assert best is not None and best.place.name == shown, (query, best)
        assert gz.lookup(shown, country="UA").best.place.id == best.place.id


def test_renamed_places_and_other_countries_keep_their_names(gz):
    assert gz.lookup("Bakhmut", country="UA").best.place.name == "Bakhmut"  # not its Soviet name Artemivsk
    assert gz.lookup("Valuyki", country="RU").best.place.name == "Valuyki"  # Russia: GeoNames' name


def test_national_name_only_respells():
    assert national_name("Vinnytsya", ["Vinnytsia", "Вінниця", "Винница"]) == "Vinnytsia"
    assert national_name("Chystyakove", ["Chastkove", "Часткове"]) == "Chystyakove"  # another word
    assert national_name("Dokuchayevsk", ["Dokuchaievs'k", "Докучаєвськ"]) == "Dokuchayevsk"  # apostrophe form
    assert national_name("Kyiv", ["Kiev", "Київ", "Киев"]) == "Kyiv"
    assert national_name("Odesa", []) == "Odesa"
