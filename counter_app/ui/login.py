"""Login window: shown at once while the store opens behind it; the login call runs off the GUI thread."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.domain.errors import DomainError
from counter_app.services.i18n import _, describe_error, with_log_note
from counter_app.services.read_models import StaffSession
from counter_app.ui.tasks import run_in_background
from counter_app.ui.theme import set_tone

if TYPE_CHECKING:
    from counter_app.services.ports import CounterAppServices


class LoginWindow(QWidget):
    """Username and password. Disabled until ``set_services`` hands it the opened store."""

    sig_logged_in = Signal(object)  # StaffSession

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services: CounterAppServices | None = None
        self._busy = False
        self._signed_in = False  # until reset(): the next window is on its way
        self._store_failed = False
        self._submit_waiting = False  # Enter pressed while the store was opening: sign in once it is open
        self.setObjectName("loginWindow")
        self.setWindowTitle(_("One-stop counter") + " — " + _("Sign in"))

        heading = QLabel(_("One-stop counter"))
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subheading = QLabel(_("Sign in to start your shift"))
        subheading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        subheading.setObjectName("subheading")

        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username")
        self.username_edit.setPlaceholderText(_("Username"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("Password"))

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        form.addRow(_("Username:"), self.username_edit)
        form.addRow(_("Password:"), self.password_edit)

        self.status_label = QLabel(_("Opening the data…"))
        self.status_label.setObjectName("loginStatus")
        self.status_label.setWordWrap(True)
        # Room for the longest message (the lock-out, four lines) so the window never jumps.
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().height() * 4 + 8)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_tone(self.status_label, "info")

        self.login_button = QPushButton(_("Sign in"))
        self.login_button.setObjectName("primary")
        self.login_button.setEnabled(False)
        self.login_button.setMinimumHeight(44)

        card = QFrame()
        card.setObjectName("card")
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 28, 32, 28)
        card_layout.setSpacing(14)
        card_layout.addWidget(heading)
        card_layout.addWidget(subheading)
        card_layout.addSpacing(8)
        card_layout.addLayout(form)
        card_layout.addWidget(self.status_label)
        card_layout.addWidget(self.login_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addWidget(card)
        self.setMinimumWidth(540)

        self.username_edit.returnPressed.connect(self._on_username_return_pressed)
        self.password_edit.returnPressed.connect(self._on_login_requested)
        self.login_button.clicked.connect(self._on_login_requested)
        self.username_edit.setFocus()

    # -- driven by the role that owns this window -------------------------------------------

    def set_services(self, services: CounterAppServices) -> None:
        """The store is open: enable signing in."""
        self._services = services
        self.set_message(_("Ready. Enter your username and password."), "info")
        self._update_button()
        if self._submit_waiting:  # the key pressed while the data was opening is not lost
            self._submit_waiting = False
            self._on_login_requested()

    def set_store_failed(self, message: str) -> None:
        """The store could not be opened: say so; signing in stays disabled."""
        self._store_failed = True
        self._submit_waiting = False
        self.set_message(message, "error")
        self._update_button()

    def reset(self) -> None:
        """Back to an empty sign-in (someone else signs in at this PC)."""
        self._signed_in = False
        self.password_edit.clear()
        self.set_message(_("Ready. Enter your username and password."), "info")
        self._update_button()
        self.username_edit.selectAll()
        self.username_edit.setFocus()

    def is_ready(self) -> bool:
        return self._services is not None and not self._busy

    # -- slots -----------------------------------------------------------------------------

    def _on_username_return_pressed(self) -> None:
        if self.password_edit.text():
            self._on_login_requested()
        else:
            self.password_edit.setFocus()

    def _on_login_requested(self) -> None:
        services = self._services
        if self._busy or self._signed_in or self._store_failed:
            return  # a login is already running (double click, Enter twice), or cannot run
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if services is None and username and password:
            self._submit_waiting = True  # done once, by set_services
            self.set_message(_("Opening the data… You will be signed in as soon as it is open."), "info")
            return
        if services is None:
            return
        if not username or not password:
            self.set_message(_("Enter your username and password."), "error")
            (self.password_edit if username else self.username_edit).setFocus()
            return
        self._busy = True
        self._update_button()
        self.set_message(_("Checking…"), "info")
        run_in_background(
            lambda: services.login(username, password),
            self._on_login_done,
            self._on_login_failed,
            owner=self,
            name="login",
        )

    def _on_login_done(self, session: object) -> None:
        self._busy = False
        self._signed_in = True
        self._update_button()
        assert isinstance(session, StaffSession)
        self.password_edit.clear()
        self.set_message(_("Welcome, {name}.").format(name=session.full_name), "ok")
        self.sig_logged_in.emit(session)

    def _on_login_failed(self, error: BaseException) -> None:
        self._busy = False
        self._update_button()
        self.set_message(login_error_text(error), "error")
        self.password_edit.clear()
        if isinstance(error, DomainError) and error.code == "auth.bad_credentials":
            self.password_edit.setFocus()
        elif not self.username_edit.text().strip():
            self.username_edit.setFocus()
        else:
            self.password_edit.setFocus()

    # -- helpers ---------------------------------------------------------------------------

    def set_message(self, text: str, tone: str) -> None:
        self.status_label.setText(text)
        set_tone(self.status_label, tone)

    def _update_button(self) -> None:
        self.login_button.setEnabled(
            self._services is not None
            and not self._busy
            and not self._signed_in
            and not self._store_failed
        )


def login_error_text(error: BaseException) -> str:
    """What the person at the counter reads when signing in fails."""
    if not isinstance(error, DomainError):
        return with_log_note(_("Could not sign in because of an unexpected error."))
    if error.code == "auth.bad_credentials":
        return _("Wrong username or password. Check the keyboard language and Caps Lock, then try again.")
    if error.code == "auth.locked":
        until = error.params.get("until")
        if isinstance(until, datetime):
            from counter_app.services.formatting import format_datetime

            return _(
                "This account is locked after too many wrong passwords. "
                "Try again after {time}, or ask a supervisor to unlock it."
            ).format(time=format_datetime(until))
        return _("This account is locked after too many wrong passwords. Ask a supervisor to unlock it.")
    if error.code == "auth.inactive":
        return _("This account is no longer active. Ask a supervisor.")
    return describe_error(error)
