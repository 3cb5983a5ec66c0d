"""The Chinese catalogue covers every marked string and is compiled."""

from __future__ import annotations

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "oncotrial"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries(), [e.msgid for e in catalogue.untranslated_entries()]
    assert not catalogue.fuzzy_entries(), [e.msgid for e in catalogue.fuzzy_entries()]
    assert len(catalogue.translated_entries()) > 150


def _translation(entry: polib.POEntry) -> str:
    # Chinese has one plural form: a plural entry's text is its form 0.
    return entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr


def test_placeholders_survive_translation() -> None:
    import re

    for entry in polib.pofile(str(PO)).translated_entries():
        names = sorted(set(re.findall(r"%\((\w+)\)[sd]", entry.msgid)))
        found = sorted(set(re.findall(r"%\((\w+)\)[sd]", _translation(entry))))
        assert found == names, entry.msgid


def test_compiled_catalogue_matches_the_source() -> None:
    compiled = gettext.GNUTranslations(MO.open("rb"))
    for entry in polib.pofile(str(PO)).translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == _translation(entry)
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_no_marked_string_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the code and compare."""
    copy = tmp_path / "oncotrial"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--settings",
            "oncotrial.config.settings",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not (e.msgstr or e.msgstr_plural.get(0))]
    assert not missing, f"untranslated strings (run makemessages and translate): {missing}"
