"""Censoring rules for progression-free survival, as protocol settings, and their application.

This module owns `CensoringRules` (the protocol's [settings.progression] plus
the tumour-assessment schedule it needs) and `progression_outcome`, which
turns per-participant dates into an ADTTE event or censoring (CNSR, ADT and
their descriptions). Sources: statistics-and-standards.md §4.2 (ADTTE: CNSR 0
is an event, a positive integer a censoring reason; PFS censoring per the FDA
2018 guidance *Clinical Trial Endpoints for the Approval of Cancer Drugs and
Biologics*, table of PFS date and outcome rules); clinical-rules.md §2.9,
§3.6 and §9.6.

The rules, in the order they apply to one participant:

1. **Cut at a censoring therapy.** With `censor_at_new_systemic_therapy`, the
   start of new anticancer systemic therapy (ADSL ``NACTSDT``) cuts the
   follow-up; with `censor_at_salvage_radiotherapy`, so does the start of
   salvage radiotherapy (ADSL ``SRTSDT``). Assessments and a death after the
   cut are not used. An event on the day of the cut still counts: the scan
   or death is taken to precede the therapy started that day.
2. **Event.** The earlier of progression (found by the caller in the
   assessments before the cut) and death. A progression and a death on the
   same day are reported as progression.
3. **Missed assessments.** An event that follows N or more missed scheduled
   assessments (N = `missed_assessments_before_censoring`) is censored at the
   last adequate assessment before it. Assessments are scheduled every
   `assessment_interval_days` with `assessment_window_days` of tolerance after
   the target day (protocol visit TA{n}: every 42 days, window -7/+7). After
   an adequate assessment on day L, the k-th next one is due on day
   L + k * interval and is missed once its window has closed, so the event on
   day E follows N missed assessments when
   ``E - L > N * interval + window``. With no adequate post-baseline
   assessment L is the allocation date (day 0): a death by day 91 is an event,
   a death on day 92 is censored at day 0 (FDA: death before the second
   scheduled assessment counts).
4. **No event.** Censored at the last adequate assessment (before the cut if
   there is one), or at the allocation date when there is none. An iRECIST
   iUPD still unconfirmed at the last assessment is an event at the iUPD date
   when `unconfirmed_iupd` is ``"event_at_iupd"`` (the caller passes it as the
   progression date) and otherwise censored at the last adequate assessment
   with its own reason.

"Adequate" means an evaluable time-point response (anything but NE);
"post-baseline" means after the allocation date.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Literal, get_args

import numpy as np
import pandas as pd

from oncotrial.protocol.schema import Protocol

UnconfirmedIupd = Literal["event_at_iupd", "censor_at_last_assessment"]


class Cnsr(IntEnum):
    """ADTTE.CNSR: 0 is an event; each positive value names why the time was censored."""

    EVENT = 0
    LAST_KNOWN_ALIVE = 1
    LAST_ADEQUATE_ASSESSMENT = 2
    NO_ADEQUATE_ASSESSMENT = 3
    NEW_ANTICANCER_THERAPY = 4
    SALVAGE_RADIOTHERAPY = 5
    MISSED_ASSESSMENTS = 6
    UNCONFIRMED_IUPD = 7
    DEATH_BEFORE_EVENT = 8


CNSDTDSC: dict[Cnsr, str] = {
    Cnsr.EVENT: "",
    Cnsr.LAST_KNOWN_ALIVE: "LAST KNOWN ALIVE DATE",
    Cnsr.LAST_ADEQUATE_ASSESSMENT: "LAST ADEQUATE TUMOUR ASSESSMENT",
    Cnsr.NO_ADEQUATE_ASSESSMENT: "ALLOCATION DATE: NO ADEQUATE POST-BASELINE ASSESSMENT",
    Cnsr.NEW_ANTICANCER_THERAPY: "LAST ADEQUATE ASSESSMENT BEFORE NEW ANTICANCER THERAPY",
    Cnsr.SALVAGE_RADIOTHERAPY: "LAST ADEQUATE ASSESSMENT BEFORE SALVAGE RADIOTHERAPY",
    Cnsr.MISSED_ASSESSMENTS: "LAST ADEQUATE ASSESSMENT BEFORE MISSED ASSESSMENTS",
    Cnsr.UNCONFIRMED_IUPD: "LAST ADEQUATE ASSESSMENT: iUPD NOT CONFIRMED",
    Cnsr.DEATH_BEFORE_EVENT: "DEATH BEFORE THE EVENT",
}


@dataclass(frozen=True)
class CensoringRules:
    """The protocol's progression censoring choices; defaults are ESO-RT's (eso_rt.toml).

    - `censor_at_salvage_radiotherapy` (False): salvage radiotherapy cuts PFS
      follow-up. ESO-RT gives salvage RT at progression, so the default keeps
      follow-up going.
    - `censor_at_new_systemic_therapy` (True): new anticancer systemic therapy
      cuts PFS follow-up (FDA 2018).
    - `missed_assessments_before_censoring` (2): an event after this many
      missed scheduled assessments is censored at the last adequate one.
    - `assessment_interval_days` (42), `assessment_window_days` (7): the
      tumour-assessment schedule (visit TA{n}: every 42 days, window +7 days).
    - `irecist` (True): derive iRECIST PFS as well.
    - `unconfirmed_iupd` ("event_at_iupd"): an iUPD still unconfirmed at the
      last assessment is an iPFS event at its date; "censor_at_last_assessment"
      censors at the last adequate assessment (clinical-rules.md §3.6).
    """

    censor_at_salvage_radiotherapy: bool = False
    censor_at_new_systemic_therapy: bool = True
    missed_assessments_before_censoring: int = 2
    assessment_interval_days: int = 42
    assessment_window_days: int = 7
    irecist: bool = True
    unconfirmed_iupd: UnconfirmedIupd = "event_at_iupd"

    def __post_init__(self) -> None:
        for name in ("censor_at_salvage_radiotherapy", "censor_at_new_systemic_therapy", "irecist"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: expected true or false, got {getattr(self, name)!r}")
        for name, least in (
            ("missed_assessments_before_censoring", 1),
            ("assessment_interval_days", 1),
            ("assessment_window_days", 0),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name}: expected a whole number >= {least}, got {value!r}")
        if self.unconfirmed_iupd not in get_args(UnconfirmedIupd):
            raise ValueError(
                f"unconfirmed_iupd: expected one of {get_args(UnconfirmedIupd)},"
                f" got {self.unconfirmed_iupd!r}"
            )

    @property
    def max_gap_days(self) -> int:
        """Longest gap from the last adequate assessment to an event that still counts."""
        n = self.missed_assessments_before_censoring
        return n * self.assessment_interval_days + self.assessment_window_days

    @classmethod
    def from_protocol(cls, protocol: Protocol) -> CensoringRules:
        """Rules from [settings.progression] and the repeating tumour-assessment visit."""
        progression = protocol.settings.progression
        visit = next(
            (
                v
                for v in protocol.schedule.visits
                if v.repeat is not None and "tumour_assessment" in v.assessments
            ),
            None,
        )
        if visit is None or visit.repeat is None:
            raise ValueError("schedule: no repeating visit with a tumour_assessment")
        return cls(
            censor_at_salvage_radiotherapy=progression.censor_at_salvage_radiotherapy,
            censor_at_new_systemic_therapy=progression.censor_at_new_systemic_therapy,
            missed_assessments_before_censoring=progression.missed_assessments_before_censoring,
            assessment_interval_days=visit.repeat.every,
            assessment_window_days=visit.window[1],
            irecist=progression.irecist,
            unconfirmed_iupd=progression.unconfirmed_iupd,
        )


def censoring_cut(participants: pd.DataFrame, rules: CensoringRules) -> pd.DataFrame:
    """Per participant, the date that cuts PFS follow-up (CUTDT, NaT if none) and why (CUTCNSR).

    `participants` is indexed by USUBJID with ADSL's NACTSDT and SRTSDT.
    """
    cuts = []
    if rules.censor_at_new_systemic_therapy:
        cuts.append((participants["NACTSDT"], Cnsr.NEW_ANTICANCER_THERAPY))
    if rules.censor_at_salvage_radiotherapy:
        cuts.append((participants["SRTSDT"], Cnsr.SALVAGE_RADIOTHERAPY))
    cut = pd.Series(pd.NaT, index=participants.index, dtype="datetime64[ns]")
    reason = pd.Series(0, index=participants.index, dtype="int64")
    for dates, code in cuts:
        earlier = dates.notna() & (cut.isna() | (dates < cut))
        cut = cut.mask(earlier, dates)
        reason = reason.mask(earlier, int(code))
    return pd.DataFrame({"CUTDT": cut, "CUTCNSR": reason})


def progression_outcome(
    participants: pd.DataFrame,
    assessments: pd.DataFrame,
    rules: CensoringRules,
    progression_label: str,
) -> pd.DataFrame:
    """ADT, CNSR and descriptions of one PFS-type parameter for each participant.

    `participants` is indexed by USUBJID with ALLOCDT, DTHDT, CUTDT, CUTCNSR
    (from :func:`censoring_cut`), PROGDT (progression before the cut, NaT if
    none) and UNCONF (True where an unconfirmed iUPD is censored).
    `assessments` holds the adequate post-baseline assessments before the cut:
    USUBJID and ADT. Returns, indexed like `participants`: ADT, CNSR, EVNTDESC,
    CNSDTDSC, SRCDOM, SRCVAR.
    """
    p = participants
    death = p["DTHDT"].where(p["CUTDT"].isna() | (p["DTHDT"] <= p["CUTDT"]))
    progressed = p["PROGDT"].notna() & (death.isna() | (p["PROGDT"] <= death))
    event_date = p["PROGDT"].where(progressed, death)
    has_event = event_date.notna()

    # last adequate assessment before the event: strictly before a progression
    # scan, on or before a death
    before = _last_before(assessments, event_date, inclusive=~progressed)
    last_before_event = before.fillna(p["ALLOCDT"])
    gap = (event_date - last_before_event) / np.timedelta64(1, "D")
    missed = has_event & (gap > rules.max_gap_days)
    counted = has_event & ~missed

    last_any = assessments.groupby("USUBJID", sort=False)["ADT"].max().reindex(p.index)
    no_event_code = np.select(
        [p["CUTCNSR"] > 0, p["UNCONF"], last_any.notna()],
        [p["CUTCNSR"], int(Cnsr.UNCONFIRMED_IUPD), int(Cnsr.LAST_ADEQUATE_ASSESSMENT)],
        int(Cnsr.NO_ADEQUATE_ASSESSMENT),
    )
    cnsr = np.select(
        [counted, missed], [int(Cnsr.EVENT), int(Cnsr.MISSED_ASSESSMENTS)], no_event_code
    )
    adt = event_date.where(counted, last_before_event.where(missed, last_any))
    adt = adt.fillna(p["ALLOCDT"])
    at_assessment = (~counted & (adt > p["ALLOCDT"])) | (counted & progressed)
    out = pd.DataFrame(
        {
            "ADT": adt,
            "CNSR": cnsr.astype("int64"),
            "EVNTDESC": np.where(counted, np.where(progressed, progression_label, "DEATH"), ""),
            "SRCDOM": np.where(at_assessment, "RS", "ADSL"),
            "SRCVAR": np.where(at_assessment, "RSDT", np.where(counted, "DTHDT", "ALLOCDT")),
        },
        index=p.index,
    )
    out["CNSDTDSC"] = out["CNSR"].map({int(k): v for k, v in CNSDTDSC.items()})
    return out


def _last_before(assessments: pd.DataFrame, limit: pd.Series, inclusive: pd.Series) -> pd.Series:
    """Per participant, the latest assessment date before `limit` (on it where `inclusive`)."""
    bounds = pd.DataFrame(
        {"USUBJID": limit.index, "LIMIT": limit.to_numpy(), "INCL": inclusive.to_numpy()}
    )
    frame = assessments[["USUBJID", "ADT"]].merge(bounds, on="USUBJID", how="inner")
    keep = (frame["ADT"] < frame["LIMIT"]) | (frame["INCL"] & (frame["ADT"] == frame["LIMIT"]))
    found = frame.loc[keep].groupby("USUBJID", sort=False)["ADT"].max()
    return found.reindex(limit.index)
