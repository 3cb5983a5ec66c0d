"""The term picker's search finds the right CTCAE term in English or Chinese."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oncotrial.clinical import ctcae


def first(query: str) -> str:
    hits = ctcae.search(query, limit=1)
    assert hits, query
    return hits[0].term.name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Esophagitis", "Esophagitis"),
        ("oesophagitis", "Esophagitis"),  # British spelling
        ("esoph", "Esophagitis"),
        ("oesophageal fistula", "Esophageal fistula"),
        ("fistula oesoph", "Esophageal fistula"),  # any word order, by prefix
        ("oesoph", "Esophagitis"),  # a British spelling half typed
        ("haem", "Hematoma"),
        ("diarrhoe", "Diarrhea"),
        ("dyspnoea", "Dyspnea"),
        ("oedema limbs", "Edema limbs"),
        ("haemorrhage oesophageal", "Esophageal hemorrhage"),
        ("pneumonitis", "Pneumonitis"),
        ("PNEUMON", "Pneumonitis"),
        ("neutrophil", "Neutrophil count decreased"),
        ("ANC", "Neutrophil count decreased"),
        ("febrile neut", "Febrile neutropenia"),
        ("platelet", "Platelet count decreased"),
        ("anaemia", "Anemia"),
        ("ALT", "Alanine aminotransferase increased"),
        ("ast", "Aspartate aminotransferase increased"),
        ("bilirubin", "Blood bilirubin increased"),
        ("creatinine", "Creatinine increased"),
        ("diarrhoea", "Diarrhea"),
        ("rash maculopapular", "Rash maculo-papular"),
        ("maculo-papular", "Rash maculo-papular"),
        ("radiation dermatitis", "Dermatitis radiation"),
        ("weight loss", "Weight loss"),
        ("infusion related", "Infusion related reaction"),
        ("hypothyroid", "Hypothyroidism"),
        ("peripheral sensory", "Peripheral sensory neuropathy"),
        ("Pain", "Pain"),  # an exact name beats longer names starting with it
        ("食管炎", "Esophagitis"),
        ("放射性食管炎", "Esophagitis"),
        ("食管瘘", "Esophageal fistula"),
        ("肺炎", "Pneumonitis"),
        ("放射性肺炎", "Pneumonitis"),
        ("感染性肺炎", "Lung infection"),
        ("甲减", "Hypothyroidism"),
        ("中性粒细胞", "Neutrophil count decreased"),
        ("谷丙转氨酶", "Alanine aminotransferase increased"),
        ("免疫相关性肝炎", "Hepatobiliary disorders - Other, specify"),
        ("ｅｓｏｐｈａｇｉｔｉｓ", "Esophagitis"),  # full-width input
    ],
)
def test_typical_queries(query: str, expected: str) -> None:
    assert first(query) == expected


def test_every_term_is_found_first_by_its_own_name() -> None:
    for term in ctcae.terms():
        assert ctcae.search(term.name, limit=1)[0].term is term


def test_every_chinese_label_finds_its_term_first() -> None:
    for term in ctcae.terms():
        label = ctcae.label_zh(term)
        if label is not None:
            assert ctcae.search(label.zh, limit=1)[0].term is term, label.zh


def test_hits_carry_the_chinese_label() -> None:
    hit = ctcae.search("esophagitis", limit=1)[0]
    assert hit.label_zh == "食管炎"
    assert hit.score == 100
    assert ctcae.search("ear pain", limit=1)[0].label_zh is None


def test_soc_search_in_english_and_chinese() -> None:
    respiratory = {
        t.meddra_code
        for t in ctcae.terms()
        if t.soc == "Respiratory, thoracic and mediastinal disorders"
    }
    found = {h.term.meddra_code for h in ctcae.search("respiratory thoracic", limit=1000)}
    assert respiratory <= found
    gi = {h.term.soc for h in ctcae.search("胃肠系统", limit=1000)}
    assert gi == {"Gastrointestinal disorders"}


def test_ranking_order() -> None:
    hits = ctcae.search("cardiac", limit=1000)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert hits[0].term.name == "Cardiac arrest"  # name prefix, shortest first
    # Within a tier, real terms come before "Other, specify" ones.
    for a, b in itertools.pairwise(hits):
        if a.score == b.score:
            assert not (
                a.term.name.endswith("Other, specify")
                and not b.term.name.endswith("Other, specify")
            )
    # A term named by the query ranks before terms found only by their SOC.
    soc_only = [h for h in hits if "cardiac" not in h.term.name.casefold()]
    assert soc_only and all(h.score < hits[0].score for h in soc_only)


@pytest.mark.parametrize("query", ["", "   ", "-", "，"])
def test_empty_query_finds_nothing(query: str) -> None:
    assert ctcae.search(query) == ()


def test_limit() -> None:
    assert len(ctcae.search("e", limit=5)) == 5
    assert len(ctcae.search("e")) == 20
    assert ctcae.search("esophagitis", limit=0) == ()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.integers(min_value=1, max_value=50))
def test_search_never_fails_and_is_ordered(query: str, limit: int) -> None:
    hits = ctcae.search(query, limit=limit)
    assert len(hits) <= limit
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.term.meddra_code for h in hits}) == len(hits)
