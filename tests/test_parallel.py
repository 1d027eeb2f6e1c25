"""map_reports: the same results, in the same order, in one process, in two processes and on Dask; bounded
work in flight; one failing report does not stop the run."""

from __future__ import annotations

import json
import os
import re

import pytest
from shapely.geometry import Point

from geomap.event import Event, PlaceRef, Source, event_id
from geomap.parallel import ReportResult, content_hash, map_reports
from geomap.reports import Report

_CAPS = re.compile(r"\b[A-Z][a-z]{3,}\b")


def cheap_work(report: Report, gz) -> tuple[list[Event], list[dict]]:
    """A fast stand-in for run.extract_report that still uses the worker's gazetteer: every capitalised word
    the gazetteer knows exactly becomes an 'other' event at that place; the others are unresolved."""
    events, unresolved = [], []
    for m in _CAPS.finditer(report.text):
        res = gz.lookup(m.group(), fuzzy=False, limit=1)
        if res.best is None:
            unresolved.append({"report": report.id, "text": m.group(), "start": m.start(), "end": m.end(),
                               "reason": "not in gazetteer"})
            continue
        p = res.best.place
        events.append(Event(id=event_id("other", f"{report.id}|{m.start()}"), event_type="other", title=p.name,
                            geometry=Point(p.lon, p.lat), places=(PlaceRef(m.group(), p.name, p.id),),
                            sources=(Source(report.id, m.start(), m.end(), m.group()),)))
    return events, unresolved


def failing_work(report: Report, gz) -> tuple[list[Event], list[dict]]:
    if "BOOM" in report.text:
        raise ValueError("cannot parse this report")
    return cheap_work(report, gz)


