"""The Mention record: a place name found in a report's text, and what the gazetteer made of it."""

from __future__ import annotations

from dataclasses import dataclass

from gazetteer import Candidate, Place

__all__ = ["Mention"]


@dataclass(frozen=True, slots=True)
class Mention:
    """``text`` is ``report.text[start:end]``. ``place`` is the resolved place, or None with ``reason`` when
    the name could not be placed (it then goes to unresolved.csv). Mentions that are not locations at all
    (people, governments, agreements) are not Mentions: the recogniser drops them."""

    text: str
    start: int
    end: int
    place: Place | None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad mention offsets {self.start}..{self.end}")
