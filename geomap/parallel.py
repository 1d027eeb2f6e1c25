"""Running the per-report work at corpus scale: in this process, in N local processes, or on a Dask cluster.

Why one function for the three: the per-report work (``run.extract_report``: mentions, events, geometry) is
independent between reports; only the merge across reports needs them all. So ``map_reports`` takes a stream
of reports and yields one :class:`ReportResult` per report, always **in input order**, whatever ran it: the
merged output is then byte-identical on 1 process, N processes or a cluster.

Memory stays bounded for any corpus size: reports are pulled from the input iterator in chunks and at most
``window`` chunks are in flight or waiting to be yielded at any moment; the input is never materialised.

The gazetteer is opened once per worker process (read-only SQLite, shared by the OS page cache between the
processes of a machine), never pickled and never rebuilt per worker: local processes open it in their
initializer from the path the parent opened; Dask workers open it on their first task (a local cluster gets the
parent's path; workers of a remote cluster open the index in their own cache, ``Gazetteer.default()``).

>>> for res in map_reports(read_reports(["corpus/"]), jobs=2):   # doctest: +SKIP
...     store.put(res)
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import os
import signal
import threading
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from geomap.event import Event
from geomap.reports import Report

__all__ = ["ReportResult", "Work", "map_reports", "content_hash", "process_report", "pipeline_work",
           "DEFAULT_CHUNK", "LOCAL_DASK_WORKERS"]

Work = Callable[[Report, Any], "tuple[list[Event], list[dict]]"]
"""The per-report work: ``(report, gazetteer) -> (events, unresolved rows)``. Must be a module-level function
(it is sent to worker processes by reference)."""

DEFAULT_CHUNK = 8  # reports per task: amortises IPC / scheduler overhead (~1 ms a task) over ~0.1-1 s of work
DASK_CHUNK = 32  # a Dask task costs more to schedule than a local one
LOCAL_DASK_WORKERS = 2
_WINDOW_PER_WORKER = 4  # chunks in flight (or waiting to be yielded) per worker


@dataclasses.dataclass(frozen=True, slots=True)
class ReportResult:
    """What the per-report work produced for one report: its events (merged within the report), the rows for
    unresolved.csv, warnings raised while extracting, and ``error`` when the work failed on this report (the
    run goes on; the report counts as skipped). ``content_hash`` keys the incremental store."""

    report_id: str
    content_hash: str
    events: tuple[Event, ...] = ()
    unresolved: tuple[dict, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None
    chars: int = 0  # length of the report text (for throughput figures)
    # the events store's encoding of events, unresolved and warnings (``store.encode_result``), made by the
    # worker when asked (``map_reports(encode=True)``) so that the store's one writer only inserts; the
    # events then travel only inside it (``events`` is empty, ``n_events`` still counts them)
    payload: bytes | None = dataclasses.field(default=None, repr=False)
    events_in_payload: int = 0

    def __post_init__(self) -> None:
        if not self.report_id:
            raise ValueError("ReportResult needs a report id")
        if len(self.content_hash) != 64:
            raise ValueError(f"{self.report_id}: content_hash must be a sha256 hex digest")

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def n_events(self) -> int:
        return len(self.events) + self.events_in_payload

    @property
    def n_unresolved(self) -> int:
        return len(self.unresolved)

    def encoded(self) -> ReportResult:
        """This result with its store payload made here and its events carried only inside it (cheaper to
        send back to the driver: one bytes object instead of every event's objects)."""
        from geomap.store import encode_result

        if self.payload is not None:
            return self
        return dataclasses.replace(self, events=(), payload=encode_result(self), events_in_payload=self.n_events)


def content_hash(report: Report) -> str:
    """sha256 of what the extraction reads from a report: its text and metadata (not its path: a moved corpus
    is not a changed one). Changing any of these makes the incremental store reprocess the report."""
    meta = [report.text, report.published, report.date_source, report.url, report.outlet, report.title]
    return hashlib.sha256(json.dumps(meta, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


# ------------------------------------------------------------------------------------------- the worker side

_WORKER: dict[str, Any] = {}  # per process: the opened gazetteer and the work function


def _default_work() -> Work:
    return pipeline_work


_LOCATORS: dict[int, Any] = {}  # one Locator per opened gazetteer in this process, as run.extract keeps one


def pipeline_work(report: Report, gz: Any) -> tuple[list[Event], list[dict]]:
    """The default work: run's per-report extraction, keeping the internal properties (place key, per-source
    statuses, stated dates) that the merge ACROSS reports needs; the caller merges every report's events and
    then applies run's public step (drop internals and lone possibilities), exactly as ``run.extract`` does.
    (``run.extract_report`` returns already-finalised events: merging those again would differ.)"""
    from geomap import run

    one = getattr(run, "_extract_one", None)
    if one is None:  # an older run.py: only the finalised per-report events exist
        return run.extract_report(report, gz)
    loc = _LOCATORS.get(id(gz))
    if loc is None:
        from geomap.where import Locator

        loc = _LOCATORS[id(gz)] = Locator(gz)
    return one(report, gz, loc)


def _init_worker(gazetteer_path: str | None, work: Work | None) -> None:
    """Open the gazetteer once in this process (the pool's initializer; Dask workers call it on first use)."""
    from gazetteer import Gazetteer

    key = (gazetteer_path, work)
    if _WORKER.get("key") == key:
        return
    old = _WORKER.get("gz")
    if old is not None and _WORKER.get("owned"):
        old.close()
    _WORKER["gz"] = Gazetteer.open(gazetteer_path) if gazetteer_path else Gazetteer.default(progress=False)
    _WORKER["owned"] = True
    _WORKER["work"] = work or _default_work()
    _WORKER["key"] = key


def process_report(report: Report, gz: Any, work: Work | None = None) -> ReportResult:
    """Run the work on one report, turning a failure into an ``error`` result instead of stopping the run (a
    hostile report must not cost the other million)."""
    work = work or _default_work()
    h = content_hash(report)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        try:
            events, unresolved = work(report, gz)
        except Exception as exc:  # noqa: BLE001 - reported per report, the run goes on
            where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            at = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
            msg = " ".join(str(exc).split())[:200]
            return ReportResult(report.id, h, error=f"extraction failed: {type(exc).__name__}: {msg}{at}",
                                chars=len(report.text))
    # (a ResourceWarning is the garbage collector finding something else's unclosed file: not this report's)
    notes = tuple(sorted({f"{report.id}: {w.category.__name__}: {w.message}" for w in caught
                          if not issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning, ResourceWarning))}))
    return ReportResult(report.id, h, tuple(events), tuple(unresolved), notes, chars=len(report.text))


def _run_chunk(reports: list[Report], encode: bool = False) -> list[ReportResult]:
    """A chunk in a pool worker (state set by the initializer); ``encode``: results carry their store payload."""
    gz, work = _WORKER["gz"], _WORKER["work"]
    out = [process_report(r, gz, work) for r in reports]
    return [r.encoded() for r in out] if encode else out


def _dask_chunk(reports: list[Report], gazetteer_path: str | None, work: Work | None,
                encode: bool = False) -> list[ReportResult]:
    """A chunk on a Dask worker: the gazetteer is opened on the worker's first task and kept."""
    _init_worker(gazetteer_path, work)
    return _run_chunk(reports, encode)


# ------------------------------------------------------------------------------------------- the driver side


def _chunks(reports: Iterable[Report], size: int) -> Iterator[list[Report]]:
    it = iter(reports)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def _ordered(submit: Callable[[list[Report]], Any], wait_first: Callable[[list[Any]], Iterable[Any]],
             chunks: Iterator[list[Report]], window: int) -> Iterator[list[ReportResult]]:
    """Submit chunks, keeping at most ``window`` of them in flight or finished-but-not-yet-yielded, and yield
    their results in submission order. Workers stay busy while an early chunk is slow, up to the window."""
    pending: dict[Any, int] = {}
    done: dict[int, list[ReportResult]] = {}
    submitted = yielded = 0
    exhausted = False
    try:
        while True:
            while not exhausted and submitted - yielded < window:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                    break
                pending[submit(chunk)] = submitted
                submitted += 1
            if yielded in done:
                yield done.pop(yielded)
                yielded += 1
                continue
            if not pending:
                return
            for fut in wait_first(list(pending)):
                done[pending.pop(fut)] = fut.result()
    finally:
        for fut in pending:  # the consumer stopped early or a worker failed: do not leave work queued
            fut.cancel()


def map_reports(
    reports: Iterable[Report],
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    chunk: int | None = None,
    window: int | None = None,
    work: Work | None = None,
    gazetteer: Any = None,
    encode: bool = False,
) -> Iterator[ReportResult]:
    """Run ``work`` (default :func:`pipeline_work`, run's per-report extraction) on every report and yield one result per report, in the
    order of ``reports``.

    ``jobs``: local processes (1 = in this process; 0 or less = one per CPU). ``scheduler``: a Dask scheduler
    address (``tcp://host:8786``) or ``"local"`` for a ``LocalCluster`` of single-threaded worker processes
    on 127.0.0.1 (``jobs`` of them when above 1, else 2); a scheduler address overrides ``jobs``. ``chunk``: reports per task. ``window``: chunks in flight at
    most (default 4 per worker); memory is bounded by ``window * chunk`` reports and their results.
    ``gazetteer``: an opened ``Gazetteer`` (used as is in this process; workers open its file) or an index
    path; default: the index in the geomap cache, built once if missing (before any worker starts).
    ``encode``: results bound for the events store: worker processes make the store payload
    (:meth:`ReportResult.encoded`), so the store's one writer only inserts; in this process (``jobs=1``) the
    store encodes it when it is put.
    """
    if chunk is not None and chunk < 1:
        raise ValueError("chunk must be at least 1")
    if window is not None and window < 1:
        raise ValueError("window must be at least 1")
    if jobs < 1:
        jobs = os.cpu_count() or 1
    gz, path = _gazetteer(gazetteer, need_object=scheduler is None and jobs == 1)
    if scheduler:
        yield from _map_dask(reports, scheduler, chunk or DASK_CHUNK, window, work, path,
                             n_local=jobs if jobs > 1 else LOCAL_DASK_WORKERS, encode=encode)
    elif jobs == 1:
        w = work or _default_work()
        for r in reports:
            yield process_report(r, gz, w)
    else:
        yield from _map_pool(reports, jobs, chunk or DEFAULT_CHUNK, window or _WINDOW_PER_WORKER * jobs, work, path,
                             encode)


def _gazetteer(gazetteer: Any, *, need_object: bool) -> tuple[Any, str]:
    """(opened gazetteer or None, index path). Building the index happens here, once, never in a worker."""
    from gazetteer import Gazetteer

    if gazetteer is None:
        from gazetteer.index import ensure_index

        path = str(ensure_index(progress=False))
        return (Gazetteer.open(path) if need_object else None), path
    if isinstance(gazetteer, (str, os.PathLike)):
        path = str(gazetteer)
        return (Gazetteer.open(path) if need_object else None), path
    return gazetteer, str(gazetteer.path)


@contextlib.contextmanager
def _stops_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while the main thread starts a worker process, then handled as they would
    have been: a worker whose start is cut short dies with a traceback of its own ("Ran out of input").
    (Python runs signal handlers in the main thread whichever thread the signal reaches, so the handlers are
    swapped, not the signal mask.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[tuple[int, Any]] = []
    stops = (signal.SIGINT, signal.SIGTERM)
    handlers = {s: signal.signal(s, lambda signum, frame: pending.append((signum, frame))) for s in stops}
    try:
        yield
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
        if pending:
            signum, frame = pending[0]
            handler = handlers[signum]
            if callable(handler):
                handler(signum, frame)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


def _map_pool(reports: Iterable[Report], jobs: int, chunk: int, window: int, work: Work | None,
              path: str, encode: bool = False) -> Iterator[ReportResult]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # spawn: workers start clean (no inherited SQLite handle, no threads of the parent forked mid-lock) and
    # import geomap once each (~0.3 s); the gazetteer is then opened once per worker by the initializer.
    ctx = multiprocessing.get_context("spawn")

    def submit(c: list[Report]) -> Any:
        with _stops_deferred():  # a submit may start a worker: a stop mid-start would leave it half-fed
            return pool.submit(_run_chunk, c, encode)

    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(path, work)) as pool:
        try:
            for results in _ordered(submit,
                                    lambda fs: wait(fs, return_when=FIRST_COMPLETED).done,
                                    _chunks(reports, chunk), window):
                yield from results
        except BrokenProcessPool as exc:
            raise RuntimeError("a worker process died (killed, out of memory, or a calling script without an "
                               "`if __name__ == '__main__':` guard); results already stored are kept, re-run "
                               "to continue") from exc
        except BaseException:  # interrupted or stopped: drop the queued chunks, wait only for the running ones
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _map_dask(reports: Iterable[Report], scheduler: str, chunk: int, window: int | None, work: Work | None,
              path: str, n_local: int = LOCAL_DASK_WORKERS, encode: bool = False) -> Iterator[ReportResult]:
    try:
        from distributed import Client, LocalCluster, wait
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError("--scheduler needs Dask: pip install 'dask[distributed]'") from exc

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=n_local, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None, silence_logs=40)
        client = Client(cluster)
        worker_path: str | None = path  # same machine: the same index file
    else:
        client = Client(scheduler, timeout=30)
        worker_path = None  # a remote worker opens (or builds once) the index in its own cache
    try:
        if window is None:
            threads = sum(client.nthreads().values()) or 1
            window = _WINDOW_PER_WORKER * threads
        for results in _ordered(lambda c: client.submit(_dask_chunk, c, worker_path, work, encode,
                                                        pure=False),
                                lambda fs: wait(fs, return_when="FIRST_COMPLETED").done,
                                _chunks(reports, chunk), window):
            yield from results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

