"""What a barcode scan can be: the AIM symbology prefix comes off, and typing is told from codes by shape."""

from __future__ import annotations

import re

# ISO/IEC 15424 symbology identifier that scanners can be set to send first: "]" + symbology
# letter + modifier character ("]C0" Code128, "]Q1" QR, "]E0" EAN-13, "]d2" DataMatrix …).
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
# The chip-based CCCD card's QR: "CCCD number|old ID|name|birth date|sex|address|issue date".
_CCCD_QR = re.compile(r"^\d{9,12}\|")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
MIN_CODE_LENGTH = 4


def strip_symbology_prefix(text: str) -> str:
    """The scanned data without the AIM symbology identifier a scanner may put in front."""
    if _AIM_PREFIX.match(text) and len(text) > 3:
        return text[3:]
    return text


def looks_like_scan(text: str) -> bool:
    """True for what the counter's scanners read; False for a word typed fast (it goes to the field).

    Codes read at a counter — dossier codes (``000.00.06.H27-261130-0001``), postal item
    numbers (``EB123456785VN``), CCCD and CMND numbers, procedure codes, ticket numbers such
    as ``A012``, links on guidance sheets — have at least one digit and no space. Only the
    CCCD card's QR (name and address) has spaces, and it starts with the card number and a bar.
    A name or a word typed quickly and ended with Tab or Enter ("Nguyen", "Ha Tinh") has no
    digit, so it is typing, and its keys go to the field in the order they were pressed.
    """
    data = strip_symbology_prefix(text)
    if len(data) < MIN_CODE_LENGTH:
        return False
    if _CCCD_QR.match(data) or _URL.match(data):
        return True
    return not any(ch.isspace() for ch in data) and any(ch.isdigit() for ch in data)


# -- a Vietnamese input method rewrote the scanner's keystrokes ------------------------------------
#
# A keyboard-wedge scanner types the code key by key; with Unikey or EVKey switched on, those keys
# are read as Vietnamese typing and rewritten before the app sees them (the Unikey/EVKey manuals):
#   Telex: aa→â  aw→ă  ee→ê  oo→ô  ow→ơ  uw→ư  w→ư  dd→đ; after a vowel s f r x j put the tone
#          (sắc, huyền, hỏi, ngã, nặng) on it, z takes it off;
#   VNI:   after a vowel 1 2 3 4 5 put the tones, 6 → â ê ô, 7 → ơ ư, 8 → ă, d9 → đ, 0 takes a
#          tone off — so digits vanish from the code.
# Every code the counter reads (dossier codes, postal item numbers, procedure and ticket numbers,
# links) is plain ASCII, so a scan with a Vietnamese letter in it was rewritten on the way; the
# CCCD card's QR is the one code with Vietnamese words in it, and its card number and bars come
# first. The same letters typed by hand pass through the input method as usual: this rule only
# sees what the scanner filter or a serial scanner took for a scan.
_VIETNAMESE_MARKED = frozenset(
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)
_COMBINING_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")  # Unicode "tổ hợp" output


def rewritten_by_input_method(text: str) -> bool:
    """True when a scan carries what a Vietnamese input method makes of keys (see above), so the
    clerk is told to switch the input method off or the scanner to USB-CDC (serial) mode instead
    of hearing that a dossier that does not exist was not found."""
    data = strip_symbology_prefix(text)
    if _CCCD_QR.match(data):
        return False
    return any(ch in _VIETNAMESE_MARKED or ch in _COMBINING_MARKS for ch in data)


def scan_fault(text: str, *, taken_back: bool = False) -> str | None:
    """The message code for a scan that cannot be used as it came, or None when it can.

    ``taken_back``: keys were erased inside the scanner's burst. A scanner never sends Backspace;
    an input method does, to replace the letters it rewrites (Unikey's default way of sending its
    result), so such a burst was rewritten even when no accented letter is left (Telex turns the
    ``ww`` of ``www.`` into ``w``)."""
    if taken_back or rewritten_by_input_method(text):
        return "scan.input_method"
    return None
