"""The incremental events store: a second run processes only new or changed reports, a removed report's
events go, a killed run leaves a usable store, and what comes back out is what went in."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from geomap.parallel import ReportResult, map_reports
from geomap.reports import Report
from geomap.store import EventStore, StoreError, decode_event, encode_event
from test_parallel import cheap_work, canonical, corpus

FP = "test-pipeline-1"


def run(store: EventStore, reports: list[Report], gz, jobs: int = 1) -> list[str]:
    """One incremental run; returns the ids that were (re)processed."""
    done = []
    for res in map_reports(store.pending(reports), jobs=jobs, chunk=2, work=cheap_work, gazetteer=gz):
        store.put(res)
        done.append(res.report_id)
    store.remove_missing()
    return done


def test_second_run_processes_only_new_and_changed_reports(tmp_path, gz):
    path = tmp_path / "events.sqlite"
    reports = corpus(20)
    with EventStore.open(path, fingerprint=FP) as store:
        assert run(store, reports, gz) == [r.id for r in reports]
    grown = reports + corpus(23)[20:]
    grown[5] = Report(id=grown[5].id, text=grown[5].text + " Shelling was reported in Odesa.",
                      published=grown[5].published)
    with EventStore.open(path, fingerprint=FP) as store:
        assert run(store, grown, gz) == [grown[5].id, "r0020.txt", "r0021.txt", "r0022.txt"]
        assert store.unchanged == 19
        changed = next(r for r in store.results() if r.report_id == grown[5].id)
        assert "Odesa" in [s.quote for e in changed.events for s in e.sources]
    with EventStore.open(path, fingerprint=FP) as store:
        assert run(store, grown, gz) == []  # nothing new: nothing to do


def test_store_renders_the_same_results_as_a_fresh_run(tmp_path, gz):
    reports = corpus(30)
    fresh = sorted(map_reports(reports, work=cheap_work, gazetteer=gz), key=lambda r: r.report_id)
    with EventStore.open(tmp_path / "s.sqlite", fingerprint=FP) as store:
        run(store, reports[:10], gz)
        run(store, reports, gz, jobs=2)  # the rest, in two processes
        stored = list(store.results())
    assert canonical(stored) == canonical(fresh)


def test_removed_report_takes_its_events_with_it(tmp_path, gz):
    reports = corpus(10)
    with EventStore.open(tmp_path / "s.sqlite", fingerprint=FP) as store:
        run(store, reports, gz)
        before = store.counts()
        gone = reports.pop(3)
        run(store, reports, gz)
        after = store.counts()
        assert store.known(gone.id) is None
        assert gone.id not in {s.report for r in store.results() for e in r.events for s in e.sources}
        assert after["reports"] == before["reports"] - 1 and after["events"] < before["events"]
        assert store.remove_missing([reports[0].id]) == len(reports) - 1  # explicit id list
        assert [r.report_id for r in store.results()] == [reports[0].id]


def test_results_are_sorted_by_report_id_whatever_the_put_order(tmp_path, gz):
    reports = list(reversed(corpus(8)))
    with EventStore.open(tmp_path / "s.sqlite", fingerprint=FP) as store:
        run(store, reports, gz)
        assert [r.report_id for r in store.results()] == sorted(r.id for r in reports)


def test_event_encoding_round_trips_exactly():
    from factories import sample_events

    for e in sample_events():
        back = decode_event(json.loads(json.dumps(encode_event(e))))
        assert back == e or back.__geo_interface__ == e.__geo_interface__
        assert json.dumps(back.__geo_interface__, sort_keys=True) == json.dumps(e.__geo_interface__, sort_keys=True)


def test_failed_report_is_stored_with_its_error_and_retried_only_when_changed(tmp_path, gz):
    store = EventStore.open(tmp_path / "s.sqlite", fingerprint=FP)
    bad = ReportResult("x.txt", "0" * 64, error="extraction failed: ValueError: nope")
    store.put(bad)
    assert store.counts()["errors"] == 1 and list(store.results())[0].error == bad.error
    store.close()


def test_changed_pipeline_empties_the_store(tmp_path, gz):
    path = tmp_path / "s.sqlite"
    with EventStore.open(path, fingerprint=FP) as store:
        run(store, corpus(5), gz)
    with EventStore.open(path, fingerprint="another pipeline") as store:
        assert store.invalidated and len(store) == 0
        assert len(run(store, corpus(5), gz)) == 5


def test_other_schema_or_foreign_file_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "s.sqlite"
    EventStore.open(path, fingerprint=FP).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '0' WHERE key = 'schema'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match=r"s\.sqlite: events store schema '0'"):
        EventStore.open(path, fingerprint=FP)
    other = tmp_path / "other.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t (x)")
    con.close()
    with pytest.raises(StoreError, match="not a geomap events store"):
        EventStore.open(other, fingerprint=FP)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="junk.sqlite"):
        EventStore.open(junk, fingerprint=FP)


_CRASH = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {tests!r})
    from gazetteer import Gazetteer
    from geomap.parallel import map_reports
    from geomap.store import EventStore
    from test_parallel import cheap_work, corpus
    gz = Gazetteer.open({gz!r})
    store = EventStore.open({path!r}, fingerprint={fp!r}, commit_every=5)
    for i, res in enumerate(map_reports(store.pending(corpus(40)), work=cheap_work, gazetteer=gz)):
        store.put(res)
        if i == 22:
            os._exit(9)   # killed mid-run: no close, no commit of the last batch
""")


