"""One gettext catalog for everything people read (ui and printing); Vietnamese first, English second.

Message ids are English; ``resources/translations/vi/LC_MESSAGES/counter_app.po`` holds the
Vietnamese text and is compiled to ``.mo`` by ``make`` (``pybabel compile``).
"""

from __future__ import annotations

import errno
import gettext
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from counter_app.services.resources import resource_path

DOMAIN = "counter_app"
LANGUAGES = ("vi", "en")
_log = logging.getLogger(__name__)

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
_scoped = threading.local()  # a thread's own language while it prints official documents


def locale_dir() -> Path:
    return resource_path("translations")


def _load(language: str) -> tuple[gettext.NullTranslations, str]:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    if language == "en":
        return gettext.NullTranslations(), "en"
    try:
        return gettext.translation(DOMAIN, localedir=str(locale_dir()), languages=[language]), language
    except OSError:
        _log.error("translation catalog for %s not found in %s; showing English", language, locale_dir())
        return gettext.NullTranslations(), "en"


def set_language(language: str = "vi") -> str:
    """Switch the catalog; returns the language actually in use ("en" when vi is missing)."""
    global _translation, _language
    _translation, _language = _load(language)
    return _language


@contextmanager
def language_scope(language: str) -> Iterator[str]:
    """Within the block, this thread speaks ``language`` whatever the screens use.

    Official forms print in Vietnamese even when a clerk runs the screens in English.
    """
    previous = getattr(_scoped, "pair", None)
    _scoped.pair = _load(language)
    try:
        yield _scoped.pair[1]
    finally:
        _scoped.pair = previous


def _active() -> gettext.NullTranslations:
    pair = getattr(_scoped, "pair", None)
    return pair[0] if pair is not None else _translation


def current_language() -> str:
    pair = getattr(_scoped, "pair", None)
    return pair[1] if pair is not None else _language


def _(message: str) -> str:
    return _active().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _active().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


# argparse's own words (usage, unknown arguments, bad choices …), said in the catalog's language
# by `counter` and `counter-app`.
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("options"),
    N_("positional arguments"),
    N_("show this help message and exit"),
    N_("unrecognized arguments: %s"),
    N_("the following arguments are required: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("invalid %(type)s value: %(value)r"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("expected at most one argument"),
    N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("%(prog)s: error: %(message)s\n"),
)


@contextmanager
def argparse_words() -> Iterator[None]:
    """argparse looks its messages up through its module's ``_``: lend it this catalog's.

    Headings are worded when a parser is built and errors when it parses: build and parse inside.
    """
    import argparse

    # argparse's module-level ``_``/``ngettext`` are private (not in typeshed): the ignores below say so
    before = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = _, ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = before  # type: ignore[attr-defined]


from counter_app.services.messages import ERROR_MESSAGES, OS_REASONS, PARAM_WORDS, log_is_writable  # noqa: E402

# The OS's English text of those errors ("Broken pipe"), as drivers reported them before giving errno names.
_OS_TEXTS: dict[str, str] = {
    os.strerror(getattr(errno, name)): name for name in OS_REASONS if hasattr(errno, name)
}


def describe_error(error: Exception) -> str:
    """Words for a person: the translated template of a DomainError's code, filled with its params."""
    code = getattr(error, "code", None)
    params: dict[str, Any] = dict(getattr(error, "params", {}) or {})
    reason = params.get("reason")
    if isinstance(reason, str) and _OS_TEXTS.get(reason.strip(), reason) in OS_REASONS:
        params["reason"] = _(OS_REASONS[_OS_TEXTS.get(reason.strip(), reason)])
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
    return with_log_note(_("Something went wrong."))


def log_note() -> str:
    """The sentence after an unexpected error: the details are in the log, said only while they are."""
    if log_is_writable():
        return _("The details were written to the log.")
    return _("The log file cannot be written: tell technical support what you were doing.")


def with_log_note(sentence: str) -> str:
    """An unexpected error's first sentence followed by what became of its details (``log_note``)."""
    return f"{sentence} {log_note()}"
