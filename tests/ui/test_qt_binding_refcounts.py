"""Guard against a Qt binding that leaks references to None/True (PySide6 6.12.0 on Python 3.11 did:
every void call lost one reference to None, every emit one to True, and a long-running hall display
aborted with "none_dealloc" after minutes). The pinned PySide6 must not do that."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig_ping = Signal()


def test_void_calls_and_emits_keep_none_and_true_alive(qapp) -> None:  # type: ignore[no-untyped-def]
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        emitter.setObjectName("x")
        emitter.sig_ping.emit()
    assert none_before - sys.getrefcount(None) < 100
    assert true_before - sys.getrefcount(True) < 100
