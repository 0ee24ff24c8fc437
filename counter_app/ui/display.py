"""Hall display: the numbers called to each counter, the last calls, waiting counts, clock and notice, for a TV."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.i18n import _
from counter_app.services.queue_port import CallView, LineView, QueueService
from counter_app.services.read_models import CounterView
from counter_app.services.voice import NO_PLAYER, PLAYER_FAILED, VoiceProblem, voice_problem
from counter_app.ui.queue_common import (
    Announcer,
    QueueEvents,
    Station,
    clock_text,
    queue_events,
    scaled_stylesheet,
    screen_scale,
)
from counter_app.ui.tasks import run_in_background
from counter_app.ui.theme import set_tone

_log = logging.getLogger(__name__)

CALLS_POLL_MS = 500  # calls made in other processes (counters on other PCs) show within half a second
LINES_POLL_MS = 3_000
CLOCK_MS = 1_000
BLINK_MS = 450
BLINK_TIMES = 12  # the newest call blinks about five seconds, then stays highlighted
LAST_CALLS = 6
MAX_LINES_SHOWN = 8  # more lines than fit: the ones with people waiting
SAME_CALL = timedelta(seconds=2)  # a polled call this close to one already shown is that call
MARQUEE_STEP_PX = 3
MARQUEE_MS = 30

_STYLE = """
QWidget#hallDisplay { background: #0a1020; }
QWidget#displayHeader { background: #0b3d91; }
QLabel#displayCentre { color: #ffffff; font-size: 44px; font-weight: bold; }
QLabel#displayClock { color: #ffd200; font-size: 64px; font-weight: bold; }
QFrame#heroCall { background: #13203d; border: 4px solid #2d4a80; border-radius: 16px; }
QFrame#heroCall[tone="ok"] { background: #ffd200; border-color: #ffffff; }
QLabel#heroInvite { color: #ffffff; font-size: 52px; font-weight: bold; }
QLabel#heroNumber { color: #ffd200; font-size: 240px; font-weight: bold; }
QLabel#heroCounter { color: #ffffff; font-size: 84px; font-weight: bold; }
QLabel#heroInvite[tone="ok"], QLabel#heroNumber[tone="ok"], QLabel#heroCounter[tone="ok"] { color: #0a1020; }
QLabel#sectionTitle { color: #9fc3ff; font-size: 38px; font-weight: bold; }
QFrame#ledTile { background: #000000; border: 3px solid #333b4d; border-radius: 10px; }
QFrame#ledTile[tone="ok"] { border-color: #ffd200; }
QLabel#ledCounter { color: #d7deea; font-size: 34px; font-weight: bold; }
QLabel#ledNumber { color: #ff3b30; font-size: 84px; font-weight: bold; }
QLabel#ledNumberSmall { color: #ff3b30; font-size: 52px; font-weight: bold; }
QLabel#lastCall { color: #ffffff; font-size: 64px; font-weight: bold; }
QLabel#lastCall[tone="ok"] { color: #ffd200; }
QLabel#lineName { color: #ffffff; font-size: 36px; }
QLabel#lineWaiting { color: #7CFC9A; font-size: 52px; font-weight: bold; }
QLabel#emptyCalls { color: #d7deea; font-size: 44px; }
QLabel#voiceWarning {
    background: #b00020; color: #ffffff; font-size: 26px; font-weight: bold; padding: 8px 16px;
    border-radius: 8px;
}
"""


@dataclass(frozen=True, slots=True)
class _Shown:
    number: str
    counter: int
    at: datetime
    recall: bool


class MarqueeNotice(QWidget):
    """A line of notice text scrolling right to left, painted (no layout churn per step)."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("displayNotice")
        self._text = text
        self._x: float | None = None  # left edge of the text; None: start where it is readable at once
        self._timer = QTimer(self)
        self._timer.setInterval(MARQUEE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def position(self) -> float:
        """Where the text starts, in pixels from the left edge (it moves left)."""
        return self._start_x() if self._x is None else self._x

    def set_text(self, text: str) -> None:
        self._text = text
        self._x = None
        self.update()

    def set_pixel_size(self, pixels: int) -> None:
        font = QFont(self.font())
        font.setPixelSize(pixels)
        font.setBold(True)
        self.setFont(font)
        self.setFixedHeight(int(pixels * 1.9))

    def sizeHint(self) -> QSize:
        return QSize(400, self.fontMetrics().height() + 24)

    def _on_timer_timeout(self) -> None:
        if not self.isVisible() or not self._text:
            return
        x = self._start_x() if self._x is None else self._x
        x -= MARQUEE_STEP_PX
        if x < -self.fontMetrics().horizontalAdvance(self._text):  # gone on the left: in from the right
            x = float(self.width())
        self._x = x
        self.update()

    def _start_x(self) -> float:
        return float(self.fontMetrics().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#ffd200"))
        painter.setPen(QColor("#0a1020"))
        x = self._start_x() if self._x is None else self._x
        rect = QRectF(x, 0, self.fontMetrics().horizontalAdvance(self._text) + 10, self.height())
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), self._text)
        painter.end()


