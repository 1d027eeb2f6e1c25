"""Relative and absolute date expressions resolved against a report's date."""

from datetime import date

import pytest

from geomap.dates import find_dates, infer_report_date, parse_iso, resolve

THU = date(2022, 2, 17)  # a Thursday


@pytest.mark.parametrize(
    "expr, expected",
    [
        ("Thursday", (date(2022, 2, 17), "day")),
        ("early Thursday", (date(2022, 2, 17), "day")),
        ("overnight on Tuesday", (date(2022, 2, 15), "day")),
        ("late Wednesday", (date(2022, 2, 16), "day")),
        ("Wednesday evening", (date(2022, 2, 16), "day")),
        ("last Thursday", (date(2022, 2, 10), "day")),
        ("on Friday", (date(2022, 2, 11), "day")),  # the last Friday before a Thursday report
        ("yesterday", (date(2022, 2, 16), "day")),
        ("last night", (date(2022, 2, 16), "day")),
        ("today", (date(2022, 2, 17), "day")),
        ("last week", (date(2022, 2, 7), "week")),
        ("earlier this week", (date(2022, 2, 14), "week")),
        ("next week", (date(2022, 2, 21), "week")),
        ("in recent days", (date(2022, 2, 14), "week")),
        ("in recent weeks", (date(2022, 2, 1), "month")),
        ("on Feb. 16", (date(2022, 2, 16), "day")),
        ("February 17, 2022", (date(2022, 2, 17), "day")),
        ("January 6, 2022", (date(2022, 1, 6), "day")),
        ("17 February 2022", (date(2022, 2, 17), "day")),
        ("2022-02-16", (date(2022, 2, 16), "day")),
        ("mid-February", (date(2022, 2, 1), "month")),
        ("in December", (date(2021, 12, 1), "month")),  # a month after the report's month is last year's
        ("since 2014", (date(2014, 1, 1), "year")),
    ],
)
def test_resolve(expr, expected):
    assert resolve(expr, THU) == expected


def test_month_day_without_year_takes_the_nearest_past_year():
    assert resolve("on Dec. 30", date(2022, 1, 3)) == (date(2021, 12, 30), "day")


def test_words_that_are_not_dates():
    assert resolve("Russia may invade", THU) is None
    assert resolve("the march to the border", THU) is None
    assert resolve("we expect nothing", THU) is None


def test_relative_dates_need_a_reference_but_full_dates_do_not():
    assert resolve("Thursday", None) is None
    assert resolve("February 17, 2022", None) == (date(2022, 2, 17), "day")


def test_find_dates_gives_offsets_into_the_text_and_marks_since():
    text = "Shelling began early Thursday; fighting has gone on since 2014."
    spans = find_dates(text, THU)
    assert [text[s.start : s.end] for s in spans] == ["early Thursday", "since 2014"]
    assert [s.since for s in spans] == [False, True]


def test_find_dates_inside_a_window():
    text = "On Monday troops moved. On Tuesday they stopped."
    spans = find_dates(text, THU, 24)
    assert [s.date for s in spans] == [date(2022, 2, 15)]


def test_infer_report_date_is_the_latest_full_date():
    assert infer_report_date("Photo taken on January 6, 2022. Updated February 17, 2022 at noon.") == date(2022, 2, 17)
    assert infer_report_date("No dates here, only Thursday.") is None


def test_parse_iso():
    assert parse_iso("2022-02-17T10:00:00Z") == date(2022, 2, 17)
    assert parse_iso("") is None
    assert parse_iso("not a date") is None


def test_case_and_unusual_letters_do_not_change_what_is_found():
    """Dates are matched on lowercased text where that is equivalent; the words reported are the text's own,
    and a window starting mid-word does not make a word boundary there."""
    text = "On MONDAY troops moved; ſince March 2021 KİEV said on Tuesday, Feb. 15, 2022. XFriday"
    spans = find_dates(text, THU)
    assert [text[s.start : s.end] for s in spans] == [s.text for s in spans]
    assert [s.text for s in spans] == ["On MONDAY", "ſince March 2021", "on Tuesday", "Feb. 15, 2022"]
    assert [s.since for s in spans] == [False, True, False, False]  # (IGNORECASE reads a long s as "s")
    assert [s.text for s in find_dates("On Monday troops moved. XFriday", THU, 1)] == ["Monday"]
    assert find_dates("XFriday", THU, 1) == []
    assert [s.text for s in find_dates("the 14th February attack", THU)] == ["14th February"]


def test_date_patterns_are_written_in_lowercase():
    import re

    from geomap.dates import _DATE_RE

    assert _DATE_RE.flags & re.IGNORECASE
    assert not re.search("[A-Z]", re.sub(r"\\[A-Za-z]|\(\?P", "", _DATE_RE.pattern))
