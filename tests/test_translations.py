"""Kazakh and Russian say everything English says: every message translated, none fuzzy, none
that makemessages would add, and the compiled catalogues (committed, so that a fresh clone shows
them) the same as their sources.

The extraction needs GNU gettext (xgettext, msgmerge), as makemessages does: apt-get install
gettext.
"""

import os
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
LANGUAGES = ["kk", "ru"]
# What makemessages reads, run as the README says: everything but these.
NOT_SOURCES = [".git", ".venv", "var", ".hypothesis", ".pytest_cache", ".ruff_cache", "__pycache__"]


def catalogue(language: str, root: Path = ROOT) -> polib.POFile:
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


def key(entry: polib.POEntry) -> tuple[str | None, str, str]:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def untranslated(po: polib.POFile) -> list[str]:
    return [e.msgid for e in po if not e.obsolete and not e.translated()]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, polib.POFile]:
    """The catalogues as makemessages leaves them when run on a copy of the sources."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        pytest.fail("makemessages needs GNU gettext: apt-get install gettext")
    copy = tmp_path_factory.mktemp("sources") / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*NOT_SOURCES), symlinks=True)
    here = Path.cwd()
    os.chdir(copy)  # makemessages writes to the locale folder it finds under the current one
    try:
        call_command("makemessages", locale=LANGUAGES, verbosity=0)
    finally:
        os.chdir(here)
    return {language: catalogue(language, copy) for language in LANGUAGES}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = catalogue(language)

    assert untranslated(po) == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert len(po.translated_entries()) > 700  # the catalogue is the project's, not a stub


@pytest.mark.parametrize("language", LANGUAGES)
def test_makemessages_finds_no_message_the_catalogue_lacks(language, extracted):
    committed = {key(e) for e in catalogue(language) if not e.obsolete}
    found = [e for e in extracted[language] if not e.obsolete]

    assert [e.msgid for e in found if key(e) not in committed] == []
    assert untranslated(extracted[language]) == []
    assert [e.msgid for e in extracted[language].fuzzy_entries()] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(language):
    po = catalogue(language)
    forms = int(po.metadata["Plural-Forms"].split("nplurals=")[1].split(";")[0])
    plurals = [e for e in po if e.msgid_plural and not e.obsolete]

    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


# The project's catalogues, and Kazakh for what Django's own kk catalogue leaves in English.
CATALOGUES = [
    *(f"locale/{language}" for language in LANGUAGES),
    "locale_django/kk",
    "locale_django/ru",
]


VIEW_SITE = "View site"
INVALID_INPUT = "Invalid input."


def test_django_and_drf_messages_their_catalogues_leave_english_are_translated_here():
    for folder in ("locale_django/kk", "locale_django/ru"):
        po = polib.pofile(str(ROOT / folder / "LC_MESSAGES/django.po"))
        assert untranslated(po) == [] and po.fuzzy_entries() == [], folder
    with translation.override("kk"):
        # Django's kk leaves it English (a variable: makemessages must not take it as ours).
        assert translation.gettext(VIEW_SITE) == "Сайтты ашу"
    with translation.override("ru"):  # DRF's ru leaves it English
        assert translation.gettext(INVALID_INPUT) == "Неверные входные данные."


@pytest.mark.parametrize("folder", CATALOGUES)
def test_the_compiled_catalogue_is_the_source(folder):
    """The .mo is committed: compilemessages after every change to the .po."""
    folder = ROOT / folder / "LC_MESSAGES"
    source = {key(e): (e.msgstr, e.msgstr_plural) for e in polib.pofile(str(folder / "django.po"))
              if e.translated() and not e.obsolete}  # fmt: skip
    compiled = {key(e): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(folder / "django.mo"))
                if e.msgid}  # fmt: skip

    assert compiled == source


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", "Барлығына қарсымын"),
        ("ru", "Против всех"),
        ("en", "Against all"),
    ],
)
def test_the_ballot_line_against_all_reads_in_each_language(language, expected):
    against_all = "Against all"  # the model's msgid, read as the ballot reads it
    with translation.override(language):
        assert translation.gettext(against_all) == expected
