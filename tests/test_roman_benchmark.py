"""benchmarks/roman.py: synthetic footprints and the RESULTS.md section (the full-size
skymap itself is built by ``python -m benchmarks roman``, not here)."""

from __future__ import annotations

import numpy as np

from benchmarks.roman import render_roman, synthetic_footprints, write_roman_section


def test_synthetic_footprints_are_closed_detector_squares():
    table = synthetic_footprints(20, seed=1)
    assert table.num_rows == 20 and table.column_names == ["path", "ra", "dec"]
    for ra, dec in zip(table.column("ra").to_pylist(), table.column("dec").to_pylist()):
        assert len(ra) == 17 and ra[0] == ra[-1] and dec[0] == dec[-1]
        v = np.stack([np.cos(np.radians(dec)) * np.cos(np.radians(ra)),
                      np.cos(np.radians(dec)) * np.sin(np.radians(ra)),
                      np.sin(np.radians(dec))], 1)
        diagonal = np.degrees(np.arccos(np.clip(v[0] @ v[8], -1, 1)))
        assert abs(diagonal - 0.1249 * np.sqrt(2)) < 1e-4


def test_section_is_replaced_in_place(tmp_path):
    result = {"footprints": 10, "match_seconds": 1.5, "matches": 40, "matched_footprints": 9,
              "rss_mb": 100.0, "skymap_seconds": 0.01, "regions": 3, "skycells": 30,
              "memory_limit": "1GB", "load": 2.0}
    path = tmp_path / "RESULTS.md"
    path.write_text("# asnsql benchmarks\n\nJWST part\n")
    write_roman_section(path, render_roman(result, "abc", "m"))
    write_roman_section(path, render_roman({**result, "match_seconds": 2.5}, "abc", "m"))
    text = path.read_text()
    assert text.startswith("# asnsql benchmarks\n\nJWST part\n")
    assert text.count("## Roman") == 1 and "2.5 s" in text and "1.5 s" not in text
    assert "7-19 s CPU" in text
