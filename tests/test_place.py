"""The gazetteer's value objects: validated on creation."""

from __future__ import annotations

import pytest

from gazetteer import Candidate, Kind, Match, Place


def _place() -> Place:
    return Place(id="t:1", name="Izium", kind="populated_place", country="UA", lat=49.2, lon=37.27)


def test_strings_become_members():
    p = _place()
    assert p.kind is Kind.POPULATED_PLACE
    c = Candidate(p, 0.5, "fuzzy", "Izyum", 0.9)
    assert c.match is Match.FUZZY


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        Candidate(_place(), 0.5, "guessed", "Izyum")
    with pytest.raises(ValueError):
        Candidate(_place(), 1.5, Match.EXACT, "Izium")
    with pytest.raises(ValueError):
        Place(id="t:2", name="Nowhere", kind=Kind.POPULATED_PLACE, lat=91.0, lon=0.0)
