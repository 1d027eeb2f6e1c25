"""Reading reports: what a user gets from files, folders, feeds and sidecars (geomap/reports.py)."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import random
from pathlib import Path

import pytest

from geomap import reports as rp
from geomap.reports import (
    Report,
    decode_bytes,
    html_to_text,
    infer_date,
    normalise_text,
    parse_iso_date,
    read_reports,
    safe_url,
    WarningPrinter,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def read(paths, **kw):
    warnings: list[str] = []
    got = list(read_reports(paths, warn=warnings.append, **kw))
    return got, warnings


# ---------------------------------------------------------------- files, folders, ids, order


def test_seeds_read_cleanly_sorted_by_id():
    got, warnings = read([SEEDS])
    assert warnings == []
    assert [r.id for r in got] == sorted(p.name for p in SEEDS.glob("*.txt"))
    for r in got:
        assert isinstance(r, Report) and r.text and r.text == r.text.strip()
        assert "\r" not in r.text and r.title


def test_ids_are_relative_slash_separated_and_independent_of_how_the_path_is_written(tmp_path, monkeypatch):
    (tmp_path / "feed" / "day1").mkdir(parents=True)
    (tmp_path / "feed" / "day1" / "a.txt").write_text("Troops moved near Kharkiv.")
    (tmp_path / "feed" / "b.md").write_text("# Title\nShelling near Avdiivka.")
    monkeypatch.chdir(tmp_path)
    rel, _ = read(["feed"])
    absolute, _ = read([tmp_path / "feed"])
    assert [r.id for r in rel] == [r.id for r in absolute] == ["b.md", "day1/a.txt"]
    single, _ = read([tmp_path / "feed" / "day1" / "a.txt"])
    assert [r.id for r in single] == ["a.txt"]
    assert rel[0].title == "Title"


def test_order_is_sorted_by_id_whatever_the_listing_order(tmp_path, monkeypatch):
    names = ["a-b.txt", "a/x.txt", "a/b/y.md", "B.txt", "b.txt", "z.html", "a.txt", "ä.txt", "a0.txt"]
    for n in names:
        p = tmp_path / n
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"Report {n} about Kyiv.")
    expected, _ = read([tmp_path])
    assert [r.id for r in expected] == sorted(n for n in names)

    real_scandir = os.scandir

    class Shuffled:
        def __init__(self, path, seed):
            self.entries = list(real_scandir(path))
            random.Random(seed).shuffle(self.entries)

        def __enter__(self):
            return iter(self.entries)

        def __exit__(self, *exc):
            return False

    for seed in range(5):
        monkeypatch.setattr(rp.os, "scandir", lambda p, s=seed: Shuffled(p, s))
        shuffled, _ = read([tmp_path])
        assert [(r.id, r.text) for r in shuffled] == [(r.id, r.text) for r in expected]


def test_reading_streams_one_report_at_a_time(tmp_path):
    (tmp_path / "1.txt").write_text("first report")
    (tmp_path / "2.txt").write_text("second report")
    it = read_reports([tmp_path], warn=lambda m: None)
    assert next(it).text == "first report"
    (tmp_path / "2.txt").write_text("changed after the first was read")  # not read yet: the change is seen
    assert next(it).text == "changed after the first was read"
    assert next(it, None) is None


def test_same_file_twice_is_read_once_with_a_warning(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("Troops near Kharkiv.")
    got, warnings = read([tmp_path, tmp_path / "sub"])  # overlapping arguments: ids differ, the file does not
    assert [r.id for r in got] == ["sub/a.txt"]
    assert warnings == [f"{tmp_path / 'sub'}/a.txt: same file as one already read (through another argument or "
                        "a link); skipped"]


def test_same_id_from_two_folders_keeps_both_reports_with_a_warning(tmp_path):
    for folder in ("x", "y"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "a.txt").write_text(f"Report from {folder}.")
    got, warnings = read([tmp_path / "x", tmp_path / "y"])
    later = str(tmp_path / "y" / "a.txt")
    assert [(r.id, r.text) for r in got] == [("a.txt", "Report from x."), (later, "Report from y.")]
    assert warnings == [f"{later}: id 'a.txt' already used by another report; read as {later!r}"]


def test_other_file_types_in_folders_are_ignored_but_named_ones_warned(tmp_path):
    (tmp_path / "a.txt").write_text("Troops near Kharkiv.")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden.txt").write_text("hidden")
    got, warnings = read([tmp_path])
    assert [r.id for r in got] == ["a.txt"] and warnings == []
    got, warnings = read([tmp_path / "photo.jpg"])
    assert got == [] and warnings == [f"{tmp_path / 'photo.jpg'}: unsupported file type "
                                      "(expected .txt, .md, .html, .htm, .jsonl, .jsonl.gz); skipped"]


def test_missing_argument_is_one_warning(tmp_path):
    got, warnings = read([tmp_path / "nope"])
    assert got == [] and warnings == [f"{tmp_path / 'nope'}: no such file or folder; skipped"]


def test_size_cap_skips_and_says_so(tmp_path):
    (tmp_path / "big.txt").write_text("x " * 600)
    (tmp_path / "ok.txt").write_text("fine")
    got, warnings = read([tmp_path], max_bytes=1000)
    assert [r.id for r in got] == ["ok.txt"]
    assert len(warnings) == 1 and warnings[0].startswith(f"{tmp_path / 'big.txt'}: 1200 bytes, over the 1000 bytes")


# ---------------------------------------------------------------- sidecars and dates


def test_sidecar_gives_date_url_outlet_and_wins_over_cli_date(tmp_path):
    (tmp_path / "a.txt").write_text("On March 3, 2021 troops moved.")
    (tmp_path / "a.meta.json").write_text(
        json.dumps({"published": "2022-02-17", "url": "https://example.org/x", "outlet": "Wire"})
    )
    (tmp_path / "b.html").write_text("<p>February 1, 2022: shelling</p>")
    (tmp_path / "b.html.meta.json").write_text(json.dumps({"outlet": "  Daily\n News "}))
    (tmp_path / "c.txt").write_text("No date here.")
    got, warnings = read([tmp_path], default_date="2022-02-20")
    assert warnings == []
    a, b, c = got
    assert (a.published, a.date_source, a.url, a.outlet) == ("2022-02-17", "meta", "https://example.org/x", "Wire")
    assert (b.published, b.date_source, b.outlet) == ("2022-02-20", "cli", "Daily News")
    assert (c.published, c.date_source) == ("2022-02-20", "cli")
    got, _ = read([tmp_path])
    assert [(r.published, r.date_source) for r in got] == [("2022-02-17", "meta"), ("2022-02-01", "text"), (None, None)]


def test_bad_sidecar_fields_are_dropped_with_one_warning_naming_the_sidecar(tmp_path):
    (tmp_path / "a.txt").write_text("Troops near Kharkiv.")
    (tmp_path / "a.meta.json").write_text(
        json.dumps({"published": "2022-02-30", "url": "javascript:alert(1)", "outlet": ["x"]})
    )
    got, warnings = read([tmp_path])
    assert len(got) == 1 and (got[0].published, got[0].url, got[0].outlet) == (None, "", "")
    assert warnings == [
        f"{tmp_path / 'a.meta.json'}: published dropped (impossible date 2022-02-30); url dropped (scheme "
        "'javascript' not allowed, only http and https); outlet dropped (must be a string, got list)"
    ]


@pytest.mark.parametrize(
    "content, reason",
    [("{not json", "not valid JSON"), ("[1, 2]", "must be a JSON object"), ('{"published": 20220217}', "got int")],
)
def test_broken_sidecar_still_reads_the_report(tmp_path, content, reason):
    (tmp_path / "a.txt").write_text("Troops near Kharkiv.")
    (tmp_path / "a.meta.json").write_text(content)
    got, warnings = read([tmp_path])
    assert [r.id for r in got] == ["a.txt"]
    assert len(warnings) == 1 and warnings[0].startswith(str(tmp_path / "a.meta.json")) and reason in warnings[0]


def test_bad_cli_date_is_a_usage_error_before_reading():
    with pytest.raises(ValueError, match="impossible date"):
        read_reports(["whatever"], default_date="2022-02-30")
    with pytest.raises(ValueError):
        read_reports(["whatever"], default_date="17/02/2022")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("KYIV (Reuters) - February 17, 2022. Shelling was reported.", "2022-02-17"),
        ("Photo taken January 6, 2022.\nPublished: 2022-02-10\nTroops...", "2022-02-10"),
        ("Updated 0401 GMT (1201 HKT) Feb. 18, 2022", "2022-02-18"),
        ("17 February 2022 - troops", "2022-02-17"),
        ("Москва, 17 февраля 2022 г. Войска", "2022-02-17"),
        ("Київ, 24 лютого 2022", "2022-02-24"),
        ("Дата: 17.02.2022", "2022-02-17"),
        ("On February 30, 2022 nothing; on Thursday troops", None),
        ("Troops moved on Thursday.", None),
        ("x" * 5000 + " February 17, 2022", None),  # only near the top
    ],
)
def test_infer_date(text, expected):
    assert infer_date(text) == expected


def test_parse_iso_date():
    assert parse_iso_date("2022-02-17") == "2022-02-17"
    assert parse_iso_date("2022-02-17T10:00:00Z") == "2022-02-17"
    for bad in ("2022-02-30", "2022-2-1", "tomorrow", 20220217, None, ["2022-02-17"]):
        with pytest.raises(ValueError):
            parse_iso_date(bad)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>",
     "vbscript:x", "file:///etc/passwd", "//evil.example/x", "https://", "https://a.b/\"onmouseover=x", 42],
)
def test_unsafe_urls_are_refused(url):
    with pytest.raises(ValueError):
        safe_url(url)


def test_safe_urls_pass():
    assert safe_url(" https://example.org/a?b=c#d ") == "https://example.org/a?b=c#d"
    assert safe_url("http://example.org") == "http://example.org"


# ---------------------------------------------------------------- encodings

TEXT_UK = "Збройні сили України повідомили про обстріл поблизу Станиці Луганської. Київ і Харків."
TEXT_RU = "Российские войска продолжают стягиваться к границе с Украиной у Белгорода."
TEXT_FR = "Les troupes déployées près de la frontière, à côté de Kharkiv, ont été renforcées."
TEXT_EN = "Blinken said \u201cthis is the largest invasion\u201d \u2014 officials in Kyiv disagreed."


@pytest.mark.parametrize(
    "data, text",
    [
        (codecs.BOM_UTF8 + TEXT_UK.encode(), TEXT_UK),
        (codecs.BOM_UTF16_LE + TEXT_RU.encode("utf-16-le"), TEXT_RU),
        (codecs.BOM_UTF16_BE + TEXT_EN.encode("utf-16-be"), TEXT_EN),
        (TEXT_RU.encode("utf-16-le"), TEXT_RU),  # no BOM
        (TEXT_UK.encode("cp1251"), TEXT_UK),
        (TEXT_RU.encode("cp1251"), TEXT_RU),
        (TEXT_RU.encode("koi8_r"), TEXT_RU),
        (TEXT_FR.encode("cp1252"), TEXT_FR),
        (TEXT_EN.encode("cp1252"), TEXT_EN),
    ],
)
def test_encodings_decode_without_loss(data, text):
    decoded, _encoding, problem = decode_bytes(data)
    assert decoded == text and problem is None


def test_damaged_utf8_keeps_the_text_and_reports_the_damage():
    data = TEXT_RU.encode()
    damaged = data[:11] + data[12:40] + b"\xff" + data[40:]
    text, encoding, problem = decode_bytes(damaged)
    assert encoding == "utf-8" and "войска" in text and "\ufffd" in text and "invalid UTF-8" in problem


def test_html_declared_charset_is_used():
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{TEXT_RU}</p></body></html>'
    text, encoding, problem = decode_bytes(html.encode("cp1251"), html=True)
    assert encoding == "cp1251" and TEXT_RU in text and problem is None


def test_binary_is_refused():
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def test_files_in_every_encoding_read_to_the_same_text(tmp_path):
    for enc in ("utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r"):
        (tmp_path / f"{enc}.txt").write_bytes(TEXT_RU.encode(enc))
    got, warnings = read([tmp_path])
    assert warnings == [] and len(got) == 5 and {r.text for r in got} == {TEXT_RU}


# ---------------------------------------------------------------- HTML and normalisation


def test_html_to_text_keeps_paragraphs_and_drops_scripts_styles_nav():
    html = """<!doctype html><html><head><title>Troops &amp; tanks</title><style>p {color:red}</style>
    <script>document.write("<p>fake</p>")</script></head><body>
    <nav><a href="/">Home</a> | <a href="/world">World</a></nav>
    <h1>Build-up  near Kharkiv</h1><p>Russian troops   moved<br>north of Belgorod.</p>
    <p>Second <b>paragraph</b> &lt;b&gt;.</p><div hidden>tracking</div><noscript>enable JS</noscript>
    <ul><li>one</li><li>two</li></ul></body></html>"""
    text, title = html_to_text(html)
    text = normalise_text(text)
    assert title == "Troops & tanks"
    assert text == ("Build-up near Kharkiv\n\nRussian troops moved\nnorth of Belgorod.\n\nSecond paragraph <b>.\n\n"
                    "one\n\ntwo")


def test_html_report_text_is_the_extracted_text_so_offsets_work(tmp_path):
    (tmp_path / "a.html").write_text("<p>Shelling hit <i>Stanytsia Luhanska</i>.</p><script>var Kyiv=1</script>")
    (r,), warnings = read([tmp_path])
    assert warnings == [] and r.text == "Shelling hit Stanytsia Luhanska."
    start = r.text.index("Stanytsia")
    assert r.text[start : start + 18] == "Stanytsia Luhanska"


def test_html_with_only_markup_is_skipped(tmp_path):
    (tmp_path / "a.html").write_text("<script>alert(1)</script><style>x{}</style>")
    got, warnings = read([tmp_path])
    assert got == [] and warnings == [f"{tmp_path / 'a.html'}: no text after removing markup; skipped"]


def test_normalise_text():
    assert normalise_text("\ufeff a\r\nb\rc\x00d\x1b[31me\u2028f \ud800 ") == "a\nb\ncd[31me\nf \ufffd"
    assert normalise_text("Kyi\u0308v") == "Kyïv"  # NFC
    assert normalise_text("\u0085\x9b") == ""


# ---------------------------------------------------------------- JSON Lines


def test_jsonl_and_gz_feeds(tmp_path):
    lines = [
        {"id": "r1", "text": "Shelling near Avdiivka.", "published": "2022-02-17", "url": "https://x.org/1",
         "outlet": "Wire"},
        {"id": 2, "text": "Troops near Belgorod on February 15, 2022."},
        {"text": "No id here."},
    ]
    payload = "\n".join(json.dumps(x) for x in lines) + "\n"
    (tmp_path / "feed.jsonl").write_text(payload)
    with gzip.open(tmp_path / "feed.jsonl.gz", "wt") as f:
        f.write(payload)
    got, warnings = read([tmp_path])
    assert warnings == []
    assert [r.id for r in got] == [
        "feed.jsonl#r1", "feed.jsonl#2", "feed.jsonl#L3", "feed.jsonl.gz#r1", "feed.jsonl.gz#2", "feed.jsonl.gz#L3"
    ]
    assert (got[0].published, got[0].date_source, got[0].url, got[0].outlet) == ("2022-02-17", "meta",
                                                                                  "https://x.org/1", "Wire")
    assert (got[1].published, got[1].date_source) == ("2022-02-15", "text")


def test_bad_jsonl_lines_each_give_one_warning_with_the_line_number(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(
        b'{"id": "a", "text": "good one"}\n'
        b"not json\n"
        b"[1, 2]\n"
        b'{"id": "b"}\n'
        b'{"id": "a", "text": "same id again"}\n'
        b'{"id": "c", "text": "bad date", "published": "2022-13-01", "url": "javascript:x"}\n'
        b"\n"
        + b"[" * 100_000 + b"\n"
        + b'{"id": "d", "text": "caf\xe9"}\n'
        + b'{"id": "e", "text": "' + b"x" * 5000 + b'"}\n'
        + b'{"id": "f", "text": "last good"}\n'
    )
    got, warnings = read([feed], max_bytes=4096)
    assert [r.id for r in got] == ["feed.jsonl#a", "feed.jsonl#c", "feed.jsonl#d", "feed.jsonl#f"]
    assert got[2].text == "caf\ufffd"
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{feed}:{n}" for n in (2, 3, 4, 5, 6, 8, 9, 10)]
    assert "duplicate id 'a'" in warnings[3] and "impossible date" in warnings[4] and "javascript" in warnings[4]
    assert "over the 4096 bytes limit" in warnings[7]


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path):
    payload = "".join(json.dumps({"id": i, "text": f"report {i} " + os.urandom(64).hex()}) + "\n" for i in range(200))
    data = gzip.compress(payload.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    got, warnings = read([tmp_path])
    assert 0 < len(got) < 200 and [r.id for r in got] == [f"cut.jsonl.gz#{i}" for i in range(len(got))]
    assert len(warnings) == 1 and warnings[0].startswith(f"{tmp_path / 'cut.jsonl.gz'}: unreadable after line")


def test_default_warn_goes_to_stderr(tmp_path, capsys):
    (tmp_path / "e.txt").write_bytes(b"")
    assert list(read_reports([tmp_path])) == []
    assert capsys.readouterr().err == f"geomap: warning: {tmp_path / 'e.txt'}: empty file; skipped\n"


def test_hostile_file_names_cannot_break_the_warning_line_or_the_id(tmp_path):
    name = "evil\n\x1b[2Jname.txt"
    (tmp_path / name).write_text("Troops near Kharkiv.")
    (tmp_path / ("empty\nfile.txt")).write_text("")
    got, warnings = read([tmp_path])
    assert [r.id for r in got] == ["evil\\x0a\\x1b[2Jname.txt"]
    assert warnings == [f"{tmp_path}/empty\\x0afile.txt: empty file; skipped"]
    assert all("\n" not in w and "\x1b" not in w for w in warnings)


def test_undecodable_file_name_gives_a_valid_unicode_id(tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    try:
        with open(raw, "wb") as f:
            f.write(b"Troops near Kharkiv.")
    except OSError:
        pytest.skip("filesystem refuses non-UTF-8 names")
    (r,), warnings = read([tmp_path])
    assert r.id == "caf\\xe9.txt" and r.id.encode("utf-8")
    assert Path(os.fsdecode(raw)).exists()


def test_unclosed_title_does_not_swallow_the_page():
    text, title = html_to_text("<title>Breaking<p>Shelling near Avdiivka.</p>")
    assert (normalise_text(text), title) == ("Shelling near Avdiivka.", "Breaking")


def test_titles_are_cleaned_and_capped():
    _, title = html_to_text("<title> A \x1b[31m  title\n</title>")
    assert title == "A [31m title"
    assert len(html_to_text(f"<title>{'x' * 5000}</title>")[1]) == 200


def test_path_with_nul_byte_is_a_warning_not_a_crash():
    got, warnings = read(["a\x00b.txt"])
    assert got == [] and warnings == ["a\\x00b.txt: not a valid path; skipped"]


def test_warning_printer_prints_one_line_each_and_counts(tmp_path, capsys):
    (tmp_path / "e.txt").write_text("")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "ok.txt").write_text("Troops.")
    printer = WarningPrinter()
    assert [r.id for r in read_reports([tmp_path], warn=printer)] == ["ok.txt"]
    assert printer.count == 2
    assert capsys.readouterr().err.splitlines() == [
        f"geomap: warning: {tmp_path / 'b.txt'}: binary file (contains NUL bytes); skipped",
        f"geomap: warning: {tmp_path / 'e.txt'}: empty file; skipped",
    ]


def test_deeply_nested_dropped_elements_close_properly():
    html = "<nav>" * 1000 + "<div>x" + "</span>" * 500 + "</nav>" * 1000 + "<p>after</p>"
    assert normalise_text(html_to_text(html)[0]) == "after"
    html = "<nav><div><script>s</script>" + "</div>" + "menu</nav><p>kept</p><nav>unclosed"
    assert normalise_text(html_to_text(html)[0]) == "kept"
