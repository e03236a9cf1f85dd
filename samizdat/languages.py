"""The language registry: every fact the site needs about a language, in one place.

``SAMIZDAT_LANGUAGES`` (read in settings.py) says which languages the site publishes in and in
what order; the first is the default. Every other module asks this registry — for names, the
order, search configuration, number words, Open Graph locale, date formats and text direction —
instead of listing languages itself.

Adding a language: put its code in ``SAMIZDAT_LANGUAGES``; if it is not in ``KNOWN`` below, add
an entry (without one it still works: names and direction come from Django's ``LANG_INFO``,
search uses the ``simple`` configuration, captcha words come from num2words if it knows the
code); write its ``.po`` files. No migration is needed (see docs/languages.md).

This module is imported by settings.py, so it must not touch ``django.conf.settings`` at import.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

T = TypeVar("T")
CODE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MAX_CODE_LENGTH = 10  # the model fields' max_length


@dataclass(frozen=True)
class Language:
    code: str  # URL prefix and Django language code, e.g. "kk"
    name: str  # its own name, as the language switcher shows it: "Қазақша"
    label: Any  # translatable name in the reader's language: _("Kazakh")
    search_config: str = "simple"  # PostgreSQL text search configuration
    stemmer: str | None = None  # PyStemmer (Snowball) algorithm, None = words as typed
    number_words: str | None = None  # num2words language code, None = no words known
    og_locale: str = ""  # Open Graph language_TERRITORY
    direction: str = "ltr"  # "rtl" for Arabic, Persian, Hebrew…
    # Django format settings where Django has none or the site wants others (DATE_FORMAT, …).
    formats: dict[str, Any] = field(default_factory=dict)

    @property
    def bidi(self) -> bool:
        return self.direction == "rtl"


KNOWN: dict[str, Language] = {
    language.code: language
    for language in [
        Language(
            "ru", "Русский", _("Russian"), "russian", "russian", "ru", "ru_RU",
        ),
        Language(
            "kk", "Қазақша", _("Kazakh"), "simple", None, "kz", "kk_KZ",  # num2words says "kz"
            formats={  # Django ships no Kazakh formats; without these dates read in English order
                "DATE_FORMAT": "j F Y ж.",
                "DATETIME_FORMAT": "j F Y ж. H:i",
                "SHORT_DATE_FORMAT": "d.m.Y",
                "SHORT_DATETIME_FORMAT": "d.m.Y H:i",
                "TIME_FORMAT": "H:i",
                "FIRST_DAY_OF_WEEK": 1,
                "DECIMAL_SEPARATOR": ",",
                "THOUSAND_SEPARATOR": "\xa0",
            },
        ),
        Language("en", "English", _("English"), "english", "english", "en", "en_US"),
        # PostgreSQL and Snowball have no Ukrainian: words are matched as typed (and as prefixes).
        Language("uk", "Українська", _("Ukrainian"), "simple", None, "uk", "uk_UA"),
        Language("be", "Беларуская", _("Belarusian"), "simple", None, "be", "be_BY"),
        Language("ky", "Кыргызча", _("Kyrgyz"), "simple", None, None, "ky_KG"),
        Language("uz", "Oʻzbekcha", _("Uzbek"), "simple", None, None, "uz_UZ"),
        Language("tg", "Тоҷикӣ", _("Tajik"), "simple", None, "tg", "tg_TJ"),
        Language("az", "Azərbaycanca", _("Azerbaijani"), "simple", None, "az", "az_AZ"),
        Language("tr", "Türkçe", _("Turkish"), "turkish", "turkish", "tr", "tr_TR"),
        Language("de", "Deutsch", _("German"), "german", "german", "de", "de_DE"),
        Language("fr", "Français", _("French"), "french", "french", "fr", "fr_FR"),
        Language("es", "Español", _("Spanish"), "spanish", "spanish", "es", "es_ES"),
        Language("ar", "العربية", _("Arabic"), "arabic", "arabic", "ar", "ar_AR", "rtl"),
        Language("fa", "فارسی", _("Persian"), "simple", "persian", "fa", "fa_IR", "rtl"),
    ]
}  # fmt: skip


def describe(code: str) -> Language:
    """The registry entry for ``code``, or sane facts for a language it does not know."""
    code = (code or "").lower()
    if code in KNOWN:
        return KNOWN[code]
    from django.conf.locale import LANG_INFO
    from num2words import CONVERTER_CLASSES

    info = LANG_INFO.get(code, {})
    return Language(
        code=code,
        name=info.get("name_local", code),
        label=_(info["name"]) if "name" in info else code,  # Django's catalogues translate these
        number_words=code if code in CONVERTER_CLASSES else None,
        og_locale=code,
        direction="rtl" if info.get("bidi") else "ltr",
    )


def parse_setting(value: str, variable: str = "SAMIZDAT_LANGUAGES") -> list[str]:
    """``"ru,kk,en"`` → ``["ru", "kk", "en"]``; a malformed list is an error naming the variable."""
    from django.core.exceptions import ImproperlyConfigured

    codes = [part.strip().lower() for part in value.split(",") if part.strip()]
    bad = [c for c in codes if not CODE_RE.match(c) or len(c) > MAX_CODE_LENGTH]
    if not codes or bad or len(set(codes)) != len(codes):
        raise ImproperlyConfigured(
            f"{variable} must be a comma-separated list of distinct language codes such as "
            f"'ru,kk,en'; got {value!r}"
        )
    return codes


def django_languages(codes: Iterable[str]) -> list[tuple[str, str]]:
    """``settings.LANGUAGES`` for these codes: (code, native name)."""
    return [(code, describe(code).name) for code in codes]


# --- questions the rest of the site asks --------------------------------------------------------


def codes() -> list[str]:
    """The enabled language codes, in the site's order (the first is the default)."""
    from django.conf import settings

    return [code for code, _name in settings.LANGUAGES]


