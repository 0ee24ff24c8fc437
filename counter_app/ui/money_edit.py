"""Amount field in whole đồng: groups digits with dots as the clerk types ("1.500.000"), reads them back."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QLineEdit, QWidget

from counter_app.domain.errors import DomainError
from counter_app.services.formatting import (
    CURRENCY_SYMBOL,
    MAX_AMOUNT,
    format_number,
    group_typed_amount,
    parse_amount,
)

# What may be in the field while typing or pasting: digits, dots, spaces; a unit only at the end.
_TYPED = re.compile(r"^[\d. \u00a0\u202f]*(?:\s*(?:đồng|đ|vnđ|vnd|d)\.?)?\s*$", re.IGNORECASE)


class AmountValidator(QValidator):
    """Accepts what a clerk types or pastes ("1500000", "1.500.000", "1 500 000", "10.000 đ") and
    regroups it at once with the Vietnamese thousands separator; refuses letters and commas."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # type: ignore[override]
        if not _TYPED.match(text):
            return QValidator.State.Invalid, text, pos
        grouped, cursor = group_typed_amount(text, pos)
        if not grouped:
            return QValidator.State.Intermediate, grouped, cursor
        if int(grouped.replace(".", "")) > MAX_AMOUNT:
            return QValidator.State.Invalid, text, pos
        return QValidator.State.Acceptable, grouped, cursor

    def fixup(self, text: str) -> str:  # type: ignore[override]
        return group_typed_amount(text, len(text))[0]


class MoneyEdit(QLineEdit):
    """A line edit for đồng: right-aligned, "đ" shown after it, ``amount()`` the number typed."""

    def __init__(self, amount: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setValidator(AmountValidator(self))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setPlaceholderText("0")
        self.setMaxLength(20)
        self._unit = self.addAction(self._unit_icon(), QLineEdit.ActionPosition.TrailingPosition)
        self._unit.setText(CURRENCY_SYMBOL)
        self._unit.setToolTip(CURRENCY_SYMBOL)
        if amount is not None:
            self.set_amount(amount)

    def _unit_icon(self):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QIcon, QPainter, QPixmap

        size = max(16, self.fontMetrics().height())
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setFont(self.font())
        painter.setPen(self.palette().text().color())
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, CURRENCY_SYMBOL)
        painter.end()
        return QIcon(pixmap)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Backspace or Delete next to a separator removes the digit beyond it, not only the dot.
        text, pos = self.text(), self.cursorPosition()
        if not self.hasSelectedText():
            if event.key() == Qt.Key.Key_Backspace and pos > 1 and text[pos - 1] == ".":
                self.setCursorPosition(pos - 1)
            elif event.key() == Qt.Key.Key_Delete and pos < len(text) - 1 and text[pos] == ".":
                self.setCursorPosition(pos + 1)
        super().keyPressEvent(event)

    def set_amount(self, amount: int) -> None:
        self.setText(format_number(amount))

    def amount(self) -> int:
        """The đồng typed; raises ``DomainError`` ("amount.empty", "amount.bad") with words for the clerk."""
        return parse_amount(self.text())

    def amount_or_none(self) -> int | None:
        try:
            return self.amount()
        except DomainError:
            return None
