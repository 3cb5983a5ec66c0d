"""The Kaplan-Meier figure shows the fitted curves, censoring marks and the numbers at risk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from oncotrial.analysis.figures import km_figure
from oncotrial.analysis.survival import kaplan_meier

# consolidation: times 30 (event), 60 (censored), 200 (event), 400 (censored)
# salvage: 10, 100, 100 (events), 250 (censored)
DATA = pd.DataFrame(
    {
        "PARAMCD": "PFS",
        "TRT01P": ["consolidation"] * 4 + ["salvage"] * 4,
        "AVAL": [30.0, 60.0, 200.0, 400.0, 10.0, 100.0, 100.0, 250.0],
        "CNSR": [0, 2, 0, 2, 0, 0, 0, 2],
    }
)


def axes(fig: Figure, name: str) -> Axes:
    return next(ax for ax in fig.axes if ax.get_label() == name)


def test_numbers_at_risk_under_the_axis() -> None:
    fig = km_figure(DATA, time_unit="days", risk_times=[0, 50, 100, 300])
    texts = {t.get_gid(): t.get_text() for t in axes(fig, "risk_table").texts}
    # at risk at t = time >= t, counted here by hand:
    # consolidation: t=0: 4; t=50: 60, 200, 400 -> 3; t=100: 2; t=300: 1
    # salvage: t=0: 4; t=50: 100, 100, 250 -> 3; t=100: 3 (tied at 100); t=300: 0
    assert texts == {
        "risk:consolidation:0": "4", "risk:consolidation:50": "3",
        "risk:consolidation:100": "2", "risk:consolidation:300": "1",
        "risk:salvage:0": "4", "risk:salvage:50": "3", "risk:salvage:100": "3",
        "risk:salvage:300": "0",
    }  # fmt: skip


def test_risk_numbers_in_months_match_an_independent_count() -> None:
    rng = np.random.default_rng(3)
    data = pd.DataFrame(
        {
            "TRT01P": np.where(rng.random(60) < 0.5, "consolidation", "salvage"),
            "AVAL": rng.integers(1, 900, 60).astype(float),
            "CNSR": rng.integers(0, 2, 60),
        }
    )
    fig = km_figure(data)  # months, ticks every 6 months
    risk = axes(fig, "risk_table")
    for text in risk.texts:
        _, group, t = text.get_gid().split(":")
        rows = data.loc[data["TRT01P"] == group]
        assert int(text.get_text()) == int((rows["AVAL"] / (365.25 / 12) >= float(t)).sum())
    assert len(risk.texts) == 2 * len(risk.get_xticks())


def test_curves_and_censoring_marks_follow_the_fit() -> None:
    fig = km_figure(DATA, time_unit="days")
    main = axes(fig, "km")
    lines = {line.get_gid(): line for line in main.lines}
    fit = kaplan_meier([10.0, 100.0, 100.0, 250.0], [1, 1, 1, 0])
    curve = lines["curve:salvage"]
    assert list(curve.get_xdata()) == [0.0, *fit.time]
    assert list(curve.get_ydata()) == [1.0, *fit.survival]  # 0.75, 0.25, 0.25
    marks = lines["censor:consolidation"]
    # censored at 60 (S = 0.75) and 400 (S = 0.75 * 1/2 = 0.375)
    assert list(marks.get_xdata()) == [60.0, 400.0]
    assert list(marks.get_ydata()) == pytest.approx([0.75, 0.375])
    labels = [t.get_text() for t in main.get_legend().get_texts()]
    assert labels == ["consolidation (n=4, events=2)", "salvage (n=4, events=3)"]


def test_writes_png_and_pdf(tmp_path: Path) -> None:
    km_figure(DATA, path=[tmp_path / "km.png", tmp_path / "km.pdf"])
    assert (tmp_path / "km.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "km.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match=r"expected a \.png or \.pdf file"):
        km_figure(DATA, path=tmp_path / "km.svg")


def test_labels_can_be_translated() -> None:
    fig = km_figure(DATA, translate=lambda s: s.replace("Number at risk", "风险人数"))
    assert axes(fig, "risk_table").get_title(loc="left") == "风险人数"


def test_one_parameter_at_a_time() -> None:
    with pytest.raises(ValueError, match="one PARAMCD"):
        km_figure(pd.concat([DATA, DATA.assign(PARAMCD="OS")]))
