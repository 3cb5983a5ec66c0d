"""CTCAE v5.0 terms: loading, lookup, allowed grades and the term picker's search.

Owns the NCI Common Terminology Criteria for Adverse Events v5.0 as data: every
term of `data/ctcae_v5.0.csv` (the NCI file, shipped unchanged) with its MedDRA
code, system organ class (SOC), grade 1–5 descriptions (None where the NCI
wrote "-", i.e. the grade is not defined for the term), definition,
navigational note and v5.0 change note; the project's Simplified Chinese labels
of `data/ctcae_labels_zh.toml`; and a ranked search over both.

Sources: clinical-rules.md §4 (§4.1: not every term has every grade; §4.2: the
terms of this trial, and the absence of a non-infectious "Hepatitis" term);
the NCI CTCAE v5.0 file itself for everything term-specific.

Written by hand because no maintained Python library ships CTCAE v5.0.
Everything is loaded once, on first use, through importlib.resources, so it
works from a source checkout and from an installed wheel.
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from oncotrial.text import Message, gettext_noop

__all__ = [
    "CTCAE_VERSION",
    "GRADES",
    "CtcaeDataError",
    "GradeNotDefinedError",
    "SearchHit",
    "Term",
    "TermLabel",
    "UnknownTermError",
    "allowed_grades",
    "get_term",
    "grade_description",
    "label_zh",
    "search",
    "soc_label_zh",
    "socs",
    "term_by_code",
    "term_by_name",
    "terms",
    "validate_grade",
]

CTCAE_VERSION = "5.0"
GRADES: tuple[int, ...] = (1, 2, 3, 4, 5)

_DATA_PACKAGE = "oncotrial.clinical"
_CSV = "data/ctcae_v5.0.csv"
_LABELS = "data/ctcae_labels_zh.toml"
_COLUMNS = (
    "MedDRA Code",
    "MedDRA SOC",
    "CTCAE Term",
    "Grade 1",
    "Grade 2",
    "Grade 3",
    "Grade 4",
    "Grade 5",
    "Definition",
    "Navigational Note",
    "CTCAE v5.0 Change",
)
_NOT_DEFINED = "-"  # the NCI's mark for "grade not available for this term"


class CtcaeDataError(RuntimeError):
    """A shipped data file does not have the shape this module relies on."""


class UnknownTermError(LookupError):
    """No CTCAE v5.0 term has this name or MedDRA code."""

    def __init__(self, key: str) -> None:
        self.message = Message(
            gettext_noop("%(key)s is not a CTCAE v5.0 term or MedDRA code."), {"key": key}
        )
        super().__init__(str(self.message))


class GradeNotDefinedError(ValueError):
    """The grade is not one CTCAE v5.0 defines for the term."""

    def __init__(self, term: Term, grade: int) -> None:
        allowed = ", ".join(str(g) for g in term.allowed_grades)
        self.message = Message(
            gettext_noop(
                "Grade %(grade)s is not defined for %(term)s in CTCAE v5.0; "
                "allowed grades: %(allowed)s."
            ),
            {"grade": grade, "term": term.name, "allowed": allowed},
        )
        super().__init__(str(self.message))


@dataclass(frozen=True, slots=True)
class Term:
    """One CTCAE v5.0 term, exactly as the NCI file gives it."""

    meddra_code: str  # eight digits, kept as text (a code, not a number)
    soc: str
    name: str
    # Descriptions of grades 1..5 in order; None where the grade is not defined.
    grades: tuple[str | None, str | None, str | None, str | None, str | None]
    definition: str | None
    navigational_note: str | None
    change_note: str | None

    @property
    def allowed_grades(self) -> tuple[int, ...]:
        """The grades defined for this term, ascending (not always contiguous)."""
        return tuple(g for g, text in zip(GRADES, self.grades, strict=True) if text is not None)

    def grade_description(self, grade: int) -> str | None:
        """The NCI description of `grade`, or None when it is not defined."""
        if grade not in GRADES:
            return None
        return self.grades[grade - 1]


@dataclass(frozen=True, slots=True)
class TermLabel:
    """The project's Simplified Chinese label of a term, and search aliases."""

    zh: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result: the term, its Chinese label if any, and its rank score."""

    term: Term
    label_zh: str | None
    score: int


# ------------------------------------------------------------------ loading


def _optional(text: str) -> str | None:
    # The NCI file marks a missing definition with "-" and leaves notes empty.
    return None if text in ("", _NOT_DEFINED) else text


def _read_terms() -> Iterator[Term]:
    resource = resources.files(_DATA_PACKAGE).joinpath(_CSV)
    with resource.open("r", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = tuple(next(reader))
        if header != _COLUMNS:
            raise CtcaeDataError(f"{_CSV}: unexpected columns {header!r}")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(_COLUMNS):
                raise CtcaeDataError(f"{_CSV}:{line}: {len(row)} fields, expected 11")
            code, soc, name, *grades, definition, note, change = row
            if not (code.isdigit() and len(code) == 8) or not soc or not name:
                raise CtcaeDataError(f"{_CSV}:{line}: bad code, SOC or term")
            if any(text == "" for text in grades):
                raise CtcaeDataError(f"{_CSV}:{line}: empty grade description")
            g1, g2, g3, g4, g5 = (None if g == _NOT_DEFINED else g for g in grades)
            yield Term(
                meddra_code=code,
                soc=soc,
                name=name,
                grades=(g1, g2, g3, g4, g5),
                definition=_optional(definition),
                navigational_note=_optional(note),
                change_note=_optional(change),
            )


@functools.cache
def terms() -> tuple[Term, ...]:
    """Every CTCAE v5.0 term, in the order of the NCI file (by SOC, then term)."""
    loaded = tuple(_read_terms())
    if len({t.meddra_code for t in loaded}) != len(loaded):
        raise CtcaeDataError(f"{_CSV}: duplicate MedDRA codes")
    if len({_key(t.name) for t in loaded}) != len(loaded):
        raise CtcaeDataError(f"{_CSV}: duplicate term names")
    return loaded


@functools.cache
def socs() -> tuple[str, ...]:
    """The MedDRA system organ classes used by CTCAE v5.0, in file order."""
    return tuple(dict.fromkeys(t.soc for t in terms()))


def _key(name: str) -> str:
    # Lookup key: case-insensitive, whitespace-insensitive, otherwise exact.
    return " ".join(name.split()).casefold()


@functools.cache
def _by_code() -> dict[str, Term]:
    return {t.meddra_code: t for t in terms()}


@functools.cache
def _by_name() -> dict[str, Term]:
    return {_key(t.name): t for t in terms()}


def term_by_code(code: str | int) -> Term:
    """The term with this MedDRA code; raises UnknownTermError."""
    key = str(code).strip()
    try:
        return _by_code()[key]
    except KeyError:
        raise UnknownTermError(key) from None


def term_by_name(name: str) -> Term:
    """The term with this exact name, ignoring case; raises UnknownTermError."""
    try:
        return _by_name()[_key(name)]
    except KeyError:
        raise UnknownTermError(name) from None


def get_term(key: Term | str) -> Term:
    """A term given itself, its MedDRA code or its name (case-insensitive)."""
    if isinstance(key, Term):
        return key
    stripped = key.strip()
    return term_by_code(stripped) if stripped.isdigit() else term_by_name(stripped)


def allowed_grades(term: Term | str) -> tuple[int, ...]:
    """The grades CTCAE v5.0 defines for `term` (a Term, name or MedDRA code)."""
    return get_term(term).allowed_grades


def grade_description(term: Term | str, grade: int) -> str:
    """The NCI description of `grade` for `term`; raises GradeNotDefinedError."""
    resolved = get_term(term)
    text = resolved.grade_description(grade)
    if text is None:
        raise GradeNotDefinedError(resolved, grade)
    return text


def validate_grade(term: Term | str, grade: int) -> None:
    """Raise GradeNotDefinedError unless CTCAE v5.0 defines `grade` for `term`."""
    grade_description(term, grade)


# ------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class _Labels:
    terms: dict[str, TermLabel]  # by MedDRA code
    socs: dict[str, str]  # English SOC -> Chinese


@functools.cache
def _labels() -> _Labels:
    resource = resources.files(_DATA_PACKAGE).joinpath(_LABELS)
    data = tomllib.loads(resource.read_text(encoding="utf-8"))
    by_code = _by_code()
    term_labels: dict[str, TermLabel] = {}
    for code, entry in data.get("terms", {}).items():
        term = by_code.get(code)
        # A label must name the same term as the NCI file, or it would mislabel.
        if term is None or term.name != entry.get("term"):
            raise CtcaeDataError(f"{_LABELS}: {code} {entry.get('term')!r} is not in {_CSV}")
        term_labels[code] = TermLabel(zh=entry["zh"], aliases=tuple(entry.get("aliases", ())))
    soc_labels = dict(data.get("soc", {}))
    unknown = set(soc_labels) - set(socs())
    if unknown:
        raise CtcaeDataError(f"{_LABELS}: unknown SOC {sorted(unknown)!r}")
    return _Labels(terms=term_labels, socs=soc_labels)


def label_zh(term: Term | str) -> TermLabel | None:
    """The project's Chinese label of `term`, or None when it has none."""
    return _labels().terms.get(get_term(term).meddra_code)


