"""The Event record: one mappable military event and the words it came from.

This is the contract between extraction (text -> events) and everything that draws or exports events.
``Event.__geo_interface__`` is one RFC 7946 Feature of ``events.geojson`` (see the README for the schema).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

__all__ = [
    "EVENT_TYPES",
    "STATUSES",
    "ROLES",
    "PlaceRef",
    "Source",
    "Event",
    "event_id",
]

EVENT_TYPES = ("shelling", "strike", "bridge", "axis", "deployment", "movement", "naval", "air", "other")
STATUSES = ("reported", "confirmed", "disputed", "projected")
ROLES = ("location", "origin", "target", "via")
DATE_PRECISIONS = ("day", "week", "month", "year")

Role = Literal["location", "origin", "target", "via"]


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place an event names: as written (``text``), as resolved (``name``, ``gazetteer_id``), and its role.
    ``gazetteer_id`` is empty for places the pipeline constructed (a point on a border, a river segment)."""

    text: str
    name: str
    gazetteer_id: str
    role: Role = "location"

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, got {self.role!r}")

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "name": self.name, "gazetteer_id": self.gazetteer_id, "role": self.role}


@dataclass(frozen=True, slots=True)
class Source:
    """Where in which report an event is told: character offsets into the report text and the sentence."""

    report: str
    start: int
    end: int
    quote: str
    url: str = ""
    outlet: str = ""
    published: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad offsets {self.start}..{self.end} in {self.report}")

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"report": self.report, "start": self.start, "end": self.end, "quote": self.quote}
        for k in ("url", "outlet", "published"):
            if getattr(self, k):
                d[k] = getattr(self, k)
        return d


def event_id(event_type: str, key: str) -> str:
    """A stable id from what makes the event itself (type + where + when), not from its position in a run."""
    return event_type[:3] + "-" + hashlib.sha1(f"{event_type}|{key}".encode()).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Event:
    """One military event. ``geometry`` is WGS84 lon/lat; its uncertainty is ``uncertainty_m`` around it and
    ``geo_precision`` (1 the place itself, 2 near or part of it, 3 a wider region, as in ACLED)."""

    id: str
    event_type: str
    title: str
    geometry: BaseGeometry
    places: tuple[PlaceRef, ...]
    sources: tuple[Source, ...]
    date: str | None = None  # ISO 8601 date, or None when the text gives none
    date_precision: str | None = None  # day / week / month / year
    date_inferred: bool = False  # True when the date came from the text rather than metadata or --date
    geo_precision: int = 1
    uncertainty_m: float = 0.0
    status: str = "reported"
    claimed_by: tuple[str, ...] = ()
    phase: int | None = None
    units: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # e.g. "origin_inferred", "distance_conflict"
    extra: tuple[tuple[str, Any], ...] = field(default=())  # further properties, sorted by key

    def __post_init__(self) -> None:
        if self.event_type not in EVENT_TYPES:
            raise ValueError(f"event_type must be one of {EVENT_TYPES}, got {self.event_type!r}")
        if self.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {self.status!r}")
        if self.geo_precision not in (1, 2, 3):
            raise ValueError(f"geo_precision must be 1, 2 or 3, got {self.geo_precision!r}")
        if self.date_precision is not None and self.date_precision not in DATE_PRECISIONS:
            raise ValueError(f"date_precision must be one of {DATE_PRECISIONS}, got {self.date_precision!r}")
        if self.uncertainty_m < 0:
            raise ValueError("uncertainty_m must be >= 0")
        if self.geometry is None or self.geometry.is_empty:
            raise ValueError(f"event {self.id} has no geometry")
        if not self.sources:
            raise ValueError(f"event {self.id} has no source")

    def properties(self) -> dict[str, Any]:
        """The GeoJSON properties of the events.geojson contract (without simplestyle keys)."""
        props: dict[str, Any] = {
            "event_type": self.event_type,
            "title": self.title,
            "date": self.date,
            "date_precision": self.date_precision,
            "date_inferred": self.date_inferred,
            "places": [p.as_dict() for p in self.places],
            "geo_precision": self.geo_precision,
            "uncertainty_m": round(self.uncertainty_m),
            "status": self.status,
            "claimed_by": list(self.claimed_by),
            "phase": self.phase,
            "units": list(self.units),
            "flags": list(self.flags),
            "sources": [s.as_dict() for s in self.sources],
        }
        props.update(dict(self.extra))
        return props

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "Feature", "id": self.id, "geometry": mapping(self.geometry), "properties": self.properties()}
