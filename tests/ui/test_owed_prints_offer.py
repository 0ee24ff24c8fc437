"""The offer of unprinted documents at the counter window's start stays usable: a store owing a
thousand documents showed all of them in one box taller than the screen, and documents owed since
earlier days (whose citizens left long ago) were pushed at the clerk every morning."""

from __future__ import annotations

import uuid
from typing import Any

from pytestqt.qtbot import QtBot

from counter_app.domain.dossier import Outcome
from counter_app.services.dossiers import Desk, IntakeComponent, IntakeRequest
from tests.conftest import FakeClock
from tests.ui.test_print_jobs_ui import _offer, _restarted, _window

FOOD_SAFETY = "2.000595"


def _receive_many(services: Any, count: int) -> list[str]:
    session, counter = services.demo_session()
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    guide = services.procedure_guide(FOOD_SAFETY)
    codes = []
    for _ in range(count):
        req = IntakeRequest(
            request_key=uuid.uuid4().hex, procedure_code=guide.code, outcome=Outcome.COMPLETE,
            applicant_type="citizen", applicant_name="Nguyễn Thị Ánh Tuyết", id_number="042301000123",
            phone="0912345678",
            components=tuple(IntakeComponent(c.name, max(c.originals, 1)) for c in guide.components),
        )
        codes.append(str(services.dossiers.receive(req, desk).code))
    return codes


def test_a_long_list_of_owed_documents_fits_the_screen(qtbot: QtBot, services: Any, clock: FakeClock, vi: None) -> None:
    codes = _receive_many(services, 12)
    window = _window(qtbot, _restarted(services.data_dir, clock))
    box = _offer(qtbot, window)

    assert box.text().startswith("12 giấy tờ đã lưu nhưng chưa in")
    lines = box.informativeText().split("\n")
    assert len(lines) == 9 and lines[-1] == "… và 4 giấy tờ khác"
    assert codes[0] in lines[0]
    assert box.sizeHint().height() < 768


def test_documents_owed_since_an_earlier_day_are_not_offered(qtbot: QtBot, services: Any, clock: FakeClock) -> None:
    yesterday_code, = _receive_many(services, 1)
    clock.advance(days=1)
    today_code, = _receive_many(services, 1)
    later = _restarted(services.data_dir, clock)

    offered = [j.key for j in later.printing.owed_at_start()]
    assert offered == [today_code]
    assert yesterday_code in [j.key for j in later.printing.owed_jobs()]  # still owed, in the print-jobs list
