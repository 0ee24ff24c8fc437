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
