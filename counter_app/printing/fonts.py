"""Registers the bundled DejaVu fonts (full Vietnamese coverage) with reportlab, once, on first use."""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from counter_app.services.resources import resource_path

FONT_REGULAR = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FAMILY = FONT_REGULAR

REGULAR_FILE = "DejaVuSans.ttf"
BOLD_FILE = "DejaVuSans-Bold.ttf"

# Drawn in place of characters the fonts lack (emoji, rare scripts): a box the font does have.
MISSING_GLYPH = "\u25a1"


class FontUnavailableError(RuntimeError):
    """A bundled font file is missing or unreadable; the message names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"Bundled font {path} {reason}; printing needs it for Vietnamese text. "
            "Reinstall the application or point COUNTER_RESOURCES at a complete resources folder."
        )
        self.path = path


@dataclass(frozen=True, slots=True)
class FontSet:
    """The reportlab names to use in styles; ``<b>`` in a Paragraph maps ``regular`` to ``bold``."""

    regular: str
    bold: str


_lock = threading.Lock()
# reportlab's embedded TTF fonts keep per-document subset state in shared objects; two documents
# built at once on different threads can corrupt it (IndexError seen in tests), so builds take turns.
RENDER_LOCK = threading.Lock()
_registered_from: tuple[Path, Path] | None = None
_covered: frozenset[str] = frozenset()
_FONTS = FontSet(regular=FONT_REGULAR, bold=FONT_BOLD)


def font_files() -> tuple[Path, Path]:
    """Where the regular and bold font files are expected (resources/fonts)."""
    return resource_path("fonts", REGULAR_FILE), resource_path("fonts", BOLD_FILE)


def _load(name: str, path: Path) -> TTFont:
    if not path.is_file():
        raise FontUnavailableError(path, "is missing")
    try:
        return TTFont(name, str(path))
    except (TTFError, OSError) as exc:
        raise FontUnavailableError(path, f"cannot be read ({exc})") from exc


def register_fonts() -> FontSet:
    """Register the fonts with reportlab if not done yet for the current resources folder.

    Idempotent and thread-safe; cheap after the first call. Raises ``FontUnavailableError``
    naming the file when a font is missing or broken.
    """
    global _registered_from, _covered
    files = font_files()
    if _registered_from == files:
        return _FONTS
    with _lock:
        if _registered_from == files:
            return _FONTS
        regular_path, bold_path = files
        regular = _load(FONT_REGULAR, regular_path)
        bold = _load(FONT_BOLD, bold_path)
        pdfmetrics.registerFont(regular)
        pdfmetrics.registerFont(bold)
        # Paragraph markup: <b> and <i> stay within the family (DejaVu has no italic bundled).
        addMapping(FONT_FAMILY, 0, 0, FONT_REGULAR)
        addMapping(FONT_FAMILY, 1, 0, FONT_BOLD)
        addMapping(FONT_FAMILY, 0, 1, FONT_REGULAR)
        addMapping(FONT_FAMILY, 1, 1, FONT_BOLD)
        # Only the Basic Multilingual Plane: reportlab writes astral code points into the
        # ToUnicode map in a form PDF readers reject, so those are replaced as well.
        both = regular.face.charToGlyph.keys() & bold.face.charToGlyph.keys()
        _covered = frozenset(chr(code) for code in both if code <= 0xFFFF)
        _registered_from = files
    return _FONTS


def fit_to_font(text: str) -> str:
    """NFC-normalise and replace characters the bundled fonts cannot draw with a box.

    Keeps newlines and other ASCII as is; registers the fonts if needed.
    """
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    register_fonts()
    covered = _covered
    return "".join(ch if ch.isascii() or ch in covered else MISSING_GLYPH for ch in text)
