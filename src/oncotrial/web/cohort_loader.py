"""Loading a synthetic cohort (`oncotrial.design.cohort`) through the application's services.

Every record goes through the same services the web pages use, so the
platform's validation and its audit trail apply to generated data: the
screening evidence is validated by `ScreeningForm`; eligibility is signed
by the site's investigator; allocations are made by the application's own
allocator; cycles, courses, tumour assessments, adverse events and
follow-ups are stored by their services. A record the application refuses
is not forced in: it is collected in the `LoadReport` with the participant
and the application's message, and the rest of that participant's journey
is skipped.

Mapping decisions:

* Clock. Each record is entered "on the day" of the journey: while a
  record is stored, `django.utils.timezone.now` reads 10:00 site time on
  the journey's date. Allocation times, audit times and the forms' "not in
  the future" checks therefore follow the journey's calendar.
* Date shift. The generator's calendar runs to the scenario's data cut-off,
  which may lie after today. The whole cohort is shifted back by a whole
  number of weeks so that its last date (and the cut-off) is before today;
  `LoadReport.shift_days` says by how much. Ages and intervals are unchanged.
* Staff. Each site gets a demonstration coordinator and investigator
  (`coordinator-<site>`, `investigator-<site>`, password `DEMO_PASSWORD`),
  created through `oncotrial.accounts.services` when missing.
* Arms. A preference participant gets the journey's chosen arm. For a
  randomized participant the application's allocator decides; when its arm
  differs from the journey's, the journey after allocation is simulated
  again by the generator for the application's arm (same seed and
  participant index), so the course loaded is always consistent with the
  stored arm. `LoadReport.arms_resimulated` counts them.
* Screen failures: the evidence is entered, validated and the screening
  closed as a screen failure; the application records the engine's failing
  criteria, which are compared with the generator's. A candidate who
  declined consent has no evidence and no consent record.
* Tumour assessments. A participant enrolled in complete response to
  induction has no lesion at the enrolment baseline (the protocol's RECIST
  baseline): the baseline is entered declaring no evidence of disease, and
  each scan is NED until a new lesion makes it PD, as the generator's
  engines computed it.
* Signatures. Each eligibility signature re-enters the investigator's
  password; the hasher's answer for a password and stored hash is
  remembered for the load (`remembered_passwords`), since it cannot change.
* Salvage radiotherapy needs a recorded progression and an MDT decision
  recommending it; the loader records the progression on the RECIST
  progression date and the MDT decision on the day before the course
  starts (or on the progression date when the course starts that day).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TextIO
from unittest import mock
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from oncotrial.design.cohort import Cohort, Journey
from oncotrial.design.cohort import journeys as j

DEMO_PASSWORD = "oncotrial-demo-2026"
ENTRY_HOUR = 10
N_NODES = {"N0": 0, "N1": 1, "N2": 3, "N3": 7}  # a node count in each AJCC 8 N category
DEATH_CAUSES = {"disease": "disease", "progression": "disease", "treatment": "treatment"}

Progress = Callable[[int, int], None]


class ProgressBar:
    """A plain-text progress bar, redrawn in place on a terminal stream."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.started = time.perf_counter()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        if filled == self._last and done != total:
            return
        self._last = filled
        bar = "#" * filled + "-" * (self.width - filled)
        elapsed = time.perf_counter() - self.started
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total} {elapsed:.0f} s")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


@dataclasses.dataclass(frozen=True)
class Rejection:
    participant: str
    record: str
    message: str


@dataclasses.dataclass
class LoadReport:
    counts: Counter[str] = dataclasses.field(default_factory=Counter)
    rejections: list[Rejection] = dataclasses.field(default_factory=list)
    mismatches: list[Rejection] = dataclasses.field(default_factory=list)
    shift_days: int = 0
    arms_resimulated: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejections and not self.mismatches


class BeyondPlannedEnrolment(ValueError):
    """A cohort larger than the enrolment the protocol in force plans."""


