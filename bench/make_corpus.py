"""A synthetic wire-copy corpus for the scale benchmarks: N reports of 300-3,000 words, deterministic by seed.

Why synthetic: the scale benchmarks need 10^3-10^6 reports of realistic length and density of place names;
no public corpus of military reports that size ships in a registry. Texts are assembled from varied wire-copy
templates (shelling, strikes, movements, deployments, bridges, naval and air activity, datelines, quotes,
diplomacy and background paragraphs, people whose names are also places), with place names drawn from the
gazetteer (populated places, facilities, rivers and regions in and around Eastern Europe), so the pipeline
does its full work: mentions, lookups, event detection, geometry.

    python -m bench.make_corpus --reports 100000 --out /tmp/corpus.jsonl.gz
    python -m bench.make_corpus --reports 1000 --out /tmp/corpus/       # one .txt + .meta.json per report

The same seed and the same gazetteer give byte-identical output (no clock, no set order).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["make_reports", "write_corpus", "place_pool"]

BBOX = (22.0, 43.5, 41.0, 56.5)  # W, S, E, N: Ukraine, Belarus, western Russia, Moldova, eastern Poland

OUTLETS = ["Wire Service A", "Regional Desk", "Kyiv Bureau", "Defence Monitor", "Evening Courier", "Field Notes"]
CLAIMANTS = ["Ukrainian armed forces said", "the Russian Ministry of Defense said", "Western officials said",
             "a senior US defense official told reporters", "local authorities said", "separatist leaders claimed",
             "the General Staff said in a statement", "satellite imagery reviewed by analysts showed"]
UNITS = ["the 150th Motor Rifle Division", "the 1st Guards Tank Army", "T-72 tanks", "Iskander missile launchers",
         "a battalion tactical group", "S-400 air defence systems", "the 20th Combined Arms Army",
         "Su-25 ground attack aircraft", "BMP-2 infantry fighting vehicles", "self-propelled howitzers"]
DAYS = ["on Monday", "on Tuesday", "early Wednesday", "overnight on Thursday", "on Friday", "late Saturday",
        "on Sunday", "earlier this week", "this morning", "last night"]
DIRECTIONS = ["north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"]
PEOPLE = ["Lloyd Austin", "Antony Blinken", "Jake Sullivan", "Olaf Scholz", "Emmanuel Macron", "Jens Stoltenberg",
          "Sergei Lavrov", "Dmitry Peskov", "Kamala Harris", "Rand Paul"]

EVENT_TEMPLATES = [
    "{claim} that {place} came under artillery fire {day}, damaging several houses.",
    "Shelling was reported near {place} {day}, {claim}.",
    "{claim} that a missile strike hit a fuel depot in {place} {day}.",
    "Columns of {unit} were seen moving from {place} towards {place2} {day}, {claim}.",
    "{unit} have been deployed to {place}, about {km} km from the border, {claim}.",
    "{claim} that {unit} had arrived at a field camp {km}km {dir} of {place}.",
    "A pontoon bridge was built across the {river} near {place}, {claim}.",
    "Engineers laid a bridge over the {river} less than {km} miles from the border {day}, {claim}.",
    "Warships were seen off {place} {day}, {claim}.",
    "{claim} that fighter jets flew low over {place} {day}.",
    "Explosions were heard in {place} {day}; {claim} the cause was not yet known.",
    "Troops withdrew from positions near {place} {day}, {claim}, though the claim could not be verified.",
    "Satellite images showed new tents and vehicles at {facility}.",
    "{claim} that the road between {place} and {place2} had been closed to civilian traffic.",
]
FILLER_TEMPLATES = [
    "{person} said the situation remained tense and urged restraint on all sides.",
    "Talks between the two delegations are expected to resume {day} in a neutral venue.",
    "Markets fell sharply as investors weighed the risk of a wider conflict.",
    "Residents of {place} said they had prepared bags with documents and water in case they had to leave.",
    "Energy prices rose for a third day, with analysts pointing to supply worries.",
    "\"We are watching very closely,\" {person} told reporters, declining to give details.",
    "The embassy advised citizens to avoid travel to the region until further notice.",
    "Officials in {place} said schools would stay open and public transport was running normally.",
    "The statement could not be independently verified.",
    "Humanitarian groups said they were moving supplies closer to {place} as a precaution.",
    "{person} is expected to brief lawmakers later this week.",
    "The agreement, signed years ago, has never been fully implemented, diplomats said.",
    "Analysts noted that similar movements had been seen during earlier exercises.",
    "Long queues formed at petrol stations in {place}, according to local media.",
]
HEADLINES = ["Tensions rise near {place}", "Troops seen moving near {place}", "Live updates: border crisis",
             "Officials report shelling near {place}", "What we know about the build-up around {place}"]


def place_pool(gz: Any) -> dict[str, list[str]]:
    """Place names from the gazetteer for the templates: the most important populated places, facilities and
    rivers in the benchmark region (sorted by the gazetteer's own order: deterministic)."""
    from gazetteer import Kind

    def names(kinds: list[Kind], n: int) -> list[str]:
        seen: dict[str, None] = {}
        for p in gz.features(kinds, bbox=BBOX):
            if p.name.isascii() and 3 <= len(p.name) <= 30 and p.name[0].isupper():
                seen.setdefault(p.name)
            if len(seen) >= n:
                break
        return list(seen)

    pool = {
        "place": names([Kind.POPULATED_PLACE], 3000),
        "facility": names([Kind.AIRFIELD, Kind.MILITARY_BASE, Kind.BRIDGE, Kind.DAM, Kind.POWER_PLANT], 200),
        "river": names([Kind.RIVER], 100),
    }
    if not pool["place"]:
        raise RuntimeError("the gazetteer has no populated places in the benchmark region")
    pool["facility"] = pool["facility"] or pool["place"]
    pool["river"] = [r if r.lower().endswith("river") else f"{r} River" for r in pool["river"]] or ["Dnieper River"]
    return pool


def _fill(rng: random.Random, template: str, pool: dict[str, list[str]]) -> str:
    # places: Zipf-like (a few important places often, then a long tail), as in real news
    def place() -> str:
        ps = pool["place"]
        if rng.random() < 0.6:
            return ps[min(len(ps) - 1, int(rng.paretovariate(1.0)) - 1)]
        return ps[rng.randrange(len(ps))]

    return template.format(
        place=place(), place2=place(), claim=rng.choice(CLAIMANTS), day=rng.choice(DAYS),
        unit=rng.choice(UNITS), km=rng.choice([3, 5, 10, 16, 25, 40, 60, 120]), dir=rng.choice(DIRECTIONS),
        river=rng.choice(pool["river"]), facility=rng.choice(pool["facility"]), person=rng.choice(PEOPLE),
    )


def _cap(s: str) -> str:
    return s[0].upper() + s[1:]


def make_reports(n: int, *, seed: int = 0, gz: Any = None, start: int = 0) -> Iterator[dict[str, Any]]:
    """``n`` report records ``{"id", "text", "published", "url", "outlet"}`` (ids ``start``..``start+n-1``);
    report i depends only on (seed, i) and the gazetteer, so a grown corpus keeps its first reports."""
    if gz is None:
        from gazetteer import Gazetteer

        gz = Gazetteer.default(progress=False)
    pool = place_pool(gz)
    base = dt.date(2022, 1, 1)
    for i in range(start, start + n):
        rng = random.Random(f"{seed}:{i}")
        target = int(300 * 10 ** rng.random())  # log-uniform 300..3,000 words
        published = base + dt.timedelta(days=rng.randrange(90))
        dateline = _fill(rng, "{place}", pool).upper()
        paras = [f"{dateline}, {published:%B} {published.day} ({rng.choice(OUTLETS)}) -- "
                 + _cap(_fill(rng, rng.choice(EVENT_TEMPLATES), pool))]
        words = len(paras[0].split())
        while words < target:
            k = rng.randrange(1, 5)
            sents = [_cap(_fill(rng, rng.choice(EVENT_TEMPLATES if rng.random() < 0.35 else FILLER_TEMPLATES),
                                pool)) for _ in range(k)]
            para = " ".join(sents)
            paras.append(para)
            words += len(para.split())
        title = _fill(rng, rng.choice(HEADLINES), pool)
        yield {"id": f"r{i:08d}", "title": title, "text": title + "\n\n" + "\n\n".join(paras),
               "published": published.isoformat(), "url": f"https://example.org/wire/{seed}/{i}",
               "outlet": rng.choice(OUTLETS)}


def write_corpus(out: str | os.PathLike[str], n: int, *, seed: int = 0, gz: Any = None, start: int = 0) -> int:
    """Write the corpus as ``.jsonl``/``.jsonl.gz`` (one report per line) or, for any other path, as a folder of
    ``.txt`` files with ``.meta.json`` sidecars. Returns the number of text bytes written."""
    out = Path(out)
    total = 0
    if out.name.endswith((".jsonl", ".jsonl.gz")):
        out.parent.mkdir(parents=True, exist_ok=True)
        opener = gzip.open if out.name.endswith(".gz") else open
        # mtime=0: the gzip header holds no timestamp, so the file is byte-identical for the same seed
        with (gzip.GzipFile(out, "wb", compresslevel=6, mtime=0) if opener is gzip.open else open(out, "wb")) as f:
            for rec in make_reports(n, seed=seed, gz=gz, start=start):
                del rec["title"]
                total += len(rec["text"].encode())
                f.write((json.dumps(rec, ensure_ascii=False) + "\n").encode())
        return total
    out.mkdir(parents=True, exist_ok=True)
    for rec in make_reports(n, seed=seed, gz=gz, start=start):
        sub = out / rec["id"][:-3]  # 1,000 reports per folder
        sub.mkdir(exist_ok=True)
        (sub / f"{rec['id']}.txt").write_text(rec["text"], encoding="utf-8")
        meta = {k: rec[k] for k in ("published", "url", "outlet")}
        (sub / f"{rec['id']}.txt.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        total += len(rec["text"].encode())
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0, help="first report number (to grow a corpus)")
    ap.add_argument("--out", required=True, help="file.jsonl[.gz] or a folder")
    args = ap.parse_args(argv)
    nbytes = write_corpus(args.out, args.reports, seed=args.seed, start=args.start)
    print(f"{args.out}: {args.reports} reports, {nbytes / 1e6:.1f} MB of text", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
