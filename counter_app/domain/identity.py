"""Identity numbers (CCCD, CMND, passport) and UPU S10 postal item codes: checks and decoding."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from counter_app.domain.errors import DomainError


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


# Province (or city) where the birth was registered: digits 1–3 of a CCCD number.
# Annex 1 of Circular 07/2016/TT-BCA (the 63 provinces before the 2025 merger; numbers
# already issued keep these codes).
CCCD_PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

_DIGITS = frozenset("0123456789")
_VN_PASSPORT = re.compile(r"[A-Z]\d{7}")
_ALNUM = re.compile(r"[A-Z0-9]+")
_S10 = re.compile(r"([A-Z]{2})(\d{8})(\d)([A-Z]{2})")
_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


@dataclass(frozen=True, slots=True)
class CccdInfo:
    """What a CCCD number tells: birth province, gender and birth year."""

    number: str
    province_code: str
    province_name: str
    gender: Gender
    birth_century_start: int  # 1900, 2000, …
    birth_year_two_digits: int

    @property
    def birth_year(self) -> int:
        return self.birth_century_start + self.birth_year_two_digits


def _compact(number: str) -> str:
    """NFKC (full-width digits become ASCII) without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", number or "").split())


def validate_cccd(
    number: str,
    *,
    birth_date: date | None = None,
    gender: Gender | None = None,
    today: date | None = None,
) -> CccdInfo:
    """Check a 12-digit CCCD number (spaces allowed) and decode it.

    When ``birth_date`` or ``gender`` are given they must agree with digits 4–6. A birth year
    after ``today``'s year (default: the system date) is impossible.
    """
    text = _compact(number)
    if not text:
        raise DomainError("cccd.empty")
    if not set(text) <= _DIGITS:
        raise DomainError("cccd.not_digits")
    if len(text) != 12:
        raise DomainError("cccd.length", length=len(text))
    province = text[:3]
    if province not in CCCD_PROVINCES:
        raise DomainError("cccd.province", code=province)
    century_digit = int(text[3])
    century = 1900 + 100 * (century_digit // 2)
    number_gender = Gender.MALE if century_digit % 2 == 0 else Gender.FEMALE
    two_digits = int(text[4:6])
    year = century + two_digits
    this_year = (today or date.today()).year
    if year > this_year:
        raise DomainError("cccd.future_birth", year=year)
    if birth_date is not None and birth_date.year != year:
        raise DomainError("cccd.birth_year_mismatch", number_year=year, birth_year=birth_date.year)
    if gender is not None and Gender(gender) is not number_gender:
        raise DomainError(
            "cccd.gender_mismatch", number_gender=number_gender, gender=Gender(gender)
        )
    return CccdInfo(
        number=text,
        province_code=province,
        province_name=CCCD_PROVINCES[province],
        gender=number_gender,
        birth_century_start=century,
        birth_year_two_digits=two_digits,
    )


def validate_cmnd(number: str) -> str:
    """Check an old 9-digit CMND number; returns it without spaces."""
    text = _compact(number)
    if not text:
        raise DomainError("cmnd.empty")
    if not set(text) <= _DIGITS:
        raise DomainError("cmnd.not_digits")
    if len(text) != 9:
        raise DomainError("cmnd.length", length=len(text))
    return text


def validate_passport(number: str, *, vietnamese: bool | None = None) -> str:
    """Check a passport number; returns it upper-cased without spaces.

    Vietnamese passports: one letter and 7 digits (``C1234567``); foreign ones: 6–9 letters
    or digits. ``vietnamese=None`` accepts either.
    """
    text = _compact(number).upper()
    if not text:
        raise DomainError("passport.empty")
    if not _ALNUM.fullmatch(text):
        raise DomainError("passport.characters")
    if vietnamese:
        if not _VN_PASSPORT.fullmatch(text):
            raise DomainError("passport.vietnamese_format")
    elif not 6 <= len(text) <= 9:
        raise DomainError("passport.length", length=len(text))
    return text


def s10_check_digit(serial8: str) -> int:
    """UPU S10 check digit of an 8-digit serial: 12345678 -> 5."""
    if len(serial8) != 8 or not set(serial8) <= _DIGITS:
        raise DomainError("s10.serial", serial=serial8)
    total = sum(int(d) * w for d, w in zip(serial8, _S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 10:
        return 0
    if check == 11:
        return 5
    return check


def validate_s10(code: str, *, country: str | None = None) -> str:
    """Check a postal item code like ``EB123456785VN``; returns it upper-cased without spaces.

    ``country``, when given, is the only country code accepted.
    """
    text = _compact(code).upper()
    if not text:
        raise DomainError("s10.empty")
    if len(text) != 13:
        raise DomainError("s10.length", length=len(text))
    match = _S10.fullmatch(text)
    if match is None:
        raise DomainError("s10.format", value=text)
    _, serial, check, item_country = match.groups()
    expected = s10_check_digit(serial)
    if int(check) != expected:
        raise DomainError("s10.check_digit", value=text, expected=expected)
    if country is not None and item_country != country.upper():
        raise DomainError("s10.country", country=item_country, expected=country.upper())
    return text


# -- the QR code printed on a chip-based CCCD card ---------------------------------------------
# "CCCD number|old ID number|full name|birth date DDMMYYYY|sex|address|issue date DDMMYYYY"
# (the old 9-digit CMND may be empty; some readers add a trailing bar or CR/LF).
CCCD_QR_FIELDS = 7
_QR_DATE = re.compile(r"\d{8}")
_SEX_WORDS = {"nam": Gender.MALE, "nu": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}


@dataclass(frozen=True, slots=True)
class CccdCard:
    """What the QR of a chip-based CCCD card says about its holder."""

    number: str
    old_id_number: str
    full_name: str
    birth_date: date
    gender: Gender
    address: str
    issue_date: date | None


def looks_like_cccd_qr(text: str) -> bool:
    """True for a scan shaped like the CCCD card's QR (12 digits, a bar, more fields)."""
    data = unicodedata.normalize("NFC", (text or "").strip())
    return bool(re.match(r"\d{12}\|", data)) and data.count("|") >= CCCD_QR_FIELDS - 2


def _qr_date(value: str, field: str) -> date:
    text = _compact(value)
    if not _QR_DATE.fullmatch(text):
        raise DomainError("cccd_qr.date", field=field, value=value)
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise DomainError("cccd_qr.date", field=field, value=value) from None


def _sex_key(value: str) -> str:
    decomposed = unicodedata.normalize("NFD", value.strip().lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def parse_cccd_qr(payload: str) -> CccdCard:
    """Read the QR of a chip-based CCCD card; DomainError("cccd_qr.…") when it is not one.

    Text is returned in NFC whatever the reader sent; the number is checked as a CCCD number
    (12 digits, known province) but not yet against the birth date (the caller does that,
    so the clerk sees the mismatch where the fields are).
    """
    text = unicodedata.normalize("NFC", payload or "")
    text = text.replace("\r", "").replace("\n", "").strip()
    if "|" not in text:
        raise DomainError("cccd_qr.not_a_card")
    parts = [part.strip() for part in text.split("|")]
    while len(parts) > CCCD_QR_FIELDS and not parts[-1]:
        parts.pop()  # trailing separators
    if len(parts) < CCCD_QR_FIELDS - 1:  # the issue date may be cut off by old readers
        raise DomainError("cccd_qr.fields", count=len(parts), expected=CCCD_QR_FIELDS)
    parts += [""] * (CCCD_QR_FIELDS - len(parts))
    number, old_id, name, birth, sex, address, issued = parts[:CCCD_QR_FIELDS]
    number = _compact(number)
    if len(number) != 12 or not set(number) <= _DIGITS:
        raise DomainError("cccd_qr.number", value=number)
    validate_cccd(number)  # the province part and the century digit
    old_id = _compact(old_id)
    if old_id and not set(old_id) <= _DIGITS:
        raise DomainError("cccd_qr.old_id", value=old_id)
    name = " ".join(name.split())
    if not name or any(ch.isdigit() for ch in name):
        raise DomainError("cccd_qr.name", value=name)
    birth_date = _qr_date(birth, "birth_date")
    gender = _SEX_WORDS.get(_sex_key(sex))
    if gender is None:
        raise DomainError("cccd_qr.sex", value=sex)
    issue_date = _qr_date(issued, "issue_date") if _compact(issued) else None
    return CccdCard(
        number=number,
        old_id_number=old_id,
        full_name=name,
        birth_date=birth_date,
        gender=gender,
        address=" ".join(address.split()),
        issue_date=issue_date,
    )


def split_address(text: str) -> list[str]:
    """The comma-separated parts of an address, NFC, trimmed, empty parts dropped."""
    cleaned = unicodedata.normalize("NFC", text or "")
    return [" ".join(part.split()) for part in cleaned.split(",") if part.strip()]


# -- Vietnamese phone numbers ------------------------------------------------------------------
# Mobile: 10 digits, 03x/05x/07x/08x/09x (the 2018 renumbering moved 11-digit 01x numbers here).
# Landline: 11 digits, 02 + area code (2 or 3 digits, e.g. 024 Hà Nội, 0239 Hà Tĩnh) + subscriber
# number, since the 2017 area-code change. +84 or 84 may stand for the first 0.
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()/]")


def validate_phone(value: str) -> str:
    """A Vietnamese mobile or landline number in its national form (``0912345678``).

    ``+84 912 345 678``, ``84912345678`` and ``(0239) 3 999 000`` are accepted; anything else
    raises DomainError("phone.invalid", value=…). Empty input gives "".
    """
    raw = unicodedata.normalize("NFKC", value or "").strip()
    number = _PHONE_SEPARATORS.sub("", raw)
    if not number:
        return ""
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("84") and len(number) in (11, 12):
        number = "0" + number[2:]
    if _MOBILE.fullmatch(number) or _LANDLINE.fullmatch(number):
        return number
    raise DomainError("phone.invalid", value=raw)


def phone_kind(number: str) -> str:
    """"mobile" or "landline" for a number validate_phone returned."""
    return "landline" if number.startswith("02") else "mobile"
