"""The HTML map's payload and document: compact, deterministic, escaped, the same drawing as the parts."""

from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import LineString, Point

from geomap.layers import build_layers
from geomap.render import DETAIL_FIELDS, DETAILS_INLINE_MAX, payload, render, to_html
from tests.factories import XSS_IMG, XSS_SCRIPT, fake_basemap, make_event, ref, sample_events, sample_unresolved, src


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    assert m, "no payload in the page"
    return json.loads(m.group(1))


def test_payload_items_follow_the_parts_with_rounded_lat_lng():
    evs = sorted(sample_events(), key=lambda e: e.id)
    layers = build_layers(evs, sample_unresolved())
    data = payload(layers, evs)
    assert [lay["key"] for lay in data["layers"]] == [lay.key for lay in layers]
    for lay, out in zip(layers, data["layers"]):
        parts = [p for st in lay.items for p in st.parts]
        assert len(out["items"]) == len(parts)
        for part, item in zip(parts, out["items"]):
            code, coords = item[0], item[1]
            assert code == {"point": "p", "line": "l", "arrowhead": "h", "area": "a", "circle": "c"}[part.kind]
            if code in ("p", "c"):
                assert coords == [round(part.geometry.y, 5), round(part.geometry.x, 5)]
            elif code == "l":
                assert coords == [[round(y, 5), round(x, 5)] for x, y in part.geometry.coords]
            else:
                polys = [part.geometry] if part.geometry.geom_type == "Polygon" else list(part.geometry.geoms)
                rings = [[[[round(y, 5), round(x, 5)] for x, y in r.coords][:-1]
                          for r in (p.exterior, *p.interiors)] for p in polys]
                assert coords == (rings[0] if part.geometry.geom_type == "Polygon" else rings)
            if code == "c":
                assert item[5] == round(part.radius_m)


def test_popup_details_are_lists_in_field_order_and_unresolved_are_objects():
    evs = sorted(sample_events(), key=lambda e: e.id)
    data = payload(build_layers(evs, sample_unresolved()), evs)
    assert data["detail_fields"] == list(DETAIL_FIELDS)
    events = [d for d in data["details"] if isinstance(d, list)]
    assert len(events) == len(evs)
    first = dict(zip(DETAIL_FIELDS, events[0]))
    ev = next(e for e in evs if e.id == first["id"])
    assert first["title"] == ev.title and first["sources"][0][1] == ev.sources[0].quote
    assert first["n_reports"] == len({s.report for s in ev.sources})
    assert any(isinstance(d, dict) and d["unresolved"] for d in data["details"])


def test_big_details_are_deflated_and_inflate_to_the_same_list():
    import base64
    import zlib

    evs = sorted(sample_events(), key=lambda e: e.id)
    layers = build_layers(evs)
    small = payload(layers, evs)
    big = payload(layers, evs, details_inline_max=10)
    assert "details" not in big
    assert json.loads(zlib.decompress(base64.b64decode(big["details_z"]))) == small["details"]


def test_report_text_never_becomes_markup_or_template_code():
    hostile = make_event("shelling", "h1", title="Kharkiv {{ 7*7 }} {% raw %}", geometry=Point(36.2, 49.9),
                         places=(ref("Kharkiv"),),
                         sources=(src("x.txt", f"Shelled {XSS_IMG} {XSS_SCRIPT} {{{{ 6*7 }}}} early."),))
    html = to_html(render([hostile], basemap=False))
    assert XSS_IMG not in html and XSS_SCRIPT not in html
    assert "{{ 7*7 }}" in html and "{{ 6*7 }}" in html and "{% raw %}" in html  # shown as written, not evaluated
    d = dict(zip(DETAIL_FIELDS, _data(html)["details"][0]))
    assert d["title"] == "Kharkiv {{ 7*7 }} {% raw %}" and XSS_IMG in d["sources"][0][1]


def test_the_same_events_give_the_same_bytes_whatever_their_order():
    evs = sample_events()
    bm = fake_basemap(evs)
    a = to_html(render(evs, basemap=bm, unresolved=sample_unresolved()))
    b = to_html(render(list(reversed(evs)), basemap=bm, unresolved=sample_unresolved()))
    assert a == b


