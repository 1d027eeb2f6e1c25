"""Event detection from sentences: types, claimants, status, units, roles, axes. Mentions are built by hand
here (the recogniser has its own tests), so these tests need no gazetteer."""

from datetime import date

import pytest

from gazetteer import Kind, Place
from geomap.detect import (
    classify,
    claimants,
    detect,
    find_units,
    name_titles,
    parse_axes,
    place_roles,
    split_sentences,
    status_of,
)
from geomap.mention import Mention

PLACES = {
    "Kharkiv": Place("t:kharkiv", "Kharkiv", Kind.POPULATED_PLACE, "UA", population=1400000, lat=49.98, lon=36.25),
    "Belgorod": Place("t:belgorod", "Belgorod", Kind.POPULATED_PLACE, "RU", population=390000, lat=50.6, lon=36.58),
    "Izium": Place("t:izium", "Izium", Kind.POPULATED_PLACE, "UA", population=45000, lat=49.21, lon=37.28),
    "Kyiv": Place("t:kyiv", "Kyiv", Kind.POPULATED_PLACE, "UA", population=2900000, lat=50.45, lon=30.52),
    "Crimea": Place("t:crimea", "Crimea", Kind.REGION, "UA", lat=45.3, lon=34.2),
    "Odesa": Place("t:odesa", "Odesa", Kind.POPULATED_PLACE, "UA", population=1000000, lat=46.48, lon=30.74),
    "Mykolaiv": Place("t:mykolaiv", "Mykolaiv", Kind.POPULATED_PLACE, "UA", population=480000, lat=46.97, lon=31.99),
    "Donetsk": Place("t:donetsk", "Donetsk", Kind.POPULATED_PLACE, "UA", population=900000, lat=48.02, lon=37.8),
    "Mariinka": Place("t:mariinka", "Mariinka", Kind.POPULATED_PLACE, "UA", population=9000, lat=47.94, lon=37.5),
    "Ukraine": Place("t:ua", "Ukraine", Kind.COUNTRY, "UA", lat=49.0, lon=31.0),
    "Moscow": Place("t:moscow", "Moscow", Kind.POPULATED_PLACE, "RU", population=12000000, lat=55.75, lon=37.62),
    "Sevastopol": Place("t:sev", "Sevastopol", Kind.POPULATED_PLACE, "UA", population=400000, lat=44.6, lon=33.5),
}


def mentions(text: str) -> list[Mention]:
    """Every occurrence of a known name in the text, as a resolved Mention."""
    out = []
    for name, place in PLACES.items():
        i = text.find(name)
        while i >= 0:
            out.append(Mention(name, i, i + len(name), place))
            i = text.find(name, i + 1)
    return sorted(out, key=lambda m: m.start)


REF = date(2022, 2, 17)


# -- sentences ------------------------------------------------------------------------------------------


def test_split_sentences_keeps_abbreviations_and_counts_paragraphs():
    text = "U.S. officials said on Feb. 16 that troops moved. Sen. Smith agreed.\n\nA new paragraph starts here."
    spans = split_sentences(text)
    assert [text[s:e] for s, e, _ in spans] == [
        "U.S. officials said on Feb. 16 that troops moved.",
        "Sen. Smith agreed.",
        "A new paragraph starts here.",
    ]
    assert [p for _, _, p in spans] == [0, 0, 1]


# -- types ----------------------------------------------------------------------------------------------


TYPED_CASES = [
        ("Russian occupation troops shelled the settlement.", "shelling"),
        ("A kindergarten was hit by a shell.", "shelling"),
        ("The OSCE recorded 189 ceasefire violations in the region.", "shelling"),
        ("Missiles struck an industrial site.", "strike"),
        ("A drone strike hit the depot.", "strike"),
        ("Engineers laid a pontoon bridge across the river.", "bridge"),
        ("Three Russian vessels arrived at dock.", "naval"),
        ("Ka-52 helicopters were parked at the air base.", "air"),
        ("Military vehicles and helicopters were added near the town.", "deployment"),
        ("A column of tanks was moving towards the city.", "movement"),
        ("Battalion tactical groups were deployed near the border.", "deployment"),
        ("The map showed possible axes of invasion towards the capital.", "axis"),
        ("Troops came under fire near the village.", "shelling"),
        ("Three warships docked at the port.", "naval"),
        ("Soldiers were sent back to their bases by rail.", "movement"),
        ("Forces were concentrated near the crossing.", "deployment"),
        ("A military convoy rolled into the town.", "movement"),
]
TYPED = [s for s, _ in TYPED_CASES]


