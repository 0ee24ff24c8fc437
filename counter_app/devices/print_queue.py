"""The print queue of one receipt printer: owed print jobs sent off the GUI thread, retried after faults.

The jobs are rows of the store's ``print_jobs`` table, written in the transaction of the use case
that owes them (services/print_jobs.py). ``PrintService.work_off`` hands a job of a kind this
printer takes (the payment receipt) to :meth:`PrintQueue.work_off`; the queue's worker renders its
ESC/POS bytes, sends them through the printer driver (devices/escpos_printer.py) and

- marks it printed (with the dossier's PRINTED event) only when the driver sent it whole;
- otherwise marks it failed with the reason (still owed) and tries again after a back-off
  (:data:`BACKOFF_SECONDS`), until it is printed, cancelled by the clerk, or the program closes;
- a job whose data is wrong (dossier gone) is marked failed with the reason and not retried.

A job left owed when the program closes is still a row of ``print_jobs``: the counter window
offers it at the next start (``PrintService.owed_at_start``), or :meth:`PrintQueue.resume` queues
every owed job of this printer again. The caller waits at most ``first_wait`` seconds for the
first attempt (it runs on a render worker, never on the GUI thread or in the use case's commit).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any, Protocol

from counter_app.domain.errors import DomainError
from counter_app.services.documents import DocumentKind
from counter_app.services.ports import PrintJob
from counter_app.services.print_jobs import (
    PrintJobRecord,
    PrintJobStatus,
    PrintOutcome,
    reason_params,
)

_log = logging.getLogger(__name__)

RECEIPT_PRINTER_KINDS = frozenset({DocumentKind.PAYMENT_RECEIPT})
BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)  # then every minute


class RawPrinter(Protocol):
    """What the queue needs of a driver (EscposPrinter): send a whole job, say how it went."""

    name: str

    def send(self, data: bytes, *, title: str) -> PrintJob: ...


class OwedJobs(Protocol):
    """What the queue needs of the print service (services/print_jobs.py: PrintService)."""

    def job(self, job_id: str) -> PrintJobRecord: ...

    def owed_jobs(self) -> list[PrintJobRecord]: ...

    def render(self, kind: DocumentKind, key: str, desk: Any) -> bytes: ...

    def render_receipt_printer(self, kind: DocumentKind, key: str, desk: Any, *, fmt: str = "png") -> bytes: ...

    def mark_printed(self, job: PrintJobRecord | str, desk: Any) -> bool: ...

    def mark_failed(self, job: PrintJobRecord, error: str, code: str = "",
                    params: Sequence[tuple[str, str]] = ()) -> None: ...


@dataclass
class _Entry:
    record: PrintJobRecord
    desk: Any
    due: float
    attempts: int = 0
    first: Future[PrintJob] = field(default_factory=Future)


class PrintQueue:
    """One worker thread per printer that works off the owed jobs of the kinds it takes."""

    def __init__(
        self, printer: RawPrinter, jobs: OwedJobs, *, kinds: Iterable[DocumentKind] = RECEIPT_PRINTER_KINDS,
        backoff: tuple[float, ...] = BACKOFF_SECONDS, first_wait: float = 15.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.printer = printer
        self._jobs = jobs
        self.kinds = frozenset(kinds)
        self._backoff = backoff
        self._first_wait = first_wait
        self._now = monotonic
        self._pending: dict[str, _Entry] = {}
        self._cv = threading.Condition()
        self._closed = False
        self._busy = False
        self._thread = threading.Thread(target=self._run, name=f"print-queue-{printer.name}", daemon=True)
        self._thread.start()

    @property
    def name(self) -> str:
        return self.printer.name

    def takes(self, kind: DocumentKind) -> bool:
        return kind in self.kinds

    # -- callers ---------------------------------------------------------------------------------------
    def put(self, record: PrintJobRecord, desk: Any) -> Future[PrintJob]:
        """Queue an owed job (at once; a job already queued keeps its place); the Future holds
        the outcome of its first attempt."""
        with self._cv:
            entry = self._pending.get(record.id)
            if entry is None:
                entry = _Entry(record, desk, due=self._now())
                self._pending[record.id] = entry
            else:  # "Print again" while it waits for its next try: try now
                entry.due = min(entry.due, self._now())
                if entry.first.done():
                    entry.first = Future()
            self._cv.notify_all()
            return entry.first

    def work_off(self, record: PrintJobRecord, desk: Any) -> PrintOutcome:
        """PrintService.work_off for a job of this printer: queue it, render the page version for
        the preview meanwhile, and return the first attempt's outcome (ok False while it is still
        being tried: the queue goes on)."""
        first = self.put(record, desk)
        pdf = b""
        try:
            pdf = self._jobs.render(record.kind, record.key, desk)
        except DomainError:
            pass  # the worker marks the job failed with the reason and the Future raises it
        except Exception:
            _log.exception("preview of %s %s could not be rendered", record.kind.value, record.key)
        try:
            job = first.result(timeout=self._first_wait)
        except FutureTimeout:
            job = PrintJob(self.printer.name, ok=False, error="still being sent")
        return PrintOutcome(record.kind, record.key, job, pdf)

    def resume(self, desk: Any) -> int:
        """Queue every job still owed to this printer (after a restart); how many."""
        owed = [j for j in self._jobs.owed_jobs() if self.takes(j.kind)]
        for record in owed:
            self.put(record, desk)
        return len(owed)

    def pending(self) -> list[str]:
        """Ids of the jobs waiting for a (next) attempt, the one being sent included."""
        with self._cv:
            return list(self._pending)

    def wait_idle(self, timeout: float) -> bool:
        """True when nothing is waiting any more (tests, and closing the program)."""
        deadline = time.monotonic() + timeout
        with self._cv:
            while self._pending or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cv.wait(min(left, 0.05))
        return True

    def close(self) -> None:
        """Stop trying; what is still owed stays in the store for the next start."""
        with self._cv:
            self._closed = True
            self._cv.notify_all()
        self._thread.join(timeout=10)

    # -- the worker ----------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            with self._cv:
                entry = None
                while not self._closed:
                    now = self._now()
                    due = sorted(self._pending.values(), key=lambda e: (e.due, e.record.created_at))
                    if due and due[0].due <= now:
                        entry = due[0]
                        break
                    self._cv.wait(min(0.5, due[0].due - now) if due else 0.5)
                if self._closed:
                    return
                self._busy = True
            try:
                self._attempt(entry)
            except Exception:  # the worker must live on; the job stays owed in the store
                _log.exception("print queue %s: attempt on %s failed", self.name, entry.record.id)
                self._retry_later(entry, PrintJob(self.name, ok=False, error="internal error"))
            finally:
                with self._cv:
                    self._busy = False
                    self._cv.notify_all()

    def _done(self, entry: _Entry, job: PrintJob | None = None, error: BaseException | None = None) -> None:
        with self._cv:
            if self._pending.get(entry.record.id) is entry:
                del self._pending[entry.record.id]
        if not entry.first.done():
            if error is not None:
                entry.first.set_exception(error)
            else:
                entry.first.set_result(job or PrintJob(self.name, ok=False))

    def _retry_later(self, entry: _Entry, job: PrintJob) -> None:
        with self._cv:
            entry.attempts += 1
            entry.due = self._now() + self._backoff[min(entry.attempts, len(self._backoff)) - 1]
        if not entry.first.done():
            entry.first.set_result(job)

    def _attempt(self, entry: _Entry) -> None:
        record = entry.record
        try:
            current = self._jobs.job(record.id)
        except DomainError as exc:
            self._done(entry, error=exc)
            return
        if not current.owed:  # printed from elsewhere or skipped by the clerk meanwhile
            _log.info("print queue %s: job %s is %s, not sent", self.name, record.id, current.status.value)
            self._done(entry, PrintJob(self.name, ok=current.status is PrintJobStatus.PRINTED,
                                       error="" if current.status is PrintJobStatus.PRINTED else current.status.value))
            return
        try:
            data = self._jobs.render_receipt_printer(record.kind, record.key, entry.desk, fmt="escpos")
        except DomainError as exc:  # the data is wrong: no use trying again
            self._jobs.mark_failed(current, exc.code, exc.code, reason_params(exc.params))
            self._done(entry, error=exc)
            return
        job = self.printer.send(data, title=f"{record.kind.value}-{record.key}")
        if job.ok:
            self._jobs.mark_printed(current, entry.desk)
            self._done(entry, job)
            return
        code, params = (job.code, job.params) if job.code else (
            "print.printer_failed", (("printer", job.printer), ("reason", job.error or "?")))
        self._jobs.mark_failed(current, job.error or "not sent", code, params)
        _log.warning("print queue %s: %s %s not printed (attempt %d): %s; tried again later",
                     self.name, record.kind.value, record.key, entry.attempts + 1, job.error)
        self._retry_later(entry, job)
