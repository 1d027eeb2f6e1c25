"""The project's curated features: ``gazetteer/data/curated/*.geojson``.

What no package ships (rivers as lines, seas, straits, informal regions, bridges, dams, airfields,
training grounds, small villages...) is authored as GeoJSON FeatureCollections with, per feature, the
properties ``id``, ``name``, ``kind`` (a :class:`~gazetteer.place.Kind` value), ``country``, ``admin1``,
``aliases`` (list), ``population``, ``importance``, ``source`` and ``note``. Ids get the ``cur:`` prefix.

A bad feature is skipped with a one-line warning naming the file and the problem; the rest still loads.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import shapely
from shapely.geometry import shape

from gazetteer.place import Kind
from gazetteer.sources import Record

__all__ = ["curated_dir", "fingerprint_files", "records"]


def curated_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "curated"


def fingerprint_files(directory: Path | None = None) -> list[Path]:
    return sorted((directory or curated_dir()).glob("*.geojson"))


def _warn(msg: str) -> None:
    print(f"gazetteer: warning: {msg}", file=sys.stderr)


def _anchor(geom) -> tuple[float, float]:
    """A representative (lat, lon): the point, a line's midpoint, a polygon's inside point."""
    if geom.geom_type == "Point":
        return geom.y, geom.x
    if geom.geom_type in ("LineString", "MultiLineString"):
        line = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        if line.geom_type == "MultiLineString":
            line = max(line.geoms, key=lambda g: g.length)
        p = line.interpolate(0.5, normalized=True)
        return p.y, p.x
    p = geom.representative_point()
    return p.y, p.x


def _record(props: dict, geometry: dict | None) -> Record:
    if not isinstance(props, dict):
        raise ValueError("no properties")
    rid = str(props.get("id") or "").strip()
    name = str(props.get("name") or "").strip()
    if not rid or not name:
        raise ValueError("missing id or name")
    if not rid.startswith("cur:"):
        rid = "cur:" + rid
    kind = Kind(str(props.get("kind") or "").strip())
    if geometry is None:
        raise ValueError("no geometry")
    geom = shape(geometry)
    if geom.is_empty:
        raise ValueError("empty geometry")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    lat, lon = _anchor(geom)
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range ({lat}, {lon})")
    aliases = props.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [a for a in aliases.split("|")]
    if not isinstance(aliases, list):
        raise ValueError("aliases must be a list")
    pop = props.get("population") or 0
    imp = props.get("importance")
    imp = 0.5 if imp is None else float(imp)
    if not 0.0 <= imp <= 1.0:
        raise ValueError(f"importance {imp} not in 0..1")
    src = str(props.get("source") or "").strip()
    if not src:
        raise ValueError("missing source")
    country = str(props.get("country") or "").strip().upper()
    return Record(
        id=rid, name=name, kind=kind, country=country if len(country) == 2 else "",
        admin1=str(props.get("admin1") or "").strip(), population=max(int(pop), 0), lat=lat, lon=lon,
        geometry=None if geom.geom_type == "Point" else geom, importance=imp, source=src,
        aliases=tuple(sorted({str(a).strip() for a in aliases if str(a).strip() and str(a).strip() != name})),
    )


def records(directory: Path | None = None) -> list[Record]:
    """All valid curated features, sorted by id; duplicates keep the first file's row (files sorted)."""
    out: dict[str, Record] = {}
    for path in fingerprint_files(directory):
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            feats = data["features"]
            if not isinstance(feats, list):
                raise ValueError("features is not a list")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            _warn(f"{path.name}: unreadable FeatureCollection: {exc}")
            continue
        for n, feat in enumerate(feats):
            where = f"{path.name} feature {n}"
            try:
                rec = _record(feat.get("properties"), feat.get("geometry"))
            except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException) as exc:
                _warn(f"{where}: skipped: {exc}")
                continue
            if rec.id in out:
                _warn(f"{where}: duplicate id {rec.id} skipped")
                continue
            out[rec.id] = rec
    return [out[k] for k in sorted(out)]
