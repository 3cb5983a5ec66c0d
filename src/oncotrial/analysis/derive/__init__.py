"""Derived datasets (ADaM-like) from the tidy per-domain tables: ADSL, ADTTE, ADRS, ADTR, ADAE.

This package owns the step from tidy tables (:mod:`oncotrial.analysis.tidy`)
to the analysis tables the statistics, reports and exports read
(DESIGN.md, "Data flows one way"; statistics-and-standards.md §4.2). One
module per dataset; the censoring rules, the progression dates and the
protocol settings each have their own.

    from oncotrial.analysis.derive import DerivationSettings, derive_all
    settings = DerivationSettings.from_protocol(load_protocol(path).protocol)
    derived = derive_all(tables, settings)  # tables: {"DM": frame, "IE": frame, ...}
    derived.adsl, derived.adtte, derived.adrs, derived.adtr, derived.adae

Every function is pure: data frames in, data frames out, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from oncotrial.analysis.derive.adae import derive_adae
from oncotrial.analysis.derive.adrs import derive_adrs
from oncotrial.analysis.derive.adsl import derive_adsl
from oncotrial.analysis.derive.adtr import best_percent_change, derive_adtr
from oncotrial.analysis.derive.adtte import derive_adtte
from oncotrial.analysis.derive.censoring import CensoringRules, Cnsr
from oncotrial.analysis.derive.inputs import IRECIST, RECIST
from oncotrial.analysis.derive.settings import DerivationSettings


@dataclass(frozen=True)
class DerivedDatasets:
    """The derived tables of one data cut."""

    adsl: pd.DataFrame
    adtte: pd.DataFrame
    adrs: pd.DataFrame
    adtr: pd.DataFrame
    adae: pd.DataFrame


def derive_all(
    tables: Mapping[str, pd.DataFrame], settings: DerivationSettings | None = None
) -> DerivedDatasets:
    """Every derived dataset from the tidy tables DM, IE, DS, EX, PR, TR, RS, AE and SS."""
    s = settings or DerivationSettings()
    adsl = derive_adsl(
        tables,
        baseline_window=s.baseline_window,
        study_therapy_categories=s.study_therapy_categories,
        geriatric_age=s.geriatric_age,
    )
    criteria = (RECIST, IRECIST) if s.censoring.irecist else (RECIST,)
    return DerivedDatasets(
        adsl=adsl,
        adtte=derive_adtte(adsl, tables["RS"], s.censoring),
        adrs=derive_adrs(adsl, tables["RS"], s.response, criteria),
        adtr=derive_adtr(adsl, tables["TR"], tables["RS"], s.baseline_window),
        adae=derive_adae(adsl, tables["AE"], s.ae_collection_days),
    )


__all__ = [
    "CensoringRules",
    "Cnsr",
    "DerivationSettings",
    "DerivedDatasets",
    "best_percent_change",
    "derive_adae",
    "derive_adrs",
    "derive_adsl",
    "derive_adtr",
    "derive_adtte",
    "derive_all",
]
