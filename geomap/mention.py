"""The Mention record: a place name found in a report's text, and what the gazetteer made of it."""

from __future__ import annotations

from dataclasses import dataclass

from gazetteer import Candidate, Place

__all__ = ["Mention", "ROLE_HINTS"]

#: What a mention is besides "a location the report talks about". Event extraction should not build events
#: on ``dateline`` (where the report was filed) or ``historical`` (a place tied to a past year, "Georgia in
#: 2008") mentions; ``actor`` marks a country used as the subject of a speech or decision verb ("Russia said").
ROLE_HINTS = ("dateline", "historical", "actor")


@dataclass(frozen=True, slots=True)
class Mention:
    """``text`` is ``report.text[start:end]``. ``place`` is the resolved place, or None with ``reason`` when
    the name could not be placed (it then goes to unresolved.csv). Mentions that are not locations at all
    (people, governments, agreements) are not Mentions: the recogniser drops them (see
    :func:`geomap.mentions.find_rejections`).

    ``match`` says how the name reached the gazetteer ("exact", "folded", "translit", "fuzzy", "demonym",
    "abbreviation"); ``role_hint`` is one of :data:`ROLE_HINTS` or None.
    """

    text: str
    start: int
    end: int
    place: Place | None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None
    match: str = ""
    role_hint: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad mention offsets {self.start}..{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError(f"mention text {self.text!r} does not span {self.start}..{self.end}")
        if self.role_hint is not None and self.role_hint not in ROLE_HINTS:
            raise ValueError(f"unknown role_hint {self.role_hint!r}; expected one of {ROLE_HINTS}")
