"""Figures of the trial's report, drawn with matplotlib on the Agg canvas.

This package owns the figures (issue 10 item 4), one module per figure,
each a function that returns a ``matplotlib.figure.Figure`` and, given
`path`, writes it as PNG or PDF:

- :func:`km_figure` (Kaplan-Meier by arm, censoring marks, numbers at risk);
- :func:`forest_figure` (hazard ratios over subgroups);
- :func:`waterfall_figure` (best % change of the target sum per participant);
- :func:`swimmer_figure` with :func:`swimmer_data` (each participant's course);
- :func:`ae_chart` (worst grade by term and arm);
- :func:`consort_figure` (the CONSORT flow diagram).

Artists carry ids (gid / axes labels, documented per module) so that tests
and reports can check what a figure shows without comparing pixels. Label
texts are English templates marked for translation; pass `translate` to
render them in another language.
"""

from __future__ import annotations

from oncotrial.analysis.figures.adverse_events import ae_chart
from oncotrial.analysis.figures.consort import consort_figure
from oncotrial.analysis.figures.forest import forest_figure
from oncotrial.analysis.figures.km import km_figure, numbers_at_risk
from oncotrial.analysis.figures.swimmer import SwimmerData, swimmer_data, swimmer_figure
from oncotrial.analysis.figures.waterfall import waterfall_figure

__all__ = [
    "SwimmerData",
    "ae_chart",
    "consort_figure",
    "forest_figure",
    "km_figure",
    "numbers_at_risk",
    "swimmer_data",
    "swimmer_figure",
    "waterfall_figure",
]
