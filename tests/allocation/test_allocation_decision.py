"""The stored decision record and the stratum key (allocation.decision, allocation.stratum)."""

from __future__ import annotations

import json

import pytest

from oncotrial.allocation.decision import AllocationDecision
from oncotrial.allocation.stratum import Stratum


def test_the_stratum_key_is_independent_of_factor_order() -> None:
    a = Stratum.of({"site": "01", "induction_response": "PR", "metastatic_organs": "2+"})
    b = Stratum.of({"metastatic_organs": "2+", "site": "01", "induction_response": "PR"})
    assert a == b
    assert a.key == "induction_response=PR;metastatic_organs=2+;site=01"
    assert a.as_dict() == {"site": "01", "induction_response": "PR", "metastatic_organs": "2+"}
    assert Stratum.of({}).key == ""


@pytest.mark.parametrize(
    ("levels", "error", "message"),
    [
        ({"site": "01;02"}, ValueError, "reserved"),
        ({"site=x": "01"}, ValueError, "reserved"),
        ({"site": ""}, ValueError, "must not be empty"),
        ({"site": "0\n1"}, ValueError, "reserved"),
        ({"site": 1}, TypeError, "must be a str"),
    ],
)
def test_levels_that_would_make_an_ambiguous_key_are_refused(
    levels: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        Stratum.of(levels)  # type: ignore[arg-type]


def _minimization_decision() -> AllocationDecision:
    return AllocationDecision(
        method="minimization",
        arm="salvage",
        stratum_key="induction_response=PR;site=01",
        factor_levels={"induction_response": "PR", "site": "01"},
        draw_index=4,
        draw=123_456_789,
        imbalance_scores={"consolidation": 2.0, "salvage": 0.0},
        minimizing_arms=("salvage",),
        tie=False,
        probabilities={"consolidation": 0.2, "salvage": 0.8},
    )


def test_a_decision_survives_a_json_column() -> None:
    decision = _minimization_decision()
    stored = json.loads(json.dumps(decision.to_record()))
    assert stored["minimizing_arms"] == ["salvage"]
    assert AllocationDecision.from_record(stored) == decision


def test_a_decision_without_its_method_evidence_is_refused() -> None:
    with pytest.raises(ValueError, match="needs draw_index, draw"):
        AllocationDecision("minimization", "salvage", "", {})
    with pytest.raises(ValueError, match="needs slot, block, block_size"):
        AllocationDecision("permuted_blocks", "salvage", "", {})
    with pytest.raises(ValueError, match="method must be one of"):
        AllocationDecision("coin", "salvage", "", {})  # type: ignore[arg-type]
