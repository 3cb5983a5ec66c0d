"""Enrolment lesions: the participant's disease as RECIST target and non-target lesions.

This module owns the step from the disease recorded at screening (primary
tumour, regional nodes, distant metastases) to the lesions followed after
allocation: targets chosen largest first within the 5-total / 2-per-organ
limits, using the engine's organ grouping and measurability thresholds
(`oncotrial.clinical.recist_lesions`, rules §2.1-§2.2), bone lesions and
the rest as non-targets, and lesions in the consolidation radiotherapy
field flagged (rules §2.10). A participant with a complete response to
induction has no lesion left.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from oncotrial.clinical.recist_lesions import (
    MAX_TARGETS,
    MAX_TARGETS_PER_ORGAN,
    Lesion,
    Role,
    minimum_measurable_mm,
    organ_group,
)
from oncotrial.clinical.recist_settings import ResponseSettings
from oncotrial.clinical.staging import LYMPH_NODE_SITES, MetastasisSite, NCategory
from oncotrial.design.cohort.draws import chance, days
from oncotrial.design.cohort.journeys import Screening
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.protocol.eligibility import DiseaseSetting

_ORGAN_NAMES = {
    MetastasisSite.SUPRACLAVICULAR_LYMPH_NODE: "supraclavicular lymph node",
    MetastasisSite.NON_REGIONAL_LYMPH_NODE: "abdominal lymph node",
}


@dataclass(frozen=True)
class _Site:
    organ: str
    nodal: bool
    mm: int
    may_be_target: bool
    location: str  # radiotherapy location the lesion lies in


def baseline_lesions(
    rng: np.random.Generator,
    scenario: Scenario,
    screening: Screening,
    settings: ResponseSettings,
    irradiated: frozenset[str],
) -> tuple[tuple[Lesion, ...], dict[str, int]]:
    """The enrolment lesions and the baseline diameters of the targets (mm).

    No lesions when induction gave a complete response: no disease is left.
    `irradiated` are the consolidation radiotherapy locations (empty in the
    salvage arm); lesions there are flagged as planned for irradiation.
    """
    sites = _disease_sites(rng, scenario, screening)
    if screening.induction.response == "CR":
        return (), {}
    targets: list[tuple[Lesion, int]] = []
    non_targets: list[Lesion] = []
    per_organ: Counter[str] = Counter()
    for site in sorted(sites, key=lambda s: -s.mm):  # largest first (rules §2.2)
        planned = site.location in irradiated
        lesion = Lesion("", Role.TARGET, site.organ, site.nodal, planned_irradiation=planned)
        group = organ_group(site.organ, site.nodal)
        eligible = (
            site.may_be_target
            and site.mm >= minimum_measurable_mm(lesion)
            and not (planned and settings.irradiated_targets == "exclude")
            and len(targets) < MAX_TARGETS
            and per_organ[group] < MAX_TARGETS_PER_ORGAN
        )
        if eligible:
            per_organ[group] += 1
            targets.append((replace(lesion, id=f"T{len(targets) + 1}"), site.mm))
        else:
            non_targets.append(
                replace(lesion, id=f"NT{len(non_targets) + 1}", role=Role.NON_TARGET)
            )
    lesions = tuple([lesion for lesion, _ in targets] + non_targets)
    return lesions, {lesion.id: mm for lesion, mm in targets}


def _disease_sites(
    rng: np.random.Generator, scenario: Scenario, screening: Screening
) -> list[_Site]:
    tumour = scenario.tumour
    evidence = screening.evidence
    sites: list[_Site] = []
    if evidence.disease_setting is DiseaseSetting.INITIAL_DIAGNOSIS:
        target = chance(rng, tumour.primary_target_share)
        sites.append(
            _Site("oesophagus", False, days(rng, tumour.primary_diameter_mm), target, "primary")
        )
        if evidence.initial_n not in (None, NCategory.N0, NCategory.NX):
            sites.append(
                _Site(
                    "mediastinal lymph node",
                    True,
                    days(rng, tumour.node_short_axis_mm),
                    True,
                    "regional_nodes",
                )
            )
    for metastasis in screening.metastases:
        nodal = metastasis.site in LYMPH_NODE_SITES
        organ = _ORGAN_NAMES.get(metastasis.site, metastasis.site.value)
        location = "non_regional_nodes" if nodal else metastasis.organ
        for _ in range(metastasis.lesions):
            size = tumour.node_short_axis_mm if nodal else tumour.lesion_diameter_mm
            # Bone lesions are followed as non-targets (rules §2.1).
            may_be_target = metastasis.site is not MetastasisSite.BONE
            sites.append(_Site(organ, nodal, days(rng, size), may_be_target, location))
    return sites
