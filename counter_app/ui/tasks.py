"""Run slow work off the GUI thread and deliver its result or error back on the GUI thread."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from counter_app.domain.errors import DomainError

_log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _TaskSignals(QObject):
    """Lives in the GUI thread; the worker emits, the manager receives through a queued connection."""

    sig_finished = Signal(int, object, object)  # task id, result, error


class _Task(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], signals: _TaskSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps the reference until the result is delivered
        self._task_id = task_id
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn()
        except BaseException as exc:  # noqa: BLE001 - every failure must reach on_error
            error = exc
        try:
            self._signals.sig_finished.emit(self._task_id, result, error)
        except RuntimeError:  # the application is closing and its objects are gone
            _log.info("task %s ended after the application closed; result dropped", self._task_id)


@dataclass
class _Pending:
    task: _Task
    signals: _TaskSignals
    on_done: Done | None
    on_error: Failed | None
    owner: QObject | None
    name: str


class TaskManager(QObject):
    """Owns the worker pool and the tasks in flight.

    The store worker has one thread: the work handed to it (opening the store, logging in, saving
    a dossier) touches the local SQLite store, and one writer at a time is what the store wants.
    Rendering and printing run on the render workers (``run_render``); device and network work
    will get pools of their own.
    """

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 1) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
        name: str = "",
    ) -> int:
        task_id = next(self._ids)
        signals = _TaskSignals()
        signals.sig_finished.connect(self._on_task_finished, Qt.ConnectionType.QueuedConnection)
        task = _Task(task_id, fn, signals)
        self._pending[task_id] = _Pending(
            task, signals, on_done, on_error, owner, name or _name_of(fn)
        )
        self._pool.start(task)
        return task_id

    def pending_count(self) -> int:
        return len(self._pending)

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the workers are idle (for shutdown and tests); callbacks still need the event loop."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _on_task_finished(self, task_id: int, result: object, error: object) -> None:
        pending = self._pending.pop(task_id, None)
        if pending is None:
            return
        if isinstance(error, BaseException):
            if isinstance(error, DomainError):
                _log.info("task %s refused: %s", pending.name, error)
            else:
                _log.error("task %s failed", pending.name, exc_info=error)
            if not _owner_alive(pending):
                return
            if pending.on_error is not None:
                pending.on_error(error)
            return
        if pending.on_done is not None and _owner_alive(pending):
            pending.on_done(result)


def _owner_alive(pending: _Pending) -> bool:
    # A window closed and deleted while its work ran must not be called back.
    return pending.owner is None or shiboken6.isValid(pending.owner)


def _name_of(fn: Callable[..., Any]) -> str:
    return getattr(fn, "__qualname__", None) or repr(fn)


_manager: TaskManager | None = None
_render_manager: TaskManager | None = None
RENDER_THREADS = 2  # PDF rendering and previews: CPU work, never queued behind the store worker


def task_manager() -> TaskManager:
    """The application's task manager; created on first use, which must be on the GUI thread."""
    global _manager
    if _manager is None:
        _manager = TaskManager()
    return _manager


def render_manager() -> TaskManager:
    """The render workers (PDFs, previews, printing): a pool of their own, so a long render never
    delays a store call on the single store worker (and a busy store never delays a preview)."""
    global _render_manager
    if _render_manager is None:
        _render_manager = TaskManager(max_threads=RENDER_THREADS)
    return _render_manager


def shutdown_tasks(timeout_ms: int = 10_000) -> bool:
    """Wait for work in flight before Python shuts down (a worker thread alive during
    interpreter finalization can hang the process). True when every task ended in time."""
    done = True
    for name, manager in (("background", _manager), ("render", _render_manager)):
        if manager is None:
            continue
        if not manager.wait_for_done(timeout_ms):
            _log.error("%d %s task(s) still running at exit", manager.pending_count(), name)
            done = False
    return done


def run_in_background(
    fn: Callable[[], Any],
    on_done: Done | None = None,
    on_error: Failed | None = None,
    *,
    owner: QObject | None = None,
    name: str = "",
) -> int:
    """Run ``fn()`` on a worker thread; ``on_done(result)`` or ``on_error(exc)`` run on the GUI thread.

    ``fn`` must capture plain data only (strings, ids, read models, the services object), never
    widgets. Errors are logged (DomainErrors at info level, anything else with its traceback)
    and handed to ``on_error``. When ``owner`` is destroyed before the work ends, no callback runs.
    """
    return task_manager().run(fn, on_done, on_error, owner=owner, name=name)


def run_render(
    fn: Callable[[], Any],
    on_done: Done | None = None,
    on_error: Failed | None = None,
    *,
    owner: QObject | None = None,
    name: str = "",
) -> int:
    """Like ``run_in_background`` but on the render workers: rendering a PDF or its preview, and
    sending it to the printer. Store reads and writes inside ``fn`` are short transactions of their own."""
    return render_manager().run(fn, on_done, on_error, owner=owner, name=name)
