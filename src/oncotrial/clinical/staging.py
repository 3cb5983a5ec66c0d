"""AJCC 8th edition clinical staging of oesophageal squamous cell carcinoma.

This module owns the clinical T, N and M categories, the N category from a count
of involved regional nodes, the clinical (cTNM) stage group for squamous cell
carcinoma, and distant metastases recorded as structured sites with the counts
derived from them (organs, lesions). Source: clinical-rules.md §6.

Written by hand: no maintained Python library implements the AJCC 8 tables.
Pathological (pTNM) groups, which also use grade and location, are out of scope.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar


class TCategory(StrEnum):
    """Clinical T category (clinical-rules.md §6.1)."""

    TX = "TX"
    T0 = "T0"
    TIS = "Tis"  # high-grade dysplasia
    T1 = "T1"  # lamina propria, muscularis mucosae or submucosa, not subdivided
    T1A = "T1a"  # lamina propria or muscularis mucosae
    T1B = "T1b"  # submucosa
    T2 = "T2"  # muscularis propria
    T3 = "T3"  # adventitia
    T4 = "T4"  # adjacent structures, not subdivided
    T4A = "T4a"  # pleura, pericardium, azygos vein, diaphragm or peritoneum
    T4B = "T4b"  # other adjacent structures: aorta, vertebral body, airway


class NCategory(StrEnum):
    """Clinical N category: regional nodes counted (clinical-rules.md §6.1)."""

    NX = "NX"
    N0 = "N0"
    N1 = "N1"  # 1-2 regional nodes
    N2 = "N2"  # 3-6
    N3 = "N3"  # 7 or more


class MCategory(StrEnum):
    """Clinical M category; M1 includes non-regional nodes (clinical-rules.md §6.1)."""

    M0 = "M0"
    M1 = "M1"


class StageGroup(StrEnum):
    """Clinical stage group for squamous cell carcinoma (clinical-rules.md §6.2)."""

    STAGE_0 = "0"
    STAGE_I = "I"
    STAGE_II = "II"
    STAGE_III = "III"
    STAGE_IVA = "IVA"
    STAGE_IVB = "IVB"


_T1 = frozenset({TCategory.T1, TCategory.T1A, TCategory.T1B})
_T4 = frozenset({TCategory.T4, TCategory.T4A, TCategory.T4B})


_E = TypeVar("_E", bound=StrEnum)


def _category(kind: type[_E], value: _E | str, argument: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise ValueError(
            f"{argument}: unknown category {value!r}; expected one of {allowed}"
        ) from None


def n_category_from_node_count(involved_regional_nodes: int) -> NCategory:
    """The N category for a count of involved regional nodes (clinical-rules.md §6.1).

    N0 none, N1 1-2, N2 3-6, N3 7 or more.
    """
    count = involved_regional_nodes
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"involved_regional_nodes must be a whole number 0 or more, got {count!r}")
    if count == 0:
        return NCategory.N0
    if count <= 2:
        return NCategory.N1
    if count <= 6:
        return NCategory.N2
    return NCategory.N3


def clinical_stage_group(
    t: TCategory | str, n: NCategory | str, m: MCategory | str
) -> StageGroup | None:
    """The cTNM stage group of an oesophageal SCC (clinical-rules.md §6.2).

    M1 is IVB whatever T and N; with M0, any N3 or any T4 is IVA (so T4 NX M0 and
    TX N3 M0 are IVA). Returns None when the categories do not decide a group:
    TX, T0 or NX where the group depends on them, or a combination the SCC
    clinical table does not list (Tis with involved nodes).
    """
    t = _category(TCategory, t, "t")
    n = _category(NCategory, n, "n")
    m = _category(MCategory, m, "m")
    if m is MCategory.M1:
        return StageGroup.STAGE_IVB
    if n is NCategory.N3 or t in _T4:
        return StageGroup.STAGE_IVA
    if n is NCategory.NX:
        return None
    if t is TCategory.TIS:
        return StageGroup.STAGE_0 if n is NCategory.N0 else None
    if t in _T1:
        return StageGroup.STAGE_III if n is NCategory.N2 else StageGroup.STAGE_I
    if t is TCategory.T2:
        return StageGroup.STAGE_III if n is NCategory.N2 else StageGroup.STAGE_II
    if t is TCategory.T3:
        return StageGroup.STAGE_II if n is NCategory.N0 else StageGroup.STAGE_III
    return None  # TX or T0 with N0-N2: the table needs T


# ------------------------------------------------------------ distant metastases


class MetastasisSite(StrEnum):
    """Where a distant metastasis lies (clinical-rules.md §6.3).

    Supraclavicular and other non-regional nodes are distant (M1) under AJCC 8;
    they are kept apart from each other because a proposal to restage
    supraclavicular nodes as regional exists and the subgroup is analysed.
    """

    SUPRACLAVICULAR_LYMPH_NODE = "supraclavicular_lymph_node"
    NON_REGIONAL_LYMPH_NODE = "non_regional_lymph_node"  # any other non-regional node
    LIVER = "liver"
    LUNG = "lung"
    BONE = "bone"
    BRAIN = "brain"
    ADRENAL = "adrenal"
    PLEURA = "pleura"
    PERITONEUM = "peritoneum"
    OTHER = "other"  # name the organ in `organ_detail`


LYMPH_NODE_SITES = frozenset(
    {MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE, MetastasisSite.NON_REGIONAL_LYMPH_NODE}
)
LYMPH_NODES_ORGAN = "lymph_nodes"


@dataclass(frozen=True)
class DistantMetastasis:
    """Distant disease at one site: the site and its number of lesions.

    For `MetastasisSite.OTHER`, `organ_detail` names the organ (for example
    "spleen"), so that two other organs count as two.
    """

    site: MetastasisSite
    lesions: int = 1
    organ_detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "site", _category(MetastasisSite, self.site, "site"))
        if isinstance(self.lesions, bool) or not isinstance(self.lesions, int) or self.lesions < 1:
            raise ValueError(f"lesions must be a whole number 1 or more, got {self.lesions!r}")
        if self.site is MetastasisSite.OTHER and not self.organ_detail.strip():
            raise ValueError("organ_detail must name the organ when site is 'other'")

    @property
    def organ(self) -> str:
        """The organ this site counts as: all distant lymph nodes are one organ."""
        if self.site in LYMPH_NODE_SITES:
            return LYMPH_NODES_ORGAN
        if self.site is MetastasisSite.OTHER:
            return f"other:{self.organ_detail.strip().casefold()}"
        return self.site.value


def m_category(metastases: Iterable[DistantMetastasis]) -> MCategory:
    """M1 when any distant metastasis (non-regional nodes included) is recorded."""
    return MCategory.M1 if any(True for _ in metastases) else MCategory.M0


def lesions_per_organ(metastases: Iterable[DistantMetastasis]) -> Mapping[str, int]:
    """Lesion counts by organ, lymph nodes together as one organ (clinical-rules.md §6.3)."""
    counts: Counter[str] = Counter()
    for metastasis in metastases:
        counts[metastasis.organ] += metastasis.lesions
    return dict(counts)


def metastatic_organ_count(metastases: Iterable[DistantMetastasis]) -> int:
    """Number of organs with distant disease; all distant lymph nodes count as one organ."""
    return len(lesions_per_organ(metastases))


def metastatic_lesion_count(metastases: Iterable[DistantMetastasis]) -> int:
    """Number of distant metastatic lesions over all sites."""
    return sum(metastasis.lesions for metastasis in metastases)


def non_regional_nodes_only(metastases: Iterable[DistantMetastasis]) -> bool:
    """True when the only distant disease is in non-regional lymph nodes (§6.3 subgroup)."""
    sites = [metastasis.site for metastasis in metastases]
    return bool(sites) and all(site in LYMPH_NODE_SITES for site in sites)


def within_oligometastatic_limits(
    metastases: Iterable[DistantMetastasis],
    *,
    max_lesions: int = 5,
    max_organs: int = 3,
    max_lesions_per_organ: int = 3,
) -> bool:
    """Whether the lesion and organ counts are within an oligometastatic definition.

    Defaults: the Chinese 2025 ESCC consensus, at most 5 lesions in at most 3
    organs and at most 3 per organ (clinical-rules.md §6.3). The consensus also
    asks that every lesion be amenable to local therapy: a clinical judgement
    this count does not make.
    """
    per_organ = lesions_per_organ(metastases)
    return (
        bool(per_organ)
        and sum(per_organ.values()) <= max_lesions
        and len(per_organ) <= max_organs
        and max(per_organ.values()) <= max_lesions_per_organ
    )