def enabled() -> list[Language]:
    return [describe(code) for code in codes()]


def default_code() -> str:
    return codes()[0]


def is_enabled(code: str | None) -> bool:
    return code in codes()


def get(code: str | None) -> Language:
    """Facts about ``code`` (enabled or not; never raises)."""
    return describe(code or default_code())


def current() -> str:
    """The active language if the site publishes in it, else the default language."""
    from django.utils.translation import get_language

    active = get_language() or ""
    for code in (active, active.split("-")[0]):
        if is_enabled(code):
            return code
    return default_code()


def order_key(code: str) -> int:
    """Position in the site's order; languages outside it sort last, never raise."""
    order = codes()
    return order.index(code) if code in order else len(order)


def sort_by_language(items: Iterable[T], key: Callable[[T], str] = lambda i: i.language) -> list[T]:
    return sorted(items, key=lambda item: order_key(key(item)))


def sort_codes(values: Iterable[str]) -> list[str]:
    return sorted(values, key=order_key)


def choices() -> list[tuple[str, str]]:
    """Model field choices (a callable, so changing the setting needs no migration)."""
    return [(language.code, language.name) for language in enabled()]


def labels() -> list[tuple[str, Any]]:
    """(code, translatable name) of the enabled languages, e.g. for a language filter."""
    return [(language.code, language.label) for language in enabled()]


def number_words_code(code: str) -> str:
    """The num2words code for ``code``; a language without words uses the first that has."""
    for candidate in (code, *codes(), "en"):
        found = describe(candidate).number_words
        if found:
            return found
    return "en"


FORMAT_PACKAGE = "samizdat.formats"


def install_format_modules() -> None:
    """Offer each enabled language's ``formats`` as ``samizdat.formats.<code>.formats``.

    Django looks format modules up by import path (``FORMAT_MODULE_PATH``); registering them
    in ``sys.modules`` keeps the facts here instead of one file per language.
    """
    package = sys.modules.get(FORMAT_PACKAGE)
    if package is None:
        package = types.ModuleType(FORMAT_PACKAGE)
        package.__path__ = []
        sys.modules[FORMAT_PACKAGE] = package
    for language in enabled():
        if not language.formats:
            continue
        locale = language.code.replace("-", "_")
        outer = types.ModuleType(f"{FORMAT_PACKAGE}.{locale}")
        outer.__path__ = []
        inner = types.ModuleType(f"{FORMAT_PACKAGE}.{locale}.formats")
        inner.__dict__.update(language.formats)
        sys.modules[outer.__name__] = outer
        sys.modules[inner.__name__] = inner
