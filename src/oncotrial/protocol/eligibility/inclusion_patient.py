"""Inclusion rules about the person: I1, I3, I4, I6 and I7.

This module owns the rules and parameter models for minimum age (I1, `min_age`),
performance and geriatric status (I3, ECOG and G8 or a comprehensive geriatric
assessment), laboratory thresholds (I4: blood counts, liver function, kidney
function by creatinine or Cockcroft-Gault clearance), expected survival (I6) and
informed consent (I7), with the texts of their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from pydantic import Field

from oncotrial.clinical import g8, laboratory
from oncotrial.clinical.dosing import cockcroft_gault
from oncotrial.clinical.laboratory import Analyte
from oncotrial.protocol.eligibility.evidence import _LAB_FIELDS, ScreeningEvidence
from oncotrial.protocol.eligibility.findings import (
    NoParams,
    _age,
    _age_unknown,
    _all_of,
    _any_of,
    _explained,
    _fact,
    _Finding,
    _flag,
    _fmt,
    _known,
    _missing,
    _outcome,
    _Params,
    _unknown,
)
from oncotrial.protocol.eligibility.results import RuleOutcome
from oncotrial.text import gettext_noop

# ---------------------------------------------------------------- I1 min_age


class MinAgeParams(_Params):
    """`years`: the minimum age in completed years, inclusive (age >= years passes)."""

    years: int = Field(ge=0, le=120)


_AGE_AT_LEAST = gettext_noop("%(criterion)s: aged %(age)s on %(date)s, at least %(min)s years.")
_AGE_BELOW = gettext_noop("%(criterion)s: aged %(age)s on %(date)s, below the minimum of %(min)s.")


def _min_age(params: MinAgeParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Age in completed years on the screening date is at least `years`
    (clinical-rules.md §1.3, I1)."""
    age = _age(evidence)
    if age is None:
        return _outcome(_age_unknown(evidence))
    return _outcome(
        _known(
            age >= params.years,
            _AGE_AT_LEAST,
            _AGE_BELOW,
            age=age,
            min=params.years,
            date=evidence.screening_date.isoformat(),
        )
    )


# ------------------------------------------------ I3 performance_and_geriatric_status


class PerformanceGeriatricParams(_Params):
    """ECOG at most `max_ecog` (inclusive). From `geriatric_age` (inclusive) a G8 score
    above `g8_normal_above` (exclusive: 14 fails, 14.5 passes) is needed or, when
    `accept_cga`, a comprehensive geriatric assessment documented as favourable."""

    max_ecog: int = Field(ge=0, le=5)
    geriatric_age: int = Field(ge=0, le=120)
    g8_normal_above: Decimal = Field(ge=0, le=17)
    accept_cga: bool


_ECOG_NONE = gettext_noop("%(criterion)s: ECOG performance status is not recorded.")
_ECOG_WITHIN = gettext_noop("%(criterion)s: ECOG %(ecog)s, within the maximum of %(max)s.")
_ECOG_ABOVE = gettext_noop("%(criterion)s: ECOG %(ecog)s, above the maximum of %(max)s.")
_NOT_GERIATRIC = gettext_noop(
    "%(criterion)s: aged %(age)s, under %(geriatric_age)s: no geriatric screening needed."
)
_GERIATRIC = gettext_noop(
    "%(criterion)s: aged %(age)s, %(geriatric_age)s or over: "
    "a good geriatric screening result is needed."
)
_G8_NONE = gettext_noop("%(criterion)s: the G8 score is not recorded.")
_G8_NORMAL = gettext_noop("%(criterion)s: G8 score %(score)s is above %(cut_off)s (normal).")
_G8_ABNORMAL = gettext_noop(
    "%(criterion)s: G8 score %(score)s is not above %(cut_off)s (abnormal)."
)
_CGA_GOOD = gettext_noop(
    "%(criterion)s: comprehensive geriatric assessment documented as favourable."
)
_CGA_NOT_GOOD = gettext_noop("%(criterion)s: comprehensive geriatric assessment not favourable.")
_CGA_NONE = gettext_noop("%(criterion)s: no comprehensive geriatric assessment is recorded.")


