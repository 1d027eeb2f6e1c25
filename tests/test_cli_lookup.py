"""`geomap lookup`: human and JSON output, stdin, country focus, and bad input without tracebacks."""

from __future__ import annotations

import io
import json

import pytest

from geomap.cli import main


@pytest.fixture(autouse=True)
def _index_built(gz):  # the command opens the same cached index
    return gz


def run(capsys, monkeypatch, argv, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, ["lookup", "Valuiki", "Stanitsa Luganskaya", "--json"])
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [d["query"] for d in lines] == ["Valuiki", "Stanitsa Luganskaya"]
    best = lines[0]["best"]
    assert set(best) == {"name", "kind", "country", "lat", "lon", "score", "id"}
    assert best["name"] == "Valuyki" and best["country"] == "RU"
    assert lines[1]["best"]["country"] == "UA" and lines[1]["candidates"][0] == lines[1]["best"]


def test_stdin_and_bad_names(capsys, monkeypatch):
    names = "Kiev\n\n   \n" + "x" * 10_000 + "\n\x01\x02\nКиїв Kyiv\n"
    code, out, err = run(capsys, monkeypatch, ["lookup", "-", "--json", "--limit", "2"], stdin=names)
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 6 and "Traceback" not in err
    assert lines[0]["best"]["id"] == "gn:703448"
    for d in lines[1:5]:
        assert d["best"] is None and d["candidates"] == [] and d["reason"]
    assert code == 1  # some names had no result


def test_human_output_and_country_focus(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, ["lookup", "Odessa", "--country", "US", "--limit", "1"])
    assert code == 0 and "Odessa" in out and ", US" in out


def test_bad_country_is_a_usage_error(capsys, monkeypatch):
    code, out, err = run(capsys, monkeypatch, ["lookup", "Kyiv", "--country", "Ukraine"])
    assert code == 2 and "--country" in err and "Traceback" not in err
