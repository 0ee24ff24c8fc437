"""Vietnamese text helpers: clean user input and build accent-free keys and tokens for search."""

from __future__ import annotations

import re
import unicodedata

# Control characters other than whitespace (C0, DEL, C1 without NEL), lone surrogates (they
# cannot be stored as UTF-8) and invisible zero-width characters that sneak in through
# copy-paste. Whitespace controls (tab, newline …) are turned into a space instead.
# ZWJ/ZWNJ (U+200C/U+200D) are kept: emoji sequences need them.
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff\u200b\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
# A word: letters and digits (any script), optionally dotted like 1.001234 or 000.00.06.h56.
_WORD = re.compile(r"[^\W_]+(?:\.[^\W_]+)*")
_DIGIT = re.compile(r"\d")
# đ/Đ have no decomposition; U+0300–U+036F are the combining marks Vietnamese uses (fast path).
_D_AND_COMMON_MARKS = {ord("đ"): "d", ord("Đ"): "d"} | dict.fromkeys(range(0x300, 0x370))


def normalize(text: str) -> str:
    """NFC, without control characters, whitespace runs collapsed to one space, stripped."""
    if not text:
        return ""
    text = _DROP.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


def _strip_marks(text: str) -> str:
    # NFKD rather than NFD so full-width letters and digits typed through an IME match too.
    text = unicodedata.normalize("NFKD", text).translate(_D_AND_COMMON_MARKS)
    if text.isascii():
        return text
    category = unicodedata.category
    return "".join(ch for ch in text if category(ch) != "Mn")


def search_key(text: str) -> str:
    """Accent-free lower case: "Cấp lại Giấy khai sinh" -> "cap lai giay khai sinh".

    NFC, NFD or upper-case input, with or without accents, give the same key.
    """
    if not text:
        return ""
    text = _DROP.sub("", text)
    if not text.isascii():
        text = _strip_marks(text)
    return _SPACES.sub(" ", text.lower()).strip()


def tokens(text: str, *, code_parts: bool = True) -> list[str]:
    """Words of ``search_key(text)``, split on anything that is not a letter or digit.

    A dotted code with digits (``1.001234``) is kept whole as a token, followed by its parts
    (``1``, ``001234``) unless ``code_parts`` is false.
    """
    result: list[str] = []
    for match in _WORD.finditer(search_key(text)):
        word = match.group()
        if "." not in word:
            result.append(word)
            continue
        if _DIGIT.search(word):
            result.append(word)
            if not code_parts:
                continue
        result.extend(word.split("."))
    return result


# Characters that change how a terminal or a viewer shows the text around them, never content:
# C0/C1 controls (ESC starts terminal escape sequences), DEL, the bidirectional overrides,
# embeddings and isolates (U+202E RIGHT-TO-LEFT OVERRIDE turns "exe.txt" into "txt.exe"),
# LRM/RLM/ALM, and invisible zero-width characters. ZWJ/ZWNJ are kept (emoji, Indic scripts).
_ECHO_DROP = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]"
)


def strip_controls(text: str) -> str:
    """``text`` safe to echo on a terminal or screen: control and direction-changing characters removed.

    Newlines and tabs stay (they lay out the output); everything a user or a stored record
    brought in that could rewrite the terminal or reverse what a reader sees is dropped.
    """
    if not text:
        return text
    return _ECHO_DROP.sub("", text)
