"""Baseline measurability and target selection (clinical-rules.md §2.1, §2.2, §2.10)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from oncotrial.clinical.recist_lesions import (
    Lesion,
    Method,
    Reading,
    Role,
    baseline_flags,
    check_baseline,
    minimum_measurable_mm,
    organ_group,
    sum_of_diameters,
)
from oncotrial.clinical.recist_settings import ResponseSettings

DEFAULTS = ResponseSettings()


def target(lesion_id: str, organ: str = "liver", nodal: bool = False, **kw: object) -> Lesion:
    return Lesion(lesion_id, Role.TARGET, organ, nodal, **kw)  # type: ignore[arg-type]


def codes(
    lesions: list[Lesion], baseline: dict[str, Reading | None], **settings: object
) -> list[str]:
    found = check_baseline(lesions, baseline, ResponseSettings(**settings))  # type: ignore[arg-type]
    return [v.code for v in found]


def test_five_targets_in_different_organs_are_accepted() -> None:
    organs = ["liver", "lung", "adrenal", "bone", "spleen"]
    lesions = [target(f"T{i}", organ) for i, organ in enumerate(organs)]
    assert codes(lesions, {f"T{i}": Reading.measured(20) for i in range(5)}) == []


def test_sixth_target_is_refused_and_named() -> None:
    organs = ["liver", "lung", "adrenal", "bone", "spleen", "peritoneum"]
    lesions = [target(f"T{i}", organ) for i, organ in enumerate(organs)]
    found = check_baseline(lesions, {f"T{i}": Reading.measured(20) for i in range(6)}, DEFAULTS)
    assert [(v.code, v.lesion_ids) for v in found] == [("too_many_targets", ("T5",))]
    assert "at most 5" in found[0].rule


def test_third_target_in_one_organ_is_refused() -> None:
    lesions = [target("A"), target("B"), target("C")]
    found = check_baseline(lesions, dict.fromkeys("ABC", Reading.measured(20)), DEFAULTS)
    assert [(v.code, v.lesion_ids) for v in found] == [("too_many_targets_in_organ", ("C",))]


def test_all_lymph_nodes_count_as_one_organ() -> None:
    lesions = [
        target("N1", "mediastinum", nodal=True),
        target("N2", "neck", nodal=True),
        target("N3", "coeliac", nodal=True),
    ]
    assert codes(lesions, dict.fromkeys(["N1", "N2", "N3"], Reading.measured(20))) == [
        "too_many_targets_in_organ"
    ]


def test_paired_organs_count_as_one_organ() -> None:
    assert organ_group("Left lung", False) == organ_group("right lung", False) == "lung"
    assert organ_group("Kidneys", False) == "kidney"
    lesions = [target("A", "left lung"), target("B", "right lung"), target("C", "lungs")]
    assert codes(lesions, dict.fromkeys("ABC", Reading.measured(20))) == [
        "too_many_targets_in_organ"
    ]


def test_non_nodal_target_of_exactly_10_mm_is_measurable_and_9_9_is_not() -> None:
    assert codes([target("T1")], {"T1": Reading.measured(10)}) == []
    assert codes([target("T1")], {"T1": Reading.measured(9.9)}) == ["target_not_measurable"]


def test_node_short_axis_exactly_15_mm_is_a_target_and_14_9_is_not() -> None:
    node = target("N1", "neck", nodal=True)
    assert codes([node], {"N1": Reading.measured(15)}) == []
    found = check_baseline([node], {"N1": Reading.measured(14.9)}, DEFAULTS)
    assert [v.code for v in found] == ["target_not_measurable"]
    assert "short axis" in found[0].rule and "15" in found[0].rule
    assert found[0].reading_index == 0


def test_measurability_threshold_follows_method_and_slice_thickness() -> None:
    assert minimum_measurable_mm(target("T", method=Method.CHEST_XRAY)) == 20
    assert minimum_measurable_mm(target("T", method=Method.CALIPER)) == 10
    assert minimum_measurable_mm(target("T", slice_thickness_mm=Fraction(5))) == 10
    assert minimum_measurable_mm(target("T", slice_thickness_mm=Fraction(8))) == 16
    assert minimum_measurable_mm(target("N", nodal=True, slice_thickness_mm=Fraction(8))) == 15


def test_target_needs_a_single_baseline_diameter() -> None:
    for reading in (None, Reading.too_small(), Reading.disappeared(), Reading.fragments([6, 7])):
        assert codes([target("T1")], {"T1": reading}) == ["target_not_measured"]


def test_no_recorded_disease_is_refused() -> None:
    new = Lesion("N1", Role.NEW_TARGET, "liver")
    assert codes([new], {}) == ["no_baseline_disease"]


def test_non_target_only_disease_is_accepted() -> None:
    assert codes([Lesion("NT1", Role.NON_TARGET, "pleura")], {}) == []


def test_previously_irradiated_target_needs_progression_unless_protocol_allows() -> None:
    lesion = target("T1", previously_irradiated=True)
    assert codes([lesion], {"T1": Reading.measured(30)}) == ["irradiated_target_not_progressed"]
    progressed = target("T1", previously_irradiated=True, progressed_after_irradiation=True)
    assert codes([progressed], {"T1": Reading.measured(30)}) == []
    assert (
        codes([lesion], {"T1": Reading.measured(30)}, previously_irradiated_targets="allow") == []
    )
    assert [f.code for f in baseline_flags([lesion])] == ["previously_irradiated"]


def test_target_planned_for_radiotherapy_is_kept_and_flagged_by_default() -> None:
    lesion = target("T1", planned_irradiation=True)
    assert codes([lesion], {"T1": Reading.measured(30)}) == []
    assert [f.code for f in baseline_flags([lesion])] == ["planned_irradiation"]
    assert codes([lesion], {"T1": Reading.measured(30)}, irradiated_targets="exclude") == [
        "planned_irradiation_target"
    ]


def test_new_lesion_targets_obey_the_same_count_limits() -> None:
    lesions = [target("T1")] + [
        Lesion(f"N{i}", Role.NEW_TARGET, "lung" if i < 3 else f"organ{i}") for i in range(6)
    ]
    assert codes(lesions, {"T1": Reading.measured(20)}) == [
        "too_many_targets",
        "too_many_targets_in_organ",
    ]


def test_sum_of_diameters_uses_conventions_for_small_split_and_coalesced_lesions() -> None:
    readings = [
        Reading.measured(12.5),
        Reading.too_small(),
        Reading.disappeared(),
        Reading.fragments([7, 3.5, "too_small"]),
        Reading.coalesced("T1"),
        Reading.measured(3),  # an explicit number below 5 mm is used as given
    ]
    assert [r.mm for r in readings] == [
        Fraction(25, 2),
        5,
        0,
        Fraction(31, 2),
        0,
        3,
    ]
    assert sum_of_diameters(readings) == 36


def test_float_diameters_are_read_by_their_decimal_spelling() -> None:
    assert Reading.measured(0.1).mm + Reading.measured(0.2).mm == Fraction(3, 10)
    with pytest.raises(ValueError):
        Reading.measured(-1)
