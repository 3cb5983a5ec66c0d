"""CTCAE v5.0 terms load from the shipped NCI file, with the grades it defines."""

from __future__ import annotations

import csv
import hashlib
from importlib import resources
from pathlib import Path

import pytest

from oncotrial.clinical import ctcae
from oncotrial.clinical.ctcae import GradeNotDefinedError, Term, UnknownTermError

DATA = resources.files("oncotrial.clinical").joinpath("data")
SHARED_CSV = Path("/work/shared/data/ctcae_v5.0.csv")
CSV_SHA256 = "daddbdf0e23ed8eb189931feacbf19984c7edb70da623f3aeee53061cb153ef9"


def raw_rows() -> list[dict[str, str]]:
    """The packaged CSV read independently of the module under test."""
    with DATA.joinpath("ctcae_v5.0.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_packaged_file_is_the_nci_file_unchanged() -> None:
    data = DATA.joinpath("ctcae_v5.0.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == CSV_SHA256
    if SHARED_CSV.exists():  # the copy the project was given, when present
        assert data == SHARED_CSV.read_bytes()


def test_readme_states_source_and_checksum() -> None:
    readme = " ".join(DATA.joinpath("README.md").read_text(encoding="utf-8").split())
    assert "public domain" in readme
    assert CSV_SHA256 in readme
    assert "not published or endorsed by the NCI" in readme


def test_loader_reads_all_837_terms() -> None:
    terms = ctcae.terms()
    assert len(terms) == 837
    assert len({t.meddra_code for t in terms}) == 837
    assert len(ctcae.socs()) == 26
    assert all(isinstance(t, Term) for t in terms)


def test_every_term_matches_its_row() -> None:
    rows = raw_rows()
    assert len(rows) == 837
    for term, row in zip(ctcae.terms(), rows, strict=True):
        assert term.meddra_code == row["MedDRA Code"]
        assert term.soc == row["MedDRA SOC"]
        assert term.name == row["CTCAE Term"]
        expected = tuple(g for g in range(1, 6) if row[f"Grade {g}"] != "-")
        assert term.allowed_grades == expected, term.name
        for grade in range(1, 6):
            text = row[f"Grade {grade}"]
            assert term.grade_description(grade) == (None if text == "-" else text)


@pytest.mark.parametrize(
    ("name", "grades"),
    [
        ("Anemia", (1, 2, 3, 4, 5)),  # all five grades
        ("Esophagitis", (1, 2, 3, 4, 5)),
        ("Febrile neutropenia", (3, 4, 5)),  # no grade 1 (nor 2)
        ("Esophageal perforation", (2, 3, 4, 5)),  # no grade 1
        ("Nausea", (1, 2, 3)),  # no grade 4 or 5 (§4.1)
        ("Fatigue", (1, 2, 3)),
        ("Neutrophil count decreased", (1, 2, 3, 4)),  # no grade 5
        ("Peripheral sensory neuropathy", (1, 2, 3, 4)),
        ("Rash maculo-papular", (1, 2, 3)),
        ("Hepatic failure", (3, 4, 5)),
        ("Cardiac troponin I increased", (1, 3)),  # not contiguous
        ("Death NOS", (5,)),
        ("Alopecia", (1, 2)),
    ],
)
def test_allowed_grades_match_the_file(name: str, grades: tuple[int, ...]) -> None:
    assert ctcae.allowed_grades(name) == grades
    row = next(r for r in raw_rows() if r["CTCAE Term"] == name)
    assert grades == tuple(g for g in range(1, 6) if row[f"Grade {g}"] != "-")


def test_term_fields() -> None:
    anemia = ctcae.term_by_name("Anemia")
    assert anemia.meddra_code == "10002272"
    assert anemia.soc == "Blood and lymphatic system disorders"
    assert (
        anemia.grades[0] == "Hemoglobin (Hgb) <LLN - 10.0 g/dL; <LLN - 6.2 mmol/L; <LLN - 100 g/L"
    )
    assert anemia.definition is not None
    assert anemia.definition.startswith("A disorder characterized by a reduction")
    assert anemia.navigational_note is None
    assert anemia.change_note == "Clarification: Definition"
    alt = ctcae.term_by_name("Alanine aminotransferase increased")
    assert alt.navigational_note == "Also consider Hepatobiliary disorders: Hepatic failure"
    other = ctcae.term_by_name("Blood and lymphatic system disorders - Other, specify")
    assert other.definition is None  # "-" in the file
    assert sum(t.definition is None for t in ctcae.terms()) == 26


def test_lookup_by_code_and_by_name() -> None:
    assert ctcae.term_by_code("10015461").name == "Esophagitis"
    assert ctcae.term_by_code(10035742).name == "Pneumonitis"
    assert ctcae.term_by_name("esophageal FISTULA").meddra_code == "10065851"
    assert ctcae.term_by_name("  Rash   maculo-papular ").name == "Rash maculo-papular"
    assert ctcae.get_term("10029366") is ctcae.term_by_name("Neutrophil count decreased")
    term = ctcae.term_by_name("Nausea")
    assert ctcae.get_term(term) is term


@pytest.mark.parametrize("key", ["Hepatitis", "Oesophagitis", "12345678", "", "Esophagitis x"])
def test_unknown_term_is_an_error_with_a_message(key: str) -> None:
    with pytest.raises(UnknownTermError) as caught:
        ctcae.get_term(key)
    assert "is not a CTCAE v5.0 term" in str(caught.value.message)


def test_no_non_infectious_hepatitis_term() -> None:
    # §4.2: immune hepatitis is graded with ALT/AST/bilirubin or "Other, specify".
    names = {t.name for t in ctcae.terms() if "hepatitis" in t.name.casefold()}
    assert names == {"Hepatitis viral", "Hepatitis B reactivation"}


def test_grade_description_and_validation() -> None:
    assert ctcae.grade_description("Esophagitis", 3).startswith("Severely altered eating")
    ctcae.validate_grade("Esophagitis", 5)
    with pytest.raises(GradeNotDefinedError) as caught:
        ctcae.validate_grade("Nausea", 5)
    assert str(caught.value.message) == (
        "Grade 5 is not defined for Nausea in CTCAE v5.0; allowed grades: 1, 2, 3."
    )
    for grade in (0, 6, -1):
        with pytest.raises(GradeNotDefinedError):
            ctcae.grade_description("Anemia", grade)
    assert ctcae.term_by_name("Anemia").grade_description(7) is None
