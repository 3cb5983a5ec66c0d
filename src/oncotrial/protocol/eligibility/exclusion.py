"""Exclusion rules E1-E6: each answers whether the excluding condition holds.

This module owns the rules and parameter models for another malignancy (E1),
prior anti-tumour treatment (E2), active infection or a recent serious event (E3,
a look-back in calendar months), allergy to chemotherapy or autoimmune disease
(E4), taking part in another trial (E5, a look-back in weeks) and radiotherapy
judged unsafe (E6), with the texts of their reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum

from pydantic import Field, model_validator

from oncotrial.protocol.eligibility.dates import add_months
from oncotrial.protocol.eligibility.evidence import (
    MalignancyHistory,
    PriorTreatment,
    ScreeningEvidence,
)
from oncotrial.protocol.eligibility.findings import (
    NoParams,
    _any_of,
    _fact,
    _Finding,
    _flag,
    _known,
    _outcome,
    _Params,
    _unknown,
)
from oncotrial.protocol.eligibility.results import RuleOutcome
from oncotrial.text import gettext_noop

# ---------------------------------------------------------------- E1 other_malignancy


class OtherMalignancyParams(_Params):
    """`allowed`: earlier cancers that do not exclude ("other" cannot be allowed)."""

    allowed: tuple[MalignancyHistory, ...] = ()

    @model_validator(mode="after")
    def _not_other(self) -> OtherMalignancyParams:
        if MalignancyHistory.OTHER in self.allowed:
            raise ValueError("allowed cannot contain 'other': it would allow any cancer")
        return self


_MALIGNANCY_NONE = gettext_noop("%(criterion)s: the history of other cancers is not recorded.")
_MALIGNANCY_BARRED = gettext_noop(
    "%(criterion)s: history of a cancer the protocol does not allow (%(kinds)s)."
)
_MALIGNANCY_ALLOWED = gettext_noop("%(criterion)s: only cancers the protocol allows (%(kinds)s).")
_NO_MALIGNANCY = gettext_noop("%(criterion)s: no history of another cancer.")


def _kinds(values: Iterable[StrEnum]) -> str:
    return ", ".join(dict.fromkeys(value.value for value in values))


def _other_malignancy(params: OtherMalignancyParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """History of another cancer, apart from those allowed (clinical-rules.md §1.3 E1)."""
    history = evidence.other_malignancies
    if history is None:
        return _outcome(_unknown(_MALIGNANCY_NONE, "other_malignancies"))
    barred = [kind for kind in history if kind not in params.allowed]
    if barred:
        return _outcome(_fact(True, _MALIGNANCY_BARRED, kinds=_kinds(barred)))
    if history:
        return _outcome(_fact(False, _MALIGNANCY_ALLOWED, kinds=_kinds(history)))
    return _outcome(_fact(False, _NO_MALIGNANCY))


# ---------------------------------------------------------------- E2 prior_antitumour_treatment


class PriorTreatmentParams(_Params):
    """Which earlier treatments do not exclude: ostomy surgery, the induction
    chemo-immunotherapy and (read with I2) radical treatment of the disease before
    its recurrence."""

    allow_ostomy: bool
    allow_induction: bool
    allow_radical_treatment_before_recurrence: bool = True


_TREATMENT_NONE = gettext_noop("%(criterion)s: treatments before enrolment are not recorded.")
_TREATMENT_BARRED = gettext_noop(
    "%(criterion)s: treatment before enrolment the protocol does not allow (%(kinds)s)."
)
_TREATMENT_ALLOWED = gettext_noop(
    "%(criterion)s: no treatment before enrolment other than those allowed."
)


def _prior_antitumour_treatment(
    params: PriorTreatmentParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Surgery (except ostomy), chemotherapy or other anti-tumour treatment before
    enrolment, other than the induction (clinical-rules.md §1.3 E2)."""
    if evidence.prior_treatments is None:
        return _outcome(_unknown(_TREATMENT_NONE, "prior_treatments"))
    allowed = {
        PriorTreatment.OSTOMY: params.allow_ostomy,
        PriorTreatment.INDUCTION_CHEMOIMMUNOTHERAPY: params.allow_induction,
        PriorTreatment.RADICAL_TREATMENT_BEFORE_RECURRENCE: (
            params.allow_radical_treatment_before_recurrence
        ),
    }
    barred = [kind for kind in evidence.prior_treatments if not allowed.get(kind, False)]
    return _outcome(
        _known(bool(barred), _TREATMENT_BARRED, _TREATMENT_ALLOWED, kinds=_kinds(barred))
    )


# ---------------------------------------------------------------- E3 recent_serious_event


class RecentSeriousEventParams(_Params):
    """Look-back of `months` calendar months before the reference date, inclusive: an
    event on the day exactly `months` months before counts (see `add_months`), and so
    does one dated after the reference date."""

    months: int = Field(ge=1, le=120)


_INFECTION = gettext_noop("%(criterion)s: active infection.")
_NO_INFECTION = gettext_noop("%(criterion)s: no active infection.")
_INFECTION_NONE = gettext_noop(
    "%(criterion)s: whether there is an active infection is not recorded."
)
_EVENTS_NONE = gettext_noop(
    "%(criterion)s: infarction, stroke and major surgery history is not recorded."
)
_NO_EVENTS = gettext_noop(
    "%(criterion)s: no myocardial infarction, stroke or major surgery recorded."
)
_REFERENCE_NONE = gettext_noop(
    "%(criterion)s: the reference date of the look-back window is not recorded."
)
_EVENT_RECENT = gettext_noop(
    "%(criterion)s: %(event)s on %(date)s, within %(months)s months before %(reference)s."
)
_EVENTS_OLDER = gettext_noop(
    "%(criterion)s: no infarction, stroke or major surgery within %(months)s months "
    "before %(reference)s (since %(start)s)."
)


