"""Names as data in every language (django-translated-fields).

A translated field is a column per language (``name_en``, ``name_kk``, ``name_ru``) and an
attribute (``name``) that reads the active language's, or the English one where it is missing.
English is the one required: files, imports and the published records use it, so that a
record's hash never depends on its reader. Queries name the column they mean (``name_en``):
there is no ``name`` column to filter or order by.

Chosen over django-modeltranslation, which rewrites every query of a registered model: it
turns the model's Meta.ordering into an explicit ORDER BY, which Django then adds to a GROUP BY
(seen here: the reference election's summary counted each contest as its own group).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from translated_fields import TranslatedFieldWithFallback, to_attribute

CANONICAL = "en"  # the language every name must have, and the records are written in
LANGUAGES = [CANONICAL, *(code for code, _ in settings.LANGUAGES if code != CANONICAL)]


def _reader_language() -> str:
    """The active language as one of LANGUAGES ("ru-ru" → "ru"; none or another → English)."""
    language = (get_language() or CANONICAL).split("-")[0]
    return language if language in LANGUAGES else CANONICAL


def _in_reader_language(name: str, field: TranslatedFieldWithFallback):
    def getter(obj: Any) -> str:
        value = getattr(obj, to_attribute(name, _reader_language()))
        return value or getattr(obj, to_attribute(name, CANONICAL))

    return getter


def translated(field: models.Field) -> TranslatedFieldWithFallback:
    """``field`` once per language, English required, the others optional."""
    return TranslatedFieldWithFallback(field, languages=LANGUAGES, attrgetter=_in_reader_language)


def in_every_language(field: str, names: dict[str, str]) -> dict[str, str]:
    """``{field_en: …, field_kk: …, field_ru: …}`` for a create or an update (a missing language
    as empty: the reader then sees the English one)."""
    return {f"{field}_{code}": names.get(code, "") for code in LANGUAGES}


def names_of(obj: Any, field: str = "name") -> dict[str, str]:
    """A translated field's value in each language (English where one is missing)."""
    english = getattr(obj, f"{field}_{CANONICAL}")
    return {code: getattr(obj, f"{field}_{code}") or english for code in LANGUAGES}