@pytest.mark.parametrize("sentence, kind", TYPED_CASES)
def test_classify(sentence, kind):
    assert classify(sentence) == kind


def test_trigger_words_prefilter_is_a_superset_of_the_triggers():
    """Every sentence ``classify`` types has a word the fast prefilter looks for."""
    from geomap.detect import _trigger_positions

    for sentence in TYPED:
        assert _trigger_positions(sentence), sentence


def test_trigger_matching_ignores_case_like_the_patterns_say():
    """Triggers are matched on lowercased text (cheaper than case-insensitive patterns) where that is
    equivalent, and with the case-insensitive patterns where it is not (long s, dotless i, dotted capital I)."""
    import re

    import geomap.detect as detect
    from geomap.detect import _NEGATED, _TRIGGERS, _Folding, _hits

    def reference(text):
        return {k for k, rx in _TRIGGERS if any(not _NEGATED.search(text[max(0, m.start() - 40) : m.start()])
                                                for m in rx.finditer(text))}

    folding = [f for _, f in detect._TRIGGERS_F] + [f for f in vars(detect).values() if isinstance(f, _Folding)]
    assert len(folding) > len(_TRIGGERS) + 5
    for f in folding:  # written in lowercase: lowercased text matches them as IGNORECASE would
        assert f.ci.flags & re.IGNORECASE
        assert not re.search("[A-Z]", re.sub(r"\\[A-Za-z]", "", f.ci.pattern)), f.ci.pattern
    texts = TYPED + [
        "ARTILLERY FIRE HIT THE TOWN", "Troops were NOT withdrawn", "The \u017fhelling continued",
        "Troops moved to \u0130zmir after shelling", "The \u212aremlin ordered airstrikes", "No shelling, no strikes",
        "Dığer troops moved", "ﬁre and shelling",
    ]
    for text in texts:
        assert _hits(text) == reference(text), text


def test_classify_asks_trigger_kinds_lazily_with_the_same_answers():
    """``classify`` looks for one trigger kind at a time and stops when its answer is decided: the answers
    are those of the order of rules applied to every kind found first (the reference below), on typed,
    untyped, negated and context-dependent sentences."""
    import geomap.detect as detect

    def reference(text, context=""):
        hits = detect._hits(text)
        if not hits:
            return None
        if "axis" in hits and detect._TOWARDS_FROM_F.ci.search(text):
            return "axis"
        for kind in ("shelling", "strike", "bridge"):
            if kind in hits:
                return kind
        military = bool(detect._MILITARY.search(text)) or bool(context and detect._MILITARY.search(context))
        if "fire" in hits and military:
            return "shelling"
        if "weak_strike" in hits and (military or detect._WEAK_CONTEXT.search(text)):
            return "strike"
        if "naval" in hits or ("weak_naval" in hits and detect._MILITARY_NOT_NAVAL.search(text)):
            return "naval"
        if "air" in hits and detect._MILITARY_AIR.search(text):
            if detect._GROUND_RE.search(text) and not detect._AIR_BASE_RE.search(text):
                return "movement" if "movement" in hits else "deployment"
            return "air"
        if not military:
            return None
        for kind in ("movement", "deployment"):
            if kind in hits:
                return kind
        return None

    sentences = TYPED + [
        "The Senate failed to move a binding package of sanctions.", "The US is not seeing any withdrawal of troops.",
        "Fire crews returned to the station.", "The ships left the harbour.", "Jets flew over the stadium.",
        "Shells washed up on the beach.", "The bridge was destroyed.", "They were going back home.",
        "Aircraft and troops massed near the airfield.", "Helicopters landed at the airport with troops.",
        "No shelling was reported.", "The \u017fhelling continued", "Troops moved to \u0130zmir after shelling",
    ]
    contexts = ["", "Russian troops massed at the border.", "The council met on Monday."]
    typed = set()
    for sentence in sentences:
        for context in contexts:
            assert classify(sentence, context) == reference(sentence, context), (sentence, context)
            typed.add(classify(sentence, context))
    assert {"shelling", "strike", "bridge", "naval", "air", "movement", "deployment", "axis", None} <= typed


