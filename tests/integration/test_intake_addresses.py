"""Applicant addresses in 2025 units on a real store: any province, home delivery only with a full address, on paper."""

from __future__ import annotations

import io
import sqlite3
import unicodedata

import pytest
from pypdf import PdfReader

from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from counter_app.storage.store import store_path

FOOD_SAFETY = "2.000595"  # 30.000 đ, post allowed


@pytest.fixture
def desk(services) -> Desk:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def request(services, key: str = "k", **extra) -> IntakeRequest:  # type: ignore[no-untyped-def]
    p = services.guide_service.procedure(FOOD_SAFETY)
    values = dict(
        request_key=key, procedure_code=p.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, 1) for c in p.components),
    )
    values.update(extra)
    return IntakeRequest(**values)  # type: ignore[arg-type]


def pdf_text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_an_applicant_from_another_province_keeps_official_units_and_mau_01_prints_them(services, desk, demo_data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    book = services.dossiers.address_book(clock.now().date())
    hanoi = book.find_province("Thành phố Hà Nội")
    hoan_kiem = book.find_commune(hanoi, "phường Hoàn Kiếm")
    code = services.dossiers.receive(
        request(services, province_code=hanoi.code, commune_code=hoan_kiem.code, address_line="Số 12 Hàng Bạc",
                phone="+84 912 345 678"),
        desk,
    ).code
    row = sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT province_code, province_name, commune_code, commune_name, province_unit_id, phone FROM dossiers WHERE code = ?",
        (code,),
    ).fetchone()
    assert row == ("01", "thành phố Hà Nội", "00070", "phường Hoàn Kiếm", None, "0912345678")
    text = pdf_text(services.printing.render(DocumentKind.RECEIPT, code, desk))
    assert "Số 12 Hàng Bạc, phường Hoàn Kiếm, thành phố Hà Nội" in text


def test_own_province_address_prints_the_place_not_the_committee(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(
        request(services, province_unit_id="u-tinh-ha-tinh", commune_unit_id="u-p-thanh-sen",
                address_line="Số 5 đường Phan Đình Phùng"),
        desk,
    ).code
    text = pdf_text(services.printing.render(DocumentKind.RECEIPT, code, desk))
    assert "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh" in text
    assert "Ủy ban nhân dân phường Thành Sen, Ủy ban nhân dân" not in text


@pytest.mark.parametrize("address", ["Số 5 đường Phan Đình Phùng", "phường Thành Sen, tỉnh Hà Tĩnh", "Số 5, Hà Nội"])
def test_home_delivery_is_refused_without_a_full_address(services, desk, demo_data_dir, address) -> None:  # type: ignore[no-untyped-def]
    req = request(services, result_delivery="post", delivery_receiver="Nguyễn Thị Ánh Tuyết",
                  delivery_address=address, delivery_phone="0912345678")
    with pytest.raises(DomainError) as caught:
        services.dossiers.receive(req, desk)
    assert caught.value.code == "address.incomplete"
    words = describe_error(caught.value)
    assert words.startswith(f"“{address}” chưa phải địa chỉ đầy đủ: để chuyển phát tận nhà cần có số nhà")
    assert sqlite3.connect(store_path(demo_data_dir)).execute("SELECT count(*) FROM dossiers").fetchone()[0] == 0


def test_home_delivery_address_is_stored_and_printed_in_full(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(
        request(services, result_delivery="post", delivery_receiver="Nguyễn Thị Ánh Tuyết",
                delivery_address="Số 5 đường Phan Đình Phùng, phường Thành Sen", delivery_phone="0239 3 999 000"),
        desk,
    ).code
    record = services.dossiers.detail(code).record
    assert record.delivery_address == "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh"
    assert record.delivery_phone == "02393999000"
    text = pdf_text(services.printing.render(DocumentKind.RECEIPT, code, desk))
    assert "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh" in text  # item 6: where the result goes

    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    services.dossiers.pay(code, desk, amount=services.dossiers.find(code, desk).fee_due, method="cash", request_key="p")
    with pytest.raises(DomainError) as caught:
        services.dossiers.send_by_post(code, desk, item_code="EB123456785VN", receiver_name="Nguyễn Thị Ánh Tuyết",
                                       address="Số 5 đường Phan Đình Phùng", phone="0912345678", charge=20_000)
    assert caught.value.code == "address.incomplete"
    services.dossiers.send_by_post(code, desk, item_code="EB123456785VN", receiver_name="Nguyễn Thị Ánh Tuyết",
                                   address=record.delivery_address, phone="0912345678", charge=20_000)
    label = pdf_text(services.printing.render(DocumentKind.DELIVERY_LABEL, "EB123456785VN", desk))
    assert "Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh" in label


def test_card_birth_date_and_sex_are_checked_against_the_number(services, desk) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    with pytest.raises(DomainError) as caught:
        services.dossiers.receive(request(services, birth_date=date(2001, 3, 15), gender="male"), desk)
    assert caught.value.code == "cccd.gender_mismatch"
    assert services.dossiers.receive(request(services, birth_date=date(2001, 3, 15), gender="female"), desk).created


@pytest.mark.parametrize("typed", ["0912 345 678", "+84 912 345 678", "84912345678"])
def test_a_dossier_is_found_by_the_phone_however_it_is_written(services, desk, typed) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(request(services, phone="+84 912.345.678"), desk).code
    assert [s.code for s in services.dossiers.search(typed, desk)] == [code]


def test_a_landline_is_stored_and_found(services, desk) -> None:  # type: ignore[no-untyped-def]
    code = services.dossiers.receive(request(services, phone="(0239) 3 999 000"), desk).code
    assert services.dossiers.detail(code).record.phone == "02393999000"
    assert [s.code for s in services.dossiers.search("+84 239 3999 000", desk)] == [code]


def test_the_outbox_carries_the_address_to_the_server(services, desk, demo_data_dir) -> None:  # type: ignore[no-untyped-def]
    import json

    code = services.dossiers.receive(
        request(services, province_unit_id="u-tinh-ha-tinh", commune_unit_id="u-p-thanh-sen", address_line="Số 5",
                result_delivery="post", delivery_receiver="Nguyễn Thị Ánh Tuyết",
                delivery_address="Số 5, phường Thành Sen", delivery_phone="0912345678"),
        desk,
    ).code
    (payload,) = sqlite3.connect(store_path(demo_data_dir)).execute(
        "SELECT payload FROM outbox WHERE entity = 'dossier' AND op = 'created'"
    ).fetchone()
    sent = json.loads(payload)
    assert sent["code"] == code
    assert {k: sent[k] for k in ("address_line", "commune_code", "commune_name", "province_code", "province_name")} == {
        "address_line": "Số 5", "commune_code": "18073", "commune_name": "phường Thành Sen",
        "province_code": "42", "province_name": "tỉnh Hà Tĩnh",
    }
    assert sent["delivery_address"] == "Số 5, phường Thành Sen, tỉnh Hà Tĩnh"
