"""The place recogniser as a user sees it: which names in a report become places, which do not, and why.

Short texts here are written for the tests (wire-copy style); the seed tests check the real reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from geomap.mentions import analyse, demonym_country, find_mentions, find_rejections

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def places(text, gz, **kw):
    """(surface text, place name, kind, country, role) of every resolved mention."""
    return [
        (m.text, m.place.name, m.place.kind.value, m.place.country, m.role_hint)
        for m in find_mentions(text, gz, **kw)
        if m.place is not None
    ]


def surfaces(text, gz, **kw):
    return [m.text for m in find_mentions(text, gz, **kw) if m.place is not None]


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


# --- the record --------------------------------------------------------------------------------------------


def test_offsets_point_at_the_text_and_mentions_are_sorted(gz):
    text = "Shelling hit Kyiv’s suburbs, the Sea of Azov coast and Nova Kakhovka, officials in Kherson said."
    ms = find_mentions(text, gz)
    assert ms, "expected places"
    for m in ms:
        assert text[m.start : m.end] == m.text
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    got = surfaces(text, gz)
    assert "Kyiv" in got  # the possessive is not part of the name
    assert "Sea of Azov" in got and "Nova Kakhovka" in got and "Kherson" in got


def test_same_input_same_output(gz):
    text = seed_text("002")
    assert find_mentions(text, gz) == find_mentions(text, gz)
    assert find_rejections(text, gz) == find_rejections(text, gz)


def test_country_abbreviation_at_a_sentence_start(gz):
    got = places("US officials met us in Vienna. UK troops left.", gz)
    assert [(g[0], g[3]) for g in got] == [("US", "US"), ("Vienna", "AT"), ("UK", "GB")]


def test_empty_and_placeless_text(gz):
    assert find_mentions("", gz) == []
    assert find_mentions("the quick brown fox jumps over the lazy dog", gz) == []


# --- people --------------------------------------------------------------------------------------------------


def test_a_surname_seen_with_a_first_name_is_a_person_everywhere(gz):
    text = (
        "Defence Secretary Lloyd Austin flew to Brussels on Wednesday. Later, Austin said allied navies "
        "would patrol the Baltic Sea. Austin also met Polish officials."
    )
    got = surfaces(text, gz)
    assert "Austin" not in got and "Lloyd" not in got
    assert "Brussels" in got and "Baltic Sea" in got
    reasons = {r.text: r.reason for r in find_rejections(text, gz)}
    assert "person" in reasons["Lloyd Austin"]


def test_a_town_named_like_a_person_is_a_place_when_no_person_has_that_name(gz):
    got = places("Flooding closed roads in Austin, Texas, on Monday.", gz)
    assert ("Austin", "Austin", "populated_place", "US", None) in got


def test_titles_and_speech_verbs_mark_people(gz):
    text = (
        "Sen. Rand Paul objected to the bill. Paul told reporters it went too far. "
        "National Security Adviser Jake Sullivan briefed allies, and Vice President Kamala Harris flew to Warsaw. "
        "Harris later spoke to troops. Sullivan added that Washington, DC, would host talks."
    )
    got = surfaces(text, gz)
    for person in ("Rand", "Paul", "Sullivan", "Harris", "Kamala", "Jake"):
        assert person not in got
    assert "Warsaw" in got


# --- governments, seats, organisations, agreements ------------------------------------------------------------


def test_a_capital_as_the_subject_of_a_speech_verb_is_the_government(gz):
    text = (
        "Moscow said the drills were over. Washington rejected the offer, and Kyiv accused the separatists of "
        "shelling. Beijing's position has not changed. The West imposed sanctions against Moscow."
    )
    assert surfaces(text, gz) == []
    reasons = [r.reason for r in find_rejections(text, gz)]
    assert sum("government" in r for r in reasons) >= 5


def test_a_capital_after_a_locative_preposition_is_a_place(gz):
    text = "The US embassy in Moscow cut staff. Talks in Kyiv ended late. He left Moscow last week."
    got = places(text, gz)
    assert [g[0] for g in got].count("Moscow") == 2
    assert ("Kyiv", "Kyiv", "populated_place", "UA", None) in got


def test_seats_of_government_and_organisations_are_not_places(gz):
    text = (
        "The Kremlin denied it. The White House said Air Force One landed safely. The UN Security Council met, "
        "the New York Times reported, before the Munich Security Conference. The Luhansk Regional Military "
        "Administration said roads were shelled."
    )
    got = surfaces(text, gz)
    for name in ("Kremlin", "White House", "New York", "Munich", "Luhansk", "Security"):
        assert name not in got


def test_names_inside_agreements_and_formats_are_not_places(gz):
    text = (
        "Both sides cited the Minsk agreements and the Normandy format; Moscow wants the Bucharest formula "
        "withdrawn. Minsk II was never implemented. Later, negotiators met in Minsk."
    )
    got = places(text, gz)
    assert [g[0] for g in got] == ["Minsk"]
    assert got[0][3] == "BY"


def test_self_proclaimed_republic_as_actor_or_territory(gz):
    text = "The Donetsk People's Republic said it had shot down a drone."
    assert surfaces(text, gz) == []
    got = places("Shelling was reported in the Donetsk People's Republic overnight.", gz)
    assert got and got[0][0] == "Donetsk People's Republic" and got[0][3] == "UA"
    assert got[0][2] in ("admin1", "region")


def test_demonyms_are_not_mentions_but_map_to_countries(gz):
    text = "Russian and Belarusian troops held joint drills; Ukrainian officials watched."
    assert surfaces(text, gz) == []
    assert demonym_country("Belarusian") == "BY"
    assert demonym_country("Ukrainians") == "UA"
    assert demonym_country("Russian") == "RU"
    assert demonym_country("pro-Russian") is None
    assert demonym_country("Muscovite") is None
    # the literature's notion of a toponym keeps them, resolved to the country
    topo = places(text, gz, keep="toponyms")
    assert ("Russian", "Russia", "country", "RU", None) in topo


# --- datelines, history, captions -------------------------------------------------------------------------


def test_dateline_is_kept_and_flagged(gz):
    text = "KHARKIV, March 3 (Reuters) - Artillery fire hit the outskirts of Chuhuiv overnight."
    got = places(text, gz)
    assert got[0][0] == "KHARKIV" and got[0][3] == "UA" and got[0][4] == "dateline"
    assert any(g[0] == "Chuhuiv" and g[4] is None for g in got)


def test_places_tied_to_a_past_year_are_flagged_historical(gz):
    text = "Analysts compared the build-up to Georgia in 2008 and to Srebrenica in 1995. Troops remain in Crimea in 2022."
    got = {g[0]: g[4] for g in places(text, gz)}
    assert got["Georgia"] == "historical"
    assert got["Srebrenica"] == "historical"
    assert got["Crimea"] is None


def test_photo_captions_and_credits_are_not_read(gz):
    text = (
        "Tanks move near Belgorod, Russia, on February 15. (Photo by Staff / AFP via Getty Images)\n"
        "Troops were seen near Kursk."
    )
    got = surfaces(text, gz)
    assert got == ["Kursk"]


# --- disambiguation and spelling ------------------------------------------------------------------------------


def test_city_alone_and_oblast_with_a_feature_word(gz):
    got = places("Shelling in the Luhansk region spread to Luhansk itself.", gz)
    assert got[0][:4] == ("Luhansk", "Luhansk Oblast", "admin1", "UA")
    assert got[1][2] == "populated_place" and got[1][3] == "UA"


def test_report_context_chooses_among_namesakes(gz):
    ua = places(
        "Russian forces could push from Crimea towards Mariupol and Dnipro. Macron flew from Paris to meet "
        "Zelensky in Kyiv.",
        gz,
    )
    by_text = {g[0]: g for g in ua}
    assert by_text["Dnipro"][3] == "UA"
    assert by_text["Paris"][3] == "FR"
    us = places("The storm hit Atlanta, Georgia, and then Savannah.", gz)
    assert ("Georgia", "US") in {(g[0], g[3]) for g in us}
    caucasus = places("Russia fought Georgia in the Caucasus and keeps troops in Armenia and Azerbaijan.", gz)
    assert ("Georgia", "GE") in {(g[0], g[3]) for g in caucasus}


def test_spelling_variants_in_running_text(gz):
    got = places(
        "Convoys left Kiev for Kharkov; others were seen in Mykolayiv, Zaporizhzhya and Odessa, Ukraine.", gz
    )
    countries = {g[0]: g[3] for g in got}
    for name in ("Kiev", "Kharkov", "Mykolayiv", "Zaporizhzhya", "Odessa"):
        assert countries.get(name) == "UA", (name, got)


def test_cyrillic_names(gz):
    got = places("Обстріл: Станиця Луганська, Харків.", gz)
    assert [(g[1], g[3]) for g in got] == [("Stanytsia Luhanska", "UA"), ("Kharkiv", "UA")]


def test_misspelt_name_after_a_preposition_is_matched_fuzzily(gz):
    got = places("Helicopters were seen near Valujky in southwest Russia, near the border with Ukraine.", gz)
    assert ("Valujky", "Valuyki", "populated_place", "RU", None) in got


def test_unknown_name_with_a_place_cue_is_reported_unresolved(gz):
    ms = find_mentions("Artillery was heard near Qwzxvbrtk late on Tuesday, in Ukraine.", gz)
    unresolved = [m for m in ms if m.place is None]
    assert [m.text for m in unresolved] == ["Qwzxvbrtk"]
    assert unresolved[0].reason


def test_country_hint_breaks_ties(gz):
    a = places("Troops gathered near Ivanovka.", gz, country_hint="UA")
    assert a and a[0][3] == "UA"


# --- the seeds ------------------------------------------------------------------------------------------------


def test_seed_live_blog_places(gz):
    text = seed_text("002")
    got = places(text, gz)
    by_name: dict[str, set[str]] = {}
    for surface, _name, _kind, country, _role in got:
        by_name.setdefault(surface, set()).add(country)
    for name in ("Stanytsia Luhanska", "Luhansk", "Donetsk", "Donbas", "Crimea", "Kyiv", "Dnipro", "Mariupol",
                 "Mykolaiv", "Vinnytsya", "Belarus", "Mariinka"):
        assert by_name.get(name) == {"UA"} if name != "Belarus" else by_name.get(name) == {"BY"}, (name, by_name.get(name))
    assert by_name.get("Valyiuki") == {"RU"}
    assert "Black Sea" in by_name
    assert "Pripyat River" in by_name and "Kerch Strait" in by_name


def test_seed_live_blog_non_places(gz):
    text = seed_text("002")
    ms = [m for m in find_mentions(text, gz) if m.place is not None]
    got = {m.text for m in ms}
    for name in ("Austin", "Lloyd", "Rand", "Paul", "Sullivan", "Harris", "Kremlin", "Minsk", "Normandy",
                 "Bucharest", "White House"):
        assert name not in got, name
    # "Moscow said ..." is the government; the embassy in Moscow is a place
    for m in ms:
        if m.text == "Moscow":
            after = text[m.end : m.end + 12]
            assert not after.startswith((" said", " will", " wants")), after


def test_seed_other_reports(gz):
    assert "Stanytsia Luhanska" in surfaces(seed_text("000"), gz)
    s4 = places(seed_text("004"), gz)
    assert any(g[0] == "Donbass" and g[3] == "UA" for g in s4)
    assert "Minsk" not in {g[0] for g in s4}
    s3 = surfaces(seed_text("003"), gz)
    assert "Denmark" in s3 and "Kristina" not in s3


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_mentions_are_well_formed(gz, prefix):
    text = seed_text(prefix)
    a = analyse(text, gz)
    for m in a.mentions:
        assert text[m.start : m.end] == m.text
        assert (m.place is None) == (m.reason is not None)
    for r in a.rejections:
        assert text[r.start : r.end] == r.text and r.reason


# --- the `geomap places` command -------------------------------------------------------------------------------


def test_places_command_prints_one_json_line_per_report(gz, capsys, tmp_path):
    import json

    from geomap.cli import main

    (tmp_path / "b.txt").write_text("Troops were seen near Kursk and in Belgorod, Russia.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Lloyd Austin said the Kremlin is lying. Shelling hit Mariupol.", encoding="utf-8")
    assert main(["places", str(tmp_path), "--jsonl"]) == 0
    first = capsys.readouterr().out
    lines = [json.loads(x) for x in first.splitlines()]
    assert [x["report"] for x in lines] == ["a.txt", "b.txt"]
    a = lines[0]["mentions"]
    assert [m["text"] for m in a] == ["Mariupol"]
    assert set(a[0]) >= {"text", "start", "end", "name", "kind", "country", "lat", "lon"}
    assert a[0]["country"] == "UA" and a[0]["kind"] == "populated_place"
    text_a = (tmp_path / "a.txt").read_text(encoding="utf-8")
    assert text_a[a[0]["start"] : a[0]["end"]] == "Mariupol"
    assert [m["text"] for m in lines[1]["mentions"]] == ["Kursk", "Belgorod", "Russia"]
    assert main(["places", str(tmp_path)]) == 0
    assert capsys.readouterr().out == first  # byte-identical on a second run


def test_places_command_reports_unreadable_input(gz, capsys, tmp_path):
    from geomap.cli import main

    assert main(["places", str(tmp_path / "missing.txt")]) == 2
    err = capsys.readouterr().err
    assert "missing.txt" in err


def test_offsets_and_lines_survive_long_stretches_without_words(gz):
    """Blank lines, rules of dots and a tail with no words at all: offsets still point at the names, and a
    dateline-like line after them is still its own line (the tokeniser tracks lines as it goes)."""
    text = ("Troops moved towards Kharkiv.\n\n" + "." * 50_000 + "\n\n\nShelling hit Mariupol overnight.\n"
            + "-" * 50_000)
    found = [m for m in find_mentions(text, gz) if m.place is not None]
    assert [m.text for m in found] == ["Kharkiv", "Mariupol"]
    assert all(text[m.start : m.end] == m.text for m in found)
    assert find_mentions("." * 10_000, gz) == []
    assert find_mentions("", gz) == []


def test_possessives_are_cut_from_names(gz):
    text = "Kyiv's mayor spoke. Troops entered Kharkiv’s outskirts and Harris’ plane landed in Kharkiv."
    kharkiv = [m for m in find_mentions(text, gz) if m.text == "Kharkiv"]
    assert len(kharkiv) == 2 and all(text[m.start : m.end] == "Kharkiv" for m in kharkiv)


@pytest.mark.parametrize(
    "line",
    [
        "Soldiers at the base (Photo by John Smith)",
        "A column near the border (Photographs courtesy of the ministry)",
        "Tanks on a train via Getty Images",
        "Tanks on a train (Getty Images)",
        "Troops in Belgorod / AFP",
        "AFP PHOTO / Ministry of Defence",
        "MANDATORY CREDIT: Maxar",
        "Troops training (Sergei Grits via AP)",
        "Troops training (AP Photo/Sergei Grits)",
        "REUTERS/Maxim Shemetov",
        "Reuters/Maxim Shemetov",
        "Photo: ministry press office",
        "Tanks on a road. Shutterstock",
        "TOPSHOT - Troops march",
        "Ukrainian Presidential Press Service via AP",
        "Pool Photo via AP",
        "A bridge (File photo)",
        "Troops march. EPA-EFE/Stringer",
    ],
)
def test_every_kind_of_photo_credit_is_recognised(line):
    """The cheap literal pre-check in front of the caption regex must let every credit form through."""
    from geomap.mentions import _CAPTION_RE, _caption_in

    assert _CAPTION_RE.search(line) and _caption_in(line)


# --- the fast scans say what the plain patterns say ---------------------------------------------------------

_TRICKY_LINES = [
    "", "\n", "\n\nX", "  “Hello. ” (World) \r\n\r\n— KYIV, Feb 17 (Reuters) - x", "A. B! C? D: E; F… G",
    "\nKYIV — x\n\nMOSCOW, Russia, Jan. 5, 2022 - y. LONDON -- z", ". KYIV - a", "x. KYIV - a. BERLIN – b",
    "U.S.Army said. NATO'S chief, Harris’ trip and Kyiv’s mayor - ‘Quote’ * • bullet", "KHARKIV, Ukraine -\n",
]


def test_dateline_scan_finds_what_the_dateline_pattern_finds():
    """``_datelines`` tries the pattern only after a line start or ". ": the same matches as finditer."""
    from geomap.mentions import _DATELINE_RE, _datelines

    texts = _TRICKY_LINES + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    found = 0
    for text in texts:
        want = [(m.span(), m.groupdict()) for m in _DATELINE_RE.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _datelines(text)] == want, text[:60]
        found += len(want)
    assert found >= 5


def test_sentence_starts_are_those_of_one_line_start_or_sentence_end_pattern():
    """Tokens are sentence-initial after a sentence end or a line start, skipping spaces, quotes and bullets:
    the two character-class scans give the positions of the one readable pattern below."""
    import re

    from geomap.mentions import _sentence_starts, _tokenise

    reference = re.compile(r"(?:^|[.!?:;\n\r…])[ \t\"“”‘'(\[*•·–—\-\u00a0]*", re.MULTILINE)
    texts = _TRICKY_LINES + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for text in texts:
        assert _sentence_starts(text) == {m.end() for m in reference.finditer(text)}, text[:60]
    assert _tokenise("Troops left. Kyiv is quiet")[0][2].sent
    assert not _tokenise("troops left Kyiv")[0][2].sent
