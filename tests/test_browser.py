"""The map as a user opens it: map.html from file:// in headless Debian Chromium with the network cut off.

Skips cleanly when chromium / chromedriver are absent (scripts/install-system-deps.sh installs them)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from geomap.export import write_all
from tests import headless
from tests.factories import XSS_IMG, XSS_SCRIPT, sample_events, sample_unresolved

pytestmark = pytest.mark.browser

if not headless.available():
    pytest.skip("headless chromium + chromedriver not installed", allow_module_level=True)

pytest.importorskip("selenium.webdriver")

FIND_MAP = """
for (const k of Object.keys(window)) { if (k.startsWith('map_') && window[k] instanceof L.Map) return k; }
return null;"""


def _driver(tmp: Path):
    return headless.chrome(tmp / "profile", console_log=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("map")
    write_all(sample_events(), out, unresolved=sample_unresolved(), png=False)
    drv = _driver(out)
    try:
        drv.get((out / "map.html").as_uri())
        deadline = time.time() + 20
        while time.time() < deadline and drv.execute_script("return document.readyState") != "complete":
            time.sleep(0.1)
        time.sleep(1.0)  # let the canvas layers draw
        drv.save_screenshot(str(out / "map_screenshot.png"))
        yield drv, out
    finally:
        drv.quit()


def test_no_console_error_and_no_request_leaves_the_page(page):
    drv, _ = page
    errors = [e for e in drv.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    urls = drv.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(("file:", "data:", "blob:")) for u in urls), urls
    assert drv.execute_script("return typeof L") == "object"  # Leaflet is inlined, not fetched


def test_every_layer_is_in_the_control_and_toggles(page):
    drv, _ = page
    names = drv.execute_script(
        "return [...document.querySelectorAll('.leaflet-control-layers-overlays label')].map(l => l.textContent.trim())")
    for label in ("Axes of advance", "Shelling sites", "Bridges", "Region-level events",
                  "Unresolved and low-precision"):
        assert any(n.startswith(label + " (") for n in names), (label, names)
    boxes = drv.find_elements("css selector", ".leaflet-control-layers-overlays input")
    states = [b.is_selected() for b in boxes]
    unresolved = [b for b, n in zip(boxes, names) if n.startswith("Unresolved")][0]
    assert not unresolved.is_selected()  # off by default
    for b in boxes:
        before = b.is_selected()
        b.click()
        assert b.is_selected() != before
        b.click()
        assert b.is_selected() == before
    assert [b.is_selected() for b in boxes] == states


def _click_popup(drv, lon: float, lat: float) -> str:
    """Click the map at (lon, lat), as a user would, and return the text of the popup that opens."""
    from selenium.webdriver.common.action_chains import ActionChains

    mapvar = drv.execute_script(FIND_MAP)
    assert mapvar
    drv.execute_script(f"window['{mapvar}'].setView([{lat}, {lon}], 9, {{animate: false}})")
    time.sleep(0.8)
    x, y = drv.execute_script(f"var p = window['{mapvar}'].latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]")
    container = drv.find_element("css selector", ".leaflet-container")
    w, h = container.size["width"], container.size["height"]
    ActionChains(drv).move_to_element_with_offset(container, int(x - w / 2), int(y - h / 2)).click().perform()
    time.sleep(0.5)
    popup = drv.find_elements("css selector", ".leaflet-popup-content")
    assert popup, "no popup opened"
    return popup[0].text


def test_click_on_a_shelling_site_opens_its_popup_with_the_quote(page):
    drv, _ = page
    ev = next(e for e in sample_events() if e.event_type == "shelling" and e.geometry.geom_type == "Point"
              and XSS_IMG in e.sources[0].quote)
    text = _click_popup(drv, ev.geometry.x, ev.geometry.y)
    assert ev.sources[0].quote[:40] in text.replace("\n", " ")
    assert XSS_IMG in text  # the hostile markup in the quote is shown as text
    assert not drv.find_elements("css selector", ".leaflet-popup-content img, .leaflet-popup-content a[href^=javascript]")


def test_an_event_told_by_many_reports_quotes_the_first_few_and_says_how_many_more(tmp_path):
    from geomap.render import POPUP_SOURCES_MAX
    from tests.factories import make_event, src

    told = make_event("shelling", "told", title="Shelling of Kharkiv",
                      sources=tuple(src(f"wire-{i:03d}.txt", f"Quote number {i} about Kharkiv.") for i in range(45)))
    write_all([told], tmp_path, png=False)
    drv = _driver(tmp_path)
    try:
        drv.get((tmp_path / "map.html").as_uri())
        time.sleep(1.0)
        text = _click_popup(drv, told.geometry.x, told.geometry.y)
    finally:
        drv.quit()
    assert "Quote number 0 about" in text and f"Quote number {POPUP_SOURCES_MAX - 1} about" in text
    assert f"Quote number {POPUP_SOURCES_MAX} about" not in text
    assert f"and {45 - POPUP_SOURCES_MAX} more quotes: events.geojson lists all 45." in text.replace("\n", " ")
    assert "45 reports" in text


def test_hostile_report_text_stays_text(page):
    drv, out = page
    assert drv.execute_script("return document.querySelectorAll('img[src=x], svg[onload]').length") == 0
    # the hostile strings reach the page only as data, never as markup
    html = (out / "map.html").read_text()
    assert XSS_IMG not in html and XSS_SCRIPT not in html
    assert drv.execute_script("return window.__xss === undefined")


HOSTILE_REPORTS = {
    "xss-quote.txt": "Russian occupation troops shelled the settlement of Stanytsia Luhanska early Thursday "
                     "<img src=x onerror=alert(1)>, the Ukrainian armed forces said.\n",
    "xss-script.html": "<html><body><p>Artillery shelled Kharkiv overnight on Tuesday "
                       "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;, officials said.</p>"
                       "<script>alert(3)</script></body></html>",
    "xss-meta.txt": "Helicopters were deployed to Millerovo air base, Western officials said.\n",
}


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    """A corpus of hostile reports through the whole pipeline (reader -> events -> map) into the browser."""
    import json

    from geomap.run import extract

    src = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE_REPORTS.items():
        (src / name).write_text(text, encoding="utf-8")
    (src / "xss-meta.txt.meta.json").write_text(json.dumps(
        {"published": "2022-02-17", "url": "javascript:alert(4)", "outlet": "<b onmouseover=alert(5)>Wire</b>"}))
    out = tmp_path_factory.mktemp("hostile-map")
    unresolved: list[dict] = []
    events = extract([src], default_date="2022-02-17", unresolved=unresolved, warn=lambda line: None)
    assert events, "the hostile corpus still yields its events"
    write_all(events, out, unresolved=unresolved, png=False)
    drv = _driver(out)
    try:
        drv.get((out / "map.html").as_uri())
        time.sleep(1.0)
        yield drv, out
    finally:
        drv.quit()


def test_hostile_corpus_runs_no_script_and_links_no_javascript(hostile_page):
    drv, out = hostile_page
    # an alert() would leave a dialog open and selenium would raise on the next command
    assert drv.execute_script("return document.querySelectorAll('img[src=x], b[onmouseover]').length") == 0
    assert not [e for e in drv.get_log("browser") if e["level"] == "SEVERE"]
    html = (out / "map.html").read_text()
    assert "<img src=x" not in html and "alert(3)" not in html  # the report's own <script> was dropped
    assert "javascript:alert(4)" not in html  # the metadata's javascript: URL never reaches the map
    geojson = (out / "events.geojson").read_text()
    assert "javascript:" not in geojson
    quotes = [s["quote"] for f in __import__("json").loads(geojson)["features"] for s in f["properties"]["sources"]]
    assert any("<img src=x onerror=alert(1)>" in q for q in quotes)  # kept as data, escaped wherever drawn


LABEL_BOXES = """
return Array.from(document.querySelectorAll('.gm-label span')).filter(function (s) {
  return s.offsetWidth > 0 && getComputedStyle(s).visibility !== 'hidden';
}).map(function (s) { var r = s.getBoundingClientRect(); return [s.textContent, r.left, r.top, r.right, r.bottom]; });"""


def test_labels_never_overlap_at_any_zoom(page):
    drv, _ = page
    key = drv.execute_script(FIND_MAP)
    for zoom in (4, 6, 8):
        drv.execute_script(f"window[{key!r}].setZoom({zoom}, {{animate: false}});")
        time.sleep(0.3)
        boxes = drv.execute_script(LABEL_BOXES)
        assert boxes, f"no label visible at zoom {zoom}"
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                overlap = a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
                assert not overlap, f"zoom {zoom}: {a[0]!r} overlaps {b[0]!r}"