def test_store_survives_a_run_killed_mid_way(tmp_path, gz):
    path = tmp_path / "s.sqlite"
    script = _CRASH.format(tests=os.path.dirname(__file__), gz=str(gz.path), path=str(path), fp=FP)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    with EventStore.open(path, fingerprint=FP) as store:
        kept = len(store)
        assert kept == 20  # the committed batches (4 x 5); the 3 uncommitted puts are lost, nothing half-written
        assert all(r.ok for r in store.results())
        redone = run(store, corpus(40), gz)
        assert len(redone) == 40 - kept
        assert [r.report_id for r in store.results()] == [r.id for r in corpus(40)]


def test_seeds_rendered_from_the_store_equal_the_single_pass_pipeline(tmp_path, gz):
    """The real pipeline: per-report work in two processes, stored, merged from the store, finalised as run.extract
    does (run._public / run._is_event until run exposes that step) gives byte-identical events."""
    from conftest import SEEDS

    from geomap import run
    from geomap.merge import merge_events
    from geomap.reports import read_reports

    def dump(events):
        return json.dumps([e.__geo_interface__ for e in events], sort_keys=True)

    direct = dump(run.extract([SEEDS], gz=gz))
    with EventStore.open(tmp_path / "s.sqlite", fingerprint=FP) as store:
        for res in map_reports(store.pending(read_reports([SEEDS])), jobs=2, gazetteer=gz):
            store.put(res)
        store.remove_missing()
        events = [e for r in store.results() for e in r.events]
    assert dump([run._public(e) for e in merge_events(events) if run._is_event(e)]) == direct


def _rows(path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT id, hash, n_events, n_unresolved, error, chars, payload FROM reports ORDER BY id").fetchall()
    finally:
        con.close()


def test_payload_encoded_on_the_workers_is_the_one_the_writer_would_encode(tmp_path, gz):
    """Results bound for the store (map_reports(encode=True)) carry their payload and not their events; the
    stored rows are byte-identical to a store whose writer encoded every result itself."""
    reports = corpus(24)
    reports[4] = Report(id=reports[4].id, text="BOOM near Odesa")
    from test_parallel import failing_work

    with EventStore.open(tmp_path / "writer.sqlite", fingerprint=FP, commit_every=7) as store:
        for res in map_reports(store.pending(reports), work=failing_work, gazetteer=gz):
            assert res.payload is None
            store.put(res)
    for jobs in (1, 2):
        path = tmp_path / f"workers{jobs}.sqlite"
        with EventStore.open(path, fingerprint=FP, commit_every=7) as store:
            out = list(map_reports(store.pending(reports), jobs=jobs, chunk=3, work=failing_work, gazetteer=gz,
                                   encode=True))
            for res in out:
                store.put(res)
            assert store.counts()["events"] == sum(r.n_events for r in out) > 24
        if jobs == 2:
            assert all(r.payload is not None and r.events == () for r in out)
        assert _rows(path) == _rows(tmp_path / "writer.sqlite")
        with EventStore.open(path, fingerprint=FP) as store:
            assert canonical(list(store.results())) == canonical(list(map_reports(reports, work=failing_work, gazetteer=gz)))


def test_puts_are_written_in_batches_and_seen_before_they_are(tmp_path, gz):
    """A put result is known (and counted) at once, though rows reach SQLite only every ``commit_every``."""
    path = tmp_path / "s.sqlite"
    results = list(map_reports(corpus(5), work=cheap_work, gazetteer=gz))
    with EventStore.open(path, fingerprint=FP, commit_every=3) as store:
        for res in results[:4]:
            store.put(res)
        assert len(_rows(path)) == 3  # another connection sees the committed batch only
        assert store.known(results[3].report_id) == results[3].content_hash
        assert store.counts()["reports"] == 4  # counting writes what is pending first
        assert [r.id for r in store.pending(corpus(5))] == [results[4].report_id]
    assert len(_rows(path)) == 4
