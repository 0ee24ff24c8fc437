"""The sync worker: pushes this PC's outbox and pulls the province's changes (docs/SYNC.md).

It runs on its own thread (never the GUI's): a round every ``interval`` seconds, a push right after
a local write (``nudge``, called by the store's commit hook, not by polling), and, while the server
cannot be reached, rounds again with exponential backoff and jitter (tenacity) until it answers
again (the reconnect). The app never waits for it: saving, printing and calling only write the
local store, whose outbox this worker drains.

Push answers (server/sync.py): applied, duplicate and rejected ops are on the server (a rejected op
is kept there for review and its reason shown here); a gap sends again from the seq the server
expects; not_applied ops wait for the next batch. Pull: each page is applied with its new cursor in
one local transaction; a cursor the server no longer knows starts again from the beginning.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import tenacity
from uuid6 import uuid7

from counter_app.domain.errors import DomainError
from counter_app.services.sync_port import (
    SYNC_GAP_MISSING,
    SYNC_NOT_ENROLLED,
    SYNC_SERVER_ERROR,
    SyncLink,
    SyncStore,
)
from counter_app.sync.client import ServerClient, SyncFault

_log = logging.getLogger(__name__)
ON_SERVER = frozenset({"applied", "duplicate", "rejected"})


@dataclass
class SyncReport:
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    pulled: int = 0
    cursor_reset: bool = False


def enrol(store: SyncStore, server_url: str, code: str, now: datetime,
          client_factory: Callable[..., ServerClient] = ServerClient) -> SyncLink:
    """Exchange a one-time code for this PC's identity and token, kept in the local store."""
    device_id, name = store.device()
    with client_factory(server_url) as client:
        answer = client.enrol(code, device_id, name)
    link = SyncLink(server_url.rstrip("/"), str(answer["device_id"]), str(answer["centre_id"]), int(answer["slot"]),
                    str(answer["token"]))
    store.enrol(link, now)
    return link


class SyncWorker:
    def __init__(self, store: SyncStore, now: Callable[[], datetime], *, interval: float = 30.0, batch: int = 500,
                 page: int = 500, backoff_initial: float = 1.0, backoff_max: float = 60.0, debounce: float = 0.2,
                 client_factory: Callable[..., ServerClient] = ServerClient) -> None:
        self.store = store
        self._now = now
        self.interval = interval
        self.batch = batch
        self.page = page
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.debounce = debounce
        self._client_factory = client_factory
        self._round_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0  # rounds tried (tests, support)

    # --- one round -----------------------------------------------------------------------------

    def sync_now(self) -> SyncReport:
        """Push everything waiting, then pull everything new; a fault is recorded and raised."""
        with self._round_lock:
            self.rounds += 1
            link = self.store.link()
            if link is None:
                raise SyncFault(SYNC_NOT_ENROLLED, transient=False)
            report = SyncReport()
            try:
                with self._client_factory(link.server_url, link.token) as client:
                    self._push_all(client, report)
                    self._pull_all(client, report)
            except SyncFault as fault:
                self.store.failed(fault.code, fault.detail, self._now())
                _log.warning("sync with %s failed: %s %s", link.server_url, fault.code, fault.detail)
                raise
            except DomainError as error:  # the local store refused (a page it cannot apply, a disk fault)
                self.store.failed(error.code, str(error.params), self._now())
                _log.warning("sync with %s stopped by the local store: %s", link.server_url, error)
                raise
            self.store.contact(self._now())
            return report

    def _push_all(self, client: ServerClient, report: SyncReport) -> None:
        gaps: set[int] = set()
        while True:
            ops = self.store.pending(self.batch)
            if not ops:
                return
            answer = client.push(str(uuid7()), ops)
            results: dict[str, dict[str, Any]] = {r.get("op_id"): r for r in answer.get("results", [])}
            done: list[str] = []
            rejected: list[str] = []
            for op in ops:
                result = results.get(op["op_id"], {})
                status = result.get("status")
                if status not in ON_SERVER:
                    continue
                done.append(op["op_id"])
                if status == "applied":
                    report.applied += 1
                elif status == "duplicate":
                    report.duplicates += 1
                else:
                    report.rejected += 1
                    rejected.append(f"#{op['device_seq']} {op['entity']}.{op['op']}: {result.get('reason', '')}"
                                    f" {result.get('detail') or ''}".strip())
                    _log.warning("server rejected op %s (seq %s): %s", op["op_id"], op["device_seq"], result.get("reason"))
            self.store.mark_pushed(done, self._now(), rejected=rejected)
            gap = answer.get("gap")
            if gap:
                expected = int(gap["expected_seq"])
                if expected in gaps or not self.store.has_seq(expected):
                    raise SyncFault(SYNC_GAP_MISSING, transient=False, seq=expected,
                                    detail=f"the server expects op #{expected}")
                gaps.add(expected)
                again = self.store.send_again_from(expected)
                _log.warning("server expects op #%s: %s ops are sent again", expected, again)
                continue
            if not done:  # nothing moved and no gap: the server answered nothing usable
                raise SyncFault(SYNC_SERVER_ERROR, transient=True, detail="push answered no op")

    def _pull_all(self, client: ServerClient, report: SyncReport) -> None:
        cursor = self.store.state().cursor
        while True:
            try:
                page = client.pull(cursor, self.page)
            except SyncFault as fault:
                if fault.code == "sync.cursor_unknown" and not report.cursor_reset:
                    _log.warning("server does not know cursor %s: pulling again from the start", cursor)
                    self.store.reset_cursor()
                    report.cursor_reset, cursor = True, None
                    continue
                raise
            report.pulled += self.store.apply_page(page.get("changes", []), page.get("cursor"), self._now())
            cursor = page.get("cursor")
            if not page.get("more"):
                return

    # --- the thread ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def nudge(self) -> None:
        """A local write was committed: push soon (cheap; safe from any thread)."""
        self._wake.set()

    def _retrying(self) -> tenacity.Retrying:
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, SyncFault) and exc.transient),
            wait=tenacity.wait_exponential_jitter(multiplier=self.backoff_initial, max=self.backoff_max),
            stop=tenacity.stop_when_event_set(self._stop),
            sleep=self._stop.wait,  # interrupted by stop()
            reraise=True,
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._retrying()(self.sync_now)
            except SyncFault as fault:
                if not fault.transient:  # a person must act (revoked, not enrolled): try again at the interval
                    _log.info("sync waits: %s", fault.code)
            except Exception:  # never let the thread die silently
                _log.exception("sync round failed")
            self._wake.wait(self.interval)
            if self._wake.is_set() and not self._stop.is_set():
                self._stop.wait(self.debounce)  # let a burst of writes commit first
            self._wake.clear()
