"""Kiosk on a real store whose disk is full (issue 9 §4): the citizen reads the real reason, not "tap again"."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from counter_app.domain.errors import DomainError
from counter_app.ui.kiosk import KioskWindow
from tests.fakes_queue import QueueStand, queue_stand
from tests.integration.test_store_faults import DiskLimit
from tests.ui.test_kiosk import make_kiosk, tap, to_priority_step, wait_for_ticket

pytestmark = pytest.mark.usefixtures("vi")
DISK_WORDS = "Máy đang hết dung lượng đĩa nên chưa cấp được số. Xin báo nhân viên."


@pytest.fixture(params=["real"])
def stand(request: pytest.FixtureRequest, tmp_path: Path) -> QueueStand:
    return queue_stand(request, tmp_path)


def _fill_the_disk(services, stand: QueueStand) -> DiskLimit:  # type: ignore[no-untyped-def]
    """The store may not grow any more; tickets are taken until one needs a new page."""
    disk = DiskLimit(services.uow.engine)
    line_id = stand.queue.lines(stand.station.centre_id)[0].id
    for n in range(2000):
        try:
            stand.queue.issue_ticket(line_id, request_key=f"filler-{n}")
        except DomainError as exc:
            assert exc.code == "store.disk_full"
            return disk
    pytest.fail("2000 tickets fitted without the store growing")


def test_a_tap_with_the_disk_full_says_so_and_works_once_space_is_freed(
    qtbot: QtBot, stand: QueueStand, services  # type: ignore[no-untyped-def]
) -> None:
    disk = _fill_the_disk(services, stand)
    waiting_before = stand.waiting()
    kiosk = make_kiosk(qtbot, stand, ticket_ms=300)
    to_priority_step(qtbot, kiosk)

    tap(qtbot, kiosk.no_priority_button)

    qtbot.waitUntil(lambda: kiosk.current_step() == KioskWindow.UNAVAILABLE)
    words = kiosk.unavailable_label.text()
    assert words.startswith(DISK_WORDS)
    assert "giải phóng dung lượng" in words  # what staff must do
    assert "bấm lại" not in words and "database or disk is full" not in words
    assert stand.waiting() == waiting_before  # no ticket half-issued

    disk.lift()  # staff freed some space; the kiosk went back to its start screen by itself
    qtbot.waitUntil(lambda: kiosk.current_step() in (KioskWindow.GROUPS, KioskWindow.LINES), timeout=5000)
    to_priority_step(qtbot, kiosk)
    tap(qtbot, kiosk.no_priority_button)
    wait_for_ticket(qtbot, kiosk)
    assert stand.waiting() == waiting_before + 1
