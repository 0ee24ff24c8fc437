"""Text echoed back to a terminal or a screen carries no control or direction-changing characters."""

from __future__ import annotations

import pytest

from counter_app.domain.text import strip_controls


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("hoadon\u202etxt.exe", "hoadontxt.exe"),  # RIGHT-TO-LEFT OVERRIDE would show "hoadonexe.txt"
        ("Lê\u2066Văn\u2069 Tám", "LêVăn Tám"),  # isolates
        ("A\u200eB\u200fC\u061cD", "ABCD"),  # LRM, RLM, ALM
        ("\x1b[2Jxoá màn hình", "[2Jxoá màn hình"),  # ESC starts a terminal escape sequence
        ("C1\x85\x9bend", "C1end"),  # C1 controls (NEL, CSI)
        ("dòng 1\ndòng 2\tcột", "dòng 1\ndòng 2\tcột"),  # layout kept
        ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"),  # ZWJ kept
        ("", ""),
    ],
)
def test_strip_controls(raw: str, shown: str) -> None:
    assert strip_controls(raw) == shown