def test_layers_in_the_page_and_labels():
    evs = sample_events()
    html = to_html(render(evs, basemap=False, unresolved=sample_unresolved()))
    data = _data(html)
    for lay in data["layers"]:
        assert f".layer({json.dumps(lay['key'])})" in html
    assert data["bounds"] and data["days"]
    assert len(data["labels"]) <= 60 and all(isinstance(lb[1], str) and lb[1] for lb in data["labels"])


def test_arrows_reach_the_page_as_shaft_plus_head():
    ax = make_event("axis", "ax1", title="Axis", geometry=LineString([(36.0, 50.0), (37.0, 49.0)]),
                    places=(ref("Kharkiv", role="target"),), sources=(src("r.txt", "q"),))
    data = _data(to_html(render([ax], basemap=False)))
    items = data["layers"][0]["items"]
    assert [it[0] for it in items] == ["l", "h"]
    assert items[1][1][0][0] == [49.0, 37.0]  # the head's first vertex is the tip (lat, lng)


def test_an_arrow_is_labelled_with_its_target_at_its_tip_and_points_outrank_areas():
    from shapely.geometry import box

    ax = make_event("axis", "ax1", title="Axis", geometry=LineString([(31.0, 51.3), (30.52, 50.45)]),
                    places=(ref("point 1 of 2 on the BY-UA border", role="origin"), ref("Kyiv", role="target")))
    area = make_event("deployment", "band", title="Band", geometry=box(36.0, 49.0, 39.0, 51.0),
                      places=(ref("50 km band along the UA-RU border"), ref("x"), ref("y")))
    area2 = make_event("deployment", "band2", title="Band again", geometry=box(36.0, 49.0, 39.0, 51.0),
                       places=(ref("50 km band along the UA-RU border"),))
    town = make_event("deployment", "v", title="Valuyki", geometry=Point(38.1, 50.21), places=(ref("Valuyki"),))
    labels = _data(to_html(render([area, area2, town, ax], basemap=False)))["labels"]
    assert [lb[1] for lb in labels] == ["Kyiv", "Valuyki", "50 km band along the UA-RU border"]
    assert labels[0][0] == [50.45, 30.52]  # at the arrow's tip


def test_a_map_built_a_few_events_at_a_time_from_a_stream_shows_the_same(monkeypatch):
    """A corpus run streams its events from disk and the map styles them a chunk at a time: the same layers
    and counts, items, popups, labels, legend, dates and bounds as one pass (styles may be numbered in
    another order), with the popup details deflated as soon as they outgrow the inline limit."""
    import base64
    import zlib

    from geomap import render as rmod

    evs = sorted(sample_events(), key=lambda e: e.id)
    whole = _data(to_html(render(evs, basemap=False, unresolved=sample_unresolved(), details_inline_max=10)))

    class Stream:
        def __iter__(self):
            return iter(evs)

    monkeypatch.setattr(rmod, "RENDER_CHUNK", 2)
    m = render(Stream(), basemap=False, unresolved=sample_unresolved(), details_inline_max=10)
    parts = _data(to_html(m))

    def details(d):
        return json.loads(zlib.decompress(base64.b64decode(d["details_z"])))

    def drawn(d):  # each layer's items with their style spelled out and their popup resolved
        det = details(d)
        return {lay["key"]: [(it[0], it[1], d["styles"][it[2]], det[it[3]] if it[3] >= 0 else None, it[4:])
                             for it in lay["items"]] for lay in d["layers"]}

    for key in ("title", "subtitle", "bounds", "days", "labels", "detail_fields"):
        assert parts[key] == whole[key]
    assert [(lay["key"], lay["name"], lay["show"]) for lay in parts["layers"]] == \
        [(lay["key"], lay["name"], lay["show"]) for lay in whole["layers"]]
    assert drawn(parts) == drawn(whole)
    assert sorted(map(json.dumps, details(parts))) == sorted(map(json.dumps, details(whole)))
    legend = re.search(r"\.finish\((.*)\);", to_html(m)).group(1)
    assert legend == re.search(r"\.finish\((.*)\);", to_html(render(evs, basemap=False, unresolved=sample_unresolved()))).group(1)


