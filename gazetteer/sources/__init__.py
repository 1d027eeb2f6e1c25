"""Upstream readers, one module per source. Each yields :class:`Record` rows the index builder stores.

Sources only read packaged data (PyPI packages, the Debian Natural Earth GeoPackage, the project's curated
files); nothing here downloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry.base import BaseGeometry

from gazetteer.place import Kind

__all__ = ["Record", "SourceMissing"]


class SourceMissing(RuntimeError):
    """An upstream data file is not installed."""


@dataclass(slots=True)
class Record:
    """One feature as a source describes it, before indexing."""

    id: str
    name: str
    kind: Kind
    country: str = ""
    admin1: str = ""
    population: int = 0
    lat: float = 0.0
    lon: float = 0.0
    geometry: BaseGeometry | None = None  # None for plain points
    importance: float = 0.0
    source: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