def _recent_events(params: RecentSeriousEventParams, evidence: ScreeningEvidence) -> _Finding:
    events = evidence.serious_events
    if events is None:
        return _unknown(_EVENTS_NONE, "serious_events")
    if not events:
        return _fact(False, _NO_EVENTS)
    reference = evidence.reference_date
    if reference is None:
        return _unknown(_REFERENCE_NONE, "reference_date")
    start = add_months(reference, -params.months)
    window = {"months": params.months, "reference": reference.isoformat()}
    inside = [event for event in events if event.event_date >= start]
    if not inside:
        return _fact(False, _EVENTS_OLDER, start=start.isoformat(), **window)
    return _any_of(
        *(
            _fact(
                True,
                _EVENT_RECENT,
                event=event.kind.value,
                date=event.event_date.isoformat(),
                **window,
            )
            for event in inside
        )
    )


def _recent_serious_event(
    params: RecentSeriousEventParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Active infection; or myocardial infarction, cerebrovascular accident, or
    gastrointestinal, neurological or cardiopulmonary surgery within 6 months before
    the reference date (clinical-rules.md §1.3 E3)."""
    infection = _flag(evidence, "active_infection", _INFECTION, _NO_INFECTION, _INFECTION_NONE)
    return _outcome(_any_of(infection, _recent_events(params, evidence)))


# ---------------------------------------------------------------- E4 allergy_or_autoimmune

_ALLERGY = gettext_noop("%(criterion)s: history of allergy to chemotherapy drugs.")
_NO_ALLERGY = gettext_noop("%(criterion)s: no allergy to chemotherapy drugs.")
_ALLERGY_NONE = gettext_noop("%(criterion)s: allergy to chemotherapy drugs is not recorded.")
_AUTOIMMUNE = gettext_noop("%(criterion)s: history of autoimmune disease.")
_NO_AUTOIMMUNE = gettext_noop("%(criterion)s: no autoimmune disease.")
_AUTOIMMUNE_NONE = gettext_noop("%(criterion)s: autoimmune disease is not recorded.")


def _allergy_or_autoimmune(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """History of allergy to chemotherapy drugs, or autoimmune disease
    (clinical-rules.md §1.3 E4)."""
    return _outcome(
        _any_of(
            _flag(evidence, "chemotherapy_drug_allergy", _ALLERGY, _NO_ALLERGY, _ALLERGY_NONE),
            _flag(evidence, "autoimmune_disease", _AUTOIMMUNE, _NO_AUTOIMMUNE, _AUTOIMMUNE_NONE),
        )
    )


# ---------------------------------------------------------------- E5 other_trial_participation


class OtherTrialParams(_Params):
    """Look-back of `weeks` x 7 days before the reference date, inclusive: taking part
    that ended exactly 4 weeks (28 days) before counts; 29 days before does not."""

    weeks: int = Field(ge=1, le=520)


_TRIALS_NONE = gettext_noop(
    "%(criterion)s: participation in other clinical trials is not recorded."
)
_TRIAL_NOW = gettext_noop("%(criterion)s: taking part in another clinical trial now.")
_NO_TRIALS = gettext_noop("%(criterion)s: no participation in another clinical trial.")
_TRIAL_RECENT = gettext_noop(
    "%(criterion)s: another clinical trial ended on %(end)s, within %(weeks)s weeks "
    "before %(reference)s."
)
_TRIAL_OLDER = gettext_noop(
    "%(criterion)s: the last other clinical trial ended on %(end)s, more than %(weeks)s "
    "weeks before %(reference)s."
)


def _other_trial_participation(
    params: OtherTrialParams, evidence: ScreeningEvidence
) -> RuleOutcome:
    """Taking part in another clinical trial now or within 4 weeks before enrolment
    (clinical-rules.md §1.3 E5)."""
    trials = evidence.other_trials
    if trials is None:
        return _outcome(_unknown(_TRIALS_NONE, "other_trials"))
    if any(trial.ongoing for trial in trials):
        return _outcome(_fact(True, _TRIAL_NOW))
    if not trials:
        return _outcome(_fact(False, _NO_TRIALS))
    reference = evidence.reference_date
    if reference is None:
        return _outcome(_unknown(_REFERENCE_NONE, "reference_date"))
    last = max(trial.end_date for trial in trials if trial.end_date is not None)
    return _outcome(
        _known(
            last >= reference - timedelta(weeks=params.weeks),
            _TRIAL_RECENT,
            _TRIAL_OLDER,
            end=last.isoformat(),
            weeks=params.weeks,
            reference=reference.isoformat(),
        )
    )


# ---------------------------------------------------------------- E6 radiotherapy_unsafe

_RT_UNSAFE = gettext_noop("%(criterion)s: the radiation oncologist judges radiotherapy unsafe.")
_RT_SAFE = gettext_noop("%(criterion)s: the radiation oncologist judges radiotherapy safe.")
_RT_NONE = gettext_noop("%(criterion)s: the radiation oncologist's assessment is not recorded.")


def _radiotherapy_unsafe(params: NoParams, evidence: ScreeningEvidence) -> RuleOutcome:
    """Radiotherapy judged unsafe by the radiation oncologist, e.g. a high risk of
    fistula (clinical-rules.md §1.3 E6)."""
    return _outcome(_flag(evidence, "radiotherapy_unsafe", _RT_UNSAFE, _RT_SAFE, _RT_NONE))
