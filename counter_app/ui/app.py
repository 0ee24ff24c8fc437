"""GUI composition root: `counter-app` starts a role's windows, or renders one to a PNG and exits."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QApplication, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services import i18n
from counter_app.ui.counter_role import (
    EXIT_STORE_FAILED,
    CounterRole,
    StoreOpenFailed,
    counter_screenshot_window,
    store_error_text,
)
from counter_app.ui.errors import install_error_hooks
from counter_app.ui.tasks import shutdown_tasks
from counter_app.ui.theme import apply_theme

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from counter_app.services.ports import CounterAppServices

_log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
DEFAULT_SIZE = QSize(1366, 768)


@dataclass(frozen=True, slots=True)
class LaunchOptions:
    data_dir: Path | None  # None: bootstrap.default_data_dir(), resolved off the GUI thread
    language: str
    screen: int | None = None  # kiosk, display, rating: full-screen on this screen (1 = first)
    counter: int | None = None  # rating: the number of the counter the pad stands at
    lock_after_minutes: float | None = None  # counter: idle minutes before the screen locks (None: default, 0: never)
    daily_backup: bool = False  # a working window (not a screenshot) starts today's backup if none yet


@dataclass(frozen=True, slots=True)
class Role:
    """One kind of station. Kiosk, hall display and rating pad plug in here as they are built."""

    name: str
    start: Callable[[LaunchOptions], QObject]  # shows the first window; the result is kept alive
    screenshot_window: Callable[[CounterAppServices], QWidget]


def _start_counter(options: LaunchOptions) -> QObject:
    role = CounterRole(lambda: open_store(options), idle_lock_minutes=options.lock_after_minutes)
    role.start()
    return role


def _start_kiosk(options: LaunchOptions) -> QObject:
    from counter_app.ui.station_roles import start_kiosk

    return start_kiosk(lambda: open_store(options), options.screen)


def _start_display(options: LaunchOptions) -> QObject:
    from counter_app.ui.station_roles import start_display

    return start_display(lambda: open_store(options), options.screen)


def _start_rating(options: LaunchOptions) -> QObject:
    from counter_app.ui.station_roles import start_rating

    return start_rating(lambda: open_store(options), options.screen, options.counter)


def _kiosk_screenshot(services: CounterAppServices) -> QWidget:
    from counter_app.ui.station_roles import kiosk_screenshot_window

    return kiosk_screenshot_window(services)


def _display_screenshot(services: CounterAppServices) -> QWidget:
    from counter_app.ui.station_roles import display_screenshot_window

    return display_screenshot_window(services)


def _rating_screenshot(services: CounterAppServices) -> QWidget:
    from counter_app.ui.station_roles import rating_screenshot_window

    return rating_screenshot_window(services)


ROLES: dict[str, Role] = {
    "counter": Role("counter", _start_counter, counter_screenshot_window),
    "kiosk": Role("kiosk", _start_kiosk, _kiosk_screenshot),
    "display": Role("display", _start_display, _display_screenshot),
    "rating": Role("rating", _start_rating, _rating_screenshot),
}


def open_store(options: LaunchOptions) -> CounterAppServices:
    """Open (and upgrade) the local store. Imports bootstrap, and so SQLAlchemy, only now."""
    data_dir = options.data_dir
    try:
        from counter_app import bootstrap

        if data_dir is None:
            data_dir = bootstrap.default_data_dir()
        # The log file lives in the data folder; never create the folder just to log into it.
        bootstrap.configure_logging(data_dir if data_dir.is_dir() else None)
        return bootstrap.open_services(data_dir, language=options.language, daily_backup=options.daily_backup)
    except Exception as exc:
        raise StoreOpenFailed(data_dir, exc) from exc


def _size(text: str) -> QSize:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            i18n._("“{value}” is not a size like 1366x768 (WIDTHxHEIGHT)").format(value=text)
        ) from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise argparse.ArgumentTypeError(
            i18n._("the size “{value}” is out of range (200 to 8000 pixels)").format(value=text)
        )
    return QSize(width, height)


def _minutes(text: str) -> float:
    try:
        minutes = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            i18n._("“{value}” is not a number of minutes").format(value=text)
        ) from None
    if not 0 <= minutes <= 24 * 60:
        raise argparse.ArgumentTypeError(
            i18n._("“{value}” minutes is out of range (0 to 1440)").format(value=text)
        )
    return minutes


def build_parser() -> argparse.ArgumentParser:
    _ = i18n._
    parser = argparse.ArgumentParser(
        prog="counter-app", description=_("Quầy một cửa — counter application")
    )
    parser.add_argument("--data-dir", type=Path, help=_("folder of the local store (default: per-user data folder)"))
    parser.add_argument("--role", choices=sorted(ROLES), default="counter", help=_("which station this PC is"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default="vi", help=_("language of the screens"))
    parser.add_argument("--screenshot", type=Path, metavar="FILE.png", help=_("render the role's window to FILE.png and exit"))
    parser.add_argument("--size", type=_size, default=DEFAULT_SIZE, metavar="WxH", help=_("window size for --screenshot (default 1366x768)"))
    parser.add_argument("--screen", type=int, metavar="N", help=_("kiosk, display, rating: full screen on screen N (1 = first; default: primary)"))
    parser.add_argument("--counter", type=int, metavar="N", help=_("rating: the number of the counter this pad stands at (default: the first)"))
    parser.add_argument("--lock-after", type=_minutes, metavar="MIN", dest="lock_after", help=_("counter: lock the screen after MIN minutes without a key or a click (default 10, 0: never)"))
    return parser


def launch_options(args: argparse.Namespace) -> LaunchOptions:
    """What a role starts with; a working window (not a screenshot) also makes today's backup."""
    return LaunchOptions(
        data_dir=args.data_dir, language=args.lang, screen=args.screen, counter=args.counter,
        lock_after_minutes=args.lock_after, daily_backup=args.screenshot is None,
    )


