"""Vietnamese numbers and ticket numbers as they are spoken on queue call-outs, as clip names."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NUMBER = 999_999

# Clip name (ASCII slug) → the word it says. Slugs that would collide without tone marks
# carry the tone's name: "mot" is một, "mot_sac" is mốt (21, 31 …); "muoi" is mười (10–19),
# "muoi_ngang" is mươi (the tens of 20–99).
NUMBER_WORDS: dict[str, str] = {
    "khong": "không",
    "mot": "một",
    "mot_sac": "mốt",
    "hai": "hai",
    "ba": "ba",
    "bon": "bốn",
    "tu": "tư",
    "nam": "năm",
    "lam": "lăm",
    "nham": "nhăm",
    "sau": "sáu",
    "bay": "bảy",
    "tam": "tám",
    "chin": "chín",
    "muoi": "mười",
    "muoi_ngang": "mươi",
    "tram": "trăm",
    "nghin": "nghìn",
    "ngan": "ngàn",
    "linh": "linh",
    "le": "lẻ",
}

_DIGITS = ("khong", "mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin")

# How the letters of a ticket prefix are called out (Vietnamese names of the Latin letters).
LETTER_NAMES: dict[str, str] = {
    "A": "a",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "E": "e",
    "F": "ép phờ",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét xì",
    "T": "tê",
    "U": "u",
    "V": "vê",
    "W": "vê kép",
    "X": "ích xì",
    "Y": "i dài",
    "Z": "dét",
}

THOUSAND_WORDS = ("nghin", "ngan")
ZERO_TENS_WORDS = ("linh", "le")
FIVE_AFTER_TENS_WORDS = ("lam", "nham")
FOUR_AFTER_TENS_WORDS = ("tu", "bon")

_TICKET = re.compile(r"([A-Z]*)([0-9]+)")


@dataclass(frozen=True)
class NumberStyle:
    """The regional choices of a reading: nghìn/ngàn, linh/lẻ, lăm/nhăm, tư/bốn."""

    thousand: str = "nghin"
    zero_tens: str = "linh"
    five_after_tens: str = "lam"
    four_after_tens: str = "tu"

    def __post_init__(self) -> None:
        for value, allowed in (
            (self.thousand, THOUSAND_WORDS),
            (self.zero_tens, ZERO_TENS_WORDS),
            (self.five_after_tens, FIVE_AFTER_TENS_WORDS),
            (self.four_after_tens, FOUR_AFTER_TENS_WORDS),
        ):
            if value not in allowed:
                raise ValueError(f"{value!r} is not one of {allowed}")


STANDARD = NumberStyle()
SOUTHERN = NumberStyle(thousand="ngan", zero_tens="le")


def letter_clip(letter: str) -> str:
    """The clip name of a ticket-prefix letter: "A" → "chu_a"."""
    if len(letter) != 1 or letter.upper() not in LETTER_NAMES:
        raise ValueError(f"not a letter A–Z: {letter!r}")
    return f"chu_{letter.lower()}"


def _below_thousand(n: int, full: bool, style: NumberStyle) -> list[str]:
    """1 ≤ n ≤ 999; ``full`` reads a zero hundreds digit ("không trăm") and a zero tens digit."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "tram"]
    if tens == 0:
        if units:
            if words:
                words.append(style.zero_tens)
            words.append(_DIGITS[units])  # một, bốn, năm after linh and alone
    elif tens == 1:
        words.append("muoi")
        if units == 5:
            words.append(style.five_after_tens)
        elif units:
            words.append(_DIGITS[units])  # mười một, mười bốn
    else:
        words += [_DIGITS[tens], "muoi_ngang"]
        if units == 1:
            words.append("mot_sac")
        elif units == 4:
            words.append(style.four_after_tens)
        elif units == 5:
            words.append(style.five_after_tens)
        elif units:
            words.append(_DIGITS[units])
    return words


def read_number(
    n: int,
    *,
    thousand: str = "nghin",
    zero_tens: str = "linh",
    five_after_tens: str = "lam",
    four_after_tens: str = "tu",
) -> list[str]:
    """The clip names of ``n`` (0 ≤ n ≤ 999 999) as spoken: 1005 → một nghìn không trăm linh năm."""
    style = NumberStyle(thousand, zero_tens, five_after_tens, four_after_tens)
    return read_number_in(n, style)


def read_number_in(n: int, style: NumberStyle = STANDARD) -> list[str]:
    """``read_number`` with the regional choices given as one ``NumberStyle``."""
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number out of range 0–{MAX_NUMBER}: {n!r}")
    if n == 0:
        return ["khong"]
    high, low = divmod(n, 1000)
    words: list[str] = []
    if high:
        words += _below_thousand(high, False, style)
        words.append(style.thousand)
    if low:
        words += _below_thousand(low, bool(high), style)
    return words


def spoken_text(
    n: int,
    *,
    thousand: str = "nghin",
    zero_tens: str = "linh",
    five_after_tens: str = "lam",
    four_after_tens: str = "tu",
) -> str:
    """``n`` in Vietnamese words with diacritics: 1005 → "một nghìn không trăm linh năm"."""
    words = read_number(
        n,
        thousand=thousand,
        zero_tens=zero_tens,
        five_after_tens=five_after_tens,
        four_after_tens=four_after_tens,
    )
    return " ".join(NUMBER_WORDS[w] for w in words)


def parse_ticket(ticket: str) -> tuple[str, int]:
    """Split a ticket number into its line prefix and number: " a012 " → ("A", 12)."""
    match = _TICKET.fullmatch(ticket.strip().upper())
    if match is None:
        raise ValueError(f"not a ticket number (letters then digits): {ticket!r}")
    number = int(match.group(2))
    if number > MAX_NUMBER:
        raise ValueError(f"ticket number out of range 0–{MAX_NUMBER}: {ticket!r}")
    return match.group(1), number


def read_ticket(ticket: str, style: NumberStyle = STANDARD) -> list[str]:
    """The clip names of a ticket: each prefix letter, then the number: "A012" → chu_a mười hai."""
    prefix, number = parse_ticket(ticket)
    return [letter_clip(ch) for ch in prefix] + read_number_in(number, style)


def all_number_clips() -> list[str]:
    """Every clip name any number or regional style may need."""
    return list(NUMBER_WORDS)


def all_letter_clips() -> list[str]:
    """The clip names of the letters A–Z."""
    return [letter_clip(ch) for ch in LETTER_NAMES]
