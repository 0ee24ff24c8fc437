"""Vietnamese numbers and ticket numbers as the hall's call-out voice says them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.vietnamese_numbers import (
    LETTER_NAMES,
    NUMBER_WORDS,
    SOUTHERN,
    STANDARD,
    NumberStyle,
    all_letter_clips,
    letter_clip,
    parse_ticket,
    read_number,
    read_number_in,
    read_ticket,
    spoken_text,
)

CLIP_DIR = Path(__file__).resolve().parents[2] / "resources" / "voice" / "vi"

# Written out by hand, each with the rule it shows.
SPOKEN = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),  # năm alone
    (10, "mười"),
    (11, "mười một"),  # một after mười, not mốt
    (14, "mười bốn"),  # bốn after mười, not tư
    (15, "mười lăm"),  # lăm after mười
    (20, "hai mươi"),  # mươi for the tens of 20–99
    (21, "hai mươi mốt"),  # mốt after mươi
    (24, "hai mươi tư"),  # tư after mươi
    (25, "hai mươi lăm"),  # lăm after mươi
    (100, "một trăm"),
    (101, "một trăm linh một"),  # linh for a zero tens digit; một after linh
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),  # năm after linh
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (124, "một trăm hai mươi tư"),
    (125, "một trăm hai mươi lăm"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),  # không trăm inside a larger number
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1015, "một nghìn không trăm mười lăm"),
    (1020, "một nghìn không trăm hai mươi"),
    (1021, "một nghìn không trăm hai mươi mốt"),
    (1100, "một nghìn một trăm"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (9999, "chín nghìn chín trăm chín mươi chín"),
    (10000, "mười nghìn"),
    (12345, "mười hai nghìn ba trăm bốn mươi lăm"),
    (21000, "hai mươi mốt nghìn"),
    (101000, "một trăm linh một nghìn"),
    (105005, "một trăm linh năm nghìn không trăm linh năm"),
    (999999, "chín trăm chín mươi chín nghìn chín trăm chín mươi chín"),
]


@pytest.mark.parametrize(("n", "text"), SPOKEN)
def test_spoken_text(n: int, text: str) -> None:
    assert spoken_text(n) == text


def test_clip_names_of_1005() -> None:
    assert read_number(1005) == ["mot", "nghin", "khong", "tram", "linh", "nam"]


def test_mot_and_muoi_have_distinct_clips_for_each_tone() -> None:
    assert read_number(11) == ["muoi", "mot"]
    assert read_number(21) == ["hai", "muoi_ngang", "mot_sac"]
    assert read_number(101) == ["mot", "tram", "linh", "mot"]


SOUTHERN_SPOKEN = [
    (101, "một trăm lẻ một"),
    (105, "một trăm lẻ năm"),
    (1005, "một ngàn không trăm lẻ năm"),
    (2024, "hai ngàn không trăm hai mươi tư"),
    (12345, "mười hai ngàn ba trăm bốn mươi lăm"),
]


@pytest.mark.parametrize(("n", "text"), SOUTHERN_SPOKEN)
def test_southern_reading(n: int, text: str) -> None:
    assert spoken_text(n, thousand="ngan", zero_tens="le") == text
    assert " ".join(NUMBER_WORDS[w] for w in read_number_in(n, SOUTHERN)) == text


@pytest.mark.parametrize(
    ("n", "text"),
    [(15, "mười nhăm"), (25, "hai mươi nhăm"), (105, "một trăm linh năm"), (5, "năm")],
)
def test_nham_replaces_lam_only_after_tens(n: int, text: str) -> None:
    assert spoken_text(n, five_after_tens="nham") == text


@pytest.mark.parametrize(
    ("n", "text"), [(24, "hai mươi bốn"), (14, "mười bốn"), (104, "một trăm linh bốn")]
)
def test_bon_instead_of_tu_after_mươi(n: int, text: str) -> None:
    assert spoken_text(n, four_after_tens="bon") == text


@pytest.mark.parametrize(
    "kwargs", [{"thousand": "ngin"}, {"zero_tens": "linh "}, {"five_after_tens": "nam"}]
)
def test_unknown_regional_word_is_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        read_number(1, **kwargs)


@pytest.mark.parametrize("n", [-1, 1_000_000, True])
def test_out_of_range_is_refused(n: int) -> None:
    with pytest.raises(ValueError):
        read_number(n)


class TestTickets:
    def test_letter_then_number_without_leading_zeros(self) -> None:
        assert read_ticket("A012") == ["chu_a", "muoi", "hai"]

    def test_lower_case_and_spaces(self) -> None:
        assert read_ticket(" b105 ") == ["chu_b", "mot", "tram", "linh", "nam"]

    def test_without_letter(self) -> None:
        assert read_ticket("0021") == ["hai", "muoi_ngang", "mot_sac"]

    def test_two_letters(self) -> None:
        assert read_ticket("UT3") == ["chu_u", "chu_t", "ba"]

    def test_all_zeros(self) -> None:
        assert read_ticket("A000") == ["chu_a", "khong"]

    def test_regional_style(self) -> None:
        assert read_ticket("C1005", SOUTHERN) == [
            "chu_c",
            "mot",
            "ngan",
            "khong",
            "tram",
            "le",
            "nam",
        ]

    @pytest.mark.parametrize("bad", ["", "A", "12A", "A-12", "Đ12", "A1234567"])
    def test_not_a_ticket(self, bad: str) -> None:
        with pytest.raises(ValueError):
            read_ticket(bad)

    def test_parse(self) -> None:
        assert parse_ticket("a0012") == ("A", 12)

    def test_every_letter_has_a_clip_and_a_name(self) -> None:
        assert len(LETTER_NAMES) == 26
        assert letter_clip("z") == "chu_z"
        assert len(set(all_letter_clips())) == 26


# Properties over the whole range -------------------------------------------------------------

_numbers = st.integers(min_value=0, max_value=999_999)
_styles = st.builds(
    NumberStyle,
    thousand=st.sampled_from(["nghin", "ngan"]),
    zero_tens=st.sampled_from(["linh", "le"]),
    five_after_tens=st.sampled_from(["lam", "nham"]),
    four_after_tens=st.sampled_from(["tu", "bon"]),
)


@given(st.integers(min_value=1, max_value=9999))
def test_every_clip_of_1_to_9999_is_bundled(n: int) -> None:
    for name in read_number(n):
        assert (CLIP_DIR / f"{name}.wav").is_file(), name


@given(_numbers, _styles)
def test_every_clip_of_any_style_is_bundled(n: int, style: NumberStyle) -> None:
    for name in read_number_in(n, style):
        assert (CLIP_DIR / f"{name}.wav").is_file(), name


def test_every_letter_clip_is_bundled() -> None:
    for name in all_letter_clips():
        assert (CLIP_DIR / f"{name}.wav").is_file(), name


@given(_numbers)
def test_words_follow_the_rules(n: int) -> None:
    words = read_number(n)
    for before, word in zip(["^", *words], words, strict=False):
        if word == "mot_sac":
            assert before == "muoi_ngang"
        if word == "lam":
            assert before in ("muoi", "muoi_ngang")
        if word == "tu":
            assert before == "muoi_ngang"
        if word == "linh":
            assert before == "tram"
        if word == "muoi_ngang":
            assert before in ("hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin")
    assert words.count("nghin") == (1 if n >= 1000 else 0)


@given(_numbers)
def test_standard_style_is_the_default(n: int) -> None:
    assert read_number(n) == read_number_in(n, STANDARD)


_VALUES = {
    "khong": 0,
    "mot": 1,
    "mot_sac": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
}
_VALUES |= {"nham": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9}


def _value(words: list[str]) -> int:
    """An independent reading of the words back into a number (the test's oracle)."""
    total = group = last = 0
    for w in words:
        if w in _VALUES:
            last = _VALUES[w]
            group += last
        elif w == "tram":
            group += last * 99
        elif w == "muoi":
            group += 10
        elif w == "muoi_ngang":
            group += last * 9
        elif w in ("nghin", "ngan"):
            total, group = group * 1000, 0
        else:
            assert w in ("linh", "le"), w
    return total + group


def test_every_number_to_9999_reads_back_to_itself() -> None:
    for n in range(10_000):
        assert _value(read_number(n)) == n, n


@given(_numbers, _styles)
def test_any_number_in_any_style_reads_back_to_itself(n: int, style: NumberStyle) -> None:
    assert _value(read_number_in(n, style)) == n


def test_clip_set_covers_every_number_to_9999() -> None:
    needed = {name for n in range(10_000) for name in read_number(n)}
    assert {name for name in needed if not (CLIP_DIR / f"{name}.wav").is_file()} == set()
