"""The fee due on filing is paid in the same transaction as the dossier's creation; every payment names
what it pays; `counter dossier show` words fees honestly (issue 7 §4, issue 8 §5)."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest

from counter_app.cli import main
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.dossiers import Desk, IntakeComponent, IntakePayment, IntakeRequest
from counter_app.storage.store import store_path

SIGNATURE = "2.000884.000.00.31.H27"  # Chứng thực chữ ký at phường Thành Sen: 10.000 đ, due on filing
SIGNATURE_FEE = "Lệ phí chứng thực chữ ký"
FOOD_SAFETY = "2.000595"  # 30.000 đ, paid before the result, result by post allowed
FOOD_FEE = "Phí kiểm tra kiến thức về an toàn thực phẩm"
BIRTH = "1.001193.000.00.31.H27"  # Đăng ký khai sinh at phường Thành Sen: free


def desk_of(services: Any) -> Desk:
    session, counter = services.demo_session()
    return Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)


def request(services: Any, code: str, payment: IntakePayment | None = None, **extra: Any) -> IntakeRequest:
    guide = services.procedure_guide(code)
    return IntakeRequest(
        request_key=uuid.uuid4().hex, procedure_code=guide.code, outcome=Outcome.COMPLETE,
        applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
        phone="0912345678", components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        payment=payment, **extra,
    )


def count(data_dir: Path, table: str) -> int:
    with sqlite3.connect(store_path(data_dir)) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 (fixed names)


def test_intake_with_the_fee_writes_dossier_payment_and_outbox_together(services: Any, demo_data_dir: Path) -> None:
    desk = desk_of(services)
    assert services.dossiers.fees_on_filing(SIGNATURE) == ((SIGNATURE_FEE, 10_000),)
    req = request(services, SIGNATURE, IntakePayment(10_000, "cash"))

    result = services.dossiers.receive(req, desk)

    assert result.receipt_number.startswith("BL-") and result.paid == 10_000
    detail = services.dossiers.detail(result.code)
    assert detail.summary.fee_due == 10_000 and detail.summary.paid == 10_000
    [payment] = detail.payments
    assert (payment.receipt_number, payment.method, payment.total) == (result.receipt_number, "cash", 10_000)
    assert payment.lines == ((SIGNATURE_FEE, 10_000),)
    assert [h.type.value for h in detail.history][-1] == "payment"
    with sqlite3.connect(store_path(demo_data_dir)) as db:
        ops = [row[0] for row in db.execute("SELECT entity FROM outbox ORDER BY rowid")]
    assert ops[-3:] == ["dossier", "dossier_event", "payment"]

    again = services.dossiers.receive(req, desk)  # the same Save arriving twice
    assert not again.created and again.receipt_number == result.receipt_number
    assert count(demo_data_dir, "payments") == 1


@pytest.mark.parametrize(
    ("code", "payment", "error"),
    [
        (SIGNATURE, IntakePayment(20_000, "cash"), "payment.too_much"),
        (SIGNATURE, IntakePayment(0, "cash"), "payment.bad_amount"),
        (SIGNATURE, IntakePayment(10_000, "card"), "payment.bad_method"),
        (FOOD_SAFETY, IntakePayment(30_000, "cash"), "payment.not_due_on_filing"),
        (BIRTH, IntakePayment(5_000, "cash"), "payment.not_due_on_filing"),
    ],
)
def test_a_refused_payment_leaves_no_dossier(
    services: Any, demo_data_dir: Path, code: str, payment: IntakePayment, error: str
) -> None:
    before = count(demo_data_dir, "dossiers")
    with pytest.raises(DomainError) as caught:
        services.dossiers.receive(request(services, code, payment), desk_of(services))
    assert caught.value.code == error
    assert count(demo_data_dir, "dossiers") == before and count(demo_data_dir, "payments") == 0


def test_fees_collected_later_are_named_fee_first_then_the_postal_charge(services: Any, clock: Any) -> None:
    desk = desk_of(services)
    code = services.dossiers.receive(request(services, FOOD_SAFETY), desk).code
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    services.dossiers.pay(code, desk, amount=20_000, method="cash", request_key=uuid.uuid4().hex)
    clock.advance(minutes=1)
    services.dossiers.pay(code, desk, amount=10_000, method="cash", request_key=uuid.uuid4().hex)
    clock.advance(minutes=1)
    services.dossiers.send_by_post(code, desk, item_code="EB123456785VN", receiver_name="Nguyễn Thị Ánh Tuyết",
                                   address="Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
                                   phone="0912345678", charge=25_000)
    clock.advance(minutes=1)
    services.dossiers.pay(code, desk, amount=25_000, method="transfer", request_key=uuid.uuid4().hex)

    paid = [p.lines for p in services.dossiers.detail(code).payments]
    assert paid == [
        ((FOOD_FEE, 20_000),),  # part of the fee
        ((FOOD_FEE, 10_000),),  # the rest of it
        (("Cước chuyển phát kết quả qua dịch vụ bưu chính công ích", 25_000),),
    ]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    out, _err = capsys.readouterr()
    return code, out


def test_dossier_show_words_fees_honestly(
    services: Any, demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = desk_of(services)
    unpaid = services.dossiers.receive(request(services, SIGNATURE), desk).code
    paid = services.dossiers.receive(request(services, SIGNATURE, IntakePayment(10_000, "transfer")), desk)
    free = services.dossiers.receive(request(services, BIRTH), desk).code

    status, out = run(capsys, "dossier", "show", unpaid, "--data-dir", str(demo_data_dir))
    assert status == 0
    assert "Miễn phí" not in out  # was "Phí, lệ phí: 10.000 đ, đã nộp Miễn phí"
    assert "Phí, lệ phí: Phải thu 10.000 đ, đã thu 0 đ, còn phải thu 10.000 đ" in out
    assert f"  - {SIGNATURE_FEE} (Lệ phí): 10.000 đ, nộp khi nộp hồ sơ" in out

    status, out = run(capsys, "dossier", "show", paid.code, "--data-dir", str(demo_data_dir))
    assert "Phí, lệ phí: Phải thu 10.000 đ, đã thu 10.000 đ, còn phải thu 0 đ" in out
    assert (
        f"  Phiếu thu {paid.receipt_number}: 10.000 đ (Chuyển khoản) cho {SIGNATURE_FEE} 10.000 đ" in out
    )

    status, out = run(capsys, "dossier", "show", free, "--data-dir", str(demo_data_dir))
    assert "Phí, lệ phí: Miễn phí" in out
    assert "đã thu" not in out


def test_the_guidance_sheet_says_when_each_fee_is_paid(services: Any, clock: Any) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    from counter_app.printing.guidance import render_guidance_sheet

    def text_of(code: str) -> str:
        pdf = render_guidance_sheet(services.procedure_guide(code), printed_at=clock.now())
        return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(BytesIO(pdf)).pages)

    on_filing = text_of(SIGNATURE)
    assert SIGNATURE_FEE in on_filing and "nộp khi nộp hồ sơ" in on_filing and "10.000 đ" in on_filing
    later = text_of(FOOD_SAFETY)
    assert "nộp trước khi nhận kết quả" in later and "nộp khi nộp hồ sơ" not in later


def test_dossier_show_lists_the_postal_charge_still_due(
    services: Any, demo_data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = desk_of(services)
    code = services.dossiers.receive(request(services, FOOD_SAFETY), desk).code
    services.dossiers.hand_over([code], desk)
    services.dossiers.result_ready(code, desk)
    services.dossiers.pay(code, desk, amount=30_000, method="cash", request_key=uuid.uuid4().hex)
    services.dossiers.send_by_post(code, desk, item_code="EB123456785VN", receiver_name="Nguyễn Thị Ánh Tuyết",
                                   address="Số 5 đường Phan Đình Phùng, phường Thành Sen, tỉnh Hà Tĩnh",
                                   phone="0912345678", charge=25_000)

    status, out = run(capsys, "dossier", "show", code, "--data-dir", str(demo_data_dir))
    assert status == 0
    assert "Phí, lệ phí: Phải thu 55.000 đ, đã thu 30.000 đ, còn phải thu 25.000 đ" in out
    assert f"  - {FOOD_FEE} (Phí): 30.000 đ, nộp trước khi nhận kết quả" in out
    assert "  - Cước chuyển phát bưu gửi EB123456785VN: 25.000 đ" in out


def test_demo_dossiers_pay_fees_due_on_filing_at_intake(tmp_path: Path, clock: Any) -> None:
    from counter_app.bootstrap import init_store

    init_store(tmp_path, demo=True, clock=clock, demo_dossiers=120)
    with sqlite3.connect(store_path(tmp_path)) as db:
        rows = db.execute(
            """SELECT d.code, d.received_at, (SELECT min(p.paid_at) FROM payments p WHERE p.dossier_id = d.id)
               FROM dossiers d JOIN procedures pr ON pr.id = d.procedure_id
               WHERE d.status NOT IN ('incomplete', 'refused')
                 AND EXISTS (SELECT 1 FROM procedure_fees f
                             WHERE f.procedure_id = pr.id AND f.due = 'on_filing' AND f.amount > 0)"""
        ).fetchall()
    assert rows, "the demo has dossiers of procedures whose fee is due on filing"
    assert [code for code, received, first_paid in rows if first_paid != received] == []
