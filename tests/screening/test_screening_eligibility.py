"""Screening: every criterion evaluated from recorded evidence, signed, failed, logged."""

from __future__ import annotations

import pytest
from tests.conftest import ELIGIBLE_EVIDENCE, PASSWORD

from oncotrial.audit.models import AuditEvent
from oncotrial.screening.models import EligibilitySignature, Screening


def _url(world, suffix: str = "") -> str:
    return f"/screening/{world.screening_a.pk}/{suffix}"


def _save(client, world, **changes):
    return client.post(_url(world), {**ELIGIBLE_EVIDENCE, **changes})


def _status(client, world, **changes) -> str:
    return client.post(_url(world, "status/"), {**ELIGIBLE_EVIDENCE, **changes}).content.decode()


def test_complete_evidence_makes_the_candidate_eligible(world, as_user) -> None:
    client = as_user("coord_a")
    assert _save(client, world).status_code == 302
    body = client.get(_url(world)).content.decode()
    assert "eligible" in body and "not eligible" not in body
    assert "AJCC 8 clinical stage IVB" in body  # M1 (supraclavicular node) -> IVB
    screening = Screening.objects.get(pk=world.screening_a.pk)
    assert screening.ecog == 1 and screening.metastatic_sites == [
        "supraclavicular_lymph_node",
        "liver",
    ]


def test_the_status_follows_what_is_typed_without_storing_it(world, as_user) -> None:
    client = as_user("coord_a")
    body = _status(client, world, ecog="2")
    assert "not eligible" in body
    assert 'data-criterion="I3"' in body and "ECOG 2, above the maximum of 1" in body
    assert Screening.objects.get(pk=world.screening_a.pk).ecog is None


def test_missing_evidence_is_named(world, as_user) -> None:
    body = _status(as_user("coord_a"), world, ecog="", anc="")
    assert "evidence missing" in body
    assert "Still needed: ECOG performance status" in body
    assert "absolute neutrophil count" in body


@pytest.mark.parametrize(
    ("changes", "criterion", "text"),
    [
        ({"induction_cycles": "5"}, "I8", "5 induction cycles, outside 2 to 4"),
        ({"induction_cycles": "1"}, "I8", "1 induction cycles, outside 2 to 4"),
        ({"induction_response": "SD"}, "I8", "response SD, not one of CR, PR"),
        (
            {"metastatic_sites": [], "distant_metastasis_recorded": "false", "initial_t": "T4b"},
            "I2",
            "not IVB",
        ),
        ({"anc": "1.4"}, "I4", "neutrophil"),
        ({"radiotherapy_unsafe": "true"}, "E6", "judges radiotherapy unsafe"),
    ],
)
def test_each_failing_criterion_is_named(world, as_user, changes, criterion, text) -> None:
    body = _status(as_user("coord_a"), world, **changes)
    assert "not eligible" in body
    block = body.split(f'data-criterion="{criterion}"')[1].split("</li>")[0]
    assert text in block


def test_t4b_n1_m0_is_stage_iva_and_fails_i2(world, as_user) -> None:
    body = _status(
        as_user("coord_a"),
        world,
        initial_t="T4b",
        distant_metastasis_recorded="false",
        metastatic_sites=[],
    )
    assert "AJCC 8 clinical stage IVA" in body
    assert "I2: initial clinical stage M0, not IVB" in body


def test_boundaries_pass_at_the_limit(world, as_user) -> None:
    body = _status(as_user("coord_a"), world, anc="1.5", induction_cycles="4", ecog="1")
    assert "not eligible" not in body and "evidence missing" not in body


def test_investigator_signs_with_password_and_a_change_voids_the_signature(world, as_user) -> None:
    client = as_user("coord_a")
    _save(client, world)
    client = as_user("inv_a")
    refused = client.post(_url(world, "sign/"), {"password": "wrong"}, follow=True)
    assert "The password is not correct" in refused.content.decode()
    assert not EligibilitySignature.objects.exists()
    client.post(_url(world, "sign/"), {"password": PASSWORD})
    signature = EligibilitySignature.objects.get()
    assert signature.signed_by == world.users["inv_a"] and signature.meaning.startswith("I confirm")
    assert "Signed by" in client.get(_url(world)).content.decode()

    # A change of an entered value needs a reason, and voids the signature.
    no_reason = _save(client, world, ecog="0")
    assert 'id="id_reason_error"' in no_reason.content.decode()
    _save(client, world, ecog="0", reason="ECOG re-assessed")
    signature.refresh_from_db()
    assert signature.is_voided and "ecog" in signature.void_reason
    page = client.get(_url(world)).content.decode()
    assert "is void" in page and "Signed by" not in page
    actions = list(
        AuditEvent.objects.filter(record_type="screening.eligibilitysignature").values_list(
            "action", flat=True
        )
    )
    assert actions == ["create", "void"]
    assert AuditEvent.objects.filter(
        action="sign", changes__result="refused: wrong password"
    ).exists()


