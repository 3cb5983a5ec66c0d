"""Every protocol choice the derived datasets depend on, gathered from one protocol version.

This module owns `DerivationSettings` and its reading from a loaded
protocol (protocols/eso_rt.toml): the censoring rules ([settings.progression]
and the tumour-assessment visit), the response settings ([settings.recist]
and [settings.progression], as :mod:`oncotrial.clinical` reads them), the AE
collection window ([settings.safety]), the baseline visit's window, the
geriatric age of criterion I3 and the systemic-therapy categories of the
study regimen. The derivations receive these values explicitly; none reads
a constant where the protocol may choose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oncotrial.analysis.derive.adsl import STUDY_THERAPY_CATEGORIES
from oncotrial.analysis.derive.censoring import CensoringRules
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.protocol.schema import Protocol


@dataclass(frozen=True)
class DerivationSettings:
    """Protocol settings for ADSL, ADTTE, ADRS, ADTR and ADAE; defaults are ESO-RT's."""

    censoring: CensoringRules = field(default_factory=CensoringRules)
    response: ResponseSettings = field(default_factory=ResponseSettings)
    ae_collection_days: int = 90
    baseline_window: tuple[int, int] = (-28, 0)
    geriatric_age: int = 65
    study_therapy_categories: tuple[str, ...] = STUDY_THERAPY_CATEGORIES

    @classmethod
    def from_protocol(cls, protocol: Protocol) -> DerivationSettings:
        """Settings of one protocol version."""
        baseline = next(
            (
                v
                for v in protocol.schedule.visits
                if v.repeat is None and v.day == 0 and "tumour_assessment" in v.assessments
            ),
            None,
        )
        if baseline is None:
            raise ValueError("schedule: no day-0 visit with a tumour_assessment (baseline)")
        geriatric = next(
            (c.params["geriatric_age"] for c in protocol.criteria if "geriatric_age" in c.params),
            65,
        )
        return cls(
            censoring=CensoringRules.from_protocol(protocol),
            response=ResponseSettings.from_protocol(
                protocol.settings.recist.model_dump(), protocol.settings.progression.model_dump()
            ),
            ae_collection_days=protocol.settings.safety.ae_collection_days_after_last_dose,
            baseline_window=(baseline.window[0], baseline.window[1]),
            geriatric_age=int(geriatric),
        )
