"""Protocol settings for tumour response (RECIST 1.1 and iRECIST).

This module owns `ResponseSettings`: one field for every point where the
RECIST 1.1 / iRECIST sources disagree or leave the choice to the protocol
(clinical-rules.md §2, §3, §9.5, §9.6). Each field's default is documented
beside it; the ESO-RT defaults come from `protocols/eso_rt.toml`
([settings.recist], [settings.progression]). The engine never reads a
constant where a protocol may choose: the settings are passed in explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

PrLabelling = Literal["continuing", "per_visit"]
ReappearanceRule = Literal["previous_cr", "confirmed_cr"]
NadirReference = Literal["since_enrolment", "since_pre_induction"]
IrradiatedTargets = Literal["keep", "exclude"]
PreviouslyIrradiatedTargets = Literal["if_progressed", "allow"]
IcpdThreshold = Literal["at_least", "more_than"]
LateConfirmation = Literal["confirms", "ignored"]
NewLesionReset = Literal["further_shrinkage", "never"]
UnconfirmedIupd = Literal["event_at_iupd", "censor"]


@dataclass(frozen=True)
class ResponseSettings:
    """Every protocol choice the response engine depends on, with its default.

    RECIST 1.1 (§2):
    - `confirm_response` (False): CR/PR need a confirming assessment for the
      best overall response. RECIST requires it only in non-randomized trials
      with response as primary endpoint (§2.8); ESO-RT is randomized.
    - `confirmation_min_days` (28): the confirming assessment's date minus the
      first responding assessment's date, in whole days, must be at least this.
    - `sd_min_days` (42): SD (or NON_CR_NON_PD) counts for best response only at
      an assessment whose date minus the baseline assessment's date, in whole
      days, is at least this (§2.8, §9.5: 6 or 8 weeks).
    - `pr_labelling` ("continuing"): once PR is established, later visits whose
      sum drifts above 70 % of baseline without reaching PD stay PR (EORTC FAQ);
      "per_visit" applies the RECIST table literally (§2.4 CONFLICT).
    - `reappearance_after_cr` ("previous_cr"): any reappearing lesion is PD when
      the last evaluable time point was CR; "confirmed_cr" demands that this CR
      was itself confirmed, as the EORTC footnote recommends (§2.6).
    - `nadir` ("since_enrolment"): the nadir starts at the baseline sum;
      "since_pre_induction" also counts sums measured before enrolment (§2.10).
    - `irradiated_targets` ("keep"): targets planned for on-study radiotherapy
      stay targets (flagged); "exclude" refuses them as targets (§2.10).
    - `previously_irradiated_targets` ("if_progressed"): a lesion in a field
      irradiated before baseline may be a target only if it progressed since;
      "allow" accepts it (flagged either way) (§2.1, RECIST 1.1 lets the
      protocol decide).

    iRECIST (§3):
    - `icpd_threshold` ("at_least"): a further increase of 5 mm or more confirms
      iCPD; "more_than" needs more than 5 mm (§3.1 CONFLICT, Table 2 wording).
    - `iupd_confirmation_min_days` (28), `iupd_confirmation_max_days` (56),
      `iupd_window_tolerance_days` (2): the 4-8 week confirmation window after
      the iUPD assessment, with the EORTC-recommended ±2 days (§3.1).
    - `late_confirmation` ("confirms"): a scan later than the window can still
      confirm iCPD (Seymour 2017 Table 3: iUPD, iUPD, iCPD), flagged;
      "ignored" lets only scans inside the window confirm.
    - `new_lesion_reset` ("further_shrinkage"): after an iUPD caused by new
      lesions only, a later assessment whose target sum has shrunk below the
      iUPD sum resets to iSD/iPR (EORTC FAQ scenario B); with no such
      shrinkage it stays iUPD (scenario F). "never" keeps iUPD while the new
      lesions persist (§3.2 AMBIGUITY).
    - `unconfirmed_iupd` ("event_at_iupd"): an iUPD still open at the last
      assessment is an iPFS event at its date; "censor" gives no event (§3.6).
    """

    confirm_response: bool = False
    confirmation_min_days: int = 28
    sd_min_days: int = 42
    pr_labelling: PrLabelling = "continuing"
    reappearance_after_cr: ReappearanceRule = "previous_cr"
    nadir: NadirReference = "since_enrolment"
    irradiated_targets: IrradiatedTargets = "keep"
    previously_irradiated_targets: PreviouslyIrradiatedTargets = "if_progressed"
    icpd_threshold: IcpdThreshold = "at_least"
    iupd_confirmation_min_days: int = 28
    iupd_confirmation_max_days: int = 56
    iupd_window_tolerance_days: int = 2
    late_confirmation: LateConfirmation = "confirms"
    new_lesion_reset: NewLesionReset = "further_shrinkage"
    unconfirmed_iupd: UnconfirmedIupd = "event_at_iupd"

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            allowed = _ALLOWED.get(item.name)
            if allowed is not None:
                if value not in allowed:
                    choices = ", ".join(f'"{a}"' for a in allowed)
                    raise ValueError(f"{item.name}: expected one of {choices}, got {value!r}")
            elif item.name == "confirm_response":
                if not isinstance(value, bool):
                    raise ValueError(f"{item.name}: expected true or false, got {value!r}")
            elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{item.name}: expected a whole number of days ≥ 0, got {value!r}")
        if self.iupd_confirmation_max_days < self.iupd_confirmation_min_days:
            raise ValueError(
                "iupd_confirmation_max_days: must not be less than iupd_confirmation_min_days"
            )

    @classmethod
    def from_protocol(
        cls, recist: Mapping[str, Any], progression: Mapping[str, Any] | None = None
    ) -> ResponseSettings:
        """Settings from a protocol's [settings.recist] and [settings.progression] tables.

        Keys this engine does not own (e.g. `baseline`, which decides which scan
        the caller passes as baseline, or the censoring rules) are ignored.
        """
        known = {item.name for item in fields(cls)}
        values = {k: v for k, v in {**(progression or {}), **recist}.items() if k in known}
        return cls(**values)


_ALLOWED: dict[str, tuple[str, ...]] = {
    "pr_labelling": get_args(PrLabelling),
    "reappearance_after_cr": get_args(ReappearanceRule),
    "nadir": get_args(NadirReference),
    "irradiated_targets": get_args(IrradiatedTargets),
    "previously_irradiated_targets": get_args(PreviouslyIrradiatedTargets),
    "icpd_threshold": get_args(IcpdThreshold),
    "late_confirmation": get_args(LateConfirmation),
    "new_lesion_reset": get_args(NewLesionReset),
    "unconfirmed_iupd": get_args(UnconfirmedIupd),
}

SETTING_NAMES: tuple[str, ...] = tuple(item.name for item in fields(ResponseSettings))
