"""iRECIST: iUPD, confirmation as iCPD, the reset, new lesions, iBOR and iPFS (§3)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oncotrial.clinical.response_case import CaseError, evaluate_case

START = dt.date(2024, 1, 1)

LESIONS = [
    {"id": "T1", "role": "target", "organ": "liver", "nodal": False},
    {"id": "NT1", "role": "non_target", "organ": "bone", "nodal": False},
    {"id": "N1", "role": "new_target", "organ": "lung", "nodal": False},
    {"id": "N2", "role": "new_target", "organ": "adrenal", "nodal": False},
    {"id": "NN1", "role": "new_non_target", "organ": "bone", "nodal": False},
]


def day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def v(
    n: int,
    t1: Any,
    nt: str | None = "non_CR_non_PD",
    nlt: dict | None = None,
    nlnt: dict | None = None,
    **extra: Any,
) -> dict:
    """An assessment on day `n`; new_lesions follows the listed new lesions."""
    present = any(x not in (0, "disappeared", None) for x in (nlt or {}).values()) or any(
        s != "absent" for s in (nlnt or {}).values()
    )
    return {
        "date": day(n),
        "target": {"T1": t1},
        "non_target": nt,
        "new_lesions": "unequivocal" if present else "none",
        "new_lesion_targets": nlt or {},
        "new_lesion_non_target": nlnt,
        **extra,
    }


def base(t1: Any = 50) -> dict:
    return {"date": day(0), "target": {"T1": t1}, "non_target": "non_CR_non_PD"}


def run(visits: list[dict], lesions: list[dict] = LESIONS, **settings: Any) -> dict:
    return evaluate_case(
        {"criteria": "iRECIST", "lesions": lesions, "assessments": visits, **settings}
    )


def overall(result: dict) -> list[str]:
    return [tp["overall"] for tp in result["timepoints"][1:]]


def codes(result: dict) -> list[str]:
    return [f["code"] for f in result["flags"]]


# --- confirmation ---------------------------------------------------------------


def test_target_iupd_confirmed_by_5_mm_more_four_weeks_later() -> None:
    result = run([base(), v(56, 30), v(112, 40), v(140, 45)])
    assert overall(result) == ["iPR", "iUPD", "iCPD"]
    assert result["progression_date"] == day(112)  # the iUPD, not the iCPD scan
    assert result["best_overall_response"] == "iPR"
    assert [tp["target"] for tp in result["timepoints"][1:]] == ["iPR", "iUPD", "iUPD"]


def test_further_increases_accumulate_from_the_iupd() -> None:
    result = run([base(), v(56, 30), v(112, 40), v(140, 44), v(168, 46)])
    assert overall(result) == ["iPR", "iUPD", "iUPD", "iCPD"]
    assert result["progression_date"] == day(112)


def test_exactly_5_mm_confirms_unless_the_protocol_demands_more() -> None:
    visits = [base(), v(56, 30), v(112, 40), v(140, 45)]
    assert overall(run(visits, icpd_threshold="more_than")) == ["iPR", "iUPD", "iUPD"]
    visits[-1] = v(140, 46)
    assert overall(run(visits, icpd_threshold="more_than")) == ["iPR", "iUPD", "iCPD"]


def test_confirmation_window_opens_at_4_weeks_less_2_days() -> None:
    early = run([base(), v(56, 30), v(112, 40), v(137, 50)])  # 25 days after iUPD
    assert overall(early) == ["iPR", "iUPD", "iUPD"]
    assert "early_confirmation_scan" in codes(early)
    assert overall(run([base(), v(56, 30), v(112, 40), v(138, 50)])) == ["iPR", "iUPD", "iCPD"]
    strict = run([base(), v(56, 30), v(112, 40), v(138, 50)], iupd_window_tolerance_days=0)
    assert overall(strict) == ["iPR", "iUPD", "iUPD"]


def test_early_scan_for_new_symptoms_confirms_only_with_another_new_lesion() -> None:
    symptoms = v(126, 40, nlnt={"NN1": "present"}, for_new_symptoms=True)
    assert overall(run([base(), v(56, 30), v(112, 40), symptoms]))[-1] == "iCPD"
    routine = v(126, 40, nlnt={"NN1": "present"})
    later = v(147, 40, nlnt={"NN1": "present"})
    result = run([base(), v(56, 30), v(112, 40), routine, later])
    assert overall(result) == ["iPR", "iUPD", "iUPD", "iCPD"]
    grown = v(126, 50, for_new_symptoms=True)  # growth alone never confirms early
    assert overall(run([base(), v(56, 30), v(112, 40), grown]))[-1] == "iUPD"


def test_scan_after_8_weeks_confirms_by_default_and_is_flagged() -> None:
    visits = [base(), v(56, 30), v(112, 40), v(182, 46)]  # 70 days after iUPD
    result = run(visits)
    assert overall(result)[-1] == "iCPD" and "late_confirmation_scan" in codes(result)
    assert overall(run(visits, late_confirmation="ignored"))[-1] == "iUPD"


def test_non_target_iupd_is_confirmed_by_any_further_increase() -> None:
    visits = [base(), v(56, 30), v(112, 30, "PD"), v(140, 30, "PD")]
    assert overall(run(visits)) == ["iPR", "iUPD", "iUPD"]
    visits[-1] = v(140, 30, "PD", non_target_increased=True)
    assert overall(run(visits)) == ["iPR", "iUPD", "iCPD"]


def test_progression_in_another_category_confirms() -> None:
    visits = [base(), v(56, 30), v(112, 40), v(140, 40, "PD")]
    assert overall(run(visits)) == ["iPR", "iUPD", "iCPD"]


def test_new_lesion_iupd_confirmed_by_new_lesion_target_growth_of_5_mm() -> None:
    visits = [base(), v(56, 30), v(112, 30, nlt={"N1": 15}), v(140, 30, nlt={"N1": 19})]
    assert overall(run(visits)) == ["iPR", "iUPD", "iUPD"]
    visits[-1] = v(140, 30, nlt={"N1": 20})
    assert overall(run(visits)) == ["iPR", "iUPD", "iCPD"]


def test_new_lesion_iupd_confirmed_by_any_new_non_target_increase() -> None:
    visits = [base(), v(56, 30), v(112, 30, nlnt={"NN1": "present"})]
    visits.append(v(140, 30, nlnt={"NN1": "increased"}))
    assert overall(run(visits)) == ["iPR", "iUPD", "iCPD"]


def test_new_lesion_iupd_confirmed_by_another_new_lesion() -> None:
    visits = [base(), v(56, 30), v(112, 30, nlt={"N1": 15})]
    visits.append(v(140, 30, nlt={"N1": 15, "N2": 12}))
    result = run(visits)
    assert overall(result) == ["iPR", "iUPD", "iCPD"]
    assert "another new lesion (N2)" in result["flags"][-1]["message"]


def test_confirmed_progression_is_final() -> None:
    result = run([base(), v(56, 30), v(112, 40), v(140, 45), v(196, 10)])
    assert overall(result) == ["iPR", "iUPD", "iCPD", "iCPD"]


# --- reset ------------------------------------------------------------------------


def test_reset_after_isd_or_ipr_needs_fresh_confirmation() -> None:
    visits = [base(), v(56, 30), v(112, 40), v(140, 32), v(196, 39), v(224, 45)]
    result = run(visits)
    assert overall(result) == ["iPR", "iUPD", "iPR", "iUPD", "iCPD"]
    assert "iupd_reset" in codes(result)
    assert result["progression_date"] == day(196)


def test_after_a_reset_pd_is_measured_from_the_new_nadir() -> None:
    # Nadir 25 after the reset: 30 is +20 % and +5 mm -> a fresh iUPD.
    visits = [base(), v(56, 30), v(112, 40), v(140, 25), v(196, 30)]
    assert overall(run(visits)) == ["iPR", "iUPD", "iPR", "iUPD"]


def test_new_lesion_iupd_without_change_stays_iupd_scenario_f() -> None:
    visits = [base(), v(56, 30), v(112, 30, nlt={"N1": 15}), v(140, 30, nlt={"N1": 15})]
    result = run(visits)
    assert overall(result) == ["iPR", "iUPD", "iUPD"]
    assert "new_lesion_iupd_persists" in codes(result)


def test_further_shrinkage_after_new_lesion_iupd_resets_to_ipr_scenario_b() -> None:
    visits = [base(), v(56, 34), v(112, 30, nlt={"N1": 15}), v(140, 25, nlt={"N1": 15})]
    result = run(visits)
    assert overall(result) == ["iPR", "iUPD", "iPR"]
    assert "new_lesion_reset" in codes(result)
    assert overall(run(visits, new_lesion_reset="never")) == ["iPR", "iUPD", "iUPD"]


def test_icr_needs_the_new_lesions_gone_too() -> None:
    visits = [
        base(),
        v(56, 30),
        v(112, 30, nlt={"N1": 15}),
        v(140, 0, "CR", nlt={"N1": 15}),
        v(196, 0, "CR", nlt={"N1": "disappeared"}),
    ]
    assert overall(run(visits)) == ["iPR", "iUPD", "iPR", "iCR"]


def test_accepted_new_lesion_targets_progress_again_by_recist_rules() -> None:
    visits = [
        base(),
        v(56, 30),
        v(112, 30, nlt={"N1": 15}),
        v(140, 25, nlt={"N1": 15}),  # reset (scenario B); N1's nadir is 15
        v(196, 25, nlt={"N1": 19}),  # +4 mm: not progression
        v(252, 25, nlt={"N1": 20}),  # +5 mm and +33 %: a fresh iUPD
    ]
    assert overall(run(visits)) == ["iPR", "iUPD", "iPR", "iPR", "iUPD"]


def test_a_new_lesion_that_resets_can_spare_a_later_reappearance() -> None:
    """Without the new lesion: iCR, then non-target disease seen again is iUPD.
    With it: the iUPD resets to iPR, there never is an overall iCR, and the same
    non-target finding is no progression (§2.6 needs a previous overall CR)."""
    plain = [base(), v(28, 0), v(56, 0, "CR"), v(84, 0)]
    assert overall(run(plain)) == ["iPR", "iCR", "iUPD"]
    lesion = {"NN1": "present"}
    with_lesion = [
        base(),
        v(28, 10, nlnt=lesion),
        v(56, 0, "CR", nlnt=lesion),
        v(84, 0, nlnt=lesion),
    ]
    assert overall(run(with_lesion)) == ["iUPD", "iPR", "iPR"]


# --- iBOR and iPFS ----------------------------------------------------------------


def test_ibor_examples_of_seymour_table_3() -> None:
    no_nt = [LESIONS[0]]

    def seq(values: list[Any]) -> dict:
        visits = [{"date": day(0), "target": {"T1": 50}}]
        visits += [
            {"date": day(56 * (i + 1)), "target": {"T1": x}, "new_lesions": "none"}
            for i, x in enumerate(values)
        ]
        return run(visits, no_nt)

    cases = [
        ([70, 30, 0], ["iUPD", "iPR", "iCR"], "iCR"),
        ([70, 50, 50], ["iUPD", "iSD", "iSD"], "iSD"),
        ([70, 75], ["iUPD", "iCPD"], "iCPD"),
        ([70, 72, 77], ["iUPD", "iUPD", "iCPD"], "iCPD"),
        ([70, None], ["iUPD", "NE"], "iUPD"),
        ([0, 0, 10, 15], ["iCR", "iCR", "iUPD", "iCPD"], "iCR"),
    ]
    for values, timepoints, ibor in cases:
        result = seq(values)
        assert (overall(result), result["best_overall_response"]) == (timepoints, ibor), values


def test_unconfirmed_iupd_at_the_end_is_an_event_at_its_date_by_default() -> None:
    visits = [base(), v(56, 30), v(112, 40)]
    result = run(visits)
    assert result["progression_date"] == day(112)
    assert "unconfirmed_iupd" in codes(result)
    assert run(visits, unconfirmed_iupd="censor")["progression_date"] is None


def test_reset_iupd_is_no_event() -> None:
    assert run([base(), v(56, 30), v(112, 40), v(140, 30)])["progression_date"] is None


def test_equivocal_new_lesion_confirmed_later_back_dates_the_iupd() -> None:
    visits = [
        base(),
        v(56, 30),
        v(112, 30, new_lesions="equivocal"),
        v(168, 30, nlt={"N1": 15}),
        v(196, 30, nlt={"N1": 21}),
    ]
    result = run(visits)
    assert overall(result) == ["iPR", "iUPD", "iUPD", "iCPD"]
    assert result["progression_date"] == day(112)
    assert "progression_backdated" in codes(result)


def test_reappearance_after_icr_is_iupd() -> None:
    visits = [base(), v(56, 0, "CR"), v(112, 0, "non_CR_non_PD")]
    assert overall(run(visits)) == ["iCR", "iUPD"]


def test_non_target_only_disease() -> None:
    lesions = [LESIONS[1]]
    visits = [
        {"date": day(0), "non_target": "non_CR_non_PD"},
        {"date": day(56), "non_target": "non_CR_non_PD", "new_lesions": "none"},
        {"date": day(112), "non_target": "PD", "new_lesions": "none"},
        {"date": day(140), "non_target": "PD", "new_lesions": "none", "non_target_increased": True},
    ]
    result = run(visits, lesions)
    assert overall(result) == ["NON_iCR_NON_iUPD", "iUPD", "iCPD"]
    assert result["best_overall_response"] == "NON_iCR_NON_iUPD"


def test_new_lesion_target_must_be_measurable_when_first_recorded() -> None:
    visits = [base(), v(56, 30), v(112, 30, nlt={"N1": 9})]
    with pytest.raises(CaseError) as error:
        run(visits)
    assert error.value.path == "assessments[2].new_lesion_targets.N1"
    assert "non-target" in error.value.problem
