"""Progress of a long run and its end-of-run summary.

Why: a million reports take hours; the user must see that the run moves (reports/s, MB/s, ETA) and, at the
end, what happened to every report: read, unchanged (incremental store), skipped and why, events, unresolved.

The bar goes to stderr, and only when stderr is a terminal (or ``enabled=True``): logs and pipes get the
summary alone, never carriage-return noise. Warnings are printed above the bar, one line each.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from geomap.parallel import ReportResult

__all__ = ["Progress", "Summary", "count_reports", "skip_reason"]

_SKIPPED = ("; skipped", "; not followed", "; rest of file skipped")


def skip_reason(warning: str) -> str | None:
    """The reason class of a reader warning (``path: reason; skipped``) that skipped an input, with the path
    and numbers taken out so that like counts with like; None for a warning that skipped nothing (e.g.
    damaged bytes replaced)."""
    end = next((s for s in _SKIPPED if warning.endswith(s)), None)
    if end is None:
        return None
    body = warning[: -len(end)]
    # the path comes first (jsonl: path:line:); reasons never start with a path, so cut at the last ": " that
    # is followed by a lowercase word (paths are shown with \\xNN escapes and cannot hold a newline)
    m = list(re.finditer(r": (?=[a-z'\d])", body))
    reason = body[m[0].end():] if m else body
    reason = re.sub(r"\s*\([^)]*\)", "", reason)
    reason = re.sub(r"\d+(?:\.\d+)?", "N", reason)
    if end == "; not followed":
        reason += " (not followed)"
    return reason.strip() or "skipped"


@dataclass
class Summary:
    """What a run did, for the end-of-run message (and for tests and benchmarks)."""

    read: int = 0  # reports read from the input (processed + unchanged)
    processed: int = 0
    unchanged: int = 0  # skipped because the store already holds their current result
    skipped: Counter = field(default_factory=Counter)  # inputs skipped, by reason
    failed: int = 0  # reports the extraction failed on (counted in skipped too)
    warnings: int = 0
    events: int = 0  # events from the processed reports, before merging across reports
    unresolved: int = 0
    chars: int = 0
    seconds: float = 0.0
    merged_events: int | None = None  # set by the caller after the merge

    def lines(self) -> list[str]:
        rate = ""
        if self.seconds > 0:
            rate = f" in {self.seconds:.1f} s"
            if self.processed:
                r = self.processed / self.seconds
                rate += f", {r:.0f} reports/s" if r >= 100 else f", {r:.1f} reports/s" if r >= 1 else f", {r:.2g} reports/s"
        out = [f"reports read: {self.read} (processed {self.processed}, unchanged {self.unchanged}){rate}"]
        n_skip = sum(self.skipped.values())
        if n_skip:
            reasons = ", ".join(f"{r}: {n}" for r, n in sorted(self.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
            out.append(f"skipped: {n_skip} ({reasons})")
        else:
            out.append("skipped: 0")
        ev = f"events: {self.events} from processed reports"
        if self.merged_events is not None:
            ev += f"; {self.merged_events} after merging"
        out.append(ev)
        out.append(f"unresolved: {self.unresolved}")
        if self.warnings:
            out.append(f"warnings: {self.warnings}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Progress:
    """Counts results as they come and draws a tqdm bar (reports/s, MB/s, ETA when ``total`` is known).

    ``warn`` is the reader's warning callback (``read_reports(..., warn=progress.warn)``)."""

    def __init__(self, *, total: int | None = None, enabled: bool | None = None, file: IO[str] | None = None,
                 quiet_warnings: bool = False) -> None:
        self.file = file if file is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.file, "isatty", lambda: False)())
        self.summary = Summary()
        self.quiet_warnings = quiet_warnings
        self._t0 = time.perf_counter()
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit=" reports", file=self.file, dynamic_ncols=True, mininterval=0.5,
                             smoothing=0.05, leave=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _print(self, line: str) -> None:
        if self._bar is not None:
            self._bar.write(line, file=self.file)
        else:
            print(line, file=self.file)

    def warn(self, line: str) -> None:
        """A reader warning: printed (one line) and, if it skipped an input, counted by reason."""
        self.summary.warnings += 1
        reason = skip_reason(line)
        if reason is not None:
            self.summary.skipped[reason] += 1
        if not self.quiet_warnings:
            self._print(f"geomap: warning: {line}")

    def unchanged(self, n: int) -> None:
        """``n`` more reports were found unchanged in the store (set, not added: pass the store's counter)."""
        delta = n - self.summary.unchanged
        if delta > 0:
            self.summary.unchanged = n
            self.summary.read += delta
            if self._bar is not None:
                self._bar.update(delta)

    def result(self, res: ReportResult) -> None:
        s = self.summary
        s.read += 1
        s.processed += 1
        s.chars += res.chars
        s.events += res.n_events
        s.unresolved += len(res.unresolved)
        s.warnings += len(res.warnings)
        if not self.quiet_warnings:
            for note in res.warnings:  # what the extraction warned about this report
                self._print(f"geomap: warning: {note}")
        if res.error is not None:
            s.failed += 1
            s.skipped["extraction failed"] += 1
            self._print(f"geomap: warning: {res.report_id}: extraction failed: {res.error.strip().splitlines()[-1]}; skipped")
        if self._bar is not None:
            self._bar.update(1)
            dt = time.perf_counter() - self._t0
            if dt > 0:
                self._bar.set_postfix_str(f"{s.chars / dt / 1e6:.2f} MB/s, {s.events} events", refresh=False)

    def stage(self, line: str) -> None:
        """What a long run does after the last report (the merge across reports): one line under the bar, when
        there is a bar (an interactive run), so that minutes without a moving bar are not taken for a hang."""
        if self._bar is not None:
            self._print(f"geomap: {line}")

    def restart_clock(self) -> None:
        """Count time from now: set-up before the reports flow (building the gazetteer index on a new machine,
        minutes) is not the run's throughput."""
        self._t0 = time.perf_counter()

    def close(self) -> Summary:
        self.summary.seconds = time.perf_counter() - self._t0
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        return self.summary


def count_reports(paths: list[str]) -> int:
    """How many reports the inputs hold, for the ETA: files of report types in folders, lines of JSON Lines
    files. Cheap next to extraction (a stat per file, a byte scan per JSON Lines file), and bounded in memory."""
    import gzip
    import os

    from geomap.reports import REPORT_SUFFIXES

    def lines(path: str) -> int:
        opener = gzip.open if path.endswith(".gz") else open
        n = 0
        try:
            with opener(path, "rb") as f:
                while block := f.read(1 << 20):
                    n += block.count(b"\n")
        except (OSError, EOFError):
            pass
        return n

    def one(path: str) -> int:
        if path.endswith((".jsonl", ".jsonl.gz")):
            return lines(path)
        return 1 if path.endswith(REPORT_SUFFIXES) else 0

    total = 0
    for p in paths:
        p = os.fspath(p)
        if os.path.isdir(p):
            for root, dirs, files in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                total += sum(one(os.path.join(root, f)) for f in files if not f.startswith("."))
        else:
            total += one(p)
    return total
