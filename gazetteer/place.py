"""Typed, immutable records the gazetteer hands out.

A :class:`Place` is one real-world feature (a town, a river, a strait, a bridge...) with a geometry.
A :class:`Candidate` is a place proposed for a query, with the score and how the name was matched.
A :class:`LookupResult` is the ranked answer to one query, or an empty answer with the reason.

Every record implements ``__geo_interface__`` so it flows into shapely, geopandas and folium:

>>> p = Place(id="gn:702658", name="Luhansk", kind=Kind.POPULATED_PLACE, country="UA",
...           admin1="Luhansk", population=452000, lat=48.567, lon=39.317)
>>> p.__geo_interface__["geometry"]["coordinates"]
(39.317, 48.567)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import shapely
from shapely.geometry import Point, mapping
from shapely.geometry.base import BaseGeometry

__all__ = ["Kind", "Place", "Candidate", "LookupResult", "Match"]


class Kind(str, Enum):
    """What a place is. Values are stable strings used in the index, JSON and GeoJSON."""

    POPULATED_PLACE = "populated_place"
    COUNTRY = "country"
    ADMIN1 = "admin1"  # oblast, province, state, republic
    ADMIN2 = "admin2"  # second-level unit: US county or parish (gazetteer/data/admin2)
    REGION = "region"  # informal or historical region: Donbas, Polesia, Crimea (as a region)
    RIVER = "river"
    SEA = "sea"
    STRAIT = "strait"
    GULF = "gulf"
    LAKE = "lake"
    RESERVOIR = "reservoir"
    CANAL = "canal"
    ISLAND = "island"
    PENINSULA = "peninsula"
    BRIDGE = "bridge"
    DAM = "dam"
    POWER_PLANT = "power_plant"
    AIRFIELD = "airfield"
    MILITARY_BASE = "military_base"
    TRAINING_GROUND = "training_ground"
    NAVAL_BASE = "naval_base"
    PORT = "port"
    BORDER_CROSSING = "border_crossing"
    RAILWAY_STATION = "railway_station"
    LANDMARK = "landmark"
    OTHER = "other"


class Match(str, Enum):
    """How a query reached a name: stretched further down the list."""

    EXACT = "exact"  # same string, case-insensitive
    FOLDED = "folded"  # equal after folding (diacritics, apostrophes, hyphens, suffixes)
    TRANSLIT = "translit"  # equal after transliteration (Cyrillic, uk/ru romanisation systems)
    FUZZY = "fuzzy"  # edit-distance match; see Candidate.similarity


def _check_lat_lon(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of WGS84 range: lat={lat!r} lon={lon!r}")


@dataclass(frozen=True, slots=True)
class Place:
    """One feature of the gazetteer.

    ``lat``/``lon`` is a representative point (the town centre, a point on the river, a polygon's inside
    point); ``geometry_wkb`` is the full geometry when it is not a point (rivers are lines, seas and regions
    polygons). ``id`` is stable across builds: ``gn:<geonameid>``, ``ne0:<ISO2>``, ``ne1:<code>``,
    ``cur:<slug>`` for curated rows, ``adm2:us-<FIPS>`` for US counties.
    """

    id: str
    name: str
    kind: Kind
    country: str = ""  # ISO 3166-1 alpha-2; "" for seas and cross-border features
    admin1: str = ""
    population: int = 0
    lat: float = 0.0
    lon: float = 0.0
    geometry_wkb: bytes | None = field(default=None, repr=False)
    importance: float = 0.0  # 0..1, for ranking features without population (seas, rivers, bases)
    source: str = ""

    def __post_init__(self) -> None:
        if not self.id or not self.name:
            raise ValueError("a Place needs an id and a name")
        if not isinstance(self.kind, Kind):
            object.__setattr__(self, "kind", Kind(self.kind))
        # the range test alone also refuses NaN and infinities (every comparison with NaN is false)
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            _check_lat_lon(self.lat, self.lon)
        if self.population < 0:
            raise ValueError(f"negative population for {self.id}: {self.population}")

    @property
    def point(self) -> Point:
        return Point(self.lon, self.lat)

    @property
    def geometry(self) -> BaseGeometry:
        """The full geometry (a Point when the source has nothing better)."""
        if self.geometry_wkb is None:
            return self.point
        return shapely.from_wkb(self.geometry_wkb)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": mapping(self.geometry),
            "properties": {
                "name": self.name,
                "kind": self.kind.value,
                "country": self.country,
                "admin1": self.admin1,
                "population": self.population,
                "source": self.source,
            },
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place proposed for a query. ``score`` in 0..1 ranks candidates; ``similarity`` in 0..1 says how far
    the name was stretched (1.0 for exact, folded and transliterated matches, lower for fuzzy ones)."""

    place: Place
    score: float
    match: Match
    matched_name: str
    similarity: float = 1.0

    def __post_init__(self) -> None:
        if self.match.__class__ is not Match:  # "fuzzy" -> Match.FUZZY: callers may compare by identity
            object.__setattr__(self, "match", Match(self.match))
        if not 0.0 <= self.score <= 1.0 or not 0.0 <= self.similarity <= 1.0:
            raise ValueError(f"score and similarity must be in 0..1, got {self.score}, {self.similarity}")

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        feature = self.place.__geo_interface__
        feature["properties"] = {
            **feature["properties"],
            "score": self.score,
            "match": self.match.value,
            "matched_name": self.matched_name,
            "similarity": self.similarity,
        }
        return feature


@dataclass(frozen=True, slots=True)
class LookupResult:
    """The answer to one query: candidates best first, or none and the ``reason``."""

    query: str
    candidates: tuple[Candidate, ...] = ()
    reason: str | None = None

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    def __bool__(self) -> bool:
        return bool(self.candidates)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": [c.__geo_interface__ for c in self.candidates]}
