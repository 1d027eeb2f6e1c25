"""Extraction throughput: report text -> Events, end to end on one core with the world gazetteer.

    python -m bench.bench_extract [--repeat 2] [--limit N]

What is timed: for every report, ``geomap.run.extract_report`` (place recogniser, event detection, relative
locations and axes as geometry, merge within the report), then one ``merge_events`` across all reports: the
whole of ``geomap.run.extract`` except reading files (the reports are built in memory so disk and decoding are
not counted; the reader has its own benchmark in bench_hostile). Throughput is UTF-8 bytes of report text per
second of wall time, single process (one core). The first pass runs right after opening the gazetteer (cold
caches: the name table, borders, bands); later passes reuse one Locator (warm caches), as a long run does.

Corpora: the five seed reports (military news, dense in events) and, when ../shared/bench/ is present, the
texts of LGL (588 local US news articles) and GeoVirus (229 disease news articles): ordinary news with few
military events, the bulk of what a crawler would feed the pipeline. Missing corpora are skipped with a note.
"""

from __future__ import annotations

import argparse
import platform
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT.parent / "shared" / "bench"


def _corpus_reports(limit: int | None):
    from geomap.reports import Report

    out: dict[str, list[Report]] = {}
    out["seeds"] = [
        Report(id=p.name, text=p.read_text(encoding="utf-8"), published="2022-02-17")
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    ]
    for name, fname in (("LGL", "lgl.xml"), ("GeoVirus", "GeoVirus.xml")):
        path = BENCH_DIR / fname
        if not path.exists():
            print(f"note: {path} not found; {name} skipped")
            continue
        texts = [el.text or "" for el in ET.parse(path).getroot().iter("text")]
        out[name] = [Report(id=f"{name}/{i}", text=t, published="2012-01-01") for i, t in enumerate(texts[:limit])]
    return out


def _run(reports, gz, locator):
    from geomap.merge import merge_events
    from geomap.run import extract_report

    t0 = time.perf_counter()
    events = []
    unresolved = 0
    for r in reports:
        evs, rows = extract_report(r, gz, locator=locator)
        events.extend(evs)
        unresolved += len(rows)
    merged = merge_events(events)
    return time.perf_counter() - t0, len(merged), unresolved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=2, help="passes over each corpus (first is cold)")
    ap.add_argument("--limit", type=int, default=None, help="at most N documents per public corpus")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    from gazetteer import Gazetteer
    from geomap.where import Locator

    gz = Gazetteer.default()
    print(f"gazetteer opened in {time.perf_counter() - t0:.2f} s")
    corpora = _corpus_reports(args.limit)
    locator = Locator(gz)
    rows = []
    for name, reports in corpora.items():
        size = sum(len(r.text.encode("utf-8")) for r in reports)
        for i in range(args.repeat):
            secs, n_events, n_unres = _run(reports, gz, locator)
            rows.append((name, len(reports), size, i + 1, secs, size / secs / 1e6, n_events, n_unres))
    print(f"\nmachine: {platform.processor() or platform.machine()}, Python {platform.python_version()}, one process")
    print("| corpus | reports | MB | pass | seconds | MB/s | events | unresolved rows |")
    print("|---|---|---|---|---|---|---|---|")
    for name, n, size, p, secs, mbs, ev, un in rows:
        print(f"| {name} | {n} | {size / 1e6:.3f} | {p} | {secs:.2f} | {mbs:.2f} | {ev} | {un} |")
    total = [r for r in rows if r[3] == args.repeat]
    size = sum(r[2] for r in total)
    secs = sum(r[4] for r in total)
    print(f"\nall corpora, last pass: {size / 1e6:.3f} MB in {secs:.2f} s = {size / secs / 1e6:.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
