"""A scan rewritten by a Vietnamese input method (Unikey/EVKey, Telex or VNI) is told apart from a code.

Each rewritten text below is what a real input-method engine made of the scanner's keys: bogo 1.1,
the engine of ibus-bogo, with its spelling check on, fed word by word as an input method is
(Telex: letters; VNI: letters and digits). A dossier code in the national format
(``000.00.31.H27-261130-0001``) has no vowel and no doubled letter, so both leave it as it is; what
gets rewritten are codes with vowels next to a key of the input method: agency codes with
letters, postal item numbers, links in QR codes.
"""

from __future__ import annotations

import pytest

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import describe_error
from counter_app.services.scans import looks_like_scan, rewritten_by_input_method, scan_fault

# (what the scanner typed, what the app received with the input method on)
REWRITTEN = [
    ("DDHQG.H27-261130-0001", "ĐHQG.H27-261130-0001"),  # Telex: dd → đ
    ("VIEETS.H27-261130-0001", "VIẾT.H27-261130-0001"),  # Telex: ee → ê, then s puts the sắc tone on it
    ("EE123456785VN", "Ê123456785VN"),  # Telex: a postal item number with a doubled vowel
    ("https://tracuu.hatinh.gov.vn/hoso1?ma=1", "https://tracuu.hatinh.gov.vn/hosó?ma=1"),  # VNI: 1 = sắc
    ("https://tracuu.hatinh.gov.vn/hoso1?ma=1", "https://tracuu.hatinh.gov.vn/hố1?ma=1"),  # Telex: oo → ô, s
    # Unikey set to "Unicode tổ hợp" sends the tone as a combining mark after the letter
    ("https://tracuu.hatinh.gov.vn/hoso1?ma=1", "https://tracuu.hatinh.gov.vn/hoso\u0301?ma=1"),
]

UNCHANGED = [
    "000.00.31.H27-261130-0001",  # no vowel, no doubled letter: Telex and VNI leave it alone
    "EB123456785VN",
    "2.000595",
    "A012",
    "https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?ma_ho_so=000.00.31.H27-261130-0001",
    # the CCCD card's QR carries Vietnamese words of its own
    "042301000123|181234567|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Số 5, phường Thành Sen, Hà Tĩnh|15082021",
]


@pytest.mark.parametrize(("typed", "received"), REWRITTEN)
def test_a_rewritten_scan_is_recognised(typed: str, received: str) -> None:
    assert typed != received
    assert not rewritten_by_input_method(typed)
    assert rewritten_by_input_method(received)
    assert rewritten_by_input_method("]C0" + received)
    assert looks_like_scan(received)  # it is taken for a scan, so it needs these words, not "not found"
    assert scan_fault(received) == "scan.input_method"


@pytest.mark.parametrize("code", UNCHANGED)
def test_codes_as_the_scanner_sent_them_pass(code: str) -> None:
    assert scan_fault(code) is None


def test_keys_taken_back_inside_a_burst_mean_an_input_method_even_without_accents() -> None:
    # Telex: "www" → "ww" (w → ư, a second w takes it back): Unikey sends Backspace and the new letters
    assert scan_fault("https://ww.dichvucong.gov.vn/p/home", taken_back=True) == "scan.input_method"
    assert scan_fault("https://www.dichvucong.gov.vn/p/home") is None


def test_the_hint_is_vietnamese_and_names_the_scan(vi: None) -> None:
    text = describe_error(DomainError("scan.input_method", code="ĐHQG.H27-261130-0001"))
    assert "ĐHQG.H27-261130-0001" in text
    assert "bộ gõ tiếng Việt" in text and "USB CDC" in text
    assert "không tìm thấy" not in text.lower()
