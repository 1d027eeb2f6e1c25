"""geomap.disambiguate: which place a name means, given the document's other names.

Behaviour through the recogniser (``find_mentions``) where a reader sees it, and the pure function on
hand-built candidates for rules that need no gazetteer."""

from __future__ import annotations

from gazetteer import Candidate, Kind, Match, Place
from geomap.disambiguate import Name, resolve
from geomap.mentions import find_mentions


def _place(pid: str, name: str, kind: Kind, country: str, admin1: str, lat: float, lon: float,
           population: int = 0) -> Place:
    return Place(id=pid, name=name, kind=kind, country=country, admin1=admin1, population=population,
                 lat=lat, lon=lon, source="test")


def _cand(p: Place, score: float, match: Match = Match.EXACT, similarity: float = 1.0) -> Candidate:
    return Candidate(place=p, score=score, match=match, matched_name=p.name, similarity=similarity)


def _resolved(text: str, gz, surface: str) -> Place:
    ms = [m for m in find_mentions(text, gz, keep="toponyms") if m.text == surface and m.place is not None]
    assert ms, f"{surface!r} not resolved in {text!r}"
    return ms[0].place


# --- the pure function ------------------------------------------------------------------------------------

SPRINGFIELD_IL = _place("t:1", "Springfield", Kind.POPULATED_PLACE, "US", "Illinois", 39.80, -89.64, 116_000)
SPRINGFIELD_MO = _place("t:2", "Springfield", Kind.POPULATED_PLACE, "US", "Missouri", 37.21, -93.29, 169_000)
PEORIA = _place("t:3", "Peoria", Kind.POPULATED_PLACE, "US", "Illinois", 40.69, -89.59, 113_000)
DECATUR_IL = _place("t:4", "Decatur", Kind.POPULATED_PLACE, "US", "Illinois", 39.84, -88.95, 71_000)


def test_a_lone_name_takes_the_gazetteers_best():
    out = resolve([Name("springfield", (_cand(SPRINGFIELD_MO, 0.80), _cand(SPRINGFIELD_IL, 0.79)))])
    assert out[0].place is SPRINGFIELD_MO


def test_the_documents_other_places_outweigh_a_small_prior_lead():
    names = [
        Name("decatur", (_cand(DECATUR_IL, 0.75),)),
        Name("peoria", (_cand(PEORIA, 0.80),)),
        Name("springfield", (_cand(SPRINGFIELD_MO, 0.80), _cand(SPRINGFIELD_IL, 0.79))),
    ]
    out = resolve(names)
    assert [c.place.id for c in out] == ["t:4", "t:3", "t:1"]


def test_results_follow_input_order_and_are_deterministic():
    names = [Name("peoria", (_cand(PEORIA, 0.8),)), Name("springfield", (_cand(SPRINGFIELD_IL, 0.8),))]
    assert resolve(names) == resolve(list(names))
    assert [c.place.name for c in resolve(names)] == ["Peoria", "Springfield"]
    assert resolve([]) == []


def test_a_stretched_name_outside_the_documents_countries_is_dropped():
    kyiv = _place("t:5", "Kyiv", Kind.POPULATED_PLACE, "UA", "Kyiv City", 50.45, 30.52, 2_900_000)
    far = _place("t:6", "Kiel", Kind.POPULATED_PLACE, "DE", "Schleswig-Holstein", 54.32, 10.13, 246_000)
    names = [Name("kyiv", (_cand(kyiv, 1.0),)), Name("kiev", (_cand(far, 0.6, Match.FUZZY, 0.75),))]
    assert resolve(names)[1] is None
    assert resolve(names, hint="DE")[1] is not None  # the report is about Germany: kept


def test_a_county_word_chooses_the_county_and_a_bare_name_the_town():
    county = _place("t:7", "Laurel County", Kind.ADMIN2, "US", "Kentucky", 37.11, -84.12, 40_000)
    town = _place("t:8", "Laurel", Kind.POPULATED_PLACE, "US", "Maryland", 39.10, -76.85, 26_000)
    assert resolve([Name("laurel county", (_cand(town, 0.76), _cand(county, 0.74)))])[0].place is county
    assert resolve([Name("laurel", (_cand(county, 0.74), _cand(town, 0.70)))])[0].place is town


# --- through the recogniser, on the world gazetteer ---------------------------------------------------------

