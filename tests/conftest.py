"""Shared fixtures. The world gazetteer is built once per machine (cached) and opened once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_BENCH = ROOT.parent / "shared" / "bench"


@pytest.fixture(scope="session")
def gz():
    """The default world gazetteer (built into the user cache on first use)."""
    from gazetteer import Gazetteer

    return Gazetteer.default()
