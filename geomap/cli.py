"""The `geomap` command line. Thin: it parses arguments and calls the library; only this module knows argv.

Exit codes: 0 everything processed; 1 some inputs were skipped or repaired (one warning line each, outputs
still written); 2 usage error, or nothing could be processed (nothing written); 130 interrupted (Ctrl-C) and
143 terminated (SIGTERM, as a job scheduler stops a job): outputs already written are intact and the run's
work files are deleted. ``geomap --debug COMMAND ...`` shows tracebacks instead of one-line errors.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="geomap", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = p.add_subparsers(dest="command", required=True)

    lk = sub.add_parser("lookup", help="resolve place names with the gazetteer")
    lk.add_argument("names", nargs="+", help="names to look up; '-' reads names from stdin, one per line")
    lk.add_argument("--country", help="ISO 3166-1 alpha-2 code to focus on, e.g. UA")
    lk.add_argument("--json", action="store_true", help="one JSON object per line")
    lk.add_argument("--limit", type=int, default=5)

    for name, help_ in (
        ("map", "reports -> map.html and every export in --out"),
        ("extract", "reports -> events.geojson only"),
        ("places", "reports -> the place mentions the pipeline kept"),
    ):
        sp = sub.add_parser(name, help=help_)
        sp.add_argument("paths", nargs="+", help=".txt/.md/.html reports or folders of them")
        sp.add_argument("--date", help="default report date (YYYY-MM-DD) when no sidecar gives one")
        if name == "map":
            sp.add_argument("--out", default="output", help="output folder (default: output)")
            mode = sp.add_mutually_exclusive_group()
            mode.add_argument("--offline", dest="online", action="store_false",
                              help="(default) one self-contained map.html: no external request at all")
            mode.add_argument("--online", dest="online", action="store_true",
                              help="add OpenStreetMap tiles under the offline basemap (needs a network to show)")
            sp.add_argument("--no-png", dest="png", action="store_false", help="skip the static map.png")
            sp.set_defaults(online=False)
        if name == "extract":
            sp.add_argument("-o", "--output", default="events.geojson")
        if name in ("map", "extract"):
            sp.add_argument("--jobs", type=int, default=1, help="local worker processes (0 = one per CPU)")
            sp.add_argument("--scheduler", help="Dask scheduler address tcp://HOST:8786, or 'local'")
            sp.add_argument("--dask", dest="scheduler", action="store_const", const="local",
                            help="same as --scheduler local: a local Dask cluster")
            sp.add_argument("--store", help="incremental events store (SQLite): re-runs process only new "
                            "or changed reports")
            sp.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                            help="progress bar on stderr (default: when stderr is a terminal)")
        if name == "places":
            sp.add_argument("--jsonl", action="store_true", help="one JSON line per report (the default)")
    return p


class _Terminated(BaseException):
    """SIGTERM, raised where the run is, so that it unwinds as from Ctrl-C: work files deleted, no half file."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        handler = {"lookup": _lookup, "map": _map, "extract": _extract, "places": _places}[args.command]
        return handler(args)
    except KeyboardInterrupt:
        print("geomap: interrupted; outputs already written are intact", file=sys.stderr)
        return 130
    except _Terminated:
        print("geomap: terminated; outputs already written are intact", file=sys.stderr)
        return 143
    except Exception as exc:  # the user gets one line, not a traceback, unless --debug
        if args.debug:
            raise
        print(f"geomap: error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        return 2
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _lookup(args: argparse.Namespace) -> int:
    """Resolve names; one JSON object per line with --json. Unresolved names are reported, not fatal."""
    import json

    from gazetteer import Gazetteer

    names: list[str] = []
    for n in args.names:
        if n == "-":
            names.extend(line.rstrip("\r\n") for line in sys.stdin)
        else:
            names.append(n)
    if args.limit is None or args.limit < 1:
        print("geomap: error: --limit must be a positive integer", file=sys.stderr)
        return 2
    country = (args.country or "").strip().upper() or None
    if country is not None and (len(country) != 2 or not country.isascii() or not country.isalpha()):
        print(f"geomap: error: --country must be an ISO 3166-1 alpha-2 code such as UA, got {args.country!r}",
              file=sys.stderr)
        return 2
    gz = Gazetteer.default()

    def brief(c) -> dict:
        p = c.place
        return {"name": p.name, "kind": p.kind.value, "country": p.country, "lat": p.lat, "lon": p.lon,
                "score": c.score, "id": p.id}

    unresolved = 0
    for name in names:
        result = gz.lookup(name, country=country, limit=args.limit)
        if not result:
            unresolved += 1
        if args.json:
            obj = {"query": name, "best": brief(result.best) if result.best else None,
                   "candidates": [brief(c) for c in result.candidates], "reason": result.reason}
            print(json.dumps(obj, ensure_ascii=False))
            continue
        shown = name if len(name) <= 80 else name[:77] + "..."
        shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
        if not result:
            print(f"{shown}: no result ({result.reason})")
            continue
        print(f"{shown}:")
        for c in result.candidates:
            p = c.place
            where = ", ".join(x for x in (p.admin1, p.country) if x)
            how = c.match.value if c.similarity >= 1.0 else f"{c.match.value} {c.similarity:.2f}"
            print(f"  {c.score:.3f}  {p.name} [{p.kind.value}] {where}  ({p.lat:.4f}, {p.lon:.4f})  {p.id}  "
                  f"via {c.matched_name!r} ({how})")
    return 1 if unresolved else 0  # 1: some names had no result (each one says why)


def _corpus_run(args: argparse.Namespace, write) -> int:
    """Run the pipeline for `map` and `extract` and hand the corpus (merged events and unresolved rows, read
    from work files as they are written: beside --store, else in the temporary folder, $TMPDIR) to
    ``write``; exit 2 after one error line when no report could be read."""
    from contextlib import ExitStack

    from geomap.progress import Progress
    from geomap.reports import parse_iso_date
    from geomap.run import extract_corpus

    if args.date is not None:
        try:
            parse_iso_date(args.date)
        except ValueError as exc:
            print(f"geomap: error: --date: {exc}", file=sys.stderr)
            return 2
    with ExitStack() as stack:
        with Progress(enabled=args.progress) as progress:
            corpus = stack.enter_context(extract_corpus(
                args.paths, default_date=args.date, jobs=args.jobs, scheduler=args.scheduler, store=args.store,
                progress=progress))
        summary = progress.summary
        summary.merged_events = len(corpus.events)
        if summary.read == 0:
            print("geomap: error: no readable report in the given paths", file=sys.stderr)
            return 2
        written = write(corpus)
    return _finish(summary, written)


def _finish(summary, written: list) -> int:
    for line in summary.lines():
        print(f"geomap: {line}", file=sys.stderr)
    for path in written:
        print(path)
    return 1 if (summary.warnings or sum(summary.skipped.values())) else 0


def _map(args: argparse.Namespace) -> int:
    from geomap.export import write_all

    return _corpus_run(args, lambda c: write_all(
        c.events, args.out, unresolved=c.unresolved, unresolved_presorted=True, offline=not args.online,
        png=args.png))


def _extract(args: argparse.Namespace) -> int:
    from geomap.export import write_geojson

    out = Path(args.output)

    def write(corpus) -> list:
        out.parent.mkdir(parents=True, exist_ok=True)
        return [write_geojson(corpus.events, out)]

    return _corpus_run(args, write)


def _places(args: argparse.Namespace) -> int:
    """One JSON line per report: every place mention the geoparser kept (resolved ones; datelines and
    historical references included, flagged in "role"). Reports come in the reader's deterministic order."""
    import json

    from gazetteer import Gazetteer
    from geomap.mentions import find_mentions
    from geomap.reports import WarningPrinter, read_reports

    warn = WarningPrinter()
    gz = Gazetteer.default()
    out = sys.stdout
    n = 0
    for report in read_reports(args.paths, default_date=args.date, warn=warn):
        n += 1
        rows = []
        for m in find_mentions(report.text, gz, published=report.published):
            p = m.place
            if p is None:
                continue
            rows.append(
                {
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "name": p.name,
                    "kind": p.kind.value,
                    "country": p.country,
                    "lat": round(p.lat, 6),
                    "lon": round(p.lon, 6),
                    "gazetteer_id": p.id,
                    "role": m.role_hint,
                }
            )
        out.write(json.dumps({"report": report.id, "mentions": rows}, ensure_ascii=False, sort_keys=False) + "\n")
    out.flush()
    if n == 0:
        print("geomap: error: no readable report in the given paths", file=sys.stderr)
        return 2
    return 1 if warn.count else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
