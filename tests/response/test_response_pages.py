"""Tumour response: baseline selection, follow-ups, responses computed and stored."""

from __future__ import annotations

from oncotrial.response.models import Lesion, TumourAssessment


def _url(world) -> str:
    return f"/response/participants/{world.participant_a.pk}/"


def _baseline(rows, date="2024-03-01"):
    data = {"action": "baseline", "assessed_on": date}
    for i, (code, role, organ, nodal, mm) in enumerate(rows):
        data.update({f"code_{i}": code, f"role_{i}": role, f"organ_{i}": organ, f"mm_{i}": mm})
        if nodal:
            data[f"nodal_{i}"] = "on"
    return data


TWO_TARGETS = [("T1", "target", "liver", False, "30"), ("T2", "target", "lung", False, "20")]


def _follow_up(date, t1, t2, new="none"):
    return {"action": "followup", "assessed_on": date, "mm_T1": t1, "mm_T2": t2, "new_lesions": new}


def test_baseline_then_partial_response_then_progression(world, as_user) -> None:
    client = as_user("coord_a")
    assert client.post(_url(world), _baseline(TWO_TARGETS)).status_code == 302
    assert sorted(Lesion.objects.values_list("code", flat=True)) == ["T1", "T2"]
    # 50 -> 35 mm is exactly -30 %: PR.
    client.post(_url(world), _follow_up("2024-04-12", "21", "14"))
    # nadir 35 -> 42 mm is exactly +20 % and +7 mm: PD.
    client.post(_url(world), _follow_up("2024-05-24", "25", "17"))
    stored = list(
        TumourAssessment.objects.order_by("assessed_on").values_list("computed", flat=True)
    )
    assert [s["overall"] for s in stored[1:]] == ["PR", "PD"]
    assert [s["sum_mm"] for s in stored] == [50, 35, 42]
    page = client.get(_url(world)).content.decode()
    assert "Best overall response" in page and '<strong class="bor">PR</strong>' in page
    assert "2024-05-24" in page  # the progression date


def test_the_preview_shows_the_response_before_saving(world, as_user) -> None:
    client = as_user("coord_a")
    client.post(_url(world), _baseline(TWO_TARGETS))
    body = client.post(
        _url(world) + "preview/", _follow_up("2024-04-12", "21", "14")
    ).content.decode()
    assert 'data-overall="PR"' in body
    assert TumourAssessment.objects.count() == 1


def test_selection_rules_are_named(world, as_user) -> None:
    client = as_user("coord_a")
    six = [
        (f"T{i}", "target", organ, False, "20")
        for i, organ in enumerate(["liver", "lung", "bone", "brain", "adrenal", "pleura"], 1)
    ]
    body = client.post(_url(world), _baseline(six)).content.decode()
    assert "at most 5" in body
    three = [(f"T{i}", "target", "liver", False, "20") for i in range(1, 4)]
    assert "at most 2" in client.post(_url(world), _baseline(three)).content.decode()
    node = [("T1", "target", "mediastinal node", True, "12")]
    assert "15" in client.post(_url(world), _baseline(node)).content.decode()
    assert not Lesion.objects.exists()


def test_bad_sizes_and_dates_are_refused(world, as_user) -> None:
    client = as_user("coord_a")
    body = client.post(
        _url(world), _baseline([("T1", "target", "liver", False, "600")])
    ).content.decode()
    assert "A diameter is 0 to 500 mm." in body
    body = client.post(_url(world), _baseline(TWO_TARGETS, date="2999-01-01")).content.decode()
    assert "cannot be in the future" in body
    assert not TumourAssessment.objects.exists()


def test_a_differing_investigator_assessment_needs_a_reason_and_both_are_kept(
    world, as_user
) -> None:
    client = as_user("coord_a")
    client.post(_url(world), _baseline(TWO_TARGETS))
    client.post(_url(world), _follow_up("2024-04-12", "21", "14"))
    follow_up = TumourAssessment.objects.order_by("assessed_on").last()
    body = client.post(
        _url(world),
        {"action": "investigator", "assessment": follow_up.pk, "overall": "SD", "reason": ""},
    ).content.decode()
    assert "Give the reason for the differing assessment." in body
    client.post(
        _url(world),
        {
            "action": "investigator",
            "assessment": follow_up.pk,
            "overall": "SD",
            "reason": "Radiation oesophagitis mimics",
        },
    )
    follow_up.refresh_from_db()
    assert follow_up.investigator_overall == "SD" and follow_up.computed["overall"] == "PR"


def test_monitors_read_but_cannot_enter(world, as_user) -> None:
    client = as_user("monitor_a")
    assert client.get(_url(world)).status_code == 200
    assert client.post(_url(world), _baseline(TWO_TARGETS)).status_code == 403


def test_irecist_follows_a_declared_new_lesion_from_iupd_to_icpd(world, as_user) -> None:
    client = as_user("coord_a")
    client.post(_url(world), _baseline(TWO_TARGETS))
    # A new measurable lesion: RECIST 1.1 progression, iRECIST unconfirmed progression.
    first = _follow_up("2024-04-12", "30", "20")
    first.update(
        {"nl_code_0": "N1", "nl_role_0": "new_target", "nl_organ_0": "lung", "nl_mm_0": "12"}
    )
    assert client.post(_url(world), first).status_code == 302
    # Five weeks later the new lesion has grown by 8 mm: iUPD confirmed as iCPD.
    second = _follow_up("2024-05-17", "30", "20")
    second["mm_N1"] = "20"
    assert client.post(_url(world), second).status_code == 302
    rows = list(TumourAssessment.objects.order_by("assessed_on"))
    assert [r.computed["overall"] for r in rows[1:]] == ["PD", "PD"]
    assert [r.computed_irecist["overall"] for r in rows[1:]] == ["iUPD", "iCPD"]
    page = client.get(_url(world)).content.decode()
    assert '<strong class="ipfs">2024-04-12</strong>' in page  # iPFS dates from the iUPD
    assert Lesion.objects.get(code="N1").first_seen.isoformat() == "2024-04-12"


def test_a_baseline_without_disease_must_be_declared_then_new_lesions_are_followed(
    world, as_user
) -> None:
    client = as_user("coord_a")
    body = client.post(_url(world), _baseline([])).content.decode()
    assert "Enter at least one lesion" in body and not TumourAssessment.objects.exists()
    declared = {**_baseline([]), "no_disease": "on"}
    assert client.post(_url(world), declared).status_code == 302
    assert not Lesion.objects.exists()
    client.post(_url(world), _follow_up("2024-04-12", "", ""))
    client.post(_url(world), _follow_up("2024-05-24", "", "", new="unequivocal"))
    stored = TumourAssessment.objects.order_by("assessed_on").values_list("computed", flat=True)
    assert [s.get("overall") for s in stored] == [None, "NED", "PD"]
    page = client.get(_url(world)).content.decode()
    assert "2024-05-24" in page  # the progression date
    # With lesions listed, the declaration is refused by the engine, naming the rule.
    body = (
        as_user("coord_b")
        .post(
            f"/response/participants/{world.participant_b.pk}/",
            {**_baseline(TWO_TARGETS), "no_disease": "on"},
        )
        .content.decode()
    )
    assert "No evidence of disease is declared" in body