def soc_label_zh(soc: str) -> str | None:
    """The project's Chinese label of a system organ class, or None."""
    return _labels().socs.get(soc)


# ------------------------------------------------------------------- search

# British spellings users type, mapped to CTCAE's American ones (applied to
# both the query and the index, so applying them to American text is harmless).
# No CTCAE name contains these British patterns, so partial words typed so far
# ("oesoph", "haem") match too.
_SPELLINGS = (
    (re.compile(r"\boe"), "e"),  # oesophagus, oedema
    (re.compile(r"aem"), "em"),  # anaemia, haemorrhage, leukaemia, hypokalaemia
    (re.compile(r"(?<=rrh)oe"), "e"),  # diarrhoea
    (re.compile(r"oea"), "ea"),  # dyspnoea, apnoea
    (re.compile(r"anaes"), "anes"),
    (re.compile(r"paed"), "ped"),
    (re.compile(r"tumour"), "tumor"),
)
_NON_WORD = re.compile(r"[\W_]+")


def _normalise(text: str) -> str:
    text = " ".join(_NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())
    for british, american in _SPELLINGS:
        text = british.sub(american, text)
    return text


@dataclass(frozen=True, slots=True)
class _Entry:
    term: Term
    label: str | None
    name: str  # normalised
    compact: str  # normalised, without spaces
    words: tuple[str, ...]
    soc_words: tuple[str, ...]
    soc_compact: str  # English and Chinese SOC, normalised, without spaces
    label_zh: str  # Chinese label, normalised, without spaces ("" if none)
    aliases: tuple[str, ...]  # aliases, normalised, without spaces
    haystack: str  # everything above, to skip entries that cannot match
    other_specify: bool  # "<SOC> - Other, specify" terms rank after real ones


