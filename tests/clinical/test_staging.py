"""AJCC 8 clinical staging of oesophageal SCC and structured distant metastases (rules §6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncotrial.clinical.staging import (
    DistantMetastasis,
    MCategory,
    MetastasisSite,
    NCategory,
    StageGroup,
    TCategory,
    clinical_stage_group,
    lesions_per_organ,
    m_category,
    metastatic_lesion_count,
    metastatic_organ_count,
    n_category_from_node_count,
    non_regional_nodes_only,
    within_oligometastatic_limits,
)


@pytest.mark.parametrize(
    ("nodes", "expected"),
    [
        (0, NCategory.N0),
        (1, NCategory.N1),
        (2, NCategory.N1),
        (3, NCategory.N2),
        (6, NCategory.N2),
        (7, NCategory.N3),
        (30, NCategory.N3),
    ],
)
def test_n_category_follows_the_node_count_bands(nodes: int, expected: NCategory) -> None:
    assert n_category_from_node_count(nodes) is expected


@pytest.mark.parametrize("bad", [-1, 2.5, True, "3"])
def test_n_category_rejects_a_count_that_is_not_a_whole_number(bad: object) -> None:
    with pytest.raises(ValueError, match="involved_regional_nodes"):
        n_category_from_node_count(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("t", "n", "m", "expected"),
    [
        ("Tis", "N0", "M0", StageGroup.STAGE_0),
        ("T1a", "N0", "M0", StageGroup.STAGE_I),
        ("T1b", "N1", "M0", StageGroup.STAGE_I),
        ("T1", "N2", "M0", StageGroup.STAGE_III),
        ("T2", "N0", "M0", StageGroup.STAGE_II),
        ("T2", "N1", "M0", StageGroup.STAGE_II),
        ("T2", "N2", "M0", StageGroup.STAGE_III),
        ("T3", "N0", "M0", StageGroup.STAGE_II),
        ("T3", "N1", "M0", StageGroup.STAGE_III),
        ("T3", "N2", "M0", StageGroup.STAGE_III),
        ("T4a", "N0", "M0", StageGroup.STAGE_IVA),
        ("T4b", "N0", "M0", StageGroup.STAGE_IVA),
        ("T4b", "N2", "M0", StageGroup.STAGE_IVA),
        ("T1a", "N3", "M0", StageGroup.STAGE_IVA),
        ("T3", "N3", "M0", StageGroup.STAGE_IVA),
        ("TX", "N3", "M0", StageGroup.STAGE_IVA),  # any T with N3
        ("T4", "NX", "M0", StageGroup.STAGE_IVA),  # any N with T4
        ("T1a", "N0", "M1", StageGroup.STAGE_IVB),
        ("TX", "NX", "M1", StageGroup.STAGE_IVB),
    ],
)
def test_clinical_stage_groups_of_the_scc_table(
    t: str, n: str, m: str, expected: StageGroup
) -> None:
    assert clinical_stage_group(t, n, m) is expected


def test_t4b_n0_m0_is_iva_but_any_m1_makes_it_ivb() -> None:
    assert clinical_stage_group(TCategory.T4B, NCategory.N0, MCategory.M0) is StageGroup.STAGE_IVA
    assert clinical_stage_group(TCategory.T4B, NCategory.N0, MCategory.M1) is StageGroup.STAGE_IVB


@pytest.mark.parametrize(
    ("t", "n"),
    [("TX", "N0"), ("T0", "N1"), ("T2", "NX"), ("Tis", "N1")],
)
def test_categories_that_do_not_decide_a_group_give_none(t: str, n: str) -> None:
    assert clinical_stage_group(t, n, "M0") is None


def test_an_unknown_category_is_an_error_naming_the_argument() -> None:
    with pytest.raises(ValueError, match="t: unknown category 'T5'"):
        clinical_stage_group("T5", "N0", "M0")


@given(st.sampled_from(TCategory), st.sampled_from(NCategory))
def test_m1_is_always_ivb(t: TCategory, n: NCategory) -> None:
    assert clinical_stage_group(t, n, MCategory.M1) is StageGroup.STAGE_IVB


@given(st.sampled_from(TCategory), st.sampled_from(NCategory))
def test_m0_is_never_ivb(t: TCategory, n: NCategory) -> None:
    assert clinical_stage_group(t, n, MCategory.M0) is not StageGroup.STAGE_IVB


@given(st.sampled_from(TCategory))
def test_n3_m0_is_always_iva(t: TCategory) -> None:
    assert clinical_stage_group(t, NCategory.N3, MCategory.M0) is StageGroup.STAGE_IVA


# ------------------------------------------------------------ distant metastases


def test_supraclavicular_node_is_distant_disease_m1() -> None:
    metastases = [DistantMetastasis(MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE)]
    assert m_category(metastases) is MCategory.M1
    assert m_category([]) is MCategory.M0


def test_all_distant_lymph_nodes_count_as_one_organ() -> None:
    metastases = [
        DistantMetastasis(MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE, lesions=2),
        DistantMetastasis(MetastasisSite.NON_REGIONAL_LYMPH_NODE, lesions=1),
    ]
    assert metastatic_organ_count(metastases) == 1
    assert metastatic_lesion_count(metastases) == 3
    assert non_regional_nodes_only(metastases)


def test_nodes_liver_and_lung_are_three_organs() -> None:
    metastases = [
        DistantMetastasis(MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE),
        DistantMetastasis(MetastasisSite.LIVER, lesions=2),
        DistantMetastasis(MetastasisSite.LUNG),
        DistantMetastasis(MetastasisSite.LIVER, lesions=1),  # a second entry, same organ
    ]
    assert metastatic_organ_count(metastases) == 3
    assert metastatic_lesion_count(metastases) == 5
    assert lesions_per_organ(metastases) == {"lymph_nodes": 1, "liver": 3, "lung": 1}
    assert not non_regional_nodes_only(metastases)


def test_other_sites_count_apart_by_the_organ_named() -> None:
    metastases = [
        DistantMetastasis(MetastasisSite.OTHER, organ_detail="Spleen"),
        DistantMetastasis(MetastasisSite.OTHER, organ_detail="spleen "),
        DistantMetastasis(MetastasisSite.OTHER, organ_detail="pancreas"),
    ]
    assert metastatic_organ_count(metastases) == 2


def test_an_other_site_without_its_organ_is_refused() -> None:
    with pytest.raises(ValueError, match="organ_detail"):
        DistantMetastasis(MetastasisSite.OTHER)


def test_a_site_with_no_lesion_is_refused() -> None:
    with pytest.raises(ValueError, match="lesions"):
        DistantMetastasis(MetastasisSite.LIVER, lesions=0)


def test_no_metastases_means_no_organs_and_not_node_only() -> None:
    assert metastatic_organ_count([]) == 0
    assert metastatic_lesion_count([]) == 0
    assert not non_regional_nodes_only([])


def test_oligometastatic_limits_at_and_beyond_each_bound() -> None:
    five_in_three = [
        DistantMetastasis(MetastasisSite.LIVER, lesions=3),
        DistantMetastasis(MetastasisSite.LUNG, lesions=1),
        DistantMetastasis(MetastasisSite.BONE, lesions=1),
    ]
    assert within_oligometastatic_limits(five_in_three)
    six = [*five_in_three, DistantMetastasis(MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE)]
    assert not within_oligometastatic_limits(six)  # 6 lesions and 4 organs
    four_in_liver = [DistantMetastasis(MetastasisSite.LIVER, lesions=4)]
    assert not within_oligometastatic_limits(four_in_liver)
    assert within_oligometastatic_limits(four_in_liver, max_lesions_per_organ=4)


@given(
    st.lists(
        st.builds(
            DistantMetastasis,
            st.sampled_from([s for s in MetastasisSite if s is not MetastasisSite.OTHER]),
            st.integers(min_value=1, max_value=10),
        ),
        max_size=12,
    )
)
def test_organ_count_never_exceeds_lesions_and_any_site_makes_m1(
    metastases: list[DistantMetastasis],
) -> None:
    assert metastatic_organ_count(metastases) <= metastatic_lesion_count(metastases)
    assert (m_category(metastases) is MCategory.M1) == bool(metastases)