def test_us_county_resolves_to_the_county_area(gz):
    p = _resolved("Deputies from the Rapides Parish Sheriff's Office arrested a man in Pineville.", gz,
                  "Rapides Parish")
    assert p.kind is Kind.ADMIN2 and p.country == "US" and p.admin1 == "Louisiana"
    assert p.geometry.contains(p.point)  # the point lies inside the county


def test_namesake_counties_follow_the_documents_state(gz):
    text = ("Flooding closed roads in Butler County on Tuesday. Officials in Hamilton and Middletown said "
            "the Great Miami River crested overnight near Dayton.")
    p = _resolved(text, gz, "Butler County")
    assert p.kind is Kind.ADMIN2 and p.admin1 == "Ohio"


def test_a_county_helps_resolve_its_towns(gz):
    text = "ALEXANDRIA - The Rapides Parish School Board met Monday in Alexandria to discuss the budget."
    p = _resolved(text, gz, "Alexandria")
    assert p.country == "US" and p.admin1 == "Louisiana"


def test_america_is_the_united_states(gz):
    p = _resolved("Exports from America rose in March, the ministry said.", gz, "America")
    assert p.kind is Kind.COUNTRY and p.country == "US"


def test_paris_stays_in_france_without_texan_context(gz):
    p = _resolved("Talks in Paris and Berlin on Monday did not end the standoff over Ukraine.", gz, "Paris")
    assert p.country == "FR"


def test_a_name_the_text_calls_a_state_is_the_state(gz):
    p = _resolved("Health officials in Washington state confirmed two new cases on Friday.", gz, "Washington")
    assert p.kind is Kind.ADMIN1 and p.country == "US"
    p = _resolved("Farmers in upstate New York lost much of the harvest.", gz, "New York")
    assert p.kind is Kind.ADMIN1
    p = _resolved("Officials in Washington said the talks would go on.", gz, "Washington")
    assert p.kind is Kind.POPULATED_PLACE  # without "state" it is the capital


def test_a_country_name_is_the_country_not_a_capital_that_has_it_as_alias(gz):
    p = _resolved("Cases were reported in Mexico and Guatemala this week.", gz, "Mexico")
    assert p.kind is Kind.COUNTRY and p.country == "MX"
    # the capital named beside it does not pull the country's name onto itself
    text = "Flu cases rose across Mexico, health officials in Mexico City said."
    assert _resolved(text, gz, "Mexico").kind is Kind.COUNTRY
    assert _resolved(text, gz, "Mexico City").kind is Kind.POPULATED_PLACE


def test_a_country_is_placed_at_the_centre_of_its_main_landmass(gz):
    us = gz.country("US")
    assert 39.0 < us.lat < 40.5 and -100.0 < us.lon < -97.5  # near Lebanon, Kansas, not in Alaska
    for cc in ("US", "RU", "UA", "NO", "CL", "HR"):
        assert gz.country(cc).geometry.contains(gz.country(cc).point)


def test_trace_records_every_candidate_with_its_scores():
    trace: list = []
    names = [Name("springfield", (_cand(SPRINGFIELD_MO, 0.80), _cand(SPRINGFIELD_IL, 0.79)))]
    resolve(names, trace=trace)
    assert [(k, p.id) for k, p, _, _ in trace] == [("springfield", "t:2"), ("springfield", "t:1")]
    assert all(final >= 0 for *_, final in trace)


def test_each_name_gets_its_first_best_candidate_by_final_score():
    """The choice per name is the first candidate with the highest final score (as ``argmax``): ties keep the
    gazetteer's order, and every choice agrees with the scores ``trace`` reports."""
    twin_a = _place("t:5", "Twin", Kind.POPULATED_PLACE, "US", "Illinois", 39.0, -89.0, 5_000)
    twin_b = _place("t:6", "Twin", Kind.POPULATED_PLACE, "US", "Illinois", 39.0, -89.0, 5_000)
    names = [
        Name("twin", (_cand(twin_a, 0.5), _cand(twin_b, 0.5))),
        Name("springfield", (_cand(SPRINGFIELD_MO, 0.80), _cand(SPRINGFIELD_IL, 0.79))),
        Name("peoria", (_cand(PEORIA, 0.9),)),
        Name("decatur", (_cand(DECATUR_IL, 0.7),)),
    ]
    trace: list = []
    out = resolve(names, trace=trace)
    assert out[0].place is twin_a  # a tie: the first
    for nm, chosen in zip(names, out):
        scores = [final for key, _, _, final in trace if key == nm.key]
        assert chosen is nm.candidates[scores.index(max(scores))]
    assert out[1].place is SPRINGFIELD_IL  # Peoria and Decatur pull it into Illinois