def test_only_an_eligible_candidate_can_be_signed_and_only_by_an_investigator(
    world, as_user
) -> None:
    client = as_user("coord_a")
    _save(client, world, ecog="2")
    assert client.post(_url(world, "sign/"), {"password": PASSWORD}).status_code == 404
    refused = as_user("inv_a").post(_url(world, "sign/"), {"password": PASSWORD}, follow=True)
    assert "Only an eligible participant" in refused.content.decode()
    assert not EligibilitySignature.objects.exists()


def test_screen_failure_records_the_failed_criteria_and_rescreening_opens_a_new_episode(
    world, as_user
) -> None:
    client = as_user("coord_a")
    _save(client, world, ecog="2")
    client.post(_url(world, "close/"), {"outcome": "screen_failure", "reason": ""})
    screening = Screening.objects.get(pk=world.screening_a.pk)
    assert screening.outcome == "screen_failure" and screening.failed_criteria == ["I3"]
    log = client.get("/screening/log/").content.decode()
    assert "I3" in log and "ECOG performance status 0 or 1" in log
    assert "BBB2" not in log

    client.post(f"/screening/participants/{world.participant_a.pk}/")
    second = Screening.objects.filter(participant=world.participant_a).order_by("-number").first()
    assert second.number == 2 and second.is_open and second.ecog is None


def test_a_screen_failure_needs_a_failing_criterion(world, as_user) -> None:
    client = as_user("coord_a")
    _save(client, world)
    body = client.post(
        _url(world, "close/"), {"outcome": "screen_failure"}, follow=True
    ).content.decode()
    assert "needs a criterion that is not met" in body
    assert Screening.objects.get(pk=world.screening_a.pk).is_open


def test_declining_needs_a_reason_and_is_logged(world, as_user) -> None:
    client = as_user("coord_a")
    client.post(_url(world, "close/"), {"outcome": "declined", "reason": ""})
    assert Screening.objects.get(pk=world.screening_a.pk).is_open
    client.post(
        _url(world, "close/"), {"outcome": "declined", "reason": "Prefers treatment nearer home"}
    )
    assert "Prefers treatment nearer home" in client.get("/screening/log/").content.decode()


def test_bad_input_is_refused_with_the_field_and_rule_and_nothing_is_lost(world, as_user) -> None:
    client = as_user("coord_a")
    body = _save(
        client, world, haemoglobin="9.5", histology_date="2999-01-01", weight_kg="620"
    ).content.decode()
    assert 'id="id_haemoglobin_error"' in body and "outside the possible range 20–250 g/L" in body
    assert 'id="id_histology_date_error"' in body and "cannot be in the future" in body
    assert 'id="id_weight_kg_error"' in body
    assert 'value="9.5"' in body and 'value="2.1"' in body  # what was typed comes back
    assert Screening.objects.get(pk=world.screening_a.pk).haemoglobin is None


def test_no_study_procedure_before_consent(world, as_user) -> None:
    body = _save(as_user("coord_a"), world, assessment_date="2024-01-10").content.decode()
    assert 'id="id_assessment_date_error"' in body and "cannot precede consent" in body


def test_withdrawn_consent_fails_i7(world, as_user) -> None:
    client = as_user("coord_a")
    _save(client, world)
    client.post(
        f"/consent/{world.consent_a.pk}/withdraw/",
        {"withdrawn_on": "2024-01-30", "scope": "treatment", "reason": "Changed mind"},
    )
    block = (
        client.get(_url(world)).content.decode().split('data-criterion="I7"')[1].split("</li>")[0]
    )
    assert "informed consent not provided" in block
