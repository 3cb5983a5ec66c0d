"""Properties of the response engine over generated cases (hypothesis).

- Renaming or reordering lesions never changes a response.
- Adding an unequivocal new lesion never improves a time-point response or
  the best overall response. A new lesion, once seen, stays: it is added to
  an assessment and to every later one that looked for new lesions. Order,
  best first:
  RECIST   CR > PR > SD > NON_CR_NON_PD > NE > PD
  iRECIST  iCR > iPR > iSD > NON_iCR_NON_iUPD > NE > iUPD > iCPD
  NE ranks above PD: an unevaluable assessment has shown no progression,
  and adding disease can only move a response towards progression.

Under RECIST 1.1 this holds for every time point and the best overall
response (evaluation ends at PD). Under iRECIST it holds for the assessment
where the lesion appears and every earlier one; later time points and the
iBOR may legitimately come out better, because iRECIST lets an iUPD reset
and the history-dependent reappearance rule (§2.6) then cuts both ways:
without the lesion, disease seen again after iCR is iUPD; with it there
never was an overall iCR, so the same finding after the reset is iPR
(worked example: test_irecist.py, test_a_new_lesion_that_resets_can_spare_a_
later_reappearance).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oncotrial.clinical.irecist import ITIMEPOINT_ORDER
from oncotrial.clinical.recist import TIMEPOINT_ORDER
from oncotrial.clinical.response_case import evaluate_case

ORGANS = ["liver", "lung", "bone", "adrenal", "node"]
START = dt.date(2024, 1, 1)
RANK = {str(r): i for i, r in enumerate(TIMEPOINT_ORDER)} | {
    str(r): i for i, r in enumerate(ITIMEPOINT_ORDER)
}
COALESCE = "coalesce"

reading = st.one_of(
    st.integers(0, 90),
    st.integers(0, 90),
    st.sampled_from(["too_small", "disappeared", None, COALESCE]),
    st.lists(st.integers(0, 40), min_size=2, max_size=3),
)


@st.composite
def cases(draw: st.DrawFn, criteria: str) -> dict[str, Any]:
    organs = draw(
        st.lists(st.sampled_from(ORGANS), min_size=1, max_size=5).filter(
            lambda xs: all(xs.count(o) <= 2 for o in xs)
        )
    )
    lesions = [
        {"id": f"T{i}", "role": "target", "organ": organ, "nodal": organ == "node"}
        for i, organ in enumerate(organs)
    ]
    has_non_target = draw(st.booleans())
    if has_non_target:
        lesions.append({"id": "NT1", "role": "non_target", "organ": "pleura", "nodal": False})
    ids = [lesion["id"] for lesion in lesions if lesion["role"] == "target"]
    baseline = {i: draw(st.integers(15, 80)) for i in ids}
    visits: list[dict[str, Any]] = [
        {
            "date": START.isoformat(),
            "target": baseline,
            "non_target": "non_CR_non_PD" if has_non_target else None,
        }
    ]
    day = 0
    for _ in range(draw(st.integers(1, 6))):
        day += draw(st.integers(14, 70))
        target = _resolve_coalesced({i: draw(reading) for i in ids})
        non_target = (
            draw(st.sampled_from(["non_CR_non_PD", "non_CR_non_PD", "CR", "PD", "NE", None]))
            if has_non_target
            else None
        )
        visits.append(
            {
                "date": (START + dt.timedelta(days=day)).isoformat(),
                "target": target,
                "non_target": non_target,
                "new_lesions": draw(st.sampled_from(["none", "none", "equivocal", None])),
                **({"non_target_increased": draw(st.booleans())} if criteria == "iRECIST" else {}),
            }
        )
    if criteria == "iRECIST" and draw(st.booleans()):
        lesions += [
            {"id": "NA", "role": "new_target", "organ": "lung", "nodal": False},
            {"id": "NB", "role": "new_non_target", "organ": "bone", "nodal": False},
        ]
        _add_new_lesions(draw, visits, draw(st.integers(1, len(visits) - 1)))
    options = {
        "confirm_response": draw(st.booleans()),
        "pr_labelling": draw(st.sampled_from(["continuing", "per_visit"])),
        "reappearance_after_cr": draw(st.sampled_from(["previous_cr", "confirmed_cr"])),
    }
    return {"criteria": criteria, "lesions": lesions, "assessments": visits, **options}


def _add_new_lesions(draw: st.DrawFn, visits: list[dict[str, Any]], first: int) -> None:
    """New lesions NA (a new-lesion target) and NB (a non-target) from `first` on,
    listed wherever new lesions were assessed."""
    seen = False
    for visit in visits[first:]:
        if visit["new_lesions"] is None:
            continue
        size = (
            draw(st.integers(10, 40))
            if not seen
            else draw(st.one_of(st.integers(0, 40), st.just("disappeared"), st.none()))
        )
        seen = True
        status = draw(st.sampled_from(["present", "increased", "unequivocal_pd", "absent"]))
        visit["new_lesion_targets"] = {"NA": size}
        visit["new_lesion_non_target"] = {"NB": status}
        if size not in (0, "disappeared", None) or status != "absent":
            visit["new_lesions"] = "unequivocal"


def _resolve_coalesced(target: dict[str, Any]) -> dict[str, Any]:
    """Point each coalesced lesion at another target that carries a measurement."""
    carriers = [i for i, x in target.items() if isinstance(x, int) and x > 0]
    resolved = {}
    for lesion_id, value in target.items():
        if value == COALESCE:
            into = next((c for c in carriers if c != lesion_id), None)
            value = {"coalesced_into": into} if into else "disappeared"
        resolved[lesion_id] = value
    return resolved


def _renamed(case: dict[str, Any], seed: int) -> dict[str, Any]:
    """The same case with every lesion renamed, lesions and readings reordered."""
    rng = random.Random(seed)
    old = [lesion["id"] for lesion in case["lesions"]]
    new = [f"L{n}" for n in rng.sample(range(100, 999), len(old))]
    names = dict(zip(old, new, strict=True))

    def value(x: Any) -> Any:
        if isinstance(x, dict):
            return {"coalesced_into": names[x["coalesced_into"]]}
        return x

    lesions = [{**lesion, "id": names[lesion["id"]]} for lesion in case["lesions"]]
    rng.shuffle(lesions)
    visits = []
    for visit in case["assessments"]:
        renamed = dict(visit)
        for key in ("target", "new_lesion_targets", "new_lesion_non_target"):
            if visit.get(key):
                items = [(names[k], value(x)) for k, x in visit[key].items()]
                rng.shuffle(items)
                renamed[key] = dict(items)
        visits.append(renamed)
    return {**case, "lesions": lesions, "assessments": visits}


def _with_new_lesion(case: dict[str, Any], first: int) -> dict[str, Any]:
    """The case with an unequivocal new lesion seen from assessment `first` on
    (at every later assessment where new lesions were assessed)."""
    visits = [dict(v) for v in case["assessments"]]
    lesions = list(case["lesions"])
    if case["criteria"] == "iRECIST":
        lesions.append({"id": "NEW", "role": "new_non_target", "organ": "brain", "nodal": False})
    for index, visit in enumerate(visits[first:], start=first):
        if index > first and visit["new_lesions"] is None:
            continue  # new lesions not assessed there: nothing is added
        visit["new_lesions"] = "unequivocal"
        if case["criteria"] == "iRECIST":
            visit["new_lesion_non_target"] = {
                **(visit.get("new_lesion_non_target") or {}),
                "NEW": "present",
            }
    return {**case, "lesions": lesions, "assessments": visits}


def _responses(result: dict[str, Any]) -> tuple[Any, ...]:
    return (
        [
            (tp["sum_mm"], tp["target"], tp["non_target"], tp["overall"])
            for tp in result["timepoints"]
        ],
        result["best_overall_response"],
        result["progression_date"],
        sorted((f["code"], f["date"]) for f in result["flags"]),
    )


def _check_no_improvement(case: dict[str, Any], first: int, *, later_too: bool) -> None:
    before = evaluate_case(case)
    after = evaluate_case(_with_new_lesion(case, first))
    pairs = list(zip(before["timepoints"][1:], after["timepoints"][1:], strict=True))
    for old, new in pairs if later_too else pairs[:first]:
        assert RANK[new["overall"]] >= RANK[old["overall"]], (old, new)
    if later_too:
        assert RANK[after["best_overall_response"]] >= RANK[before["best_overall_response"]]
    assert after["timepoints"][first]["overall"] in ("PD", "iUPD", "iCPD")


@settings(max_examples=200, deadline=None)
@given(cases("RECIST1.1"), st.integers(0, 10**6))
def test_recist_renaming_or_reordering_lesions_changes_nothing(case: dict, seed: int) -> None:
    assert _responses(evaluate_case(_renamed(case, seed))) == _responses(evaluate_case(case))


@settings(max_examples=200, deadline=None)
@given(cases("iRECIST"), st.integers(0, 10**6))
def test_irecist_renaming_or_reordering_lesions_changes_nothing(case: dict, seed: int) -> None:
    assert _responses(evaluate_case(_renamed(case, seed))) == _responses(evaluate_case(case))


@settings(max_examples=200, deadline=None)
@given(cases("RECIST1.1"), st.data())
def test_recist_new_lesion_never_improves_a_response(case: dict, data: st.DataObject) -> None:
    first = data.draw(st.integers(1, len(case["assessments"]) - 1))
    _check_no_improvement(case, first, later_too=True)


@settings(max_examples=200, deadline=None)
@given(cases("iRECIST"), st.data())
def test_irecist_new_lesion_never_improves_a_response(case: dict, data: st.DataObject) -> None:
    first = data.draw(st.integers(1, len(case["assessments"]) - 1))
    _check_no_improvement(case, first, later_too=False)
