"""Coverage-guided fuzzing (atheris / libFuzzer) of report reading and, once it exists, of extraction.

Bounded in time, so it can run in CI or by hand:

    python -m bench.fuzz_extract --seconds 60            # all targets
    python -m bench.fuzz_extract --seconds 30 --target read

atheris is a bench-only dependency (``pip install atheris``); it is not needed to use or test geomap.

Targets (the first bytes of each input choose one): ``decode`` (bytes -> text -> HTML -> normalised text,
dates), ``normalise`` (any Unicode), ``meta`` (sidecar JSON validation), ``read`` (a real file + sidecar
through ``read_reports``), ``mentions`` (``geomap.mentions.find_mentions``) and ``extract``
(``geomap.run.extract_report``), both with the world gazetteer and skipped with a note while not importable.
Every target checks invariants, not just "no exception": normalisation is idempotent and writable as UTF-8,
dates are real dates, URLs are http(s), each file gives at most one warning line (plus one for its sidecar),
mention offsets point at the mention, event offsets at the quoted text, places and geometries are valid and
inside WGS84 bounds.

The parent process runs libFuzzer in a child, keeps its log, and prints a one-paragraph summary: executions,
coverage, and any crash with the path of the input that caused it (replay: ``--replay FILE``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TARGETS = ("decode", "normalise", "meta", "read", "mentions", "extract")
ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------------------------- the child


def _child(args: argparse.Namespace, libfuzzer_argv: list[str]) -> None:
    import atheris

    targets = [t for t in TARGETS if t in args.target] if args.target else list(TARGETS)
    extract = mentions = None
    with atheris.instrument_imports(include=["geomap", "gazetteer"]):  # coverage guidance inside these only
        from geomap import reports as rp

        if "extract" in targets:
            extract = _load_extract()
            if extract is None:
                targets.remove("extract")
        if "mentions" in targets:
            mentions = _load_mentions()
            if mentions is None:
                targets.remove("mentions")
    print(f"fuzz targets: {', '.join(targets)}", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="geomap-fuzz-"))

    def check_decode(data: bytes, html: bool) -> None:
        try:
            text, _enc, problem = rp.decode_bytes(data, html=html)
        except ValueError as exc:
            assert "binary" in str(exc), exc
            return
        assert problem is None or "\n" not in problem
        if html:
            text, title = rp.html_to_text(text)
            assert isinstance(title, str)
        check_normalise(text)

    def check_normalise(text: str) -> None:
        out = rp.normalise_text(text)
        assert rp.normalise_text(out) == out, "normalise_text not idempotent"
        out.encode("utf-8")
        d = rp.infer_date(out)
        assert d is None or rp.parse_iso_date(d) == d

    def check_meta(text: str) -> None:
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            return
        good, problems = rp._validate_meta(obj)
        if "url" in good:
            assert re.match(r"(?i)https?://", good["url"]), good["url"]
        if "published" in good:
            assert rp.parse_iso_date(good["published"]) == good["published"]
        assert all("\n" not in p for p in problems)

    def check_read(data: bytes, meta: bytes, suffix: str) -> None:
        folder = scratch / "in"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        (folder / f"r{suffix}").write_bytes(data)
        if meta:
            (folder / "r.meta.json").write_bytes(meta)
        warnings: list[str] = []
        reports = list(rp.read_reports([folder], warn=warnings.append, max_bytes=1 << 20))
        assert all("\n" not in w and w.startswith(str(folder)) for w in warnings), warnings
        if suffix != ".jsonl":
            assert len(reports) <= 1 and len(warnings) <= 2, (reports, warnings)
        for r in reports:
            assert r.text and rp.normalise_text(r.text) == r.text
            assert r.url == "" or rp.safe_url(r.url) == r.url

    def check_mentions(text: str) -> None:
        text = rp.normalise_text(text)
        found = mentions(text)
        assert [m.start for m in found] == sorted(m.start for m in found)
        for m in found:
            assert text[m.start : m.end] == m.text, (m, text)
            if m.place is not None:
                assert -90 <= m.place.lat <= 90 and -180 <= m.place.lon <= 180, m.place

    def check_extract(text: str) -> None:
        report = rp.Report(id="fuzz.txt", text=rp.normalise_text(text), published="2022-02-17", date_source="meta")
        events, rows = extract(report)
        for row in rows:
            assert report.text[row["start"] : row["end"]] == row["text"], (row, report.text)
        for event in events:
            assert event.sources, event
            for s in event.sources:
                assert report.text[s.start : s.end] == s.quote, (s, report.text)
            g = event.geometry
            assert g.is_valid and not g.is_empty, g.wkt
            minx, miny, maxx, maxy = g.bounds
            assert -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90, g.bounds

    def one_input(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        target = targets[fdp.ConsumeIntInRange(0, len(targets) - 1)]
        if target == "decode":
            check_decode(fdp.ConsumeBytes(fdp.remaining_bytes()), html=fdp.ConsumeBool())
        elif target == "normalise":
            check_normalise(fdp.ConsumeUnicode(fdp.remaining_bytes()))
        elif target == "meta":
            check_meta(fdp.ConsumeUnicode(fdp.remaining_bytes()))
        elif target == "read":
            suffix = (".txt", ".md", ".html", ".jsonl")[fdp.ConsumeIntInRange(0, 3)]
            meta = fdp.ConsumeBytes(fdp.ConsumeIntInRange(0, 256))
            check_read(fdp.ConsumeBytes(fdp.remaining_bytes()), meta, suffix)
        elif target == "mentions":
            check_mentions(fdp.ConsumeUnicode(fdp.remaining_bytes()))
        else:
            check_extract(fdp.ConsumeUnicode(fdp.remaining_bytes()))

    if args.replay:
        one_input(Path(args.replay).read_bytes())
        print("replay: no failure", file=sys.stderr)
        return
    atheris.Setup([sys.argv[0], *libfuzzer_argv], one_input)
    atheris.Fuzz()


def _gazetteer():
    try:
        from gazetteer import Gazetteer

        return Gazetteer.default()
    except Exception as exc:  # noqa: BLE001 - any failure to open the gazetteer only disables these targets
        print(f"gazetteer not available ({exc})", file=sys.stderr)
        return None


def _load_mentions():
    try:
        from geomap.mentions import find_mentions
    except ImportError as exc:
        print(f"mentions target skipped: geomap.mentions not importable ({exc})", file=sys.stderr)
        return None
    gz = _gazetteer()
    return None if gz is None else (lambda text: find_mentions(text, gz))


def _load_extract():
    """``report -> (events, unresolved rows)`` through geomap.run.extract_report, or None without a gazetteer."""
    from geomap.run import extract_report
    from geomap.where import Locator

    gz = _gazetteer()
    if gz is None:
        return None
    locator = Locator(gz)
    return lambda report: extract_report(report, gz, locator=locator)


# -------------------------------------------------------------------------------------------- the parent


def _seed_corpus(folder: Path) -> None:
    """Starting inputs: the first 2 kB of each seed report and a few hand-made hostile shapes."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(sorted((ROOT / "seeds").glob("*.txt"))):
        (folder / f"seed{i}").write_bytes(bytes([i % 5]) + p.read_bytes()[:2048])
    samples = [
        b"\x00" + "Войска у Белгорода, 17 февраля 2022.".encode("cp1251"),
        b"\x00\x01" + b"<html><script>x</script><nav>m</nav><p>Shelling near Avdiivka</p></html>",
        b"\x02" + b'{"published": "2022-02-30", "url": "javascript:alert(1)", "outlet": 5}',
        b"\x03\x03" + b'{"id": 1, "text": "Troops near Kharkiv"}\n{oops\n',
        b"\x00" + "\ufeffKyiv, Feb. 17, 2022".encode("utf-16-le"),
    ]
    for i, s in enumerate(samples):
        (folder / f"hostile{i}").write_bytes(s)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=60, help="total fuzzing time (default 60)")
    ap.add_argument("--target", action="append", choices=TARGETS, help="restrict to these targets")
    ap.add_argument("--out", default=None, help="folder for the log and crash inputs (default: a temp folder)")
    ap.add_argument("--replay", help="run one saved input through the targets and show the failure")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args, rest = ap.parse_known_args(argv)
    if args.child or args.replay:
        _child(args, rest)
        return 0

    out = Path(args.out or tempfile.mkdtemp(prefix="geomap-fuzz-out-"))
    corpus = out / "corpus"
    crashes = out / "crashes"
    crashes.mkdir(parents=True, exist_ok=True)
    _seed_corpus(corpus)
    cmd = [sys.executable, "-m", "bench.fuzz_extract", "--child"]
    for t in args.target or []:
        cmd += ["--target", t]
    cmd += [str(corpus), f"-max_total_time={args.seconds}", "-timeout=20", "-rss_limit_mb=4096",
            "-max_len=16384", f"-artifact_prefix={crashes}/", "-print_final_stats=1"]
    log_path = out / "fuzz.log"
    with open(log_path, "w") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    log_text = log_path.read_text(errors="replace")
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log_text)
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log_text)
    found = sorted(p.name for p in crashes.iterdir())
    print(f"fuzzed {args.seconds}s: exit {proc.returncode}, executions {runs[-1] if runs else '?'}, "
          f"coverage (cov/ft) {'/'.join(cov[-1]) if cov else '?'}, crash inputs: {len(found)}")
    for line in log_text.splitlines():
        if line.startswith(("fuzz targets", "extract target skipped", "mentions target skipped", "gazetteer not")):
            print(line)
    if proc.returncode != 0 or found:
        tb = log_text[log_text.find("=== Uncaught Python exception"):][:3000]
        print(tb or log_text[-3000:])
        for name in found:
            print(f"crash input: {crashes / name}  (replay: python -m bench.fuzz_extract --replay {crashes / name})")
    print(f"log: {log_path}")
    return 1 if (proc.returncode != 0 or found) else 0


if __name__ == "__main__":
    sys.exit(main())
