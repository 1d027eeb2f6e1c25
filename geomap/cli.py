"""The `geomap` command line. Thin: it parses arguments and calls the library; only this module knows argv.

Exit codes: 0 everything processed; 1 some inputs were skipped (warnings printed, outputs still written);
2 usage error or nothing could be processed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

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
            sp.add_argument("--offline", action="store_true", help="inline all assets; no external request")
        if name == "extract":
            sp.add_argument("-o", "--output", default="events.geojson")
        if name == "places":
            sp.add_argument("--jsonl", action="store_true", help="one JSON line per report (the default)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        handler = {"lookup": _lookup, "map": _map, "extract": _extract, "places": _places}[args.command]
        return handler(args)
    except KeyboardInterrupt:
        print("geomap: interrupted; outputs already written are intact", file=sys.stderr)
        return 130
    except Exception as exc:  # the user gets one line, not a traceback, unless --debug
        if args.debug:
            raise
        print(f"geomap: error: {exc}", file=sys.stderr)
        return 2


def _lookup(args: argparse.Namespace) -> int:
    raise NotImplementedError("geomap lookup")


def _map(args: argparse.Namespace) -> int:
    raise NotImplementedError("geomap map")


def _extract(args: argparse.Namespace) -> int:
    raise NotImplementedError("geomap extract")


def _places(args: argparse.Namespace) -> int:
    raise NotImplementedError("geomap places")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