class CounterLedPanel(QWidget):
    """Stands for the LED display above each counter: the number last called there, per counter."""

    def __init__(self, counters: Sequence[CounterView], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledPanel")
        self._tiles: dict[int, tuple[QFrame, QLabel]] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(14)
        numbers = sorted({c.number for c in counters})
        columns = 3 if len(numbers) <= 6 else 4 if len(numbers) <= 12 else 5
        dense = len(numbers) > 6  # many counters: smaller digits so every tile fits
        for i, number in enumerate(numbers):
            tile = QFrame()
            tile.setObjectName("ledTile")
            name = QLabel(_("Counter {number}").format(number=number))
            name.setObjectName("ledCounter")
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            shown = QLabel("—")
            shown.setObjectName("ledNumberSmall" if dense else "ledNumber")
            shown.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box = QVBoxLayout(tile)
            box.setContentsMargins(8, 6, 8, 6)
            box.setSpacing(0)
            box.addWidget(name)
            box.addWidget(shown)
            grid.addWidget(tile, i // columns, i % columns)
            self._tiles[number] = (tile, shown)

    def show_number(self, counter_number: int, ticket_number: str) -> None:
        if counter_number not in self._tiles:
            return
        self._tiles[counter_number][1].setText(ticket_number)

    def highlight(self, counter_number: int | None) -> None:
        for number, (tile, _label) in self._tiles.items():
            set_tone(tile, "ok" if number == counter_number else "")

    def number_at(self, counter_number: int) -> str:
        """The number the counter's LED shows ("—" when none was called yet)."""
        return self._tiles[counter_number][1].text()


def voice_problem_text(problem: VoiceProblem) -> str:
    """Words for the administrator: what keeps the calls from being heard and what to check."""
    if problem.code == NO_PLAYER:
        return _("no audio player is installed on this PC (install one of: {players}).").format(
            players=problem.detail
        )
    if problem.code == PLAYER_FAILED:
        return _("the audio player failed ({error}). Check that speakers are connected and the sound "
                 "output is on.").format(error=problem.detail)
    return problem.detail or problem.code


class HallDisplayWindow(QWidget):
    """Full-screen TV window. Repaints on every call it hears of (Qt signal or poll); says it once."""

    sig_call_shown = Signal(object)  # CallView, after the labels show it

    def __init__(
        self,
        queue: QueueService | None,
        station: Station,
        counters: Sequence[CounterView],
        *,
        announcer: Announcer | None,
        now: Callable[[], datetime],
        events: QueueEvents | None = None,
        notice: str = "",
        poll: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("hallDisplay")
        self.setWindowTitle(_("Hall display") + " — " + station.centre_name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setCursor(Qt.CursorShape.BlankCursor)
        self._queue = queue
        self._station = station
        self._announcer = announcer
        self._now = now
        self._events = events if events is not None else queue_events()
        self._shown: list[_Shown] = []  # newest last
        self._loaded = False  # the first poll fills the screen without saying old calls again
        self._polling_calls = False
        self._polling_lines = False
        self._blinks_left = 0
        self._scale = 0.0
        self._line_ids: list[str] = []
        self._line_labels: list[tuple[QLabel, QLabel]] = []

        header = self._build_header()
        left = self._build_newest_call(counters)
        right = self._build_last_calls()
        body = QHBoxLayout()
        body.setContentsMargins(30, 20, 30, 16)
        body.setSpacing(36)
        body.addLayout(left, 62)
        body.addLayout(right, 38)

        self.notice = MarqueeNotice(notice or _("Please keep your ticket until your business is done. "
                                                "Thank you for your patience."))
        warning_row = self._build_voice_warning()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addLayout(body, 1)
        layout.addLayout(warning_row)
        layout.addWidget(self.notice)

        self._start_timers()

        self._voice_problem: VoiceProblem | None = None
        self._on_clock_timer_timeout()
        self._apply_scale(1.0)
        self._render_calls()
        if queue is None:
            self.hero_invite_label.setText(_("The queue is not available on this machine"))
            self.hero_counter_label.setText("")
        elif poll:
            self.refresh()
            self._calls_timer.start()
            self._lines_timer.start()

    # -- builders --------------------------------------------------------------------------------

    def _build_header(self) -> QWidget:
        """The centre's name and the clock."""
        header = QWidget()
        header.setObjectName("displayHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.centre_label = QLabel(self._station.centre_name)
        self.centre_label.setObjectName("displayCentre")
        self.centre_label.setWordWrap(True)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("displayClock")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(36, 12, 36, 12)
        header_layout.addWidget(self.centre_label, 1)
        header_layout.addWidget(self.clock_label)
        return header

    def _build_newest_call(self, counters: Sequence[CounterView]) -> QVBoxLayout:
        """The newest call, big, above the numbers at the counters."""
        self.hero = QFrame()
        self.hero.setObjectName("heroCall")
        self.hero_invite_label = QLabel(_("Now calling number"))
        self.hero_invite_label.setObjectName("heroInvite")
        self.hero_number_label = QLabel("—")
        self.hero_number_label.setObjectName("heroNumber")
        self.hero_counter_label = QLabel(_("Please wait to be called"))
        self.hero_counter_label.setObjectName("heroCounter")
        hero_layout = QVBoxLayout(self.hero)
        hero_layout.setContentsMargins(20, 10, 20, 16)
        hero_layout.setSpacing(0)
        for label in (self.hero_invite_label, self.hero_number_label, self.hero_counter_label):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(label is not self.hero_number_label)
            hero_layout.addWidget(label)

        led_title = QLabel(_("Numbers at the counters"))
        led_title.setObjectName("sectionTitle")
        self.led_panel = CounterLedPanel(counters)

        left = QVBoxLayout()
        left.setSpacing(14)
        left.addWidget(self.hero, 5)
        left.addWidget(led_title)
        left.addWidget(self.led_panel, 4)
        return left

    def _build_last_calls(self) -> QVBoxLayout:
        """The last calls and the waiting count of each line."""
        calls_title = QLabel(_("Last calls"))
        calls_title.setObjectName("sectionTitle")
        self.call_labels: list[QLabel] = []
        calls_box = QVBoxLayout()
        calls_box.setSpacing(2)
        for _i in range(LAST_CALLS):
            label = QLabel()
            label.setObjectName("lastCall")
            self.call_labels.append(label)
            calls_box.addWidget(label)
        self.no_calls_label = QLabel(_("No number has been called yet"))
        self.no_calls_label.setObjectName("emptyCalls")
        self.no_calls_label.setWordWrap(True)
        calls_box.addWidget(self.no_calls_label)
        waiting_title = QLabel(_("Waiting per line"))
        waiting_title.setObjectName("sectionTitle")
        self.lines_grid = QGridLayout()
        self.lines_grid.setHorizontalSpacing(16)
        self.lines_grid.setVerticalSpacing(2)
        self.lines_grid.setColumnStretch(0, 1)
        right = QVBoxLayout()
        right.setSpacing(10)
        right.addWidget(calls_title)
        right.addLayout(calls_box)
        right.addSpacing(16)
        right.addWidget(waiting_title)
        right.addLayout(self.lines_grid)
        right.addStretch(1)
        return right

    def _build_voice_warning(self) -> QHBoxLayout:
        """For the administrator: why the calls are not heard (hidden while the voice works or is off)."""
        self.voice_warning_label = QLabel()
        self.voice_warning_label.setObjectName("voiceWarning")
        self.voice_warning_label.setWordWrap(True)
        self.voice_warning_label.hide()
        warning_row = QHBoxLayout()
        warning_row.setContentsMargins(30, 0, 30, 8)
        warning_row.addStretch(1)
        warning_row.addWidget(self.voice_warning_label, 2)
        return warning_row

    def _start_timers(self) -> None:
        """The clock, the blink of a new call, the polls of calls and lines, the queue's signals."""
        self._clock_timer = QTimer(self)
        self._clock_timer.setInterval(CLOCK_MS)
        self._clock_timer.timeout.connect(self._on_clock_timer_timeout)
        self._clock_timer.start()
        self._blink_timer = QTimer(self)
        self._blink_timer.setInterval(BLINK_MS)
        self._blink_timer.timeout.connect(self._on_blink_timer_timeout)
        self._calls_timer = QTimer(self)
        self._calls_timer.setInterval(CALLS_POLL_MS)
        self._calls_timer.timeout.connect(self._on_calls_timer_timeout)
        self._lines_timer = QTimer(self)
        self._lines_timer.setInterval(LINES_POLL_MS)
        self._lines_timer.timeout.connect(self._on_lines_timer_timeout)
        self._events.sig_called.connect(self._on_events_called)
        self._events.sig_changed.connect(self._on_events_changed)

    # -- what tests, the role and the benchmark use ----------------------------------------------

    def refresh(self) -> None:
        """Ask the queue for the last calls and the waiting counts (off the GUI thread)."""
        self._poll_calls()
        self._poll_lines()

    def show_call(self, call: CallView) -> bool:
        """Show and say one call; False when it is one already shown (heard twice: bus and poll)."""
        shown = _Shown(call.ticket_number, call.counter_number, call.at, call.recall)
        if self._known(shown):
            return False
        self._shown.append(shown)
        del self._shown[:-50]
        self._render_calls()
        self._blinks_left = BLINK_TIMES
        self._blink_timer.start()
        self._say(call)
        self.sig_call_shown.emit(call)
        return True

    def show_history(self, calls: Sequence[CallView]) -> None:
        """Calls made before the display started (newest first, as the queue lists them): shown, not said."""
        self._loaded = True
        for call in reversed(calls):
            shown = _Shown(call.ticket_number, call.counter_number, call.at, call.recall)
            if not self._known(shown):
                self._shown.append(shown)
        self._shown.sort(key=lambda s: s.at)
        self._render_calls()

    def show_lines(self, lines: Sequence[LineView]) -> None:
        self._render_lines(lines)

    def hero_text(self) -> tuple[str, str]:
        return self.hero_number_label.text(), self.hero_counter_label.text()

    def voice_warning(self) -> str:
        """The warning shown because calls cannot be heard ("" when none is shown)."""
        return self.voice_warning_label.text() if self.voice_warning_label.isVisibleTo(self) else ""

    def last_calls_text(self) -> list[str]:
        return [label.text() for label in self.call_labels if label.isVisibleTo(self) and label.text()]

    def waiting_text(self) -> dict[str, str]:
        """Line name → the count shown."""
        return {name.text(): count.text() for name, count in self._line_labels}

    # -- slots ---------------------------------------------------------------------------------

    def _on_events_called(self, call: object) -> None:
        assert isinstance(call, CallView)
        self.show_call(call)

    def _on_events_changed(self) -> None:
        self._poll_lines()

    def _on_calls_timer_timeout(self) -> None:
        self._poll_calls()

    def _on_lines_timer_timeout(self) -> None:
        self._poll_lines()

    def _on_clock_timer_timeout(self) -> None:
        self.clock_label.setText(clock_text(self._now()))
        self._check_voice()

    def _on_blink_timer_timeout(self) -> None:
        self._blinks_left -= 1
        on = self._blinks_left % 2 == 1
        if self._blinks_left <= 0:
            self._blink_timer.stop()
            on = False
        # the frame and each of its labels together: dark on yellow, or yellow and white on dark — never
        # a label left in the colours of the other frame (yellow on yellow)
        tone = "ok" if on else ""
        set_tone(self.hero, tone)
        for label in (self.hero_invite_label, self.hero_number_label, self.hero_counter_label):
            set_tone(label, tone)

    def _on_calls_polled(self, calls: object) -> None:
        self._polling_calls = False
        assert isinstance(calls, list)
        if not self._loaded:
            self.show_history(calls)
            return
        newest = max((s.at for s in self._shown), default=None)
        for call in reversed(calls):  # oldest first, so they are said in order
            if newest is not None and call.at < newest - SAME_CALL:
                continue
            self.show_call(call)

    def _on_calls_poll_failed(self, _error: BaseException) -> None:
        self._polling_calls = False  # logged by the task manager; the next poll tries again

    def _on_lines_polled(self, lines: object) -> None:
        self._polling_lines = False
        assert isinstance(lines, list)
        self._render_lines(lines)

    def _on_lines_poll_failed(self, _error: BaseException) -> None:
        self._polling_lines = False

    # -- helpers -------------------------------------------------------------------------------

    def _poll_calls(self) -> None:
        queue = self._queue
        if queue is None or self._polling_calls:
            return
        self._polling_calls = True
        centre_id = self._station.centre_id
        run_in_background(
            lambda: queue.recent_calls(centre_id, LAST_CALLS + 4), self._on_calls_polled,
            self._on_calls_poll_failed, owner=self, name="display-calls",
        )

    def _poll_lines(self) -> None:
        queue = self._queue
        if queue is None or self._polling_lines:
            return
        self._polling_lines = True
        centre_id = self._station.centre_id
        run_in_background(
            lambda: queue.lines(centre_id), self._on_lines_polled, self._on_lines_poll_failed,
            owner=self, name="display-lines",
        )

    def _known(self, shown: _Shown) -> bool:
        return any(
            s.number == shown.number and s.counter == shown.counter and s.recall == shown.recall
            and abs(s.at - shown.at) <= SAME_CALL
            for s in self._shown
        )

    def _say(self, call: CallView) -> None:
        if self._announcer is None:
            return
        try:
            if call.recall:
                self._announcer.recall(call.ticket_number, call.counter_number)
            else:
                self._announcer.announce(call.ticket_number, call.counter_number)
        except Exception:  # a number the voice cannot read must not stop the screen
            _log.exception("voice call %s → counter %s failed", call.ticket_number, call.counter_number)
        self._check_voice()

    def _check_voice(self) -> None:
        """Show (or clear) the administrator's warning when the voice says it cannot be heard."""
        if self._announcer is None:
            return
        try:
            problem = voice_problem(self._announcer)
        except Exception:  # the screen goes on; the warning is only as good as the report
            _log.exception("the voice could not say whether it works")
            return
        if problem == self._voice_problem:
            return
        self._voice_problem = problem
        if problem is None:
            _log.info("voice call-outs work again")
            self.voice_warning_label.clear()
            self.voice_warning_label.hide()
            return
        _log.warning("voice call-outs are not heard: %s (%s)", problem.code, problem.detail)
        self.voice_warning_label.setText(
            _("Voice calls cannot be played: {reason}").format(reason=voice_problem_text(problem))
        )
        self.voice_warning_label.show()

    def _render_calls(self) -> None:
        newest = self._shown[-1] if self._shown else None
        if newest is None:
            self.hero_number_label.setText("—")
            if self._queue is not None:
                self.hero_counter_label.setText(_("Please wait to be called"))
        else:
            self.hero_number_label.setText(newest.number)
            self.hero_counter_label.setText(_("to counter {number}").format(number=newest.counter))
        latest_per_counter: dict[int, str] = {}
        for s in self._shown:
            latest_per_counter[s.counter] = s.number
        for counter, number in latest_per_counter.items():
            self.led_panel.show_number(counter, number)
        self.led_panel.highlight(newest.counter if newest is not None else None)
        recent = list(reversed(self._shown))[:LAST_CALLS]
        for i, label in enumerate(self.call_labels):
            if i < len(recent):
                s = recent[i]
                label.setText(_("{number}  →  counter {counter}").format(number=s.number, counter=s.counter))
                set_tone(label, "ok" if i == 0 else "")
                label.show()
            else:
                label.setText("")
                label.hide()
        self.no_calls_label.setVisible(not recent)

    def _render_lines(self, lines: Sequence[LineView]) -> None:
        if len(lines) > MAX_LINES_SHOWN:
            lines = [line for line in lines if line.waiting][:MAX_LINES_SHOWN]
        grid = self.lines_grid
        if [line.id for line in lines] != self._line_ids:  # lines changed: rebuild the rows
            while grid.count():
                item = grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            self._line_labels = []
            for row in range(len(lines)):
                name = QLabel()
                name.setObjectName("lineName")
                name.setWordWrap(True)
                count = QLabel()
                count.setObjectName("lineWaiting")
                count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                grid.addWidget(name, row, 0)
                grid.addWidget(count, row, 1)
                self._line_labels.append((name, count))
            self._line_ids = [line.id for line in lines]
        for line, (name, count) in zip(lines, self._line_labels, strict=True):
            name.setText(f"{line.code} · {line.name}")
            count.setText(str(line.waiting))

    def _apply_scale(self, scale: float) -> None:
        if abs(scale - self._scale) < 0.02:
            return
        self._scale = scale
        self.setStyleSheet(scaled_stylesheet(_STYLE, scale))
        self.notice.set_pixel_size(max(12, round(44 * scale)))

    # -- Qt overrides --------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._apply_scale(screen_scale(event.size().width(), event.size().height()))
        super().resizeEvent(event)
