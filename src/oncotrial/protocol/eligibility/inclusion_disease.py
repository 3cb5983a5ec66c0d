"""Inclusion rules about the cancer and its treatment so far: I2, I5 and I8.

This module owns the rules and parameter models for confirmed squamous cell
carcinoma at initial stage IVB or recurrent after radical treatment (I2, AJCC 8),
previous radiotherapy in the registry version the protocol chose (I5), and the
response to induction chemo-immunotherapy (I8), with the texts of their reasons.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from oncotrial.clinical.staging import MCategory, StageGroup, clinical_stage_group
from oncotrial.protocol.eligibility.evidence import (
    DiseaseSetting,
    Histology,
    ScreeningEvidence,
)
from oncotrial.protocol.eligibility.findings import (
    _all_of,
    _fact,
    _Finding,
    _flag,
    _known,
    _missing,
    _outcome,
    _Params,
    _unknown,
)
from oncotrial.protocol.eligibility.results import RuleOutcome
from oncotrial.text import gettext_noop

# ---------------------------------------------------------------- I2 escc_stage_ivb_or_recurrence


class StageParams(_Params):
    """`ajcc_edition`: only 8 is implemented; `stage`: the required initial clinical stage."""

    ajcc_edition: Literal[8]
    stage: StageGroup


_HISTOLOGY_NONE = gettext_noop(
    "%(criterion)s: the histological or cytological diagnosis is not recorded."
)
_HISTOLOGY_SCC = gettext_noop(
    "%(criterion)s: squamous cell carcinoma confirmed by histology or cytology."
)
_HISTOLOGY_OTHER = gettext_noop(
    "%(criterion)s: no confirmed squamous cell carcinoma (recorded: %(histology)s)."
)
_SETTING_NONE = gettext_noop(
    "%(criterion)s: whether this is the initial diagnosis or a recurrence is not recorded."
)
_SETTING_OTHER = gettext_noop(
    "%(criterion)s: neither initial stage %(stage)s nor a recurrence after radical treatment."
)
_M_NONE = gettext_noop("%(criterion)s: the initial clinical M category is not recorded.")
_TN_NONE = gettext_noop(
    "%(criterion)s: the initial clinical T and N categories are needed for the stage."
)
_TNM_UNDECIDED = gettext_noop(
    "%(criterion)s: initial c%(t)s %(n)s %(m)s does not decide an AJCC 8 stage group."
)
_STAGE_IS = gettext_noop("%(criterion)s: initial clinical stage %(stage)s (AJCC 8th edition).")
_STAGE_IS_NOT = gettext_noop(
    "%(criterion)s: initial clinical stage %(actual)s, not %(stage)s (AJCC 8th edition)."
)
_RECURRENCE_IN_FIELD = gettext_noop(
    "%(criterion)s: the recurrence lies within a previous radiation field."
)
_RECURRENCE_OUTSIDE = gettext_noop(
    "%(criterion)s: recurrence after radical treatment, outside any previous radiation field."
)
_RECURRENCE_NONE = gettext_noop(
    "%(criterion)s: whether the recurrence lies within a previous radiation field is not recorded."
)


def _initial_stage(params: StageParams, evidence: ScreeningEvidence) -> _Finding:
    t, n, m = evidence.initial_t, evidence.initial_n, evidence.initial_m
    if m is None:
        return _unknown(_M_NONE, "initial_m")
    if m is MCategory.M1:
        stage: StageGroup | None = StageGroup.STAGE_IVB  # any T, any N (§6.2)
    elif params.stage is StageGroup.STAGE_IVB:
        # M0 is never IVB whatever T and N turn out to be.
        return _fact(False, _STAGE_IS_NOT, stage=params.stage.value, actual="M0")
    elif t is None or n is None:
        return _unknown(_TN_NONE, *_missing(evidence, "initial_t", "initial_n"))
    else:
        stage = clinical_stage_group(t, n, m)
        if stage is None:
            return _unknown(
                _TNM_UNDECIDED, "initial_t", "initial_n", t=t.value, n=n.value, m=m.value
            )
    return _known(
        stage is params.stage,
        _STAGE_IS,
        _STAGE_IS_NOT,
        stage=params.stage.value,
        actual=stage.value,
    )


def _escc_stage_ivb_or_recurrence(params: StageParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Confirmed oesophageal SCC, and initial clinical stage IVB (AJCC 8) or a recurrence
    after radical surgery or radiotherapy outside any previous radiation field
    (clinical-rules.md §1.3 I2, §6.2)."""
    if evidence.histology is None:
        histology = _unknown(_HISTOLOGY_NONE, "histology")
    else:
        histology = _known(
            evidence.histology is Histology.SQUAMOUS_CELL_CARCINOMA,
            _HISTOLOGY_SCC,
            _HISTOLOGY_OTHER,
            histology=evidence.histology.value,
        )
    setting = evidence.disease_setting
    if setting is None:
        route = _unknown(_SETTING_NONE, "disease_setting")
    elif setting is DiseaseSetting.INITIAL_DIAGNOSIS:
        route = _initial_stage(params, evidence)
    elif setting is DiseaseSetting.RECURRENCE_AFTER_RADICAL_TREATMENT:
        route = _flag(
            evidence,
            "recurrence_in_prior_rt_field",
            _RECURRENCE_IN_FIELD,
            _RECURRENCE_OUTSIDE,
            _RECURRENCE_NONE,
            holds_when=False,
        )
    else:
        route = _fact(False, _SETTING_OTHER, stage=params.stage.value)
    return _outcome(_all_of(histology, route))


