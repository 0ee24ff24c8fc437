"""A failed or cancelled print job keeps its reason as a message code with params (migration 0016),
said in Vietnamese by describe_error, never the stored English text (issue 11): paper out, a pulled
cable (an OS error named by errno, worded), a printer off line (its cause in words, not DLE EOT
hex), a job whose dossier is gone, a clerk's skip; rows from before keep their text for the log."""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from typing import Any

from counter_app.domain.errors import DomainError
from counter_app.services.devices import DeviceState, DeviceStatus, os_reason
from counter_app.services.i18n import describe_error
from counter_app.services.print_jobs import job_reason_text
from counter_app.storage.store import store_path
from tests.fake_printer import FakeNetworkPrinter, FakeSerialPrinter, PrinterModel
from tests.integration.test_print_jobs import desk_of
from tests.integration.test_print_queue import paid_intake, queue_on


def _wait(predicate: Any, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def _row(services: Any, job_id: str) -> tuple[str, str, str, str]:
    with sqlite3.connect(store_path(services.data_dir)) as db:
        return db.execute("SELECT status, last_error, error_code, error_params FROM print_jobs WHERE id = ?",
                          (job_id,)).fetchone()


def _english(text: str) -> bool:
    return any(word in text for word in ("printer", "paper", "Input/output", "Broken pipe", "DLE EOT", "device."))


def test_paper_out_is_kept_as_a_code_and_said_in_vietnamese(services: Any, vi: None) -> None:
    fake = FakeNetworkPrinter(PrinterModel(paper="out"))
    queue, device = queue_on(services, fake.uri)
    try:
        _result, job_id = paid_intake(services)
        assert not services.printing.work_off(job_id, desk_of(services)).ok
        status, last_error, code, params = _row(services, job_id)
        assert (status, code) == ("failed", "device.paper_out") and fake.uri in params
        assert "device.paper_out" in last_error  # the English stays for the log
        words = job_reason_text(services.printing.job(job_id))
        assert words == f"Máy in {fake.uri} đã hết giấy. Hãy lắp cuộn giấy mới; giấy tờ sẽ được in lại."
    finally:
        queue.close()
        device.close()
        fake.close()


def test_a_pulled_cable_keeps_the_os_error_by_name_and_words_it(services: Any, vi: None) -> None:
    fake = FakeSerialPrinter(pull_cable_after=600)
    # no quick retry: the next attempt finds the port gone and says so instead (a loaded machine
    # polled too late to see the first reason when the test retried within 50 ms)
    queue, device = queue_on(services, f"serial://{fake.port}?baud=115200", backoff=(60.0,))
    try:
        _result, job_id = paid_intake(services)
        services.printing.work_off(job_id, desk_of(services))
        assert _wait(lambda: _row(services, job_id)[2] == "device.send_failed")
        params = dict(services.printing.job(job_id).error_params)
        assert params["reason"] in errno.errorcode.values()  # EIO, EPIPE …: a name, not the OS's English
        words = job_reason_text(services.printing.job(job_id))
        assert words.startswith("Giấy tờ chưa được gửi trọn vẹn") and not _english(words.replace(params["printer"], ""))
        status = device.status()
        assert status.state is DeviceState.DISCONNECTED and dict(status.params)["reason"] == params["reason"]
    finally:
        queue.close()
        device.close()
        fake.close()


def test_an_offline_printer_says_its_cause_in_words_not_status_bytes(services: Any, vi: None) -> None:
    class Jammed(PrinterModel):
        def status_byte(self, n: int) -> int:
            if n == 1:
                return 0x12 | 0x08  # off line
            if n == 2:
                return 0x12 | 0x40  # an error (a jam, the cutter)
            return 0x12

    fake = FakeNetworkPrinter(Jammed())
    queue, device = queue_on(services, fake.uri)
    try:
        _result, job_id = paid_intake(services)
        assert not services.printing.work_off(job_id, desk_of(services)).ok
        job = services.printing.job(job_id)
        assert job.error_code == "device.offline" and dict(job.error_params)["reason"] == "printer.error"
        words = job_reason_text(job)
        assert "0x" not in words and "kẹt giấy" in words
        assert "0x" not in describe_error(device.status().error())  # the status bar says the same
    finally:
        queue.close()
        device.close()
        fake.close()


def test_data_faults_and_skips_keep_codes_and_older_rows_say_the_reason_is_in_the_log(
    services: Any, vi: None
) -> None:
    _result, job_id = paid_intake(services)
    with sqlite3.connect(store_path(services.data_dir)) as db:  # a row failed before codes were kept
        db.execute("UPDATE print_jobs SET status = 'failed', last_error = 'device.send_failed: Input/output error'"
                   " WHERE id = ?", (job_id,))
    old = services.printing.job(job_id)
    assert old.error_code == "" and job_reason_text(old) == (
        "Không in được; lý do đã ghi vào nhật ký (lỗi từ trước khi lý do được lưu bằng lời).")
    services.printing.cancel(job_id)
    assert job_reason_text(services.printing.job(job_id)) == "Nhân viên đã bỏ qua."
    form = next(j for j in services.printing.owed_jobs() if j.kind.value == "receipt")
    with sqlite3.connect(store_path(services.data_dir)) as db:  # its dossier gone (a damaged store)
        db.execute("UPDATE print_jobs SET key = 'KHONG-CO-MA' WHERE id = ?", (form.id,))
    try:
        services.printing.work_off(form.id, desk_of(services))
    except DomainError as exc:
        kept = services.printing.job(form.id)
        assert kept.error_code == exc.code and job_reason_text(kept) == describe_error(exc)
    else:
        raise AssertionError("a job without its dossier printed")


def test_os_errors_reported_as_names_or_as_the_os_english_text_are_worded(vi: None) -> None:
    assert os_reason(BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))) == "EPIPE"
    for reason in ("EPIPE", os.strerror(errno.EPIPE)):
        status = DeviceStatus("receipt-printer", DeviceState.DISCONNECTED, "device.send_failed",
                              (("printer", "tcp://10.0.0.5:9100"), ("reason", reason)))
        words = describe_error(status.error())
        assert "Broken pipe" not in words and "EPIPE" not in words and "cáp đã bị rút" in words
