"""The intake checks' one home (services/intake_rules.py): a table of inputs and what each gives."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from counter_app.domain.catalog import (
    Channel,
    Component,
    Duration,
    DurationUnit,
    Procedure,
    ProcedureLevel,
)
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.domain.units import Unit, UnitKind, UnitTree
from counter_app.services import intake_rules
from counter_app.services.addresses import AddressBook
from counter_app.services.dossiers import IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.services.intake_rules import (
    check_delivery_filled,
    check_email,
    check_identity,
    check_phone,
    clean_text,
    missing_required,
    validate_intake,
)

TODAY = date(2026, 12, 4)


def _error(fn: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        fn(*args, **kwargs)
    return caught.value


# (applicant type, typed, birth date, sex) → stored number and kind, or the error code
IDENTITY_TABLE: list[tuple[str, str, date | None, str, str]] = [
    ("citizen", "", None, "", "ok: /"),
    ("citizen", " 042 190 012345 ", None, "", "ok:042190012345/cccd"),
    ("citizen", "042190012345", date(1990, 5, 1), "female", "ok:042190012345/cccd"),
    ("citizen", "042190012345", date(1991, 5, 1), "", "cccd.birth_year_mismatch"),
    ("citizen", "042190012345", None, "male", "cccd.gender_mismatch"),
    ("citizen", "04219001234", None, "", "cccd.length"),
    ("citizen", "999190012345", None, "", "cccd.province"),
    ("citizen", "183 456 789", None, "", "ok:183456789/cmnd"),
    ("citizen", "c1234567", None, "", "ok:C1234567/passport"),
    ("business", "0101234567-001", None, "", "ok:0101234567-001/other"),
    ("business", "X" * 31, None, "", "intake.too_long"),
]


@pytest.mark.parametrize(("kind", "typed", "born", "sex", "expected"), IDENTITY_TABLE)
def test_identity_numbers(kind: str, typed: str, born: date | None, sex: str, expected: str) -> None:
    if expected.startswith("ok:"):
        number, _slash, what = expected[3:].partition("/")
        got = check_identity(kind, typed, TODAY, birth_date=born, gender=sex)
        assert (got.number, got.kind) == (number.strip(), what)
        assert (got.cccd is not None) == (what == "cccd")
    else:
        error = _error(check_identity, kind, typed, TODAY, birth_date=born, gender=sex)
        assert error.code == expected
        if expected == "intake.too_long":
            assert error.params == {"field": "id_number", "limit": 30, "length": 31}


PHONE_TABLE: list[tuple[str, str]] = [
    ("", ""),
    ("+84 912 345 678", "0912345678"),
    ("(0239) 3 999 000", "02393999000"),
    ("0912", "phone.invalid"),
    ("0112345678", "phone.invalid"),
]


@pytest.mark.parametrize(("typed", "expected"), PHONE_TABLE)
def test_phones_and_the_field_they_are_about(typed: str, expected: str) -> None:
    if expected.startswith("phone."):
        error = _error(check_phone, typed, "delivery_phone")
        assert (error.code, error.params["field"]) == (expected, "delivery_phone")
    else:
        assert check_phone(typed) == expected


EMAIL_TABLE: list[tuple[str, str]] = [
    ("", ""),
    ("  an@example.vn ", "an@example.vn"),
    ("an@example", "intake.bad_email"),
    ("an example@x.vn", "intake.bad_email"),
    ("@x.vn", "intake.bad_email"),
    ("a@" + "b" * 200 + ".vn", "intake.too_long"),
]


@pytest.mark.parametrize(("typed", "expected"), EMAIL_TABLE)
def test_emails(typed: str, expected: str) -> None:
    if expected.startswith("intake."):
        assert _error(check_email, typed).code == expected
    else:
        assert check_email(typed) == expected


def test_texts_are_tidied_required_and_limited() -> None:
    assert clean_text("  Nguyễn   Văn  An ", "applicant_name", 200, required=True) == "Nguyễn Văn An"
    assert _error(clean_text, "   ", "applicant_name", 200, required=True).params == {"field": "applicant_name"}
    assert clean_text("", "owner_name", 200) == ""
    error = _error(clean_text, "x" * 11, "owner_name", 10)
    assert (error.code, error.params["length"], error.params["limit"]) == ("intake.too_long", 11, 10)


@pytest.mark.parametrize(
    ("receiver", "address", "phone", "complete"),
    [("An", "Số 5, phường Thành Sen", "0912345678", True), ("An", "Số 5", "   ", False), ("  ", "Số 5", "0912", False),
     ("An", "", "0912", False)],
)
def test_home_delivery_needs_receiver_address_and_phone(receiver: str, address: str, phone: str, complete: bool) -> None:
    if complete:
        check_delivery_filled(receiver, address, phone)
    else:
        assert _error(check_delivery_filled, receiver, address, phone).code == "intake.delivery_incomplete"


def test_missing_required_documents_are_the_unticked_required_ones_in_order() -> None:
    given = [IntakeComponent("Tờ khai", provided=False), IntakeComponent("Ảnh", provided=False),
             IntakeComponent("CCCD", provided=True), IntakeComponent("Giấy hẹn cũ", provided=False)]
    assert missing_required(given, {"Tờ khai", "CCCD", "Giấy hẹn cũ"}) == ["Tờ khai", "Giấy hẹn cũ"]


def test_rule_words_are_vietnamese(vi: None) -> None:
    assert describe_error(_error(check_email, "an@example")) == "“an@example” không phải địa chỉ thư điện tử."


# -- the whole request -------------------------------------------------------------------------------

PROCEDURE = Procedure(
    id="p1", code="1.000001", name="Đăng ký khai sinh", field_id="f", agency_unit_id="u-tinh",
    level=ProcedureLevel.COMMUNE,
    duration=Duration(DurationUnit.WORKING_DAYS, 3),
    components=(Component("Tờ khai"), Component("Ảnh", required=False)),
    post_dossier=False, post_result=True,
)
REQUEST = IntakeRequest(
    request_key="k", procedure_code="1.000001", outcome=Outcome.COMPLETE, applicant_type="citizen",
    applicant_name="  Nguyễn  Văn An ", id_number="042 190 012345", phone="+84 912 345 678", email="an@example.vn",
    components=(IntakeComponent("Tờ khai", 1), IntakeComponent("Ảnh", provided=False)),
)


@pytest.fixture(scope="module")
def book() -> AddressBook:
    tree = UnitTree([
        Unit("u-tinh", "000.00.00.H27", "Ủy ban nhân dân tỉnh Hà Tĩnh", UnitKind.PROVINCE),
        Unit("u-p-thanh-sen", "000.00.31.H27", "Ủy ban nhân dân phường Thành Sen", UnitKind.WARD, "u-tinh",
             valid_from=date(2025, 7, 1)),
    ])
    return AddressBook(tree, TODAY)


def test_a_good_request_gives_the_values_as_stored(book: AddressBook) -> None:
    valid = validate_intake(replace(REQUEST, province_unit_id="u-tinh", commune_unit_id="u-p-thanh-sen"),
                            PROCEDURE, TODAY, book)
    assert (valid.applicant_name, valid.id_number, valid.phone) == ("Nguyễn Văn An", "042190012345", "0912345678")
    assert valid.channel is Channel.IN_PERSON and not valid.by_post and valid.delivery_address == ""
    assert valid.province is not None and valid.commune is not None and valid.commune.name == "phường Thành Sen"
    assert valid.component_names == ("Tờ khai", "Ảnh")


WHOLE_TABLE: list[tuple[dict[str, Any], str]] = [
    ({"applicant_name": " "}, "intake.required"),
    ({"outcome": Outcome.REFUSED}, "intake.reason_required"),
    ({"outcome": Outcome.REFUSED, "reason": "Không thuộc thẩm quyền"}, ""),
    ({"sets": 0}, "intake.bad_sets"),
    ({"components": (IntakeComponent("Tờ khai", 100),)}, "intake.bad_count"),
    ({"id_number": "0421900123"}, "cccd.length"),
    ({"phone": "12345"}, "phone.invalid"),
    ({"email": "an@"}, "intake.bad_email"),
    ({"channel": Channel.POST.value}, "intake.post_not_allowed"),
    ({"result_delivery": "post", "delivery_receiver": "An", "delivery_address": "Số 5"}, "intake.delivery_incomplete"),
    ({"result_delivery": "post", "delivery_receiver": "An", "delivery_address": "Số 5",
      "delivery_phone": "0912345678"}, "address.incomplete"),
    ({"province_unit_id": "nowhere"}, "address.unknown_unit"),
    ({"components": (IntakeComponent("Tờ khai", provided=False),)}, "intake.components_missing"),
    ({"outcome": Outcome.INCOMPLETE, "reason": "Thiếu tờ khai",
      "components": (IntakeComponent("Tờ khai", provided=False),)}, ""),
    ({"owner_name": "x" * (intake_rules.MAX_NAME + 1)}, "intake.too_long"),
    ({"request_summary": "x" * (intake_rules.MAX_SUMMARY + 1)}, "intake.too_long"),
]


@pytest.mark.parametrize(("change", "code"), WHOLE_TABLE)
def test_whole_request_table(book: AddressBook, change: dict[str, Any], code: str) -> None:
    request = replace(REQUEST, **change)
    if code:
        assert _error(validate_intake, request, PROCEDURE, TODAY, book).code == code
    else:
        validate_intake(request, PROCEDURE, TODAY, book)
