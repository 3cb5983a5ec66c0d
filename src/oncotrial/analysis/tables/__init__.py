"""Analysis tables of the trial, each a pandas DataFrame writable as CSV and Parquet alike.

This package owns the tables of the statisticians' pages and the DSMB
report (issue 10 items 3 and 4), one module per table, all read from the
derived datasets of :mod:`oncotrial.analysis.derive` (and IE / DS for the
CONSORT reasons):

- :func:`table1` (baseline characteristics by cohort and arm);
- :func:`response_table` (best response, ORR, DCR, Clopper-Pearson);
- :func:`ae_incidence` (worst grade by term, cohort, arm, attribution);
- :func:`consort_counts` (the CONSORT flow);
- :func:`survival_summary`, :func:`arm_comparison` (medians, landmarks,
  log-rank and Cox per cohort and stratified by cohort);
- :func:`subgroup_hazard_ratios` (the forest plot's numbers);
- :func:`write_table` / :func:`read_csv_table` / :func:`read_parquet_table`.

Randomized and preference cohorts are reported apart, never pooled.
"""

from __future__ import annotations

from oncotrial.analysis.tables.adverse_events import ae_incidence
from oncotrial.analysis.tables.consort import consort_counts
from oncotrial.analysis.tables.io import (
    column_kinds,
    read_csv_table,
    read_parquet_table,
    write_table,
)
from oncotrial.analysis.tables.response import response_table
from oncotrial.analysis.tables.subgroups import subgroup_hazard_ratios
from oncotrial.analysis.tables.survival import arm_comparison, survival_summary
from oncotrial.analysis.tables.table1 import table1, table1_wide

__all__ = [
    "ae_incidence",
    "arm_comparison",
    "column_kinds",
    "consort_counts",
    "read_csv_table",
    "read_parquet_table",
    "response_table",
    "subgroup_hazard_ratios",
    "survival_summary",
    "table1",
    "table1_wide",
    "write_table",
]
