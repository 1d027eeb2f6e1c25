"""Files for other tools and reports: events.geojson, events.gpkg, events.csv, unresolved.csv, map.html,
map_embed.html and map.png. Every file is written atomically (:mod:`geomap.atomic`), so an interrupted run
leaves the previous outputs intact, and deterministically: the same events give byte-identical files.

>>> from geomap.export import write_all
>>> paths = write_all(events, "output", unresolved=rows)      # doctest: +SKIP
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geomap.atomic import atomic_path, atomic_write_text
from geomap.event import Event
from geomap.layers import (Unresolved, build_layers, chunked, feature_style, geodesic_circle, in_id_order,
                            layer_key, stream_bounds)

__all__ = [
    "CSV_COLUMNS",
    "UNRESOLVED_COLUMNS",
    "events_geojson",
    "events_csv",
    "unresolved_csv",
    "write_geojson",
    "write_gpkg",
    "write_csv",
    "write_unresolved_csv",
    "write_map",
    "write_embed",
    "write_png",
    "write_all",
    "csv_safe",
]

COORD_DECIMALS = 6

CSV_COLUMNS = (
    "id", "event_date", "event_type", "sub_event_type", "location", "latitude", "longitude", "geo_precision",
    "time_precision", "status", "claimed_by", "units", "source", "notes",
)  # fmt: skip
UNRESOLVED_COLUMNS = ("report", "start", "end", "text", "reason")

# ACLED-style sub-event descriptions for the CSV (ACLED's own where one fits).
SUB_EVENT = {
    "shelling": "Shelling/artillery/missile attack",
    "strike": "Air/drone strike",
    "bridge": "Military bridging",
    "axis": "Possible axis of advance",
    "deployment": "Troop deployment",
    "movement": "Troop movement",
    "naval": "Naval activity",
    "air": "Air activity",
    "other": "Other military activity",
}
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3}  # ACLED: 1 day, 2 week, 3 month or wider


# ---------------------------------------------------------------------------------------------- geometry
def _rounded(g: BaseGeometry, decimals: int = COORD_DECIMALS) -> BaseGeometry:
    g = shapely.transform(g, lambda c: np.round(c, decimals))
    if g.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        g = shapely.orient_polygons(g, exterior_cw=False)  # RFC 7946: exteriors counter-clockwise
    return g


# ---------------------------------------------------------------------------------------------- GeoJSON
def _feature(e: Event) -> dict[str, Any]:
    props = e.properties()
    props.update(feature_style(e))
    props["layer"] = layer_key(e)
    return {"type": "Feature", "id": e.id, "geometry": mapping(_rounded(e.geometry)), "properties": props}


def _geojson_pieces(events: Iterable[Event]) -> Iterator[str]:
    """events.geojson as a stream of text pieces, one feature at a time: the same text as ``json.dumps`` of the
    whole FeatureCollection with ``indent=1`` (a feature is two levels deep; JSON strings hold no raw newline)."""
    yield '{\n "type": "FeatureCollection",\n "features": ['
    sep = "\n  "
    for e in in_id_order(events):
        yield sep + json.dumps(_feature(e), ensure_ascii=False, indent=1, allow_nan=False).replace("\n", "\n  ")
        sep = ",\n  "
    yield "]\n}\n" if sep == "\n  " else "\n ]\n}\n"


def events_geojson(events: Iterable[Event]) -> str:
    """The events.geojson text: an RFC 7946 FeatureCollection, lon/lat with at most 6 decimals, features in id
    order, the contract's properties plus simplestyle keys (``marker-color``, ``stroke``...)."""
    return "".join(_geojson_pieces(events))


def write_geojson(events: Iterable[Event], path: str | os.PathLike[str]) -> Path:
    """events.geojson, written as the events stream (one feature in memory at a time)."""
    _write_pieces(path, _geojson_pieces(events))
    return Path(path)


