"""PFS, iPFS, OS and time-to-salvage-RT censoring rules, each checked at its boundary.

Every participant is allocated on 2024-01-01 (day 0); days below are days
since allocation. The protocol's defaults (eso_rt.toml): tumour assessment
every 42 days with a +7-day window, an event after 2 or more missed
assessments censored at the last adequate one, so the longest gap from the
last adequate assessment to an event that still counts is 2 * 42 + 7 = 91
days; new systemic therapy censors, salvage radiotherapy does not.
"""

from __future__ import annotations

import pandas as pd
import pytest

from oncotrial.analysis.derive import CensoringRules, Cnsr, derive_adtte
from oncotrial.analysis.tidy import TidyTableError, empty
from oncotrial.protocol.loader import load_protocol

DAY0 = pd.Timestamp("2024-01-01")


def day(n: float | None) -> pd.Timestamp:
    return pd.NaT if n is None else DAY0 + pd.Timedelta(days=n)


def adsl(*people: dict) -> pd.DataFrame:
    """ADSL rows for allocated participants: id, and optional death/alive/nact/srt days."""
    return pd.DataFrame(
        {
            "USUBJID": [p["id"] for p in people],
            "COHORT": "randomized",
            "TRT01P": "salvage",
            "TRT01A": "salvage",
            "ITTFL": "Y",
            "ALLOCDT": DAY0,
            "DTHDT": pd.to_datetime([day(p.get("death")) for p in people]),
            "LSTALVDT": pd.to_datetime([day(p.get("alive", 0)) for p in people]),
            "NACTSDT": pd.to_datetime([day(p.get("nact")) for p in people]),
            "SRTSDT": pd.to_datetime([day(p.get("srt")) for p in people]),
        }
    )


def rs(*rows: tuple[str, str, int], cat: str = "RECIST1.1") -> pd.DataFrame:
    """Time-point responses (participant, code, day) of one criteria."""
    if not rows:
        return empty("RS")
    return pd.DataFrame(
        {
            "USUBJID": [r[0] for r in rows],
            "RSCAT": cat,
            "RSTESTCD": "OVRLRESP",
            "RSSTRESC": [r[1] for r in rows],
            "RSDT": pd.to_datetime([day(r[2]) for r in rows]),
        }
    )


def outcome(adtte: pd.DataFrame, usubjid: str, paramcd: str = "PFS") -> tuple[float, int]:
    row = adtte.loc[(adtte["USUBJID"] == usubjid) & (adtte["PARAMCD"] == paramcd)]
    assert len(row) == 1
    return float(row["AVAL"].iloc[0]), int(row["CNSR"].iloc[0])


