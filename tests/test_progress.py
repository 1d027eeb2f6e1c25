"""Progress and the end-of-run summary: skip reasons counted by class, no bar when stderr is not a terminal."""

from __future__ import annotations

import io

from geomap.parallel import ReportResult
from geomap.progress import Progress, count_reports, skip_reason


def test_skip_reasons_are_classed_without_paths_or_numbers():
    assert skip_reason("a/b.txt: empty file; skipped") == "empty file"
    assert skip_reason("feed.jsonl:12: not valid JSON (Expecting value at column 1); skipped") == "not valid JSON"
    assert skip_reason("feed.jsonl:13: not valid JSON (Extra data at column 9); skipped") == "not valid JSON"
    assert skip_reason("big.txt: 200.0 MB, over the 20.0 MB limit for one report; skipped") == \
        "N MB, over the N MB limit for one report"
    assert skip_reason("d/l: symlink leads outside d; not followed") == "symlink leads outside d (not followed)"
    assert skip_reason("x.txt: invalid UTF-8: 1 damaged spot(s), bytes replaced with U+FFFD") is None


def test_summary_counts_everything_and_no_bar_off_a_terminal():
    err = io.StringIO()
    p = Progress(file=err)  # StringIO is not a TTY: no bar
    p.warn("a.txt: empty file; skipped")
    p.warn("b.txt: empty file; skipped")
    p.warn("c.txt: invalid UTF-8: 1 damaged spot(s), bytes replaced with U+FFFD")
    p.unchanged(3)
    p.result(ReportResult("d.txt", "0" * 64, unresolved=({"x": 1},), chars=100))
    p.result(ReportResult("e.txt", "1" * 64, error="extraction failed: ValueError: bad", chars=10))
    s = p.close()
    assert (s.read, s.processed, s.unchanged, s.failed, s.unresolved) == (5, 2, 3, 1, 1)
    assert s.skipped == {"empty file": 2, "extraction failed": 1}
    text = str(s)
    assert "reports read: 5 (processed 2, unchanged 3)" in text
    assert "skipped: 3 (empty file: 2, extraction failed: 1)" in text
    assert "\r" not in err.getvalue() and err.getvalue().count("\n") == 4  # the 3 warnings + the failure


def test_summary_rate_is_readable_at_any_speed():
    from geomap.progress import Summary

    assert "in 270.0 s, 0.019 reports/s" in str(Summary(read=5, processed=5, seconds=270.0))
    assert "in 0.5 s, 10.0 reports/s" in str(Summary(read=5, processed=5, seconds=0.5))
    assert "in 2.0 s, 25000 reports/s" in str(Summary(read=50000, processed=50000, seconds=2.0))


def test_set_up_time_is_not_counted():
    import time

    p = Progress(file=io.StringIO())
    time.sleep(0.2)  # set-up, e.g. building the gazetteer index on a new machine
    p.restart_clock()
    p.result(ReportResult("d.txt", "0" * 64, chars=100))
    assert p.close().seconds < 0.2


def test_bar_when_asked(tmp_path):
    err = io.StringIO()
    with Progress(total=2, enabled=True, file=err) as p:
        p.result(ReportResult("d.txt", "0" * 64, chars=100))
        p.result(ReportResult("e.txt", "1" * 64, chars=100))
    assert "2/2" in err.getvalue()


def test_count_reports_counts_files_and_json_lines(tmp_path):
    import gzip

    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.txt").write_text("x")
    (tmp_path / "d" / "b.html").write_text("x")
    (tmp_path / "d" / "a.txt.meta.json").write_text("{}")
    (tmp_path / "d" / ".hidden.txt").write_text("x")
    with gzip.open(tmp_path / "d" / "f.jsonl.gz", "wt") as f:
        f.write('{"text": "a"}\n{"text": "b"}\n{"text": "c"}\n')
    assert count_reports([str(tmp_path / "d")]) == 5


def test_a_stage_line_shows_under_the_bar_only():
    """After the last report a long merge follows: an interactive run says so; a logged run stays as it was."""
    out = io.StringIO()
    with Progress(enabled=True, file=out) as p:
        p.stage("merging 2,095,661 events across reports")
    assert "geomap: merging 2,095,661 events across reports" in out.getvalue()
    quiet = io.StringIO()
    with Progress(enabled=False, file=quiet) as p:
        p.stage("merging 10 events across reports")
    assert quiet.getvalue() == ""


def test_a_warning_raised_while_extracting_a_report_is_shown_not_only_counted():
    err = io.StringIO()
    p = Progress(file=err)
    p.result(ReportResult("d.txt", "0" * 64, warnings=("d.txt: RuntimeWarning: invalid value in sqrt",), chars=100))
    s = p.close()
    assert s.warnings == 1
    assert "geomap: warning: d.txt: RuntimeWarning: invalid value in sqrt\n" in err.getvalue()


def test_an_unclosed_file_found_while_a_report_is_extracted_is_not_that_reports_warning():
    import gc

    from geomap.parallel import process_report
    from geomap.reports import Report

    def work(report, gz):
        open(__file__)  # noqa: SIM115 - left open on purpose: the collector warns about it, as about any leftover
        gc.collect()
        return [], []

    res = process_report(Report(id="r.txt", text="Nothing here."), None, work)
    assert res.warnings == () and res.error is None