@pytest.mark.parametrize("inline_max", [DETAILS_INLINE_MAX, 10])
def test_a_streamed_map_writes_its_items_from_files_and_every_way_of_showing_it_agrees(tmp_path, inline_max):
    """A map built from a stream keeps each layer's items (and its popup details, once they are too big to
    inline) in temporary files and the page is written around them: the file written, ``to_html`` and the
    page Jupyter shows (the root rendered) are the same text, and the same as the map of the same events
    given as a list."""
    import base64
    import zlib

    from geomap.export import write_map

    evs = sorted(sample_events(), key=lambda e: e.id)

    class Stream:
        def __iter__(self):
            return iter(evs)

    def streamed():  # a map renders once (folium's layer control adds to itself on each render)
        return render(Stream(), basemap=False, unresolved=sample_unresolved(), details_inline_max=inline_max)

    listed = render(evs, basemap=False, unresolved=sample_unresolved(), details_inline_max=inline_max)
    write_map(streamed(), tmp_path / "map.html")
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    assert "@@geomap-" not in page
    assert page == to_html(streamed()) == streamed().get_root().render() == to_html(listed)
    data = _data(page)
    assert [len(lay["items"]) for lay in data["layers"]] == [len(lay["items"]) for lay in _data(to_html(listed))["layers"]]
    inline = _data(to_html(render(evs, basemap=False, unresolved=sample_unresolved())))["details"]
    if inline_max == 10:
        assert "details" not in data
        assert json.loads(zlib.decompress(base64.b64decode(data["details_z"]))) == inline
    else:
        assert data["details"] == inline


def test_a_popup_quotes_the_first_sources_and_counts_them_all():
    from geomap.render import POPUP_SOURCES_MAX

    many = make_event("shelling", "many", sources=tuple(src(f"r{i:03d}.txt", f"quote {i}") for i in range(POPUP_SOURCES_MAX + 7)))
    data = _data(to_html(render([many], basemap=False)))
    fields = data["detail_fields"]
    d = dict(zip(fields, data["details"][0]))
    assert [s[1] for s in d["sources"]] == [f"quote {i}" for i in range(POPUP_SOURCES_MAX)]
    assert d["n_sources"] == POPUP_SOURCES_MAX + 7 and d["n_reports"] == POPUP_SOURCES_MAX + 7


@pytest.mark.skipif(not __import__("os").path.isdir("/proc/self/fd"), reason="counts open files in /proc")
def test_a_streamed_map_holds_no_open_file_and_its_folder_goes_with_it(tmp_path, monkeypatch):
    """The spilled items and popups are files of a temporary folder: none is left open once the map is built
    (a corpus run then reads other files), and the folder is deleted, without a warning, when the map goes."""
    import gc
    import os
    import tempfile
    import warnings

    evs = sorted(sample_events(), key=lambda e: e.id)

    class Stream:
        def __iter__(self):
            return iter(evs)

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    before = set(os.listdir("/proc/self/fd"))
    m = render(Stream(), basemap=False, unresolved=sample_unresolved(), details_inline_max=10)
    (folder,) = [p for p in tmp_path.iterdir() if p.name.startswith("geomap-map-")]
    assert {p.name for p in folder.iterdir()} >= {"details.json", "items-0.json"}
    assert set(os.listdir("/proc/self/fd")) <= before
    assert "@@geomap-" not in to_html(m)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del m
        gc.collect()
    assert not folder.exists()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


def test_the_subtitle_counts_events_and_reports_with_thousands_separators():
    evs = [make_event("shelling", f"s{i}", sources=(src(f"r{i % 1200:04d}.txt", "q"),)) for i in range(1500)]
    assert _data(to_html(render(evs, basemap=False)))["subtitle"].startswith("1,500 events from 1,200 reports")
