"""Rating pad at a counter: the citizen being served there (or just finished) rates the service on five levels.

The pad follows its counter: it asks about the ticket called or served there now, switches the moment
the counter finishes or calls the next one, and goes back to its welcome after a short while. A tap
is never put on a ticket that has left the counter (the queue refuses it too, see
``LocalQueueService.rate``).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import N_, _
from counter_app.services.queue_port import CallView, QueueService, TicketStatus, TicketView
from counter_app.ui.queue_common import (
    QueueEvents,
    error_text,
    queue_events,
    scaled_stylesheet,
    screen_scale,
)
from counter_app.ui.tasks import run_in_background
from counter_app.ui.theme import set_tone

_log = logging.getLogger(__name__)

# Level 5 is the best. Words as on the national satisfaction survey forms.
LEVELS: tuple[tuple[int, str, str], ...] = (
    (5, N_("Very satisfied"), "#1b6e2d"),
    (4, N_("Satisfied"), "#4c8c2b"),
    (3, N_("Neutral"), "#8a6d00"),
    (2, N_("Dissatisfied"), "#b5540b"),
    (1, N_("Very dissatisfied"), "#b00020"),
)
GOOD_REASONS: tuple[str, ...] = (
    N_("Quick service"),
    N_("Friendly, polite staff"),
    N_("Clear guidance"),
)
BAD_REASONS: tuple[str, ...] = (
    N_("Waited too long"),
    N_("Guidance was unclear"),
    N_("Staff were impolite"),
    N_("Asked for papers not on the list"),
)
RATE_TIMEOUT_MS = 30_000  # finished and nobody rated: back to the welcome, nothing recorded, not asked again
REASON_TIMEOUT_MS = 30_000  # rated but no reason given: the rating is sent as it is
THANKS_MS = 5_000
NOTICE_MS = 8_000  # "that rating was not recorded" stays this long
POLL_MS = 1_000  # a counter on another PC (or process) calling or finishing shows within a second
# Refusals that mean "this ticket can no longer be rated here": the pad lets the ticket go.
_GONE = frozenset({"queue.rating_closed", "queue.not_rateable", "queue.unknown_ticket"})

_STYLE = """
QWidget#ratingPad { background: #f4f7fb; }
QLabel#ratingCounter { color: #0b3d91; font-size: 40px; font-weight: bold; }
QLabel#ratingPrompt { color: #0f1e3d; font-size: 60px; font-weight: bold; }
QLabel#ratingHint { color: #34465f; font-size: 36px; }
QPushButton#ratingLevel {
    border-radius: 18px; min-height: 110px; color: #ffffff; font-size: 48px; font-weight: bold;
}
QPushButton#ratingReason {
    background: #ffffff; border: 3px solid #53647c; border-radius: 14px; min-height: 90px;
    color: #0f1e3d; font-size: 36px;
}
QPushButton#ratingReason:checked { background: #0b3d91; border-color: #072a66; color: #ffffff; }
QLineEdit#ratingText { font-size: 36px; padding: 12px; border: 3px solid #53647c; border-radius: 10px; }
QPushButton#ratingSend {
    background: #0b3d91; border: 3px solid #072a66; border-radius: 14px; min-height: 110px;
    color: #ffffff; font-size: 46px; font-weight: bold;
}
QPushButton#ratingSend:disabled { background: #a9bccf; border-color: #a9bccf; }
QLabel#ratingStatus { font-size: 32px; font-weight: bold; }
QLabel#ratingStatus[tone="error"] { color: #b00020; }
QLabel#ratingNotice { color: #b00020; font-size: 30px; font-weight: bold; }
"""


def level_text(level: int) -> str:
    return next((_(words) for n, words, _colour in LEVELS if n == level), str(level))


class RatingPadWindow(QWidget):
    """Welcome → "how was it?" (five big buttons) → reasons (optional) → thanks → welcome.

    With a queue that can say what is at the counter (``rating_subject``) the pad follows the queue:
    every event of the bus and a poll every ``POLL_MS`` ask it again. Without one it follows the
    bus alone (a finish asks, a call of another number at this counter lets the old one go).
    """

    sig_rated = Signal(object, int, str)  # TicketView, level, reason — after the queue recorded it

    IDLE, RATE, REASON, THANKS = range(4)

    def __init__(
        self,
        queue: QueueService | None,
        counter_id: str,
        counter_number: int,
        *,
        events: QueueEvents | None = None,
        poll: bool = True,
        rate_timeout_ms: int = RATE_TIMEOUT_MS,
        reason_timeout_ms: int = REASON_TIMEOUT_MS,
        thanks_ms: int = THANKS_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ratingPad")
        self.setWindowTitle(_("Rating pad") + " — " + _("Counter {number}").format(number=counter_number))
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._queue = queue
        self._counter_id = counter_id
        self._counter_number = counter_number
        self._events = events if events is not None else queue_events()
        self._ticket: TicketView | None = None
        self._closed_ids: set[str] = set()  # rated, left the counter, or asked after the finish until time ran out
        self._level = 0
        self._sending = False
        self._follows_queue = queue is not None and callable(getattr(queue, "rating_subject", None))
        self._refreshing = False
        self._refresh_again = False
        self._scale = 0.0

        self.counter_label = QLabel(_("Counter {number}").format(number=counter_number))
        self.counter_label.setObjectName("ratingCounter")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._idle_page())
        self.pages.addWidget(self._rate_page())
        self.pages.addWidget(self._reason_page())
        self.pages.addWidget(self._thanks_page())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 24, 40, 30)
        self.notice_label = QLabel()
        self.notice_label.setObjectName("ratingNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice_label.hide()
        layout.addWidget(self.counter_label)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.notice_label)

        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.timeout.connect(self._on_timeout_timeout)
        self._rate_timeout_ms = rate_timeout_ms
        self._reason_timeout_ms = reason_timeout_ms
        self._thanks_ms = thanks_ms
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self._on_notice_timer_timeout)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_MS)
        self._poll_timer.timeout.connect(self._on_poll_timer_timeout)
        self._events.sig_finished.connect(self._on_events_finished)
        self._events.sig_called.connect(self._on_events_called)
        self._events.sig_changed.connect(self._on_events_changed)
        # The counter on another PC (or in another process) is seen by polling the queue.
        if poll and self._follows_queue:
            self._poll_timer.start()
        self._apply_scale(1.0)
        self._show(self.IDLE)

    # -- what tests and the role use ---------------------------------------------------------

    def current_step(self) -> int:
        return self.pages.currentIndex()

    def ticket(self) -> TicketView | None:
        return self._ticket

    def ask(self, ticket: TicketView) -> bool:
        """Ask for a rating of finished ``ticket``; False when it is not for this counter or was rated already."""
        if ticket.counter_number != self._counter_number or ticket.id in self._closed_ids:
            return False
        if self._ticket is not None and self._ticket.id == ticket.id:
            return False  # heard twice (the counter's panel and the queue's own report): asked already
        if ticket.status is not TicketStatus.DONE:
            return False
        if self._ticket is not None:
            self._let_go(self._ticket)
        self._ask(ticket)
        return True

    def refresh(self) -> None:
        """Ask the queue what is at this counter now (off the GUI thread); the pad follows the answer."""
        queue = self._queue
        if queue is None or not self._follows_queue:
            return
        if self._refreshing:
            self._refresh_again = True  # answered after the one in flight, so the newest state wins
            return
        self._refreshing = True
        subject = queue.rating_subject  # type: ignore[attr-defined]  # LocalQueueService
        counter_id = self._counter_id
        run_in_background(
            lambda: subject(counter_id), self._on_refresh_done, self._on_refresh_failed,
            owner=self, name="rating-refresh",
        )

    def notice(self) -> str:
        """What the pad says under the page (e.g. that a rating was not recorded), "" when nothing."""
        return self.notice_label.text() if self.notice_label.isVisibleTo(self) else ""

    def choose_level(self, level: int) -> None:
        if self._ticket is None or self._sending:
            return
        self.refresh()  # still this citizen? (if the counter has moved on, the pad switches and the tap is dropped)
        self._level = level
        good = level >= 4
        self.reason_prompt_label.setText(
            _("You chose: {level}. What stood out? (optional)").format(level=level_text(level))
        )
        for button in self.reason_buttons:
            button.setChecked(False)
        self.good_reasons_box.setVisible(good)
        self.bad_reasons_box.setVisible(not good)
        self.reason_edit.clear()
        self._set_status("", "")
        self.send_button.setEnabled(True)
        self._show(self.REASON)

    def reason(self) -> str:
        good = self._level >= 4
        chosen = [b.text() for b in self.reason_buttons if b.property("good") == good and b.isChecked()]
        text = self.reason_edit.text().strip()
        return "; ".join([*chosen, *([text] if text else [])])

    def send(self) -> None:
        """Record the rating with the reasons chosen so far."""
        ticket, level = self._ticket, self._level
        if ticket is None or not level or self._sending or self._queue is None:
            return
        self._sending = True
        self.send_button.setEnabled(False)
        self._timeout.stop()
        queue, reason = self._queue, self.reason()
        run_in_background(
            lambda: queue.rate(ticket.id, level, reason),
            lambda _result: self._on_rate_done(ticket, level, reason),
            lambda error: self._on_rate_failed(ticket, error), owner=self, name="rate",
        )

    # -- pages -------------------------------------------------------------------------------

    def _idle_page(self) -> QWidget:
        page = QWidget()
        welcome = QLabel(_("Welcome to the counter"))
        welcome.setObjectName("ratingPrompt")
        hint = QLabel(_("After your business at this counter, you can rate our service here."))
        hint.setObjectName("ratingHint")
        box = QVBoxLayout(page)
        box.addStretch(1)
        for label in (welcome, hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            box.addWidget(label)
        box.addStretch(1)
        self.idle_label = welcome
        return page

    def _rate_page(self) -> QWidget:
        page = QWidget()
        self.rate_prompt_label = QLabel()
        self.rate_prompt_label.setObjectName("ratingPrompt")
        self.rate_prompt_label.setWordWrap(True)
        self.rate_prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        box = QVBoxLayout(page)
        box.setSpacing(16)
        box.addWidget(self.rate_prompt_label)
        self.level_buttons: dict[int, QPushButton] = {}
        for level, words, colour in LEVELS:
            button = QPushButton(_(words))
            button.setObjectName("ratingLevel")
            button.setStyleSheet(f"QPushButton#ratingLevel {{ background: {colour}; border: none; }}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.clicked.connect(lambda _checked=False, n=level: self.choose_level(n))
            self.level_buttons[level] = button
            box.addWidget(button, 1)
        return page

    def _reason_page(self) -> QWidget:
        page = QWidget()
        self.reason_prompt_label = QLabel()
        self.reason_prompt_label.setObjectName("ratingPrompt")
        self.reason_prompt_label.setWordWrap(True)
        self.reason_prompt_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason_buttons: list[QPushButton] = []
        self.good_reasons_box = self._reasons_box(GOOD_REASONS, good=True)
        self.bad_reasons_box = self._reasons_box(BAD_REASONS, good=False)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("ratingText")
        self.reason_edit.setPlaceholderText(_("Anything else you want to tell us (optional)"))
        self.reason_edit.setMaxLength(500)
        self.reason_edit.textEdited.connect(self._on_reason_edit_text_edited)
        self.reason_edit.returnPressed.connect(self.send)
        self.send_button = QPushButton(_("Send my rating"))
        self.send_button.setObjectName("ratingSend")
        self.send_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.send_button.clicked.connect(self._on_send_button_clicked)
        self.status_label = QLabel()
        self.status_label.setObjectName("ratingStatus")
        self.status_label.setWordWrap(True)
        box = QVBoxLayout(page)
        box.setSpacing(18)
        box.addWidget(self.reason_prompt_label)
        box.addWidget(self.good_reasons_box)
        box.addWidget(self.bad_reasons_box)
        box.addWidget(self.reason_edit)
        box.addStretch(1)
        box.addWidget(self.status_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.send_button, 2)
        row.addStretch(1)
        box.addLayout(row)
        return page

    def _reasons_box(self, reasons: tuple[str, ...], *, good: bool) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(16)
        for i, words in enumerate(reasons):
            button = QPushButton(_(words))
            button.setObjectName("ratingReason")
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setProperty("good", good)
            button.toggled.connect(self._on_reason_button_toggled)
            self.reason_buttons.append(button)
            grid.addWidget(button, i // 2, i % 2)
        return box

    def _thanks_page(self) -> QWidget:
        page = QWidget()
        thanks = QLabel(_("Thank you for your rating!"))
        thanks.setObjectName("ratingPrompt")
        thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        thanks.setWordWrap(True)
        box = QVBoxLayout(page)
        box.addStretch(1)
        box.addWidget(thanks)
        box.addStretch(1)
        self.thanks_label = thanks
        return page

    # -- slots -------------------------------------------------------------------------------

    def _on_events_finished(self, ticket: object) -> None:
        assert isinstance(ticket, TicketView)
        if self._follows_queue:
            self.refresh()
        else:
            self.ask(ticket)

    def _on_events_called(self, call: object) -> None:
        assert isinstance(call, CallView)
        if call.counter_number != self._counter_number:
            return
        if self._follows_queue:
            self.refresh()
        elif self._ticket is not None and self._ticket.number != call.ticket_number and not self._sending:
            self._let_go(self._ticket)  # the counter called the next citizen: the last one has left

    def _on_events_changed(self) -> None:
        self.refresh()

    def _on_poll_timer_timeout(self) -> None:
        self.refresh()

    def _on_refresh_done(self, subject: object) -> None:
        self._refreshing = False
        self._follow(subject if isinstance(subject, TicketView) else None)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _on_refresh_failed(self, _error: BaseException) -> None:
        self._refreshing = False  # logged by the task manager; the next poll or event asks again
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _on_notice_timer_timeout(self) -> None:
        self.notice_label.clear()
        self.notice_label.hide()

    def _on_reason_button_toggled(self, _checked: bool) -> None:
        self._timeout.start(self._reason_timeout_ms)

    def _on_reason_edit_text_edited(self, _text: str) -> None:
        self._timeout.start(self._reason_timeout_ms)

    def _on_send_button_clicked(self) -> None:
        self.send()

    def _on_rate_done(self, ticket: TicketView, level: int, reason: str) -> None:
        self._sending = False
        self._closed_ids.add(ticket.id)
        _log.info("ticket %s rated %d", ticket.number, level)
        self.sig_rated.emit(ticket, level, reason)
        if self._ticket is not None and self._ticket.id == ticket.id:
            self._ticket = None
            self._show(self.THANKS)
        self.refresh()

    def _on_rate_failed(self, ticket: TicketView, error: BaseException) -> None:
        self._sending = False
        if isinstance(error, DomainError) and error.code in _GONE:
            # the citizen of this ticket has left the counter: the tap is not theirs, nothing was recorded
            _log.info("rating of %s at counter %s refused: %s", ticket.number, self._counter_number, error)
            self._closed_ids.add(ticket.id)
            self._set_notice(error_text(error))
            if self._ticket is not None and self._ticket.id == ticket.id:
                self._ticket = None
                self._level = 0
                self._show(self.IDLE)
            self.refresh()
            return
        self.send_button.setEnabled(True)
        self._set_status(
            _("Your rating could not be recorded: {reason}").format(reason=error_text(error)), "error"
        )
        self._timeout.start(self._reason_timeout_ms)

    def _on_timeout_timeout(self) -> None:
        step = self.current_step()
        if step == self.REASON and self._level and not self._sending:
            self.send()  # a rating given is not lost because no reason came
        elif step in (self.RATE, self.THANKS) or (step == self.REASON and not self._sending):
            if self._ticket is not None:
                self._closed_ids.add(self._ticket.id)  # asked long enough: not asked again
            self._ticket = None
            self._show(self.IDLE)

    # -- helpers -----------------------------------------------------------------------------

    def _follow(self, subject: TicketView | None) -> None:
        """Show what the queue says is at this counter now: the same ticket, another one, or nobody."""
        if self._sending:
            return  # the answer to the rating decides; it asks again afterwards
        if subject is not None and (
            subject.id in self._closed_ids or subject.counter_number not in (None, self._counter_number)
        ):
            subject = None
        current = self._ticket
        if current is not None and subject is not None and current.id == subject.id:
            if subject.status is not current.status:
                self._ticket = subject
                if subject.status is TicketStatus.DONE and self.current_step() == self.RATE:
                    self._timeout.start(self._rate_timeout_ms)  # finished: asked a little longer, then welcome
            return
        if current is not None:
            self._let_go(current)
        if subject is not None:
            self._ask(subject)

    def _ask(self, ticket: TicketView) -> None:
        self._ticket = ticket
        self._level = 0
        self.rate_prompt_label.setText(
            _("How was the service for number {number}?").format(number=ticket.number)
        )
        self._show(self.RATE)

    def _let_go(self, ticket: TicketView) -> None:
        """The ticket has left the counter: no more questions about it, back to the welcome."""
        if self.current_step() == self.REASON and self._level:
            _log.info("rating of %s begun on the pad dropped: the ticket left counter %s",
                      ticket.number, self._counter_number)
        self._closed_ids.add(ticket.id)
        self._ticket = None
        self._level = 0
        self._show(self.IDLE)

    def _show(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        timeouts = {self.RATE: self._rate_timeout_ms, self.REASON: self._reason_timeout_ms,
                    self.THANKS: self._thanks_ms}
        if step == self.RATE and self._ticket is not None and self._ticket.status is not TicketStatus.DONE:
            self._timeout.stop()  # asked for as long as the citizen is served at the counter
        elif step in timeouts:
            self._timeout.start(timeouts[step])
        else:
            self._timeout.stop()

    def _set_notice(self, text: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setVisible(bool(text))
        if text:
            self._notice_timer.start(NOTICE_MS)

    def _set_status(self, text: str, tone: str) -> None:
        self.status_label.setText(text)
        set_tone(self.status_label, tone)

    def _apply_scale(self, scale: float) -> None:
        if abs(scale - self._scale) < 0.02:
            return
        self._scale = scale
        self.setStyleSheet(scaled_stylesheet(_STYLE, scale))

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._apply_scale(screen_scale(event.size().width(), event.size().height()))
        super().resizeEvent(event)

