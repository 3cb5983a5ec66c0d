"""The statisticians' design page reproduces the published reference values."""

from __future__ import annotations


def test_events_and_classic_obrien_fleming_bounds(world, as_user) -> None:
    body = (
        as_user("stat")
        .get(
            "/reports/design/",
            {
                "hazard_ratio": "0.6",
                "alpha": "0.05",
                "sided": "2",
                "power": "0.8",
                "ratio": "1",
                "looks": "2",
                "kind": "obrien_fleming",
            },
        )
        .content.decode()
    )
    # statistics-and-standards.md 3.2 and 3.4: Schoenfeld 120.32, Freedman 125.58;
    # classic O'Brien-Fleming K = 2 at one-sided 0.025: 2.7965, 1.9774.
    assert (
        '<dd class="schoenfeld">120.32</dd>' in body and '<dd class="freedman">125.58</dd>' in body
    )
    assert ">2.7965<" in body and ">1.9774<" in body


def test_bad_input_is_named_and_the_page_is_for_statisticians(world, as_user) -> None:
    body = (
        as_user("stat")
        .get(
            "/reports/design/",
            {
                "hazard_ratio": "1.5",
                "alpha": "0.05",
                "sided": "2",
                "power": "0.8",
                "ratio": "1",
                "looks": "1",
                "kind": "pocock",
            },
        )
        .content.decode()
    )
    assert 'id="id_hazard_ratio_error"' in body
    assert as_user("coord_a").get("/reports/design/").status_code == 403
