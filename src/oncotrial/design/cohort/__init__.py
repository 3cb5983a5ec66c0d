"""Synthetic ESO-RT cohorts: seeded participant journeys from a scenario file (issue 9).

Pure: no Django. `generate_cohort(scenario, n, seed, progress=None)` returns
a `Cohort` whose `journeys` are plain dataclasses and whose `tables()` are
the platform's tidy per-domain tables. Every decision a platform engine owns
is made by that engine: eligibility (`protocol.eligibility`), allocation
(`allocation`), tumour response (`clinical.recist`, `clinical.irecist`),
CTCAE terms and grades (`clinical.ctcae`), doses (`clinical.dosing`).

Modules, one job each:

* `scenario`: the scenario's typed, checked models;
* `scenario_file`: reading scenario files, problems by key (`load_scenario`, `default_scenario`);
* `draws`: the seeded random streams;
* `calendar`: accrual dates and the protocol's visits;
* `screening`: candidates, their evidence and the eligibility verdict;
* `assignment`: randomized / preference cohorts and the allocator;
* `survival`: latent event times, observation, contacts, dispositions;
* `lesions`: enrolment lesions; `scans`: the assessment schedule;
* `tumour`: measurements that give the simulated responses, and the engines;
* `treatment`: systemic cycles and doses; `radiotherapy`: courses;
* `safety`: adverse events; `specimens`: biospecimens;
* `course`: one participant's course after allocation;
* `generator`: `generate_cohort` and `Cohort`;
* `tidy_export`: journeys as tidy tables;
* `journeys`: the records themselves.
"""

from oncotrial.design.cohort.generator import Cohort, Progress, generate_cohort
from oncotrial.design.cohort.journeys import Journey
from oncotrial.design.cohort.scenario import Scenario
from oncotrial.design.cohort.scenario_file import (
    ScenarioError,
    default_scenario,
    load_scenario,
    named_scenario,
    parse_scenario,
    scenario_from_dict,
)

__all__ = [
    "Cohort",
    "Journey",
    "Progress",
    "Scenario",
    "ScenarioError",
    "default_scenario",
    "generate_cohort",
    "load_scenario",
    "named_scenario",
    "parse_scenario",
    "scenario_from_dict",
]
