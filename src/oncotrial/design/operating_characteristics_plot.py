"""A one-page plotted summary of simulated operating characteristics (matplotlib, Agg).

This module owns the design figure shown on the command line's output and
the statisticians' page: the boundaries on the Z scale, the probability of
stopping at each look, and the rejection rate across the simulated hazard
ratios with Monte Carlo 95 % error bars. It draws on a bare
``matplotlib.figure.Figure`` with the Agg canvas, so it needs no display and
never touches pyplot's global state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from oncotrial.design.operating_characteristics import OperatingCharacteristics


def plot_operating_characteristics(
    results: Sequence[OperatingCharacteristics],
    path: str | Path | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Draw the summary of one or more simulation results sharing the same looks and bounds.

    Returns the Figure; with `path` also writes it as a PNG (150 dpi).
    """
    if not results:
        raise ValueError("results must hold at least one simulation result")
    first = results[0]
    looks = np.arange(1, len(first.looks) + 1)
    fig = Figure(figsize=(12, 4), layout="constrained")
    FigureCanvasAgg(fig)
    ax_bounds, ax_stop, ax_power = fig.subplots(1, 3)

    ax_bounds.plot(looks, first.efficacy, "o-", color="tab:green", label="efficacy")
    if first.sided == 2:
        ax_bounds.plot(looks, [-b for b in first.efficacy], "o-", color="tab:green")
    if first.futility is not None:
        shown = [f if np.isfinite(f) else np.nan for f in first.futility]
        ax_bounds.plot(looks, shown, "s--", color="tab:red", label="futility")
    ax_bounds.axhline(0.0, color="grey", linewidth=0.5)
    unit = "events" if first.look_type == "events" else "month"
    ax_bounds.set_xticks(looks, [f"{v:g}" for v in first.looks])
    ax_bounds.set_xlabel(f"look ({unit})")
    ax_bounds.set_ylabel("Z boundary (Z > 0 favours experimental)")
    ax_bounds.set_title("Boundaries")
    ax_bounds.legend()

    width = 0.8 / len(results)
    colours = [f"C{i % 10}" for i in range(len(results))]
    for i, res in enumerate(results):
        x = looks - 0.4 + width * (i + 0.5)
        colour = colours[i]
        ax_stop.bar(
            x, res.stop_efficacy, width, color=colour, label=f"HR {res.scenario.hazard_ratio:g}"
        )
        if res.futility is not None:
            ax_stop.bar(
                x,
                res.stop_futility,
                width,
                bottom=res.stop_efficacy,
                color=colour,
                alpha=0.35,
                hatch="//",
                edgecolor=colour,
            )
    ax_stop.set_xticks(looks, [f"{v:g}" for v in first.looks])
    ax_stop.set_xlabel(f"look ({unit})")
    ax_stop.set_ylabel("probability of stopping")
    ax_stop.set_ylim(0.0, 1.0)
    ax_stop.set_title("Stopping at each look" + (" (hatched: futility)" if first.futility else ""))
    ax_stop.legend(fontsize="small", ncols=2)

    ordered = sorted(results, key=lambda r: r.scenario.hazard_ratio)
    hr = [r.scenario.hazard_ratio for r in ordered]
    rate = [r.reject_rate for r in ordered]
    err = [1.96 * r.reject_se for r in ordered]
    ax_power.errorbar(hr, rate, yerr=err, fmt="o-", capsize=3)
    for r in ordered:
        ax_power.annotate(
            f"E[D] {r.expected_events:.0f}, E[T] {r.expected_duration:.1f}",
            (r.scenario.hazard_ratio, r.reject_rate),
            textcoords="offset points",
            xytext=(6, 4),
            fontsize="x-small",
        )
    ax_power.margins(x=0.25)
    ax_power.set_ylim(0.0, 1.05)
    ax_power.set_xlabel("hazard ratio (experimental / control)")
    ax_power.set_ylabel("P(reject H0), 95 % MC interval")
    ax_power.set_title(f"Rejection rate ({first.n_trials:,} trials each, seed {first.seed})")

    if title:
        fig.suptitle(title)
    if path is not None:
        fig.savefig(Path(path), dpi=150, format="png")
    return fig
