"""The project's Chinese CTCAE labels name real terms and cover this trial's common ones."""

from __future__ import annotations

import csv
import tomllib
import unicodedata
from importlib import resources

import pytest

from oncotrial.clinical import ctcae

DATA = resources.files("oncotrial.clinical").joinpath("data")

# The terms this trial records most (issue 7; clinical-rules.md §4.2).
TRIAL_TERMS = [
    "Esophagitis",
    "Esophageal fistula",
    "Esophageal stenosis",
    "Esophageal perforation",
    "Esophageal hemorrhage",
    "Tracheal fistula",
    "Pneumonitis",
    "Dermatitis radiation",
    "Neutrophil count decreased",
    "Anemia",
    "Platelet count decreased",
    "Lymphocyte count decreased",
    "White blood cell decreased",
    "Febrile neutropenia",
    "Nausea",
    "Vomiting",
    "Fatigue",
    "Anorexia",
    "Diarrhea",
    "Peripheral sensory neuropathy",
    "Alanine aminotransferase increased",
    "Aspartate aminotransferase increased",
    "Blood bilirubin increased",
    "Creatinine increased",
    "Hypothyroidism",
    "Hyperthyroidism",
    "Rash maculo-papular",
    "Pruritus",
    "Colitis",
    "Hepatic failure",
    "Dysphagia",
    "Weight loss",
    "Infusion related reaction",
    "Adrenal insufficiency",
    "Hypophysitis",
    "Myocarditis",
    "Myositis",
    "Pulmonary fibrosis",
    "Radiation recall reaction (dermatologic)",
]


def raw_labels() -> dict[str, dict]:
    return tomllib.loads(DATA.joinpath("ctcae_labels_zh.toml").read_text(encoding="utf-8"))


def csv_terms() -> dict[str, str]:
    with DATA.joinpath("ctcae_v5.0.csv").open(encoding="utf-8", newline="") as handle:
        return {row["MedDRA Code"]: row["CTCAE Term"] for row in csv.DictReader(handle)}


def is_chinese(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def test_every_labelled_term_exists_in_the_csv() -> None:
    names = csv_terms()
    labels = raw_labels()["terms"]
    assert len(labels) >= 80
    for code, entry in labels.items():
        assert names.get(code) == entry["term"], code


def test_every_soc_has_a_label_and_no_other() -> None:
    assert set(raw_labels()["soc"]) == set(ctcae.socs())
    for soc in ctcae.socs():
        label = ctcae.soc_label_zh(soc)
        assert label is not None and is_chinese(label)


def test_labels_are_chinese_and_distinct() -> None:
    labels = raw_labels()["terms"]
    chinese = [entry["zh"] for entry in labels.values()]
    assert all(is_chinese(label) for label in chinese)
    assert len(set(chinese)) == len(chinese)
    for entry in labels.values():
        aliases = entry.get("aliases", [])
        assert len(set(aliases)) == len(aliases)
        assert entry["zh"] not in aliases


@pytest.mark.parametrize("name", TRIAL_TERMS)
def test_trial_terms_are_labelled(name: str) -> None:
    label = ctcae.label_zh(name)
    assert label is not None, name


def test_label_lookup() -> None:
    assert ctcae.label_zh("Esophagitis") == ctcae.TermLabel("食管炎", ("放射性食管炎",))
    assert ctcae.label_zh("10035742").zh == "非感染性肺炎"  # type: ignore[union-attr]
    assert ctcae.label_zh("Ear pain") is None
    assert ctcae.soc_label_zh("Gastrointestinal disorders") == "胃肠系统疾病"
    assert ctcae.soc_label_zh("Not a SOC") is None


def test_readme_says_labels_are_the_projects_translation() -> None:
    readme = " ".join(DATA.joinpath("README.md").read_text(encoding="utf-8").split())
    assert "project's own translation" in readme
    header = DATA.joinpath("ctcae_labels_zh.toml").read_text(encoding="utf-8")[:400]
    assert "not the NCI's" in header