def test_rules_come_from_the_protocol_settings_and_schedule() -> None:
    rules = CensoringRules.from_protocol(load_protocol("protocols/eso_rt.toml").protocol)
    assert rules == CensoringRules(
        censor_at_salvage_radiotherapy=False,
        censor_at_new_systemic_therapy=True,
        missed_assessments_before_censoring=2,
        assessment_interval_days=42,  # visit TA{n}: repeat every 42
        assessment_window_days=7,  # window [-7, 7]
        irecist=True,
        unconfirmed_iupd="event_at_iupd",
    )
    assert rules.max_gap_days == 91  # 2 * 42 + 7


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("missed_assessments_before_censoring", 0),
        ("assessment_interval_days", 0),
        ("assessment_window_days", -1),
        ("unconfirmed_iupd", "censor"),
        ("irecist", "yes"),
    ],
)
def test_bad_rules_are_refused_with_the_field_named(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        CensoringRules(**{field: value})


def test_progression_after_one_missed_assessment_counts_after_two_is_censored() -> None:
    # SD on day 42. The next assessments fall due on days 84 and 126, the latter's
    # window closing on day 133. PD on day 133: only the day-84 one was missed
    # (gap 91 <= 91) -> event on day 133. PD on day 134: both were missed
    # (gap 92 > 91) -> censored on day 42, the last adequate assessment.
    people = adsl({"id": "A"}, {"id": "B"})
    data = rs(("A", "SD", 42), ("A", "PD", 133), ("B", "SD", 42), ("B", "PD", 134))
    adtte = derive_adtte(people, data)
    assert outcome(adtte, "A") == (133.0, Cnsr.EVENT)
    assert outcome(adtte, "B") == (42.0, Cnsr.MISSED_ASSESSMENTS)
    row = adtte.loc[(adtte["USUBJID"] == "B") & (adtte["PARAMCD"] == "PFS")].iloc[0]
    assert row["CNSDTDSC"] == "LAST ADEQUATE ASSESSMENT BEFORE MISSED ASSESSMENTS"
    assert (row["SRCDOM"], row["SRCVAR"]) == ("RS", "RSDT")


def test_one_missed_assessment_allowed_moves_the_boundary() -> None:
    # With N = 1 the longest gap is 1 * 42 + 7 = 49: SD day 42, PD day 91 (gap 49)
    # counts; PD day 92 (gap 50) is censored at day 42.
    rules = CensoringRules(missed_assessments_before_censoring=1)
    people = adsl({"id": "A"}, {"id": "B"})
    data = rs(("A", "SD", 42), ("A", "PD", 91), ("B", "SD", 42), ("B", "PD", 92))
    adtte = derive_adtte(people, data, rules)
    assert outcome(adtte, "A") == (91.0, Cnsr.EVENT)
    assert outcome(adtte, "B") == (42.0, Cnsr.MISSED_ASSESSMENTS)


def test_death_without_assessments_counts_until_the_second_scheduled_window_closes() -> None:
    # No post-baseline assessment: the gap is counted from allocation (day 0).
    # Death on day 91 -> event (FDA: death before the second scheduled assessment);
    # death on day 92 -> censored at day 0.
    people = adsl({"id": "A", "death": 91}, {"id": "B", "death": 92})
    adtte = derive_adtte(people, rs())
    assert outcome(adtte, "A") == (91.0, Cnsr.EVENT)
    assert outcome(adtte, "B") == (0.0, Cnsr.MISSED_ASSESSMENTS)
    assert outcome(adtte, "A", "OS") == (91.0, Cnsr.EVENT)


def test_a_not_evaluable_assessment_is_not_adequate() -> None:
    # A: SD 42, NE 84, PD 140 -> last adequate is day 42, gap 98 > 91 -> censored at 42.
    # B: SD 42, SD 84, PD 140 -> gap 56 -> event at 140.
    people = adsl({"id": "A"}, {"id": "B"})
    data = rs(
        ("A", "SD", 42), ("A", "NE", 84), ("A", "PD", 140),
        ("B", "SD", 42), ("B", "SD", 84), ("B", "PD", 140),
    )  # fmt: skip
    adtte = derive_adtte(people, data)
    assert outcome(adtte, "A") == (42.0, Cnsr.MISSED_ASSESSMENTS)
    assert outcome(adtte, "B") == (140.0, Cnsr.EVENT)


def test_new_systemic_therapy_censors_at_the_last_adequate_assessment_before_it() -> None:
    # SD 42, SD 84, PD 126 for all three.
    # A: new therapy on day 100 -> censored at day 84 (reason new therapy).
    # B: new therapy on day 126, the PD scan's day -> the PD counts (event at 126).
    # C: new therapy on day 84, an assessment's day -> that assessment is used: censored at 84.
    people = adsl({"id": "A", "nact": 100}, {"id": "B", "nact": 126}, {"id": "C", "nact": 84})
    data = rs(*[(p, c, d) for p in "ABC" for c, d in (("SD", 42), ("SD", 84), ("PD", 126))])
    adtte = derive_adtte(people, data)
    assert outcome(adtte, "A") == (84.0, Cnsr.NEW_ANTICANCER_THERAPY)
    assert outcome(adtte, "B") == (126.0, Cnsr.EVENT)
    assert outcome(adtte, "C") == (84.0, Cnsr.NEW_ANTICANCER_THERAPY)
    # switching the rule off lets the progression count
    off = derive_adtte(people, data, CensoringRules(censor_at_new_systemic_therapy=False))
    assert outcome(off, "A") == (126.0, Cnsr.EVENT)


def test_death_after_new_therapy_is_not_an_event() -> None:
    # SD 42; new therapy day 60; death day 80 (within 91 days of day 42, but after the cut)
    people = adsl({"id": "A", "nact": 60, "death": 80})
    adtte = derive_adtte(people, rs(("A", "SD", 42)))
    assert outcome(adtte, "A") == (42.0, Cnsr.NEW_ANTICANCER_THERAPY)
    assert outcome(adtte, "A", "OS") == (80.0, Cnsr.EVENT)


def test_therapy_before_any_assessment_censors_at_allocation() -> None:
    people = adsl({"id": "A", "nact": 20})
    adtte = derive_adtte(people, rs(("A", "PD", 42)))
    assert outcome(adtte, "A") == (0.0, Cnsr.NEW_ANTICANCER_THERAPY)


def test_salvage_radiotherapy_censors_only_when_the_protocol_says_so() -> None:
    # SD 42, SD 84, salvage RT day 90, PD 126.
    people = adsl({"id": "A", "srt": 90})
    data = rs(("A", "SD", 42), ("A", "SD", 84), ("A", "PD", 126))
    assert outcome(derive_adtte(people, data), "A") == (126.0, Cnsr.EVENT)  # ESO-RT default
    rules = CensoringRules(censor_at_salvage_radiotherapy=True)
    assert outcome(derive_adtte(people, data, rules), "A") == (84.0, Cnsr.SALVAGE_RADIOTHERAPY)


def test_without_an_event_follow_up_ends_at_the_last_adequate_assessment() -> None:
    # A: SD 42, SD 84, NE 126, alive at day 300 -> censored at 84 (PFS), at 300 (OS).
    # B: no assessment, alive -> censored at allocation, reason no adequate assessment.
    # C: only a baseline-day assessment (day 0) -> not post-baseline: as B.
    people = adsl({"id": "A", "alive": 300}, {"id": "B", "alive": 50}, {"id": "C"})
    data = rs(("A", "SD", 42), ("A", "SD", 84), ("A", "NE", 126), ("C", "SD", 0))
    adtte = derive_adtte(people, data)
    assert outcome(adtte, "A") == (84.0, Cnsr.LAST_ADEQUATE_ASSESSMENT)
    assert outcome(adtte, "A", "OS") == (300.0, Cnsr.LAST_KNOWN_ALIVE)
    assert outcome(adtte, "B") == (0.0, Cnsr.NO_ADEQUATE_ASSESSMENT)
    assert outcome(adtte, "C") == (0.0, Cnsr.NO_ADEQUATE_ASSESSMENT)


def test_the_earlier_of_progression_and_death_is_the_event() -> None:
    # A: SD 42, PD 84, death 100 -> PD at 84.  B: SD 42, PD 84, death 84 -> progression.
    # C: SD 42, death 70 -> death at 70.
    people = adsl({"id": "A", "death": 100}, {"id": "B", "death": 84}, {"id": "C", "death": 70})
    data = rs(("A", "SD", 42), ("A", "PD", 84), ("B", "SD", 42), ("B", "PD", 84), ("C", "SD", 42))
    adtte = derive_adtte(people, data)
    pfs = adtte.loc[adtte["PARAMCD"] == "PFS"].set_index("USUBJID")
    assert pfs.loc["A", "AVAL"] == 84 and pfs.loc["A", "EVNTDESC"].startswith("DISEASE PROG")
    assert pfs.loc["B", "AVAL"] == 84 and pfs.loc["B", "EVNTDESC"].startswith("DISEASE PROG")
    assert (pfs.loc["C", "AVAL"], pfs.loc["C", "EVNTDESC"]) == (70, "DEATH")
    assert (pfs["CNSR"] == 0).all()


def test_irecist_event_is_the_date_of_the_confirmed_iupd() -> None:
    # A: iSD 42, iUPD 84, iCPD 126 -> event at 84 (the iUPD confirmed), not 126.
    # B: iUPD 42, iSD 84 (reset), iUPD 126, NE 168, iCPD 210 -> event at 126.
    # C: iSD 42, iUPD 84, then nothing -> unconfirmed: event at 84 by default.
    people = adsl({"id": "A"}, {"id": "B"}, {"id": "C"})
    data = rs(
        ("A", "iSD", 42), ("A", "iUPD", 84), ("A", "iCPD", 126),
        ("B", "iUPD", 42), ("B", "iSD", 84), ("B", "iUPD", 126), ("B", "NE", 168),
        ("B", "iCPD", 210),
        ("C", "iSD", 42), ("C", "iUPD", 84),
        cat="iRECIST",
    )  # fmt: skip
    adtte = derive_adtte(people, data)
    assert outcome(adtte, "A", "IPFS") == (84.0, Cnsr.EVENT)
    assert outcome(adtte, "B", "IPFS") == (126.0, Cnsr.EVENT)
    assert outcome(adtte, "C", "IPFS") == (84.0, Cnsr.EVENT)
    # RECIST 1.1 PFS reads its own criteria only: none recorded here
    assert outcome(adtte, "A", "PFS") == (0.0, Cnsr.NO_ADEQUATE_ASSESSMENT)


def test_an_unconfirmed_iupd_can_be_censored_instead() -> None:
    # C: iSD 42, iUPD 84, NE 126 -> censored at the last adequate assessment, day 84.
    # D: iSD 42, iUPD 84, iSD 126 -> reset, nothing open: last adequate assessment 126.
    rules = CensoringRules(unconfirmed_iupd="censor_at_last_assessment")
    people = adsl({"id": "C"}, {"id": "D"})
    data = rs(
        ("C", "iSD", 42), ("C", "iUPD", 84), ("C", "NE", 126),
        ("D", "iSD", 42), ("D", "iUPD", 84), ("D", "iSD", 126),
        cat="iRECIST",
    )  # fmt: skip
    adtte = derive_adtte(people, data, rules)
    assert outcome(adtte, "C", "IPFS") == (84.0, Cnsr.UNCONFIRMED_IUPD)
    assert outcome(adtte, "D", "IPFS") == (126.0, Cnsr.LAST_ADEQUATE_ASSESSMENT)


def test_a_confirmation_after_new_therapy_is_not_used() -> None:
    # iUPD 84, new therapy 100, iCPD 126: the iCPD falls after the cut, so the iUPD is
    # unconfirmed at the cut. Default (event at iUPD): event at 84.
    people = adsl({"id": "A", "nact": 100})
    data = rs(("A", "iSD", 42), ("A", "iUPD", 84), ("A", "iCPD", 126), cat="iRECIST")
    assert outcome(derive_adtte(people, data), "A", "IPFS") == (84.0, Cnsr.EVENT)
    rules = CensoringRules(unconfirmed_iupd="censor_at_last_assessment")
    censored = derive_adtte(people, data, rules)
    assert outcome(censored, "A", "IPFS") == (84.0, Cnsr.NEW_ANTICANCER_THERAPY)


def test_irecist_can_be_left_out() -> None:
    adtte = derive_adtte(adsl({"id": "A"}), rs(), CensoringRules(irecist=False))
    assert sorted(adtte["PARAMCD"]) == ["OS", "PFS", "TTSRT"]


def test_time_to_salvage_radiotherapy() -> None:
    # A: salvage RT day 150 -> event.  B: death day 90 first -> censored at 90 (death).
    # C: alive at day 200 -> censored at 200.
    people = adsl(
        {"id": "A", "srt": 150, "alive": 400}, {"id": "B", "death": 90}, {"id": "C", "alive": 200}
    )
    adtte = derive_adtte(people, rs())
    assert outcome(adtte, "A", "TTSRT") == (150.0, Cnsr.EVENT)
    assert outcome(adtte, "B", "TTSRT") == (90.0, Cnsr.DEATH_BEFORE_EVENT)
    assert outcome(adtte, "C", "TTSRT") == (200.0, Cnsr.LAST_KNOWN_ALIVE)


def test_unknown_response_codes_are_refused() -> None:
    with pytest.raises(TidyTableError, match=r"unknown RECIST1\.1 response code"):
        derive_adtte(adsl({"id": "A"}), rs(("A", "iUPD", 42)))