# ---------------------------------------------------------------- I5 prior_radiotherapy_field


class PriorRadiotherapyParams(_Params):
    """`variant` chooses between the registry versions (clinical-rules.md §1.3 [CONFLICT],
    §9.4): "no_recurrence_in_prior_field" (after definitive or preoperative
    radiotherapy, no recurrence within its field) or "no_prior_thoracic_rt" (no
    thoracic radiotherapy ever)."""

    variant: Literal["no_recurrence_in_prior_field", "no_prior_thoracic_rt"]


_THORACIC_RT = gettext_noop(
    "%(criterion)s: previous thoracic radiotherapy, which this version excludes."
)
_NO_THORACIC_RT = gettext_noop("%(criterion)s: no previous thoracic radiotherapy.")
_THORACIC_RT_NONE = gettext_noop(
    "%(criterion)s: whether the chest was irradiated before is not recorded."
)
_RADICAL_RT_NONE = gettext_noop(
    "%(criterion)s: whether definitive or preoperative radiotherapy was given is not recorded."
)
_NO_RADICAL_RT = gettext_noop("%(criterion)s: no previous definitive or preoperative radiotherapy.")
_IN_PRIOR_FIELD = gettext_noop("%(criterion)s: recurrence within the previous radiation field.")
_OUTSIDE_PRIOR_FIELD = gettext_noop(
    "%(criterion)s: after previous radiotherapy, no recurrence within its field."
)
_PRIOR_FIELD_NONE = gettext_noop(
    "%(criterion)s: whether the recurrence lies within the previous field is not recorded."
)


def _prior_radiotherapy_field(
    params: PriorRadiotherapyParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Previous radiotherapy, per the registry version the protocol chose
    (clinical-rules.md §1.3 I5 [CONFLICT], §9.4)."""
    if params.variant == "no_prior_thoracic_rt":
        return _outcome(
            _flag(
                evidence,
                "prior_thoracic_radiotherapy",
                _THORACIC_RT,
                _NO_THORACIC_RT,
                _THORACIC_RT_NONE,
                holds_when=False,
            )
        )
    if evidence.prior_radical_radiotherapy is None:
        return _outcome(_unknown(_RADICAL_RT_NONE, "prior_radical_radiotherapy"))
    if not evidence.prior_radical_radiotherapy:
        return _outcome(_fact(True, _NO_RADICAL_RT))
    return _outcome(
        _flag(
            evidence,
            "recurrence_in_prior_rt_field",
            _IN_PRIOR_FIELD,
            _OUTSIDE_PRIOR_FIELD,
            _PRIOR_FIELD_NONE,
            holds_when=False,
        )
    )


# ---------------------------------------------------------------- I8 induction_response


class InductionResponseParams(_Params):
    """Induction cycles within [`min_cycles`, `max_cycles`], both inclusive, and a
    response in `qualifying_responses` (clinical-rules.md §9.3: CR and PR by default;
    add SD to count disease control)."""

    min_cycles: int = Field(ge=1, le=20)
    max_cycles: int = Field(ge=1, le=20)
    qualifying_responses: tuple[Literal["CR", "PR", "SD"], ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _range(self) -> InductionResponseParams:
        if self.min_cycles > self.max_cycles:
            raise ValueError("min_cycles must not be above max_cycles")
        return self


_REGIMEN = gettext_noop(
    "%(criterion)s: induction was first-line chemotherapy with a PD-1 inhibitor."
)
_NOT_REGIMEN = gettext_noop(
    "%(criterion)s: induction was not first-line chemotherapy with a PD-1 inhibitor."
)
_REGIMEN_NONE = gettext_noop("%(criterion)s: the induction regimen is not recorded.")
_CYCLES_NONE = gettext_noop("%(criterion)s: the number of induction cycles is not recorded.")
_CYCLES_WITHIN = gettext_noop(
    "%(criterion)s: %(cycles)s induction cycles, within %(min)s to %(max)s."
)
_CYCLES_OUTSIDE = gettext_noop(
    "%(criterion)s: %(cycles)s induction cycles, outside %(min)s to %(max)s."
)
_RESPONSE_NONE = gettext_noop("%(criterion)s: the response to induction is not recorded.")
_RESPONSE_QUALIFIES = gettext_noop("%(criterion)s: response %(response)s, one of %(qualifying)s.")
_RESPONSE_FAILS = gettext_noop("%(criterion)s: response %(response)s, not one of %(qualifying)s.")


def _induction_response(
    params: InductionResponseParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Response to 2-4 cycles of first-line chemotherapy with a PD-1 inhibitor
    (clinical-rules.md §1.3 I8, §9.3)."""
    regimen = _flag(evidence, "induction_chemoimmunotherapy", _REGIMEN, _NOT_REGIMEN, _REGIMEN_NONE)
    cycles_given = evidence.induction_cycles
    if cycles_given is None:
        cycles = _unknown(_CYCLES_NONE, "induction_cycles")
    else:
        cycles = _known(
            params.min_cycles <= cycles_given <= params.max_cycles,
            _CYCLES_WITHIN,
            _CYCLES_OUTSIDE,
            cycles=cycles_given,
            min=params.min_cycles,
            max=params.max_cycles,
        )
    if evidence.induction_response is None:
        response = _unknown(_RESPONSE_NONE, "induction_response")
    else:
        response = _known(
            evidence.induction_response.value in params.qualifying_responses,
            _RESPONSE_QUALIFIES,
            _RESPONSE_FAILS,
            response=evidence.induction_response.value,
            qualifying=", ".join(params.qualifying_responses),
        )
    return _outcome(_all_of(regimen, cycles, response))