@pytest.mark.parametrize(
    "sentence",
    [
        "The Senate failed to move a binding package of sanctions.",  # no military noun
        "The US is not seeing any withdrawal of troops.",  # negated
        "Kamala Harris has just arrived in Munich.",
        "The photos show necklaces of ocean shells.",
        "The car struck a pickup truck on the highway.",
        "A retired Naval officer was arrested.",
        "The restored P-40 climbed over Gainesville, flying the old aircraft.",
        "Blinken spoke at the Security Council.",
    ],
)
def test_classify_rejects_non_events(sentence):
    assert classify(sentence) is None


# -- who, how sure, with what ---------------------------------------------------------------------------


def test_claimants_normalised():
    assert claimants("Both Ukrainian armed forces and separatists reported renewed shelling.") == (
        "Ukrainian armed forces",
        "separatists",
    )
    assert claimants("Western officials said Thursday the groups had arrived.") == ("Western officials",)
    assert "Russian Ministry of Defense" in claimants("Russia's Ministry of Defense said units were returning.")
    assert claimants("Troops moved to the border.") == ()  # no attribution, no claimant
    assert claimants("Video and images confirmed by CNN show the school was hit.") == ("CNN",)


def test_the_accused_is_not_the_claimant():
    assert claimants("Kyiv accused the separatists of shelling, officials said.") == ()


def test_surnames_are_attributed_from_earlier_titles():
    text = "US Secretary of Defense Lloyd Austin spoke. Later Austin said troops moved closer."
    titles = name_titles(text)
    assert titles["Austin"] == "US Department of Defense"
    assert claimants("Austin said troops moved closer.", titles) == ("US Department of Defense",)


@pytest.mark.parametrize(
    "sentence, status",
    [
        ("Video and images confirmed by CNN show the school was hit.", "confirmed"),
        ("Satellite images show a new bridge.", "confirmed"),
        ("Officials said their sensors did not pick up evidence of artillery.", "disputed"),
        ("CNN could not independently verify the claim.", "disputed"),
        ("Moscow denied the strike.", "disputed"),
        ("The map showed possible axes of advance.", "projected"),
        ("Forces could be used to invade from the north.", "projected"),
        ("Troops shelled the village.", "reported"),
    ],
)
def test_status(sentence, status):
    assert status_of(sentence) == status


def test_units_and_equipment():
    u = find_units("Elements of the 3rd and 150th Motor Rifle Divisions left with T72 tanks, BMP-2s and Iskander-M launchers.")
    assert {"3rd Motor Rifle Division", "150th Motor Rifle Division", "T-72", "Iskander-M", "tanks"} <= set(u)
    assert "BTG" in find_units("Fourteen battalion tactical groups (BTGs) arrived.")
    assert "pontoon bridge" in find_units("A pontoon bridge was built.")
    assert {"S-400", "Su-25"} <= set(find_units("S-400 batteries and Su-25 jets were seen."))
    assert find_units("Nothing military here.") == ()


# -- places ---------------------------------------------------------------------------------------------


def test_roles_from_prepositions():
    text = "A column moved from Belgorod towards Kharkiv via Izium."
    roles = {p.mention.text: p.role for p in place_roles(text, 0, len(text), mentions(text))}
    assert roles == {"Belgorod": "origin", "Kharkiv": "target", "Izium": "via"}


def test_venues_and_capitals_as_governments_are_not_event_places():
    text = "Speaking at a news conference in Kyiv, the minister said Moscow's forces shelled Kharkiv."
    kept = [p.mention.text for p in place_roles(text, 0, len(text), mentions(text))]
    assert kept == ["Kharkiv"]


