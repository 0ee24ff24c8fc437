"""The print-jobs list of the Devices screen says why a job failed or was cancelled in Vietnamese words
(the reason code kept with the job, said by describe_error), never the stored English text (issue 11)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pytestqt.qtbot import QtBot

from counter_app.services.device_admin import DeviceAdmin
from counter_app.services.documents import DocumentKind
from counter_app.services.dossiers import Desk
from counter_app.services.ports import PrintJob
from tests.ui.test_devices_page import WAIT_MS, FakeTools, _cells, _page, _receive, _settings_path

REASON = 5


class OutOfPaper:
    name = "office"

    def print_pdf(self, pdf: bytes, *, title: str, at: datetime) -> PrintJob:
        return PrintJob(self.name, ok=False, error="device.paper_out {'printer': 'usb://04b8:0e15'}",
                        code="device.paper_out", params=(("printer", "usb://04b8:0e15"),))

    def print_image(self, png: bytes, *, title: str, at: datetime) -> PrintJob:
        return self.print_pdf(png, title=title, at=at)


def test_the_reason_column_says_a_failed_and_a_cancelled_job_in_vietnamese(
    qtbot: QtBot, services: Any, vi: None
) -> None:
    code = _receive(services)
    services.printing.printer = OutOfPaper()
    job = next(j for j in services.printing.owed_jobs() if j.kind is DocumentKind.RECEIPT and j.key == code)
    session, counter = services.demo_session()
    desk = Desk(session.staff_id, session.full_name, session.centre_id, counter.id, counter.name)
    assert not services.printing.work_off(job, desk).ok
    page = _page(qtbot, services, DeviceAdmin(_settings_path(), FakeTools()))
    row = next(r for r, j in enumerate(page._jobs) if j.id == job.id)
    assert _cells(page.jobs_table, 3)[row] == "lỗi"
    assert _cells(page.jobs_table, REASON)[row] == (
        "Máy in usb://04b8:0e15 đã hết giấy. Hãy lắp cuộn giấy mới; giấy tờ sẽ được in lại.")
    page.jobs_table.selectRow(row)
    with qtbot.waitSignal(page.sig_refreshed, timeout=WAIT_MS):
        page.cancel_button.click()
    row = next(r for r, j in enumerate(page._jobs) if j.id == job.id)
    assert _cells(page.jobs_table, REASON)[row] == "Đã hủy trên màn hình Thiết bị."
    assert "Devices screen" in services.printing.job(job.id).last_error  # the English stays for the log
