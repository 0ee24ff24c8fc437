"""Vietnamese text helpers: normalisation, accent-free search keys, tokens."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.text import normalize, search_key, tokens

VIETNAMESE_NAMES = [
    "Cấp lại Giấy khai sinh",
    "Đăng ký kết hôn có yếu tố nước ngoài",
    "Cấp điện mới từ lưới điện hạ áp",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "Thủ tục đăng ký hộ tịch trực tuyến",
    "Ưu đãi người có công với cách mạng",
]


class TestNormalize:
    def test_nfd_input_becomes_nfc(self) -> None:
        nfd = unicodedata.normalize("NFD", "Hà Tĩnh")
        assert nfd != "Hà Tĩnh"
        assert normalize(nfd) == "Hà Tĩnh"

    def test_strips_and_collapses_whitespace(self) -> None:
        assert normalize("  Nguyễn\t\tVăn \n  An  ") == "Nguyễn Văn An"

    def test_removes_control_characters(self) -> None:
        assert normalize("Lê\x00 Thị\x07 Hoa\x7f\x9b") == "Lê Thị Hoa"

    def test_removes_zero_width_space_and_bom(self) -> None:
        assert normalize("\ufeffTrần\u200b Minh") == "Trần Minh"

    def test_control_between_spaces_leaves_one_space(self) -> None:
        assert normalize("a \x01 b") == "a b"

    def test_keeps_emoji_sequences(self) -> None:
        family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
        assert normalize(f" chúc mừng {family} ") == f"chúc mừng {family}"

    def test_empty(self) -> None:
        assert normalize("") == ""
        assert normalize(" \t\n ") == ""

    def test_long_input(self) -> None:
        text = ("Giấy   khai\tsinh " * 700)[:10_000]
        result = normalize(text)
        assert "  " not in result
        assert result.startswith("Giấy khai sinh Giấy")
        assert len(result) < len(text)

    def test_long_emoji_input(self) -> None:
        text = "\U0001f600 Hà\u0300 " * 2000
        result = normalize(text)
        assert result.count("\U0001f600") == 2000
        assert len(search_key(text)) == len(result) - 2000  # the grave accent goes

    def test_lone_surrogate_removed(self) -> None:
        assert normalize("ab\ud800c") == "abc"
        normalize("ab\ud800c").encode("utf-8")  # storable

    @given(st.text(max_size=300))
    def test_idempotent(self, text: str) -> None:
        once = normalize(text)
        assert normalize(once) == once

    @given(st.text(max_size=300))
    def test_result_has_no_edge_space_or_double_space(self, text: str) -> None:
        result = normalize(text)
        assert result == result.strip()
        assert "  " not in result
        assert not any(unicodedata.category(ch) == "Cc" for ch in result)
        assert unicodedata.is_normalized("NFC", result)


class TestSearchKey:
    @pytest.mark.parametrize(
        "variant",
        [
            "Cấp lại Giấy khai sinh",
            unicodedata.normalize("NFD", "Cấp lại Giấy khai sinh"),
            "CẤP LẠI GIẤY KHAI SINH",
            unicodedata.normalize("NFD", "CẤP LẠI GIẤY KHAI SINH"),
            "cap lai giay khai sinh",
            "  Cap   lai\tgiay khai SINH ",
        ],
    )
    def test_variants_share_the_key(self, variant: str) -> None:
        assert search_key(variant) == "cap lai giay khai sinh"

    def test_d_with_stroke(self) -> None:
        assert search_key("Đăng ký điện") == "dang ky dien"
        assert search_key("ĐỒNG THÁP") == "dong thap"

    def test_all_vietnamese_vowels(self) -> None:
        assert search_key("àáảãạăằắẳẵặâầấẩẫậ") == "a" * 17
        assert search_key("ƯỨỪỬỮỰ ơớờởỡợ") == "uuuuuu oooooo"

    def test_full_width_digits(self) -> None:
        assert search_key("Ｍã １２３") == "ma 123"

    def test_empty(self) -> None:
        assert search_key("") == ""
        assert search_key("\x00 ") == ""

    @given(st.sampled_from(VIETNAMESE_NAMES), st.sampled_from(["NFC", "NFD"]), st.booleans())
    def test_forms_and_case_map_to_same_key(self, name: str, form: str, upper: bool) -> None:
        variant = unicodedata.normalize(form, name.upper() if upper else name)
        assert search_key(variant) == search_key(name)
        assert search_key(variant).isascii()

    @given(st.text(max_size=200))
    def test_key_is_stable(self, text: str) -> None:
        key = search_key(text)
        assert search_key(key) == key
        assert key == key.lower()
        assert not any(unicodedata.category(ch) == "Mn" for ch in key)

    @given(st.text(max_size=100))
    def test_nfd_and_nfc_agree(self, text: str) -> None:
        nfc = unicodedata.normalize("NFC", text)
        nfd = unicodedata.normalize("NFD", text)
        assert search_key(nfc) == search_key(nfd)


class TestTokens:
    def test_words(self) -> None:
        assert tokens("Cấp lại Giấy khai sinh") == ["cap", "lai", "giay", "khai", "sinh"]

    def test_punctuation_splits(self) -> None:
        assert tokens("giấy tờ, văn bản (bản sao)") == ["giay", "to", "van", "ban", "ban", "sao"]

    def test_dotted_code_whole_and_parts(self) -> None:
        assert tokens("Thủ tục 1.001234") == ["thu", "tuc", "1.001234", "1", "001234"]

    def test_dotted_code_without_parts(self) -> None:
        assert tokens("mã 1.001234.", code_parts=False) == ["ma", "1.001234"]

    def test_agency_code_is_a_token(self) -> None:
        assert "000.00.06.h56" in tokens("000.00.06.H56-231027-0361")

    def test_dotted_words_without_digits_are_split(self) -> None:
        assert tokens("TP.HCM") == ["tp", "hcm"]

    def test_empty(self) -> None:
        assert tokens("") == []
        assert tokens(" ,.- ") == []

    @given(st.text(max_size=200))
    def test_tokens_have_no_separators(self, text: str) -> None:
        for token in tokens(text):
            assert token
            assert " " not in token
            assert not token.startswith(".") and not token.endswith(".")