def test_near_a_named_town_is_a_reference():
    text = "A resident of Mariinka near Donetsk heard explosions."
    got = {p.mention.text: (p.near, p.reference) for p in place_roles(text, 0, len(text), mentions(text))}
    assert got == {"Mariinka": (False, False), "Donetsk": (False, True)}


# -- axes -----------------------------------------------------------------------------------------------


def test_axes_pairing():
    text = (
        "The map showed possible phase one ground movements towards Kyiv from two points along the Belarusian "
        "border and from Crimea towards Odesa, and phase two movements from Sevastopol towards Mykolaiv."
    )
    legs = parse_axes(text, 0, len(text), mentions(text))
    got = [(leg.target.text, leg.origin.text if leg.origin else leg.border_country, leg.count, leg.phase) for leg in legs]
    assert got == [("Kyiv", "BY", 2, 1), ("Odesa", "Crimea", 1, 1), ("Mykolaiv", "Sevastopol", 1, 2)]


def test_axes_target_first_then_several_origins():
    text = "Possible axes of invasion towards Kyiv from two points along the Belarusian border and one point from the Western Russia border."
    legs = parse_axes(text, 0, len(text), mentions(text))
    assert [(leg.border_country, leg.count) for leg in legs] == [("BY", 2), ("RU", 1)]


# -- detection ------------------------------------------------------------------------------------------


def test_detect_a_shelling_with_date_claimant_and_quote():
    text = "Headline\n\nUkrainian armed forces said Russian troops shelled Donetsk early Thursday. Talks went on."
    dets = detect(text, mentions(text), REF)
    assert len(dets) == 1
    d = dets[0]
    assert (d.event_type, d.date, d.date_precision, d.date_stated) == ("shelling", date(2022, 2, 17), "day", True)
    assert d.claimed_by == ("Ukrainian armed forces",)
    assert text[d.start : d.end] == d.quote and d.quote.startswith("Ukrainian armed forces said")
    assert [p.mention.text for p in d.places] == ["Donetsk"]


def test_country_only_sentences_make_no_event():
    text = "Russia has 100,000 troops deployed along its border with Ukraine."
    assert detect(text, mentions(text), REF) == []


def test_historical_references_make_no_event():
    text = "Russian forces shelled Donetsk in 2014."
    assert detect(text, mentions(text), REF) == []


def test_follow_up_sentence_adds_a_source_and_its_status():
    text = "Russian troops shelled Kharkiv on Thursday. Video confirmed by CNN shows it was hit by a shell."
    dets = detect(text, mentions(text), REF)
    assert len(dets) == 1
    assert dets[0].extra_sources and dets[0].extra_sources[0][3] == "confirmed"


def test_definite_reference_takes_the_earlier_place():
    text = (
        "Monitors went to a school in Kharkiv after reports of damage.\n\n"
        "The school was hit by artillery fire early Thursday."
    )
    dets = detect(text, mentions(text), REF)
    assert [(d.event_type, [p.mention.text for p in d.places]) for d in dets] == [("shelling", ["Kharkiv"])]


def test_one_sentence_two_events():
    text = "Officials noted three vessels arriving at dock in Sevastopol and the addition of military vehicles and helicopters in Belgorod."
    dets = detect(text, mentions(text), REF)
    assert sorted((d.event_type, d.places[0].mention.text) for d in dets) == [
        ("deployment", "Belgorod"),
        ("naval", "Sevastopol"),
    ]


def test_attribution_carries_to_the_next_sentence():
    text = "Western officials said Thursday the build-up went on. They noted three warships at dock in Sevastopol."
    dets = detect(text, mentions(text), REF)
    assert dets[-1].claimed_by == ("Western officials",)


def test_by_marks_a_source_but_not_an_attacker():
    assert claimants("The image was released by the Russian Defence Ministry, it said.") == ("Russian Ministry of Defense",)
    assert claimants("The village was shelled by the separatists, officials said.") == ()
