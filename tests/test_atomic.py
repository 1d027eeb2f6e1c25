"""Atomic writes: an interrupted write never leaves a half file or a temporary behind (geomap/atomic.py)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from geomap.atomic import TMP_MARKER, atomic_path, atomic_write_bytes, atomic_write_text


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if TMP_MARKER in p.name)


def test_write_creates_and_replaces(tmp_path):
    out = tmp_path / "events.geojson"
    atomic_write_text(out, "first\n")
    atomic_write_text(out, "second\r\n")  # no newline translation: byte-identical outputs on every OS
    assert out.read_bytes() == b"second\r\n"
    atomic_write_bytes(out, b"\x00\xff")
    assert out.read_bytes() == b"\x00\xff"
    assert leftovers(tmp_path) == []


def test_exception_mid_write_keeps_previous_file_and_leaves_no_temporary(tmp_path):
    out = tmp_path / "map.html"
    out.write_text("previous complete map")
    with pytest.raises(RuntimeError, match="disk on fire"):
        with atomic_path(out) as tmp:
            assert tmp.name == "map.html" and tmp.parent.parent == tmp_path and not tmp.exists()
            with open(tmp, "w") as f:
                f.write("half of the new ma")
            raise RuntimeError("disk on fire")
    assert out.read_text() == "previous complete map"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_ctrl_c_mid_write_keeps_previous_file(tmp_path):
    out = tmp_path / "events.csv"
    out.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(out) as tmp:
            tmp.write_text("new but unfinished")
            raise KeyboardInterrupt
    assert out.read_text() == "old" and leftovers(tmp_path) == []


def test_block_that_writes_nothing_fails_loudly_and_keeps_previous(tmp_path):
    out = tmp_path / "a.gpkg"
    out.write_text("old")
    with pytest.raises(FileNotFoundError, match="nothing was written"):
        with atomic_path(out):
            pass
    assert out.read_text() == "old" and leftovers(tmp_path) == []


def test_new_file_has_normal_permissions_and_a_replaced_one_keeps_its_own(tmp_path):
    fresh = tmp_path / "fresh.txt"
    atomic_write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.txt"
    kept.write_text("x")
    kept.chmod(0o640)
    atomic_write_text(kept, "y")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_text() == "y"


def test_temporary_keeps_the_extension_for_format_sniffing_writers(tmp_path):
    with atomic_path(tmp_path / "layers.gpkg") as tmp:
        assert tmp.suffix == ".gpkg"
        tmp.write_bytes(b"data")
    assert (tmp_path / "layers.gpkg").read_bytes() == b"data"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_process_leaves_previous_output_intact_and_a_rerun_completes(tmp_path):
    out = tmp_path / "events.geojson"
    out.write_text('{"previous": true}')
    script = textwrap.dedent(
        f"""
        import os, signal
        from geomap.atomic import atomic_path
        with atomic_path({str(out)!r}) as tmp:
            with open(tmp, "w") as f:
                f.write('{{"new": ')
                f.flush()
                os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    assert out.read_text() == '{"previous": true}'
    # a hard kill cannot clean up: the leftover is a hidden, recognisable folder that never replaces the output
    assert all(name.startswith(".events.geojson" + TMP_MARKER) for name in leftovers(tmp_path))
    atomic_write_text(out, '{"new": true}')
    assert out.read_text() == '{"new": true}'