@functools.cache
def _index() -> tuple[_Entry, ...]:
    labels = _labels()
    entries = []
    for term in terms():
        label = labels.terms.get(term.meddra_code)
        name = _normalise(term.name)
        soc = _normalise(term.soc)
        soc_zh = _normalise(labels.socs.get(term.soc, ""))
        label_zh = _normalise(label.zh).replace(" ", "") if label else ""
        aliases = tuple(_normalise(a).replace(" ", "") for a in label.aliases) if label else ()
        compact = name.replace(" ", "")
        soc_compact = (soc + soc_zh).replace(" ", "")
        entries.append(
            _Entry(
                term=term,
                label=label.zh if label else None,
                name=name,
                compact=compact,
                words=tuple(name.split()),
                soc_words=tuple(soc.split()),
                soc_compact=soc_compact,
                label_zh=label_zh,
                aliases=aliases,
                haystack=" ".join((name, compact, soc, soc_compact, label_zh, *aliases)),
                other_specify=term.name.endswith("Other, specify"),
            )
        )
    return tuple(entries)


def _prefixes_words(tokens: list[str], words: tuple[str, ...]) -> bool:
    return all(any(w.startswith(t) for w in words) for t in tokens)


def _score(entry: _Entry, query: str, compact: str, tokens: list[str]) -> int:
    # Tiers, best first; the first that applies gives the score.
    if entry.name == query:
        return 100
    if compact == entry.label_zh:
        return 96
    if compact in entry.aliases:
        return 95  # e.g. "ALT", "甲减"
    if entry.name.startswith(query) or entry.compact.startswith(compact):
        return 90
    if entry.label_zh.startswith(compact):
        return 86
    if any(a.startswith(compact) for a in entry.aliases):
        return 84
    if _prefixes_words(tokens, entry.words):
        return 80
    # Substrings inside words only from three characters on ("an" is noise).
    inner = len(compact) >= 3
    if inner and compact in entry.compact:
        return 70
    if compact in entry.label_zh:
        return 66
    if any(compact in a for a in entry.aliases):
        return 64
    if _prefixes_words(tokens, entry.words + entry.soc_words) and any(
        any(w.startswith(t) for w in entry.words) for t in tokens
    ):
        return 60
    if _prefixes_words(tokens, entry.soc_words) or compact in entry.soc_compact:
        return 40
    return 0


@functools.lru_cache(maxsize=2048)
def _search(query: str, limit: int) -> tuple[SearchHit, ...]:
    normalised = _normalise(query)
    compact = normalised.replace(" ", "")
    if not compact:
        return ()
    tokens = normalised.split()
    scored = []
    for entry in _index():
        # Every tier needs the query, or each of its words, somewhere in the entry.
        if compact not in entry.haystack and not all(t in entry.haystack for t in tokens):
            continue
        score = _score(entry, normalised, compact, tokens)
        if score:
            scored.append((-score, entry.other_specify, len(entry.name), entry.name, entry))
    scored.sort(key=lambda item: item[:4])
    return tuple(SearchHit(e.term, e.label, -s) for s, *_, e in scored[:limit])


def search(query: str, limit: int = 20) -> tuple[SearchHit, ...]:
    """Terms matching `query`, best first, at most `limit` of them.

    Matches the term name (any case, British or American spelling, words in
    any order by prefix), the project's Chinese label and aliases, and the
    system organ class in English or Chinese. Ranking: exact name, exact
    Chinese label or alias, name prefix, Chinese prefix, all words prefixed,
    substring of the name, substring of a Chinese label, words spread over
    name and SOC, SOC only; within a tier real terms come before "Other,
    specify" ones, then shorter names. The index is built once and results
    are cached, so calling this per keystroke is cheap.
    """
    if limit < 1:
        return ()
    return _search(query, limit)
