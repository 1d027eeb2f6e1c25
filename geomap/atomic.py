"""Atomic file writes: an output is either the previous complete file or the new complete file, never half.

Why: a run killed at any moment (Ctrl-C, OOM, power loss) must leave the outputs a colleague already opened
intact, and a re-run must simply overwrite them. Every writer in geomap goes through this module.

How: the new content is written to a temporary path in the *same directory* (so the final ``os.replace`` is a
rename on one filesystem, atomic on POSIX and Windows), flushed and fsync'ed, then renamed over the target; the
directory is fsync'ed so the rename itself survives a crash. On any exception the temporary is removed and the
previous file is untouched. A hard kill (SIGKILL, power loss) can leave a hidden ``.<name>.geomap-tmp-*``
folder next to the output; it never replaces the output and is safe to delete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "TMP_MARKER"]

TMP_MARKER = ".geomap-tmp-"  # part of every temporary name, so leftovers of a hard kill are recognisable


def _fsync_path(path: Path) -> None:
    """fsync a file or a directory by path (best effort for directories: not every OS/filesystem allows it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a not-yet-existing temporary path with the same file name as ``path``, in a private folder beside
    it; when the block ends without error the file written there replaces ``path`` atomically.

    The temporary keeps the final file name (hence its extension), so writers that pick a format from the
    extension (GDAL/pyogrio, matplotlib) behave as for the real path. The block must create the file; if it
    raises, nothing is renamed, the temporary is removed and ``path`` keeps its previous content.
    """
    target = Path(path)
    parent = target.parent
    tmpdir = Path(tempfile.mkdtemp(prefix=f".{target.name[:100]}{TMP_MARKER}", dir=parent))
    tmp = tmpdir / target.name
    try:
        yield tmp
        if not tmp.exists():
            raise FileNotFoundError(f"{target}: nothing was written to the temporary file")
        if tmp.is_file():
            _fsync_path(tmp)
            # mkdtemp makes the folder 0700; the file itself was created with the process umask: keep that,
            # but when replacing an existing file keep its permissions instead (a re-run should not change them).
            with contextlib.suppress(FileNotFoundError):
                os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        os.replace(tmp, target)
        with contextlib.suppress(OSError):
            _fsync_path(parent)
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see module docstring)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(data)
        f.flush()


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically, encoded as given, with no newline translation (byte-identical
    outputs on every OS)."""
    atomic_write_bytes(path, text.encode(encoding))
