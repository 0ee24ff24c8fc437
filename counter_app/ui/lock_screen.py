"""The locked counter screen: nothing of the work behind it, the clerk's password or another staff login."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_app.services.i18n import _
from counter_app.ui.theme import set_tone


class LockScreen(QWidget):
    """Shown in place of the pages. The username is the clerk's; another staff member types theirs."""

    sig_unlock_requested = Signal(str, str)  # username, password

    def __init__(self, username: str, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.setAutoFillBackground(True)
        self._username = username

        heading = QLabel(_("The screen is locked"))
        heading.setObjectName("heading")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label = QLabel(who)
        self.who_label.setObjectName("subheading")
        self.who_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.who_label.setWordWrap(True)

        self.username_edit = QLineEdit(username)
        self.username_edit.setObjectName("lockUsername")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("lockPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("Password"))
        form = QFormLayout()
        form.addRow(_("Username:"), self.username_edit)
        form.addRow(_("Password:"), self.password_edit)

        self.status_label = QLabel()
        self.status_label.setObjectName("lockStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setMinimumHeight(self.status_label.fontMetrics().height() * 3 + 8)
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setMinimumHeight(44)

        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(560)
        card_layout = QVBoxLayout(card)
        card_layout.setContentsMargins(32, 28, 32, 28)
        card_layout.setSpacing(14)
        card_layout.addWidget(heading)
        card_layout.addWidget(self.who_label)
        card_layout.addLayout(form)
        card_layout.addWidget(self.status_label)
        card_layout.addWidget(self.unlock_button)

        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

        self.username_edit.returnPressed.connect(self.password_edit.setFocus)
        self.password_edit.returnPressed.connect(self._on_submit)
        self.unlock_button.clicked.connect(self._on_submit)
        self.reset()

    def reset(self) -> None:
        """Fresh for the clerk who locked it: their username, empty password, the usual hint."""
        self.username_edit.setText(self._username)
        self.password_edit.clear()
        self.set_busy(False)
        self.set_message(
            _("Enter your password to go on working. Another staff member may sign in instead, "
              "which signs you out."),
            "info",
        )

    def focus_password(self) -> None:
        self.password_edit.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.unlock_button.setEnabled(not busy)
        self.password_edit.setReadOnly(busy)
        self.username_edit.setReadOnly(busy)
        if busy:
            self.set_message(_("Checking…"), "info")

    def set_message(self, text: str, tone: str) -> None:
        self.status_label.setText(text)
        set_tone(self.status_label, tone)

    def refuse(self, text: str) -> None:
        self.set_busy(False)
        self.password_edit.clear()
        self.set_message(text, "error")
        self.password_edit.setFocus()

    def take_typed(self, text: str) -> bool:
        """Text that arrived as one burst ending in Enter: into the focused field, as if typed."""
        focused = self.window().focusWidget()  # the window's focus, even while another window is active
        field = next((f for f in (self.username_edit, self.password_edit) if f is focused), None)
        if field is None or field.isReadOnly():
            return False
        field.insert(text)
        if field is self.password_edit:
            self._on_submit()
        else:
            self.password_edit.setFocus()
        return True

    def _on_submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username or not password:
            self.set_message(_("Enter your username and password."), "error")
            (self.password_edit if username else self.username_edit).setFocus()
            return
        self.set_busy(True)
        self.sig_unlock_requested.emit(username, password)
