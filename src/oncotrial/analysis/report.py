"""The DSMB report's content: tables and figures from one data cut's derived datasets.

Pure. The open session shows the trial pooled (no comparison by arm); the
closed session shows every efficacy and safety result by arm. The randomized
and preference cohorts are never pooled in a comparison (statistics notes;
DESIGN.md). Rendering (HTML by the application, PDF here) reads only this
content, so the page, the PDF and the CSV files show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from oncotrial.analysis.derive import (
    DerivationSettings,
    DerivedDatasets,
    best_percent_change,
    derive_all,
)
from oncotrial.analysis.figures import (
    ae_chart,
    consort_figure,
    forest_figure,
    km_figure,
    swimmer_data,
    swimmer_figure,
    waterfall_figure,
)
from oncotrial.analysis.figures.canvas import new_figure
from oncotrial.analysis.tables import (
    ae_incidence,
    consort_counts,
    response_table,
    subgroup_hazard_ratios,
    survival_summary,
    table1,
    write_table,
)
from oncotrial.text import gettext_noop

Translate = Callable[[str], str] | None


@dataclass
class Section:
    title: str
    figures: dict[str, Figure] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass
class Report:
    title: str
    cut_label: str
    open_session: Section
    closed_session: Section

    @property
    def sections(self) -> list[Section]:
        return [self.open_session, self.closed_session]


def _t(translate: Translate, text: str) -> str:
    return translate(text) if translate else text


def _pooled(adtte: pd.DataFrame, paramcd: str) -> pd.DataFrame:
    data = adtte.loc[adtte["PARAMCD"] == paramcd].copy()
    data["POOLED"] = "all"
    return data


def build_report(
    tables: Mapping[str, pd.DataFrame],
    settings: DerivationSettings,
    *,
    cut_label: str,
    translate: Translate = None,
) -> Report:
    """The open and closed sessions of the DSMB report for one cut's tidy tables."""
    derived: DerivedDatasets = derive_all(tables, settings)
    adsl, adtte = derived.adsl, derived.adtte
    consort = consort_counts(adsl, tables["IE"], tables["DS"])

    open_session = Section(_t(translate, gettext_noop("Open session (all arms pooled)")))
    open_session.figures["consort"] = consort_figure(consort, translate=translate)
    open_session.tables["consort"] = consort
    for paramcd in ("OS", "PFS"):
        data = _pooled(adtte, paramcd)
        if len(data):
            open_session.figures[f"km_{paramcd.lower()}_pooled"] = km_figure(
                data, group_col="POOLED", title=paramcd, translate=translate
            )

    closed = Section(_t(translate, gettext_noop("Closed session (by arm)")))
    closed.tables["table1"] = table1(adsl)
    for paramcd in ("OS", "PFS"):
        data = adtte.loc[adtte["PARAMCD"] == paramcd]
        if len(data):
            closed.figures[f"km_{paramcd.lower()}"] = km_figure(
                data, title=paramcd, translate=translate
            )
            closed.tables[f"survival_{paramcd.lower()}"] = survival_summary(adtte, paramcd)
    pfs = adtte.loc[adtte["PARAMCD"] == "PFS"]
    events = (
        pfs.loc[pfs["CNSR"] == 0].groupby("TRT01P").size() if len(pfs) else pd.Series(dtype=int)
    )
    # A hazard ratio needs events in both arms.
    if len(events) == 2 and (events > 0).all():
        forest = subgroup_hazard_ratios(adtte, adsl, "PFS")
        closed.tables["subgroups_pfs"] = forest
        closed.figures["forest_pfs"] = forest_figure(forest, translate=translate)
    allocated = adsl.loc[adsl["ITTFL"] == "Y"]
    if len(allocated):
        closed.figures["swimmer"] = swimmer_figure(
            swimmer_data(adsl, derived.adrs, tables["PR"]), translate=translate
        )
    closed.tables["response"] = response_table(derived.adrs, adsl)
    best = best_percent_change(derived.adtr)
    if len(best):
        closed.figures["waterfall"] = waterfall_figure(best, translate=translate)
    incidence = ae_incidence(derived.adae, adsl)
    closed.tables["adverse_events"] = incidence
    if len(incidence):
        for cohort in sorted(set(incidence.get("COHORT", pd.Series(dtype=str)))):
            closed.figures[f"ae_{cohort}"] = ae_chart(incidence, cohort, translate=translate)
    title = _t(translate, gettext_noop("ESO-RT Data and Safety Monitoring Board report"))
    return Report(title, cut_label, open_session, closed)


def write_pdf(report: Report, path: str | Path) -> None:
    """The report as a PDF: a title page, then each section's figures."""
    with PdfPages(path, metadata={"Title": report.title, "Subject": report.cut_label}) as pdf:
        cover = new_figure(8.27, 11.69)
        cover.text(0.1, 0.8, report.title, fontsize=16, weight="bold")
        cover.text(0.1, 0.75, report.cut_label, fontsize=11)
        pdf.savefig(cover)
        for section in report.sections:
            for name, figure in section.figures.items():
                figure.suptitle(section.title, fontsize=9, x=0.01, ha="left")
                figure.set_label(name)
                pdf.savefig(figure)


def write_tables(report: Report, folder: str | Path) -> list[Path]:
    """Every table of the report as CSV and Parquet (the same numbers in each)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for section in report.sections:
        for name, table in section.tables.items():
            written.extend(write_table(table, folder / name))
    return written
