"""Unresolved rows spilled to disk come back in unresolved.csv's order, every time they are read."""

import pytest

from geomap.export import unresolved_csv
from geomap.spill import RowSpill


def _row(report, start, text="X", reason="unresolved", **kw):
    return {"report": report, "text": text, "start": start, "end": start + len(text), "reason": reason, **kw}


def test_rows_come_back_sorted_like_the_csv(tmp_path):
    rows = [_row("b", 5), _row("a", 9, "Zürich"), _row("a", 9, "Bar", "far fuzzy"), _row("a", 2, lat=1.0, lon=2.0),
            _row("é", 0), _row("a", 10)]
    with RowSpill(tmp_path) as spill:
        spill.extend(rows[:3])
        spill.extend(rows[3:])
        assert len(spill) == 6
        got = list(spill)
        assert got == list(spill)
        assert unresolved_csv(got, presorted=True) == unresolved_csv(rows)
        assert got[0] == _row("a", 2, lat=1.0, lon=2.0)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="closed"):
        list(spill)


def test_distinct_count_is_exact_past_its_memory_limit(tmp_path):
    from geomap.spill import DistinctCount

    small, big = DistinctCount(tmp_path, limit=5), DistinctCount(tmp_path, limit=5)
    keys = [f"r{i % 13}" for i in range(40)]
    for i in range(0, 40, 3):
        small.update(keys[i:i + 3][:1])
        big.update(keys[i:i + 3])
    assert len(small) == len(set(keys[::3])) and len(big) == 13
    assert any(tmp_path.iterdir())  # past the limit the keys went to a work file...
    big.close()
    small.close()
    assert list(tmp_path.iterdir()) == []  # ...deleted on close
