"""A log that cannot be written (issue 9 §4): no "--- Logging error ---" on stderr, and no message
claims that the details were written to the log while they were not."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from counter_app.bootstrap import configure_logging
from counter_app.services.i18n import describe_error
from counter_app.ui.errors import show_unexpected_error

pytestmark = pytest.mark.usefixtures("vi")
LOGGED = "Chi tiết đã được ghi vào nhật ký"


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    yield data_dir
    configure_logging(None)  # the test run's own logging again, the broken file handler closed


def _nearly_full_log(data_dir: Path) -> None:
    """A log of 2.1 MB: the next record rotates it (and so opens a new file)."""
    logs = data_dir / "logs"
    logs.mkdir()
    (logs / "counter.log").write_bytes(b"old line\n" * 240_000)


def _break_the_log_folder(data_dir: Path) -> None:
    """The log folder is gone (a file stands in its place): no log file can be opened there."""
    logs = data_dir / "logs"
    shutil.rmtree(logs)
    logs.write_bytes(b"")


def _dialog_words(qtbot: QtBot) -> str:
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, read_and_close)
            return
        seen.append(box.text() + "\n" + box.informativeText())
        box.done(0)

    QTimer.singleShot(0, read_and_close)
    show_unexpected_error()
    qtbot.waitUntil(lambda: bool(seen))
    return seen[0]


def test_a_log_that_cannot_be_written_is_quiet_and_never_claimed(
    qtbot: QtBot, log_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    _nearly_full_log(log_dir)
    configure_logging(log_dir)
    assert LOGGED in _dialog_words(qtbot)  # while the log works, the apology says so
    _break_the_log_folder(log_dir)
    capfd.readouterr()

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("counter_app.ui").critical("uncaught exception", exc_info=True)  # as the excepthook does

    _out, err = capfd.readouterr()
    assert "Logging error" not in err and "NotADirectoryError" not in err  # no traceback of the log handler
    words = _dialog_words(qtbot)
    assert LOGGED not in words and "không ghi được" in words.lower()
    generic = describe_error(RuntimeError("boom"))
    assert "ghi vào nhật ký" not in generic and "Tệp nhật ký không ghi được" in generic

    (log_dir / "logs").unlink()  # the folder is back: the log works again, and the words say so again
    (log_dir / "logs").mkdir()
    logging.getLogger("counter_app.test").error("after the fault")
    assert "after the fault" in (log_dir / "logs" / "counter.log").read_text(encoding="utf-8")
    assert describe_error(RuntimeError("boom")) == "Đã xảy ra lỗi. Chi tiết đã được ghi vào nhật ký."


def _unexpected_words_of_every_screen() -> dict[str, str]:
    """What each screen says after an unexpected (non-domain) error, read through its own function."""
    from counter_app.services.dossier_words import describe_dossier_error
    from counter_app.ui.counter_role import store_error_text
    from counter_app.ui.login import login_error_text
    from counter_app.ui.queue_common import error_text

    boom = RuntimeError("boom")
    return {
        "sign in": login_error_text(boom),
        "opening the data": store_error_text(boom),
        "queue": error_text(boom),
        "dossier": describe_dossier_error(boom),
        "generic": describe_error(boom),
    }


def test_no_screen_claims_the_details_were_logged_while_the_log_is_broken(
    qtbot: QtBot, log_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Sign-in, opening the data, the queue and dossier actions each said "written to the log" even
    when the log could not be written (their words did not ask whether it was)."""
    configure_logging(log_dir)
    for where, words in _unexpected_words_of_every_screen().items():
        assert LOGGED in words, where

    with (log_dir / "logs" / "counter.log").open("ab") as log:  # the next record rotates the log...
        log.write(b"old line\n" * 240_000)
    _break_the_log_folder(log_dir)  # ...and no new log file can be opened
    logging.getLogger("counter_app.ui").error("the first record after the fault finds the log broken")
    capfd.readouterr()
    for where, words in _unexpected_words_of_every_screen().items():
        assert "ghi vào nhật ký" not in words, where
        assert "Tệp nhật ký không ghi được" in words, where


def test_only_one_sentence_in_the_program_says_the_details_were_logged() -> None:
    """The claim lives in ``i18n.log_note`` (and the dialog's longer text, which asks the same
    question); a new message that states it on its own would be untrue while the log is broken."""
    import ast

    root = Path(__file__).resolve().parents[2] / "counter_app"
    claims = {
        str(path.relative_to(root)): sum(
            isinstance(node, ast.Constant) and isinstance(node.value, str) and "were written to the log" in node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
        for path in root.rglob("*.py")
    }
    assert {path: n for path, n in claims.items() if n} == {
        "services/i18n.py": 1, "ui/errors.py": 1, "cli.py": 1,
    }
