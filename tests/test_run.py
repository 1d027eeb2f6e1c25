"""The pipeline end to end: reports in, Events (the events.geojson contract) and unresolved rows out."""

import json
from pathlib import Path

from geomap.event import EVENT_TYPES
from geomap.reports import Report
from geomap.run import extract, extract_report, title_for

REPORTS = Path(__file__).parent / "reports"


def test_extract_report_gives_events_with_sources_pointing_into_the_text(gz):
    text = (
        "Shelling hits Kharkiv\n\n"
        "Russian artillery shelled Kharkiv early on Friday, the regional governor said. "
        "Video verified by the wire showed damaged buildings."
    )
    report = Report(id="wire/1.txt", text=text, published="2022-03-04", date_source="meta")
    events, unresolved = extract_report(report, gz)
    [e] = [e for e in events if e.event_type == "shelling"]
    assert e.date == "2022-03-04" and e.date_precision == "day" and not e.date_inferred
    assert e.status == "confirmed" and e.geo_precision == 1
    for s in e.sources:
        assert text[s.start : s.end] == s.quote and s.report == "wire/1.txt"
    assert e.title == "Shelling of " + e.places[0].name
    assert unresolved == []


def test_an_axis_without_a_border_to_start_from_is_reported_unresolved(gz):
    text = "A map showed possible ground movements towards Kyiv from two points."
    events, unresolved = extract_report(Report(id="r", text=text, published="2022-02-17"), gz)
    assert events == []
    assert [r["reason"] for r in unresolved] == ["axis: axis origin: no border to start from"]
    assert set(unresolved[0]) == {"report", "text", "start", "end", "reason"}


def test_extract_reads_folders_merges_and_sorts_by_id(gz):
    events = extract([REPORTS], gz=gz)
    assert events and [e.id for e in events] == sorted(e.id for e in events)
    assert len({e.id for e in events}) == len(events)
    for e in events:
        assert e.event_type in EVENT_TYPES and e.sources and not e.geometry.is_empty
        feature = json.loads(json.dumps(e.__geo_interface__))
        assert feature["id"] == e.id and feature["properties"]["title"] == e.title
        assert "place_key" not in feature["properties"]  # pipeline internals do not leak into the contract


def test_extract_is_deterministic(gz):
    a = [json.dumps(e.__geo_interface__, sort_keys=True) for e in extract([REPORTS], gz=gz)]
    b = [json.dumps(e.__geo_interface__, sort_keys=True) for e in extract([REPORTS], gz=gz)]
    assert a == b


def test_default_date_resolves_relative_dates(gz, tmp_path):
    (tmp_path / "a.txt").write_text("Missiles struck an industrial site in Zaporizhzhia on Thursday, the council said.\n")
    [e] = extract([tmp_path], gz=gz, default_date="2022-10-08")  # a Saturday
    assert (e.event_type, e.date) == ("strike", "2022-10-06")


def test_possibilities_alone_are_not_events_but_axis_maps_are(gz, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Officials warned that Russian forces could strike Odesa in the coming days.\n\n"
        "A map showed possible phase one ground movements from Crimea towards Kherson.\n"
    )
    events = extract([tmp_path], gz=gz, default_date="2022-02-17")
    assert [(e.event_type, e.status, e.phase) for e in events] == [("axis", "projected", 1)]


def test_titles():
    from shapely.geometry import Point

    from geomap.where import Located

    loc = Located(Point(0, 0), (), 1, 0.0, "k", "Kharkiv")
    assert title_for("shelling", loc) == "Shelling of Kharkiv"
    assert title_for("naval", loc) == "Naval activity in Kharkiv"
    assert title_for("bridge", Located(Point(0, 0), (), 2, 0.0, "k", "the Pripyat"), ("pontoon bridge",)) == "Pontoon bridge across the Pripyat"
    assert title_for("axis", Located(Point(0, 0), (), 2, 0.0, "k", "Crimea towards Kherson", 1)) == "Possible axis: Crimea towards Kherson (phase 1)"


def test_event_sentences_without_a_place_are_listed_for_review(gz):
    text = "Russia is flying in more combat aircraft, the Pentagon said on Thursday."
    events, unresolved = extract_report(Report(id="r", text=text, published="2022-02-17"), gz)
    assert events == []
    assert [(r["reason"], text[r["start"] : r["end"]]) for r in unresolved] == [("air: no place named", text)]


def test_unresolved_rows_quote_exactly_their_span_even_for_long_sentences(gz):
    filler = ", ".join(f"item {i}" for i in range(60))
    text = f"Russia is flying in more combat and support aircraft, {filler}, officials said on Thursday.\n"
    _, unresolved = extract_report(Report(id="r", text=text, published="2022-02-17"), gz)
    assert unresolved, "the sentence names no place and is listed for review"
    for row in unresolved:
        assert text[row["start"] : row["end"]] == row["text"]
        assert len(row["text"]) <= 200


def test_a_corpus_run_streams_from_disk_the_events_of_the_in_memory_merge(gz, tmp_path):
    """``extract_corpus`` (what `geomap map` runs): the events of the per-report results merged in memory, the
    unresolved rows in unresolved.csv's order, both re-readable; its work files go when the block ends."""
    from geomap.merge import merge_events
    from geomap.reports import read_reports
    from geomap.run import _is_event, _public, extract_corpus, report_events

    paths = ["seeds", "tests/reports"]
    per_report = [report_events(r, gz) for r in read_reports(paths)]
    want = [_public(e) for e in merge_events([e for evs, _ in per_report for e in evs]) if _is_event(e)]
    want_rows = sorted((r for _, rows in per_report for r in rows),
                       key=lambda r: (r["report"], r["start"], r["end"], r["reason"], r["text"]))
    with extract_corpus(paths, gz=gz, workdir=tmp_path) as corpus:
        assert any(tmp_path.iterdir())
        got = list(corpus.events)
        assert len(corpus.events) == len(got) == len(want) > 30
        assert [e.__geo_interface__ for e in got] == [e.__geo_interface__ for e in want]
        assert [e.id for e in corpus.events] == [e.id for e in got]  # read again
        assert list(corpus.unresolved) == want_rows and len(corpus.unresolved) == len(want_rows)
    assert list(tmp_path.iterdir()) == []
