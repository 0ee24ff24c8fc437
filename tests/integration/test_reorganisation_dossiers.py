"""A dossier keeps the agency that received it across the 2025 reorganisation (issue 8 §6).

On a demo store opened on 28 February 2025 the clerk finds "Cấp giấy phép lao động …" under Sở Lao động -
Thương binh và Xã hội and receives it; from 1 March 2025 the same search gives Sở Nội vụ. Years later
the first dossier's Mẫu 01, printed again, still names the department that received it.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from counter_app.bootstrap import VIETNAM_TIME, init_store, open_services
from counter_app.domain.dossier import Outcome
from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from counter_app.services.i18n import describe_error
from tests.conftest import FakeClock

OLD_NAME = "Sở Lao động - Thương binh và Xã hội tỉnh Hà Tĩnh"
NEW_NAME = "Sở Nội vụ tỉnh Hà Tĩnh"
WORK_PERMIT = "Cấp giấy phép lao động cho người lao động nước ngoài"


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFC", text).split())


def _receive_work_permit(services, desk: Desk, key: str) -> str:  # type: ignore[no-untyped-def]
    found = [s for s in services.search_procedures(WORK_PERMIT, centre_id=desk.centre_id) if s.name.startswith(WORK_PERMIT)]
    assert len(found) == 1, [(s.code, s.agency_name) for s in found]  # one procedure on a given day
    p = services.guide_service.procedure(found[0].code)
    req = IntakeRequest(
        request_key=key, procedure_code=p.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Trần Văn Bình", id_number="042085000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, 1) for c in p.components),
    )
    return services.dossiers.receive(req, desk).code


def test_a_dossier_received_in_february_2025_keeps_the_labour_department_on_its_receipt(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2025, 2, 28, 9, 0, tzinfo=VIETNAM_TIME))  # the department's last day, a Friday
    init_store(tmp_path, demo=True, clock=clock, demo_dossiers=0)
    services = open_services(tmp_path, clock=clock)
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)

    before = _receive_work_permit(services, desk, "feb")
    assert services.dossiers.find(before).agency_name == OLD_NAME

    clock.set(datetime(2025, 3, 3, 9, 0, tzinfo=VIETNAM_TIME))  # the first Monday after the merger
    after = _receive_work_permit(services, desk, "mar")
    assert services.dossiers.find(after).agency_name == NEW_NAME

    clock.set(datetime(2025, 3, 4, 10, 0, tzinfo=VIETNAM_TIME))  # a reprint, after the merger
    old_receipt = _text(services.printing.render(DocumentKind.RECEIPT, before, desk))
    new_receipt = _text(services.printing.render(DocumentKind.RECEIPT, after, desk))
    assert OLD_NAME in old_receipt and NEW_NAME not in old_receipt
    assert NEW_NAME in new_receipt and OLD_NAME not in new_receipt
    assert before.startswith("000.00.09.H27-250228-")  # numbered by the department that received it
    assert after.startswith("000.00.01.H27-250303-")


def test_the_dated_copy_of_a_moved_procedure_cannot_be_received_after_the_move(services, vi) -> None:  # type: ignore[no-untyped-def]
    session = services.login("nv01", "demo123")
    counter = services.counters(session.centre_id)[0]
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    old = services.guide_service.procedure("1.000105.000.00.09.H27")  # Sở LĐ-TB&XH, until 28/02/2025
    req = IntakeRequest(
        request_key="late", procedure_code=old.code, outcome=Outcome.COMPLETE, applicant_type="citizen",
        applicant_name="Trần Văn Bình", id_number="042085000123", phone="0912345678",
        components=tuple(IntakeComponent(c.name, 1) for c in old.components),
    )
    with pytest.raises(DomainError) as refused:
        services.dossiers.receive(req, desk)
    assert describe_error(refused.value) == (
        "Thủ tục 1.000105.000.00.09.H27 không áp dụng vào ngày 30/11/2026 (cơ quan giải quyết đã thay đổi); "
        "hãy chọn lại thủ tục trong phần tra cứu hôm nay."
    )
    assert services.dossiers.search("Trần Văn Bình", desk) == []  # nothing was registered
