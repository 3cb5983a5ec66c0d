"""The spider plot draws each participant's % change over time, by arm."""

from __future__ import annotations

import pandas as pd

from oncotrial.analysis.figures.spider import spider_figure


def test_one_line_per_participant_through_its_changes() -> None:
    adtr = pd.DataFrame(
        {
            "USUBJID": ["A", "A", "A", "B", "B"],
            "ADY": [0.0, 42.0, 84.0, 0.0, 42.0],
            "PCHG": [0.0, -30.0, 20.0, 0.0, 10.0],
        }
    )
    fig = spider_figure(adtr, pd.Series({"A": "consolidation", "B": "salvage"}))
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert set(lines) == {"A", "B"}
    assert list(lines["A"].get_xdata()) == [0.0, 42.0, 84.0]
    assert list(lines["A"].get_ydata()) == [0.0, -30.0, 20.0]
    assert lines["A"].get_color() != lines["B"].get_color()
    guides = sorted(line.get_ydata()[0] for line in fig.axes[0].get_lines() if not line.get_gid())
    assert guides == [-30.0, 0.0, 20.0]
