"""Identity numbers and S10 postal codes: what is accepted, what is refused and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.errors import DomainError
from counter_app.domain.identity import (
    CCCD_PROVINCES,
    CccdCard,
    CccdInfo,
    Gender,
    looks_like_cccd_qr,
    parse_cccd_qr,
    phone_kind,
    s10_check_digit,
    split_address,
    validate_cccd,
    validate_cmnd,
    validate_passport,
    validate_phone,
    validate_s10,
)

TODAY = date(2026, 3, 2)


def error_of(fn: Callable[..., object], *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as err:
        fn(*args, **kwargs)
    return err.value


class TestProvinces:
    def test_sixty_three_codes(self) -> None:
        assert len(CCCD_PROVINCES) == 63
        assert all(len(code) == 3 and code.isdigit() for code in CCCD_PROVINCES)

    def test_known_codes(self) -> None:
        assert CCCD_PROVINCES["001"] == "Hà Nội"
        assert CCCD_PROVINCES["042"] == "Hà Tĩnh"
        assert CCCD_PROVINCES["079"] == "TP Hồ Chí Minh"
        assert CCCD_PROVINCES["096"] == "Cà Mau"
        assert "003" not in CCCD_PROVINCES
        assert min(CCCD_PROVINCES) == "001" and max(CCCD_PROVINCES) == "096"


class TestCccd:
    def test_decodes_a_valid_number(self) -> None:
        info = validate_cccd("042190012345", today=TODAY)
        assert info == CccdInfo(
            number="042190012345",
            province_code="042",
            province_name="Hà Tĩnh",
            gender=Gender.FEMALE,
            birth_century_start=1900,
            birth_year_two_digits=90,
        )
        assert info.birth_year == 1990

    def test_spaces_are_stripped(self) -> None:
        assert validate_cccd(" 001 085 012345 ", today=TODAY).number == "001085012345"

    @pytest.mark.parametrize(
        ("digit", "century", "gender"),
        [
            ("0", 1900, Gender.MALE),
            ("1", 1900, Gender.FEMALE),
            ("2", 2000, Gender.MALE),
            ("3", 2000, Gender.FEMALE),
        ],
    )
    def test_century_and_gender_digit(self, digit: str, century: int, gender: Gender) -> None:
        info = validate_cccd(f"079{digit}05123456", today=TODAY)
        assert (info.birth_century_start, info.gender, info.birth_year) == (
            century,
            gender,
            century + 5,
        )

    @pytest.mark.parametrize("digit", ["4", "5", "6", "7", "8", "9"])
    def test_later_centuries_are_in_the_future(self, digit: str) -> None:
        err = error_of(validate_cccd, f"079{digit}05123456", today=TODAY)
        assert err.code == "cccd.future_birth"

    def test_2100s_accepted_when_the_time_comes(self) -> None:
        info = validate_cccd("079500123456", today=date(2101, 1, 1))
        assert (info.birth_century_start, info.gender) == (2100, Gender.FEMALE)

    def test_future_year_this_century(self) -> None:
        err = error_of(validate_cccd, "079227123456", today=TODAY)
        assert err.code == "cccd.future_birth"
        assert err.params == {"year": 2027}
        assert validate_cccd("079226123456", today=TODAY).birth_year == 2026

    @pytest.mark.parametrize("number", ["", "   ", None])
    def test_empty(self, number: str) -> None:
        assert error_of(validate_cccd, number).code == "cccd.empty"

    @pytest.mark.parametrize("number", ["04219001234a", "042-190-012345", "٠٤٢١٩٠٠١٢٣٤٥"])
    def test_not_digits(self, number: str) -> None:
        assert error_of(validate_cccd, number).code == "cccd.not_digits"

    def test_full_width_digits_are_read(self) -> None:
        assert validate_cccd("０４２１９００１２３４５", today=TODAY).number == "042190012345"

    @pytest.mark.parametrize("number", ["04219001234", "0421900123456", "123456789"])
    def test_length(self, number: str) -> None:
        err = error_of(validate_cccd, number)
        assert err.code == "cccd.length"
        assert err.params == {"length": len(number)}

    @pytest.mark.parametrize("province", ["000", "003", "097", "099", "999"])
    def test_unknown_province(self, province: str) -> None:
        err = error_of(validate_cccd, f"{province}190012345", today=TODAY)
        assert err.code == "cccd.province"
        assert err.params == {"code": province}

    def test_birth_date_must_match(self) -> None:
        assert (
            validate_cccd("042190012345", birth_date=date(1990, 5, 17), today=TODAY).birth_year
            == 1990
        )
        err = error_of(validate_cccd, "042190012345", birth_date=date(1991, 5, 17), today=TODAY)
        assert err.code == "cccd.birth_year_mismatch"
        assert err.params == {"number_year": 1990, "birth_year": 1991}

    def test_birth_date_century_must_match(self) -> None:
        err = error_of(validate_cccd, "042290012345", birth_date=date(1990, 1, 1), today=TODAY)
        assert err.code == "cccd.future_birth"  # 2090
        err = error_of(validate_cccd, "042205012345", birth_date=date(1905, 1, 1), today=TODAY)
        assert err.code == "cccd.birth_year_mismatch"

    def test_gender_must_match(self) -> None:
        assert (
            validate_cccd("042190012345", gender=Gender.FEMALE, today=TODAY).gender is Gender.FEMALE
        )
        err = error_of(validate_cccd, "042190012345", gender=Gender.MALE, today=TODAY)
        assert err.code == "cccd.gender_mismatch"
        assert err.params == {"number_gender": Gender.FEMALE, "gender": Gender.MALE}

    def test_gender_as_plain_string(self) -> None:
        assert validate_cccd("042090012345", gender="male", today=TODAY).gender is Gender.MALE  # type: ignore[arg-type]

    @given(
        st.sampled_from(sorted(CCCD_PROVINCES)),
        st.dates(date(1900, 1, 1), TODAY),
        st.sampled_from(list(Gender)),
        st.integers(0, 999_999),
    )
    def test_numbers_built_from_a_person_validate(
        self, province: str, birth: date, gender: Gender, rest: int
    ) -> None:
        century_digit = (birth.year // 100 - 19) * 2 + (gender is Gender.FEMALE)
        number = f"{province}{century_digit}{birth.year % 100:02d}{rest:06d}"
        info = validate_cccd(number, birth_date=birth, gender=gender, today=TODAY)
        assert (info.birth_year, info.gender, info.province_code) == (birth.year, gender, province)


class TestCmnd:
    def test_valid(self) -> None:
        assert validate_cmnd(" 183 456 789 ") == "183456789"

    @pytest.mark.parametrize(
        ("number", "code"),
        [
            ("", "cmnd.empty"),
            ("18345678x", "cmnd.not_digits"),
            ("18345678", "cmnd.length"),
            ("042190012345", "cmnd.length"),
        ],
    )
    def test_invalid(self, number: str, code: str) -> None:
        assert error_of(validate_cmnd, number).code == code

    def test_length_param(self) -> None:
        assert error_of(validate_cmnd, "1234").params == {"length": 4}


class TestPassport:
    def test_vietnamese(self) -> None:
        assert validate_passport("c1234567") == "C1234567"
        assert validate_passport("B 1234567", vietnamese=True) == "B1234567"

    def test_foreign(self) -> None:
        assert validate_passport("X12AB34") == "X12AB34"
        assert validate_passport("123456789", vietnamese=False) == "123456789"

    @pytest.mark.parametrize(
        ("number", "kwargs", "code"),
        [
            ("", {}, "passport.empty"),
            ("C123-4567", {}, "passport.characters"),
            ("C12345", {"vietnamese": True}, "passport.vietnamese_format"),
            ("12345678", {"vietnamese": True}, "passport.vietnamese_format"),
            ("AB123456", {"vietnamese": True}, "passport.vietnamese_format"),
            ("A1234", {}, "passport.length"),
            ("A123456789", {}, "passport.length"),
        ],
    )
    def test_invalid(self, number: str, kwargs: dict[str, bool], code: str) -> None:
        assert error_of(validate_passport, number, **kwargs).code == code


class TestS10:
    def test_hand_checked_example(self) -> None:
        # 1·8 + 2·6 + 3·4 + 4·2 + 5·3 + 6·5 + 7·9 + 8·7 = 204; 204 mod 11 = 6; 11 − 6 = 5
        assert s10_check_digit("12345678") == 5
        assert validate_s10("EB123456785VN") == "EB123456785VN"

    def test_special_remainders(self) -> None:
        # sum 0: 11 - 0 = 11 -> 5
        assert s10_check_digit("00000000") == 5
        # sixth digit has weight 5: sum 5 -> 11 - 5 = 6
        assert s10_check_digit("00000100") == 6
        # fifth digit has weight 3: sum 3 -> 11 - 3 = 8
        assert s10_check_digit("00001000") == 8

    def test_check_digit_ten_becomes_zero(self) -> None:
        # need sum mod 11 == 1: weight 2 at position 4 with digit 6 -> 12 -> 1
        assert s10_check_digit("00060000") == 0

    def test_normalises(self) -> None:
        assert validate_s10(" eb 123 456 785 vn ") == "EB123456785VN"

    def test_country(self) -> None:
        assert validate_s10("EB123456785VN", country="vn") == "EB123456785VN"
        err = error_of(validate_s10, "EB123456785FR", country="VN")
        assert err.code == "s10.country"
        assert err.params == {"country": "FR", "expected": "VN"}

    @pytest.mark.parametrize(
        ("code", "error"),
        [
            ("", "s10.empty"),
            ("EB12345678VN", "s10.length"),
            ("EB1234567855VN", "s10.length"),
            ("E1123456785VN", "s10.format"),
            ("EB12345678AVN", "s10.format"),
            ("EB123456785V1", "s10.format"),
            ("EB123456784VN", "s10.check_digit"),
        ],
    )
    def test_invalid(self, code: str, error: str) -> None:
        assert error_of(validate_s10, code).code == error

    def test_check_digit_error_params(self) -> None:
        assert error_of(validate_s10, "EB123456784VN").params == {
            "value": "EB123456784VN",
            "expected": 5,
        }

    @pytest.mark.parametrize("serial", ["1234567", "123456789", "1234567a"])
    def test_bad_serial(self, serial: str) -> None:
        assert error_of(s10_check_digit, serial).code == "s10.serial"

    @given(st.from_regex(r"[A-Z]{2}", fullmatch=True), st.integers(0, 99_999_999))
    def test_any_serial_with_its_check_digit_validates(self, prefix: str, serial: int) -> None:
        digits = f"{serial:08d}"
        check = s10_check_digit(digits)
        assert 0 <= check <= 9
        code = f"{prefix}{digits}{check}VN"
        assert validate_s10(code) == code
        wrong = f"{prefix}{digits}{(check + 1) % 10}VN"
        assert error_of(validate_s10, wrong).code == "s10.check_digit"


# A real-shaped QR payload of a chip-based CCCD card (invented person, valid number for 2001, female).
CARD_QR = "042301000123|183456789|Nguyễn Thị Ánh Tuyết|15032001|Nữ|Thôn 3, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh|20042021"


class TestCccdQr:
    def test_reads_every_field(self) -> None:
        assert parse_cccd_qr(CARD_QR) == CccdCard(
            number="042301000123",
            old_id_number="183456789",
            full_name="Nguyễn Thị Ánh Tuyết",
            birth_date=date(2001, 3, 15),
            gender=Gender.FEMALE,
            address="Thôn 3, Xã Thạch Trung, Thành phố Hà Tĩnh, Hà Tĩnh",
            issue_date=date(2021, 4, 20),
        )

    def test_card_without_old_id_and_a_post_2025_address(self) -> None:
        card = parse_cccd_qr("001099012345||Trần Văn Nam|01021999|Nam|Số 12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội|05072025")
        assert card.old_id_number == ""
        assert card.gender is Gender.MALE
        assert card.birth_date == date(1999, 2, 1)
        assert card.address == "Số 12 Hàng Bạc, Phường Hoàn Kiếm, Thành phố Hà Nội"
        assert validate_cccd(card.number, birth_date=card.birth_date, gender=card.gender, today=TODAY).birth_year == 1999

    def test_decomposed_vietnamese_comes_back_composed(self) -> None:
        import unicodedata

        card = parse_cccd_qr(unicodedata.normalize("NFD", CARD_QR))
        assert card.full_name == "Nguyễn Thị Ánh Tuyết"
        assert unicodedata.is_normalized("NFC", card.address)
        assert card.gender is Gender.FEMALE

    @pytest.mark.parametrize("tail", ["|", "||", "|\r\n", "\n"])
    def test_trailing_separators_and_line_ends(self, tail: str) -> None:
        card = parse_cccd_qr(CARD_QR + tail)
        assert card.issue_date == date(2021, 4, 20)
        assert card.full_name == "Nguyễn Thị Ánh Tuyết"

    def test_shape_check_tells_a_card_from_a_dossier_code(self) -> None:
        assert looks_like_cccd_qr(CARD_QR)
        assert not looks_like_cccd_qr("000.00.06.H27-261130-0001")
        assert not looks_like_cccd_qr("042301000123")

    @pytest.mark.parametrize(
        ("payload", "code"),
        [
            ("042301000123", "cccd_qr.not_a_card"),
            ("042301000123|183456789|Nguyễn Thị Ánh Tuyết", "cccd_qr.fields"),
            ("04230100012|183456789|Nguyễn Thị Ánh Tuyết|15032001|Nữ|Hà Tĩnh|20042021", "cccd_qr.number"),
            ("042301000123|183456789|Nguyễn Thị Ánh Tuyết|31022001|Nữ|Hà Tĩnh|20042021", "cccd_qr.date"),
            ("042301000123|183456789|Nguyễn Thị Ánh Tuyết|2001-03-15|Nữ|Hà Tĩnh|20042021", "cccd_qr.date"),
            ("042301000123|183456789|Nguyễn Thị Ánh Tuyết|15032001|X|Hà Tĩnh|20042021", "cccd_qr.sex"),
            ("042301000123|183456789||15032001|Nữ|Hà Tĩnh|20042021", "cccd_qr.name"),
            ("003301000123|183456789|Nguyễn Thị Ánh Tuyết|15032001|Nữ|Hà Tĩnh|20042021", "cccd.province"),
        ],
    )
    def test_malformed_payloads_are_refused_with_a_reason(self, payload: str, code: str) -> None:
        assert error_of(parse_cccd_qr, payload).code == code

    def test_birth_date_of_the_card_cross_checks_the_number(self) -> None:
        card = parse_cccd_qr(CARD_QR.replace("15032001", "15031999"))
        err = error_of(validate_cccd, card.number, birth_date=card.birth_date, gender=card.gender, today=TODAY)
        assert err.code == "cccd.birth_year_mismatch"
        assert err.params == {"number_year": 2001, "birth_year": 1999}

    def test_split_address(self) -> None:
        assert split_address(" Thôn 3 ,  Xã Thạch Trung,, Hà Tĩnh ") == ["Thôn 3", "Xã Thạch Trung", "Hà Tĩnh"]


class TestPhone:
    @pytest.mark.parametrize(
        ("typed", "number", "kind"),
        [
            ("0912345678", "0912345678", "mobile"),
            ("0912 345 678", "0912345678", "mobile"),
            ("091.234.5678", "0912345678", "mobile"),
            ("+84 912 345 678", "0912345678", "mobile"),
            ("+84912345678", "0912345678", "mobile"),
            ("84912345678", "0912345678", "mobile"),
            ("0345678901", "0345678901", "mobile"),
            ("0559876543", "0559876543", "mobile"),
            ("0701234567", "0701234567", "mobile"),
            ("0812345678", "0812345678", "mobile"),
            ("(0239) 3 999 000", "02393999000", "landline"),
            ("024 3825 1234", "02438251234", "landline"),
            ("+84 28 3822 1234", "02838221234", "landline"),
            ("842393999000", "02393999000", "landline"),
            ("０９１２３４５６７８", "0912345678", "mobile"),
        ],
    )
    def test_accepted_and_normalised(self, typed: str, number: str, kind: str) -> None:
        assert validate_phone(typed) == number
        assert phone_kind(number) == kind

    def test_empty_is_no_phone(self) -> None:
        assert validate_phone("  ") == ""

    @pytest.mark.parametrize(
        "typed",
        [
            "0012345678",  # two zeros: an international prefix, not a Vietnamese number
            "0112345678",  # 01x: retired in 2018
            "0412345678",
            "0612345678",
            "091234567",  # 9 digits
            "09123456789",  # 11 digits for a mobile
            "0239399900",  # 10 digits for a landline
            "+85512345678",
            "09123456a8",
            "84912345",
        ],
    )
    def test_refused(self, typed: str) -> None:
        err = error_of(validate_phone, typed)
        assert err.code == "phone.invalid"
        assert err.params == {"value": typed}
