"""`geomap map` and `geomap extract` as a user runs them: outputs, warnings, exit codes."""

from __future__ import annotations

import json

import pytest

from geomap.cli import main

REPORT = ("KYIV, Feb 17 - Russian occupation troops shelled the settlement of Stanytsia Luhanska early "
          "Thursday, the Ukrainian armed forces said.\n")


@pytest.fixture()
def corpus(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    (d / "a.txt").write_text(REPORT, encoding="utf-8")
    (d / "a.txt.meta.json").write_text(json.dumps({"published": "2022-02-17", "outlet": "Wire"}))
    return d


def test_map_writes_every_output_and_exits_0(corpus, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["map", str(corpus), "--out", str(out), "--no-png"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["events.csv", "events.geojson", "events.gpkg", "map.html", "map_embed.html", "unresolved.csv"]
    fc = json.loads((out / "events.geojson").read_text())
    shelling = [f for f in fc["features"] if f["properties"]["event_type"] == "shelling"]
    assert shelling and shelling[0]["properties"]["date"] == "2022-02-17"
    assert "events:" in capsys.readouterr().err
    page = (out / "map.html").read_text()
    assert "tile.openstreetmap.org" not in page  # offline is the default: no tile requests


def test_online_adds_attributed_tiles(corpus, tmp_path):
    out = tmp_path / "out"
    assert main(["map", str(corpus), "--out", str(out), "--no-png", "--online"]) == 0
    page = (out / "map.html").read_text()
    assert "tile.openstreetmap.org" in page and "OpenStreetMap" in page


def test_a_bad_file_is_one_warning_and_exit_1(corpus, tmp_path, capsys):
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00")
    out = tmp_path / "out"
    assert main(["extract", str(corpus), "-o", str(out / "e.geojson")]) == 1
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if line.startswith("geomap: warning: ")]
    assert len(warnings) == 1 and "broken.txt" in warnings[0]
    assert json.loads((out / "e.geojson").read_text())["features"]


def test_nothing_readable_or_a_bad_date_is_exit_2_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["map", str(tmp_path / "missing"), "--out", str(out)]) == 2
    assert main(["extract", str(tmp_path), "--date", "2022-02-30", "-o", str(out / "e.geojson")]) == 2
    err = capsys.readouterr().err
    assert "--date" in err and "Traceback" not in err
    assert not out.exists()


def test_jobs_give_byte_identical_output(corpus, tmp_path):
    (corpus / "b.txt").write_text("Artillery shelled Kharkiv overnight on Tuesday, officials said.\n")
    a, b = tmp_path / "a.geojson", tmp_path / "b.geojson"
    assert main(["extract", str(corpus), "-o", str(a), "--date", "2022-02-17"]) == 0
    assert main(["extract", str(corpus), "-o", str(b), "--date", "2022-02-17", "--jobs", "2"]) == 0
    assert a.read_bytes() == b.read_bytes()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_stops_a_run_with_exit_143_and_leaves_no_work_files(tmp_path, jobs):
    """A scheduler stops a long job with SIGTERM: the run unwinds as from Ctrl-C, deletes its work files
    and writes no half file."""
    import os
    import signal
    import subprocess
    import sys
    import time

    reports = tmp_path / "reports"
    reports.mkdir()
    for i in range(1000):  # far more than the run gets through before the stop
        (reports / f"r{i:04d}.txt").write_text(REPORT.replace("Thursday", f"Thursday ({i})"), encoding="utf-8")
    work, out = tmp_path / "work", tmp_path / "out"
    work.mkdir()
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from geomap.cli import main; sys.exit(main())",
                             "map", str(reports), "--out", str(out), "--no-png", "--date", "2022-02-17", "--jobs", jobs],
                            env={**os.environ, "TMPDIR": str(work)}, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and not any(p.name.startswith(".geomap-merge-") for p in work.iterdir()):
            time.sleep(0.05)
        assert any(p.name.startswith(".geomap-merge-") for p in work.iterdir()), "the run made no work file"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 143, err
    assert "geomap: terminated; outputs already written are intact" in err
    assert "Traceback" not in err
    assert not [p.name for p in work.iterdir()]  # work files deleted
    assert not out.exists() or not [p.name for p in out.iterdir() if p.name.startswith(".")]  # no temporary left