def main(argv: list[str] | None = None) -> int:
    raw = sys.argv[1:] if argv is None else argv
    i18n.set_language("en" if _asks_english(raw) else "vi")
    with i18n.argparse_words():  # usage and bad-argument messages in the screens' language (exit 2)
        args = build_parser().parse_args(raw)
    role = ROLES[args.role]
    options = launch_options(args)
    i18n.set_language(options.language)
    if args.screenshot is not None:
        return _screenshot(role, options, args.screenshot, args.size)

    app = _application(headless=False)
    install_error_hooks(dialogs=True)
    _controller = role.start(options)  # noqa: F841 - keeps the role's windows alive while the loop runs
    if os.environ.get("COUNTER_STARTUP_PROBE"):  # benchmarks/bench_startup.py: time to a shown window
        _report_shown_and_quit(app)
    code = app.exec()
    shutdown_tasks()
    return code


def _asks_english(argv: list[str]) -> bool:
    return "--lang=en" in argv or any(a == "--lang" and argv[i + 1 : i + 2] == ["en"] for i, a in enumerate(argv))


def _report_shown_and_quit(app: QApplication) -> None:
    import time

    from PySide6.QtCore import QTimer

    def shown() -> None:
        print("SHOWN", time.time(), flush=True)
        app.quit()

    QTimer.singleShot(0, shown)


def _application(*, headless: bool) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        if headless:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        QCoreApplication.setOrganizationName("VNPost")
        QCoreApplication.setApplicationName("counter-app")
        app = QApplication(sys.argv[:1])
    apply_theme(app)
    return app


def _screenshot(role: Role, options: LaunchOptions, path: Path, size: QSize) -> int:
    app = _application(headless=True)
    install_error_hooks(dialogs=False)
    try:
        services = open_store(options)
    except StoreOpenFailed as error:
        if isinstance(error.cause, DomainError):  # expected: the one line below says it all
            _log.info("screenshot: %s", error)
        else:
            _log.error("screenshot: %s", error, exc_info=error.cause)
        _print_error("counter-app: " + " ".join(store_error_text(error).split()))
        return EXIT_STORE_FAILED
    try:
        window = role.screenshot_window(services)
        window.setFixedSize(size)
        window.show()
        for _ in range(3):  # layouts, text documents and the splitter settle over a few passes
            app.processEvents()
        pixmap = window.grab()
        if pixmap.size() != size:  # a device pixel ratio other than 1
            pixmap = pixmap.scaled(size)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not pixmap.save(str(path), "PNG"):
            _print_error("counter-app: " + i18n._("Could not write the picture {path}.").format(path=path))
            return EXIT_FAILED
        window.close()
        window.deleteLater()
        shutdown_tasks()
    except Exception as exc:
        _log.exception("screenshot of role %s failed", role.name)
        _print_error("counter-app: " + i18n._("The picture of the window could not be made: {error}").format(error=exc))
        return EXIT_FAILED
    return EXIT_OK


def _print_error(line: str) -> None:
    if sys.stderr is not None:  # a windowed (pythonw) process has no stderr
        print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
