"""One gettext catalog for everything people read (ui and printing); Vietnamese first, English second.

Message ids are English; ``resources/translations/vi/LC_MESSAGES/counter_app.po`` holds the
Vietnamese text and is compiled to ``.mo`` by ``make`` (``pybabel compile``).
"""

from __future__ import annotations

import gettext
import logging
from datetime import date, datetime
from pathlib import Path
from typing import Any

from counter_app.services.resources import resource_path

DOMAIN = "counter_app"
LANGUAGES = ("vi", "en")
_log = logging.getLogger(__name__)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def locale_dir() -> Path:
    return resource_path("translations")


def set_language(language: str = "vi") -> str:
    """Switch the catalog; returns the language actually in use ("en" when vi is missing)."""
    global _translation, _language
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language == "en":
        _translation, _language = gettext.NullTranslations(), "en"
        return _language
    try:
        _translation = gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=[language])
        _language = language
    except OSError:
        _log.error("translation catalog for %s not found in %s; showing English", language, locale_dir())
        _translation, _language = gettext.NullTranslations(), "en"
    return _language


def current_language() -> str:
    return _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


from counter_app.services.messages import ERROR_MESSAGES, OS_REASONS, PARAM_WORDS  # noqa: E402


def describe_error(error: Exception) -> str:
    """Words for a person: the translated template of a DomainError's code, filled with its params."""
    code = getattr(error, "code", None)
    params: dict[str, Any] = dict(getattr(error, "params", {}) or {})
    if isinstance(params.get("reason"), str) and params["reason"] in OS_REASONS:
        params["reason"] = _(OS_REASONS[params["reason"]])
    for key, value in params.items():
        if isinstance(value, str) and value in PARAM_WORDS:
            params[key] = _(PARAM_WORDS[value])
        elif isinstance(value, date) and not isinstance(value, datetime):
            params[key] = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    if code is not None and code in ERROR_MESSAGES:
        template = _(ERROR_MESSAGES[code])
        try:
            return template.format(**params)
        except (KeyError, IndexError, ValueError):
            _log.error("message for %s does not fit params %r", code, params)
            return template
    _log.error("no user message for error %r", error)
    return _("Something went wrong. The details were written to the log.")