def pid_work(report: Report, gz) -> tuple[list[Event], list[dict]]:
    """Records its process id in the folder named by the report text, and waits (10 s at most) until a second
    process has done the same: proves the work is spread, without depending on timing."""
    import time
    from pathlib import Path

    folder = Path(report.text)
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 10
    while len(list(folder.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    return [], [{"report": report.id, "pid": os.getpid()}]


_PLACES = ["Kharkiv", "Odesa", "Lviv", "Minsk", "Warsaw", "Berlin", "Zzyzzq", "Kherson", "Belgorod", "Qwertyville"]


def corpus(n: int) -> list[Report]:
    return [Report(id=f"r{i:04d}.txt", text=f"Report {i}. Troops moved from {_PLACES[i % 10]} towards "
                   f"{_PLACES[(i * 3 + 1) % 10]} on Monday.", published="2022-02-17") for i in range(n)]


def canonical(results: list[ReportResult]) -> str:
    return json.dumps([[r.report_id, r.content_hash, [e.__geo_interface__ for e in r.events], list(r.unresolved),
                        list(r.warnings), r.error] for r in results], sort_keys=True)


@pytest.fixture(scope="module")
def serial(gz):
    return list(map_reports(corpus(40), work=cheap_work, gazetteer=gz))


def test_one_process_gives_one_result_per_report_in_input_order(serial):
    assert [r.report_id for r in serial] == [r.id for r in corpus(40)]
    assert sum(len(r.events) for r in serial) > 40  # most reports name two known places
    assert any(r.unresolved for r in serial)
    assert all(r.ok for r in serial)


def test_two_processes_give_identical_results(gz, serial):
    parallel = list(map_reports(corpus(40), jobs=2, chunk=3, work=cheap_work, gazetteer=gz))
    assert canonical(parallel) == canonical(serial)


def test_two_processes_really_use_two_workers(gz, tmp_path):
    reports = [Report(id=f"r{i}", text=str(tmp_path)) for i in range(6)]
    results = list(map_reports(reports, jobs=2, chunk=1, work=pid_work, gazetteer=gz))
    pids = {r.unresolved[0]["pid"] for r in results}
    assert len(pids) == 2 and os.getpid() not in pids


def test_results_keep_input_order_not_id_order(gz):
    reports = list(reversed(corpus(12)))
    out = list(map_reports(reports, jobs=2, chunk=2, work=cheap_work, gazetteer=gz))
    assert [r.report_id for r in out] == [r.id for r in reports]


@pytest.mark.parametrize("jobs", [1, 2])
def test_input_is_pulled_lazily_with_bounded_work_in_flight(gz, jobs):
    pulled = 0

    def stream():
        nonlocal pulled
        for r in corpus(200):
            pulled += 1
            yield r

    chunk, window = 4, 3
    seen = 0
    for _ in map_reports(stream(), jobs=jobs, chunk=chunk, window=window, work=cheap_work, gazetteer=gz):
        seen += 1
        assert pulled - seen <= (window + 1) * chunk  # never the whole input
    assert seen == pulled == 200


def test_a_failing_report_is_an_error_result_and_the_run_goes_on(gz):
    reports = corpus(6)
    reports[2] = Report(id=reports[2].id, text="BOOM from Kharkiv")
    for jobs in (1, 2):
        out = list(map_reports(reports, jobs=jobs, chunk=2, work=failing_work, gazetteer=gz))
        assert [r.report_id for r in out] == [r.id for r in reports]
        assert not out[2].ok and "ValueError: cannot parse this report" in out[2].error
        assert out[2].events == () and all(r.ok for i, r in enumerate(out) if i != 2)


def test_content_hash_changes_with_text_and_metadata_not_with_path():
    a = Report(id="a.txt", text="Shelling near Kharkiv", path="/x/a.txt", published="2022-02-17")
    assert content_hash(a) == content_hash(Report(id="a.txt", text=a.text, path="/y/a.txt", published=a.published))
    assert content_hash(a) != content_hash(Report(id="a.txt", text=a.text + ".", published=a.published))
    assert content_hash(a) != content_hash(Report(id="a.txt", text=a.text, published="2022-02-18"))


def test_bad_arguments_are_refused(gz):
    with pytest.raises(ValueError, match="chunk"):
        list(map_reports(corpus(2), chunk=0, work=cheap_work, gazetteer=gz))


# ------------------------------------------------------------------------------------------------ Dask

@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    yield cluster
    cluster.close()


def test_dask_cluster_gives_identical_results(gz, serial, dask_cluster):
    out = list(map_reports(corpus(40), scheduler=dask_cluster.scheduler_address, chunk=3, work=cheap_work,
                           gazetteer=gz))
    assert canonical(out) == canonical(serial)


def test_dask_bounded_window_and_errors(gz, dask_cluster):
    reports = corpus(30)
    reports[7] = Report(id=reports[7].id, text="BOOM in Odesa")
    out = list(map_reports(iter(reports), scheduler=dask_cluster.scheduler_address, chunk=2, window=2,
                           work=failing_work, gazetteer=gz))
    assert [r.report_id for r in out] == [r.id for r in reports]
    assert [i for i, r in enumerate(out) if not r.ok] == [7]


def test_encoded_results_carry_the_store_payload_instead_of_their_events(gz, serial):
    import zlib

    from geomap.store import decode_event

    for r in serial[:10]:
        enc = r.encoded()
        assert enc.events == () and enc.n_events == len(r.events) and enc.unresolved == r.unresolved
        body = json.loads(zlib.decompress(enc.payload))
        assert [decode_event(e) for e in body["events"]] == list(r.events)
        assert enc.encoded() is enc


def test_dask_workers_encode_the_same_payload(gz, serial, dask_cluster):
    out = list(map_reports(corpus(40), scheduler=dask_cluster.scheduler_address, chunk=3, work=cheap_work,
                           gazetteer=gz, encode=True))
    assert [(r.report_id, r.payload, r.n_events) for r in out] == [
        (r.report_id, r.encoded().payload, len(r.events)) for r in serial]
    assert all(r.events == () for r in out)