class Refused(Exception):
    """A record the application refused."""

    def __init__(self, record: str, message: str) -> None:
        super().__init__(message)
        self.record, self.message = record, message


# ------------------------------------------------------------------ calendar


def _dates(value: Any) -> Iterator[dt.date]:
    if isinstance(value, dt.datetime):
        yield value.date()
    elif isinstance(value, dt.date):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _dates(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _dates(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _dates(item)


def shifted(value: Any, days: int) -> Any:
    """`value` with every date in it moved `days` earlier (frozen dataclasses are rebuilt)."""
    if not days:
        return value
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=days)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = shifted(old, days)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, Mapping):
        items = {k: shifted(v, days) for k, v in value.items()}
        return type(value)(items) if isinstance(value, dict) else items
    if isinstance(value, tuple):
        return tuple(shifted(v, days) for v in value)
    if isinstance(value, list):
        return [shifted(v, days) for v in value]
    return value


def shift_for(cohort: Cohort, today: dt.date) -> int:
    """Whole weeks that bring the cohort's last date (and the cut-off) before `today`."""
    last = max(
        [cohort.scenario.calendar.data_cutoff, *(d for jn in cohort.journeys for d in _dates(jn))]
    )
    excess = (last - today).days + 1
    return 0 if excess <= 0 else 7 * -(-excess // 7)


@contextmanager
def clock(day: dt.date, zone: str) -> Iterator[None]:
    """The application's clock reads `ENTRY_HOUR` site time on `day` while records are stored."""
    moment = dt.datetime.combine(day, dt.time(ENTRY_HOUR), ZoneInfo(zone)).astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


@contextmanager
def remembered_passwords() -> Iterator[None]:
    """Each (password, stored hash) pair is checked by the hasher once per load.

    Every eligibility signature re-enters the investigator's password, and
    one PBKDF2 check costs about 0.2 s: a third of the loading time. The answer
    for a pair never changes, so repeating it is exact; a wrong password is
    still refused, and the hasher's own check runs for every new pair.
    """
    from django.contrib.auth import base_user, hashers

    answers: dict[tuple[str, str], bool] = {}

    def check(password: str, encoded: str, setter: Any = None) -> bool:
        key = (password, encoded)
        if key not in answers:
            answers[key] = hashers.check_password(password, encoded, setter)
        return answers[key]

    with mock.patch.object(base_user, "check_password", check):
        yield


# ------------------------------------------------------------------ staff


def ensure_sites_and_staff(codes: Mapping[str, str], admin: Any = None) -> dict[str, Any]:
    """Sites (code -> name) and their demonstration coordinator and investigator.

    Returns {code: (site, coordinator, investigator)}; creates only what is missing.
    """
    from oncotrial.accounts import services as accounts
    from oncotrial.accounts.models import Site, User
    from oncotrial.accounts.roles import Role

    if admin is None:
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = accounts.create_user(
                actor=None, username="admin", password=DEMO_PASSWORD, first_name="Sun",
                last_name="Hui",
            )  # fmt: skip
            accounts.add_membership(actor=admin, user=admin, role=Role.ADMINISTRATOR, site=None)
    staff = {}
    for code, name in codes.items():
        site = Site.objects.filter(code=code).first()
        if site is None:
            site = accounts.create_site(actor=admin, site=Site(code=code, name=name, city=""))
        people = []
        for role in (Role.COORDINATOR, Role.INVESTIGATOR):
            username = f"{role.value}-{code.lower()}"
            user = User.objects.filter(username=username).first()
            if user is None:
                user = accounts.create_user(
                    actor=admin,
                    username=username,
                    password=DEMO_PASSWORD,
                    first_name=str(role.label),
                    last_name=code,
                )
            if not user.memberships.filter(role=role, site=site, active=True).exists():
                accounts.add_membership(actor=admin, user=user, role=role, site=site)
            people.append(user)
        staff[code] = (site, *people)
    return staff


# ------------------------------------------------------------------ screening


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def screening_form_data(journey: Journey) -> dict[str, Any]:
    """The screening form's fields from the journey's evidence (what a coordinator types)."""
    s = journey.screening
    e = s.evidence
    procedures = s.procedure_dates
    data: dict[str, Any] = {
        "assessment_date": min(procedures.values()).isoformat(),
        "planned_enrolment_date": e.reference_date.isoformat() if e.reference_date else "",
        "weight_kg": f"{s.weight_kg:.1f}",
        "height_cm": f"{s.height_cm:.1f}",
        "histology": e.histology.value if e.histology else "",
        "histology_method": "histology",
        "histology_date": (s.date - dt.timedelta(days=120)).isoformat(),
        "disease_setting": e.disease_setting.value if e.disease_setting else "",
        "initial_t": e.initial_t.value if e.initial_t else "",
        "initial_regional_nodes": str(N_NODES[e.initial_n.value]) if e.initial_n else "",
        "distant_metastasis_recorded": _yes_no(bool(s.metastases)),
        "metastatic_sites": [m.site.value for m in s.metastases],
        "prior_radical_radiotherapy": _yes_no(e.prior_radical_radiotherapy),
        "prior_thoracic_radiotherapy": _yes_no(e.prior_thoracic_radiotherapy),
        "recurrence_in_prior_rt_field": _yes_no(e.recurrence_in_prior_rt_field),
        "ecog": "" if e.ecog is None else str(e.ecog),
        "cga_favourable": _yes_no(e.cga_favourable),
        "lab_date": procedures["laboratory"].isoformat(),
        "expected_survival_weeks": str(e.expected_survival_weeks),
        "induction_regimen": s.induction.regimen,
        "induction_platinum": s.induction.platinum,
        "induction_pd1": s.induction.pd1,
        "induction_cycles": str(s.induction.cycles),
        "induction_response": s.induction.response,
        "other_malignancies": [m.value for m in e.other_malignancies] or ["none"],
        "prior_treatments": [p.value for p in e.prior_treatments] or ["none"],
        "active_infection": _yes_no(e.active_infection),
        "recent_events_answered": _yes_no(bool(e.serious_events)),
        "chemotherapy_drug_allergy": _yes_no(e.chemotherapy_drug_allergy),
        "autoimmune_disease": _yes_no(e.autoimmune_disease),
        "radiotherapy_unsafe": _yes_no(e.radiotherapy_unsafe),
    }
    if s.g8 is not None:
        g = s.g8
        data.update(
            g8_food_intake=g.food_intake.value,
            g8_weight_loss=g.weight_loss.value,
            g8_mobility=g.mobility.value,
            g8_neuropsychological=g.neuropsychological.value,
            g8_more_than_3_drugs=_yes_no(g.takes_more_than_3_drugs),
            g8_self_rated_health=g.self_rated_health.value,
        )
    for event in e.serious_events:
        data[f"{event.kind.value}_date"] = event.event_date.isoformat()
    if not e.other_trials:
        data["other_trial"] = "none"
    elif e.other_trials[0].ongoing:
        data["other_trial"] = "ongoing"
    else:
        data["other_trial"] = "ended"
        data["other_trial_end_date"] = e.other_trials[0].end_date.isoformat()
    labs = {
        "anc": (e.anc, None),
        "haemoglobin": (e.haemoglobin, None),
        "platelets": (e.platelets, None),
        "total_bilirubin": (e.total_bilirubin, e.bilirubin_uln),
        "alt": (e.alt, e.alt_uln),
        "ast": (e.ast, e.ast_uln),
        "creatinine": (e.creatinine, e.creatinine_uln),
    }
    for name, (value, uln) in labs.items():
        data[name] = str(value.value)
        data[f"{name}_unit"] = value.unit
        if uln is not None:
            data[f"{name}_uln"] = str(uln.value)
    return data


# ------------------------------------------------------------------ loader


class _Loader:
    def __init__(self, cohort: Cohort, staff: Mapping[str, Any], report: LoadReport) -> None:
        from oncotrial.design.cohort.course import CourseContext

        self.cohort, self.staff, self.report = cohort, staff, report
        self.index = {jn.usubjid: i for i, jn in enumerate(cohort.journeys)}
        self._course = CourseContext.of(cohort.scenario, cohort.protocol, cohort.seed)

    def zone(self, journey: Journey) -> str:
        return self.staff[journey.site][0].time_zone

    @contextmanager
    def on(self, journey: Journey, day: dt.date, record: str) -> Iterator[None]:
        """Store a record on `day`; anything the application raises becomes a refusal."""
        try:
            with clock(day, self.zone(journey)), transaction.atomic():
                yield
        except Refused:
            raise
        except Exception as exc:  # the application's refusal, whatever its type
            message = getattr(exc, "messages", None) or getattr(exc, "reasons", None) or str(exc)
            if isinstance(message, list):
                message = "; ".join(str(m) for m in message)
            raise Refused(record, f"{type(exc).__name__}: {message}") from exc
        self.report.counts[record] += 1

    # -- registration (in screening order, so screening numbers match the journeys)
    def register(self, journey: Journey) -> Any:
        from oncotrial.participants.services import register_participant

        site, coordinator, _ = self.staff[journey.site]
        with self.on(journey, journey.screening.date, "participant"):
            participant = register_participant(
                site=site,
                actor=coordinator,
                date_of_birth=journey.date_of_birth,
                sex=journey.sex,
                screening_date=journey.screening.date,
            )
            if participant.screening_number != journey.usubjid:
                self.report.mismatches.append(
                    Rejection(
                        journey.usubjid,
                        "participant",
                        f"registered as {participant.screening_number}",
                    )
                )
        return participant

    # -- screening, consent, eligibility
    def screen(self, journey: Journey, participant: Any) -> None:
        from oncotrial.consent.models import Consent
        from oncotrial.screening import services as screening
        from oncotrial.screening.forms import ScreeningForm, form_data
        from oncotrial.screening.models import Screening

        _, coordinator, investigator = self.staff[journey.site]
        s = journey.screening
        zone = ZoneInfo(self.zone(journey))
        if s.consent.given:
            with self.on(journey, s.consent.date, "consent"):
                from oncotrial.audit.services import save_record

                flags = {scope: True for scope in s.consent.optional}
                consent = Consent(
                    participant=participant,
                    document_version="1.0",
                    language="zh",
                    signed_at=dt.datetime.combine(s.consent.date, dt.time(9), zone),
                    obtained_by=coordinator,
                    **flags,
                )
                save_record(consent, actor=coordinator)
        with self.on(journey, s.date, "screening"):
            episode = screening.start_screening(participant, coordinator)
        if s.consent.given:
            with self.on(journey, s.eligibility_date, "screening evidence"):
                form = ScreeningForm(
                    form_data(screening_form_data(journey)),
                    instance=episode,
                    site_time_zone=participant.site.time_zone,
                    consent_date=screening.participant_consent_date(participant),
                )
                if not form.is_valid():
                    raise Refused("screening evidence", form.errors.as_text().replace("\n", " "))
                screening.save_evidence(form.instance, coordinator)
        day = s.eligibility_date
        if s.eligible:
            with self.on(journey, day, "eligibility signature"):
                screening.sign(episode, investigator, DEMO_PASSWORD)
            return
        with self.on(journey, day, "screen failure"):
            reason = " ".join(s.failure_reasons)[:1000]
            screening.close(episode, coordinator, Screening.Outcome.SCREEN_FAILURE, reason)
        stored = Screening.objects.get(pk=episode.pk).failed_criteria
        if list(stored) != list(s.failed_criteria):
            self.report.mismatches.append(
                Rejection(
                    journey.usubjid,
                    "screen failure",
                    f"application failed {stored}, generator {list(s.failed_criteria)}",
                )
            )

    # -- allocation
    def allocate(self, journey: Journey, participant: Any) -> Journey:
        from oncotrial.randomization import services as randomization

        _, _, investigator = self.staff[journey.site]
        a = journey.allocation
        assert a is not None
        key = uuid.uuid5(
            uuid.NAMESPACE_URL, f"oncotrial-cohort/{self.cohort.seed}/{journey.usubjid}"
        )
        with self.on(journey, a.date, "allocation"):
            allocation = randomization.allocate(
                participant=participant,
                actor=investigator,
                cohort=a.cohort,
                idempotency_key=key,
                arm=a.arm if a.cohort == "preference" else "",
                reason="Participant's preference (synthetic cohort)"
                if a.cohort == "preference"
                else "",
            )
        if allocation.arm == a.arm:
            return journey
        return self.resimulate(journey, allocation.arm)

    def resimulate(self, journey: Journey, arm: str) -> Journey:
        """The generator's journey after allocation for the arm the application gave."""
        from oncotrial.design.cohort.course import follow

        shift = self.report.shift_days
        original = self.cohort.journeys[self.index[journey.usubjid]]
        assert original.allocation is not None
        allocation = dataclasses.replace(original.allocation, arm=arm, decision=None)
        start = Journey(
            usubjid=original.usubjid,
            site=original.site,
            sex=original.sex,
            date_of_birth=original.date_of_birth,
            screening=original.screening,
            allocation=allocation,
        )
        self.report.arms_resimulated += 1
        return shifted(follow(self._course, self.index[journey.usubjid], start), shift)

    # -- the course after allocation, in date order
    def course(self, journey: Journey, participant: Any) -> None:
        events: list[tuple[dt.date, int, str, Any]] = []
        cycles: dict[int, list[j.Dose]] = {}
        for dose in journey.doses:
            cycles.setdefault(dose.cycle, []).append(dose)
        for number, doses in cycles.items():
            events.append((doses[0].date, 0, "cycle", (number, doses)))
        tumour = journey.tumour
        if tumour is not None:
            for i, assessment in enumerate(tumour.assessments):
                events.append((assessment.date, 1, "assessment", i))
            progression = tumour.recist.progression_date if tumour.recist else None
            if progression is None:
                progression = tumour.intended_progression_date
            if progression is not None and any(c.intent == "salvage" for c in journey.radiotherapy):
                events.append((progression, 2, "progression", progression))
        for course in journey.radiotherapy:
            if course.intent == "salvage":
                events.append((course.start, 3, "mdt", course))
            events.append((course.start, 4, "radiotherapy", course))
        for k, ae in enumerate(journey.adverse_events):
            events.append((ae.start, 5, "adverse event", k))
        for contact in journey.survival_contacts:
            events.append((contact.date, 6, "follow-up", contact))
        events.sort(key=lambda e: (e[0], e[1]))
        for day, _, kind, payload in events:
            getattr(self, "_" + kind.replace(" ", "_").replace("-", "_"))(
                journey, participant, day, payload
            )

    def _cycle(self, journey: Journey, participant: Any, day: dt.date, payload: Any) -> None:
        from oncotrial.design.cohort.treatment import creatinine_clearance
        from oncotrial.treatment import services as treatment
        from oncotrial.treatment.models import AgentDose, SystemicCycle

        number, doses = payload
        s = journey.screening
        _, coordinator, _ = self.staff[journey.site]
        with self.on(journey, day, "systemic cycle"):
            cycle = SystemicCycle(
                participant=participant,
                number=number - s.induction.cycles,
                given_on=day,
                regimen=s.induction.regimen,
                height_cm=Decimal(f"{s.height_cm:.1f}"),
                weight_kg=Decimal(f"{s.weight_kg:.1f}"),
                creatinine_clearance=Decimal(f"{creatinine_clearance(s):.1f}"),
            )
            rows = [
                AgentDose(agent=d.agent, prescribed_mg=mg, given_mg=mg)
                for d in doses
                for mg in [Decimal(f"{self.daily_mg(d):.1f}")]
            ]
            treatment.record_cycle(cycle, rows, coordinator)
        self.report.counts["agent dose"] += len(rows)

    def daily_mg(self, dose: j.Dose) -> float:
        """The dose a cycle row holds: mg per day for an infusion over several days.

        The application checks a dose row against the protocol's per-day range
        (mg/m2 per day); the generator's dose is the cycle's total.
        """
        if dose.planned_unit == "mg/m2/day":
            return dose.dose / self.cohort.scenario.treatment.fluorouracil_days
        return dose.dose

    def _assessment(self, journey: Journey, participant: Any, day: dt.date, i: int) -> None:
        from oncotrial.response import services as response
        from oncotrial.response.models import Lesion

        _, coordinator, _ = self.staff[journey.site]
        tumour = journey.tumour
        assert tumour is not None
        assessment = tumour.assessments[i]
        readings: dict[str, Any] = {}
        for code, reading in assessment.target.items():
            if reading is None:
                continue
            kind = str(reading.kind.value)
            if kind == "measured":
                mm = reading.mm
                readings[code] = int(mm) if mm == int(mm) else float(mm)
            else:
                readings[code] = kind
        non_target = None
        if assessment.non_target is not None:
            non_target = {"NON_CR_NON_PD": "non_CR_non_PD"}.get(
                str(assessment.non_target), str(assessment.non_target)
            )
        draft = response.Draft(day, readings, non_target, str(assessment.new_lesions.value))
        with self.on(journey, day, "tumour assessment"):
            if i == 0:
                # After a complete response to induction the baseline reader finds no
                # disease and says so; the participant is followed for new lesions.
                draft.no_disease = not any(
                    lesion.role.value in ("target", "non_target") for lesion in tumour.lesions
                )
                lesions = [
                    Lesion(
                        code=lesion.id,
                        role=lesion.role.value,
                        organ=lesion.organ,
                        nodal=lesion.nodal,
                        previously_irradiated=lesion.previously_irradiated,
                        progressed_after_irradiation=lesion.progressed_after_irradiation,
                    )
                    for lesion in tumour.lesions
                    if lesion.role.value in ("target", "non_target")
                ]
                response.record_baseline(participant, coordinator, lesions, draft)
            else:
                response.record_follow_up(participant, coordinator, draft)

    def _progression(self, journey: Journey, participant: Any, day: dt.date, _: Any) -> None:
        from oncotrial.treatment import services as treatment
        from oncotrial.treatment.models import Progression

        _, _, investigator = self.staff[journey.site]
        with self.on(journey, day, "progression"):
            treatment.record(
                Progression(participant=participant, progressed_on=day, basis="recist"),
                investigator,
            )

    def _mdt(self, journey: Journey, participant: Any, day: dt.date, course: Any) -> None:
        from oncotrial.treatment import services as treatment
        from oncotrial.treatment.models import MdtDecision

        _, _, investigator = self.staff[journey.site]
        progressed = [p.progressed_on for p in participant.progressions.all() if p.progressed_on]
        decided = day - dt.timedelta(days=1)
        if progressed and decided < max(progressed):
            decided = max(progressed)
        with self.on(journey, decided, "MDT decision"):
            treatment.record(
                MdtDecision(
                    participant=participant,
                    decided_on=decided,
                    disciplines=["radiation_oncology", "medical_oncology", "radiology"],
                    recommends_salvage_radiotherapy=True,
                    decision="Salvage radiotherapy to the progressing sites",
                    rationale="Progression after chemo-immunotherapy (synthetic cohort)",
                ),
                investigator,
            )

    def _radiotherapy(self, journey: Journey, participant: Any, day: dt.date, c: Any) -> None:
        from oncotrial.treatment import services as treatment
        from oncotrial.treatment.models import RadiotherapyCourse, RadiotherapyTarget

        _, _, investigator = self.staff[journey.site]
        targets = []
        for t in c.targets:
            if t.fractions < 1:
                continue
            regional = t.location in ("primary", "regional_nodes")
            targets.append(
                RadiotherapyTarget(
                    target=t.location if regional else "metastasis",
                    organ="" if regional else t.location,
                    total_dose_gy=Decimal(f"{t.total_gy:.2f}"),
                    fractions=t.fractions,
                    technique="imrt" if regional or t.fractions > 8 else "sbrt",
                )
            )
        with self.on(journey, c.end, "radiotherapy course"):
            course = RadiotherapyCourse(
                participant=participant,
                intent=c.intent,
                started_on=c.start,
                ended_on=c.end,
                completed=c.completed,
            )
            try:
                treatment.record_course(course, targets, investigator)
            except treatment.BreaksProtocol:
                if not self.early_stop(journey, c):
                    raise
                given = len({d.cycle for d in journey.doses})
                reason = (
                    f"Consolidation after {given} systemic cycles: systemic therapy was "
                    "stopped early (synthetic cohort)."
                )
                treatment.record_course(course, targets, investigator, deviation_reason=reason)
                self.report.counts["protocol deviation"] += 1
        self.report.counts["radiotherapy target"] += len(targets)

    def early_stop(self, journey: Journey, course: j.RadiotherapyCourse) -> bool:
        """Whether a consolidation course follows fewer cycles than the protocol plans."""
        from oncotrial.treatment.services import planned_cycles

        given = len({d.cycle for d in journey.doses if d.date <= course.start})
        return course.intent == "consolidation" and given < planned_cycles()

    def _adverse_event(self, journey: Journey, participant: Any, day: dt.date, k: int) -> None:
        from oncotrial.clinical import ctcae
        from oncotrial.safety import services as safety
        from oncotrial.safety.models import AdverseEvent, Attribution

        _, _, investigator = self.staff[journey.site]
        ae = journey.adverse_events[k]
        term = ctcae.get_term(ae.term)
        zone = ZoneInfo(self.zone(journey))
        received = {d.category: d.agent for d in journey.doses if d.date <= ae.start}
        chemo = sorted({d.agent for d in journey.doses if d.category == "chemotherapy"})
        with self.on(journey, ae.end or ae.start, "adverse event"):
            event = AdverseEvent(
                participant=participant,
                term=term.name,
                meddra_code=term.meddra_code,
                soc=term.soc,
                grade=ae.grade,
                onset_on=ae.start,
                resolved_on=ae.end,
                seriousness=list(ae.seriousness),
                aware_at=dt.datetime.combine(ae.start, dt.time(ENTRY_HOUR), zone)
                if ae.serious
                else None,
                expected=True if ae.serious else None,
                immune_related=ae.immune,
                outcome="fatal" if ae.grade == 5 else ("recovered" if ae.end else "not_recovered"),
            )
            attributions = []
            for exposure, value in ae.attribution.items():
                if not value:
                    continue
                if exposure == "radiotherapy":
                    names = ["radiotherapy"]
                elif exposure == "chemotherapy":
                    names = [a for a in chemo if "chemotherapy" in received] or chemo
                else:
                    names = [received.get("pd1", journey.screening.induction.pd1)]
                attributions += [Attribution(intervention=n, attribution=value) for n in names]
            safety.record_event(event, attributions, investigator)
        self.report.counts["attribution"] += len(attributions)

    def _follow_up(self, journey: Journey, participant: Any, day: dt.date, contact: Any) -> None:
        from oncotrial.treatment import services as treatment
        from oncotrial.treatment.models import FollowUp

        _, coordinator, _ = self.staff[journey.site]
        dead = contact.status == "DEAD"
        outcome = journey.outcome
        cause = ""
        if dead and outcome is not None:
            cause = DEATH_CAUSES.get(outcome.death_cause, "other" if outcome.death_cause else "")
            cause = cause or "unknown"
        with self.on(journey, day, "follow-up"):
            treatment.record(
                FollowUp(
                    participant=participant,
                    contact_on=day,
                    status="dead" if dead else "alive",
                    last_known_alive=None if dead else day,
                    death_on=day if dead else None,
                    death_cause=cause,
                ),
                coordinator,
            )

    def compare_responses(self, journey: Journey, participant: Any) -> None:
        """The stored computed responses against the generator's RECIST results."""
        tumour = journey.tumour
        if tumour is None or tumour.recist is None:
            return
        stored = [
            (a.computed or {}).get("overall")
            for a in participant.tumour_assessments.filter(voided_at__isnull=True).order_by(
                "assessed_on"
            )
        ]
        expected = [
            None if tp.overall is None else str(tp.overall) for tp in tumour.recist.timepoints
        ]
        if stored != expected:
            self.report.mismatches.append(
                Rejection(journey.usubjid, "tumour response", f"stored {stored}, engine {expected}")
            )


def load_cohort(
    cohort: Cohort,
    *,
    sites: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Load every journey of `cohort` through the application's services.

    `sites` maps the scenario's site codes to (Site, coordinator, investigator);
    by default they are created or found with `ensure_sites_and_staff`.
    `progress(done, total)` is called after each screened candidate.
    Raises `BeyondPlannedEnrolment`, before anything is stored, for a cohort
    larger than the protocol's target enrolment.
    """
    from oncotrial.randomization import services as randomization
    from oncotrial.trial.current import current_protocol
    from oncotrial.trial.services import ensure_protocol_version

    # The allocation sequence is committed for the planned enrolment: past it the
    # application rightly refuses to randomize. An in-silico trial of n
    # participants is a trial planning n, so it runs under such a protocol.
    planned = current_protocol().trial.target_enrolment
    if len(cohort.participants) > planned:
        raise BeyondPlannedEnrolment(
            f"The protocol in force plans {planned} participants ([trial] target_enrolment); "
            f"this cohort allocates {len(cohort.participants)}. Load it under a protocol "
            "that plans at least as many (ONCOTRIAL_PROTOCOL=FILE): the allocation "
            "sequence is committed for the planned enrolment."
        )
    started = time.perf_counter()
    report = LoadReport()
    ensure_protocol_version()
    if sites is None:
        sites = ensure_sites_and_staff({s.code: s.name for s in cohort.scenario.sites})
    report.shift_days = shift_for(cohort, today or dt.date.today())
    journeys = [shifted(jn, report.shift_days) for jn in cohort.journeys]
    loader = _Loader(cohort, sites, report)
    investigator = next(iter(sites.values()))[2]
    randomization.ensure_scheme(investigator)

    with remembered_passwords():
        _load(loader, journeys, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _load(
    loader: _Loader, journeys: list[Journey], report: LoadReport, progress: Progress | None
) -> None:
    """Register every candidate in screening order, then follow each journey."""
    total = len(journeys)
    participants: dict[str, Any] = {}
    failed: set[str] = set()
    for jn in sorted(journeys, key=lambda x: (x.screening.date, x.usubjid)):
        try:
            participants[jn.usubjid] = loader.register(jn)
        except Refused as refused:
            failed.add(jn.usubjid)
            report.rejections.append(Rejection(jn.usubjid, refused.record, refused.message))

    def order(x: Journey) -> tuple[dt.date, int, int]:
        if x.allocation is None:
            return (x.screening.eligibility_date, 0, 0)
        return (x.allocation.date, 1, x.allocation.sequence)

    for done, jn in enumerate(sorted(journeys, key=order), start=1):
        if jn.usubjid not in failed:
            participant = participants[jn.usubjid]
            try:
                loader.screen(jn, participant)
                if jn.allocation is not None:
                    jn = loader.allocate(jn, participant)
                    loader.course(jn, participant)
                    loader.compare_responses(jn, participant)
            except Refused as refused:
                report.rejections.append(Rejection(jn.usubjid, refused.record, refused.message))
        if progress is not None:
            progress(done, total)