def _geriatric_screening(
    params: PerformanceGeriatricParams, evidence: ScreeningEvidence
) -> _Finding:
    if evidence.g8_score is None:
        screening = _unknown(_G8_NONE, "g8_score")
    else:
        screening = _known(
            g8.is_normal(evidence.g8_score, params.g8_normal_above),
            _G8_NORMAL,
            _G8_ABNORMAL,
            score=_fmt(evidence.g8_score),
            cut_off=_fmt(params.g8_normal_above),
        )
    if not params.accept_cga:
        return screening
    assessment = _flag(evidence, "cga_favourable", _CGA_GOOD, _CGA_NOT_GOOD, _CGA_NONE)
    return _any_of(screening, assessment)


def _performance_and_geriatric_status(
    params: PerformanceGeriatricParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """ECOG 0-1; from age 65 a good G8 (above 14) or comprehensive geriatric assessment
    (clinical-rules.md §1.3 I3, §5.1, §5.2, §9.8)."""
    if evidence.ecog is None:
        performance = _unknown(_ECOG_NONE, "ecog")
    else:
        performance = _known(
            evidence.ecog <= params.max_ecog,
            _ECOG_WITHIN,
            _ECOG_ABOVE,
            ecog=evidence.ecog,
            max=params.max_ecog,
        )
    age = _age(evidence)
    if age is None:
        geriatric = _age_unknown(evidence)
    elif age < params.geriatric_age:
        geriatric = _fact(True, _NOT_GERIATRIC, age=age, geriatric_age=params.geriatric_age)
    else:
        geriatric = _explained(
            _GERIATRIC,
            _geriatric_screening(params, evidence),
            age=age,
            geriatric_age=params.geriatric_age,
        )
    return _outcome(_all_of(performance, geriatric))


# ---------------------------------------------------------------- I4 laboratory_thresholds


class LaboratoryParams(_Params):
    """Every bound is inclusive: a `_min_` bound passes a result equal to it (ANC >= 1.5),
    a `_max_` bound passes a result equal to it (bilirubin <= 1.5 x ULN).

    Kidney function: by default ("either") creatinine within `creatinine_max_x_uln`
    or a Cockcroft-Gault clearance of at least `creatinine_clearance_min_ml_per_min`
    suffices, as the usual wording "creatinine <= 1.5 x ULN or CrCl >= 60 mL/min"
    reads; "both" requires both. Without a clearance bound only creatinine counts.
    """

    anc_min_e9_per_l: Decimal = Field(gt=0)
    haemoglobin_min_g_per_l: Decimal = Field(gt=0)
    platelets_min_e9_per_l: Decimal = Field(gt=0)
    bilirubin_max_x_uln: Decimal = Field(gt=0)
    alt_max_x_uln: Decimal = Field(gt=0)
    ast_max_x_uln: Decimal = Field(gt=0)
    creatinine_max_x_uln: Decimal = Field(gt=0)
    creatinine_clearance_min_ml_per_min: Decimal | None = Field(default=None, gt=0)
    kidney_function_requires: Literal["either", "both"] = "either"


@dataclass(frozen=True)
class _LabTexts:
    within: str
    outside: str
    not_recorded: str
    uln_not_recorded: str = ""


_MINIMUM_TEXTS = {
    "anc": _LabTexts(
        gettext_noop("%(criterion)s: neutrophils %(value)s × 10⁹/L, at least %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: neutrophils %(value)s × 10⁹/L, below %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: the absolute neutrophil count is not recorded."),
    ),
    "haemoglobin": _LabTexts(
        gettext_noop("%(criterion)s: haemoglobin %(value)s g/L, at least %(limit)s g/L."),
        gettext_noop("%(criterion)s: haemoglobin %(value)s g/L, below %(limit)s g/L."),
        gettext_noop("%(criterion)s: haemoglobin is not recorded."),
    ),
    "platelets": _LabTexts(
        gettext_noop("%(criterion)s: platelets %(value)s × 10⁹/L, at least %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: platelets %(value)s × 10⁹/L, below %(limit)s × 10⁹/L."),
        gettext_noop("%(criterion)s: the platelet count is not recorded."),
    ),
}
_ULN_TEXTS = {
    "total_bilirubin": _LabTexts(
        gettext_noop("%(criterion)s: total bilirubin %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: total bilirubin %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: total bilirubin is not recorded."),
        gettext_noop(
            "%(criterion)s: the site's upper limit of normal for bilirubin is not recorded."
        ),
    ),
    "alt": _LabTexts(
        gettext_noop("%(criterion)s: ALT %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: ALT %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: ALT is not recorded."),
        gettext_noop("%(criterion)s: the site's upper limit of normal for ALT is not recorded."),
    ),
    "ast": _LabTexts(
        gettext_noop("%(criterion)s: AST %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: AST %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: AST is not recorded."),
        gettext_noop("%(criterion)s: the site's upper limit of normal for AST is not recorded."),
    ),
    "creatinine": _LabTexts(
        gettext_noop("%(criterion)s: creatinine %(value)s × ULN, at most %(limit)s × ULN."),
        gettext_noop("%(criterion)s: creatinine %(value)s × ULN, above %(limit)s × ULN."),
        gettext_noop("%(criterion)s: creatinine is not recorded."),
        gettext_noop(
            "%(criterion)s: the site's upper limit of normal for creatinine is not recorded."
        ),
    ),
}
_ULN_FIELD_OF = {
    "total_bilirubin": "bilirubin_uln",
    "alt": "alt_uln",
    "ast": "ast_uln",
    "creatinine": "creatinine_uln",
}
_CLEARANCE_WITHIN = gettext_noop(
    "%(criterion)s: creatinine clearance (Cockcroft–Gault) %(value)s mL/min, "
    "at least %(limit)s mL/min."
)
_CLEARANCE_BELOW = gettext_noop(
    "%(criterion)s: creatinine clearance (Cockcroft–Gault) %(value)s mL/min, "
    "below %(limit)s mL/min."
)
_CLEARANCE_NONE = gettext_noop(
    "%(criterion)s: creatinine clearance needs age, sex, weight and creatinine."
)
_KIDNEY_EITHER = gettext_noop(
    "%(criterion)s: kidney function passes on creatinine or on creatinine clearance."
)


def _at_least(evidence: ScreeningEvidence, name: str, minimum: Decimal) -> _Finding:
    texts = _MINIMUM_TEXTS[name]
    recorded = getattr(evidence, name)
    if recorded is None:
        return _unknown(texts.not_recorded, name)
    value = laboratory.to_canonical(recorded, _LAB_FIELDS[name], field=name)
    limit = Fraction(minimum)
    return _known(value >= limit, texts.within, texts.outside, value=_fmt(value), limit=_fmt(limit))


def _at_most_uln(evidence: ScreeningEvidence, name: str, maximum: Decimal) -> _Finding:
    texts = _ULN_TEXTS[name]
    uln_name = _ULN_FIELD_OF[name]
    recorded, uln = getattr(evidence, name), getattr(evidence, uln_name)
    if recorded is None or uln is None:
        parts = [_unknown(texts.not_recorded, name)] if recorded is None else []
        if uln is None:
            parts.append(_unknown(texts.uln_not_recorded, uln_name))
        return _all_of(*parts)
    ratio = laboratory.times_uln(recorded, uln, _LAB_FIELDS[name], field=name, uln_field=uln_name)
    limit = Fraction(maximum)
    return _known(ratio <= limit, texts.within, texts.outside, value=_fmt(ratio), limit=_fmt(limit))


def _creatinine_clearance(evidence: ScreeningEvidence, minimum: Decimal) -> _Finding:
    age = _age(evidence)
    needed = _missing(evidence, "date_of_birth", "screening_date", "sex", "weight_kg", "creatinine")
    if age is None or needed:
        return _unknown(_CLEARANCE_NONE, *needed)
    clearance = cockcroft_gault(
        age_years=age,
        weight_kg=laboratory.as_fraction(evidence.weight_kg, "weight_kg"),
        serum_creatinine_mg_per_dl=laboratory.convert(
            evidence.creatinine, Analyte.CREATININE, "mg/dL", field="creatinine"
        ),
        sex=evidence.sex,
    )
    limit = Fraction(minimum)
    return _known(
        clearance >= limit,
        _CLEARANCE_WITHIN,
        _CLEARANCE_BELOW,
        value=_fmt(clearance),
        limit=_fmt(limit),
    )


def _kidney_function(params: LaboratoryParams, evidence: ScreeningEvidence) -> _Finding:
    creatinine = _at_most_uln(evidence, "creatinine", params.creatinine_max_x_uln)
    if params.creatinine_clearance_min_ml_per_min is None:
        return creatinine
    clearance = _creatinine_clearance(evidence, params.creatinine_clearance_min_ml_per_min)
    if params.kidney_function_requires == "both":
        return _all_of(creatinine, clearance)
    kidney = _any_of(creatinine, clearance)
    return kidney if kidney.holds else _explained(_KIDNEY_EITHER, kidney)


def _laboratory_thresholds(params: LaboratoryParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Blood counts, liver and kidney function within the protocol's limits
    (clinical-rules.md §1.3 I4, §9.8; Cockcroft-Gault §7.4). The upper limits of
    normal are the site's, recorded in the evidence."""
    return _outcome(
        _all_of(
            _at_least(evidence, "anc", params.anc_min_e9_per_l),
            _at_least(evidence, "haemoglobin", params.haemoglobin_min_g_per_l),
            _at_least(evidence, "platelets", params.platelets_min_e9_per_l),
            _at_most_uln(evidence, "total_bilirubin", params.bilirubin_max_x_uln),
            _at_most_uln(evidence, "alt", params.alt_max_x_uln),
            _at_most_uln(evidence, "ast", params.ast_max_x_uln),
            _kidney_function(params, evidence),
        )
    )


# ---------------------------------------------------------------- I6 expected_survival


class ExpectedSurvivalParams(_Params):
    """Expected survival must be more than `min_weeks`: exclusive, so exactly 12 weeks
    does not pass, as the registry says "more than 12 weeks"."""

    min_weeks: Decimal = Field(gt=0)


_SURVIVAL_NONE = gettext_noop("%(criterion)s: the expected survival is not recorded.")
_SURVIVAL_LONGER = gettext_noop(
    "%(criterion)s: expected survival %(weeks)s weeks, more than %(min)s weeks."
)
_SURVIVAL_SHORTER = gettext_noop(
    "%(criterion)s: expected survival %(weeks)s weeks, not more than %(min)s weeks."
)


def _expected_survival(params: ExpectedSurvivalParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Expected survival of more than 12 weeks (clinical-rules.md §1.3 I6)."""
    if evidence.expected_survival_weeks is None:
        return _outcome(_unknown(_SURVIVAL_NONE, "expected_survival_weeks"))
    weeks = laboratory.as_fraction(evidence.expected_survival_weeks, "expected_survival_weeks")
    return _outcome(
        _known(
            weeks > Fraction(params.min_weeks),
            _SURVIVAL_LONGER,
            _SURVIVAL_SHORTER,
            weeks=_fmt(weeks),
            min=_fmt(params.min_weeks),
        )
    )


# ---------------------------------------------------------------- I7 informed_consent

_CONSENT = gettext_noop("%(criterion)s: informed consent provided.")
_NO_CONSENT = gettext_noop("%(criterion)s: informed consent not provided.")
_CONSENT_NONE = gettext_noop("%(criterion)s: informed consent is not recorded.")


def _informed_consent(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Informed consent provided (clinical-rules.md §1.3 I7)."""
    return _outcome(_flag(evidence, "informed_consent", _CONSENT, _NO_CONSENT, _CONSENT_NONE))