def _write_pieces(path: str | os.PathLike[str], pieces: Iterable[str]) -> None:
    """Text pieces to ``path`` atomically, UTF-8, no newline translation (see :mod:`geomap.atomic`)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        buf: list[str] = []
        size = 0
        for piece in pieces:
            buf.append(piece)
            size += len(piece)
            if size > 1 << 20:
                f.write("".join(buf))
                buf, size = [], 0
        f.write("".join(buf))
        f.flush()


# ---------------------------------------------------------------------------------------------- GeoPackage
def _gpkg_layers(events: Sequence[Event]) -> dict[str, list[dict[str, Any]]]:
    """One layer per geometry kind (QGIS wants one geometry type a layer), plus the drawn symbology that other
    tools cannot derive: arrowheads of axes and movements, and uncertainty circles."""
    layers: dict[str, list[dict[str, Any]]] = {"points": [], "lines": [], "areas": [], "arrowheads": [],
                                                "uncertainty": []}
    flat = ("title", "event_type", "date", "date_precision", "geo_precision", "uncertainty_m", "status", "phase")
    for st in build_layers(events):
        for item in st.items:
            e = item.event
            if e is None:
                continue
            base = {"event_id": e.id, "layer": st.key}
            base.update({k: getattr(e, k) for k in flat})
            base["claimed_by"] = "; ".join(e.claimed_by)
            base["units"] = "; ".join(e.units)
            base["places"] = "; ".join(f"{p.name} ({p.role})" for p in e.places)
            base["sources"] = len(e.sources)
            base["quote"] = e.sources[0].quote if e.sources else ""
            g = e.geometry
            kind = {"Point": "points", "MultiPoint": "points", "LineString": "lines",
                    "MultiLineString": "lines", "Polygon": "areas", "MultiPolygon": "areas"}.get(g.geom_type)
            if kind:
                layers[kind].append({**base, "geometry": _rounded(g)})
            for part in item.parts:
                if part.kind == "arrowhead":
                    layers["arrowheads"].append({**base, "geometry": _rounded(part.geometry)})
                elif part.kind == "circle":
                    circ = geodesic_circle(part.geometry.x, part.geometry.y, part.radius_m)
                    layers["uncertainty"].append({**base, "geometry": _rounded(circ)})
    return {k: v for k, v in layers.items() if v}


def write_gpkg(events: Iterable[Event], path: str | os.PathLike[str], *, chunk: int = 5000) -> Path:
    """events.gpkg: layers points, lines, areas (the events) and arrowheads, uncertainty (their symbology).
    Written ``chunk`` events at a time (each chunk appended to its layers), so memory does not grow with the
    number of events."""
    import geopandas as gpd

    with atomic_path(path) as tmp:
        made: set[str] = set()
        for evs in chunked(in_id_order(events), chunk):
            for name, rows in _gpkg_layers(evs).items():
                gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
                gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio", mode="a" if name in made else "w",
                            promote_to_multi=name in ("lines", "areas"),
                            metadata={"DESCRIPTION": "geomap events"} if name == "points" and name not in made else None)
                made.add(name)
        if not made:  # an empty GeoPackage still opens: one empty points layer
            gdf = gpd.GeoDataFrame({"event_id": []}, geometry=gpd.GeoSeries([], crs="EPSG:4326"))
            gdf.to_file(tmp, layer="points", driver="GPKG", engine="pyogrio",
                        metadata={"DESCRIPTION": "geomap events"})
        _strip_gpkg_timestamps(tmp)
    return Path(path)


def _strip_gpkg_timestamps(path: str | os.PathLike[str]) -> None:
    """GDAL stamps last_change with the wall clock and SQLite counts writes; fixed values keep the file
    byte-identical across runs."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        con.execute("UPDATE gpkg_contents SET last_change = '2000-01-01T00:00:00.000Z'")
        for (tbl,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'gpkg_metadata%'"):
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{tbl}")')]
            if "timestamp" in cols:
                con.execute(f"UPDATE \"{tbl}\" SET timestamp = '2000-01-01T00:00:00.000Z'")
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()
    # SQLite's header counts writes (bytes 24-27, mirrored at 92-95): fix it so equal content is equal bytes.
    with open(path, "r+b") as f:
        for offset in (24, 92):
            f.seek(offset)
            f.write((1).to_bytes(4, "big"))


# ---------------------------------------------------------------------------------------------- CSV
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """A text cell that a spreadsheet will not run as a formula (OWASP: prefix a quote)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def _location(e: Event) -> str:
    for role in ("location", "target"):
        for p in e.places:
            if p.role == role:
                return p.name or p.text
    return e.places[0].name if e.places else ""


def _csv_row(e: Event) -> dict[str, str]:
    pt = e.geometry if e.geometry.geom_type == "Point" else e.geometry.representative_point()
    quotes = " | ".join(s.quote for s in e.sources[:3])
    return {
        "id": csv_safe(e.id),
        "event_date": csv_safe(e.date or ""),
        "event_type": e.event_type,
        "sub_event_type": SUB_EVENT[e.event_type],
        "location": csv_safe(_location(e)),
        "latitude": f"{pt.y:.{COORD_DECIMALS}f}",
        "longitude": f"{pt.x:.{COORD_DECIMALS}f}",
        "geo_precision": str(e.geo_precision),
        "time_precision": str(TIME_PRECISION.get(e.date_precision or "", "")),
        "status": e.status,
        "claimed_by": csv_safe("; ".join(e.claimed_by)),
        "units": csv_safe("; ".join(e.units)),
        "source": csv_safe("; ".join(sorted({s.outlet or s.report for s in e.sources}))),
        "notes": csv_safe(f"{e.title}: {quotes}" if quotes else e.title),
    }


def _csv_pieces(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """CSV text a row at a time (header first), ``\\n`` line ends."""
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(r)
        if buf.tell() > 1 << 16:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def events_csv(events: Iterable[Event]) -> str:
    """events.csv: one row per event with ACLED-style columns (a point per event: lines and areas give a
    representative point); text cells are neutralised against formula injection."""
    return "".join(_csv_pieces(CSV_COLUMNS, (_csv_row(e) for e in in_id_order(events))))


def write_csv(events: Iterable[Event], path: str | os.PathLike[str]) -> Path:
    """events.csv, written as the events stream."""
    _write_pieces(path, _csv_pieces(CSV_COLUMNS, (_csv_row(e) for e in in_id_order(events))))
    return Path(path)


def _unresolved_pieces(rows: Iterable[Mapping[str, Any] | Unresolved], presorted: bool) -> Iterator[str]:
    items: Iterable[Unresolved] = (r if isinstance(r, Unresolved) else Unresolved.from_dict(r) for r in rows)
    if not presorted:
        items = sorted(items, key=lambda u: (u.report, u.start, u.end, u.reason, u.text))
    return _csv_pieces(
        UNRESOLVED_COLUMNS,
        ({"report": csv_safe(u.report), "start": u.start, "end": u.end, "text": csv_safe(u.text),
          "reason": csv_safe(u.reason)} for u in items),
    )


def unresolved_csv(rows: Iterable[Mapping[str, Any] | Unresolved], *, presorted: bool = False) -> str:
    """unresolved.csv: rows sorted by report, offsets, reason and text (``presorted``: they already are, as a
    corpus run's rows come from its spill file, and are streamed as they are)."""
    return "".join(_unresolved_pieces(rows, presorted))


def write_unresolved_csv(rows: Iterable[Mapping[str, Any] | Unresolved], path: str | os.PathLike[str], *,
                         presorted: bool = False) -> Path:
    _write_pieces(path, _unresolved_pieces(rows, presorted))
    return Path(path)


# ---------------------------------------------------------------------------------------------- HTML
def write_map(m: Any, path: str | os.PathLike[str]) -> Path:
    """map.html, written a piece at a time (a corpus map's items are copied from their files)."""
    from geomap.render import html_pieces

    _write_pieces(path, html_pieces(m))
    return Path(path)


def write_embed(map_file: str, path: str | os.PathLike[str], *, title: str = "geomap map") -> Path:
    """map_embed.html: the snippet to paste into a page or CMS; it frames the self-contained map file that
    sits beside it (a sandboxed iframe: the map's scripts run, but cannot touch the host page)."""
    name = html.escape(os.path.basename(map_file), quote=True)
    t = html.escape(title, quote=True)
    snippet = (
        f"<!-- geomap embed: copy this element into a page; keep {name} next to the page. -->\n"
        f'<div class="geomap-embed" style="position:relative;width:100%;max-width:1200px;aspect-ratio:4/3">\n'
        f'  <iframe src="{name}" title="{t}" loading="lazy" sandbox="allow-scripts allow-popups"\n'
        f'          style="position:absolute;inset:0;width:100%;height:100%;border:0"></iframe>\n'
        f"</div>\n"
    )
    atomic_write_text(path, snippet)
    return Path(path)


# ---------------------------------------------------------------------------------------------- PNG
def write_png(events: Iterable[Event], path: str | os.PathLike[str], *, basemap: Any = None,
              title: str = "Reported military events", bounds: tuple[float, float, float, float] | None = None) -> Path:
    """map.png: a static map for slides and PDFs (basemap, symbols, labels, legend), via matplotlib.
    ``bounds``: the events' (W, S, E, N), when known (saves a pass over a stream)."""
    from geomap.static_map import draw_png

    with atomic_path(path) as tmp:
        draw_png(in_id_order(events), tmp, basemap=basemap, title=title, bounds=bounds)
    return Path(path)


# ---------------------------------------------------------------------------------------------- all
def write_all(
    events: Iterable[Event],
    out_dir: str | os.PathLike[str],
    *,
    unresolved: Iterable[Mapping[str, Any]] = (),
    offline: bool = True,
    title: str | None = None,
    png: bool = True,
    unresolved_presorted: bool = False,
) -> list[Path]:
    """Every output into ``out_dir``: events.geojson, events.gpkg, events.csv, unresolved.csv, map.html,
    map_embed.html and map.png. Returns the paths written, in that order.

    ``events``: a list, or a re-iterable stream sorted by id (a corpus run's merged events, read from disk):
    the GeoJSON, GeoPackage and CSV files are then written as it streams. ``unresolved_presorted``: the rows
    come sorted (a corpus run's spill) and are streamed too."""
    from geomap.basemap import default_basemap
    from geomap.render import render
    from geomap.static_map import fit_extent

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if iter(events) is events:  # a one-shot iterator: every file below reads the events again
        events = list(events)
    if iter(unresolved) is unresolved:  # (the CSV and the map both read the rows)
        unresolved = list(unresolved)
    bounds = stream_bounds(in_id_order(events))
    # the basemap covers a screen-shaped view around the events (wider than their bbox), for HTML and PNG alike
    bm = default_basemap(fit_extent(bounds, 16 / 9)) if bounds is not None else None
    paths = [
        write_geojson(events, out / "events.geojson"),
        write_gpkg(events, out / "events.gpkg"),
        write_csv(events, out / "events.csv"),
        write_unresolved_csv(unresolved, out / "unresolved.csv", presorted=unresolved_presorted),
        write_map(render(events, offline=offline, basemap=bm if offline and bm is not None else False,
                         unresolved=unresolved, title=title), out / "map.html"),
        write_embed("map.html", out / "map_embed.html", title=title or "geomap map"),
    ]
    if png:
        paths.append(write_png(events, out / "map.png", basemap=bm, title=title or "Reported military events",
                               bounds=bounds))
    return paths
